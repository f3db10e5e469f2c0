//! Open data in `/data/`: `projects.json` with the keys of SPEC §6, four CSV files that Excel
//! opens with Chinese intact, and an OCDS 1.1 release package. Everything is built from the
//! same model as the pages, so the data and the pages always agree.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};

use super::views::{Amount, DateView, Model, ProjectView};
use crate::write::OutputFile;

/// Every file of `/data/` except the page that documents them.
pub fn files(model: &Model, link: &dyn Fn(&str) -> String) -> Vec<OutputFile> {
    vec![
        OutputFile::new("data/projects.json", projects_json(model, link)),
        OutputFile::new("data/projects.csv", projects_csv(model, link)),
        OutputFile::new("data/progress.csv", progress_csv(model)),
        OutputFile::new("data/disbursements.csv", disbursements_csv(model)),
        OutputFile::new("data/notices.csv", notices_csv(model)),
        OutputFile::new("data/ocds.json", ocds_json(model, link)),
    ]
}

// ---------------------------------------------------------------- projects.json

#[derive(Serialize)]
struct ProjectJson<'a> {
    id: &'a str,
    name: &'a str,
    category: &'a str,
    category_name: &'a str,
    decision: Option<&'a str>,
    decision_title: Option<&'a str>,
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
    status: &'a str,
    late: &'a [String],
    url: String,
}

#[derive(Serialize)]
struct ContractorJson<'a> {
    name: &'a str,
    credit_code: Option<&'a str>,
    responsible: &'a str,
}

#[derive(Serialize)]
struct TargetJson<'a> {
    indicator: &'a str,
    target: &'a str,
    unit: &'a str,
    actual: Option<&'a str>,
}

fn iso(d: &Option<DateView>) -> Option<&str> {
    d.as_ref().map(|d| d.iso.as_str())
}

/// `projects.json`: one object per public project.
pub fn projects_json(model: &Model, link: &dyn Fn(&str) -> String) -> String {
    let rows: Vec<ProjectJson> = model
        .projects
        .iter()
        .map(|p| project_json(p, link))
        .collect();
    let mut out = serde_json::to_string_pretty(&rows).expect("projects serialize");
    out.push('\n');
    out
}

fn project_json<'a>(p: &'a ProjectView, link: &dyn Fn(&str) -> String) -> ProjectJson<'a> {
    ProjectJson {
        id: &p.id,
        name: &p.name,
        category: &p.category.key,
        category_name: &p.category.label,
        decision: p.decision.as_ref().map(|d| d.id.as_str()),
        decision_title: p.decision.as_ref().map(|d| d.title.as_str()),
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
        status: &p.status.key,
        late: &p.late,
        url: link(&p.url),
    }
}

// ---------------------------------------------------------------- CSV

/// A CSV file as Excel on Chinese Windows opens it: UTF-8 with a byte-order mark, CRLF line
/// ends, fields quoted where needed, and text that Excel would run as a formula made inert.
struct Csv {
    out: String,
}

enum Cell<'a> {
    Text(&'a str),
    Number(&'a str),
}

impl Csv {
    fn new(headers: &[&str]) -> Csv {
        let mut csv = Csv {
            out: String::from("\u{feff}"),
        };
        csv.row(&headers.iter().map(|h| Cell::Text(h)).collect::<Vec<_>>());
        csv
    }

    fn row(&mut self, cells: &[Cell]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let text = match cell {
                Cell::Number(n) => (*n).to_string(),
                // A leading = + - @ would make Excel evaluate the cell (CSV injection).
                Cell::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
                Cell::Text(t) => (*t).to_string(),
            };
            if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ')
            {
                self.out.push('"');
                self.out.push_str(&text.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(&text);
            }
        }
        self.out.push_str("\r\n");
    }
}

fn date_cell(d: &Option<DateView>) -> Cell<'_> {
    Cell::Text(d.as_ref().map_or("", |d| d.iso.as_str()))
}

fn projects_csv(model: &Model, link: &dyn Fn(&str) -> String) -> String {
    let unit = &model.site.unit;
    let sources: Vec<(&str, String)> = model
        .funds
        .sources
        .iter()
        .map(|s| (s.id.as_str(), format!("扶持资金_{}（{unit}）", s.name)))
        .collect();
    let mut headers: Vec<&str> = vec![
        "项目编号",
        "项目名称",
        "项目板块",
        "决策文件",
        "文号",
        "承办单位",
        "统一社会信用代码",
        "承办单位责任人",
    ];
    headers.extend(sources.iter().map(|(_, h)| h.as_str()));
    let total = format!("扶持资金合计（{unit}）");
    let paid = format!("已拨付（{unit}）");
    headers.extend([
        total.as_str(),
        "开工日期",
        "完成时限",
        "完工日期",
        "验收日期",
        "完成比例（%）",
        paid.as_str(),
        "状态",
        "逾期和缺漏",
        "网址",
    ]);
    let mut csv = Csv::new(&headers);
    for p in &model.projects {
        let decision = p.decision.as_ref();
        let url = link(&p.url);
        let flags = p.flags.join("；");
        let amounts: Vec<&str> = sources
            .iter()
            .map(|(id, _)| {
                p.funding
                    .iter()
                    .find(|f| f.source == *id)
                    .map_or("", |f| f.amount.value.as_str())
            })
            .collect();
        let mut row = vec![
            Cell::Text(&p.id),
            Cell::Text(&p.name),
            Cell::Text(&p.category.label),
            Cell::Text(decision.map_or("", |d| d.title.as_str())),
            Cell::Text(decision.and_then(|d| d.number.as_deref()).unwrap_or("")),
            Cell::Text(&p.contractor.name),
            Cell::Text(p.contractor.credit_code.as_deref().unwrap_or("")),
            Cell::Text(&p.contractor.responsible),
        ];
        row.extend(amounts.into_iter().map(Cell::Number));
        row.extend([
            Cell::Number(&p.funding_total.value),
            date_cell(&p.start),
            date_cell(&p.deadline),
            date_cell(&p.completed),
            date_cell(&p.accepted),
            Cell::Number(p.percent.as_deref().unwrap_or("")),
            Cell::Number(&p.disbursed.value),
            Cell::Text(&p.status.label),
            Cell::Text(&flags),
            Cell::Text(&url),
        ]);
        csv.row(&row);
    }
    csv.out
}

fn progress_csv(model: &Model) -> String {
    let unit = &model.site.unit;
    let paid = format!("累计拨付（{unit}）");
    let mut csv = Csv::new(&[
        "项目编号",
        "项目名称",
        "月份",
        "完成比例（%）",
        paid.as_str(),
        "应公开日期",
        "公开日期",
        "公开情况",
        "进度说明",
    ]);
    for p in &model.projects {
        for m in p.timeline.iter().rev().filter(|m| m.state != "not-due") {
            let state = match m.state {
                "on-time" => "按时公开",
                "late" => "逾期公开",
                _ => "未按期更新",
            };
            csv.row(&[
                Cell::Text(&p.id),
                Cell::Text(&p.name),
                Cell::Text(&m.month),
                Cell::Number(m.percent.as_deref().unwrap_or("")),
                Cell::Number(m.disbursed.as_ref().map_or("", |a| a.value.as_str())),
                Cell::Text(&m.due.iso),
                date_cell(&m.published),
                Cell::Text(state),
                Cell::Text(&m.summary),
            ]);
        }
    }
    csv.out
}

fn disbursements_csv(model: &Model) -> String {
    let amount = format!("金额（{}）", model.site.unit);
    let mut csv = Csv::new(&[
        "项目编号",
        "项目名称",
        "拨付日期",
        amount.as_str(),
        "资金来源",
        "用途",
    ]);
    for p in &model.projects {
        for d in &p.disbursements {
            csv.row(&[
                Cell::Text(&p.id),
                Cell::Text(&p.name),
                date_cell(&d.date),
                Cell::Number(&d.amount.value),
                Cell::Text(&d.source_name),
                Cell::Text(&d.purpose),
            ]);
        }
    }
    csv.out
}

fn notices_csv(model: &Model) -> String {
    let amount = format!("金额（{}）", model.site.unit);
    let mut csv = Csv::new(&[
        "公告编号",
        "类别",
        "标题",
        "项目编号",
        "事项日期",
        "公开日期",
        "公示截止日期",
        "供应商",
        amount.as_str(),
        "公开时限",
    ]);
    for n in &model.notices {
        let windows = if n.windows.is_empty() {
            String::new()
        } else if n.late {
            n.windows
                .iter()
                .filter(|w| !w.met)
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join("；")
        } else {
            "符合".into()
        };
        csv.row(&[
            Cell::Text(&n.id),
            Cell::Text(&n.kind.label),
            Cell::Text(&n.title),
            Cell::Text(n.project.as_ref().map_or("", |p| p.id.as_str())),
            date_cell(&n.event),
            date_cell(&n.published),
            date_cell(&n.public_until),
            Cell::Text(n.supplier.as_deref().unwrap_or("")),
            Cell::Number(n.amount.as_ref().map_or("", |a| a.value.as_str())),
            Cell::Text(&windows),
        ]);
    }
    csv.out
}

// ---------------------------------------------------------------- OCDS

/// A date as the OCDS date-time it stands for: the start of that day in China.
fn ocds_date(d: &DateView) -> String {
    format!("{}T00:00:00+08:00", d.iso)
}

/// An amount in yuan, exactly, as an OCDS Value.
fn cny(amount: &Amount, yuan_per_unit: Decimal) -> Value {
    let yuan = amount.money.to_yuan(yuan_per_unit);
    let number: serde_json::Number =
        serde_json::from_str(&yuan.to_string()).expect("a decimal is a JSON number");
    json!({ "amount": number, "currency": "CNY" })
}

/// `ocds.json`: an OCDS 1.1 release package, one contracting process per public project.
/// Mapping: `../shared/data/README.md` and the `/data/` page.
pub fn ocds_json(model: &Model, link: &dyn Fn(&str) -> String) -> String {
    let releases: Vec<Value> = model
        .projects
        .iter()
        .map(|p| release(model, p, link))
        .collect();
    let package = json!({
        "uri": link("data/ocds.json"),
        "version": "1.1",
        "publishedDate": format!("{}T00:00:00+08:00", model.site.as_of.iso),
        "publisher": { "name": model.site.publisher.name },
        "publicationPolicy": link("data/"),
        "releases": releases,
    });
    let mut out = serde_json::to_string_pretty(&package).expect("ocds serializes");
    out.push('\n');
    out
}

fn release(model: &Model, p: &ProjectView, link: &dyn Fn(&str) -> String) -> Value {
    let yuan = model.site.yuan_per_unit;
    let ocid = format!("{}-{}", model.site.ocid_prefix, p.id);
    let buyer = json!({ "id": "buyer", "name": model.site.publisher.name });
    let supplier_id = match &p.contractor.credit_code {
        Some(code) => format!("CN-SAIC-{code}"),
        None => format!("supplier-{}", p.id),
    };
    let mut supplier = json!({
        "id": supplier_id,
        "name": p.contractor.name,
        "roles": ["supplier", "payee"],
        "contactPoint": { "name": p.contractor.responsible },
    });
    if let Some(code) = &p.contractor.credit_code {
        supplier["identifier"] =
            json!({ "scheme": "CN-SAIC", "id": code, "legalName": p.contractor.name });
    }
    if let Some(phone) = &p.contractor.phone {
        supplier["contactPoint"]["telephone"] = json!(phone);
    }
    let supplier_ref = json!({ "id": supplier_id, "name": p.contractor.name });
    let mut buyer_party = buyer.clone();
    buyer_party["roles"] = json!(["buyer", "procuringEntity", "payer"]);

    let notice_doc = |n: &super::views::NoticeRef, kind: &str| {
        json!({
            "id": n.id,
            "documentType": kind,
            "title": n.title,
            "url": link(&n.url),
            "datePublished": n.published.as_ref().map(ocds_date),
            "language": "zh",
        })
    };
    let notices_of = |key: &str, kind: &str| -> Vec<Value> {
        p.notices
            .iter()
            .filter(|n| n.kind.key == key)
            .map(|n| notice_doc(n, kind))
            .collect()
    };
    let award_notice = p.notices.iter().find(|n| n.kind.key == "award");
    let contract_notice = p.notices.iter().find(|n| n.kind.key == "contract");

    let mut planning_docs = Vec::new();
    if let Some(d) = &p.decision {
        planning_docs.push(json!({
            "id": d.id,
            "documentType": "approvedDecision",
            "title": d.title,
            "description": d.number,
            "url": d.url.as_deref().map(link),
            "datePublished": d.issued.as_ref().map(ocds_date),
            "language": "zh",
        }));
    }
    let mut tender_docs = notices_of("tender", "tenderNotice");
    tender_docs.extend(notices_of("candidates", "evaluationReports"));
    tender_docs.extend(notices_of("complaint-decision", "complaints"));

    let award_value = award_notice
        .and_then(|n| n.amount.as_ref())
        .unwrap_or(&p.funding_total);
    let contract_value = contract_notice
        .and_then(|n| n.amount.as_ref())
        .unwrap_or(&p.funding_total);
    let contract_status = match p.status.key.as_str() {
        "not-started" => "pending",
        "completed" | "accepted" => "terminated",
        _ => "active",
    };
    let transactions: Vec<Value> = p
        .disbursements
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "date": d.date.as_ref().map(ocds_date),
                "value": cny(&d.amount, yuan),
                "payer": buyer,
                "payee": supplier_ref,
                "description": format!("{}（{}）", d.purpose, d.source_name),
            })
        })
        .collect();
    let reports: Vec<Value> = p
        .timeline
        .iter()
        .rev()
        .filter(|m| m.published.is_some())
        .map(|m| {
            json!({
                "id": format!("{}-progress-{}", p.id, m.month),
                "documentType": "physicalProgressReport",
                "title": format!("{}建设进度（完成 {}%）", m.month_label, m.percent.as_deref().unwrap_or("—")),
                "description": m.summary,
                "url": link(&format!("{}#m-{}", p.url, m.month)),
                "datePublished": m.published.as_ref().map(ocds_date),
                "language": "zh",
            })
        })
        .collect();
    // Performance targets have no core field: they follow the shape of the OCDS Metrics
    // extension's `agreedMetrics`, as an additional field (the /data/ page says so).
    let metrics: Vec<Value> = p
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut observations =
                vec![json!({ "id": "target", "measure": t.target, "unit": { "name": t.unit } })];
            if let Some(actual) = &t.actual {
                observations
                    .push(json!({ "id": "actual", "measure": actual, "unit": { "name": t.unit } }));
            }
            json!({ "id": (i + 1).to_string(), "title": t.indicator, "observations": observations })
        })
        .collect();
    let mut tags = vec!["planning", "award", "contract"];
    if !transactions.is_empty() || !reports.is_empty() {
        tags.push("implementation");
    }
    let last_date = latest_date(p).unwrap_or_else(|| model.site.as_of.iso.clone());
    let mut release = json!({
        "ocid": ocid,
        "id": format!("{}-{}", p.id, last_date),
        "date": format!("{last_date}T00:00:00+08:00"),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "parties": [buyer_party, supplier],
        "buyer": buyer,
        "planning": {
            "rationale": p.category.label,
            "budget": {
                "id": p.id,
                "description": p.funding.iter().map(|f| format!("{} {}", f.source_name, f.amount.text)).collect::<Vec<_>>().join("；"),
                "amount": cny(&p.funding_total, yuan),
                "project": p.name,
                "projectID": p.id,
            },
            "documents": planning_docs,
        },
        "awards": [{
            "id": format!("{}-award", p.id),
            "title": p.name,
            "status": "active",
            "date": award_notice.and_then(|n| n.event.as_ref()).map(ocds_date),
            "value": cny(award_value, yuan),
            "suppliers": [supplier_ref],
            "documents": notices_of("award", "awardNotice"),
        }],
        "contracts": [{
            "id": format!("{}-contract", p.id),
            "awardID": format!("{}-award", p.id),
            "title": p.name,
            "description": p.summary,
            "status": contract_status,
            "period": {
                "startDate": p.start.as_ref().map(ocds_date),
                "endDate": p.deadline.as_ref().map(ocds_date),
            },
            "value": cny(contract_value, yuan),
            "dateSigned": contract_notice.and_then(|n| n.event.as_ref()).map(ocds_date),
            "documents": notices_of("contract", "contractNotice"),
            "implementation": {
                "transactions": transactions,
                "documents": reports,
            },
            "agreedMetrics": metrics,
        }],
    });
    if !tender_docs.is_empty() {
        release["tender"] = json!({ "id": format!("{}-tender", p.id), "status": "complete", "documents": tender_docs });
    }
    strip_nulls(&mut release);
    release
}

/// The most recent date anything about the project was published or paid.
fn latest_date(p: &ProjectView) -> Option<String> {
    let dates = p
        .published
        .iter()
        .chain(p.timeline.iter().filter_map(|m| m.published.as_ref()))
        .chain(p.disbursements.iter().filter_map(|d| d.date.as_ref()))
        .chain(p.notices.iter().filter_map(|n| n.published.as_ref()))
        .chain(p.completed.iter())
        .chain(p.accepted.iter());
    dates.map(|d| d.iso.clone()).max()
}

/// OCDS leaves out what is unknown rather than writing null; empty lists go too.
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, x| !x.is_null() && !matches!(x, Value::Array(a) if a.is_empty()));
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let mut csv = Csv::new(&["a", "b"]);
        csv.row(&[Cell::Text("=HYPERLINK(\"x\")"), Cell::Text("甲,乙")]);
        csv.row(&[Cell::Number("-3"), Cell::Text("换\n行")]);
        assert_eq!(
            csv.out,
            "\u{feff}a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"甲,乙\"\r\n-3,\"换\n行\"\r\n"
        );
    }

    #[test]
    fn yuan_are_exact() {
        let a = |s: &str| {
            let money = crate::money::Money(s.parse().unwrap());
            Amount {
                value: s.into(),
                text: String::new(),
                money,
            }
        };
        let wan = Decimal::from(10_000);
        assert_eq!(
            cny(&a("28.5"), wan).to_string(),
            r#"{"amount":285000,"currency":"CNY"}"#
        );
        assert_eq!(
            cny(&a("0.00015"), wan).to_string(),
            r#"{"amount":1.5,"currency":"CNY"}"#
        );
        assert_eq!(
            cny(&a("1234567.8912"), wan).to_string(),
            r#"{"amount":12345678912,"currency":"CNY"}"#
        );
    }
}
