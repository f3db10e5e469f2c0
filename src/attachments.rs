//! Attachments are content: the files beside a project's `index.md`, in `static/` and in a
//! theme's `static/` are published as they are, so they pass rules of their own.
//!
//! - Only regular files inside the site: a symbolic link leading out of the site, a FIFO, a
//!   socket or a device is refused (`unsafe-content`: publishing it would put on the web what
//!   is not the site's, or hang the build).
//! - Only the types of [`DEFAULT_ALLOW`] (or `[attachments] allow` in config.toml): documents,
//!   spreadsheets, images, archives. Pages, SVG, scripts and XML can run code in a reader's
//!   browser under the site's address and are never published ([`NEVER`], `unsafe-content`,
//!   the rule for active content). A theme's and the site's `static/` may also hold styles and
//!   fonts ([`STYLE_ALLOW`]).
//! - No name may shadow a generated file or another attachment (`invalid-id`: the rule for a
//!   file name that cannot be used as the address it would get).
//! - A record's attachments follow its visibility: a project not yet public publishes none.
//! - Editor and system leftovers (`*.bak`, `#…#`, `…~`, `~$….docx`, `.DS_Store`, `Thumbs.db`,
//!   `desktop.ini`) are not content and are skipped without a word.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::Diagnostic;
use crate::write::Asset;

/// The rule for a file name that cannot have the address it would get.
pub use crate::rules::INVALID_ID;
/// The rule for a file that would publish active content or what is not the site's.
pub use crate::rules::UNSAFE_CONTENT as UNSAFE;

/// The types published unless `[attachments] allow` says otherwise.
pub const DEFAULT_ALLOW: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "txt", "csv",
    "jpg", "jpeg", "png", "gif", "webp", "zip", "rar", "7z",
];

/// What a theme's or the site's `static/` may hold besides: styles and fonts.
pub const STYLE_ALLOW: &[&str] = &["css", "woff", "woff2", "ico"];

/// Types that run code in a browser under the site's address: never published, whatever the
/// configuration says.
pub const NEVER: &[&str] = &[
    "html", "htm", "xhtml", "shtml", "svg", "svgz", "js", "mjs", "xml", "xsl", "xslt", "swf",
];

/// Names that editors and systems leave beside the files people meant to keep.
pub fn is_leftover(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || [".bak", ".swp", ".tmp", ".orig"]
            .iter()
            .any(|e| lower.ends_with(e))
        || lower == "thumbs.db"
        || lower == "desktop.ini"
}

/// The lowercased extension of a file name, if it has one.
fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// The types a site publishes: its `[attachments] allow`, or the default list.
pub fn allowed(site_allow: &[String]) -> Vec<String> {
    if site_allow.is_empty() {
        DEFAULT_ALLOW.iter().map(|s| s.to_string()).collect()
    } else {
        site_allow
            .iter()
            .map(|s| s.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|s| !NEVER.contains(&s.as_str()))
            .collect()
    }
}

/// Checks one file to publish: `rel` (`/`-separated, from the site root) under `root`. Returns
/// the real path to copy from, or the finding.
pub fn check_file(
    root: &Path,
    rel: &str,
    allow: &[String],
    styles: bool,
) -> Result<PathBuf, Box<Diagnostic>> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if let Some(c) = name
        .chars()
        .find(|c| crate::source::is_forbidden(*c) || *c == '\u{fffd}')
    {
        return Err(Box::new(
            Diagnostic::new(
                INVALID_ID,
                crate::diag::printable(rel),
                format!(
                    "文件名里有不可见或无法识别的字符（U+{:04X}），不能用作网址，不发布",
                    c as u32
                ),
            )
            .hint("用中文、英文字母、数字和 - 重新命名这个文件"),
        ));
    }
    let ext = extension(name);
    let listed = ext
        .as_deref()
        .is_some_and(|e| allow.iter().any(|a| a == e) || (styles && STYLE_ALLOW.contains(&e)));
    if !listed {
        let message = match ext.as_deref() {
            Some(e) if NEVER.contains(&e) => format!(
                "{name} 是 .{e} 文件：网页、SVG、脚本和 XML 可以在读者的浏览器里以本站的名义运行代码，不发布"
            ),
            Some(e) => format!(
                "{name} 是 .{e} 文件，不在可发布的附件类型里（{}），不发布",
                allow.join("、")
            ),
            None => format!("{name} 没有扩展名，看不出是什么文件，不发布"),
        };
        return Err(Box::new(Diagnostic::new(UNSAFE, rel, message).hint(
            "改存为 PDF、图片或 Office 文件再放进来；确需发布其他类型的文件，在 config.toml 的 [attachments] allow 里列出它的扩展名",
        )));
    }
    let path = root.join(rel);
    let meta = fs::symlink_metadata(&path).map_err(|e| {
        Box::new(Diagnostic::new(
            UNSAFE,
            rel,
            format!("无法读取 {name}：{e}"),
        ))
    })?;
    let real = if meta.file_type().is_symlink() {
        let real = fs::canonicalize(&path).map_err(|_| {
            Box::new(Diagnostic::new(
                UNSAFE,
                rel,
                format!("{name} 是一个失效的符号链接，不发布"),
            ))
        })?;
        let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if !real.starts_with(&root) {
            return Err(Box::new(
                Diagnostic::new(
                    UNSAFE,
                    rel,
                    format!(
                        "{name} 是指向站点外的符号链接（{}），不发布：附件要是站点里的普通文件",
                        real.display()
                    ),
                )
                .hint("把要发布的文件本身复制到这里，替换这个链接"),
            ));
        }
        real
    } else {
        path
    };
    let is_file = fs::metadata(&real).is_ok_and(|m| m.is_file());
    if !is_file {
        return Err(Box::new(Diagnostic::new(
            UNSAFE,
            rel,
            format!("{name} 不是普通文件（是文件夹链接、命名管道、设备或套接字），不发布"),
        )));
    }
    Ok(real)
}

/// The files under `dir` (relative to `root`) to publish at `prefix` + their path inside it,
/// leftovers skipped, each checked; the findings for those refused.
pub fn collect(
    root: &Path,
    dir: &str,
    prefix: &str,
    allow: &[String],
    styles: bool,
) -> (Vec<Asset>, Vec<Diagnostic>) {
    let (mut assets, mut found) = (Vec::new(), Vec::new());
    let abs = root.join(dir);
    if !abs.is_dir() {
        return (assets, found);
    }
    let entries = WalkDir::new(&abs)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_leftover(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir());
    for e in entries {
        let Ok(inner) = e.path().strip_prefix(&abs) else {
            continue;
        };
        let inner = inner
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // A link to a folder is not followed: its files are not the site's.
        if e.path_is_symlink() && e.path().is_dir() {
            found.push(Diagnostic::new(
                UNSAFE,
                format!("{dir}/{inner}"),
                "这是指向文件夹的符号链接，不发布：附件要是站点里的普通文件",
            ));
            continue;
        }
        match check_file(root, &format!("{dir}/{inner}"), allow, styles) {
            Ok(real) => assets.push((real, format!("{prefix}{inner}"))),
            Err(d) => found.push(*d),
        }
    }
    (assets, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers() {
        for name in [
            "index.md.bak",
            "#index.md#",
            "index.md~",
            "~$报告.docx",
            ".DS_Store",
            "Thumbs.db",
            "desktop.ini",
            ".~lock.报告.docx#",
        ] {
            assert!(is_leftover(name), "{name}");
        }
        for name in ["报告.docx", "photo.jpg", "a#b.pdf"] {
            assert!(!is_leftover(name), "{name}");
        }
    }

    #[test]
    fn the_allow_list_never_lets_active_types_in() {
        let allow = allowed(&["PDF".into(), ".svg".into(), "html".into(), "dwg".into()]);
        assert_eq!(allow, ["pdf", "dwg"]);
        assert!(allowed(&[]).contains(&"docx".to_string()));
    }
}
