//! Open data in `/data/`: `projects.json` with the keys of SPEC §6, four CSV files that Excel
//! opens with Chinese intact, and an OCDS 1.1 release package. Everything is built from the
//! same model as the pages, so the data and the pages always agree.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use rayon::prelude::*;

use super::views::{Amount, DateView, Model, NoticeRef, ProjectView};
use crate::write::Sink;

/// Writes every file of `/data/` except the page that documents them; returns how many.
pub fn write(
    model: &Model,
    link: &(dyn Fn(&str) -> String + Sync),
    sink: &dyn Sink,
) -> std::io::Result<usize> {
    type Make<'a> = &'a (dyn Fn() -> String + Sync);
    let small: [(&str, Make); 5] = [
        ("data/projects.json", &|| projects_json(model, link)),
        ("data/projects.csv", &|| projects_csv(model, link)),
        ("data/disbursements.csv", &|| disbursements_csv(model)),
        ("data/notices.csv", &|| notices_csv(model)),
        ("data/progress.csv", &|| progress_csv(model)),
    ];
    // The OCDS package, the largest, streams on one thread while the others are made.
    let (ocds, others) = rayon::join(
        || sink.put_with("data/ocds.json", &mut |out| ocds_json(model, link, out)),
        || {
            small
                .par_iter()
                .try_for_each(|(path, make)| sink.put(path, make().as_bytes()))
        },
    );
    ocds?;
    others?;
    Ok(small.len() + 1)
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

#[derive(Serialize)]
struct Cny {
    amount: serde_json::Number,
    currency: &'static str,
}

/// An amount in yuan, exactly, as an OCDS Value.
fn cny(amount: &Amount, yuan_per_unit: Decimal) -> Cny {
    let yuan = amount.money.to_yuan(yuan_per_unit);
    let amount: serde_json::Number =
        serde_json::from_str(&yuan.to_string()).expect("a decimal is a JSON number");
    Cny {
        amount,
        currency: "CNY",
    }
}

#[derive(Serialize)]
struct OrgRef<'a> {
    id: Cow<'a, str>,
    name: &'a str,
}

#[derive(Serialize)]
struct Identifier<'a> {
    scheme: &'static str,
    id: &'a str,
    #[serde(rename = "legalName")]
    legal_name: &'a str,
}

#[derive(Serialize)]
struct ContactPoint<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<&'a str>,
}

#[derive(Serialize)]
struct Party<'a> {
    id: Cow<'a, str>,
    name: &'a str,
    roles: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<Identifier<'a>>,
    #[serde(rename = "contactPoint", skip_serializing_if = "Option::is_none")]
    contact_point: Option<ContactPoint<'a>>,
}

#[derive(Serialize)]
struct Document<'a> {
    id: String,
    #[serde(rename = "documentType")]
    document_type: &'static str,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    language: &'static str,
}

#[derive(Serialize)]
struct Budget<'a> {
    id: &'a str,
    description: String,
    amount: Cny,
    project: &'a str,
    #[serde(rename = "projectID")]
    project_id: &'a str,
}

#[derive(Serialize)]
struct Planning<'a> {
    rationale: &'a str,
    budget: Budget<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    documents: Vec<Document<'a>>,
}

#[derive(Serialize)]
struct Tender<'a> {
    id: String,
    status: &'static str,
    documents: Vec<Document<'a>>,
}

#[derive(Serialize)]
struct Award<'a> {
    id: String,
    title: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    value: Cny,
    suppliers: [OrgRef<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    documents: Vec<Document<'a>>,
}

#[derive(Serialize)]
struct Period {
    #[serde(rename = "startDate", skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(rename = "endDate", skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
}

#[derive(Serialize)]
struct Transaction<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    value: Cny,
    payer: OrgRef<'a>,
    payee: OrgRef<'a>,
    /// Additional field: the purpose of the payment and its source of funds.
    description: String,
}

#[derive(Serialize)]
struct Implementation<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    transactions: Vec<Transaction<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    documents: Vec<Document<'a>>,
}

#[derive(Serialize)]
struct Observation<'a> {
    id: &'static str,
    measure: &'a str,
    unit: UnitName<'a>,
}

#[derive(Serialize)]
struct UnitName<'a> {
    name: &'a str,
}

/// The shape of the OCDS Metrics extension's `agreedMetrics` (an additional field here).
#[derive(Serialize)]
struct Metric<'a> {
    id: String,
    title: &'a str,
    observations: Vec<Observation<'a>>,
}

#[derive(Serialize)]
struct Contract<'a> {
    id: String,
    #[serde(rename = "awardID")]
    award_id: String,
    title: &'a str,
    description: &'a str,
    status: &'static str,
    period: Period,
    value: Cny,
    #[serde(rename = "dateSigned", skip_serializing_if = "Option::is_none")]
    date_signed: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    documents: Vec<Document<'a>>,
    implementation: Implementation<'a>,
    #[serde(rename = "agreedMetrics", skip_serializing_if = "Vec::is_empty")]
    agreed_metrics: Vec<Metric<'a>>,
}

#[derive(Serialize)]
struct Release<'a> {
    ocid: String,
    id: String,
    date: String,
    tag: Vec<&'static str>,
    #[serde(rename = "initiationType")]
    initiation_type: &'static str,
    language: &'static str,
    parties: [Party<'a>; 2],
    buyer: OrgRef<'a>,
    planning: Planning<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tender: Option<Tender<'a>>,
    awards: [Award<'a>; 1],
    contracts: [Contract<'a>; 1],
}

/// `ocds.json`: an OCDS 1.1 release package, one contracting process per public project.
/// Mapping: `../shared/data/README.md` and the `/data/` page. Releases are serialised in
/// parallel, a batch at a time, and written as they are made.
pub fn ocds_json(
    model: &Model,
    link: &(dyn Fn(&str) -> String + Sync),
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Publisher<'a> {
        name: &'a str,
    }
    #[derive(Serialize)]
    struct Head<'a> {
        uri: String,
        version: &'static str,
        #[serde(rename = "publishedDate")]
        published_date: String,
        publisher: Publisher<'a>,
        #[serde(rename = "publicationPolicy")]
        publication_policy: String,
    }
    let head = Head {
        uri: link("data/ocds.json"),
        version: "1.1",
        published_date: format!("{}T00:00:00+08:00", model.site.as_of.iso),
        publisher: Publisher {
            name: &model.site.publisher.name,
        },
        publication_policy: link("data/"),
    };
    let head = serde_json::to_string(&head).map_err(std::io::Error::other)?;
    // The head without its closing brace; the releases go in before it.
    out.write_all(&head.as_bytes()[..head.len() - 1])?;
    out.write_all(b",\"releases\":[\n")?;
    for (n, batch) in model.projects.chunks(256).enumerate() {
        let parts: Vec<String> = batch
            .par_iter()
            .map(|p| serde_json::to_string(&release(model, p, link)).expect("a release serialises"))
            .collect();
        for (i, part) in parts.iter().enumerate() {
            if n > 0 || i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(part.as_bytes())?;
        }
    }
    out.write_all(b"\n]}\n")
}

fn release<'a>(
    model: &'a Model,
    p: &'a ProjectView,
    link: &(dyn Fn(&str) -> String + Sync),
) -> Release<'a> {
    let yuan = model.site.yuan_per_unit;
    let buyer = || OrgRef {
        id: Cow::Borrowed("buyer"),
        name: &model.site.publisher.name,
    };
    let supplier_id = match &p.contractor.credit_code {
        Some(code) => format!("CN-SAIC-{code}"),
        None => format!("supplier-{}", p.id),
    };
    let supplier = || OrgRef {
        id: Cow::Owned(supplier_id.clone()),
        name: &p.contractor.name,
    };
    let notice_doc = |n: &'a NoticeRef, kind: &'static str| Document {
        id: n.id.clone(),
        document_type: kind,
        title: n.title.clone(),
        description: None,
        url: Some(link(&n.url)),
        date_published: n.published.as_ref().map(ocds_date),
        language: "zh",
    };
    let notices_of = |key: &str, kind: &'static str| -> Vec<Document<'a>> {
        p.notices
            .iter()
            .filter(|n| n.kind.key == key)
            .map(|n| notice_doc(n, kind))
            .collect()
    };
    let award_notice = p.notices.iter().find(|n| n.kind.key == "award");
    let contract_notice = p.notices.iter().find(|n| n.kind.key == "contract");
    let planning_docs = p
        .decision
        .iter()
        .map(|d| Document {
            id: d.id.clone(),
            document_type: "approvedDecision",
            title: d.title.clone(),
            description: d.number.as_deref(),
            url: d.url.as_deref().map(link),
            date_published: d.issued.as_ref().map(ocds_date),
            language: "zh",
        })
        .collect();
    let mut tender_docs = notices_of("tender", "tenderNotice");
    tender_docs.extend(notices_of("candidates", "evaluationReports"));
    tender_docs.extend(notices_of("complaint-decision", "complaints"));
    let award_value = award_notice
        .and_then(|n| n.amount.as_ref())
        .unwrap_or(&p.funding_total);
    let contract_value = contract_notice
        .and_then(|n| n.amount.as_ref())
        .unwrap_or(&p.funding_total);
    let transactions: Vec<Transaction> = p
        .disbursements
        .iter()
        .map(|d| Transaction {
            id: &d.id,
            date: d.date.as_ref().map(ocds_date),
            value: cny(&d.amount, yuan),
            payer: buyer(),
            payee: supplier(),
            description: format!("{}（{}）", d.purpose, d.source_name),
        })
        .collect();
    let reports: Vec<Document> = p
        .timeline
        .iter()
        .rev()
        .filter(|m| m.published.is_some())
        .map(|m| Document {
            id: format!("{}-progress-{}", p.id, m.month),
            document_type: "physicalProgressReport",
            title: format!(
                "{}建设进度（完成 {}%）",
                m.month_label,
                m.percent.as_deref().unwrap_or("—")
            ),
            description: Some(&m.summary),
            url: Some(link(&format!("{}#m-{}", p.url, m.month))),
            date_published: m.published.as_ref().map(ocds_date),
            language: "zh",
        })
        .collect();
    let metrics = p
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut observations = vec![Observation {
                id: "target",
                measure: &t.target,
                unit: UnitName { name: &t.unit },
            }];
            if let Some(actual) = &t.actual {
                observations.push(Observation {
                    id: "actual",
                    measure: actual,
                    unit: UnitName { name: &t.unit },
                });
            }
            Metric {
                id: (i + 1).to_string(),
                title: &t.indicator,
                observations,
            }
        })
        .collect();
    let mut tag = vec!["planning", "award", "contract"];
    if !transactions.is_empty() || !reports.is_empty() {
        tag.push("implementation");
    }
    let last_date = latest_date(p).unwrap_or_else(|| model.site.as_of.iso.clone());
    Release {
        ocid: format!("{}-{}", model.site.ocid_prefix, p.id),
        id: format!("{}-{}", p.id, last_date),
        date: format!("{last_date}T00:00:00+08:00"),
        tag,
        initiation_type: "tender",
        language: "zh",
        parties: [
            Party {
                id: Cow::Borrowed("buyer"),
                name: &model.site.publisher.name,
                roles: &["buyer", "procuringEntity", "payer"],
                identifier: None,
                contact_point: None,
            },
            Party {
                id: Cow::Owned(supplier_id.clone()),
                name: &p.contractor.name,
                roles: &["supplier", "payee"],
                identifier: p.contractor.credit_code.as_deref().map(|code| Identifier {
                    scheme: "CN-SAIC",
                    id: code,
                    legal_name: &p.contractor.name,
                }),
                contact_point: Some(ContactPoint {
                    name: &p.contractor.responsible,
                    telephone: p.contractor.phone.as_deref(),
                }),
            },
        ],
        buyer: buyer(),
        planning: Planning {
            rationale: &p.category.label,
            budget: Budget {
                id: &p.id,
                description: p
                    .funding
                    .iter()
                    .map(|f| format!("{} {}", f.source_name, f.amount.text))
                    .collect::<Vec<_>>()
                    .join("；"),
                amount: cny(&p.funding_total, yuan),
                project: &p.name,
                project_id: &p.id,
            },
            documents: planning_docs,
        },
        tender: (!tender_docs.is_empty()).then(|| Tender {
            id: format!("{}-tender", p.id),
            status: "complete",
            documents: tender_docs,
        }),
        awards: [Award {
            id: format!("{}-award", p.id),
            title: &p.name,
            status: "active",
            date: award_notice.and_then(|n| n.event.as_ref()).map(ocds_date),
            value: cny(award_value, yuan),
            suppliers: [supplier()],
            documents: notices_of("award", "awardNotice"),
        }],
        contracts: [Contract {
            id: format!("{}-contract", p.id),
            award_id: format!("{}-award", p.id),
            title: &p.name,
            description: &p.summary,
            status: match p.status.key.as_str() {
                "not-started" => "pending",
                "completed" | "accepted" => "terminated",
                _ => "active",
            },
            period: Period {
                start_date: p.start.as_ref().map(ocds_date),
                end_date: p.deadline.as_ref().map(ocds_date),
            },
            value: cny(contract_value, yuan),
            date_signed: contract_notice
                .and_then(|n| n.event.as_ref())
                .map(ocds_date),
            documents: notices_of("contract", "contractNotice"),
            implementation: Implementation {
                transactions,
                documents: reports,
            },
            agreed_metrics: metrics,
        }],
    }
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
            serde_json::to_string(&cny(&a("28.5"), wan)).unwrap(),
            r#"{"amount":285000,"currency":"CNY"}"#
        );
        assert_eq!(
            serde_json::to_string(&cny(&a("0.00015"), wan)).unwrap(),
            r#"{"amount":1.5,"currency":"CNY"}"#
        );
        assert_eq!(
            serde_json::to_string(&cny(&a("1234567.8912"), wan)).unwrap(),
            r#"{"amount":12345678912,"currency":"CNY"}"#
        );
    }
}
