//! `publication-late` (warning): a document or project was published more than
//! `publication_working_days` working days after it was issued or decided (R6).

use super::{Ctx, Rule};
use crate::diag::Diagnostic;
use crate::facts::{Publication, document_publication, project_publication};
use crate::model::*;

pub const RULE: Rule = Rule {
    id: "publication-late",
    source: "R6：政府信息公开条例第二十六条",
    run,
};

fn run(site: &Site, ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut report =
        |file: &str, published: &Field<crate::date::Date>, what: &str, x: Publication| {
            let Some(at) = published.as_ref().filter(|_| x.is_late()) else {
                return;
            };
            out.push(
                Diagnostic::warning(
                    RULE.id,
                    file,
                    format!(
                        "{what}于 {}，应在 {} 个工作日内（{} 前）公开，实际 {} 公开（逾期公开）",
                        x.created.chinese(),
                        ctx.publication_working_days,
                        x.due.chinese(),
                        x.published.chinese()
                    ),
                )
                .span(at.line, at.col, at.width)
                .field("published"),
            );
        };
    for d in &site.documents {
        if let Some(x) = document_publication(d, ctx) {
            report(&d.file, &d.published, "本文件成文", x);
        }
    }
    for p in &site.projects {
        if let Some(x) = project_publication(p, site, ctx) {
            report(&p.file, &p.published, "本项目的决策文件印发", x);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;
    use crate::date::Date;

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
        run(&site, &Ctx::at(Date::parse("2022-12-31").unwrap()))
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
        assert!(run(&site, &Ctx::at(Date::parse("2023-02-28").unwrap())).is_empty());
        assert_eq!(
            run(&site, &Ctx::at(Date::parse("2023-03-01").unwrap())).len(),
            1
        );
    }
}
