//! `notice-window` (warning): a procurement notice missed an R7 window — published too late
//! after the act, or not on display for long enough.

use super::Check;
use crate::derive::Derived;
use crate::derive::WindowKind;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::NOTICE_WINDOW,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (n, f) in site.notices.iter().zip(&d.notices) {
        let label = val(&n.kind).map_or("公告", |k| k.label());
        for w in f.windows.iter().filter(|w| !w.met()) {
            let field = if w.field == "published" {
                &n.published
            } else {
                &n.public_until
            };
            let message = match w.kind {
                WindowKind::PublishBy => format!(
                    "{label}应在{}：最迟 {} 公开，实际 {} 公开",
                    w.rule,
                    w.required.chinese(),
                    w.actual.chinese()
                ),
                WindowKind::DisplayUntil => format!(
                    "{label}的{}：应公示到 {}，实际只到 {}",
                    w.rule,
                    w.required.chinese(),
                    w.actual.chinese()
                ),
            };
            out.push(
                Diagnostic::new(RULE.rule, &n.file, message)
                    .span(
                        field.as_ref().map_or(0, |f| f.line),
                        field.as_ref().map_or(1, |f| f.col),
                        field.as_ref().map_or(1, |f| f.width),
                    )
                    .field(w.field),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, site};

    fn notice(front: &str) -> Vec<Diagnostic> {
        let (site, _) = site(&[
            ("config.toml", ""),
            ("content/notices/n.md", &format!("+++\n{front}+++\n")),
        ]);
        run(&site, &at(&site, "2023-12-31"))
    }

    #[test]
    fn a_tender_over_national_day_is_short_though_monday_to_friday_would_pass() {
        // 29 September to 6 October 2022 holds five weekdays but only one working day.
        let d = notice("kind = \"tender\"\npublished = 2022-09-29\npublic_until = 2022-10-06\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].line, d[0].field.as_deref()),
            (Some(4), Some("public_until"))
        );
        assert!(d[0].message.contains("2022年10月11日"), "{}", d[0].message);
        assert!(
            notice("kind = \"tender\"\npublished = 2022-09-29\npublic_until = 2022-10-11\n")
                .is_empty()
        );
    }

    #[test]
    fn an_award_two_working_days_after_30_september_is_on_time() {
        let front = "kind = \"award\"\nevent = 2022-09-30\npublished = 2022-10-09\npublic_until = 2022-10-10\n";
        assert!(notice(front).is_empty(), "{:?}", notice(front));
        let late = notice(
            "kind = \"award\"\nevent = 2022-09-30\npublished = 2022-10-10\npublic_until = 2022-10-11\n",
        );
        assert_eq!(late.len(), 1, "{late:?}");
        assert_eq!(late[0].field.as_deref(), Some("published"));
        let short = notice(
            "kind = \"award\"\nevent = 2022-09-30\npublished = 2022-10-09\npublic_until = 2022-10-09\n",
        );
        assert_eq!(short.len(), 1, "{short:?}");
        assert_eq!(short[0].field.as_deref(), Some("public_until"));
    }

    #[test]
    fn candidates_five_days_and_the_others() {
        // Five days after Friday 28 April 2023 is 3 May, inside the Labour Day holiday
        // (29 April–3 May): the period ends on Thursday 4 May.
        assert!(
            notice("kind = \"candidates\"\npublished = 2023-04-28\npublic_until = 2023-05-04\n")
                .is_empty()
        );
        assert_eq!(
            notice("kind = \"candidates\"\npublished = 2023-04-28\npublic_until = 2023-05-03\n")
                .len(),
            1
        );
        // A contract signed on Thursday 13 October 2022: two working days later is Monday 17.
        assert!(
            notice("kind = \"contract\"\nevent = 2022-10-13\npublished = 2022-10-17\n").is_empty()
        );
        assert_eq!(
            notice("kind = \"contract\"\nevent = 2022-10-13\npublished = 2022-10-18\n").len(),
            1
        );
        // A complaint decision: five working days.
        assert!(
            notice("kind = \"complaint-decision\"\nevent = 2022-10-13\npublished = 2022-10-20\n")
                .is_empty()
        );
        assert_eq!(
            notice("kind = \"complaint-decision\"\nevent = 2022-10-13\npublished = 2022-10-21\n")
                .len(),
            1
        );
        // A violation record by the 10th of the next month: 10 September 2022 is a holiday,
        // so the 13th.
        assert!(
            notice("kind = \"violation-record\"\nevent = 2022-08-20\npublished = 2022-09-13\n")
                .is_empty()
        );
        assert_eq!(
            notice("kind = \"violation-record\"\nevent = 2022-08-20\npublished = 2022-09-14\n")
                .len(),
            1
        );
    }
}
