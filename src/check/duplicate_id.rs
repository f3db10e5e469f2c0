//! `duplicate-id`: two records claim the same id (documents or notices in different folders,
//! funding sources or categories in programme.toml). Both places are named.

use std::collections::BTreeMap;

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::DUPLICATE_ID,
    run,
};

/// A claim of an id: file, line, description.
struct Claim<'a> {
    file: &'a str,
    line: Option<u32>,
    field: Option<String>,
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut claims: BTreeMap<(&str, String), Vec<Claim>> = BTreeMap::new();
    let records = site
        .documents
        .iter()
        .map(|d| ("文件", &d.id, &d.file))
        .chain(site.notices.iter().map(|n| ("公告", &n.id, &n.file)));
    for (what, id, file) in records {
        claims.entry((what, id.clone())).or_default().push(Claim {
            file,
            line: None,
            field: None,
        });
    }
    if let Some(p) = &site.programme {
        for s in &p.sources {
            if let Some(id) = &s.id {
                claims
                    .entry(("资金来源", id.value.clone()))
                    .or_default()
                    .push(Claim {
                        file: &p.file,
                        line: Some(id.line),
                        field: Some(format!("{}.id", s.path)),
                    });
            }
        }
        for c in &p.categories {
            if let Some(id) = &c.id {
                claims
                    .entry(("项目板块", id.value.clone()))
                    .or_default()
                    .push(Claim {
                        file: &p.file,
                        line: Some(id.line),
                        field: Some(format!("{}.id", c.path)),
                    });
            }
        }
    }
    for ((what, id), list) in claims {
        if list.len() < 2 {
            continue;
        }
        let first = &list[0];
        let first_place = match first.line {
            Some(l) => format!("{}:{l}", first.file),
            None => first.file.to_string(),
        };
        for dup in &list[1..] {
            let mut d = Diagnostic::new(
                RULE.rule,
                dup.file,
                format!("{what}编号 “{id}” 重复了：{first_place} 已经用了这个编号"),
            )
            .at_opt(dup.line)
            .hint("编号会成为网址，必须唯一：给其中一个改个名字");
            if let Some(f) = &dup.field {
                d = d.field(f.clone());
            }
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    #[test]
    fn names_both_places() {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/programme.toml",
                "[[sources]]\nid = \"central\"\n[[sources]]\nid = \"central\"\n",
            ),
            ("content/documents/2021/plan.md", "+++\n+++\n"),
            ("content/documents/2022/plan.md", "+++\n+++\n"),
        ]);
        let d = run(&site, &crate::check::testing::at(&site, "2022-01-01"));
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].file, "content/documents/2022/plan.md");
        assert!(d[0].message.contains("content/documents/2021/plan.md"));
        assert_eq!(d[1].line, Some(4));
        assert!(d[1].message.contains("content/programme.toml:2"));
    }
}
