//! When things were due and whether they were on time: monthly reports (R2), publication after
//! the decision or issue date (R6), and the procurement windows (R7).

use crate::date::{Date, Month};
use crate::model::*;
use crate::money::Money;

use super::Ctx;

/// When the report for `month` is due: `progress_due_day` of the next month, or the next
/// working day when that day is a rest day (Civil Code art. 203).
pub fn progress_due(month: Month, ctx: &Ctx) -> Date {
    ctx.calendar
        .roll_forward(month.next().day(ctx.progress_due_day))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeliness {
    OnTime,
    /// Published after it was due.
    Late,
    /// Due, and not published by the as-of date.
    Missing,
    /// Not due yet.
    NotDue,
    /// Its report is there but could not be read, or has no valid `published` date: its own
    /// finding says so, and nothing more can be said of the month until it is fixed.
    Unreadable,
    /// A report for a month after the project was completed: none was owed, so it is shown and
    /// not judged.
    Extra,
}

impl Timeliness {
    /// The key pages and data use: `on-time`, `late`, `missing`, `not-due`.
    pub fn key(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on-time",
            Timeliness::Late => "late",
            Timeliness::Missing => "missing",
            Timeliness::NotDue => "not-due",
            Timeliness::Unreadable => "unreadable",
            Timeliness::Extra => "extra",
        }
    }
}

/// One month of a project's progress record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthState {
    pub month: Month,
    pub due: Date,
    /// Index in the project's `progress` of the report, if it is public on the as-of date.
    pub report: Option<usize>,
    pub state: Timeliness,
    /// Paid out to the project by the end of the month (or the as-of date, if earlier).
    pub paid: Money,
}

/// Every month a project owes a report for (R2): from its start month to the month it was
/// completed, or to the as-of month while it is not completed.
pub fn progress_months(p: &Project, site: &Site, ctx: &Ctx) -> Vec<MonthState> {
    let Some(start) = val(&p.start).copied().filter(|s| *s <= ctx.as_of) else {
        return Vec::new();
    };
    let last = match val(&p.completed) {
        Some(done) if *done <= ctx.as_of => done.month(),
        _ => ctx.as_of.month(),
    };
    // Reports are sorted by month: one pass over both.
    let mut reports = p.progress.iter().enumerate().peekable();
    let mut months: Vec<MonthState> = start
        .month()
        .through(last)
        .map(|month| {
            while reports.next_if(|(_, r)| r.month < month).is_some() {}
            let mut report = None;
            let mut unreadable = false;
            while let Some((i, r)) = reports.next_if(|(_, r)| r.month == month) {
                unreadable |= site.broken.contains(&r.file) || r.published.is_none();
                if report.is_none() && val(&r.published).is_some_and(|d| *d <= ctx.as_of) {
                    report = Some((i, r));
                }
            }
            let due = progress_due(month, ctx);
            let state = match report.and_then(|(_, r)| val(&r.published)) {
                _ if unreadable => Timeliness::Unreadable,
                Some(published) if *published > due => Timeliness::Late,
                Some(_) => Timeliness::OnTime,
                None if due < ctx.as_of => Timeliness::Missing,
                None => Timeliness::NotDue,
            };
            MonthState {
                month,
                due,
                report: report.map(|(i, _)| i),
                state,
                paid: Money::ZERO,
            }
        })
        .collect();
    // Reports published for months after completion (a final account, say) are shown too.
    for (i, r) in reports {
        let published = val(&r.published).is_some_and(|d| *d <= ctx.as_of);
        if r.month > last && published && months.last().is_none_or(|m| m.month != r.month) {
            months.push(MonthState {
                month: r.month,
                due: progress_due(r.month, ctx),
                report: Some(i),
                state: Timeliness::Extra,
                paid: Money::ZERO,
            });
        }
    }
    months
}

/// When a record was made, when it had to be public by (R6), and when it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    pub created: Date,
    pub due: Date,
    pub published: Date,
}

impl Publication {
    fn new(created: Date, published: Date, ctx: &Ctx) -> Publication {
        let due = ctx
            .calendar
            .add_working_days(created, ctx.publication_working_days);
        Publication {
            created,
            due,
            published,
        }
    }

    pub fn is_late(&self) -> bool {
        self.published > self.due
    }
}

/// A public document's publication against its issue date.
pub fn document_publication(d: &Document, ctx: &Ctx) -> Option<Publication> {
    let (issued, published) = (*val(&d.issued)?, *val(&d.published)?);
    (published <= ctx.as_of).then(|| Publication::new(issued, published, ctx))
}

/// A public project's publication against the date of the decision that approved it.
pub fn project_publication(p: &Project, site: &Site, ctx: &Ctx) -> Option<Publication> {
    let published = *val(&p.published)?;
    let decision = site.document(text(&p.decision)?)?;
    let decided = *val(&decision.issued)?;
    (published <= ctx.as_of).then(|| Publication::new(decided, published, ctx))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowKind {
    /// The notice had to be published by `required`.
    PublishBy,
    /// The notice had to stay on display at least until `required`.
    DisplayUntil,
}

/// One R7 window of a notice and whether it was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub kind: WindowKind,
    /// The rule, in Chinese: 中标结果应在中标确定后 2 个工作日内公开.
    pub rule: String,
    pub required: Date,
    pub actual: Date,
    /// The field whose date is judged.
    pub field: &'static str,
}

impl Window {
    pub fn met(&self) -> bool {
        match self.kind {
            WindowKind::PublishBy => self.actual <= self.required,
            WindowKind::DisplayUntil => self.actual >= self.required,
        }
    }
}

/// The R7 windows of a public notice, with the dates it gives. Windows whose dates are missing
/// are left out (the missing field is its own finding).
pub fn notice_windows(n: &Notice, ctx: &Ctx) -> Vec<Window> {
    let (Some(kind), Some(published)) = (val(&n.kind).copied(), val(&n.published).copied()) else {
        return Vec::new();
    };
    if published > ctx.as_of {
        return Vec::new();
    }
    let cal = &ctx.calendar;
    let event = val(&n.event).copied();
    let until = val(&n.public_until).copied();
    let publish_by = |days: u32, what: &str| {
        event.map(|e| Window {
            kind: WindowKind::PublishBy,
            rule: format!("{what}后 {days} 个工作日内公开"),
            required: cal.add_working_days(e, days),
            actual: published,
            field: "published",
        })
    };
    let display = |required: Date, rule: String| {
        until.map(|u| Window {
            kind: WindowKind::DisplayUntil,
            rule,
            required,
            actual: u,
            field: "public_until",
        })
    };
    let windows = match kind {
        NoticeKind::Tender => vec![display(
            cal.add_working_days(published, 5),
            "公示期不少于 5 个工作日".into(),
        )],
        NoticeKind::Candidates => vec![display(
            cal.add_days(published, 5),
            "公示期不少于 5 日".into(),
        )],
        NoticeKind::Award => vec![
            publish_by(2, "中标确定"),
            display(
                cal.add_working_days(published, 1),
                "公示期不少于 1 个工作日".into(),
            ),
        ],
        NoticeKind::Contract => vec![publish_by(2, "合同签订")],
        NoticeKind::ComplaintDecision => vec![publish_by(5, "作出处理决定")],
        NoticeKind::ViolationRecord => vec![event.map(|e| Window {
            kind: WindowKind::PublishBy,
            rule: "次月 10 日前公开".into(),
            required: cal.roll_forward(e.month().next().day(10)),
            actual: published,
            field: "published",
        })],
    };
    windows.into_iter().flatten().collect()
}

/// Days a completed project finished after its deadline, if it did.
pub fn completed_late(p: &Project, as_of: Date) -> Option<i32> {
    let (done, deadline) = (*val(&p.completed)?, *val(&p.deadline)?);
    (done <= as_of && done > deadline).then(|| deadline.days_until(done))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::testing::site;

    #[test]
    fn months_find_their_reports_in_one_pass() {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++\nstart = 2022-05-20\n+++\nx\n",
            ),
            (
                "content/projects/a/progress/2022-04.md",
                "+++\npublished = 2022-05-05\n+++\n",
            ),
            (
                "content/projects/a/progress/2022-05.md",
                "+++\npublished = 2022-06-10\n+++\n",
            ),
            (
                "content/projects/a/progress/2022-07.md",
                "+++\npublished = 2022-08-20\n+++\n",
            ),
            (
                "content/projects/a/progress/2022-08.md",
                "+++\npublished = 2022-09-30\n+++\n",
            ),
        ]);
        let months = progress_months(
            &site.projects[0],
            &site,
            &Ctx::at(Date::parse("2022-09-20").unwrap()),
        );
        let seen: Vec<(String, Option<usize>, Timeliness)> = months
            .iter()
            .map(|m| (m.month.to_string(), m.report, m.state))
            .collect();
        assert_eq!(
            seen,
            [
                ("2022-05".into(), Some(1), Timeliness::OnTime),
                ("2022-06".into(), None, Timeliness::Missing),
                ("2022-07".into(), Some(2), Timeliness::Late),
                // Published after the as-of date: not there yet, and not due until 13 September.
                ("2022-08".into(), None, Timeliness::Missing),
                ("2022-09".into(), None, Timeliness::NotDue),
            ]
        );
    }

    #[test]
    fn a_report_after_completion_is_shown_and_not_judged() {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++
start = 2022-06-01
completed = 2022-07-20
+++
x
",
            ),
            (
                "content/projects/a/progress/2022-06.md",
                "+++
published = 2022-07-05
+++
",
            ),
            (
                "content/projects/a/progress/2022-07.md",
                "+++
published = 2022-08-05
+++
",
            ),
            (
                "content/projects/a/progress/2022-10.md",
                "+++
published = 2023-01-20
+++
",
            ),
            (
                "content/projects/a/progress/2022-11.md",
                "+++
published = 2023-09-01
+++
",
            ),
        ]);
        let months = progress_months(
            &site.projects[0],
            &site,
            &Ctx::at(Date::parse("2023-06-01").unwrap()),
        );
        let seen: Vec<(String, Option<usize>, Timeliness)> = months
            .iter()
            .map(|m| (m.month.to_string(), m.report, m.state))
            .collect();
        // No month between completion and the extra report is owed; the one published after
        // the as-of date is not there yet.
        assert_eq!(
            seen,
            [
                ("2022-06".into(), Some(0), Timeliness::OnTime),
                ("2022-07".into(), Some(1), Timeliness::OnTime),
                ("2022-10".into(), Some(2), Timeliness::Extra),
            ]
        );
    }
}
