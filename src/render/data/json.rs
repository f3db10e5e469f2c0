//! `projects.json`: one object per public project, with the keys of SPEC §6 (amounts as
//! decimal strings, dates as `YYYY-MM-DD`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::iso;
use crate::render::views::{Model, ProjectView};

#[derive(Serialize)]
struct ProjectJson<'a> {
    id: &'a str,
    number: &'a str,
    name: &'a str,
    category: &'a str,
    category_name: &'a str,
    decision: Option<&'a str>,
    decision_title: Option<&'a str>,
    /// Every decision that approved the project, the first (`decision`) included.
    decisions: Vec<DecisionJson<'a>>,
    /// 建设内容和要求, in Markdown.
    content: &'a str,
    contractor: ContractorJson<'a>,
    funding: BTreeMap<&'a str, &'a str>,
    funding_total: &'a str,
    published: Option<&'a str>,
    start: Option<&'a str>,
    deadline: Option<&'a str>,
    completed: Option<&'a str>,
    accepted: Option<&'a str>,
    targets: Vec<TargetJson<'a>>,
    percent: Option<&'a str>,
    disbursed: &'a str,
    disbursements: Vec<DisbursementJson<'a>>,
    /// The monthly reports published, and the months due without one, oldest first.
    reports: Vec<ReportJson<'a>>,
    status: &'a str,
    late: &'a [String],
    /// How many corrections the project and its reports had, and the date of the latest.
    corrections: usize,
    last_correction: Option<&'a str>,
    withdrawn: Option<WithdrawnJson<'a>>,
    url: String,
}

#[derive(Serialize)]
struct WithdrawnJson<'a> {
    date: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct DecisionJson<'a> {
    id: &'a str,
    title: &'a str,
    number: Option<&'a str>,
}

#[derive(Serialize)]
struct ContractorJson<'a> {
    name: &'a str,
    credit_code: Option<&'a str>,
    responsible: &'a str,
}

#[derive(Serialize)]
struct DisbursementJson<'a> {
    date: Option<&'a str>,
    amount: &'a str,
    source: &'a str,
    purpose: &'a str,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    month: &'a str,
    /// When it was due (the county's `progress_due_day`, rolled to a working day).
    due: &'a str,
    /// `null` for a month that was due and has no report.
    published: Option<&'a str>,
    percent: Option<&'a str>,
    /// Paid to the project by the end of the month, from the payments.
    disbursed: Option<&'a str>,
    /// How the county judged it: `on-time`, `late`, `missing`, or `extra` (after completion).
    state: &'a str,
}

#[derive(Serialize)]
struct TargetJson<'a> {
    indicator: &'a str,
    target: &'a str,
    unit: &'a str,
    actual: Option<&'a str>,
}

/// `projects.json`: one object per public project.
pub(super) fn projects_json(
    model: &Model,
    link: &dyn Fn(&str) -> String,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rows: Vec<ProjectJson> = model
        .projects
        .iter()
        .map(|p| project_json(p, link))
        .collect();
    serde_json::to_writer_pretty(&mut *w, &rows)?;
    w.write_all(b"\n")
}

fn project_json<'a>(p: &'a ProjectView, link: &dyn Fn(&str) -> String) -> ProjectJson<'a> {
    ProjectJson {
        id: &p.id,
        number: &p.number,
        name: &p.name,
        category: &p.category.key,
        category_name: &p.category.label,
        decision: p.decision.as_ref().map(|d| d.id.as_str()),
        decision_title: p.decision.as_ref().map(|d| d.title.as_str()),
        decisions: p
            .decisions
            .iter()
            .map(|d| DecisionJson {
                id: &d.id,
                title: &d.title,
                number: d.number.as_deref(),
            })
            .collect(),
        content: &p.content,
        contractor: ContractorJson {
            name: &p.contractor.name,
            credit_code: p.contractor.credit_code.as_deref(),
            responsible: &p.contractor.responsible,
        },
        funding: p
            .funding
            .iter()
            .map(|f| (f.source.as_str(), f.amount.value.as_str()))
            .collect(),
        funding_total: &p.funding_total.value,
        published: iso(&p.published),
        start: iso(&p.start),
        deadline: iso(&p.deadline),
        completed: iso(&p.completed),
        accepted: iso(&p.accepted),
        targets: p
            .targets
            .iter()
            .map(|t| TargetJson {
                indicator: &t.indicator,
                target: &t.target,
                unit: &t.unit,
                actual: t.actual.as_deref(),
            })
            .collect(),
        percent: p.percent.as_deref(),
        disbursed: &p.disbursed.value,
        disbursements: p
            .disbursements
            .iter()
            .map(|d| DisbursementJson {
                date: iso(&d.date),
                amount: &d.amount.value,
                source: &d.source,
                purpose: &d.purpose,
            })
            .collect(),
        reports: p
            .timeline
            .iter()
            .rev()
            .filter(|m| m.published.is_some() || m.state == "missing")
            .map(|m| ReportJson {
                month: &m.month,
                due: &m.due.iso,
                published: m.published.as_ref().map(|d| d.iso.as_str()),
                percent: m.percent.as_deref(),
                disbursed: m.disbursed.as_ref().map(|a| a.value.as_str()),
                state: m.state,
            })
            .collect(),
        status: &p.status.key,
        late: &p.late,
        corrections: p.correction_count,
        last_correction: iso(&p.last_correction),
        withdrawn: p.withdrawn.as_ref().map(|w| WithdrawnJson {
            date: &w.date.iso,
            reason: &w.reason,
        }),
        url: link(&p.url),
    }
}
