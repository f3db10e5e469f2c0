//! Stage 3, **render**: the checked site becomes pages and data. Pages are rendered in parallel
//! and handed to a [`Sink`] as they are made (a staging folder, or memory for the preview), so
//! that no build holds every page at once; the search index is gathered on the way.

mod charts;
mod data;
mod feeds;
pub mod pages;
mod search;
pub mod theme;
mod typeset;
pub mod views;

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::write::{Asset, Sink};
use pages::Page;
use views::Model;

pub use theme::{DEFAULT_STATIC, DEFAULT_TEMPLATES};

#[derive(Default)]
pub struct RenderOptions {
    /// Absolute address of the site, without a trailing slash, when known.
    pub base_url: Option<String>,
    pub progress: crate::progress::Progress,
}

pub struct Rendered {
    /// Number of files handed to the sink.
    pub written: usize,
    /// Files copied as they are: (source, output path).
    pub assets: Vec<Asset>,
}

/// Why a site could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// The theme's templates are wrong: findings for the webmaster.
    Template(Vec<Diagnostic>),
    /// The sink could not take a file.
    Io(std::io::Error),
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Io(e)
    }
}

/// What every template gets as `page`.
#[derive(Serialize)]
struct PageMeta {
    title: String,
    description: String,
    /// Path of the page below the site root, e.g. `projects/x/` (empty for the overview).
    path: String,
    /// Prefix that leads from this page back to the site root: `./`, `../`, `../../`, or the
    /// absolute path for pages served at any address (404).
    root: String,
    /// Top-level section, for the navigation: `home`, `projects`, …
    section: &'static str,
    /// The section's name, for the column meta tag government portals read.
    column: &'static str,
    canonical: Option<String>,
}

fn template_error(e: impl std::fmt::Display) -> RenderError {
    RenderError::Template(vec![Diagnostic::new(
        crate::rules::TEMPLATE,
        "themes/",
        format!("模板渲染失败：{e}"),
    )])
}

/// A theme ready to render: templates parsed once, with the site-wide values every page gets.
fn prepare(site: &Site, site_view: &views::SiteView) -> Result<theme::Theme, RenderError> {
    let mut theme = theme::load(&site.root, &site.config).map_err(RenderError::Template)?;
    let globals = theme.tera.global_context();
    globals.insert("site", site_view);
    globals.insert("nav", &pages::nav());
    Ok(theme)
}

/// Renders the site as of the derived date into `sink`.
pub fn render(
    site: &Site,
    derived: &Derived,
    opts: &RenderOptions,
    cache: &mut views::ViewCache,
    sink: &dyn Sink,
) -> Result<Rendered, RenderError> {
    let t = std::time::Instant::now();
    let model = views::build(site, derived, opts.base_url.as_deref(), cache);
    crate::progress::timing("render: model", t);
    let theme = prepare(site, &model.site)?;
    let t = std::time::Instant::now();
    let r = Renderer {
        tera: &theme.tera,
        model: &model,
        base_url: opts.base_url.clone(),
        theme_fingerprint: theme.fingerprint,
    };
    for f in &theme.files {
        sink.put(&f.path, &f.bytes)?;
    }
    let jobs = Page::all(
        model.projects.len(),
        model.documents.len(),
        model.notices.len(),
    );
    opts.progress.stage("生成页面", jobs.len());
    let pages: Vec<(String, String, &'static str)> = jobs.iter().map(|j| r.describe(*j)).collect();
    // Each thread renders pages, hands them to the sink and gathers their search tokens.
    let postings = jobs
        .par_iter()
        .enumerate()
        .try_fold(search::Postings::default, |mut postings, (id, job)| {
            let (file, html) = r.render(*job, cache)?;
            if job.searchable() {
                postings.add(id as u32, &html);
            }
            sink.put(&file, html.as_bytes())?;
            opts.progress.inc(1);
            Ok::<_, RenderError>(postings)
        })
        .try_reduce(search::Postings::default, |a, b| Ok(a.merge(b)))?;
    crate::progress::timing("render: pages", t);
    let t = std::time::Instant::now();
    opts.progress.stage("开放数据", 1);
    let urls: Vec<String> = jobs
        .iter()
        .zip(&pages)
        .filter(|(job, _)| job.searchable())
        .map(|(_, (url, _, _))| url.clone())
        .collect();
    let base = opts.base_url.as_deref();
    // The search index, the feeds and the open data do not depend on one another.
    let (extra, data_files) = rayon::join(
        || {
            let mut extra = search::files(
                &pages,
                jobs.iter().map(|j| j.searchable()).collect(),
                postings,
            );
            extra.push(feeds::atom(&model, base));
            extra.extend(feeds::sitemap_and_robots(&urls, base));
            extra
        },
        || data::write(&model, &|url| r.absolute(url), sink),
    );
    let data_files = data_files?;
    extra
        .par_iter()
        .try_for_each(|f| sink.put(&f.path, &f.bytes))?;
    crate::progress::timing("render: index, data and feeds", t);
    // A national site's model is a million small allocations: let them go off the build's path.
    std::thread::spawn(move || drop(model));
    Ok(Rendered {
        written: theme.files.len() + jobs.len() + extra.len() + data_files,
        assets: theme.assets,
    })
}

/// Renders one project page alone, for the preview: (output path, HTML). `None` when the
/// project is not public.
pub fn render_project_page(
    site: &Site,
    derived: &Derived,
    opts: &RenderOptions,
    id: &str,
) -> Result<Option<(String, String)>, RenderError> {
    let t = std::time::Instant::now();
    let Some((site_view, project)) =
        views::one_project(site, derived, opts.base_url.as_deref(), id)
    else {
        return Ok(None);
    };
    crate::progress::timing("page: view", t);
    let t = std::time::Instant::now();
    let theme = prepare(site, &site_view)?;
    crate::progress::timing("page: theme", t);
    let meta = page_meta(
        opts.base_url.as_deref(),
        &project.url,
        Some(pages::PROJECTS),
        &project.name,
        &project.summary,
    );
    html(
        &theme.tera,
        pages::PROJECTS.records.map_or("", |r| r.0),
        meta,
        |c| c.insert("project", &project),
    )
    .map(Some)
}

/// The address of a page: absolute when the site's address is known, else as given.
fn absolute(base_url: Option<&str>, path: &str) -> String {
    match base_url {
        Some(base) => format!("{base}/{path}"),
        None => path.to_string(),
    }
}

fn page_meta(
    base_url: Option<&str>,
    path: &str,
    section: Option<&'static pages::Section>,
    title: &str,
    description: &str,
) -> PageMeta {
    let depth = path.matches('/').count();
    PageMeta {
        title: title.to_string(),
        description: description.to_string(),
        path: path.to_string(),
        root: if depth == 0 {
            "./".into()
        } else {
            "../".repeat(depth)
        },
        section: section.map_or("none", |s| s.key),
        column: section.unwrap_or(pages::HOME).name,
        canonical: base_url.map(|_| absolute(base_url, path)),
    }
}

fn html(
    tera: &tera::Tera,
    template: &str,
    meta: PageMeta,
    fill: impl FnOnce(&mut Context),
) -> Result<(String, String), RenderError> {
    let mut ctx = Context::new();
    ctx.insert("page", &meta);
    fill(&mut ctx);
    let html = tera.render(template, &ctx).map_err(template_error)?;
    let file = if meta.path.is_empty() || meta.path.ends_with('/') {
        format!("{}index.html", meta.path)
    } else {
        meta.path.clone()
    };
    Ok((file, html))
}

struct Renderer<'a> {
    tera: &'a tera::Tera,
    model: &'a Model,
    base_url: Option<String>,
    theme_fingerprint: u64,
}

impl Renderer<'_> {
    fn absolute(&self, path: &str) -> String {
        absolute(self.base_url.as_deref(), path)
    }

    /// The page's path, title and what search calls it.
    fn describe(&self, page: Page) -> (String, String, &'static str) {
        let m = self.model;
        let (path, title) = match page {
            Page::Section(s) if s == pages::HOME => (String::new(), m.site.title.clone()),
            Page::Section(s) => (s.path.to_string(), s.name.to_string()),
            Page::Record(s, i) if s == pages::PROJECTS => {
                (m.projects[i].url.clone(), m.projects[i].name.clone())
            }
            Page::Record(s, i) if s == pages::DOCUMENTS => {
                (m.documents[i].url.clone(), m.documents[i].title.clone())
            }
            Page::Record(_, i) => (m.notices[i].url.clone(), m.notices[i].title.clone()),
            Page::NotFound => ("404.html".into(), "页面不存在".into()),
        };
        (path, title, page.kind())
    }

    /// The page's head: its place, title and description.
    fn meta(&self, page: Page) -> PageMeta {
        let m = self.model;
        let (path, title, _) = self.describe(page);
        let description = match page {
            Page::Section(s) if s == pages::HOME => {
                if m.site.description.is_empty() {
                    m.overview.description.clone()
                } else {
                    m.site.description.clone()
                }
            }
            Page::Section(s) if s == pages::DATA => match &m.site.ledger {
                Some(l) => format!(
                    "{}；公开记录 ledger.jsonl 共 {} 条，最新哈希 {}",
                    s.description, l.count, l.head_short
                ),
                None => s.description.to_string(),
            },
            Page::Section(s) => s.description.to_string(),
            Page::Record(s, i) if s == pages::PROJECTS => m.projects[i].summary.clone(),
            Page::Record(s, i) if s == pages::DOCUMENTS => m.documents[i].summary.clone(),
            Page::Record(_, i) => m.notices[i].title.clone(),
            Page::NotFound => String::new(),
        };
        let mut meta = page_meta(
            self.base_url.as_deref(),
            &path,
            page.section(),
            &title,
            &description,
        );
        if page == Page::NotFound {
            // Served at any address: links start from the site's own path.
            meta.root = match &self.base_url {
                Some(base) => format!("{}/", base_path(base)),
                None => "/".into(),
            };
            meta.canonical = None;
        }
        meta
    }

    /// Renders one page: (output path, HTML).
    fn render(
        &self,
        page: Page,
        cache: &views::ViewCache,
    ) -> Result<(String, String), RenderError> {
        let m = self.model;
        let template = page.template();
        if let Page::Record(s, i) = page
            && s == pages::PROJECTS
        {
            let p = &m.projects[i];
            // A project page depends on its view, the templates and the site address only.
            let key = {
                let mut h = std::hash::DefaultHasher::new();
                (
                    cache.fingerprint(&p.id),
                    self.theme_fingerprint,
                    &self.base_url,
                )
                    .hash(&mut h);
                h.finish()
            };
            if let Some(html) = cache.page(&p.id, key) {
                return Ok((format!("{}index.html", p.url), html));
            }
            let page = html(self.tera, template, self.meta(page), |c| {
                c.insert("project", p);
            })?;
            cache.keep_page(&p.id, key, &page.1);
            return Ok(page);
        }
        html(self.tera, template, self.meta(page), |c| match page {
            Page::Section(s) if s == pages::HOME => {
                let highlights: Vec<&views::ProjectRow> =
                    m.highlights.iter().map(|i| &m.rows[*i]).collect();
                c.insert("overview", &m.overview);
                c.insert("projects", &highlights);
                c.insert("funds", &m.funds);
            }
            Page::Section(s) if s == pages::PROJECTS => {
                c.insert("projects", &m.rows);
                c.insert("categories", &m.categories);
                c.insert("statuses", &m.statuses);
            }
            Page::Section(s) if s == pages::DOCUMENTS => {
                c.insert("document_groups", &m.document_groups)
            }
            Page::Section(s) if s == pages::NOTICES => c.insert("notices", &m.notices),
            Page::Section(s) if s == pages::FUNDS => {
                c.insert("funds", &m.funds);
                c.insert("corrections", &m.programme_changes);
            }
            Page::Section(s) if s == pages::DATA => c.insert("site_sources", &m.funds.sources),
            Page::Section(s) if s == pages::CHANGES => c.insert("changes", &m.changes),
            Page::Section(s) if s == pages::SEARCH => {
                let link = |url: &str, title: &str| views::LinkRow {
                    url: url.to_string(),
                    title: title.to_string(),
                };
                let documents: Vec<views::LinkRow> =
                    m.documents.iter().map(|d| link(&d.url, &d.title)).collect();
                let notices: Vec<views::LinkRow> =
                    m.notices.iter().map(|n| link(&n.url, &n.title)).collect();
                c.insert("projects", &m.rows);
                c.insert("documents", &documents);
                c.insert("notices", &notices);
            }
            Page::Record(s, i) if s == pages::DOCUMENTS => c.insert("document", &m.documents[i]),
            Page::Record(_, i) => c.insert("notice", &m.notices[i]),
            Page::Section(_) | Page::NotFound => {}
        })
    }
}

/// The path part of an absolute URL, without a trailing slash: `https://a.gov.cn/zl/x` → `/zl/x`.
fn base_path(base: &str) -> &str {
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/'),
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://www.example.gov.cn/zl/dzsw"), "/zl/dzsw");
        assert_eq!(base_path("https://www.example.gov.cn/zl/dzsw/"), "/zl/dzsw");
        assert_eq!(base_path("https://www.example.gov.cn"), "");
    }
}
