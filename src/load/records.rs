//! One function per kind of record: TOML table in, domain type out, problems reported.

use crate::diag::{Diagnostic, Fix};
use crate::load::toml_reader::{INVALID_VALUE, Table, percentage};
use crate::model::*;

type Diags = Vec<Diagnostic>;

pub fn config(mut t: Table, d: &mut Diags) -> Config {
    let mut c = Config {
        file: t.doc().file.to_string(),
        title: t.string("title", d),
        description: t.string("description", d),
        base_url: t.string("base_url", d),
        theme: t.string("theme", d),
        ..Config::default()
    };
    if let Some(mut p) = t.table("publisher", d) {
        c.publisher = Publisher {
            line: Some(p.line),
            name: p.string("name", d),
            phone: p.string("phone", d),
            email: p.string("email", d),
            address: p.string("address", d),
            site_code: p.string("site_code", d),
            icp: p.string("icp", d),
            police_record: p.string("police_record", d),
            conac_id: p.string("conac_id", d),
            conac_image: p.string("conac_image", d),
            error_report_url: p.string("error_report_url", d),
        };
        p.finish(d);
    }
    if let Some(mut ch) = t.table("channels", d) {
        c.channels.line = Some(ch.line);
        c.channels.feedback = channels(&mut ch, "feedback", d);
        c.channels.discipline = channels(&mut ch, "discipline", d);
        c.channels.audit = channels(&mut ch, "audit", d);
        ch.finish(d);
    }
    if let Some(mut r) = t.table("rules", d) {
        let mut day = |key, d: &mut Diags, max: i64| {
            let f = r.integer(key, d)?;
            if !(1..=max).contains(&f.value) {
                d.push(
                    Diagnostic::new(
                        INVALID_VALUE,
                        &c.file,
                        format!("{key} 应为 1 到 {max} 之间的整数"),
                    )
                    .span(f.line, f.col, f.width)
                    .field(format!("rules.{key}")),
                );
                return None;
            }
            Some(f.map(|v| v as u32))
        };
        if let Some(v) = day("progress_due_day", d, 28) {
            c.rules.progress_due_day = v;
        }
        if let Some(v) = day("publication_working_days", d, 365) {
            c.rules.publication_working_days = v;
        }
        if let Some(v) = day("stale_days", d, 366) {
            c.rules.stale_days = v;
        }
        if let Some(v) = r.integer("stale_margin_days", d) {
            if (0..=c.rules.stale_days.value as i64 - 1).contains(&v.value) {
                c.rules.stale_margin_days = v.map(|v| v as u32);
            } else {
                d.push(
                    Diagnostic::new(
                        INVALID_VALUE,
                        &c.file,
                        format!(
                            "stale_margin_days 应为 0 到 {} 之间的整数（比 stale_days 小）",
                            c.rules.stale_days.value - 1
                        ),
                    )
                    .span(v.line, v.col, v.width)
                    .field("rules.stale_margin_days"),
                );
            }
        }
        c.rules.strict = r.boolean("strict", d).is_some_and(|b| b.value);
        r.finish(d);
    }
    if let Some(mut data) = t.table("data", d) {
        c.data.ocid_prefix = data.string("ocid_prefix", d);
        c.data.license = data.string("license", d);
        data.finish(d);
    }
    if let Some(mut a) = t.table("attachments", d) {
        c.attachments.allow = a.strings("allow", d);
        for ext in &c.attachments.allow {
            let e = ext
                .value
                .trim()
                .trim_start_matches('.')
                .to_ascii_lowercase();
            if crate::attachments::NEVER.contains(&e.as_str()) {
                d.push(
                    Diagnostic::new(
                        INVALID_VALUE,
                        &c.file,
                        format!("附件类型 {e} 不能发布：网页、SVG、脚本和 XML 可以在读者的浏览器里以本站的名义运行代码"),
                    )
                    .span(ext.line, ext.col, ext.width)
                    .field("attachments.allow")
                    .hint(format!("从 allow 里删掉 \"{}\"；要发布其内容，存为 PDF", ext.value)),
                );
            }
        }
        a.finish(d);
    }
    if let Some(theme) = &c.theme
        && !valid_theme_name(&theme.value)
    {
        d.push(
            Diagnostic::new(
                INVALID_VALUE,
                &c.file,
                format!(
                    "theme = \"{}\" 不是主题名：主题只能放在站点的 themes/<主题名>/ 里，这里只写文件夹名",
                    theme.value
                ),
            )
            .span(theme.line, theme.col, theme.width)
            .field("theme")
            .hint("例如 theme = \"county\"，主题放在 themes/county/templates/ 和 themes/county/static/"),
        );
    }
    if let Some(mut cal) = t.table("calendar", d) {
        c.calendar.holidays = calendar_days(&mut cal, "holidays", d);
        c.calendar.workdays = calendar_days(&mut cal, "workdays", d);
        cal.finish(d);
    }
    t.finish(d);
    c
}

/// A web address a reader can open: `http` or `https`, a host, no spaces (`http://` alone,
/// `https://a b` and `https:///x` are not).
pub fn web_address(text: &str) -> bool {
    let t = text.trim();
    !t.contains(char::is_whitespace)
        && url::Url::parse(t).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
}

/// A theme is a folder of `themes/`: a plain name, never a path.
pub fn valid_theme_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn channels(t: &mut Table, key: &'static str, d: &mut Diags) -> Vec<Channel> {
    t.tables(key, d)
        .into_iter()
        .map(|mut c| {
            let ch = Channel {
                line: c.line,
                path: c.name().to_string(),
                name: c.string("name", d),
                email: c.string("email", d),
                phone: c.string("phone", d),
                url: c.string("url", d),
                address: c.string("address", d),
                note: c.string("note", d),
            };
            c.finish(d);
            ch
        })
        .collect()
}

fn calendar_days(
    t: &mut Table,
    key: &'static str,
    d: &mut Diags,
) -> Vec<Spanned<crate::date::Date>> {
    t.tables(key, d)
        .into_iter()
        .filter_map(|mut c| {
            let date = c.date("date", d);
            c.string("name", d);
            c.finish(d);
            date
        })
        .collect()
}

pub fn programme(mut t: Table, d: &mut Diags) -> Programme {
    let name = t.string("name", d);
    let year = t.integer("year", d).filter(|y| {
        let ok = i32::try_from(y.value).is_ok_and(|v| crate::date::YEARS.contains(&v));
        if !ok {
            d.push(
                Diagnostic::new(
                    INVALID_VALUE,
                    t.doc().file,
                    format!(
                        "year = {} 不在 {} 到 {} 年之间，看起来是写错了",
                        y.value,
                        crate::date::YEARS.start(),
                        crate::date::YEARS.end()
                    ),
                )
                .span(y.line, y.col, y.width)
                .field("year")
                .hint("写批复的年度，例如：year = 2021"),
            );
        }
        ok
    });
    let unit = t.string("unit", d);
    // The sources' and categories' amounts below are in this unit.
    if let Some(u) = &unit {
        t.doc().set_unit(&u.value);
    }
    let mut p = Programme {
        file: t.doc().file.to_string(),
        name,
        year,
        unit,
        plan: t.string("plan", d),
        fund_rules: t.string("fund_rules", d),
        prohibited_uses: t.strings("prohibited_uses", d),
        allowed_uses: t.strings("allowed_uses", d),
        description: t.string("description", d),
        disclosure: disclosure(&mut t, None, d),
        closed: t.date("closed", d),
        ..Programme::default()
    };
    p.prohibited_terms = t
        .map_of(
            "prohibited_terms",
            d,
            |v| {
                v.as_array()?
                    .iter()
                    .map(|i| i.get_ref().as_str().map(str::to_string))
                    .collect()
            },
            "文字列表",
            "[\"……\", \"……\"]",
        )
        .1;
    p.sources = t
        .tables("sources", d)
        .into_iter()
        .map(|mut s| {
            let src = FundSource {
                line: s.line,
                path: s.name().to_string(),
                id: s.string("id", d),
                name: s.string("name", d),
                amount: s.money("amount", d),
                basis: s.string("basis", d),
                central: s.boolean("central", d),
                tranches: s
                    .tables("tranches", d)
                    .into_iter()
                    .map(|mut x| {
                        let tranche = Tranche {
                            line: x.line,
                            path: x.name().to_string(),
                            name: x.string("name", d),
                            amount: x.money("amount", d),
                            arrived: x.date("arrived", d),
                            expected: x.date("expected", d),
                            condition: x.string("condition", d),
                        };
                        x.finish(d);
                        tranche
                    })
                    .collect(),
            };
            s.finish(d);
            src
        })
        .collect();
    p.categories = t
        .tables("categories", d)
        .into_iter()
        .map(|mut c| {
            let mut cat = Category {
                line: c.line,
                path: c.name().to_string(),
                id: c.string("id", d),
                name: c.string("name", d),
                ..Category::default()
            };
            cat.allocations = c.money_map("allocations", d, "金额").1;
            cat.shares = c
                .map_of("shares", d, percentage, "百分比（加引号）", "\"35%\"")
                .1;
            c.finish(d);
            cat
        })
        .collect();
    p.targets = t
        .tables("targets", d)
        .into_iter()
        .map(|mut x| {
            let target = ProgrammeTarget {
                line: x.line,
                path: x.name().to_string(),
                id: x.string("id", d),
                indicator: x.string("indicator", d),
                target: x.decimal("target", d),
                unit: x.string("unit", d),
            };
            x.finish(d);
            target
        })
        .collect();
    p.phases = t
        .tables("phases", d)
        .into_iter()
        .map(|mut x| {
            let phase = Phase {
                line: x.line,
                path: x.name().to_string(),
                name: x.string("name", d),
                start: x.date("start", d),
                end: x.date("end", d),
                deliverables: x.string("deliverables", d),
            };
            x.finish(d);
            phase
        })
        .collect();
    t.finish(d);
    p
}

pub fn document(id: String, mut t: Table, body: Body, d: &mut Diags) -> Document {
    let file = t.doc().file.to_string();
    let kind = kind_field(&mut t, d, &DocKind::ALL, DocKind::key, DocKind::label);
    let doc = Document {
        id,
        file,
        kind,
        title: t.string("title", d),
        number: t.string("number", d),
        issuer: t.string("issuer", d),
        issued: t.date("issued", d),
        published: t.date("published", d),
        comment_until: t.date("comment_until", d),
        disclosure: disclosure(&mut t, Some(&body), d),
        body,
    };
    t.finish(d);
    doc
}

pub fn project(id: String, mut t: Table, body: Body, d: &mut Diags) -> Project {
    let mut p = Project {
        id,
        file: t.doc().file.to_string(),
        number: t.string("number", d),
        name: t.string("name", d),
        category: t.string("category", d),
        published: t.date("published", d),
        start: t.date("start", d),
        deadline: t.date("deadline", d),
        completed: t.date("completed", d),
        accepted: t.date("accepted", d),
        disclosure: disclosure(&mut t, Some(&body), d),
        body,
        ..Project::default()
    };
    let mut decisions = t.one_or_more("decision", d).into_iter();
    p.decision = decisions.next();
    p.more_decisions = decisions.collect();
    if let Some(mut c) = t.table("contractor", d) {
        p.contractor = Contractor {
            line: Some(c.line),
            name: c.string("name", d),
            credit_code: c.string("credit_code", d),
            responsible: c.string("responsible", d),
            phone: c.string("phone", d),
        };
        c.finish(d);
    }
    let (line, entries) = t.money_map("funding", d, "金额");
    p.funding = Funding { line, entries };
    p.targets = t
        .tables("targets", d)
        .into_iter()
        .map(|mut x| {
            let target = Target {
                line: x.line,
                path: x.name().to_string(),
                indicator: x.string("indicator", d),
                target: x.decimal("target", d),
                unit: x.string("unit", d),
                programme: x.string("programme", d),
            };
            x.finish(d);
            target
        })
        .collect();
    p.locations = t
        .tables("locations", d)
        .into_iter()
        .map(|mut x| {
            let loc = Location {
                line: x.line,
                path: x.name().to_string(),
                town: x.string("town", d),
                village: x.string("village", d),
                route: x.string("route", d),
            };
            x.finish(d);
            loc
        })
        .collect();
    p.disbursements = t
        .tables("disbursements", d)
        .into_iter()
        .map(|mut x| {
            let dis = Disbursement {
                line: x.line,
                path: x.name().to_string(),
                date: x.date("date", d),
                amount: x.money("amount", d),
                source: x.string("source", d),
                purpose: x.string("purpose", d),
            };
            x.finish(d);
            dis
        })
        .collect();
    t.finish(d);
    p
}

pub fn progress(
    month: crate::date::Month,
    mut t: Table,
    body: Body,
    d: &mut Diags,
) -> ProgressReport {
    let mut r = ProgressReport {
        month,
        file: t.doc().file.to_string(),
        published: t.date("published", d),
        percent: t.decimal("percent", d),
        disbursed: t.money("disbursed", d),
        actuals: Vec::new(),
        disclosure: disclosure(&mut t, Some(&body), d),
        body,
    };
    r.actuals = t
        .tables("actuals", d)
        .into_iter()
        .map(|mut x| {
            let a = Actual {
                line: x.line,
                path: x.name().to_string(),
                indicator: x.string("indicator", d),
                value: x.decimal("value", d),
            };
            x.finish(d);
            a
        })
        .collect();
    t.finish(d);
    r
}

pub fn notice(id: String, mut t: Table, body: Body, d: &mut Diags) -> Notice {
    let file = t.doc().file.to_string();
    let kind = kind_field(
        &mut t,
        d,
        &NoticeKind::ALL,
        NoticeKind::key,
        NoticeKind::label,
    );
    let n = Notice {
        id,
        file,
        kind,
        project: t.string("project", d),
        title: t.string("title", d),
        event: t.date("event", d),
        published: t.date("published", d),
        public_until: t.date("public_until", d),
        supplier: t.string("supplier", d),
        amount: t.money("amount", d),
        disclosure: disclosure(&mut t, Some(&body), d),
        body,
    };
    t.finish(d);
    n
}

/// `[[corrections]]`, `withdrawn` and `withdrawn_reason`, known on every record (SPEC §7), and
/// the fingerprint of everything else the record discloses. SPEC §7's example writes `withdrawn`
/// under the last `[[corrections]]`: it is read there too.
fn disclosure(t: &mut Table, body: Option<&Body>, d: &mut Diags) -> Disclosure {
    let hash = t
        .doc()
        .fingerprints()
        .then(|| crate::ledger::content_hash(t.raw(), body.map(|b| b.markdown.as_str())));
    let mut withdrawn = t.date("withdrawn", d);
    let mut withdrawn_reason = t.string("withdrawn_reason", d);
    let corrections = t
        .tables("corrections", d)
        .into_iter()
        .map(|mut c| {
            let correction = Correction {
                line: c.line,
                path: c.name().to_string(),
                date: c.date("date", d),
                reason: c.string("reason", d),
            };
            let (w, r) = (c.date("withdrawn", d), c.string("withdrawn_reason", d));
            withdrawn = withdrawn.take().or(w);
            withdrawn_reason = withdrawn_reason.take().or(r);
            c.finish(d);
            correction
        })
        .collect();
    Disclosure {
        read: true,
        hash,
        corrections,
        withdrawn,
        withdrawn_reason,
    }
}

/// The `kind` field, one of a fixed list of keys; written as its Chinese name, or in capitals,
/// the key is offered as the fix.
fn kind_field<K: Copy>(
    t: &mut Table,
    d: &mut Diags,
    all: &[K],
    key: fn(K) -> &'static str,
    label: fn(K) -> &'static str,
) -> Field<K> {
    let raw = t.string("kind", d)?;
    let written = raw.value.trim();
    if let Some(k) = all.iter().find(|k| key(**k) == written) {
        return Some(raw.map(|_| *k));
    }
    let meant = all.iter().find(|k| {
        key(**k).eq_ignore_ascii_case(written)
            || label(**k) == written
            || written.replace('_', "-") == key(**k)
    });
    let keys: Vec<String> = all
        .iter()
        .map(|k| format!("{}（{}）", key(*k), label(*k)))
        .collect();
    let mut diag = Diagnostic::new(
        INVALID_VALUE,
        t.doc().file,
        format!(
            "kind = \"{}\" 不是可用的类别；可用：{}",
            raw.value,
            keys.join("、")
        ),
    )
    .span(raw.line, raw.col, raw.width)
    .field("kind");
    match meant {
        Some(k) => {
            diag = diag.hint(format!("写成 kind = \"{}\"", key(*k)));
            let line_text = t
                .doc()
                .text
                .lines()
                .nth((raw.line - t.doc().first_line) as usize)
                .unwrap_or("");
            if let Some(fix) = Fix::value(raw.line, line_text, &format!("\"{}\"", key(*k))) {
                diag = diag.fix(fix);
            }
        }
        None => diag = diag.hint("从上面可用的类别里选一个，写英文的那个"),
    }
    d.push(diag);
    None
}
