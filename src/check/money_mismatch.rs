//! `money-mismatch`: a monthly report's cumulative `disbursed` must equal the project's
//! payments (`[[disbursements]]`) to the end of that month — payments are the one record of
//! money paid out, so no page can show two figures for it.

use super::Check;
use crate::derive::{Derived, project::paid_by};
use crate::diag::{Diagnostic, Fix};
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::MONEY_MISMATCH,
    run,
};

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let unit = site.programme.as_ref().map_or("万元", |p| p.unit());
    let mut out = Vec::new();
    for p in &site.projects {
        for r in &p.progress {
            let Some(written) = &r.disbursed else {
                continue;
            };
            let end = r.month.last_day();
            let paid = paid_by(p, end);
            if written.value == paid {
                continue;
            }
            let listed = p
                .disbursements
                .iter()
                .filter(|d| val(&d.date).is_some_and(|d| *d <= end))
                .count();
            let place = if listed == 0 {
                format!("项目的拨付记录（{}）到 {} 没有一笔", p.file, end.chinese())
            } else {
                format!(
                    "项目的拨付记录（{}）到 {} 共 {listed} 笔，合计 {paid} {unit}",
                    p.file,
                    end.chinese()
                )
            };
            let hint = if written.value > paid {
                format!(
                    "拨付以项目的 [[disbursements]] 为准：把这个月之前实际拨付的每一笔（日期、金额、资金来源、用途）补进 {}，或把这里改成 disbursed = {paid}；不确定时删掉这一行，页面会按拨付记录显示累计拨付",
                    p.file
                )
            } else {
                format!(
                    "拨付以项目的 [[disbursements]] 为准：这里改成 disbursed = {paid}，或删掉这一行（页面会按拨付记录显示）"
                )
            };
            let fix = site
                .sources
                .line(&r.file, written.line)
                .and_then(|text| Fix::value(written.line, &text, &paid.to_string()));
            let mut d = Diagnostic::new(
                RULE.rule,
                &r.file,
                format!(
                    "{} 的进度写累计拨付 {} {unit}，但{place}",
                    r.month.chinese(),
                    written.value
                ),
            )
            .span(written.line, written.col, written.width)
            .field("disbursed")
            .hint(hint)
            .related(
                &p.file,
                p.disbursements.first().map(|d| d.line).or(p.funding.line),
            );
            if let Some(fix) = fix {
                d = d.fix(fix);
            }
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, site};

    fn findings(report: &str) -> Vec<Diagnostic> {
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++\nstart = 2022-06-01\n[[disbursements]]\ndate = 2022-07-15\namount = 45\nsource = \"central\"\n[[disbursements]]\ndate = 2022-08-01\namount = 5\nsource = \"central\"\n+++\nx\n",
            ),
            (
                "content/projects/a/progress/2022-07.md",
                &format!("+++\npublished = 2022-08-05\n{report}+++\n"),
            ),
        ]);
        run(&s, &at(&s, "2022-09-01"))
    }

    #[test]
    fn a_report_agrees_with_the_payments_to_the_end_of_its_month() {
        assert!(findings("disbursed = 45\n").is_empty());
        assert!(
            findings("").is_empty(),
            "no figure written, nothing to compare"
        );
        let d = findings("disbursed = 50\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].file.as_str(), d[0].line, d[0].field.as_deref()),
            (
                "content/projects/a/progress/2022-07.md",
                Some(3),
                Some("disbursed")
            )
        );
        assert!(
            d[0].message.contains("共 1 笔，合计 45"),
            "{}",
            d[0].message
        );
        assert_eq!(
            d[0].fix,
            Some(Fix::Replace {
                line: 3,
                text: "disbursed = 45".into()
            })
        );
        assert!(d[0].hint.as_deref().unwrap().contains("[[disbursements]]"));
        assert_eq!(findings("disbursed = 44.99\n").len(), 1);
    }
}
