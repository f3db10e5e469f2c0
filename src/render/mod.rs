//! Stage 3, **render**: the checked site becomes pages and data. Pages are rendered in parallel
//! and handed to a [`Sink`] as they are made (a staging folder, or memory for the preview), so
//! that no build holds every page at once; the search index is gathered on the way.

mod charts;
mod data;
mod feeds;
mod search;
pub mod theme;
pub mod views;

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::check::Ctx;
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::write::{Asset, OutputFile, Sink};
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

/// Every page of the site, in a fixed order (their search ids).
#[derive(Clone, Copy)]
enum Job {
    Home,
    Projects,
    Project(usize),
    Documents,
    Document(usize),
    Notices,
    Notice(usize),
    Funds,
    Supervision,
    Data,
    Search,
    NotFound,
}

impl Job {
    fn all(m: &Model) -> Vec<Job> {
        let mut jobs = vec![Job::Home, Job::Projects];
        jobs.extend((0..m.projects.len()).map(Job::Project));
        jobs.push(Job::Documents);
        jobs.extend((0..m.documents.len()).map(Job::Document));
        jobs.push(Job::Notices);
        jobs.extend((0..m.notices.len()).map(Job::Notice));
        jobs.extend([
            Job::Funds,
            Job::Supervision,
            Job::Data,
            Job::Search,
            Job::NotFound,
        ]);
        jobs
    }

    /// Pages that search finds (not the 404 and search pages themselves).
    fn searchable(self) -> bool {
        !matches!(self, Job::Search | Job::NotFound)
    }
}

fn template_error(e: impl std::fmt::Display) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        "syntax",
        "themes/",
        format!("模板渲染失败：{e}"),
    )]
}

fn write_error(e: std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        "syntax",
        "public/",
        format!("写入失败：{e}"),
    )]
}

/// Renders the site as of `ctx.as_of` into `sink`.
pub fn render(
    site: &Site,
    ctx: &Ctx,
    opts: &RenderOptions,
    cache: &mut views::ViewCache,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    let theme = theme::load(&site.root, &site.config)?;
    let t = std::time::Instant::now();
    let model = views::build(site, ctx, opts.base_url.as_deref(), cache);
    crate::timing("render: model", t);
    let t = std::time::Instant::now();
    let mut tera = theme.tera;
    tera.global_context().insert("site", &model.site);
    let r = Renderer {
        tera: &tera,
        model: &model,
        base_url: opts.base_url.clone(),
        theme_fingerprint: theme.fingerprint,
    };
    for f in &theme.files {
        sink.put(&f.path, &f.bytes).map_err(write_error)?;
    }
    let jobs = Job::all(&model);
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
            sink.put(&file, html.as_bytes()).map_err(write_error)?;
            opts.progress.inc(1);
            Ok::<_, Vec<Diagnostic>>(postings)
        })
        .try_reduce(search::Postings::default, |a, b| Ok(a.merge(b)))?;
    crate::timing("render: pages", t);
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
    let data_files = data_files.map_err(write_error)?;
    extra
        .par_iter()
        .try_for_each(|f| sink.put(&f.path, &f.bytes))
        .map_err(write_error)?;
    crate::timing("render: index, data and feeds", t);
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
    ctx: &Ctx,
    opts: &RenderOptions,
    id: &str,
) -> Result<Option<(String, String)>, Vec<Diagnostic>> {
    let t = std::time::Instant::now();
    let theme = theme::load(&site.root, &site.config)?;
    crate::timing("page: theme", t);
    let t = std::time::Instant::now();
    let Some((site_view, project)) = views::one_project(site, ctx, opts.base_url.as_deref(), id)
    else {
        return Ok(None);
    };
    crate::timing("page: view", t);
    let mut tera = theme.tera;
    tera.global_context().insert("site", &site_view);
    let meta = page_meta(
        opts.base_url.as_deref(),
        &project.url,
        "projects",
        &project.name,
        &project.summary,
    );
    html(&tera, "project.html", meta, |c| {
        c.insert("project", &project)
    })
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
    section: &'static str,
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
        section,
        column: match section {
            "projects" => "项目清单",
            "funds" => "资金安排",
            "documents" => "政策文件",
            "notices" => "采购公告",
            "supervision" => "监督举报",
            "data" => "开放数据",
            "search" => "搜索",
            _ => "首页",
        },
        canonical: base_url.map(|_| absolute(base_url, path)),
    }
}

fn html(
    tera: &tera::Tera,
    template: &str,
    meta: PageMeta,
    fill: impl FnOnce(&mut Context),
) -> Result<(String, String), Vec<Diagnostic>> {
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

    fn meta(&self, path: &str, section: &'static str, title: &str, description: &str) -> PageMeta {
        page_meta(self.base_url.as_deref(), path, section, title, description)
    }

    /// The page's path, title and section: what search lists it as.
    fn describe(&self, job: Job) -> (String, String, &'static str) {
        let m = self.model;
        match job {
            Job::Home => (String::new(), m.site.title.clone(), "栏目"),
            Job::Projects => ("projects/".into(), "项目清单".into(), "栏目"),
            Job::Project(i) => (
                m.projects[i].url.clone(),
                m.projects[i].name.clone(),
                "项目",
            ),
            Job::Documents => ("documents/".into(), "政策文件".into(), "栏目"),
            Job::Document(i) => (
                m.documents[i].url.clone(),
                m.documents[i].title.clone(),
                "政策文件",
            ),
            Job::Notices => ("notices/".into(), "采购公告".into(), "栏目"),
            Job::Notice(i) => (
                m.notices[i].url.clone(),
                m.notices[i].title.clone(),
                "采购公告",
            ),
            Job::Funds => ("funds/".into(), "资金安排".into(), "栏目"),
            Job::Supervision => ("supervision/".into(), "监督举报".into(), "栏目"),
            Job::Data => ("data/".into(), "开放数据".into(), "栏目"),
            Job::Search => ("search/".into(), "搜索".into(), "栏目"),
            Job::NotFound => ("404.html".into(), "页面不存在".into(), "栏目"),
        }
    }

    fn html(
        &self,
        template: &str,
        meta: PageMeta,
        fill: impl FnOnce(&mut Context),
    ) -> Result<(String, String), Vec<Diagnostic>> {
        html(self.tera, template, meta, fill)
    }

    /// Renders one page: (output path, HTML).
    fn render(
        &self,
        job: Job,
        cache: &views::ViewCache,
    ) -> Result<(String, String), Vec<Diagnostic>> {
        let m = self.model;
        match job {
            Job::Home => {
                let description = if m.site.description.is_empty() {
                    &m.overview.description
                } else {
                    &m.site.description
                };
                let highlights: Vec<&views::ProjectRow> =
                    m.highlights.iter().map(|i| &m.rows[*i]).collect();
                self.html(
                    "index.html",
                    self.meta("", "home", &m.site.title, description),
                    |c| {
                        c.insert("overview", &m.overview);
                        c.insert("projects", &highlights);
                        c.insert("project_count", &m.rows.len());
                        c.insert("funds", &m.funds);
                    },
                )
            }
            Job::Projects => self.html(
                "projects.html",
                self.meta(
                    "projects/",
                    "projects",
                    "项目清单",
                    "全部扶持项目的承办单位、资金、完成时限和进度",
                ),
                |c| {
                    c.insert("projects", &m.rows);
                    c.insert("categories", &m.categories);
                    c.insert("statuses", &m.statuses);
                },
            ),
            Job::Project(i) => {
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
                if let Some(page) = cache.page(&p.id, key) {
                    return Ok((format!("{}index.html", p.url), page));
                }
                let page = self.html(
                    "project.html",
                    self.meta(&p.url, "projects", &p.name, &p.summary),
                    |c| {
                        c.insert("project", p);
                    },
                )?;
                cache.keep_page(&p.id, key, &page.1);
                Ok(page)
            }
            Job::Documents => self.html(
                "documents.html",
                self.meta(
                    "documents/",
                    "documents",
                    "政策文件",
                    "实施方案、资金与项目管理制度、决策文件和报告",
                ),
                |c| c.insert("document_groups", &m.document_groups),
            ),
            Job::Document(i) => {
                let d = &m.documents[i];
                self.html(
                    "document.html",
                    self.meta(&d.url, "documents", &d.title, &d.summary),
                    |c| c.insert("document", d),
                )
            }
            Job::Notices => self.html(
                "notices.html",
                self.meta(
                    "notices/",
                    "notices",
                    "采购公告",
                    "招标、中标、合同等采购信息",
                ),
                |c| c.insert("notices", &m.notices),
            ),
            Job::Notice(i) => {
                let n = &m.notices[i];
                self.html(
                    "notice.html",
                    self.meta(&n.url, "notices", &n.title, &n.title),
                    |c| c.insert("notice", n),
                )
            }
            Job::Funds => self.html(
                "funds.html",
                self.meta(
                    "funds/",
                    "funds",
                    "资金安排",
                    "资金来源、板块分配、项目扶持和拨付情况",
                ),
                |c| c.insert("funds", &m.funds),
            ),
            Job::Supervision => self.html(
                "supervision.html",
                self.meta(
                    "supervision/",
                    "supervision",
                    "监督举报",
                    "征求意见窗口、纪检监察和审计举报窗口",
                ),
                |_| {},
            ),
            Job::Data => self.html(
                "data.html",
                self.meta(
                    "data/",
                    "data",
                    "开放数据",
                    "项目、进度、资金拨付和采购公告的数据下载",
                ),
                |c| c.insert("site_sources", &m.funds.sources),
            ),
            Job::Search => self.html(
                "search.html",
                self.meta("search/", "search", "搜索", "搜索项目、文件和公告"),
                |c| {
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
                },
            ),
            Job::NotFound => {
                let mut meta = self.meta("404.html", "none", "页面不存在", "");
                meta.root = match &self.base_url {
                    Some(base) => format!("{}/", base_path(base)),
                    None => "/".into(),
                };
                meta.canonical = None;
                self.html("404.html", meta, |_| {})
            }
        }
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

/// Renders the site into memory, for tests and tools that want the files themselves.
pub fn render_to_files(
    site: &Site,
    ctx: &Ctx,
    opts: &RenderOptions,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let memory = crate::write::Memory::default();
    render(site, ctx, opts, &mut views::ViewCache::default(), &memory)?;
    let files = memory.files.into_inner().unwrap_or_default();
    let mut out: Vec<OutputFile> = files
        .into_iter()
        .map(|(p, b)| OutputFile::new(p, b.as_ref().clone()))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
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
