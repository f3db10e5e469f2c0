//! Stage 3, **render**: the checked site becomes pages and data, in memory. Nothing here touches
//! the output folder; `write` does that.

mod charts;
mod data;
mod feeds;
mod search;
mod theme;
pub mod views;

use std::hash::{Hash, Hasher};

use serde::Serialize;
use tera::Context;

use crate::check::Ctx;
use crate::diag::Diagnostic;
use crate::model::{Site, text};
use crate::write::{Asset, OutputFile};
use views::Model;

pub use theme::{DEFAULT_STATIC, DEFAULT_TEMPLATES};

pub struct RenderOptions {
    /// Absolute address of the site, without a trailing slash, when known.
    pub base_url: Option<String>,
}

pub struct Rendered {
    pub files: Vec<OutputFile>,
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

/// Renders the site as of `ctx.as_of`.
pub fn render(
    site: &Site,
    ctx: &Ctx,
    opts: &RenderOptions,
    cache: &mut views::ViewCache,
) -> Result<Rendered, Vec<Diagnostic>> {
    let theme = theme::load(&site.root, text(&site.config.theme))?;
    let model = views::build(site, ctx, opts.base_url.as_deref(), cache);
    let mut tera = theme.tera;
    tera.global_context().insert("site", &model.site);
    let r = Renderer {
        tera: &tera,
        model: &model,
        base_url: opts.base_url.clone(),
        theme_fingerprint: theme.fingerprint,
    };
    let mut files = theme.files;
    r.pages(&mut files, cache).map_err(|e| {
        vec![Diagnostic::error(
            "syntax",
            "themes/",
            format!("模板渲染失败：{e}"),
        )]
    })?;
    let base = opts.base_url.as_deref();
    let entries = search::entries(&files);
    let pages: Vec<String> = entries.iter().map(|(e, _)| e.url.clone()).collect();
    files.extend(search::index(&entries));
    files.extend(data::files(&model, &|url| r.absolute(url)));
    files.push(feeds::atom(&model, base));
    files.extend(feeds::sitemap_and_robots(&pages, base));
    Ok(Rendered {
        files,
        assets: theme.assets,
    })
}

struct Renderer<'a> {
    tera: &'a tera::Tera,
    model: &'a Model,
    base_url: Option<String>,
    theme_fingerprint: u64,
}

impl Renderer<'_> {
    /// A page URL as an absolute address when the site's address is known, else as given.
    fn absolute(&self, path: &str) -> String {
        match &self.base_url {
            Some(base) => format!("{base}/{path}"),
            None => path.to_string(),
        }
    }

    fn meta(&self, path: &str, section: &'static str, title: &str, description: &str) -> PageMeta {
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
            canonical: self.base_url.as_ref().map(|_| self.absolute(path)),
        }
    }

    fn page(
        &self,
        out: &mut Vec<OutputFile>,
        template: &str,
        meta: PageMeta,
        fill: impl FnOnce(&mut Context),
    ) -> tera::TeraResult<()> {
        let mut ctx = Context::new();
        ctx.insert("page", &meta);
        fill(&mut ctx);
        let html = self.tera.render(template, &ctx)?;
        let file = if meta.path.is_empty() || meta.path.ends_with('/') {
            format!("{}index.html", meta.path)
        } else {
            meta.path.clone()
        };
        out.push(OutputFile::new(file, html));
        Ok(())
    }

    fn pages(
        &self,
        out: &mut Vec<OutputFile>,
        cache: &mut views::ViewCache,
    ) -> tera::TeraResult<()> {
        let m = self.model;
        let site_title = &m.site.title;
        self.page(
            out,
            "index.html",
            self.meta(
                "",
                "home",
                site_title,
                if m.site.description.is_empty() {
                    &m.overview.description
                } else {
                    &m.site.description
                },
            ),
            |c| {
                c.insert("overview", &m.overview);
                c.insert("projects", &m.projects);
                c.insert("funds", &m.funds);
            },
        )?;
        self.page(
            out,
            "projects.html",
            self.meta(
                "projects/",
                "projects",
                "项目清单",
                "全部扶持项目的承办单位、资金、完成时限和进度",
            ),
            |c| {
                c.insert("projects", &m.projects);
                c.insert("categories", &m.categories);
                c.insert("statuses", &m.statuses);
            },
        )?;
        for p in &m.projects {
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
            let path = format!("{}index.html", p.url);
            if let Some((k, bytes)) = cache.pages.get(&p.id)
                && *k == key
            {
                out.push(OutputFile::new(path, bytes.clone()));
                continue;
            }
            self.page(
                out,
                "project.html",
                self.meta(&p.url, "projects", &p.name, &p.summary),
                |c| {
                    c.insert("project", p);
                },
            )?;
            if let Some(page) = out.last() {
                cache.pages.insert(p.id.clone(), (key, page.bytes.clone()));
            }
        }
        let public: std::collections::HashSet<&str> =
            m.projects.iter().map(|p| p.id.as_str()).collect();
        cache.pages.retain(|id, _| public.contains(id.as_str()));
        self.page(
            out,
            "documents.html",
            self.meta(
                "documents/",
                "documents",
                "政策文件",
                "实施方案、资金与项目管理制度、决策文件和报告",
            ),
            |c| {
                c.insert("document_groups", &m.document_groups);
            },
        )?;
        for d in &m.documents {
            self.page(
                out,
                "document.html",
                self.meta(&d.url, "documents", &d.title, &d.summary),
                |c| {
                    c.insert("document", d);
                },
            )?;
        }
        self.page(
            out,
            "notices.html",
            self.meta(
                "notices/",
                "notices",
                "采购公告",
                "招标、中标、合同等采购信息",
            ),
            |c| {
                c.insert("notices", &m.notices);
            },
        )?;
        for n in &m.notices {
            self.page(
                out,
                "notice.html",
                self.meta(&n.url, "notices", &n.title, &n.title),
                |c| {
                    c.insert("notice", n);
                },
            )?;
        }
        self.page(
            out,
            "funds.html",
            self.meta(
                "funds/",
                "funds",
                "资金安排",
                "资金来源、板块分配、项目扶持和拨付情况",
            ),
            |c| {
                c.insert("funds", &m.funds);
            },
        )?;
        self.page(
            out,
            "supervision.html",
            self.meta(
                "supervision/",
                "supervision",
                "监督举报",
                "征求意见窗口、纪检监察和审计举报窗口",
            ),
            |_| {},
        )?;
        self.page(
            out,
            "search.html",
            self.meta("search/", "search", "搜索", "搜索项目、文件和公告"),
            |c| {
                c.insert("projects", &m.projects);
                c.insert("documents", &m.documents);
                c.insert("notices", &m.notices);
            },
        )?;
        self.page(
            out,
            "data.html",
            self.meta(
                "data/",
                "data",
                "开放数据",
                "项目、进度、资金拨付和采购公告的数据下载",
            ),
            |c| {
                c.insert("site_sources", &m.funds.sources);
            },
        )?;
        let mut not_found = self.meta("404.html", "none", "页面不存在", "");
        not_found.root = match &self.base_url {
            Some(base) => format!("{}/", base_path(base)),
            None => "/".into(),
        };
        not_found.canonical = None;
        self.page(out, "404.html", not_found, |_| {})?;
        Ok(())
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
