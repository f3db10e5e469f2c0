//! Facts derived from the loaded site as of a date — status, latest percent, amounts paid —
//! computed once here so that rules and pages agree and templates do no arithmetic.

use rust_decimal::Decimal;

use crate::date::Date;
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
