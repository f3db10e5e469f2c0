//! Facts derived from the loaded site as of a date — status, latest percent, amounts paid —
//! computed once here so that rules and pages agree and templates do no arithmetic.

use rust_decimal::Decimal;

use crate::check::Ctx;
use crate::date::{Date, Month};
use crate::model::*;
use crate::money::Money;

/// A record is public once its `published` date has come (SPEC §3, scheduled publishing).
/// A record without a date is an error elsewhere; it counts as public so that nothing hides it.
pub fn is_public(published: &Field<Date>, as_of: Date) -> bool {
    val(published).is_none_or(|d| *d <= as_of)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    NotStarted,
    InProgress,
    Completed,
    Accepted,
    Overdue,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::NotStarted,
        Status::InProgress,
        Status::Completed,
        Status::Accepted,
        Status::Overdue,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::NotStarted => "not-started",
            Status::InProgress => "in-progress",
            Status::Completed => "completed",
            Status::Accepted => "accepted",
            Status::Overdue => "overdue",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "未开工",
            Status::InProgress => "建设中",
            Status::Completed => "已完工",
            Status::Accepted => "已验收",
            Status::Overdue => "逾期未完成",
        }
    }
}

/// A project as it stands on the as-of date.
#[derive(Debug, Clone)]
pub struct ProjectFacts<'a> {
    pub status: Status,
    /// Completion from the latest public report (100 once completed without one).
    pub percent: Option<Decimal>,
    pub funding_total: Money,
    /// Disbursed by the as-of date: the disbursement list, or else the latest report's figure.
    pub disbursed: Money,
    /// Reports public on the as-of date, by month.
    pub reports: Vec<&'a ProgressReport>,
}

pub fn project<'a>(p: &'a Project, as_of: Date) -> ProjectFacts<'a> {
    let reached = |f: &Field<Date>| val(f).is_some_and(|d| *d <= as_of);
    let status = if reached(&p.accepted) {
        Status::Accepted
    } else if reached(&p.completed) {
        Status::Completed
    } else if val(&p.deadline).is_some_and(|d| *d < as_of) {
        Status::Overdue
    } else if val(&p.start).is_some_and(|d| as_of < *d) {
        Status::NotStarted
    } else {
        Status::InProgress
    };
    let reports: Vec<&ProgressReport> = p
        .progress
        .iter()
        .filter(|r| is_public(&r.published, as_of))
        .collect();
    let latest = reports.iter().rev().find(|r| r.percent.is_some());
    let percent = latest.and_then(|r| val(&r.percent).copied()).or_else(|| {
        matches!(status, Status::Completed | Status::Accepted).then_some(Decimal::ONE_HUNDRED)
    });
    let paid: Vec<Money> = p
        .disbursements
        .iter()
        .filter(|d| val(&d.date).is_some_and(|d| *d <= as_of))
        .filter_map(|d| val(&d.amount).copied())
        .collect();
    let disbursed = if p.disbursements.is_empty() {
        reports
            .iter()
            .rev()
            .find_map(|r| val(&r.disbursed).copied())
            .unwrap_or_default()
    } else {
        paid.iter().sum()
    };
    ProjectFacts {
        status,
        percent,
        funding_total: p.funding.total(),
        disbursed,
        reports,
    }
}

// ---------------------------------------------------------------- timeliness (R2, R6, R7)

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
}

/// One month of a project's progress record.
#[derive(Debug, Clone)]
pub struct MonthState<'a> {
    pub month: Month,
    pub due: Date,
    /// The report, if it is public on the as-of date.
    pub report: Option<&'a ProgressReport>,
    pub state: Timeliness,
}

/// Every month a project owes a report for (R2): from its start month to the month it was
/// completed, or to the as-of month while it is not completed.
pub fn progress_months<'a>(p: &'a Project, ctx: &Ctx) -> Vec<MonthState<'a>> {
    let Some(start) = val(&p.start).copied().filter(|s| *s <= ctx.as_of) else {
        return Vec::new();
    };
    let last = match val(&p.completed) {
        Some(done) if *done <= ctx.as_of => done.month(),
        _ => ctx.as_of.month(),
    };
    start
        .month()
        .through(last)
        .map(|month| {
            let due = progress_due(month, ctx);
            let report = p
                .progress
                .iter()
                .find(|r| r.month == month && val(&r.published).is_some_and(|d| *d <= ctx.as_of));
            let state = match report.and_then(|r| val(&r.published)) {
                Some(published) if *published > due => Timeliness::Late,
                Some(_) => Timeliness::OnTime,
                None if due < ctx.as_of => Timeliness::Missing,
                None => Timeliness::NotDue,
            };
            MonthState {
                month,
                due,
                report,
                state,
            }
        })
        .collect()
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

/// The public warning rules that apply to a project: its own publication, its monthly
/// reports, its deadline, and the notices about it.
pub fn project_late_rules(p: &Project, site: &Site, ctx: &Ctx) -> Vec<&'static str> {
    let months = progress_months(p, ctx);
    let mut rules = Vec::new();
    if months.iter().any(|m| m.state == Timeliness::Missing) {
        rules.push("progress-missing");
    }
    if months.iter().any(|m| m.state == Timeliness::Late) {
        rules.push("progress-late");
    }
    if project_publication(p, site, ctx).is_some_and(|x| x.is_late()) {
        rules.push("publication-late");
    }
    if site
        .notices_of(&p.id)
        .flat_map(|n| notice_windows(n, ctx))
        .any(|w| !w.met())
    {
        rules.push("notice-window");
    }
    if project(p, ctx.as_of).status == Status::Overdue {
        rules.push("deadline-overdue");
    }
    rules.sort_unstable();
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    #[test]
    fn status_over_time() {
        let (site, _) = site(&[
            ("config.toml", ""),
            (
                "content/projects/a/index.md",
                "+++\nstart = 2022-06-01\ndeadline = 2022-08-31\ncompleted = 2022-09-10\naccepted = 2023-02-20\n[[disbursements]]\ndate = 2022-07-15\namount = 45\n[[disbursements]]\ndate = 2022-09-15\namount = 0.5\n+++\nx\n",
            ),
            (
                "content/projects/a/progress/2022-06.md",
                "+++\npublished = 2022-07-05\npercent = 40\n+++\n",
            ),
        ]);
        let p = &site.projects[0];
        let at = |s| project(p, Date::parse(s).unwrap());
        assert_eq!(at("2022-05-31").status, Status::NotStarted);
        assert_eq!(at("2022-06-01").status, Status::InProgress);
        assert_eq!(at("2022-07-04").percent, None);
        assert_eq!(at("2022-07-05").percent, Some(Decimal::from(40)));
        assert_eq!(at("2022-08-31").status, Status::InProgress);
        assert_eq!(at("2022-09-01").status, Status::Overdue);
        assert_eq!(at("2022-09-10").status, Status::Completed);
        assert_eq!(at("2022-09-14").disbursed.to_string(), "45");
        assert_eq!(at("2022-09-15").disbursed.to_string(), "45.5");
        assert_eq!(at("2023-02-20").status, Status::Accepted);
    }
}
