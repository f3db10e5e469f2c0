//! `unknown-reference`: every id a record refers to (plan, fund rules, decision, category,
//! project, source, theme) names a record that exists, of the right kind.

use std::collections::HashSet;

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::UNKNOWN_REFERENCE,
    run,
};

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();

    let document = |out: &mut Vec<Diagnostic>,
                    file: &str,
                    path: &str,
                    r: &Field<String>,
                    kind: DocKind,
                    why: &str| {
        let Some(id) = r.as_ref().filter(|r| !r.value.trim().is_empty()) else {
            return;
        };
        let message = match site.document(&id.value) {
            None => format!(
                "{why} “{}” 找不到：content/documents/ 里没有 {}.md",
                id.value,
                id.value.trim()
            ),
            Some(d) => match val(&d.kind) {
                Some(k) if *k == kind => return,
                Some(k) => format!(
                    "{why} “{}” 是一份{}，不是{}（kind = \"{}\"）",
                    id.value,
                    k.label(),
                    kind.label(),
                    kind.key()
                ),
                None => return, // its missing kind is reported on its own file
            },
        };
        let same_kind: Vec<&str> = site
            .documents
            .iter()
            .filter(|d| val(&d.kind) == Some(&kind))
            .map(|d| d.id.as_str())
            .collect();
        // A 文号 or a title where the file's id belongs: name the id it means.
        let meant = site.documents.iter().find(|d| {
            let v = id.value.trim();
            text(&d.number) == Some(v) || text(&d.title) == Some(v)
        });
        let hint = if let Some(d) = meant {
            let what = if text(&d.number) == Some(id.value.trim()) {
                "文号"
            } else {
                "标题"
            };
            format!(
                "“{}”是 content/documents/{}.md 的{what}；这里写文件编号（文件名去掉 .md）：{}",
                id.value.trim(),
                d.id,
                d.id
            )
        } else if same_kind.is_empty() {
            format!(
                "先在 content/documents/ 里建一份 kind = \"{}\" 的文件",
                kind.key()
            )
        } else {
            format!("已有的{}：{}", kind.label(), same_kind.join("、"))
        };
        out.push(
            Diagnostic::new(RULE.rule, file, message)
                .span(id.line, id.col, id.width)
                .field(path)
                .hint(hint),
        );
    };

    if let Some(p) = &site.programme {
        document(
            &mut out,
            &p.file,
            "plan",
            &p.plan,
            DocKind::Plan,
            "实施方案",
        );
        document(
            &mut out,
            &p.file,
            "fund_rules",
            &p.fund_rules,
            DocKind::FundRules,
            "资金与项目管理制度",
        );
    }

    let category_ids: HashSet<&str> = site
        .programme
        .iter()
        .flat_map(|p| p.categories.iter().filter_map(|c| text(&c.id)))
        .collect();
    let target_ids: HashSet<&str> = site
        .programme
        .iter()
        .flat_map(|p| p.targets.iter().filter_map(|t| text(&t.id)))
        .collect();
    let source_ids: HashSet<&str> = site
        .programme
        .iter()
        .flat_map(|p| p.sources.iter().filter_map(|s| text(&s.id)))
        .collect();

    for p in &site.projects {
        document(
            &mut out,
            &p.file,
            "decision",
            &p.decision,
            DocKind::Decision,
            "决策文件",
        );
        for more in &p.more_decisions {
            document(
                &mut out,
                &p.file,
                "decision",
                &Some(more.clone()),
                DocKind::Decision,
                "决策文件",
            );
        }
        if site.programme.is_some() {
            for t in &p.targets {
                simple(
                    &mut out,
                    &p.file,
                    &format!("{}.programme", t.path),
                    &t.programme,
                    &target_ids,
                    "总体绩效目标",
                    "programme.toml 的 [[targets]]",
                );
            }
            simple(
                &mut out,
                &p.file,
                "category",
                &p.category,
                &category_ids,
                "项目板块",
                "programme.toml 的 [[categories]]",
            );
            for d in &p.disbursements {
                simple(
                    &mut out,
                    &p.file,
                    &format!("{}.source", d.path),
                    &d.source,
                    &source_ids,
                    "资金来源",
                    "programme.toml 的 [[sources]]",
                );
            }
        }
    }
    let project_ids: HashSet<&str> = site.projects.iter().map(|p| p.id.as_str()).collect();
    for n in &site.notices {
        simple(
            &mut out,
            &n.file,
            "project",
            &n.project,
            &project_ids,
            "项目",
            "content/projects/",
        );
    }
    if let Some(theme) = &site.config.theme {
        let name = theme.value.trim();
        if name != "default" && !site.root.join("themes").join(name).is_dir() {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &site.config.file,
                    format!("主题 “{name}” 找不到：没有 themes/{name}/ 文件夹"),
                )
                .span(theme.line, theme.col, theme.width)
                .field("theme")
                .hint("删掉 theme 这一行即使用内置主题，或新建 themes/<名称>/templates/"),
            );
        }
    }
    out
}

fn simple(
    out: &mut Vec<Diagnostic>,
    file: &str,
    path: &str,
    r: &Field<String>,
    known: &HashSet<&str>,
    what: &str,
    place: &str,
) {
    let Some(id) = r.as_ref().filter(|r| !r.value.trim().is_empty()) else {
        return;
    };
    if known.contains(&id.value.trim()) {
        return;
    }
    out.push(
        Diagnostic::new(
            RULE.rule,
            file,
            format!("{what} “{}” 找不到：{place} 里没有这个编号", id.value),
        )
        .span(id.line, id.col, id.width)
        .field(path)
        .hint(if known.is_empty() {
            format!("{place} 里还没有任何{what}")
        } else {
            let mut ids: Vec<&str> = known.iter().copied().collect();
            ids.sort_unstable();
            let more = if ids.len() > 10 {
                format!(" 等 {} 个", ids.len())
            } else {
                String::new()
            };
            format!("可用的编号：{}{more}", ids[..ids.len().min(10)].join("、"))
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    #[test]
    fn wrong_kind_and_missing_targets() {
        let (site, _) = site(&[
            ("config.toml", "theme = \"blue\"\n"),
            (
                "content/programme.toml",
                "plan = \"decision-1\"\nfund_rules = \"nope\"\n[[categories]]\nid = \"c\"\n",
            ),
            (
                "content/documents/decision-1.md",
                "+++\nkind = \"decision\"\n+++\n",
            ),
            (
                "content/projects/a/index.md",
                "+++\ndecision = \"decision-1\"\ncategory = \"x\"\n+++\nx\n",
            ),
            ("content/notices/n.md", "+++\nproject = \"b\"\n+++\n"),
        ]);
        let d = run(&site, &crate::check::testing::at(&site, "2022-01-01"));
        let got: Vec<(&str, &str)> = d
            .iter()
            .map(|d| (d.file.as_str(), d.field.as_deref().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("content/programme.toml", "plan"),
                ("content/programme.toml", "fund_rules"),
                ("content/projects/a/index.md", "category"),
                ("content/notices/n.md", "project"),
                ("config.toml", "theme"),
            ],
            "{d:#?}"
        );
        assert!(d[0].message.contains("是一份决策文件，不是实施方案"));
    }

    #[test]
    fn a_document_number_where_the_id_belongs_is_named() {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/documents/decision-2020-56.md",
                "+++\nkind = \"decision\"\nnumber = \"永政文〔2020〕56号\"\n+++\n",
            ),
            (
                "content/projects/a/index.md",
                "+++\ndecision = \"永政文〔2020〕56号\"\n+++\nx\n",
            ),
        ]);
        let d = run(&site, &crate::check::testing::at(&site, "2022-01-01"));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            d[0].hint.as_deref(),
            Some(
                "“永政文〔2020〕56号”是 content/documents/decision-2020-56.md 的文号；这里写文件编号（文件名去掉 .md）：decision-2020-56"
            )
        );
    }
}
