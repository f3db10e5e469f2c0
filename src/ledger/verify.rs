//! `gongkai verify OLD NEW`: the inspector's check of two published copies of a column (SPEC §7).
//! NEW's ledger must extend OLD's — OLD's lines a prefix of NEW's, every link of NEW's chain
//! holding — and NEW's `/data/projects.json` must agree with NEW's latest entries. It needs
//! nothing but the two copies, as a certificate-transparency client needs nothing but two tree
//! heads.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::canon::{self, Canon};
use super::file::{Action, FILE, Key, Kind, Ledger, hex};
use crate::money::parse_decimal;

/// Why verification could not say yes.
#[derive(Debug)]
pub enum Failure {
    /// A copy could not be read (exit 2).
    Unreadable(String),
    /// History rewritten or data disagreeing: the first divergence (exit 1), with what was
    /// established before it.
    Diverged { found: String, report: Vec<String> },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unreadable(m) => f.write_str(m),
            Failure::Diverged { found, .. } => f.write_str(found),
        }
    }
}

/// What verification found when the copies agree: lines to print.
#[derive(Debug)]
pub struct Verified {
    pub lines: Vec<String>,
}

/// A published site: a folder, or the http(s) address of its root.
fn fetch(site: &str, rel: &str) -> Result<Vec<u8>, String> {
    if site.starts_with("http://") || site.starts_with("https://") {
        let url = format!("{}/{rel}", site.trim_end_matches('/'));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let mut response = agent
            .get(&url)
            .call()
            .map_err(|e| format!("无法读取 {url}：{e}"))?;
        response
            .body_mut()
            .with_config()
            .limit(4 << 30)
            .read_to_vec()
            .map_err(|e| format!("无法读取 {url}：{e}"))
    } else {
        let path = std::path::Path::new(site).join(rel);
        std::fs::read(&path).map_err(|e| format!("无法读取 {}：{e}", path.display()))
    }
}

/// Verifies that the copy at `new` extends the copy at `old`.
pub fn verify(old: &str, new: &str) -> Result<Verified, Failure> {
    let rel = format!("data/{FILE}");
    let old_bytes = fetch(old, &rel).map_err(Failure::Unreadable)?;
    let new_bytes = fetch(new, &rel).map_err(Failure::Unreadable)?;
    let projects = fetch(new, "data/projects.json").map_err(Failure::Unreadable)?;
    let projects: Value = serde_json::from_slice(&projects).map_err(|e| {
        Failure::Unreadable(format!("{new} 的 data/projects.json 不是有效的 JSON：{e}"))
    })?;
    let old_ledger = Ledger::from_bytes(&old_bytes);
    if let Some(b) = &old_ledger.broken {
        return Err(Failure::Unreadable(format!(
            "旧副本 {old} 的 {FILE} 本身不完整，不能作为依据：{}",
            b.message
        )));
    }
    let new_ledger = Ledger::from_bytes(&new_bytes);
    let mut report = vec![format!(
        "旧副本：{} 条，最新哈希 {}",
        old_ledger.entries.len(),
        head(&old_ledger)
    )];
    let diverged = |found: String, report: &Vec<String>| Failure::Diverged {
        found,
        report: report.clone(),
    };
    if let Some(b) = &new_ledger.broken {
        return Err(diverged(
            format!(
                "新副本 {new} 的 {FILE} 第 {} 行不成立：{}",
                b.line, b.message
            ),
            &report,
        ));
    }
    report.push(format!(
        "新副本：{} 条，最新哈希 {}，每一行都与上一行相连",
        new_ledger.entries.len(),
        head(&new_ledger)
    ));
    if let Some(found) = first_divergence(&old_bytes, &new_bytes, &old_ledger, &new_ledger) {
        return Err(diverged(found, &report));
    }
    report.push(format!(
        "旧副本的 {} 行原样是新副本的前 {} 行：历史没有被改写",
        old_ledger.entries.len(),
        old_ledger.entries.len()
    ));
    let count = check_projects(&new_ledger, &projects).map_err(|found| diverged(found, &report))?;
    report.push(format!(
        "新副本的 data/projects.json 的 {count} 个项目与公开记录里各项目最新登记的内容一致"
    ));
    report.extend(changes(&new_ledger, old_ledger.entries.len()));
    Ok(Verified { lines: report })
}

fn head(l: &Ledger) -> String {
    l.head(l.entries.len())
        .map_or_else(|| "（空）".to_string(), |h| hex(&h)[..12].to_string())
}

/// The first line of OLD that NEW does not hold byte for byte.
fn first_divergence(
    old_bytes: &[u8],
    new_bytes: &[u8],
    old: &Ledger,
    new: &Ledger,
) -> Option<String> {
    let describe = |l: &Ledger, i: usize| {
        let e = &l.entries[i];
        format!(
            "{} {} {} {}",
            e.date,
            e.action.key(),
            e.key.kind.key(),
            e.key.id
        )
    };
    let old_lines: Vec<&[u8]> = old_bytes.split(|b| *b == b'\n').collect();
    let new_lines: Vec<&[u8]> = new_bytes.split(|b| *b == b'\n').collect();
    for i in 0..old.entries.len() {
        if i >= new.entries.len() {
            return Some(format!(
                "历史被改写：新副本的 {FILE} 只有 {} 行，旧副本第 {} 行（{}）起的 {} 行不见了",
                new.entries.len(),
                i + 1,
                describe(old, i),
                old.entries.len() - i
            ));
        }
        if old_lines[i] != new_lines[i] {
            return Some(format!(
                "历史被改写：{FILE} 第 {} 行不同。旧副本：{}；新副本：{}",
                i + 1,
                describe(old, i),
                describe(new, i)
            ));
        }
    }
    None
}

/// The latest entry of every record in `ledger`.
fn latest(ledger: &Ledger) -> std::collections::BTreeMap<&Key, usize> {
    ledger
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (&e.key, i))
        .collect()
}

/// Whether every project of projects.json is its latest ledger entry, and every project of the
/// ledger is in projects.json; how many projects there are.
fn check_projects(ledger: &Ledger, projects: &Value) -> Result<usize, String> {
    let Some(list) = projects.as_array() else {
        return Err("data/projects.json 不是项目的数组".into());
    };
    let latest = latest(ledger);
    let mut listed = std::collections::BTreeSet::new();
    for p in list {
        let id = p["id"].as_str().unwrap_or_default();
        listed.insert(id.to_string());
        let key = Key {
            kind: Kind::Project,
            id: id.to_string(),
        };
        let Some(i) = latest.get(&key) else {
            return Err(format!(
                "数据不符：data/projects.json 里有项目 {id}，公开记录里没有它"
            ));
        };
        let e = &ledger.entries[*i];
        let record = ledger
            .record(e)
            .map_err(|err| format!("读不出公开记录第 {} 行：{err}", e.line))?;
        if let Some(field) = disagreement(&record, p) {
            return Err(format!(
                "数据不符：项目 {id} 的 {field} 与公开记录第 {} 行（{}）登记的不同",
                e.line, e.date
            ));
        }
    }
    for (key, i) in &latest {
        if key.kind == Kind::Project && !listed.contains(&key.id) {
            return Err(format!(
                "数据不符：公开记录第 {} 行登记了项目 {}，data/projects.json 里没有它",
                ledger.entries[*i].line, key.id
            ));
        }
    }
    Ok(list.len())
}

/// Whether the decisions a record names (one id, or a list) are those of projects.json:
/// `decisions` lists them all; a site written before that key existed has only `decision`,
/// the first, and is compared on it.
fn same_decisions(record: Option<&Canon>, p: &Value) -> bool {
    let ids: Vec<&str> = match record {
        Some(Canon::Arr(items)) => items.iter().filter_map(Canon::as_text).collect(),
        Some(c) => c.as_text().into_iter().collect(),
        None => Vec::new(),
    };
    let ids: Vec<&str> = ids.into_iter().map(str::trim).collect();
    match p["decisions"].as_array() {
        Some(listed) => {
            let listed: Vec<&str> = listed.iter().filter_map(|d| d["id"].as_str()).collect();
            ids == listed
        }
        None => ids.first().copied() == p["decision"].as_str(),
    }
}

/// The first field in which a project of projects.json differs from its ledger record.
fn disagreement(record: &Canon, p: &Value) -> Option<String> {
    let text = |c: Option<&Canon>| c.and_then(Canon::as_text).map(|s| s.trim().to_string());
    let json = |v: &Value| v.as_str().map(|s| s.trim().to_string());
    let same = |a: Option<String>, b: Option<String>| match (&a, &b) {
        (Some(x), Some(y)) => match (parse_decimal(x), parse_decimal(y)) {
            (Some(m), Some(n)) => m == n,
            _ => x == y,
        },
        _ => a.is_none() && b.is_none(),
    };
    if !same_decisions(record.get("decision"), p) {
        return Some("decision".into());
    }
    let fields: [(&str, Option<&Canon>, &Value); 5] = [
        ("name", record.get("name"), &p["name"]),
        ("category", record.get("category"), &p["category"]),
        ("published", record.get("published"), &p["published"]),
        ("start", record.get("start"), &p["start"]),
        ("deadline", record.get("deadline"), &p["deadline"]),
    ];
    for (name, c, v) in &fields {
        if !same(text(*c), json(v)) {
            return Some((*name).to_string());
        }
    }
    for name in ["completed", "accepted"] {
        if p[name].is_string() && !same(text(record.get(name)), json(&p[name])) {
            return Some(name.to_string());
        }
    }
    let contractor = record.get("contractor");
    for name in ["name", "credit_code", "responsible"] {
        if !same(
            text(contractor.and_then(|c| c.get(name))),
            json(&p["contractor"][name]),
        ) {
            return Some(format!("contractor.{name}"));
        }
    }
    let funding: Vec<(String, Option<String>)> = match record.get("funding") {
        Some(Canon::Obj(f)) => f
            .iter()
            .map(|(k, v)| (k.clone(), v.as_text().map(str::to_string)))
            .collect(),
        _ => Vec::new(),
    };
    let listed = p["funding"].as_object().map_or(0, |o| o.len());
    if funding.len() != listed
        || funding
            .iter()
            .any(|(k, v)| !same(v.clone(), json(&p["funding"][k])))
    {
        return Some("funding".into());
    }
    let targets: &[Canon] = match record.get("targets") {
        Some(Canon::Arr(t)) => t,
        _ => &[],
    };
    let listed = p["targets"].as_array().map_or(&[][..], Vec::as_slice);
    if targets.len() != listed.len() {
        return Some("targets".into());
    }
    for (i, (t, j)) in targets.iter().zip(listed).enumerate() {
        for name in ["indicator", "target", "unit"] {
            if !same(text(t.get(name)), json(&j[name])) {
                return Some(format!("targets[{}].{name}", i + 1));
            }
        }
    }
    None
}

/// What NEW holds that OLD did not: each entry after OLD's last, in words.
fn changes(ledger: &Ledger, from: usize) -> Vec<String> {
    let added = &ledger.entries[from..];
    if added.is_empty() {
        return vec!["两个副本之间没有新的登记".into()];
    }
    let mut out = vec![format!("新增 {} 条登记：", added.len())];
    let mut before: std::collections::HashMap<&Key, usize> = std::collections::HashMap::new();
    for (i, e) in ledger.entries.iter().enumerate() {
        if i >= from {
            let record = ledger.record(e).ok();
            let title = record
                .as_ref()
                .and_then(|r| r.get("title").or_else(|| r.get("name")))
                .and_then(Canon::as_str)
                .unwrap_or_default()
                .to_string();
            let mut line = format!(
                "  第 {} 行 {} {} {} {}{}",
                e.line,
                e.date,
                e.action.label(),
                e.key.kind.label(),
                e.key.id,
                if title.is_empty() {
                    String::new()
                } else {
                    format!(" “{title}”")
                }
            );
            if let Some(r) = &e.reason {
                line.push_str(&format!("：{r}"));
            }
            if e.action == Action::Correct
                && let (Some(prev), Some(now)) = (before.get(&e.key), &record)
                && let Ok(old) = ledger.record(&ledger.entries[*prev])
            {
                for c in canon::diff(&old, now) {
                    line.push_str(&format!(
                        "\n      {}：{} → {}",
                        c.path,
                        c.old.as_deref().unwrap_or("（无）"),
                        c.new.as_deref().unwrap_or("（无）")
                    ));
                }
            }
            out.push(line);
        }
        before.insert(&e.key, i);
    }
    out
}
