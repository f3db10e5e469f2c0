//! A project's page and its row in lists: every R1 field under its label, the monthly record,
//! money paid, related notices, and what the public is told about its timeliness.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Amount, Builder, DateView, DocRef, Labelled, date, opt_date, owned, percent_text};
use super::{ChangeView, WithdrawnView};
use super::{ratio, records::notice_kind};
use crate::date::Month;
use crate::derive::{Lateness, MonthState, ProjectFacts, Status, Timeliness};
use crate::markdown;
use crate::model::*;
use crate::money::display_decimal;

#[derive(Serialize, Clone, Debug)]
pub struct ProjectRef {
    pub id: String,
    pub number: String,
    pub url: String,
    pub name: String,
    pub published: Option<DateView>,
}

#[derive(Serialize, Debug)]
pub struct ProjectView {
    pub id: String,
    /// The number the public reads and quotes (the id stays in the address only).
    pub number: String,
    pub url: String,
    pub name: String,
    pub category: Labelled,
    pub decision: Option<DocRef>,
    /// Every decision that approved it, the first included.
    pub decisions: Vec<DocRef>,
    pub published: Option<DateView>,
    /// When its newest public monthly report was published, if after the project itself.
    pub updated: Option<DateView>,
    pub start: Option<DateView>,
    pub deadline: Option<DateView>,
    pub completed: Option<DateView>,
    pub accepted: Option<DateView>,
    pub status: Labelled,
    pub percent: Option<String>,
    pub contractor: ContractorView,
    pub funding: Vec<FundingLine>,
    /// Funded by more than one source: the page names each amount.
    pub funding_split: bool,
    pub funding_total: Amount,
    pub targets: Vec<TargetView>,
    pub locations: Vec<LocationView>,
    pub disbursements: Vec<DisbursementView>,
    pub disbursed: Amount,
    pub disbursed_percent: Option<String>,
    pub body_html: String,
    pub summary: String,
    /// 建设内容和要求 as the county wrote it (Markdown), for the open data.
    pub content: String,
    pub timeline: Vec<TimelineEntry>,
    pub notices: Vec<NoticeRef>,
    /// Ids of the public warning rules that apply to this project.
    pub late: Vec<String>,
    /// Short public markers for lists: 未按期更新, 逾期公开, 逾期完工 …
    pub flags: Vec<&'static str>,
    /// The warnings themselves, in Chinese, for the public.
    pub findings: Vec<String>,
    /// Withdrawn (SPEC §7): it stays published, marked 已撤回 with the date and reason.
    pub withdrawn: Option<WithdrawnView>,
    /// 更正记录: every correction and withdrawal of the project and its reports, newest first.
    pub corrections: Vec<ChangeView>,
    /// How many corrections the project and its reports had, and the date of the latest.
    pub correction_count: usize,
    pub last_correction: Option<DateView>,
}

#[derive(Serialize, Debug)]
pub struct ContractorView {
    pub name: String,
    pub credit_code: Option<String>,
    pub responsible: String,
    pub phone: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct FundingLine {
    pub source: String,
    pub source_name: String,
    pub amount: Amount,
}

#[derive(Serialize, Debug)]
pub struct TargetView {
    pub indicator: String,
    pub target: String,
    pub unit: String,
    pub actual: Option<String>,
    /// The programme target it serves, by its indicator.
    pub serves: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct LocationView {
    pub town: Option<String>,
    pub village: Option<String>,
    pub route: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct DisbursementView {
    /// `<project id>-<n>`, stable while earlier payments stay as they are.
    pub id: String,
    pub date: Option<DateView>,
    pub amount: Amount,
    pub source: String,
    pub source_name: String,
    pub purpose: String,
}

#[derive(Serialize, Debug)]
pub struct TimelineEntry {
    pub month: String,
    pub month_label: String,
    /// When the report is due.
    pub due: DateView,
    /// `on-time`, `late`, `missing` or `not-due`.
    pub state: &'static str,
    /// How it was published, in words: 按时公开, 逾期公开, 未按期更新, 未到期.
    pub state_label: &'static str,
    /// Whether a report was due by the as-of date.
    pub due_by_now: bool,
    pub published: Option<DateView>,
    pub percent: Option<String>,
    pub disbursed: Option<Amount>,
    pub body_html: String,
    /// The report's first paragraph as plain text.
    pub summary: String,
    pub actuals: Vec<ActualView>,
    /// Public markers for this month (未按期更新, 逾期公开 …) with their explanation.
    pub markers: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct ActualView {
    pub indicator: String,
    pub value: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct NoticeRef {
    pub id: String,
    pub url: String,
    pub title: String,
    pub kind: Labelled,
    pub event: Option<DateView>,
    pub published: Option<DateView>,
    pub amount: Option<Amount>,
}

/// What lists show of a project (the list pages never need the whole view).
#[derive(Serialize, Debug)]
pub struct ProjectRow {
    pub id: String,
    pub number: String,
    pub url: String,
    pub name: String,
    pub category: Labelled,
    pub contractor: RowContractor,
    pub funding_total: Amount,
    pub disbursed: Amount,
    pub deadline: Option<DateView>,
    pub percent: Option<String>,
    pub disbursed_percent: Option<String>,
    pub status: Labelled,
    pub flags: Vec<&'static str>,
    pub withdrawn: bool,
    pub published: Option<DateView>,
}

#[derive(Serialize, Debug)]
pub struct RowContractor {
    pub name: String,
}

impl ProjectRow {
    pub(super) fn of(p: &ProjectView) -> ProjectRow {
        ProjectRow {
            id: p.id.clone(),
            number: p.number.clone(),
            url: p.url.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            contractor: RowContractor {
                name: p.contractor.name.clone(),
            },
            funding_total: p.funding_total.clone(),
            disbursed: p.disbursed.clone(),
            deadline: p.deadline.clone(),
            percent: p.percent.clone(),
            disbursed_percent: p.disbursed_percent.clone(),
            status: p.status.clone(),
            flags: p.flags.clone(),
            withdrawn: p.withdrawn.is_some(),
            published: p.published.clone(),
        }
    }
}

/// `（共 N 个月）` after a list of several months.
fn count_of(months: usize) -> String {
    if months > 1 {
        format!("（共 {months} 个月）")
    } else {
        String::new()
    }
}

/// The marker of a project finished after its deadline (not a finding: it is done).
const COMPLETED_LATE: &str = "逾期完工";

/// The short markers lists show: one per kind of lateness (an overdue project's status says
/// it already), each once.
fn flags(f: &ProjectFacts) -> Vec<&'static str> {
    let mut flags: Vec<&'static str> = Vec::new();
    let lateness = f
        .lateness
        .iter()
        .filter(|l| **l != Lateness::DeadlineOverdue)
        .map(|l| l.marker());
    let completed = f.completed_late.map(|_| COMPLETED_LATE);
    for m in lateness.chain(completed) {
        if !flags.contains(&m) {
            flags.push(m);
        }
    }
    flags
}

impl Builder<'_> {
    pub(super) fn notice_ref(&self, n: &Notice) -> NoticeRef {
        NoticeRef {
            id: n.id.clone(),
            url: format!("notices/{}/", n.id),
            title: owned(&n.title).unwrap_or_default(),
            kind: notice_kind(n),
            event: opt_date(&n.event),
            published: opt_date(&n.published),
            amount: val(&n.amount).map(|m| self.amount(*m)),
        }
    }

    /// The view of the project at `index` in the site's list.
    pub(super) fn project(&self, index: usize) -> ProjectView {
        let p = &self.site.projects[index];
        let f = &self.derived.projects[index];
        let category_id = text(&p.category).unwrap_or_default();
        let category = Labelled {
            key: category_id.to_string(),
            label: self
                .programme()
                .category(category_id)
                .and_then(|c| owned(&c.name))
                .unwrap_or_default(),
        };
        let latest_actuals: BTreeMap<&str, Decimal> = f
            .reports
            .iter()
            .flat_map(|i| p.progress[*i].actuals.iter())
            .filter_map(|a| Some((text(&a.indicator)?, *val(&a.value)?)))
            .collect();
        let mut related: Vec<(&Notice, bool)> = self
            .site
            .notice_indices_of(&p.id)
            .iter()
            .map(|i| (&self.site.notices[*i], self.derived.notices[*i].public))
            .filter(|(_, public)| *public)
            .collect();
        related.sort_by_key(|(n, _)| (val(&n.published).copied(), n.id.clone()));
        let notices: Vec<NoticeRef> = related.iter().map(|(n, _)| self.notice_ref(n)).collect();
        let findings = self.project_findings(p, f);
        ProjectView {
            id: p.id.clone(),
            number: self.derived.programme.numbers[index].clone(),
            url: format!("projects/{}/", p.id),
            name: owned(&p.name).unwrap_or_default(),
            category,
            decision: self.doc_ref(&p.decision),
            decisions: std::iter::once(&p.decision)
                .filter_map(|d| self.doc_ref(d))
                .chain(
                    p.more_decisions
                        .iter()
                        .filter_map(|d| self.doc_ref(&Some(d.clone()))),
                )
                .collect(),
            published: opt_date(&p.published),
            updated: f
                .reports
                .iter()
                .filter_map(|i| val(&p.progress[*i].published).copied())
                .max()
                .filter(|d| val(&p.published).is_none_or(|own| d > own))
                .map(date),
            start: opt_date(&p.start),
            deadline: opt_date(&p.deadline),
            completed: opt_date(&p.completed)
                .filter(|_| val(&p.completed).is_some_and(|d| *d <= self.as_of)),
            accepted: opt_date(&p.accepted)
                .filter(|_| val(&p.accepted).is_some_and(|d| *d <= self.as_of)),
            status: Labelled {
                key: f.status.key().into(),
                label: f.status.label().into(),
            },
            percent: f.percent.map(percent_text),
            contractor: ContractorView {
                name: owned(&p.contractor.name).unwrap_or_default(),
                credit_code: owned(&p.contractor.credit_code),
                responsible: owned(&p.contractor.responsible).unwrap_or_default(),
                phone: owned(&p.contractor.phone),
            },
            funding: p
                .funding
                .entries
                .iter()
                .map(|(k, m)| FundingLine {
                    source: k.value.clone(),
                    source_name: self.source_name(&k.value),
                    amount: self.amount(m.value),
                })
                .collect(),
            funding_split: p.funding.entries.len() > 1,
            funding_total: self.amount(f.funding_total),
            targets: p
                .targets
                .iter()
                .map(|t| {
                    let indicator = owned(&t.indicator).unwrap_or_default();
                    TargetView {
                        actual: latest_actuals
                            .get(indicator.as_str())
                            .map(|d| display_decimal(*d)),
                        indicator,
                        target: val(&t.target)
                            .map(|d| display_decimal(*d))
                            .unwrap_or_default(),
                        unit: owned(&t.unit).unwrap_or_default(),
                        serves: text(&t.programme)
                            .and_then(|id| self.programme().target(id))
                            .and_then(|pt| owned(&pt.indicator)),
                    }
                })
                .collect(),
            locations: p
                .locations
                .iter()
                .map(|l| LocationView {
                    town: owned(&l.town),
                    village: owned(&l.village),
                    route: owned(&l.route),
                })
                .collect(),
            disbursements: p
                .disbursements
                .iter()
                .filter(|d| val(&d.date).is_some_and(|d| *d <= self.as_of))
                .enumerate()
                .map(|(n, d)| DisbursementView {
                    id: format!("{}-{}", p.id, n + 1),
                    date: opt_date(&d.date),
                    source: owned(&d.source).unwrap_or_default(),
                    amount: self.amount(val(&d.amount).copied().unwrap_or_default()),
                    source_name: text(&d.source)
                        .map(|s| self.source_name(s))
                        .unwrap_or_default(),
                    purpose: owned(&d.purpose).unwrap_or_default(),
                })
                .collect(),
            disbursed: self.amount(f.disbursed),
            disbursed_percent: ratio(f.disbursed, f.funding_total),
            body_html: markdown::to_html(&p.body.markdown, 3),
            summary: markdown::summary(&p.body.markdown, 80),
            content: p.body.markdown.trim().to_string(),
            timeline: f
                .months
                .iter()
                .rev()
                .map(|m| self.timeline_entry(p, m))
                .collect(),
            notices,
            late: f.lateness.iter().map(|l| l.rule().id.to_string()).collect(),
            flags: flags(f),
            findings,
            withdrawn: self.withdrawn(&p.disclosure),
            corrections: if self.any_changes() {
                self.changes_of(&project_keys(p))
            } else {
                Vec::new()
            },
            correction_count: self.derived.ledger.corrected.get(&p.id).map_or(0, |c| c.0),
            last_correction: self.derived.ledger.corrected.get(&p.id).map(|c| date(c.1)),
        }
    }

    /// What the public is told about a project's timeliness, one sentence each.
    fn project_findings(&self, p: &Project, f: &ProjectFacts) -> Vec<String> {
        let mut out = Vec::new();
        if f.status == Status::Overdue
            && let Some(deadline) = val(&p.deadline)
        {
            out.push(format!(
                "{}：完成时限为 {}，到 {} 已超过 {} 天，项目仍未完工。",
                Lateness::DeadlineOverdue.marker(),
                deadline.chinese(),
                self.as_of.chinese(),
                deadline.days_until(self.as_of)
            ));
        }
        if let Some(days) = f.completed_late {
            out.push(format!(
                "{COMPLETED_LATE}：项目完工日期比完成时限晚 {days} 天。"
            ));
        }
        if let Some(x) = f.publication.filter(|x| x.is_late()) {
            out.push(format!(
                "{}：决策文件于 {} 印发，项目信息应于 {} 前公开，实际 {} 公开。",
                Lateness::PublicationLate.marker(),
                x.created.chinese(),
                x.due.chinese(),
                x.published.chinese()
            ));
        }
        let months = |state| -> Vec<Month> { f.months_in(state).map(|m| m.month).collect() };
        let missing = months(Timeliness::Missing);
        if !missing.is_empty() {
            out.push(format!(
                "{}：{} 的建设进度到期未公开{}。",
                Lateness::ProgressMissing.marker(),
                Month::chinese_runs(&missing),
                count_of(missing.len())
            ));
        }
        let late = months(Timeliness::Late);
        if !late.is_empty() {
            out.push(format!(
                "{}：{} 的建设进度公开晚于规定日期{}。",
                Lateness::ProgressLate.marker(),
                Month::chinese_runs(&late),
                count_of(late.len())
            ));
        }
        for i in &f.late_notices {
            out.push(format!(
                "采购公告“{}”未满足公示时限。",
                owned(&self.site.notices[*i].title).unwrap_or_default()
            ));
        }
        out
    }

    fn timeline_entry(&self, p: &Project, m: &MonthState) -> TimelineEntry {
        let r = m.report.map(|i| &p.progress[i]);
        let published = r.and_then(|r| val(&r.published).copied());
        let marker = match (m.state, published) {
            (Timeliness::Missing, _) => Some(format!(
                "{}：应于 {} 前公开，到 {} 仍未公开",
                Lateness::ProgressMissing.marker(),
                m.due.chinese(),
                self.as_of.chinese()
            )),
            (Timeliness::Late, Some(on)) => Some(format!(
                "{}：应于 {} 前公开，实际 {} 公开",
                Lateness::ProgressLate.marker(),
                m.due.chinese(),
                on.chinese()
            )),
            _ => None,
        };
        TimelineEntry {
            month: m.month.to_string(),
            month_label: m.month.chinese(),
            due: date(m.due),
            state: m.state.key(),
            state_label: match m.state {
                Timeliness::OnTime => "按时公开",
                Timeliness::Late => Lateness::ProgressLate.marker(),
                Timeliness::Missing => Lateness::ProgressMissing.marker(),
                Timeliness::NotDue => "未到期",
                Timeliness::Unreadable => "无法读取",
                Timeliness::Extra => "完工后公开",
            },
            due_by_now: !matches!(m.state, Timeliness::NotDue | Timeliness::Unreadable),
            published: published.map(date),
            percent: r.and_then(|r| val(&r.percent)).map(|d| percent_text(*d)),
            // Paid to the end of the month, from the payments (a report's own figure agrees
            // with them or is an error).
            disbursed: r.map(|_| self.amount(m.paid)),
            body_html: r
                .map(|r| markdown::to_html(&r.body.markdown, 4))
                .unwrap_or_default(),
            summary: r
                .map(|r| markdown::summary(&r.body.markdown, 200))
                .unwrap_or_default(),
            actuals: r
                .iter()
                .flat_map(|r| r.actuals.iter())
                .filter_map(|a| {
                    Some(ActualView {
                        indicator: owned(&a.indicator)?,
                        value: display_decimal(*val(&a.value)?),
                    })
                })
                .collect(),
            markers: marker
                .into_iter()
                .chain(r.and_then(|r| self.report_marker(p, r)))
                .collect(),
        }
    }

    /// A report withdrawn or corrected, in a word on its month (the details are in the page's
    /// 更正记录).
    fn report_marker(&self, p: &Project, r: &ProgressReport) -> Option<String> {
        if let Some(w) = self.withdrawn(&r.disclosure) {
            return Some(format!("已撤回：{} 撤回，原因：{}", w.date.text, w.reason));
        }
        if !self.any_changes() {
            return None;
        }
        let key = crate::derive::ledger::progress_key(&p.id, r.month);
        let last = self
            .derived
            .ledger
            .changes_of(&key)
            .filter_map(|c| {
                self.derived
                    .ledger
                    .ledger
                    .as_ref()
                    .map(|l| &l.entries[c.entry])
            })
            .filter(|e| e.action == crate::ledger::Action::Correct)
            .last()?;
        Some(format!(
            "已更正：本月进度于 {} 更正，见本页“更正记录”",
            last.date.chinese()
        ))
    }
}

/// The ledger keys of a project and its reports.
fn project_keys(p: &Project) -> Vec<crate::ledger::Key> {
    std::iter::once(crate::ledger::Key {
        kind: crate::ledger::Kind::Project,
        id: p.id.clone(),
    })
    .chain(
        p.progress
            .iter()
            .map(|r| crate::derive::ledger::progress_key(&p.id, r.month)),
    )
    .collect()
}
