//! The theme: the built-in default (embedded in the binary, so the binary alone builds any
//! site) with a site's own `themes/<name>/templates/` overriding it file by file.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;
use walkdir::WalkDir;

use crate::diag::Diagnostic;
use crate::source::decode;
use crate::write::{Asset, OutputFile};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, from `themes/default/templates/`.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = embed![
    "base.html",
    "macros.html",
    "channels.html",
    "corrections.html",
    "withdrawn.html",
    "changes.html",
    "index.html",
    "projects.html",
    "project.html",
    "documents.html",
    "document.html",
    "notices.html",
    "notice.html",
    "funds.html",
    "supervision.html",
    "data.html",
    "search.html",
    "404.html",
];

/// The default theme's static files, from `themes/default/static/`.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "site.js",
        include_bytes!("../../themes/default/static/site.js"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "modes.js",
        include_bytes!("../../themes/default/static/modes.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

pub struct Theme {
    pub tera: Tera,
    /// A fingerprint of every template, so that cached pages are redone when one changes.
    pub fingerprint: u64,
    /// Built-in static files.
    pub files: Vec<OutputFile>,
    /// Static files from the site's theme and `static/` folders: (source, output path).
    pub assets: Vec<Asset>,
}

/// Loads the theme named in the config (or the default), reporting template errors as
/// `syntax` findings on the template file, and the static files of the theme and the site
/// that may not be published ([`crate::attachments`]). A theme comes only from
/// `themes/<name>/` inside the site.
pub fn load(root: &Path, config: &crate::model::Config) -> Result<Theme, Vec<Diagnostic>> {
    let name = crate::model::text(&config.theme);
    let allow = config.attachments.allowed();
    let mut sources: BTreeMap<String, (String, String)> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                (
                    format!("themes/default/templates/{n}（内置）"),
                    t.to_string(),
                ),
            )
        })
        .collect();
    let mut assets = Vec::new();
    let mut errors = Vec::new();
    if let Some(name) = name.filter(|n| *n != "default") {
        let dir = root.join("themes").join(name);
        let real = std::fs::canonicalize(&dir).ok();
        let themes = std::fs::canonicalize(root.join("themes")).ok();
        let inside =
            matches!((&real, &themes), (Some(r), Some(t)) if r.parent() == Some(t.as_path()));
        if !crate::load::records::valid_theme_name(name) || !inside {
            return Err(vec![
                Diagnostic::new(
                    crate::rules::INVALID_VALUE,
                    &config.file,
                    format!(
                        "找不到主题 themes/{name}/：主题只能是站点 themes/ 文件夹里的一个文件夹"
                    ),
                )
                .field("theme")
                .hint("把主题放进 themes/<主题名>/，再写 theme = \"<主题名>\""),
            ]);
        }
        for (abs, rel) in files_under(&dir.join("templates")) {
            let shown = format!("themes/{name}/templates/{rel}");
            match std::fs::read(&abs)
                .map_err(|e| e.to_string())
                .and_then(|b| decode(&b).map_err(|e| e.message()))
                .and_then(|text| match crate::source::forbidden_char(&text) {
                    Some((line, col, c)) => Err(format!(
                        "第 {line} 行第 {col} 列有不可见的{}，页面里不能有：删掉它",
                        crate::source::describe_char(c)
                    )),
                    None => Ok(text),
                }) {
                Ok(text) => {
                    sources.insert(rel, (shown, text));
                }
                Err(e) => errors.push(Diagnostic::new(crate::rules::TEMPLATE, shown, e)),
            }
        }
        let (theirs, refused) =
            crate::attachments::collect(root, &format!("themes/{name}/static"), "", &allow, true);
        assets.extend(theirs);
        errors.extend(refused);
    }
    let (site_static, refused) = crate::attachments::collect(root, "static", "", &allow, true);
    // The site's own static files replace the theme's of the same name.
    assets.retain(|(_, rel)| !site_static.iter().any(|(_, r)| r == rel));
    assets.extend(site_static);
    errors.extend(refused);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut tera = Tera::default();
    tera.autoescape_on([".html", ".xml"]);
    tera.register_filter(
        "keep_figures",
        |text: std::borrow::Cow<'_, str>, _: tera::Kwargs, _: &tera::State| {
            tera::Value::safe_string(&super::typeset::keep_figures(&text))
        },
    );
    if let Err(e) =
        tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
    {
        // Tera names the template and the place: ` --> notice.html:1:61`.
        let message = e.to_string();
        let place = message
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .and_then(|p| {
                let mut parts = p.rsplitn(3, ':');
                let col = parts.next()?.trim().parse::<u32>().ok()?;
                let line = parts.next()?.trim().parse::<u32>().ok()?;
                Some((parts.next()?.to_string(), line, col))
            });
        // The first line says what is wrong; the rest shows where, for the hint.
        let (what, place_lines) = message.split_once('\n').unwrap_or((&message, ""));
        let mut d = Diagnostic::new(
            crate::rules::TEMPLATE,
            "themes/",
            format!("模板有错误：{}", what.trim()),
        );
        if !place_lines.trim().is_empty() {
            d = d.hint(format!("改正这一处：\n{}", place_lines.trim_end()));
        }
        if let Some((name, line, col)) = place
            && let Some((shown, _)) = sources.get(&name)
        {
            d.file = shown.clone();
            d = d.span(line, col, 1);
        }
        return Err(vec![d]);
    }
    let mut h = std::hash::DefaultHasher::new();
    std::hash::Hash::hash(&sources, &mut h);
    let fingerprint = std::hash::Hasher::finish(&h);
    let files = DEFAULT_STATIC
        .iter()
        .map(|(n, b)| OutputFile::new(*n, *b))
        .collect();
    Ok(Theme {
        tera,
        fingerprint,
        files,
        assets,
    })
}

/// Files under `dir` as (absolute path, `/`-separated relative path), sorted, hidden skipped.
fn files_under(dir: &Path) -> Vec<Asset> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some((e.path().to_path_buf(), rel))
        })
        .collect()
}
