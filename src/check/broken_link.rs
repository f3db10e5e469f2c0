//! `broken-link` (error, SPEC §9): a link on a generated page to a page, anchor or file of this
//! site that is not there — a mistyped address, an attachment that was renamed, a record that
//! is scheduled to appear later. Unlike the other rules it is judged over the generated pages
//! (only they know every address and anchor the site has), so `run` calls it after rendering
//! rather than listing it in `CHECKS`. Each finding points at the line of the body or the field
//! the link came from. Links to other websites are not fetched: [`external`] lists them.

use std::collections::{BTreeMap, HashMap};

use crate::date::Date;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::links::{Crawl, PageLinks, RecordKind, Target, file_of, percent_decode, resolve};
use crate::model::*;
use crate::rules;

/// Where a link on a page was written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Place {
    pub file: String,
    pub line: Option<u32>,
    pub field: Option<String>,
    /// Where on the line the link is written (characters, 1-based) and how long it is.
    #[serde(skip)]
    pub span: Option<(u32, u32)>,
}

/// The Markdown bodies a record page shows, with their files.
fn bodies<'a>(site: &'a Site, page: &PageLinks) -> Vec<(&'a str, &'a Body)> {
    match &page.record {
        Some((RecordKind::Project, id)) => site
            .project(id)
            .map(|p| {
                std::iter::once((p.file.as_str(), &p.body))
                    .chain(p.progress.iter().map(|r| (r.file.as_str(), &r.body)))
                    .collect()
            })
            .unwrap_or_default(),
        Some((RecordKind::Document, id)) => site
            .document(id)
            .map(|d| vec![(d.file.as_str(), &d.body)])
            .unwrap_or_default(),
        Some((RecordKind::Notice, id)) => site
            .notices
            .iter()
            .find(|n| n.id == *id)
            .map(|n| vec![(n.file.as_str(), &n.body)])
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

/// The fields of config.toml that pages turn into links, with their paths.
fn link_fields(c: &Config) -> Vec<(&Spanned<String>, String)> {
    let mut out = Vec::new();
    for kind in ChannelKind::ALL {
        for ch in c.channels.of(kind) {
            if let Some(url) = &ch.url {
                out.push((url, format!("{}.url", ch.path)));
            }
        }
    }
    for (f, key) in [
        (&c.publisher.conac_image, "conac_image"),
        (&c.publisher.error_report_url, "error_report_url"),
    ] {
        if let Some(f) = f {
            out.push((f, format!("publisher.{key}")));
        }
    }
    out
}

/// Where the link `href` of `page` was written: a line of a body the page shows, a field of
/// config.toml that leads to the same place, or else the page's template.
pub fn place(site: &Site, crawl: &Crawl, page: &PageLinks, href: &str) -> Place {
    let decoded = percent_decode(href);
    let wanted = [href.trim(), decoded.trim()];
    for (file, body) in bodies(site, page) {
        if !wanted
            .iter()
            .any(|w| !w.is_empty() && body.markdown.contains(w))
        {
            continue;
        }
        for (i, line) in body.markdown.lines().enumerate() {
            if let Some((at, w)) = wanted
                .iter()
                .filter(|w| !w.is_empty())
                .find_map(|w| line.find(w).map(|at| (at, w)))
            {
                let col = line[..at].chars().count() as u32 + 1;
                return Place {
                    file: file.to_string(),
                    line: Some(body.first_line + i as u32),
                    field: None,
                    span: Some((col, w.chars().count() as u32)),
                };
            }
        }
    }
    let base = crawl.base_url.as_deref();
    let target = resolve(&page.path, href, base);
    for (f, path) in link_fields(&site.config) {
        if f.value.trim() == href.trim() || resolve("", &f.value, base) == target {
            return Place {
                file: site.config.file.clone(),
                line: Some(f.line),
                field: Some(path),
                span: Some((f.col, f.width)),
            };
        }
    }
    let theme = text(&site.config.theme).unwrap_or("default");
    let own = format!("themes/{theme}/templates/{}", page.template);
    Place {
        file: if site.root.join(&own).is_file() {
            own
        } else {
            "themes/".to_string()
        },
        line: None,
        field: None,
        span: None,
    }
}

/// A record that will be public later, if `path` is its page or one of its files.
fn scheduled(site: &Site, d: &Derived, path: &str) -> Option<(String, Date)> {
    let mut parts = path.splitn(3, '/');
    let (section, id) = (parts.next()?, parts.next()?);
    let later = |published: &Field<Date>| val(published).copied().filter(|p| *p > d.ctx.as_of);
    match section {
        "projects" => {
            let p = site.project(id)?;
            Some((
                format!("项目“{}”", text(&p.name).unwrap_or(id)),
                later(&p.published)?,
            ))
        }
        "documents" => {
            let x = site.document(id)?;
            Some((
                format!("文件“{}”", text(&x.title).unwrap_or(id)),
                later(&x.published)?,
            ))
        }
        "notices" => {
            let n = site.notices.iter().find(|n| n.id == id)?;
            Some((
                format!("公告“{}”", text(&n.title).unwrap_or(id)),
                later(&n.published)?,
            ))
        }
        _ => None,
    }
}

/// What is wrong with a link to `target`, if anything.
fn fault(
    crawl_pages: &HashMap<String, &PageLinks>,
    exists: &dyn Fn(&str) -> bool,
    path: &str,
    fragment: Option<&str>,
) -> Option<String> {
    let file = file_of(path);
    let folder = format!("{}/index.html", path.trim_end_matches('/'));
    let found = if exists(&file) {
        Some(file)
    } else if !path.is_empty() && !path.ends_with('/') && exists(&folder) {
        Some(folder)
    } else {
        None
    };
    let Some(file) = found else {
        let shown = if path.is_empty() { "首页" } else { path };
        return Some(format!("本站没有 {shown} 这个页面或文件"));
    };
    let fragment = fragment.filter(|f| !f.is_empty() && *f != "top")?;
    let page = crawl_pages.get(&file)?;
    (!page.ids().any(|id| id == fragment)).then(|| {
        format!(
            "页面 {} 上没有 id 为 “{fragment}” 的位置",
            if page.path.is_empty() {
                "首页"
            } else {
                &page.path
            }
        )
    })
}

/// A broken link: what is wrong, the record it waits for if it is scheduled, the pages.
struct Broken<'a> {
    /// As written on the first page it was found on.
    href: String,
    why: String,
    later: Option<(String, Date)>,
    pages: Vec<&'a str>,
}

/// Every broken link of the generated pages: one finding per place it was written, with the
/// pages it shows on. `exists` says whether the build produced a file at a path.
pub fn find(
    site: &Site,
    d: &Derived,
    crawl: &Crawl,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let base = crawl.base_url.as_deref();
    let by_file: HashMap<String, &PageLinks> =
        crawl.pages.iter().map(|p| (file_of(&p.path), p)).collect();
    // One finding per place and the address it leads to (the same field is written with a
    // different relative path on each page depth).
    let mut found: BTreeMap<(Place, String), Broken> = BTreeMap::new();
    for page in &crawl.pages {
        for href in page.links() {
            let Target::Site { path, fragment } = resolve(&page.path, href, base) else {
                continue;
            };
            let Some(why) = fault(&by_file, exists, &path, fragment.as_deref()) else {
                continue;
            };
            let at = place(site, crawl, page, href);
            let key = format!("{path}#{}", fragment.as_deref().unwrap_or(""));
            found
                .entry((at, key))
                .or_insert_with(|| Broken {
                    href: href.to_string(),
                    why,
                    later: scheduled(site, d, &path),
                    pages: Vec::new(),
                })
                .pages
                .push(&page.path);
        }
    }
    found
        .into_iter()
        .map(|((at, _), Broken { href, why, later, pages })| {
            let shown = |p: &str| if p.is_empty() { "首页".to_string() } else { p.to_string() };
            let on = if pages.len() > 1 {
                format!("页面 {} 等 {} 个页面", shown(pages[0]), pages.len())
            } else {
                format!("页面 {}", shown(pages[0]))
            };
            let mut message = format!("{on} 上的链接 “{href}” 打不开：{why}");
            let hint = match &later {
                Some((what, day)) => {
                    message.push_str(&format!(
                        "（{what}定于 {} 发布，到 {} 还没有公开）",
                        day.chinese(),
                        d.ctx.as_of.chinese()
                    ));
                    format!("等 {} 那条记录发布后再加这个链接，或先删掉它", day.chinese())
                }
                None if at.file.starts_with("themes/") => {
                    "这个链接来自页面模板：改正模板里的地址，或删掉覆盖的模板改用内置模板".into()
                }
                None => format!(
                    "改成存在的地址：相对地址从本页（{}）算起，也可以写以网站地址开头的完整地址；附件要和记录放在同一个文件夹里，文件名逐字一致",
                    shown(pages[0])
                ),
            };
            let mut diag = Diagnostic::new(rules::BROKEN_LINK, at.file, message)
                .at_opt(at.line)
                .hint(hint);
            if let (Some(line), Some((col, width))) = (at.line, at.span) {
                diag = diag.span(line, col, width);
            }
            if let Some(field) = at.field {
                diag = diag.field(field);
            }
            diag
        })
        .collect()
}

/// A link to another website, with where it shows and where it was written.
#[derive(Clone, Debug, serde::Serialize)]
pub struct External {
    pub url: String,
    /// How many pages carry it.
    pub pages: usize,
    /// The first of them.
    pub first_page: String,
    /// Where it was written (a body line, a field, a template).
    pub places: Vec<Place>,
}

/// Every link to another website, by address. Nobody but a person can say whether those
/// still open the right page: `check --links` prints this list for them.
pub fn external(site: &Site, crawl: &Crawl) -> Vec<External> {
    let base = crawl.base_url.as_deref();
    let mut by_url: BTreeMap<String, External> = BTreeMap::new();
    for page in &crawl.pages {
        for href in page.links() {
            let Target::External(url) = resolve(&page.path, href, base) else {
                continue;
            };
            let e = by_url.entry(url.clone()).or_insert_with(|| External {
                url,
                pages: 0,
                first_page: page.path.clone(),
                places: Vec::new(),
            });
            e.pages += 1;
            // Pages without a record of their own all come from templates and fields: one
            // look is enough for them.
            if page.record.is_some() || e.places.is_empty() {
                let at = place(site, crawl, page, href);
                if !e.places.contains(&at) {
                    e.places.push(at);
                }
            }
        }
    }
    let mut list: Vec<External> = by_url.into_values().collect();
    for e in &mut list {
        e.places.sort();
    }
    list
}
