//! `deadline-overdue` (warning): a project's deadline has passed and it is not completed.

use super::Check;
use crate::derive::Derived;
use crate::derive::Status;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::DEADLINE_OVERDUE,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let ctx = &d.ctx;
    let mut out = Vec::new();
    for (p, f) in site.projects.iter().zip(&d.projects) {
        if !f.public || f.status != Status::Overdue {
            continue;
        }
        let Some(deadline) = &p.deadline else {
            continue;
        };
        out.push(
            Diagnostic::new(
                RULE.rule,
                &p.file,
                format!(
                    "完成时限 {} 已过 {} 天，到 {} 项目仍未完工（逾期未完成）",
                    deadline.value.chinese(),
                    deadline.value.days_until(ctx.as_of),
                    ctx.as_of.chinese()
                ),
            )
            .span(deadline.line, deadline.col, deadline.width)
            .field("deadline")
            .hint("完工后加一行 completed = 完工日期；如经批准延期，按批准文件修改 deadline 并在正文说明"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at as derived, site};

    #[test]
    fn overdue_the_day_after_the_deadline_until_completed() {
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++\nstart = 2022-06-01\ndeadline = 2022-08-31\ncompleted = 2022-09-15\n+++\nx\n",
            ),
        ]);
        let at = |d: &str| run(&s, &derived(&s, d));
        assert!(at("2022-08-31").is_empty());
        let d = at("2022-09-01");
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].line, d[0].field.as_deref()),
            (Some(3), Some("deadline"))
        );
        assert!(at("2022-09-14").len() == 1);
        assert!(at("2022-09-15").is_empty());
    }
}
