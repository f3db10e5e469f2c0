//! `unsafe-content`: no Markdown body may carry script, event handlers, `javascript:` links or
//! content loaded from other hosts. (Rendering strips them regardless; this says where.)

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::markdown;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::UNSAFE_CONTENT,
    run,
};

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let bodies = site
        .documents
        .iter()
        .map(|d| (&d.file, &d.body))
        .chain(site.projects.iter().flat_map(|p| {
            std::iter::once((&p.file, &p.body)).chain(p.progress.iter().map(|r| (&r.file, &r.body)))
        }))
        .chain(site.notices.iter().map(|n| (&n.file, &n.body)));
    let mut out = Vec::new();
    for (file, body) in bodies {
        for spot in markdown::scan(body) {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    file,
                    format!("正文含有不安全的内容：{}。网页上不会出现它", spot.what),
                )
                .at(spot.line)
                .field("body")
                .hint("删掉这段 HTML；图片请放进项目文件夹或 static/，用相对路径引用"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    #[test]
    fn names_file_and_line() {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/notices/n.md",
                "+++\ntitle = \"t\"\n+++\n正文\n\n<img src=x onerror=alert(1)>\n",
            ),
        ]);
        let d = run(&site, &crate::check::testing::at(&site, "2022-01-01"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].file.as_str(), d[0].line),
            ("content/notices/n.md", Some(6))
        );
        assert!(d[0].message.contains("onerror"));
    }
}
