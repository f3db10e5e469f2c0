//! The home page and the feed: the money, whether things are on time, what needs attention,
//! and the newest records.

use std::sync::Arc;

use serde::Serialize;

use super::{
    Amount, Builder, DateView, DocRef, DocumentView, FundingLine, FundsView, Labelled, NoticeView,
    ProjectView, date, owned, percent_text, ratio,
};
use crate::date::{Date, Month};
use crate::derive::{Status, Tally};
use crate::model::*;
use crate::money::{Money, display_decimal};

#[derive(Serialize, Debug)]
pub struct OverviewView {
    pub description: String,
    pub year: Option<i64>,
    pub plan: Option<DocRef>,
    pub fund_rules: Option<DocRef>,
    pub total: Amount,
    pub sources: Vec<FundingLine>,
    pub funded: Amount,
    pub funded_percent: Option<String>,
    pub disbursed: Amount,
    pub disbursed_percent: Option<String>,
    pub completion: Option<String>,
    pub project_count: usize,
    /// How many projects the overview lists, and whether that is all of them.
    pub shown_count: usize,
    pub shows_all: bool,
    pub statuses: Vec<StatusCount>,
    /// Disclosures due by the as-of date, by how they were made.
    pub disclosures: Tally,
    /// Records with a lateness or gap the public should see, with what it is.
    pub attention: Vec<Attention>,
    pub latest: Vec<Update>,
    /// What the money total leaves out or has not received yet, one sentence each.
    pub source_notes: Vec<String>,
    /// Projects with no lateness, and with some (the first screen's answer to “on time?”).
    pub on_track: usize,
    pub off_track: usize,
    /// Programme-wide targets with what the projects serving them plan and have achieved.
    pub targets: Vec<ProgrammeTargetView>,
    /// The plan's phases, the current one marked.
    pub phases: Vec<PhaseView>,
}

#[derive(Serialize, Debug)]
pub struct ProgrammeTargetView {
    pub indicator: String,
    pub target: String,
    pub unit: String,
    /// The sum of the targets of the projects serving it.
    pub planned: String,
    /// The sum of their latest results, when any of them has reported one.
    pub achieved: Option<String>,
    /// Achieved as a share of the target, one decimal.
    pub percent: Option<String>,
    pub projects: usize,
    /// How many of the project targets serving it have no result reported yet.
    pub unreported: usize,
}

#[derive(Serialize, Debug)]
pub struct PhaseView {
    pub name: String,
    pub start: Option<DateView>,
    pub end: Option<DateView>,
    pub deliverables: String,
    pub state: Labelled,
}

#[derive(Serialize, Debug)]
pub struct Attention {
    pub title: String,
    pub url: String,
    pub notes: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct StatusCount {
    pub key: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Serialize, Debug, Clone)]
pub struct Update {
    pub date: DateView,
    pub kind: String,
    pub title: String,
    pub url: String,
}

impl Builder<'_> {
    pub(super) fn overview(
        &self,
        updates: &[Update],
        projects: &[Arc<ProjectView>],
        docs: &[DocumentView],
        notices: &[NoticeView],
        funds: &FundsView,
    ) -> OverviewView {
        let prog = self.programme();
        let totals = &self.derived.totals;
        let total: Money = prog
            .sources
            .iter()
            .filter_map(|s| val(&s.amount).copied())
            .sum();
        let mut attention: Vec<Attention> = Vec::new();
        for p in projects.iter().filter(|p| !p.findings.is_empty()) {
            attention.push(Attention {
                title: p.name.clone(),
                url: p.url.clone(),
                notes: p.findings.clone(),
            });
        }
        for d in docs {
            if let Some(late) = &d.late {
                attention.push(Attention {
                    title: d.title.clone(),
                    url: d.url.clone(),
                    notes: vec![late.clone()],
                });
            }
        }
        for n in notices.iter().filter(|n| n.late) {
            let notes = n
                .windows
                .iter()
                .filter(|w| !w.met)
                .map(|w| w.text.clone())
                .collect();
            attention.push(Attention {
                title: n.title.clone(),
                url: n.url.clone(),
                notes,
            });
        }
        let shown = self.derived.listed.len().min(super::HIGHLIGHTS);
        let mut source_notes = Vec::new();
        for (s, f) in prog.sources.iter().zip(&self.derived.programme.sources) {
            let name = owned(&s.name).unwrap_or_default();
            if s.amount.is_none()
                && let Some(basis) = owned(&s.basis)
            {
                source_notes.push(format!("{name}：{basis}，未计入资金总额"));
            }
            if !f.pending.is_zero() {
                let conditions: Vec<String> = s
                    .tranches
                    .iter()
                    .filter(|t| val(&t.arrived).is_none_or(|d| *d > self.as_of))
                    .filter_map(|t| owned(&t.condition))
                    .collect();
                let why = if conditions.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", conditions.join("；"))
                };
                source_notes.push(format!(
                    "{name}：已到位 {}，待到位 {}{why}",
                    self.amount(f.arrived).text,
                    self.amount(f.pending).text
                ));
            }
        }
        let targets = prog
            .targets
            .iter()
            .zip(&self.derived.programme.targets)
            .map(|(t, f)| {
                let target = val(&t.target).copied();
                ProgrammeTargetView {
                    indicator: owned(&t.indicator).unwrap_or_default(),
                    target: target.map(display_decimal).unwrap_or_default(),
                    unit: owned(&t.unit).unwrap_or_default(),
                    planned: display_decimal(f.planned),
                    // Nothing reported is shown as —, not as 0 achieved.
                    achieved: (f.reported > 0).then(|| display_decimal(f.achieved)),
                    percent: target
                        .filter(|_| f.reported > 0)
                        .and_then(|t| ratio(Money(f.achieved), Money(t))),
                    projects: f.projects,
                    unreported: f.projects - f.reported,
                }
            })
            .collect();
        let phases = prog
            .phases
            .iter()
            .zip(&self.derived.programme.phases)
            .map(|(ph, state)| PhaseView {
                name: owned(&ph.name).unwrap_or_default(),
                start: super::opt_date(&ph.start),
                end: super::opt_date(&ph.end),
                deliverables: owned(&ph.deliverables).unwrap_or_default(),
                state: Labelled {
                    key: state.key().into(),
                    label: state.label().into(),
                },
            })
            .collect();
        let off_track = self
            .derived
            .listed
            .iter()
            .filter(|i| {
                let f = &self.derived.projects[**i];
                !f.lateness.is_empty() || f.completed_late.is_some()
            })
            .count();
        OverviewView {
            description: owned(&prog.description).unwrap_or_default(),
            year: val(&prog.year).copied(),
            // A document published later (scheduled) is not named before its day.
            plan: self.doc_ref(&prog.plan).filter(|d| d.url.is_some()),
            fund_rules: self.doc_ref(&prog.fund_rules).filter(|d| d.url.is_some()),
            total: self.amount(total),
            sources: funds
                .sources
                .iter()
                .map(|s| FundingLine {
                    source: s.id.clone(),
                    source_name: s.name.clone(),
                    amount: s.amount.clone(),
                })
                .collect(),
            funded: self.amount(totals.funded),
            funded_percent: ratio(totals.funded, total),
            disbursed: self.amount(totals.disbursed),
            disbursed_percent: ratio(totals.disbursed, totals.funded),
            completion: totals.completion.map(percent_text),
            project_count: projects.len(),
            shown_count: shown,
            shows_all: shown == projects.len(),
            statuses: Status::ALL
                .iter()
                .zip(totals.statuses)
                .map(|(s, count)| StatusCount {
                    key: s.key(),
                    label: s.label(),
                    count,
                })
                .collect(),
            disclosures: totals.disclosures,
            attention,
            latest: updates.iter().take(10).cloned().collect(),
            source_notes,
            on_track: self.derived.listed.len() - off_track,
            off_track,
            targets,
            phases,
        }
    }

    /// The newest public records and monthly reports, newest first, at most `FEED_LIMIT`.
    /// Sorted by date and address on light references; only the kept ones get their text.
    pub(super) fn updates(&self, changes: &[super::ChangeView]) -> Vec<Update> {
        let number = |p: &Project| {
            self.site
                .project_index(&p.id)
                .map(|i| self.derived.programme.numbers[i].as_str())
                .unwrap_or_default()
        };
        enum Ref<'r> {
            Document(&'r Document),
            Project(&'r Project),
            Report(&'r Project, &'r ProgressReport),
            Notice(&'r Notice),
        }
        let published = |d: &Field<Date>| val(d).copied().filter(|d| *d <= self.as_of);
        let mut all: Vec<(Date, &str, Month, Ref)> = Vec::new();
        for d in &self.site.documents {
            if let Some(date) = published(&d.published) {
                all.push((date, &d.id, Month::default_first(), Ref::Document(d)));
            }
        }
        for p in self.listed() {
            if let Some(date) = published(&p.published) {
                all.push((date, &p.id, Month::default_first(), Ref::Project(p)));
            }
            for r in &p.progress {
                if let Some(date) = published(&r.published) {
                    all.push((date, &p.id, r.month, Ref::Report(p, r)));
                }
            }
        }
        for n in &self.site.notices {
            if let Some(date) = published(&n.published) {
                all.push((date, &n.id, Month::default_first(), Ref::Notice(n)));
            }
        }
        let rank = |r: &Ref| match r {
            Ref::Document(_) => 0,
            Ref::Notice(_) => 1,
            Ref::Project(_) => 2,
            Ref::Report(..) => 3,
        };
        all.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| rank(&a.3).cmp(&rank(&b.3)))
                .then_with(|| a.1.cmp(b.1))
                .then_with(|| a.2.cmp(&b.2))
        });
        all.truncate(FEED_LIMIT);
        let out: Vec<Update> = all
            .into_iter()
            .map(|(day, _, _, r)| {
                let (kind, title, url) = match r {
                    Ref::Document(d) => (
                        val(&d.kind).map_or("文件", |k| k.label()),
                        owned(&d.title).unwrap_or_default(),
                        format!("documents/{}/", d.id),
                    ),
                    Ref::Project(p) => (
                        "项目公开",
                        format!(
                            "{}（项目编号 {}）",
                            owned(&p.name).unwrap_or_default(),
                            number(p)
                        ),
                        format!("projects/{}/", p.id),
                    ),
                    Ref::Report(p, r) => (
                        "建设进度",
                        format!(
                            "{}（{}，项目编号 {}）",
                            owned(&p.name).unwrap_or_default(),
                            r.month.chinese(),
                            number(p)
                        ),
                        format!("projects/{}/#m-{}", p.id, r.month),
                    ),
                    Ref::Notice(n) => (
                        val(&n.kind).map_or("公告", |k| k.label()),
                        owned(&n.title).unwrap_or_default(),
                        format!("notices/{}/", n.id),
                    ),
                };
                Update {
                    date: date(day),
                    kind: kind.into(),
                    title,
                    url,
                }
            })
            .collect();
        // Corrections and withdrawals (SPEC §7), each at its own address on the changes page;
        // on one day they come before the records themselves.
        let corrections = changes.iter().map(|c| Update {
            date: c.date.clone(),
            kind: c.action_label.into(),
            title: format!("{}：{}", c.action_label, c.title),
            url: format!("changes/#c-{}", c.seq),
        });
        let mut out: Vec<Update> = corrections.chain(out).collect();
        out.sort_by(|a, b| b.date.iso.cmp(&a.date.iso));
        out.truncate(FEED_LIMIT);
        out
    }
}

/// The feed holds the newest this many records and reports; a county column has fewer than
/// this in all, so its feed holds every one.
pub const FEED_LIMIT: usize = 1000;
