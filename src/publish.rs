//! `gongkai publish` and `gongkai ledger init`: the only code that writes `ledger.jsonl`, and
//! only at its end (`init` creates it, once). It reads the derived facts of one build and the
//! ledger's file format; the pipeline in `lib.rs` calls it.

use std::io::Write as _;
use std::path::Path;

use rayon::prelude::*;

use crate::date::Date;
use crate::derive::Derived;
use crate::derive::ledger::{At, file, published, title};
use crate::ledger::{Action, FILE, Hash, Key, Ledger, NewEntry};
use crate::model::{Site, text, val};

/// What a publish appends.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The lines, each ending in a newline.
    pub lines: String,
    /// How long the file was when it was read: the lines go right after.
    pub after: usize,
    pub entries: Vec<RecordedEntry>,
    /// The ledger's head and number of entries once they are appended.
    pub head: Option<Hash>,
    pub count: usize,
}

/// One entry appended, as the webmaster is told of it.
#[derive(Debug, Clone)]
pub struct RecordedEntry {
    pub action: Action,
    pub key: Key,
    pub title: String,
    pub reason: Option<String>,
}

impl RecordedEntry {
    /// `新公开 项目 cold-chain “县域电商冷链物流设施建设”`, with the reason of a correction or
    /// a withdrawal.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} {} {} “{}”",
            self.action.label(),
            self.key.kind.label(),
            self.key.id,
            self.title
        );
        if let Some(r) = &self.reason {
            s.push_str(&format!("：{r}"));
        }
        s
    }
}

impl Recorded {
    /// The closing line: how many of each, and the head.
    pub fn summary(&self) -> String {
        let n = |a: Action| self.entries.iter().filter(|e| e.action == a).count();
        let head = self.head.map_or(String::new(), |h| {
            format!("，最新哈希 {}", &crate::ledger::hex(&h)[..12])
        });
        if self.entries.is_empty() {
            format!("公开记录 {FILE} 没有新的变化（共 {} 条{head}）", self.count)
        } else {
            format!(
                "已在公开记录 {FILE} 末尾追加 {} 条：新公开 {}，更正 {}，撤回 {}（共 {} 条{head}）",
                self.entries.len(),
                n(Action::Publish),
                n(Action::Correct),
                n(Action::Withdraw),
                self.count
            )
        }
    }
}

/// Makes the entries a publish on `as_of` appends and puts them in the ledger `derived` shows
/// (the file is written by [`append`], once the site is rendered).
pub fn record(site: &Site, derived: &mut Derived, as_of: Date) -> Result<Recorded, String> {
    let facts = &mut derived.ledger;
    let after = facts.ledger.as_ref().map_or(0, |l| l.length);
    let entries: Vec<RecordedEntry> = facts
        .pending()
        .into_iter()
        .map(|(i, action, reason)| {
            let r = &facts.records[i];
            RecordedEntry {
                action,
                key: r.key.clone(),
                title: title(site, r.at),
                reason,
            }
        })
        .collect();
    let (lines, _) = facts.record_pending(site, as_of)?;
    let (head, count) = facts
        .head()
        .map_or((None, facts.count), |(h, n)| (Some(h), n));
    Ok(Recorded {
        lines,
        after,
        entries,
        head,
        count,
    })
}

/// Appends the lines to `ledger.jsonl` (creating it for a site that had none), after checking
/// that nobody changed the file since it was read.
pub fn append(root: &Path, r: &Recorded) -> Result<(), String> {
    if r.lines.is_empty() {
        return Ok(());
    }
    let path = root.join(FILE);
    let fail = |e: std::io::Error| format!("写入 {FILE} 失败：{e}");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(fail)?;
    let len = f.metadata().map_err(fail)?.len() as usize;
    if len != r.after {
        return Err(format!(
            "{FILE} 在生成网站期间被改动了（读取时 {} 字节，现在 {len} 字节）：请重新运行 gongkai publish",
            r.after
        ));
    }
    f.write_all(r.lines.as_bytes()).map_err(fail)?;
    f.sync_all().map_err(fail)
}

/// The ledger `ledger init` wrote: how many entries, how many of them withdrawals, and the head.
pub struct Adopted {
    pub count: usize,
    pub withdrawn: usize,
    pub head: Option<Hash>,
}

/// `gongkai ledger init` for a checked site without errors: adopts the column. Every public
/// record is entered with its own declared `published` date as an `import` (the programme with
/// its plan's date), and every withdrawal in force with its date; lines in date order, then kind
/// and id.
pub fn init(root: &Path, site: &Site, derived: &Derived) -> Result<Adopted, String> {
    let path = root.join(FILE);
    if path.exists() {
        return Err(already_there(&path));
    }
    let as_of = derived.ctx.as_of;
    let plan_date = site
        .programme
        .as_ref()
        .and_then(|p| text(&p.plan))
        .and_then(|id| site.document(id))
        .and_then(|d| val(&d.published).copied())
        .filter(|d| *d <= as_of)
        .unwrap_or(as_of);
    let mut planned: Vec<(Date, Key, Action, Option<String>, &str)> = Vec::new();
    for r in derived.ledger.records.iter().filter(|r| r.visible) {
        let date = match r.at {
            At::Programme => plan_date,
            at => published(site, at).map_or(as_of, |p| p.value),
        };
        planned.push((date, r.key.clone(), Action::Import, None, file(site, r.at)));
        let withdrawal = crate::derive::ledger::disclosure(site, r.at)
            .and_then(|d| d.withdrawn_by(as_of))
            .map(|(on, reason)| (on.max(date), reason.to_string()));
        if let Some((on, reason)) = withdrawal {
            planned.push((
                on,
                r.key.clone(),
                Action::Withdraw,
                Some(reason),
                file(site, r.at),
            ));
        }
    }
    planned.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    let new: Vec<NewEntry> = planned
        .par_iter()
        .map(|(date, key, action, reason, file)| {
            Ok(NewEntry {
                date: *date,
                action: *action,
                key: key.clone(),
                record: crate::load::read_canonical(&site.root, file)?,
                reason: reason.clone(),
            })
        })
        .collect::<Result<_, String>>()?;
    let (lines, entries) = Ledger::from_bytes(b"").lines_after(0, &new);
    let tmp = root.join(format!(".{FILE}.tmp"));
    let written = std::fs::write(&tmp, lines.as_bytes())
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("写入 {} 失败：{e}", path.display()));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    let withdrawn = entries
        .iter()
        .filter(|e| e.action == Action::Withdraw)
        .count();
    Ok(Adopted {
        count: entries.len(),
        withdrawn,
        head: entries.last().map(|e| e.line_hash),
    })
}

/// The refusal when `ledger.jsonl` is there already.
pub fn already_there(path: &Path) -> String {
    format!(
        "{} 已经存在：公开记录建立之后只由 gongkai publish 在末尾追加，ledger init 只用于第一次",
        path.display()
    )
}
