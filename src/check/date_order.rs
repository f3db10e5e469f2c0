//! `date-order`: dates that cannot follow one another as written — within one record
//! (completed before start, accepted before completed, published before issued, a notice's
//! display ending before it began, a report published before its month) and across records (a
//! project published before its decision was issued, a payment before the decision, a report
//! for a month before the project started, and one project's procurement out of sequence:
//! tender → candidates → award → contract, with no award before a tender's display ended).

use super::Check;
use crate::date::Date;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::DATE_ORDER,
    run,
};

/// A date and where it was written.
struct At<'a> {
    file: &'a str,
    field: String,
    date: &'a Spanned<Date>,
}

impl<'a> At<'a> {
    fn of(file: &'a str, field: impl Into<String>, date: &'a Field<Date>) -> Option<At<'a>> {
        date.as_ref().map(|date| At {
            file,
            field: field.into(),
            date,
        })
    }

    fn place(&self) -> String {
        format!("{}:{}", self.file, self.date.line)
    }
}

/// Reports `later` when it comes before `earlier`, saying what the order must be.
fn order(out: &mut Vec<Diagnostic>, earlier: Option<At>, later: Option<At>, rule: &str) {
    ordered(out, earlier, later, rule, true);
}

/// Reports `later` when it comes before `earlier`, or on the same day unless `same_day`.
fn ordered(
    out: &mut Vec<Diagnostic>,
    earlier: Option<At>,
    later: Option<At>,
    rule: &str,
    same_day: bool,
) {
    let (Some(a), Some(b)) = (earlier, later) else {
        return;
    };
    if b.date.value > a.date.value || (same_day && b.date.value == a.date.value) {
        return;
    }
    let other = if a.file == b.file {
        format!("{} = {}", a.field, a.date.value)
    } else {
        format!("{} 的 {} = {}", a.place(), a.field, a.date.value)
    };
    out.push(
        Diagnostic::new(
            RULE.rule,
            b.file,
            format!(
                "{rule}：这里 {} = {} 在 {other} 之前",
                b.field, b.date.value
            ),
        )
        .span(b.date.line, b.date.col, b.date.width)
        .field(b.field.clone())
        .hint(format!(
            "核对两处日期，以原始文件（批复、合同、公告、拨付凭证）上的日期为准：{} 和 {}",
            b.place(),
            a.place()
        )),
    );
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &site.documents {
        order(
            &mut out,
            At::of(&d.file, "issued", &d.issued),
            At::of(&d.file, "published", &d.published),
            "公开日期不能早于成文日期",
        );
        order(
            &mut out,
            At::of(&d.file, "published", &d.published),
            At::of(&d.file, "comment_until", &d.comment_until),
            "意见征集截止日期不能早于公开日期",
        );
    }
    if let Some(p) = &site.programme {
        for ph in &p.phases {
            order(
                &mut out,
                At::of(&p.file, format!("{}.start", ph.path), &ph.start),
                At::of(&p.file, format!("{}.end", ph.path), &ph.end),
                "阶段的结束日期不能早于开始日期",
            );
        }
    }
    for p in &site.projects {
        project(site, p, &mut out);
    }
    for n in &site.notices {
        order(
            &mut out,
            At::of(&n.file, "published", &n.published),
            At::of(&n.file, "public_until", &n.public_until),
            "公示截止日期不能早于公开日期",
        );
        if val(&n.kind).is_some_and(|k| k.needs_event()) {
            order(
                &mut out,
                At::of(&n.file, "event", &n.event),
                At::of(&n.file, "published", &n.published),
                "公开日期不能早于事项日期 event",
            );
        }
    }
    procurement(site, &mut out);
    out
}

fn project(site: &Site, p: &Project, out: &mut Vec<Diagnostic>) {
    let f = &p.file;
    order(
        out,
        At::of(f, "start", &p.start),
        At::of(f, "completed", &p.completed),
        "完工日期不能早于开工日期",
    );
    order(
        out,
        At::of(f, "completed", &p.completed),
        At::of(f, "accepted", &p.accepted),
        "验收日期不能早于完工日期",
    );
    let decision = text(&p.decision).and_then(|id| site.document(id));
    let issued = || decision.and_then(|d| At::of(&d.file, "issued", &d.issued));
    order(
        out,
        issued(),
        At::of(f, "published", &p.published),
        "项目信息不能在决策文件印发之前公开",
    );
    for d in &p.disbursements {
        order(
            out,
            issued(),
            At::of(f, format!("{}.date", d.path), &d.date),
            "拨付不能早于确定扶持的决策文件印发",
        );
    }
    let start = val(&p.start);
    for r in &p.progress {
        if let Some(start) = start
            && r.month < start.month()
        {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &r.file,
                    format!(
                        "{} 的进度报告早于开工月份 {}（{}:{}）",
                        r.month.chinese(),
                        start.month().chinese(),
                        p.file,
                        p.start.as_ref().map_or(1, |s| s.line)
                    ),
                )
                .at(1)
                .hint("检查文件名的月份或项目的开工日期 start"),
            );
        }
        if let Some(published) = &r.published
            && published.value < r.month.first_day()
        {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &r.file,
                    format!(
                        "{} 的进度不能在 {} 就公开：这个月还没开始",
                        r.month.chinese(),
                        published.value.chinese()
                    ),
                )
                .span(published.line, published.col, published.width)
                .field("published"),
            );
        }
    }
}

/// The stages of one project's procurement, in the order they happen.
const STAGES: [NoticeKind; 4] = [
    NoticeKind::Tender,
    NoticeKind::Candidates,
    NoticeKind::Award,
    NoticeKind::Contract,
];

/// The date a stage happened: the act for awards and contracts, publication for the others.
fn stage_date(n: &Notice) -> Option<At<'_>> {
    match val(&n.kind)? {
        NoticeKind::Award | NoticeKind::Contract if n.event.is_some() => {
            At::of(&n.file, "event", &n.event)
        }
        _ => At::of(&n.file, "published", &n.published),
    }
}

/// Each project's notices in stage order: a later stage may not be dated before the earliest
/// notice of an earlier stage, and an award may not be made before every tender's display
/// ended (re-tenders are allowed: only the earliest dates are compared).
fn procurement(site: &Site, out: &mut Vec<Diagnostic>) {
    for p in &site.projects {
        let notices: Vec<&Notice> = site.notices_of(&p.id).collect();
        let earliest = |kind: NoticeKind, at: &dyn Fn(&Notice) -> Option<Date>| {
            notices
                .iter()
                .filter(|n| val(&n.kind) == Some(&kind))
                .filter_map(|n| Some((at(n)?, *n)))
                .min_by_key(|(d, n)| (*d, n.id.clone()))
                .map(|(_, n)| n)
        };
        for (i, later) in STAGES.iter().enumerate().skip(1) {
            for n in notices.iter().filter(|n| val(&n.kind) == Some(later)) {
                let before = STAGES[..i]
                    .iter()
                    .rev()
                    .find_map(|k| earliest(*k, &|x: &Notice| stage_date(x).map(|a| a.date.value)));
                if let Some(first) = before {
                    let label = |x: &Notice| val(&x.kind).map_or("公告", |k| k.label());
                    order(
                        out,
                        stage_date(first),
                        stage_date(n),
                        &format!("{}不能早于同一项目的{}", label(n), label(first)),
                    );
                }
            }
        }
        let tender_end = earliest(NoticeKind::Tender, &|x: &Notice| {
            val(&x.public_until).copied()
        });
        for n in notices
            .iter()
            .filter(|n| val(&n.kind) == Some(&NoticeKind::Award))
        {
            // The last day of display is still inside the window: the award comes after it.
            ordered(
                out,
                tender_end.and_then(|t| At::of(&t.file, "public_until", &t.public_until)),
                At::of(&n.file, "event", &n.event),
                "招标公告的公示期结束后才能确定中标",
                false,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, site};

    const PROJECT: &str = "+++\ndecision = \"d\"\npublished = 2022-05-30\nstart = 2022-06-01\n[[disbursements]]\ndate = 2022-05-21\namount = 1\nsource = \"central\"\n+++\nx\n";

    fn findings(files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let mut all = vec![
            ("config.toml", ""),
            (
                "content/documents/d.md",
                "+++\nkind = \"decision\"\nissued = 2022-05-20\npublished = 2022-05-23\n+++\n",
            ),
            ("content/projects/a/index.md", PROJECT),
        ];
        all.extend_from_slice(files);
        let (s, _) = site(&all);
        run(&s, &at(&s, "2023-01-01"))
    }

    #[test]
    fn a_sound_project_passes_and_a_payment_before_its_decision_fails() {
        assert!(findings(&[]).is_empty(), "{:?}", findings(&[]));
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/documents/d.md",
                "+++\nkind = \"decision\"\nissued = 2022-05-20\npublished = 2022-05-23\n+++\n",
            ),
            (
                "content/projects/a/index.md",
                &PROJECT.replace("date = 2022-05-21", "date = 2022-05-19"),
            ),
        ]);
        let d = run(&s, &at(&s, "2023-01-01"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].line, d[0].field.as_deref()),
            (Some(6), Some("disbursements[1].date"))
        );
        assert!(
            d[0].message.contains("content/documents/d.md:3"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_tender_after_its_award_is_out_of_order() {
        let tender = |published: &str, until: &str| {
            format!(
                "+++\nkind = \"tender\"\nproject = \"a\"\npublished = {published}\npublic_until = {until}\n+++\n"
            )
        };
        let award = "+++\nkind = \"award\"\nproject = \"a\"\nevent = 2022-06-20\npublished = 2022-06-21\npublic_until = 2022-06-22\n+++\n";
        let good = tender("2022-06-01", "2022-06-10");
        assert!(
            findings(&[
                ("content/notices/t.md", &good),
                ("content/notices/w.md", award)
            ])
            .is_empty()
        );
        let late = tender("2022-06-25", "2022-07-05");
        let d = findings(&[
            ("content/notices/t.md", &late),
            ("content/notices/w.md", award),
        ]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.file == "content/notices/w.md"));
        assert!(
            d[0].message
                .contains("中标结果公告不能早于同一项目的招标公告")
        );
        assert!(d[1].message.contains("公示期结束后"));
        // The award the day after the display ended is in order; on its last day it is not.
        let edge = tender("2022-06-01", "2022-06-19");
        assert!(
            findings(&[
                ("content/notices/t.md", &edge),
                ("content/notices/w.md", award)
            ])
            .is_empty()
        );
        let edge = tender("2022-06-01", "2022-06-20");
        assert_eq!(
            findings(&[
                ("content/notices/t.md", &edge),
                ("content/notices/w.md", award)
            ])
            .len(),
            1
        );
    }

    #[test]
    fn a_report_for_a_month_before_the_start() {
        let d = findings(&[(
            "content/projects/a/progress/2022-05.md",
            "+++\npublished = 2022-06-05\n+++\n",
        )]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("早于开工月份"));
    }
}
