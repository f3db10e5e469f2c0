//! `publication-late` (warning): a document or project was published more than
//! `publication_working_days` working days after it was issued or decided (R6).

use super::Check;
use crate::derive::Derived;
use crate::derive::Publication;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::PUBLICATION_LATE,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let days = d.ctx.publication_working_days;
    let mut out = Vec::new();
    let mut report =
        |file: &str, published: &Field<crate::date::Date>, what: &str, x: Publication| {
            let Some(at) = published.as_ref().filter(|_| x.is_late()) else {
                return;
            };
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    file,
                    format!(
                        "{what}于 {}，应在 {} 个工作日内（{} 前）公开，实际 {} 公开（逾期公开）",
                        x.created.chinese(),
                        days,
                        x.due.chinese(),
                        x.published.chinese()
                    ),
                )
                .span(at.line, at.col, at.width)
                .field("published"),
            );
        };
    for (doc, f) in site.documents.iter().zip(&d.documents) {
        if let Some(x) = f.publication {
            report(&doc.file, &doc.published, "本文件成文", x);
        }
    }
    for (p, f) in site.projects.iter().zip(&d.projects) {
        if let Some(x) = f.publication {
            report(&p.file, &p.published, "本项目的决策文件印发", x);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, site};

    fn findings(published: &str) -> Vec<Diagnostic> {
        let doc = format!(
            "+++\nkind = \"decision\"\nissued = 2022-09-20\npublished = {published}\n+++\n"
        );
        let project = format!("+++\ndecision = \"d\"\npublished = {published}\n+++\nx\n");
        let (site, _) = site(&[
            ("config.toml", ""),
            ("content/documents/d.md", &doc),
            ("content/projects/a/index.md", &project),
        ]);
        run(&site, &at(&site, "2022-12-31"))
    }

    #[test]
    fn twenty_working_days_across_national_day() {
        // From Tuesday 20 September 2022, the 20th working day is Friday 21 October: the
        // National Day holiday is not counted, the adjusted weekend of 8–9 October is.
        assert!(findings("2022-10-21").is_empty());
        let d = findings("2022-10-24");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.line == Some(4) || d.line == Some(3)));
        assert!(d[0].message.contains("2022年10月21日"), "{}", d[0].message);
    }

    #[test]
    fn scheduled_records_raise_nothing() {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/documents/d.md",
                "+++\nissued = 2022-01-04\npublished = 2023-03-01\n+++\n",
            ),
        ]);
        assert!(run(&site, &at(&site, "2023-02-28")).is_empty());
        assert_eq!(run(&site, &at(&site, "2023-03-01")).len(), 1);
    }
}
