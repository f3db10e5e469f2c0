//! `column.json`: the column described for machines — programme, sources, categories, targets,
//! phases, complaint channels, documents with their kinds and text, publisher, rule settings,
//! as-of date, the ledger's head, and the SHA-256 of every other file of `/data/`. With
//! `projects.json` beside it, it is everything a provincial zone (SPEC §8) needs from a county,
//! and together with the other files everything the county's pages show. The format is
//! documented by `data/schema/column.schema.json`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Digest, iso};
use crate::derive::Derived;
use crate::model::{ChannelKind, Site, text, val};
use crate::money::display_decimal;
use crate::render::views::Model;

/// The format and its version, for readers to tell what they hold.
pub const FORMAT: &str = "gongkai-column/1";

#[derive(Serialize)]
struct Column<'a> {
    format: &'static str,
    generator: String,
    as_of: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    base_url: Option<&'a str>,
    publisher: Publisher<'a>,
    programme: Programme<'a>,
    sources: Vec<Source<'a>>,
    categories: Vec<Category<'a>>,
    targets: Vec<Target<'a>>,
    phases: Vec<Phase<'a>>,
    channels: BTreeMap<&'static str, Vec<Channel<'a>>>,
    documents: Vec<Document<'a>>,
    rules: Rules,
    data: Data<'a>,
    ledger: Option<Ledger>,
    /// Every other file of `/data/`: its SHA-256 and size, so that a reader can tell a copy
    /// that changed, or one caught half uploaded, without reading it whole.
    files: &'a BTreeMap<String, Digest>,
}

#[derive(Serialize)]
struct Publisher<'a> {
    name: &'a str,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    address: Option<&'a str>,
    site_code: Option<&'a str>,
    icp: Option<&'a str>,
    police_record: Option<&'a str>,
}

#[derive(Serialize)]
struct Programme<'a> {
    name: Option<&'a str>,
    year: Option<i64>,
    unit: &'a str,
    description: Option<&'a str>,
    plan: Option<&'a str>,
    fund_rules: Option<&'a str>,
    prohibited_uses: Vec<&'a str>,
    closed: Option<String>,
}

#[derive(Serialize)]
struct Source<'a> {
    id: &'a str,
    name: Option<&'a str>,
    amount: Option<String>,
    basis: Option<&'a str>,
    central: bool,
    tranches: Vec<Tranche<'a>>,
}

#[derive(Serialize)]
struct Tranche<'a> {
    name: Option<&'a str>,
    amount: Option<String>,
    arrived: Option<String>,
    expected: Option<String>,
    condition: Option<&'a str>,
}

#[derive(Serialize)]
struct Category<'a> {
    id: &'a str,
    name: Option<&'a str>,
    allocations: BTreeMap<&'a str, String>,
    /// Declared shares of each source, in per cent.
    shares: BTreeMap<&'a str, String>,
}

#[derive(Serialize)]
struct Target<'a> {
    id: &'a str,
    indicator: Option<&'a str>,
    target: Option<String>,
    unit: Option<&'a str>,
}

#[derive(Serialize)]
struct Phase<'a> {
    name: Option<&'a str>,
    start: Option<String>,
    end: Option<String>,
    deliverables: Option<&'a str>,
}

#[derive(Serialize)]
struct Channel<'a> {
    name: Option<&'a str>,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    url: Option<&'a str>,
    address: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct Document<'a> {
    id: &'a str,
    kind: &'a str,
    title: &'a str,
    number: Option<&'a str>,
    issuer: Option<&'a str>,
    issued: Option<&'a str>,
    published: Option<&'a str>,
    comment_until: Option<&'a str>,
    url: String,
    withdrawn: Option<Withdrawn<'a>>,
    /// How it was published late (R6), in words, when it was.
    late: Option<&'a str>,
    /// The text, in Markdown.
    body: &'a str,
}

#[derive(Serialize)]
struct Withdrawn<'a> {
    date: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Rules {
    progress_due_day: u32,
    publication_working_days: u32,
    /// Rest days and adjusted working days the column adds to the official calendar.
    holidays: Vec<String>,
    workdays: Vec<String>,
}

#[derive(Serialize)]
struct Data<'a> {
    ocid_prefix: &'a str,
    license: &'a str,
}

#[derive(Serialize)]
struct Ledger {
    entries: usize,
    head: String,
}

/// `column.json`, from the site, its facts, the model the pages were made from, and the
/// digests of the other data files.
pub(super) fn column_json(
    site: &Site,
    derived: &Derived,
    model: &Model,
    files: &BTreeMap<String, Digest>,
    link: &dyn Fn(&str) -> String,
) -> String {
    let c = &site.config;
    let empty = crate::model::Programme::default();
    let prog = site.programme.as_ref().unwrap_or(&empty);
    let money =
        |m: &Option<crate::model::Spanned<crate::money::Money>>| val(m).map(|m| m.to_string());
    let date = |d: &Option<crate::model::Spanned<crate::date::Date>>| val(d).map(|d| d.to_string());
    let documents = model
        .documents
        .iter()
        .map(|d| Document {
            id: &d.id,
            kind: &d.kind.key,
            title: &d.title,
            number: d.number.as_deref(),
            issuer: d.issuer.as_deref(),
            issued: iso(&d.issued),
            published: iso(&d.published),
            comment_until: d.draft.as_ref().map(|x| x.until.iso.as_str()),
            url: link(&d.url),
            withdrawn: d.withdrawn.as_ref().map(|w| Withdrawn {
                date: &w.date.iso,
                reason: &w.reason,
            }),
            late: d.late.as_deref(),
            body: site
                .document(&d.id)
                .map_or("", |raw| raw.body.markdown.trim()),
        })
        .collect();
    let column = Column {
        format: FORMAT,
        generator: format!("gongkai {}", env!("CARGO_PKG_VERSION")),
        as_of: &model.site.as_of.iso,
        title: &model.site.title,
        description: text(&c.description),
        base_url: model.site.base_url.as_deref(),
        publisher: Publisher {
            name: &model.site.publisher.name,
            phone: text(&c.publisher.phone),
            email: text(&c.publisher.email),
            address: text(&c.publisher.address),
            site_code: text(&c.publisher.site_code),
            icp: text(&c.publisher.icp),
            police_record: text(&c.publisher.police_record),
        },
        programme: Programme {
            name: text(&prog.name),
            year: val(&prog.year).copied(),
            unit: &model.site.unit,
            description: text(&prog.description),
            plan: text(&prog.plan),
            fund_rules: text(&prog.fund_rules),
            prohibited_uses: prog
                .prohibited_uses
                .iter()
                .map(|u| u.value.as_str())
                .collect(),
            closed: date(&prog.closed),
        },
        sources: prog
            .sources
            .iter()
            .filter_map(|s| {
                Some(Source {
                    id: text(&s.id)?,
                    name: text(&s.name),
                    amount: money(&s.amount),
                    basis: text(&s.basis),
                    central: s.is_central(),
                    tranches: s
                        .tranches
                        .iter()
                        .map(|t| Tranche {
                            name: text(&t.name),
                            amount: money(&t.amount),
                            arrived: date(&t.arrived),
                            expected: date(&t.expected),
                            condition: text(&t.condition),
                        })
                        .collect(),
                })
            })
            .collect(),
        categories: prog
            .categories
            .iter()
            .filter_map(|k| {
                Some(Category {
                    id: text(&k.id)?,
                    name: text(&k.name),
                    allocations: k
                        .allocations
                        .iter()
                        .map(|(s, m)| (s.value.as_str(), m.value.to_string()))
                        .collect(),
                    shares: k
                        .shares
                        .iter()
                        .map(|(s, d)| (s.value.as_str(), display_decimal(d.value)))
                        .collect(),
                })
            })
            .collect(),
        targets: prog
            .targets
            .iter()
            .filter_map(|t| {
                Some(Target {
                    id: text(&t.id)?,
                    indicator: text(&t.indicator),
                    target: val(&t.target).map(|d| display_decimal(*d)),
                    unit: text(&t.unit),
                })
            })
            .collect(),
        phases: prog
            .phases
            .iter()
            .map(|p| Phase {
                name: text(&p.name),
                start: date(&p.start),
                end: date(&p.end),
                deliverables: text(&p.deliverables),
            })
            .collect(),
        channels: ChannelKind::ALL
            .iter()
            .map(|k| {
                let list = c
                    .channels
                    .of(*k)
                    .iter()
                    .map(|ch| Channel {
                        name: text(&ch.name),
                        phone: text(&ch.phone),
                        email: text(&ch.email),
                        url: text(&ch.url),
                        address: text(&ch.address),
                        note: text(&ch.note),
                    })
                    .collect();
                (k.key(), list)
            })
            .collect(),
        documents,
        rules: Rules {
            progress_due_day: derived.ctx.progress_due_day,
            publication_working_days: derived.ctx.publication_working_days,
            holidays: c
                .calendar
                .holidays
                .iter()
                .map(|d| d.value.to_string())
                .collect(),
            workdays: c
                .calendar
                .workdays
                .iter()
                .map(|d| d.value.to_string())
                .collect(),
        },
        data: Data {
            ocid_prefix: &model.site.ocid_prefix,
            license: &model.site.data_license,
        },
        ledger: model.ledger.as_ref().and_then(|(l, count)| {
            Some(Ledger {
                entries: *count,
                head: crate::ledger::tagged(&l.head(*count)?),
            })
        }),
        files,
    };
    let mut out = serde_json::to_string_pretty(&column).expect("column serialises");
    out.push('\n');
    out
}
