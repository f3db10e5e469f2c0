//! Harvesting is sync: each county's `/data/` is read from its published site (a folder or an
//! http(s) URL), checked, and kept in `zone-state/<id>/` as the last good copy. A county that
//! cannot be read, or whose data is broken, keeps its last good copy; one whose ledger no longer
//! extends the copy held is refused, and the copy kept. A copy is replaced in one step (written
//! beside, then renamed), so a harvest killed midway never leaves half a county.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::ledger::{Ledger, hex, tagged};

/// The files a zone takes from a county's `/data/`.
pub const COLUMN: &str = "column.json";
pub const PROJECTS: &str = "projects.json";
pub const LEDGER: &str = "ledger.jsonl";
pub const OCDS: &str = "ocds.json";
/// The date of the harvest the copy came from.
const SYNCED: &str = "synced.txt";
/// What the zone keeps beside a copy, made once when the copy is stored: the projects as the
/// pages and the score read them ([`prune`]), and each county's part of the merged
/// projects.json and ocds.json. A rebuild reads these, not the county's files whole.
const SHOWN_FILE: &str = "zone-shown.json";
const PROJECTS_PART: &str = "zone-projects.part";
const RELEASES_PART: &str = "zone-releases.part";

/// A county's data, as harvested and checked. The OCDS package and the ledger stay on disk in
/// the state folder (`dir`): the zone reads them one county at a time, when it needs them.
#[derive(Debug, Clone)]
pub struct Copy {
    pub column: Value,
    pub projects: Vec<Value>,
    /// The state folder the copy is kept in.
    pub dir: PathBuf,
    /// The day this copy was harvested (YYYY-MM-DD).
    pub synced: String,
}

/// What the zone's pages and score read of a project, as it is kept; the rest (its text,
/// payments and the reports on time) is in the county's projects.json, which the merged data
/// carries whole.
const SHOWN: &[&str] = &[
    "id",
    "number",
    "name",
    "category_name",
    "decision",
    "contractor",
    "funding",
    "funding_total",
    "deadline",
    "percent",
    "disbursed",
    "status",
    "late",
    "withdrawn",
    "url",
];

/// A project kept in what the pages and the score read: the fields of [`SHOWN`]; the text and
/// the targets only as present or not (a stand-in when present: the score asks no more); the
/// reports that were late or are missing, whole (the score explains each, the pages count the
/// missing ones).
pub fn prune(mut p: Value) -> Value {
    let Value::Object(o) = &mut p else { return p };
    let present = |v: Option<&Value>| match v {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        _ => false,
    };
    let content = present(o.get("content"));
    let targets = o
        .get("targets")
        .and_then(Value::as_array)
        .and_then(|t| t.first().cloned());
    let reports: Vec<Value> = match o.remove("reports") {
        Some(Value::Array(r)) => r
            .into_iter()
            .filter(|r| matches!(r["state"].as_str(), Some("late" | "missing")))
            .collect(),
        _ => Vec::new(),
    };
    o.retain(|k, _| SHOWN.contains(&k.as_str()));
    if content {
        o.insert("content".into(), Value::String("…".into()));
    }
    if let Some(t) = targets {
        o.insert("targets".into(), Value::Array(vec![t]));
    }
    o.insert("reports".into(), Value::Array(reports));
    p
}

impl Copy {
    /// The county's part of the merged projects.json, or of ocds.json (see [`kept`]); made
    /// again from its files for a copy stored before the zone kept its parts.
    pub fn part(&self, releases: bool) -> Vec<u8> {
        let name = if releases {
            RELEASES_PART
        } else {
            PROJECTS_PART
        };
        if let Ok(b) = fs::read(self.dir.join(name)) {
            return b;
        }
        let county = self
            .dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let ocds = Value::Object(
            [(
                "releases".to_string(),
                Value::Array(if releases {
                    self.ocds_releases()
                } else {
                    Vec::new()
                }),
            )]
            .into_iter()
            .collect(),
        );
        let projects = if releases {
            Vec::new()
        } else {
            self.full_projects()
        };
        let (_, part, rel) = kept(&county, projects, &ocds);
        if releases { rel } else { part }
    }

    /// The county's projects as it published them, whole (for the merged projects.json).
    pub fn full_projects(&self) -> Vec<Value> {
        fs::read(self.dir.join(PROJECTS))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The releases of the county's OCDS package.
    pub fn ocds_releases(&self) -> Vec<Value> {
        fs::read(self.dir.join(OCDS))
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|mut v| match v["releases"].take() {
                Value::Array(a) => Some(a),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// The raw files of one harvest.
struct Files {
    column: Vec<u8>,
    projects: Vec<u8>,
    ocds: Vec<u8>,
    ledger: Vec<u8>,
}

/// What became of one county's harvest.
#[derive(Debug)]
pub enum Outcome {
    /// New or unchanged data taken.
    Fresh,
    /// The source could not be read.
    Unreachable(String),
    /// The source's data does not parse or contradicts itself.
    Invalid(String),
    /// The source's ledger does not extend the copy held.
    Rewritten(String),
}

/// Reads one file of a county's `/data/`: from a folder, or over HTTP with time limits and
/// retries.
fn fetch(source: &Source, name: &str) -> Result<Vec<u8>, String> {
    match source {
        Source::Folder(dir) => {
            let path = dir.join("data").join(name);
            fs::read(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => format!("{} 不存在", path.display()),
                _ => format!("无法读取 {}：{e}", path.display()),
            })
        }
        Source::Url(base) => http_get(&format!("{}/data/{name}", base.trim_end_matches('/'))),
    }
}

/// How many times a fetch is tried, and how long each may take.
const TRIES: u32 = 3;

fn http_get(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut last = String::new();
    for attempt in 0..TRIES {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(200 << attempt));
        }
        match agent.get(url).call() {
            Ok(mut r) => match r.body_mut().with_config().limit(4 << 30).read_to_vec() {
                Ok(bytes) => return Ok(bytes),
                Err(e) => last = e.to_string(),
            },
            // A missing file stays missing: no retry.
            Err(ureq::Error::StatusCode(404)) => return Err(format!("{url} 不存在（404）")),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("读取 {url} 失败（试了 {TRIES} 次）：{last}"))
}

/// Where a county's published site is.
#[derive(Debug, Clone)]
pub enum Source {
    Folder(PathBuf),
    Url(String),
}

impl Source {
    /// `source` of zone.toml, a folder relative to the zone file's folder, or an http(s) URL.
    pub fn new(text: &str, base: &Path) -> Source {
        if text.starts_with("http://") || text.starts_with("https://") {
            Source::Url(text.to_string())
        } else {
            Source::Folder(base.join(text))
        }
    }
}

fn sha(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes).into())
}

/// Parses and checks one harvest: column.json in its format, every file matching the SHA-256
/// column.json names, the ledger's chain holding and its head the one column.json gives.
/// Returns column.json and the projects.
fn parse(files: &Files) -> Result<(Value, Vec<Value>, Value), String> {
    let column: Value = serde_json::from_slice(&files.column)
        .map_err(|e| format!("data/{COLUMN} 不是有效的 JSON：{e}"))?;
    if column["format"] != super::COLUMN_FORMAT {
        return Err(format!(
            "data/{COLUMN} 的 format 不是 {}（是 {}）",
            super::COLUMN_FORMAT,
            column["format"]
        ));
    }
    let named = |name: &str, bytes: &[u8]| -> Result<(), String> {
        let want = column["files"][name]["sha256"].as_str();
        match want {
            Some(w) if w == sha(bytes) => Ok(()),
            Some(_) => Err(format!(
                "data/{name} 与 data/{COLUMN} 记下的 SHA-256 不符（可能上传到一半，或被改过）"
            )),
            None => Err(format!("data/{COLUMN} 没有记下 data/{name}")),
        }
    };
    named(PROJECTS, &files.projects)?;
    named(OCDS, &files.ocds)?;
    let projects: Vec<Value> = serde_json::from_slice(&files.projects)
        .map_err(|e| format!("data/{PROJECTS} 不是项目数组：{e}"))?;
    if let Some(p) = projects.iter().find(|p| !p["id"].is_string()) {
        return Err(format!("data/{PROJECTS} 里有没有 id 的项目：{p:.80}"));
    }
    let ocds: Value = serde_json::from_slice(&files.ocds)
        .map_err(|e| format!("data/{OCDS} 不是有效的 JSON：{e}"))?;
    if !ocds["releases"].is_array() {
        return Err(format!("data/{OCDS} 不是 OCDS 发布包（没有 releases）"));
    }
    if !column["ledger"].is_null() {
        named(LEDGER, &files.ledger)?;
        let ledger = Ledger::from_bytes(&files.ledger);
        if let Some(b) = &ledger.broken {
            return Err(format!(
                "data/{LEDGER} 第 {} 行不成立：{}",
                b.line, b.message
            ));
        }
        let head = ledger.head(ledger.entries.len()).map(|h| tagged(&h));
        if head.as_deref() != column["ledger"]["head"].as_str() {
            return Err(format!(
                "data/{LEDGER} 的最新哈希与 data/{COLUMN} 写的 {} 不符",
                column["ledger"]["head"]
            ));
        }
    }
    Ok((column, projects, ocds))
}

/// What the zone keeps beside a new copy (see [`SHOWN_FILE`]): the projects as shown, and the
/// county's parts of the merged projects.json (withdrawn left out, each with its `county`) and
/// ocds.json (its releases as they are), each a run of JSON values joined by commas.
fn kept(county: &str, projects: Vec<Value>, ocds: &Value) -> (Vec<Value>, Vec<u8>, Vec<u8>) {
    let mut part = Vec::new();
    for p in projects.iter().filter(|p| p["withdrawn"].is_null()) {
        let mut v = p.clone();
        if let Some(o) = v.as_object_mut() {
            o.insert("county".into(), Value::String(county.to_string()));
        }
        if !part.is_empty() {
            part.push(b',');
        }
        let _ = serde_json::to_writer(&mut part, &v);
    }
    let mut releases = Vec::new();
    for r in ocds["releases"].as_array().into_iter().flatten() {
        if !releases.is_empty() {
            releases.push(b',');
        }
        let _ = serde_json::to_writer(&mut releases, r);
    }
    (projects.into_iter().map(prune).collect(), part, releases)
}

/// Reads the copy held in `dir`, if there is one. It was checked whole when it was stored, and
/// it is replaced only whole, so it is read without checking again.
pub fn held(dir: &Path) -> Option<Copy> {
    let column = serde_json::from_slice(&fs::read(dir.join(COLUMN)).ok()?).ok()?;
    let projects = match fs::read(dir.join(SHOWN_FILE)) {
        Ok(b) => serde_json::from_slice(&b).ok()?,
        // A copy stored before the zone kept its parts.
        Err(_) => serde_json::from_slice::<Vec<Value>>(&fs::read(dir.join(PROJECTS)).ok()?)
            .ok()?
            .into_iter()
            .map(prune)
            .collect(),
    };
    let synced = fs::read_to_string(dir.join(SYNCED)).ok()?;
    Some(Copy {
        column,
        projects,
        dir: dir.to_path_buf(),
        synced: synced.trim().to_string(),
    })
}

/// Where OLD's ledger and NEW's part, when NEW does not extend OLD: the first line of OLD that
/// NEW does not hold byte for byte.
fn rewritten(old: &[u8], new: &[u8]) -> Option<String> {
    if new.starts_with(old) {
        return None;
    }
    let old_lines: Vec<&[u8]> = old.split_inclusive(|b| *b == b'\n').collect();
    let new_lines: Vec<&[u8]> = new.split_inclusive(|b| *b == b'\n').collect();
    let at = old_lines
        .iter()
        .zip(&new_lines)
        .position(|(a, b)| a != b)
        .unwrap_or(new_lines.len());
    Some(if at >= new_lines.len() {
        format!(
            "新的 data/{LEDGER} 只有 {} 行，专区保存的副本有 {} 行：第 {} 行起的登记不见了",
            new_lines.len(),
            old_lines.len(),
            at + 1
        )
    } else {
        format!(
            "新的 data/{LEDGER} 第 {} 行与专区保存的副本不同：已公开的历史被改写",
            at + 1
        )
    })
}

/// Harvests one county into `dir`: returns what happened and the copy to use (the new one, or
/// the one held, or none when the zone never had good data from it).
pub fn sync(source: &Source, dir: &Path, today: &str) -> (Outcome, Option<Copy>) {
    recover(dir);
    let old = held(dir);
    let column = match fetch(source, COLUMN) {
        Ok(b) => b,
        Err(e) => return (Outcome::Unreachable(e), old),
    };
    // column.json names every other file by its hash: the same bytes, the same data.
    if let Some(o) = &old
        && fs::read(dir.join(COLUMN)).is_ok_and(|b| b == column)
    {
        let mut copy = o.clone();
        copy.synced = today.to_string();
        let _ = fs::write(dir.join(SYNCED), today);
        return (Outcome::Fresh, Some(copy));
    }
    let mut files = Files {
        column,
        projects: Vec::new(),
        ocds: Vec::new(),
        ledger: Vec::new(),
    };
    for (name, slot) in [(PROJECTS, &mut files.projects), (OCDS, &mut files.ocds)] {
        match fetch(source, name) {
            Ok(b) => *slot = b,
            Err(e) => return (Outcome::Unreachable(e), old),
        }
    }
    let keeps_ledger =
        serde_json::from_slice::<Value>(&files.column).is_ok_and(|c| !c["ledger"].is_null());
    if keeps_ledger {
        match fetch(source, LEDGER) {
            Ok(b) => files.ledger = b,
            Err(e) => return (Outcome::Unreachable(e), old),
        }
    }
    let (column, projects, ocds) = match parse(&files) {
        Ok(c) => c,
        Err(e) => return (Outcome::Invalid(e), old),
    };
    if old.is_some() {
        let held = fs::read(dir.join(LEDGER)).unwrap_or_default();
        if let Some(why) = rewritten(&held, &files.ledger) {
            return (Outcome::Rewritten(why), old);
        }
    }
    let county = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let (projects, part, releases) = kept(&county, projects, &ocds);
    drop(ocds);
    let shown = serde_json::to_vec(&projects).unwrap_or_default();
    match store(
        dir,
        &files,
        today,
        [
            (SHOWN_FILE, &shown),
            (PROJECTS_PART, &part),
            (RELEASES_PART, &releases),
        ],
    ) {
        Ok(()) => (
            Outcome::Fresh,
            Some(Copy {
                column,
                projects,
                dir: dir.to_path_buf(),
                synced: today.to_string(),
            }),
        ),
        Err(e) => (
            Outcome::Unreachable(format!("无法保存到 {}：{e}", dir.display())),
            old,
        ),
    }
}

/// Finishes what a harvest killed while it replaced a copy left behind: the new copy half
/// written is removed, and a copy moved aside but not yet replaced is put back.
fn recover(dir: &Path) {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut aside = Vec::new();
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let pid = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid == Some(std::process::id()) {
            continue;
        }
        if rest.starts_with("new-") {
            let _ = fs::remove_dir_all(e.path());
        } else if rest.starts_with("old-") {
            aside.push(e.path());
        }
    }
    for old in aside {
        if dir.exists() {
            let _ = fs::remove_dir_all(&old);
        } else {
            let _ = fs::rename(&old, dir);
        }
    }
}

/// Replaces the copy in `dir` in one step: written into a folder beside it, then renamed.
fn store(dir: &Path, files: &Files, today: &str, kept: [(&str, &[u8]); 3]) -> std::io::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .map_or_else(|| "county".into(), |n| n.to_string_lossy().into_owned());
    let pid = std::process::id();
    let new = parent.join(format!(".{name}.new-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&new);
    fs::create_dir_all(&new)?;
    fs::write(new.join(COLUMN), &files.column)?;
    fs::write(new.join(PROJECTS), &files.projects)?;
    fs::write(new.join(OCDS), &files.ocds)?;
    if !files.ledger.is_empty() {
        fs::write(new.join(LEDGER), &files.ledger)?;
    }
    for (name, bytes) in kept {
        fs::write(new.join(name), bytes)?;
    }
    fs::write(new.join(SYNCED), today)?;
    if dir.exists() {
        fs::rename(dir, &old)?;
    }
    fs::rename(&new, dir)?;
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_moved_aside_by_a_harvest_that_was_killed_is_put_back() {
        let state = tempfile::tempdir().unwrap();
        let dir = state.path().join("ruyuan");
        let aside = state.path().join(".ruyuan.old-999999");
        let half = state.path().join(".ruyuan.new-999999");
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join(COLUMN), "{}").unwrap();
        fs::create_dir_all(&half).unwrap();
        recover(&dir);
        assert!(dir.join(COLUMN).is_file());
        assert!(!aside.exists() && !half.exists());
    }

    #[test]
    fn a_ledger_extends_another_only_when_it_holds_every_line_unchanged() {
        let old = b"a\nb\n";
        assert_eq!(rewritten(old, b"a\nb\nc\n"), None);
        assert_eq!(rewritten(b"", b"a\n"), None);
        assert!(rewritten(old, b"a\nX\nc\n").unwrap().contains("第 2 行"));
        assert!(rewritten(old, b"a\n").unwrap().contains("第 2 行起"));
    }
}
