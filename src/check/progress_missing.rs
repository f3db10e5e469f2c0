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
        let missing: Vec<&crate::derive::MonthState> = f.months_in(Timeliness::Missing).collect();
        let Some(first) = missing.first() else {
            continue;
        };
        let months: Vec<crate::date::Month> = missing.iter().map(|m| m.month).collect();
        let (message, hint) = if missing.len() == 1 {
            (
                format!(
                    "{} 的建设进度应于 {} 前公开，到 {} 仍未公开（未按期更新）",
                    first.month.chinese(),
                    first.due.chinese(),
                    ctx.as_of.chinese()
                ),
                format!(
                    "新建 content/projects/{}/progress/{}.md，写明当月进度",
                    p.id, first.month
                ),
            )
        } else {
            (
                format!(
                    "{}，共 {} 个月的建设进度到期未公开（最早一份应于 {} 前公开），到 {} 仍未公开（未按期更新）",
                    crate::date::Month::chinese_runs(&months),
                    missing.len(),
                    first.due.chinese(),
                    ctx.as_of.chinese()
                ),
                format!(
                    "每个月新建一份进度，写明当月进度：content/projects/{}/progress/{}.md 到 {}.md，共 {} 份",
                    p.id,
                    first.month,
                    months.last().map_or(first.month, |m| *m),
                    missing.len()
                ),
            )
        };
        out.push(
            Diagnostic::new(RULE.rule, &p.file, message)
                .span(
                    p.start.as_ref().map_or(1, |s| s.line),
                    p.start.as_ref().map_or(1, |s| s.col),
                    p.start.as_ref().map_or(3, |s| s.width),
                )
                .field(format!("progress/{}", first.month))
                .hint(hint),
        );
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
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.starts_with("2022年7月 的建设进度"),
            "only July: {}",
            d[0].message
        );
        let d = at("2022-09-14");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.starts_with("2022年7月—2022年8月，共 2 个月"),
            "{}",
            d[0].message
        );
    }
}
