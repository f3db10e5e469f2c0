//! The OCDS 1.1 release package: one contracting process per project (see the data README of
//! the repository for how each field maps), streamed to the sink.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::Serialize;

use std::collections::HashMap;

use crate::render::views::{Amount, ChangeView, DateView, Model, NoticeRef, ProjectView};
use rayon::prelude::*;

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
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
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
pub(super) fn ocds_json(
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
    let notice_changes = notice_changes(model);
    // The head without its closing brace; the releases go in before it.
    out.write_all(&head.as_bytes()[..head.len() - 1])?;
    out.write_all(b",\"releases\":[\n")?;
    for (n, batch) in model.projects.chunks(256).enumerate() {
        let parts: Vec<String> = batch
            .par_iter()
            .map(|p| {
                let mut part =
                    serde_json::to_string(&release(model, p, link)).expect("a release serialises");
                let notices = notice_changes
                    .get(p.id.as_str())
                    .map_or(&[][..], Vec::as_slice);
                for r in corrections(model, p, notices, link) {
                    part.push_str(",\n");
                    part.push_str(&serde_json::to_string(&r).expect("a release serialises"));
                }
                part
            })
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
        date_modified: None,
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
        .decisions
        .iter()
        .map(|d| Document {
            id: d.id.clone(),
            document_type: "approvedDecision",
            title: d.title.clone(),
            description: d.number.as_deref(),
            url: d.url.as_deref().map(link),
            date_published: d.issued.as_ref().map(ocds_date),
            date_modified: None,
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
            date_modified: None,
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

/// An amendment: what a correction changed and why.
#[derive(Serialize)]
struct Amendment {
    id: String,
    date: String,
    rationale: String,
    description: String,
}

#[derive(Serialize)]
struct Amended {
    id: String,
    amendments: [Amendment; 1],
}

#[derive(Serialize)]
struct ContractUpdate<'a> {
    id: String,
    #[serde(rename = "awardID")]
    award_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    amendments: Vec<Amendment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    implementation: Option<Implementation<'a>>,
}

/// A further release of a project's contracting process, for one correction (SPEC §7).
#[derive(Serialize)]
struct CorrectionRelease<'a> {
    ocid: String,
    id: String,
    date: String,
    tag: [&'static str; 1],
    #[serde(rename = "initiationType")]
    initiation_type: &'static str,
    language: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tender: Option<Amended>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    awards: Vec<Amended>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contracts: Vec<ContractUpdate<'a>>,
}

/// The corrections of each project's notices, with the notice's kind, by project id.
fn notice_changes(model: &Model) -> HashMap<&str, Vec<(&str, &ChangeView)>> {
    let mut out: HashMap<&str, Vec<(&str, &ChangeView)>> = HashMap::new();
    for n in &model.notices {
        if let Some(p) = &n.project {
            for c in &n.corrections {
                out.entry(p.id.as_str())
                    .or_default()
                    .push((n.kind.key.as_str(), c));
            }
        }
    }
    out
}

/// The releases of a project's corrections — its own, its reports' and its notices' — oldest
/// first, each tagged for the part of the process it amends.
fn corrections<'a>(
    model: &'a Model,
    p: &'a ProjectView,
    notices: &[(&str, &'a ChangeView)],
    link: &(dyn Fn(&str) -> String + Sync),
) -> Vec<CorrectionRelease<'a>> {
    let mut all: Vec<(&str, &ChangeView)> = p
        .corrections
        .iter()
        .map(|c| {
            (
                if c.month.is_some() {
                    "progress"
                } else {
                    "project"
                },
                c,
            )
        })
        .chain(notices.iter().copied())
        .filter(|(_, c)| c.action == "correct")
        .collect();
    all.sort_by_key(|(_, c)| c.seq);
    all.into_iter()
        .map(|(what, c)| {
            let date = ocds_date(&c.date);
            let description = if c.fields.is_empty() {
                c.title.clone()
            } else {
                c.fields
                    .iter()
                    .map(|f| format!("{}：{} → {}", f.label, f.old, f.new))
                    .collect::<Vec<_>>()
                    .join("；")
            };
            let amendment = || Amendment {
                id: c.seq.to_string(),
                date: date.clone(),
                rationale: c.reason.clone(),
                description: description.clone(),
            };
            let contract = |amendments: Vec<Amendment>, implementation| ContractUpdate {
                id: format!("{}-contract", p.id),
                award_id: format!("{}-award", p.id),
                amendments,
                implementation,
            };
            let mut r = CorrectionRelease {
                ocid: format!("{}-{}", model.site.ocid_prefix, p.id),
                id: format!("{}-correction-{}", p.id, c.seq),
                date: date.clone(),
                tag: ["contractAmendment"],
                initiation_type: "tender",
                language: "zh",
                tender: None,
                awards: Vec::new(),
                contracts: Vec::new(),
            };
            match what {
                "progress" => {
                    let month = c.month.clone().unwrap_or_default();
                    r.tag = ["implementationUpdate"];
                    r.contracts = vec![contract(
                        Vec::new(),
                        Some(Implementation {
                            transactions: Vec::new(),
                            documents: vec![Document {
                                id: format!("{}-progress-{month}", p.id),
                                document_type: "physicalProgressReport",
                                title: format!("{}（更正：{}；{description}）", c.title, c.reason),
                                description: None,
                                url: Some(link(&format!("{}#m-{month}", p.url))),
                                date_published: None,
                                date_modified: Some(date.clone()),
                                language: "zh",
                            }],
                        }),
                    )];
                }
                "tender" | "candidates" | "complaint-decision" => {
                    r.tag = ["tenderAmendment"];
                    r.tender = Some(Amended {
                        id: format!("{}-tender", p.id),
                        amendments: [amendment()],
                    });
                }
                "award" => {
                    r.tag = ["awardUpdate"];
                    r.awards = vec![Amended {
                        id: format!("{}-award", p.id),
                        amendments: [amendment()],
                    }];
                }
                _ => r.contracts = vec![contract(vec![amendment()], None)],
            }
            r
        })
        .collect()
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
