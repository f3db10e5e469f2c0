//! Stage 3, **render**: the checked site becomes pages and data. Pages are rendered in parallel
//! and handed to a [`Sink`] as they are made (a staging folder, or memory for the preview), so
//! that no build holds every page at once; the search index is gathered on the way.

mod charts;
pub mod data;
mod feeds;
pub mod pages;
pub mod search;
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
    /// Every generated page's links, anchors and head metadata, read back.
    pub crawl: crate::links::Crawl,
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
    /// The kind of column, for the `ColumnType` meta tag.
    column_type: &'static str,
    /// For the `Keywords` meta tag, comma-separated.
    keywords: String,
    canonical: Option<String>,
    /// What a record page says of itself in its head (`ArticleTitle`, `PubDate`,
    /// `ContentSource`); none on other pages.
    article: Option<Article>,
}

/// The head metadata of a record page (政府网站网页设计规范).
#[derive(Serialize)]
struct Article {
    title: String,
    /// `YYYY-MM-DD HH:MM`: records are dated by the day, so the time is 00:00 China time.
    pubdate: Option<String>,
    /// Who published it: the document's issuer, else the column's publisher.
    source: String,
}

fn pubdate(d: &Option<views::DateView>) -> Option<String> {
    d.as_ref().map(|d| format!("{} 00:00", d.iso))
}

/// Keywords from the values that name a record, each once, without blanks.
fn keywords<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for w in words.into_iter().map(str::trim) {
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
        }
    }
    out.join(",")
}

/// The head of a project page: keywords and what it says of itself.
fn project_head(site: &views::SiteView, p: &views::ProjectView) -> (String, Article) {
    (
        keywords([
            p.name.as_str(),
            p.category.label.as_str(),
            p.contractor.name.as_str(),
        ]),
        Article {
            title: p.name.clone(),
            pubdate: pubdate(&p.published),
            source: site.publisher.name.clone(),
        },
    )
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
    // Each thread renders pages, hands them to the sink and gathers their search tokens and
    // what their links lead to.
    let (postings, mut read_back) = jobs
        .par_iter()
        .enumerate()
        .try_fold(
            || (search::Postings::default(), Vec::new()),
            |(mut postings, mut read_back), (id, job)| {
                let (file, html) = r.render(*job, cache)?;
                if job.searchable() {
                    postings.add(id as u32, &html);
                }
                read_back.push(crate::links::PageLinks::read(
                    &pages[id].0,
                    job.template(),
                    r.record(*job),
                    &html,
                ));
                sink.put(&file, html.as_bytes())?;
                opts.progress.inc(1);
                Ok::<_, RenderError>((postings, read_back))
            },
        )
        .try_reduce(
            || (search::Postings::default(), Vec::new()),
            |(a, mut x), (b, y)| {
                x.extend(y);
                Ok((a.merge(b), x))
            },
        )?;
    read_back.sort_by(|a, b| a.path.cmp(&b.path));
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
        || data::write(site, derived, &model, &|url| r.absolute(url), sink),
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
        crawl: crate::links::Crawl {
            base_url: opts.base_url.clone(),
            pages: read_back,
        },
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
    let mut meta = page_meta(
        opts.base_url.as_deref(),
        &project.url,
        Some(pages::PROJECTS),
        &project.name,
        &project.summary,
    );
    let (words, article) = project_head(&site_view, &project);
    meta.keywords = words;
    meta.article = Some(article);
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
        // Every page describes itself (the design rules' `Description`): by its title when
        // nothing longer was written.
        description: if description.trim().is_empty() {
            title.to_string()
        } else {
            description.to_string()
        },
        path: path.to_string(),
        root: if depth == 0 {
            "./".into()
        } else {
            "../".repeat(depth)
        },
        section: section.map_or("none", |s| s.key),
        column: section.unwrap_or(pages::HOME).name,
        column_type: section.unwrap_or(pages::HOME).column_type(),
        keywords: String::new(),
        canonical: base_url.map(|_| absolute(base_url, path)),
        article: None,
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

    /// The record a page shows, for findings about its links.
    fn record(&self, page: Page) -> Option<(crate::links::RecordKind, String)> {
        use crate::links::RecordKind;
        let m = self.model;
        match page {
            Page::Record(s, i) if s == pages::PROJECTS => {
                Some((RecordKind::Project, m.projects[i].id.clone()))
            }
            Page::Record(s, i) if s == pages::DOCUMENTS => {
                Some((RecordKind::Document, m.documents[i].id.clone()))
            }
            Page::Record(_, i) => Some((RecordKind::Notice, m.notices[i].id.clone())),
            _ => None,
        }
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
        let site = &m.site;
        match page {
            Page::Record(s, i) if s == pages::PROJECTS => {
                let (words, article) = project_head(site, &m.projects[i]);
                meta.keywords = words;
                meta.article = Some(article);
            }
            Page::Record(s, i) if s == pages::DOCUMENTS => {
                let d = &m.documents[i];
                meta.keywords = keywords([
                    d.title.as_str(),
                    d.kind.label.as_str(),
                    d.number.as_deref().unwrap_or(""),
                    d.issuer.as_deref().unwrap_or(""),
                ]);
                meta.article = Some(Article {
                    title: d.title.clone(),
                    pubdate: pubdate(&d.published),
                    source: d
                        .issuer
                        .clone()
                        .unwrap_or_else(|| site.publisher.name.clone()),
                });
            }
            Page::Record(_, i) => {
                let n = &m.notices[i];
                meta.keywords = keywords([
                    n.title.as_str(),
                    n.kind.label.as_str(),
                    n.project.as_ref().map_or("", |p| p.name.as_str()),
                    n.supplier.as_deref().unwrap_or(""),
                ]);
                meta.article = Some(Article {
                    title: n.title.clone(),
                    pubdate: pubdate(&n.published),
                    source: site.publisher.name.clone(),
                });
            }
            _ => {
                meta.keywords =
                    keywords([meta.column, site.programme.as_str(), site.title.as_str()]);
            }
        }
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
                let link =
                    |url: &str, title: &str, published: &Option<views::DateView>| views::LinkRow {
                        url: url.to_string(),
                        title: title.to_string(),
                        published: published.clone(),
                    };
                let documents: Vec<views::LinkRow> = m
                    .documents
                    .iter()
                    .map(|d| link(&d.url, &d.title, &d.published))
                    .collect();
                let notices: Vec<views::LinkRow> = m
                    .notices
                    .iter()
                    .map(|n| link(&n.url, &n.title, &n.published))
                    .collect();
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
