//! A project as it stands on the as-of date: status, completion, money, its monthly record and
//! every lateness the public is told about.

use rust_decimal::Decimal;

use super::timeliness::{self, MonthState, Publication, Timeliness};
use super::{Ctx, is_public};
use crate::date::Date;
use crate::model::*;
use crate::money::Money;
use crate::rules::{self, Rule};

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

/// A lateness or gap of a project that the public is told about: each is one warning rule,
/// and what the public sees of it comes from that rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lateness {
    ProgressMissing,
    ProgressLate,
    PublicationLate,
    NoticeWindow,
    DeadlineOverdue,
}

impl Lateness {
    pub fn rule(self) -> &'static Rule {
        match self {
            Lateness::ProgressMissing => rules::PROGRESS_MISSING,
            Lateness::ProgressLate => rules::PROGRESS_LATE,
            Lateness::PublicationLate => rules::PUBLICATION_LATE,
            Lateness::NoticeWindow => rules::NOTICE_WINDOW,
            Lateness::DeadlineOverdue => rules::DEADLINE_OVERDUE,
        }
    }

    /// The short marker lists show (未按期更新, 逾期公开 …), from the rule.
    pub fn marker(self) -> &'static str {
        self.rule().marker.unwrap_or(self.rule().id)
    }
}

/// A project as it stands on the as-of date.
#[derive(Debug, Clone)]
pub struct ProjectFacts {
    /// Its `published` date has come (scheduled records are not public yet).
    pub public: bool,
    pub status: Status,
    /// Completion from the latest public report (100 once completed without one).
    pub percent: Option<Decimal>,
    pub funding_total: Money,
    /// Paid out by the as-of date: the sum of its dated payments, the one record of money paid.
    pub disbursed: Money,
    /// Indices in `progress` of the reports public on the as-of date, by month.
    pub reports: Vec<usize>,
    /// Every month it owes a report for (public projects only).
    pub months: Vec<MonthState>,
    /// Its publication against its decision (R6), once public.
    pub publication: Option<Publication>,
    /// Days it was completed after its deadline.
    pub completed_late: Option<i32>,
    /// Indices in the site's notices of its public notices that missed a window (R7).
    pub late_notices: Vec<usize>,
    /// What the public is told, in rule-id order.
    pub lateness: Vec<Lateness>,
}

impl ProjectFacts {
    /// The months in one state, in order.
    pub fn months_in(&self, state: Timeliness) -> impl Iterator<Item = &MonthState> {
        self.months.iter().filter(move |m| m.state == state)
    }
}

/// A project's dated payments, in date order.
pub fn payments(p: &Project) -> Vec<(Date, Money)> {
    let mut list: Vec<(Date, Money)> = p
        .disbursements
        .iter()
        .filter_map(|d| Some((*val(&d.date)?, *val(&d.amount)?)))
        .collect();
    list.sort_by_key(|(day, _)| *day);
    list
}

/// Paid out to a project by the end of `day`: payments are the one record of money paid, and
/// every figure of money paid on every page is this sum.
pub fn paid_by(p: &Project, day: Date) -> Money {
    p.disbursements
        .iter()
        .filter(|d| val(&d.date).is_some_and(|d| *d <= day))
        .filter_map(|d| val(&d.amount).copied())
        .sum()
}

pub fn status(p: &Project, ctx: &Ctx) -> Status {
    let as_of = ctx.as_of;
    let reached = |f: &Field<crate::date::Date>| val(f).is_some_and(|d| *d <= as_of);
    if reached(&p.accepted) {
        Status::Accepted
    } else if reached(&p.completed) {
        Status::Completed
    } else if val(&p.deadline).is_some_and(|d| *d < as_of) {
        Status::Overdue
    } else if val(&p.start).is_some_and(|d| as_of < *d) {
        Status::NotStarted
    } else {
        Status::InProgress
    }
}

/// Derives one project's facts; `notice_late` tells whether a notice (by index) missed a window.
pub fn facts(
    p: &Project,
    site: &Site,
    ctx: &Ctx,
    notice_late: &dyn Fn(usize) -> bool,
) -> ProjectFacts {
    let as_of = ctx.as_of;
    let public = is_public(&p.published, as_of);
    let status = status(p, ctx);
    let reports: Vec<usize> = p
        .progress
        .iter()
        .enumerate()
        .filter(|(_, r)| is_public(&r.published, as_of))
        .map(|(i, _)| i)
        .collect();
    let latest = reports
        .iter()
        .rev()
        .map(|i| &p.progress[*i])
        .find(|r| r.percent.is_some());
    let percent = latest.and_then(|r| val(&r.percent).copied()).or_else(|| {
        matches!(status, Status::Completed | Status::Accepted).then_some(Decimal::ONE_HUNDRED)
    });
    let disbursed = paid_by(p, as_of);
    let mut months = if public {
        timeliness::progress_months(p, site, ctx)
    } else {
        Vec::new()
    };
    let payments = payments(p);
    let mut paid = Money::ZERO;
    let mut next = payments.iter().peekable();
    for m in &mut months {
        let end = m.month.last_day().min(as_of);
        while let Some((_, amount)) = next.next_if(|(day, _)| *day <= end) {
            paid += *amount;
        }
        m.paid = paid;
    }
    let publication = timeliness::project_publication(p, site, ctx);
    let late_notices: Vec<usize> = if public {
        site.notice_indices_of(&p.id)
            .iter()
            .copied()
            .filter(|i| notice_late(*i))
            .collect()
    } else {
        Vec::new()
    };
    let mut lateness = Vec::new();
    if public {
        if months.iter().any(|m| m.state == Timeliness::Missing) {
            lateness.push(Lateness::ProgressMissing);
        }
        if months.iter().any(|m| m.state == Timeliness::Late) {
            lateness.push(Lateness::ProgressLate);
        }
        if publication.is_some_and(|x| x.is_late()) {
            lateness.push(Lateness::PublicationLate);
        }
        if !late_notices.is_empty() {
            lateness.push(Lateness::NoticeWindow);
        }
        if status == Status::Overdue {
            lateness.push(Lateness::DeadlineOverdue);
        }
    }
    lateness.sort_by_key(|l| l.rule().id);
    ProjectFacts {
        public,
        status,
        percent,
        funding_total: p.funding.total(),
        disbursed,
        reports,
        months,
        publication,
        completed_late: timeliness::completed_late(p, as_of),
        late_notices,
        lateness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::derive::{derive, testing::site};

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
        let at = |s| {
            derive(&site, Ctx::at(Date::parse(s).unwrap()))
                .projects
                .remove(0)
        };
        assert_eq!(at("2022-05-31").status, Status::NotStarted);
        assert_eq!(at("2022-06-01").status, Status::InProgress);
        assert_eq!(at("2022-07-04").percent, None);
        assert_eq!(at("2022-07-05").percent, Some(Decimal::from(40)));
        assert_eq!(at("2022-08-31").status, Status::InProgress);
        assert_eq!(at("2022-09-01").status, Status::Overdue);
        // July's report was due on 10 August and never came.
        assert_eq!(
            at("2022-09-01").lateness,
            [Lateness::DeadlineOverdue, Lateness::ProgressMissing]
        );
        assert_eq!(at("2022-09-10").status, Status::Completed);
        assert_eq!(at("2022-09-10").completed_late, Some(10));
        assert_eq!(at("2022-09-14").disbursed.to_string(), "45");
        assert_eq!(at("2022-09-15").disbursed.to_string(), "45.5");
        assert_eq!(at("2023-02-20").status, Status::Accepted);
    }

    #[test]
    fn every_lateness_has_a_public_marker_from_its_rule() {
        for l in [
            Lateness::ProgressMissing,
            Lateness::ProgressLate,
            Lateness::PublicationLate,
            Lateness::NoticeWindow,
            Lateness::DeadlineOverdue,
        ] {
            assert!(l.rule().marker.is_some(), "{l:?}");
            assert_eq!(l.marker(), l.rule().marker.unwrap());
        }
    }
}
