//! `contractor-mismatch`: an award or contract notice must name the project's contractor.

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::CONTRACTOR_MISMATCH,
    run,
};

/// Company names compared without spaces and with one kind of bracket.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for n in site
        .notices
        .iter()
        .filter(|n| val(&n.kind).is_some_and(|k| k.names_supplier()))
    {
        let Some(supplier) = n.supplier.as_ref().filter(|s| !s.value.trim().is_empty()) else {
            continue;
        };
        let Some(project) = text(&n.project).and_then(|id| site.project(id)) else {
            continue;
        };
        let Some(contractor) = &project.contractor.name else {
            continue;
        };
        if normalize(&supplier.value) != normalize(&contractor.value) {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &n.file,
                    format!(
                        "供应商“{}”与项目的承办单位“{}”（{}:{}）不一致",
                        supplier.value, contractor.value, project.file, contractor.line
                    ),
                )
                .span(supplier.line, supplier.col, supplier.width)
                .field("supplier")
                .hint("核对中标通知书或合同：两处都写营业执照上的全称"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    fn findings(supplier: &str) -> Vec<Diagnostic> {
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++\n[contractor]\nname = \"韶关市某某（乳源）电子商务有限公司\"\n+++\nx\n",
            ),
            (
                "content/notices/n.md",
                &format!(
                    "+++\nkind = \"contract\"\nproject = \"a\"\nsupplier = \"{supplier}\"\n+++\n"
                ),
            ),
        ]);
        run(&s, &crate::check::testing::at(&s, "2022-01-01"))
    }

    #[test]
    fn names_both_places() {
        assert!(findings("韶关市某某(乳源)电子商务有限公司 ").is_empty());
        let d = findings("韶关市某某电子商务有限公司");
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].file.as_str(), d[0].line),
            ("content/notices/n.md", Some(4))
        );
        assert!(d[0].message.contains("content/projects/a/index.md:3"));
    }
}
