//! `progress-missing` (warning): a month's progress report is due and not published (R2).

use super::Check;
use crate::derive::Derived;
use crate::derive::Timeliness;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::PROGRESS_MISSING,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let ctx = &d.ctx;
    let mut out = Vec::new();
    for (p, f) in site.projects.iter().zip(&d.projects) {
        for m in f.months_in(Timeliness::Missing) {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &p.file,
                    format!(
                        "{} 的建设进度应于 {} 前公开，到 {} 仍未公开（未按期更新）",
                        m.month.chinese(),
                        m.due.chinese(),
                        ctx.as_of.chinese()
                    ),
                )
                .span(
                    p.start.as_ref().map_or(1, |s| s.line),
                    p.start.as_ref().map_or(1, |s| s.col),
                    p.start.as_ref().map_or(3, |s| s.width),
                )
                .field(format!("progress/{}", m.month))
                .hint(format!(
                    "新建 content/projects/{}/progress/{}.md，写明当月进度",
                    p.id, m.month
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at as derived, site};

    fn at(as_of: &str) -> Vec<Diagnostic> {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++\npublished = 2022-05-30\nstart = 2022-06-01\n+++\nx\n",
            ),
            (
                "content/projects/a/progress/2022-06.md",
                "+++\npublished = 2022-07-05\npercent = 40\n+++\n",
            ),
        ]);
        run(&site, &derived(&site, as_of))
    }

    #[test]
    fn due_on_the_tenth_missing_the_day_after() {
        // July's report is due on Wednesday 10 August 2022.
        assert!(at("2022-08-10").is_empty());
        let d = at("2022-08-11");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].line, d[0].field.as_deref()),
            (Some(3), Some("progress/2022-07"))
        );
        assert!(d[0].message.contains("2022年8月10日"));
    }

    #[test]
    fn a_due_day_on_a_rest_day_moves_to_the_next_working_day() {
        // September's report: 10 October 2022 is a Monday, a working day; the National Day
        // holiday ends on the 7th. December's: 10 January 2023 is a Tuesday. Take August:
        // 10 September 2022 is a Saturday and the Mid-Autumn holiday (10–12 September), so the
        // report is due on Tuesday 13 September.
        let d = at("2022-09-13");
        assert_eq!(
            d.iter()
                .filter(|d| d.field.as_deref() == Some("progress/2022-08"))
                .count(),
            0,
            "{d:?}"
        );
        let d = at("2022-09-14");
        assert_eq!(
            d.iter()
                .filter(|d| d.field.as_deref() == Some("progress/2022-08"))
                .count(),
            1,
            "{d:?}"
        );
    }
}
