//! `progress-late` (warning): a monthly report was published after it was due (R2).

use super::Check;
use crate::derive::Derived;
use crate::derive::Timeliness;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::PROGRESS_LATE,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, f) in site.projects.iter().zip(&d.projects) {
        for m in f.months_in(Timeliness::Late) {
            let Some(report) = m.report.map(|i| &p.progress[i]) else {
                continue;
            };
            let Some(published) = &report.published else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &report.file,
                    format!(
                        "{} 的建设进度应于 {} 前公开，实际 {} 公开，晚了 {} 天（逾期公开）",
                        m.month.chinese(),
                        m.due.chinese(),
                        published.value.chinese(),
                        m.due.days_until(published.value)
                    ),
                )
                .span(published.line, published.col, published.width)
                .field("published"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, site};

    fn published(on: &str) -> Vec<Diagnostic> {
        let report = format!("+++\npublished = {on}\npercent = 40\n+++\n");
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++\npublished = 2022-05-30\nstart = 2022-06-01\n+++\nx\n",
            ),
            ("content/projects/a/progress/2022-06.md", &report),
        ]);
        run(&site, &at(&site, "2022-07-20"))
    }

    #[test]
    fn on_time_on_the_due_day_late_the_day_after() {
        // June's report is due on Monday 11 July 2022: 10 July is a Sunday.
        assert!(published("2022-07-11").is_empty());
        let d = published("2022-07-12");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].file.as_str(), d[0].line),
            ("content/projects/a/progress/2022-06.md", Some(2))
        );
        assert!(d[0].message.contains("晚了 1 天"), "{}", d[0].message);
    }
}
