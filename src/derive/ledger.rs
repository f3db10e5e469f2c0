//! What the publication ledger means for one build (SPEC §7): for every record, its latest entry
//! in effect on the as-of date and how the record stands against it — new, unchanged, corrected
//! with a reason, changed silently, withdrawn — and every correction and withdrawal the public is
//! shown. The ledger rules and the pages read these same values; `publish` appends what they
//! call pending.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{DocumentFacts, NoticeFacts, ProjectFacts};
use crate::date::Date;
use crate::ledger::{Action, Key, Kind, Ledger, NewEntry, file::Broken};
use crate::model::*;

/// Where a record is in the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    Programme,
    Document(usize),
    Project(usize),
    /// A project (by position) and one of its reports.
    Progress(usize, usize),
    Notice(usize),
}

/// How a record stands against its latest entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Not public yet, or the site keeps no ledger.
    Unrecorded,
    /// Public and not in the ledger: the next publish records it. `backdated` holds the earliest
    /// honest `published` date when the record claims a date the ledger had already passed.
    New {
        backdated: Option<Date>,
    },
    Unchanged,
    /// Changed, and explained by `[[corrections]]` dated after the latest entry.
    Corrected {
        reason: String,
    },
    /// Changed with no correction to explain it; `restored` when what changed is that a withdrawn
    /// record came back.
    Silent {
        restored: bool,
    },
}

/// One record of the site, as the ledger sees it.
#[derive(Clone, Debug)]
pub struct LedgerRecord {
    pub key: Key,
    pub at: At,
    /// Public on the as-of date.
    pub visible: bool,
    /// Index of its latest entry in effect.
    pub latest: Option<usize>,
    /// Its latest entry withdrew it (and no correction brought it back).
    pub withdrawn_in_ledger: bool,
    pub status: Status,
    /// A withdrawal in force that the ledger does not hold yet: its reason.
    pub withdraw: Option<String>,
}

/// A correction or withdrawal in effect: its entry, and the entry before it for the same record
/// (what the correction changed from).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub entry: usize,
    pub before: Option<usize>,
}

/// The ledger's facts for one build.
#[derive(Clone, Debug, Default)]
pub struct LedgerFacts {
    /// The ledger as this build shows it; `None` when the site keeps none (the rules are off).
    pub ledger: Option<Arc<Ledger>>,
    /// Entries in effect on the as-of date (later ones are ignored).
    pub count: usize,
    /// The first line that does not hold; while there is one, no other ledger fact is derived.
    pub broken: Option<Broken>,
    /// Date of the last entry in effect.
    pub last_date: Option<Date>,
    /// Every record of the site, by kind and id.
    pub records: Vec<LedgerRecord>,
    /// Latest entries (indices) of recorded records whose file is gone.
    pub removed: Vec<usize>,
    /// Every correction and withdrawal in effect, in ledger order.
    pub changes: Vec<Change>,
    /// Indices in `changes` by record.
    pub history: HashMap<Key, Vec<usize>>,
    /// Corrections of each project, its own and its reports': how many, and the latest date.
    pub corrected: HashMap<String, (usize, Date)>,
}

/// The key of a monthly report.
pub fn progress_key(project: &str, month: crate::date::Month) -> Key {
    Key {
        kind: Kind::Progress,
        id: format!("{project}/{month}"),
    }
}

/// The record at `at`: its disclosure fields.
pub fn disclosure(site: &Site, at: At) -> Option<&Disclosure> {
    Some(match at {
        At::Programme => &site.programme.as_ref()?.disclosure,
        At::Document(i) => &site.documents[i].disclosure,
        At::Project(i) => &site.projects[i].disclosure,
        At::Progress(i, j) => &site.projects[i].progress[j].disclosure,
        At::Notice(i) => &site.notices[i].disclosure,
    })
}

/// The file of the record at `at`.
pub fn file(site: &Site, at: At) -> &str {
    match at {
        At::Programme => site
            .programme
            .as_ref()
            .map_or("content/programme.toml", |p| &p.file),
        At::Document(i) => &site.documents[i].file,
        At::Project(i) => &site.projects[i].file,
        At::Progress(i, j) => &site.projects[i].progress[j].file,
        At::Notice(i) => &site.notices[i].file,
    }
}

/// The record's declared `published` date (the programme has none).
pub fn published(site: &Site, at: At) -> Option<&Spanned<Date>> {
    match at {
        At::Programme => None,
        At::Document(i) => site.documents[i].published.as_ref(),
        At::Project(i) => site.projects[i].published.as_ref(),
        At::Progress(i, j) => site.projects[i].progress[j].published.as_ref(),
        At::Notice(i) => site.notices[i].published.as_ref(),
    }
}

/// What a record is called on its page: its title or name (a report: its project and month).
pub fn title(site: &Site, at: At) -> String {
    let t = |f: &Field<String>| text(f).unwrap_or_default().to_string();
    match at {
        At::Programme => site
            .programme
            .as_ref()
            .map(|p| t(&p.name))
            .unwrap_or_default(),
        At::Document(i) => t(&site.documents[i].title),
        At::Project(i) => t(&site.projects[i].name),
        At::Progress(i, j) => format!(
            "{}（{}）",
            t(&site.projects[i].name),
            site.projects[i].progress[j].month.chinese()
        ),
        At::Notice(i) => t(&site.notices[i].title),
    }
}

/// The line a `[[corrections]]` block goes before: the closing `+++` of a `.md` file's front
/// matter (`None` for programme.toml, where it goes at the end).
pub fn front_matter_end(site: &Site, at: At) -> Option<u32> {
    let body = match at {
        At::Programme => return None,
        At::Document(i) => &site.documents[i].body,
        At::Project(i) => &site.projects[i].body,
        At::Progress(i, j) => &site.projects[i].progress[j].body,
        At::Notice(i) => &site.notices[i].body,
    };
    body.first_line.checked_sub(1)
}

/// Every record of the site that parsed, with whether it is public, by kind and id (the first
/// of two records claiming one id).
fn site_records(
    site: &Site,
    documents: &[DocumentFacts],
    projects: &[ProjectFacts],
    notices: &[NoticeFacts],
) -> Vec<LedgerRecord> {
    let record = |kind, id: String, at, visible| LedgerRecord {
        key: Key { kind, id },
        at,
        visible,
        latest: None,
        withdrawn_in_ledger: false,
        status: Status::Unrecorded,
        withdraw: None,
    };
    let reports: usize = site.projects.iter().map(|p| p.progress.len()).sum();
    let mut out = Vec::with_capacity(
        1 + site.documents.len() + site.projects.len() + reports + site.notices.len(),
    );
    if site.programme.is_some() {
        out.push(record(
            Kind::Programme,
            "programme".into(),
            At::Programme,
            true,
        ));
    }
    for (i, d) in site.documents.iter().enumerate() {
        out.push(record(
            Kind::Document,
            d.id.clone(),
            At::Document(i),
            documents[i].public,
        ));
    }
    for (i, p) in site.projects.iter().enumerate() {
        out.push(record(
            Kind::Project,
            p.id.clone(),
            At::Project(i),
            projects[i].public,
        ));
        for (j, r) in p.progress.iter().enumerate() {
            let visible = projects[i].public && projects[i].reports.contains(&j);
            let key = progress_key(&p.id, r.month);
            out.push(record(Kind::Progress, key.id, At::Progress(i, j), visible));
        }
    }
    for (i, n) in site.notices.iter().enumerate() {
        out.push(record(
            Kind::Notice,
            n.id.clone(),
            At::Notice(i),
            notices[i].public,
        ));
    }
    out.retain(|r| disclosure(site, r.at).is_some_and(|d| d.read));
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out.dedup_by(|a, b| a.key == b.key);
    out
}

/// Derives the ledger's facts as of `as_of`.
pub fn facts(
    site: &Site,
    as_of: Date,
    documents: &[DocumentFacts],
    projects: &[ProjectFacts],
    notices: &[NoticeFacts],
) -> LedgerFacts {
    let mut records = site_records(site, documents, projects, notices);
    let Some(ledger) = site.ledger.clone() else {
        // No ledger: the rules are off, and a publish starts one with every public record.
        for r in &mut records {
            judge(site, as_of, None, None, None, r);
        }
        return LedgerFacts {
            records,
            ..LedgerFacts::default()
        };
    };
    if let Some(broken) = ledger.broken.clone() {
        return LedgerFacts {
            ledger: Some(ledger),
            broken: Some(broken),
            records,
            ..LedgerFacts::default()
        };
    }
    let count = ledger.in_effect(as_of);
    let mut facts = LedgerFacts {
        last_date: count.checked_sub(1).map(|i| ledger.entries[i].date),
        ledger: Some(ledger.clone()),
        count,
        ..LedgerFacts::default()
    };
    let latest = facts.walk(&ledger);
    let last_date = facts.last_date;
    records.par_iter_mut().for_each(|r| {
        judge(
            site,
            as_of,
            Some(&ledger),
            last_date,
            latest.get(&r.key).copied(),
            r,
        )
    });
    // A recorded record that no file matched has no file any more.
    let mut matched = vec![false; count];
    for i in records.iter().filter_map(|r| r.latest) {
        matched[i] = true;
    }
    let mut removed: Vec<usize> = latest
        .into_values()
        .map(|(i, _)| i)
        .filter(|i| !matched[*i])
        .collect();
    removed.sort_unstable();
    facts.removed = removed;
    facts.records = records;
    facts
}

impl LedgerFacts {
    /// Walks the entries in effect once: the changes the public is shown, each record's history
    /// and each project's corrections; returns every recorded record's latest entry and whether
    /// that withdrew it.
    fn walk<'l>(&mut self, ledger: &'l Ledger) -> FxHashMap<&'l Key, (usize, bool)> {
        let mut latest: FxHashMap<&Key, (usize, bool)> =
            FxHashMap::with_capacity_and_hasher(self.count, Default::default());
        self.changes.clear();
        self.history.clear();
        self.corrected.clear();
        for (i, e) in ledger.entries[..self.count].iter().enumerate() {
            let state = (i, e.action == Action::Withdraw);
            let before = latest.insert(&e.key, state).map(|(at, _)| at);
            if matches!(e.action, Action::Correct | Action::Withdraw) {
                self.history
                    .entry(e.key.clone())
                    .or_default()
                    .push(self.changes.len());
                self.changes.push(Change { entry: i, before });
            }
            if e.action == Action::Correct {
                let project = match e.key.kind {
                    Kind::Project => Some(e.key.id.as_str()),
                    Kind::Progress => e.key.id.split('/').next(),
                    _ => None,
                };
                if let Some(p) = project {
                    let c = self.corrected.entry(p.to_string()).or_insert((0, e.date));
                    c.0 += 1;
                    c.1 = e.date;
                }
            }
        }
        latest
    }

    /// What a publish on the as-of date appends: for each record, in ledger order, its first
    /// appearance, its correction, its withdrawal.
    pub fn pending(&self) -> Vec<(usize, Action, Option<String>)> {
        let mut out = Vec::new();
        if self.broken.is_some() {
            return out;
        }
        for (i, r) in self.records.iter().enumerate() {
            match &r.status {
                Status::New { .. } if r.visible => out.push((i, Action::Publish, None)),
                Status::Corrected { reason } => {
                    out.push((i, Action::Correct, Some(reason.clone())))
                }
                _ => {}
            }
            let recorded = r.latest.is_some() || matches!(r.status, Status::New { .. });
            if recorded
                && r.visible
                && let Some(reason) = &r.withdraw
            {
                out.push((i, Action::Withdraw, Some(reason.clone())));
            }
        }
        out
    }

    /// Appends what is pending to the ledger this build shows (not to the file): a publish
    /// renders the site as it will stand. Returns the lines to write and the entries made.
    pub fn record_pending(
        &mut self,
        site: &Site,
        as_of: Date,
    ) -> Result<(String, Vec<crate::ledger::Entry>), String> {
        let pending = self.pending();
        // Read again in full, in parallel (a first publish of a large site records every file).
        let new: Vec<NewEntry> = pending
            .into_par_iter()
            .map(|(i, action, reason)| {
                let r = &self.records[i];
                let record = crate::load::read_canonical(&site.root, file(site, r.at))?;
                let loaded = disclosure(site, r.at).and_then(|d| d.hash);
                if loaded != Some(crate::ledger::sha256(record.to_json().as_bytes())) {
                    return Err(format!(
                        "{} 在检查之后被改动了：请重新运行 gongkai publish",
                        file(site, r.at)
                    ));
                }
                Ok(NewEntry {
                    date: as_of,
                    action,
                    key: r.key.clone(),
                    record,
                    reason,
                })
            })
            .collect::<Result<_, String>>()?;
        let base = self
            .ledger
            .clone()
            .unwrap_or_else(|| Arc::new(Ledger::from_bytes(b"")));
        if self.count != base.entries.len() {
            return Err(format!(
                "{} 最后一条记录的日期是 {}，晚于本次的日期 {as_of}：只能按日期往后追加",
                crate::ledger::FILE,
                base.entries.last().map_or(as_of, |e| e.date)
            ));
        }
        let (lines, entries) = base.lines_after(self.count, &new);
        self.ledger = Some(Arc::new(base.with_appended(&lines, entries.clone())));
        self.count += entries.len();
        if !entries.is_empty() {
            self.last_date = Some(as_of);
        }
        for r in &mut self.records {
            if r.visible || r.latest.is_some() {
                r.status = Status::Unchanged;
            }
            r.withdraw = None;
        }
        let shown = self.ledger.clone().expect("just made");
        self.walk(&shown);
        Ok((lines, entries))
    }

    /// The head of the ledger this build shows and how many entries it has.
    pub fn head(&self) -> Option<(crate::ledger::Hash, usize)> {
        let ledger = self.ledger.as_ref()?;
        Some((ledger.head(self.count)?, self.count))
    }

    /// The record with this key.
    pub fn record(&self, key: &Key) -> Option<&LedgerRecord> {
        self.records
            .binary_search_by(|r| r.key.cmp(key))
            .ok()
            .map(|i| &self.records[i])
    }

    /// The changes in effect for a record, oldest first.
    pub fn changes_of(&self, key: &Key) -> impl Iterator<Item = &Change> {
        self.history
            .get(key)
            .into_iter()
            .flatten()
            .map(|i| &self.changes[*i])
    }
}

/// How one record stands against its latest entry (`entry`: its index and whether it withdrew
/// the record).
fn judge(
    site: &Site,
    as_of: Date,
    ledger: Option<&Ledger>,
    last_date: Option<Date>,
    entry: Option<(usize, bool)>,
    r: &mut LedgerRecord,
) {
    let Some(d) = disclosure(site, r.at) else {
        return;
    };
    let withdrawn_now = d.withdrawn_by(as_of);
    let (Some((latest, withdrawn_in_ledger)), Some(ledger)) = (entry, ledger) else {
        if r.visible {
            let declared = published(site, r.at).map(|p| p.value);
            let backdated = match (declared, last_date) {
                (Some(p), Some(last)) if p <= last => Some(last.add_days(1)),
                _ => None,
            };
            r.status = Status::New { backdated };
            r.withdraw = withdrawn_now.map(|(_, reason)| reason.to_string());
        }
        return;
    };
    let e = &ledger.entries[latest];
    r.latest = Some(latest);
    r.withdrawn_in_ledger = withdrawn_in_ledger;
    // Corrections dated after the latest entry, with a reason, explain what changed since.
    let reasons: Vec<&str> = d
        .corrections
        .iter()
        .filter(|c| val(&c.date).is_some_and(|date| *date > e.date))
        .filter_map(|c| text(&c.reason))
        .collect();
    let changed = d.hash != Some(e.hash);
    let restored = withdrawn_in_ledger && withdrawn_now.is_none();
    r.status = if !changed && !restored {
        Status::Unchanged
    } else if !reasons.is_empty() {
        Status::Corrected {
            reason: reasons.join("；"),
        }
    } else {
        Status::Silent {
            restored: restored && !changed,
        }
    };
    let still_withdrawn = withdrawn_in_ledger && !matches!(r.status, Status::Corrected { .. });
    if !still_withdrawn {
        r.withdraw = withdrawn_now.map(|(_, reason)| reason.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::{Ctx, derive, testing::kept};

    const DOC: &str = "+++\nkind = \"other\"\ntitle = \"通知\"\nissued = 2022-05-10\npublished = 2022-05-12\n+++\n正文\n";

    fn at(files: &[(&str, &str)], as_of: &str) -> LedgerFacts {
        let (_dir, site, _) = kept(files);
        derive(&site, Ctx::at(Date::parse(as_of).unwrap())).ledger
    }

    fn ledger_of(files: &[(&str, &str)], as_of: &str) -> String {
        let (_dir, site, _) = kept(files);
        let mut f = derive(&site, Ctx::at(Date::parse(as_of).unwrap())).ledger;
        f.record_pending(&site, Date::parse(as_of).unwrap())
            .unwrap()
            .0
    }

    #[test]
    fn without_a_ledger_nothing_is_recorded_and_a_publish_starts_one() {
        let files = [("config.toml", ""), ("content/documents/d.md", DOC)];
        let f = at(&files, "2022-06-01");
        assert!(f.ledger.is_none());
        assert_eq!(f.records.len(), 1);
        assert_eq!(f.records[0].status, Status::New { backdated: None });
        let lines = ledger_of(&files, "2022-06-01");
        assert!(
            lines.starts_with(
                r#"{"seq":1,"date":"2022-06-01","action":"publish","kind":"document","id":"d","#
            ),
            "{lines}"
        );
    }

    #[test]
    fn new_unchanged_corrected_silent_and_withdrawn() {
        let files = [("config.toml", ""), ("content/documents/d.md", DOC)];
        let ledger = ledger_of(&files, "2022-06-01");
        let with = |doc: &str, as_of: &str| {
            at(
                &[
                    ("config.toml", ""),
                    ("content/documents/d.md", doc),
                    ("ledger.jsonl", &ledger),
                ],
                as_of,
            )
            .records[0]
                .clone()
        };
        assert_eq!(with(DOC, "2022-06-02").status, Status::Unchanged);
        let changed = DOC.replace("正文", "新正文");
        assert_eq!(
            with(&changed, "2022-06-02").status,
            Status::Silent { restored: false }
        );
        // A correction dated on the day of the entry does not explain; the day after does.
        let corrected = |date: &str| {
            changed.replace(
                "+++\n新正文",
                &format!("[[corrections]]\ndate = {date}\nreason = \"更正\"\n+++\n新正文"),
            )
        };
        assert_eq!(
            with(&corrected("2022-06-01"), "2022-06-02").status,
            Status::Silent { restored: false }
        );
        assert_eq!(
            with(&corrected("2022-06-02"), "2022-06-02").status,
            Status::Corrected {
                reason: "更正".into()
            }
        );
        let withdrawn = DOC.replace(
            "+++\n正文",
            "withdrawn = 2022-06-03\nwithdrawn_reason = \"误发\"\n+++\n正文",
        );
        assert_eq!(
            with(&withdrawn, "2022-06-02").withdraw,
            None,
            "not before its day"
        );
        let r = with(&withdrawn, "2022-06-03");
        assert_eq!(
            (r.status, r.withdraw.as_deref()),
            (Status::Unchanged, Some("误发"))
        );
        // Before the entry's date the ledger is not in effect: the record is new again.
        assert_eq!(
            with(DOC, "2022-05-31").status,
            Status::New { backdated: None }
        );
    }

    #[test]
    fn a_record_new_to_the_ledger_is_backdated_on_or_before_its_last_date() {
        let files = [("config.toml", ""), ("content/documents/d.md", DOC)];
        let ledger = ledger_of(&files, "2022-06-01");
        let other = |published: &str| {
            let doc = DOC.replace(
                "published = 2022-05-12",
                &format!("published = {published}"),
            );
            at(
                &[
                    ("config.toml", ""),
                    ("content/documents/d.md", DOC),
                    ("content/documents/e.md", &doc),
                    ("ledger.jsonl", &ledger),
                ],
                "2022-06-05",
            )
            .records[1]
                .status
                .clone()
        };
        let honest = Date::parse("2022-06-02").unwrap();
        assert_eq!(
            other("2022-06-01"),
            Status::New {
                backdated: Some(honest)
            }
        );
        assert_eq!(other("2022-06-02"), Status::New { backdated: None });
    }

    #[test]
    fn a_removed_record_and_a_withdrawal_brought_back() {
        let files = [("config.toml", ""), ("content/documents/d.md", DOC)];
        let ledger = ledger_of(&files, "2022-06-01");
        let f = at(
            &[("config.toml", ""), ("ledger.jsonl", &ledger)],
            "2022-06-02",
        );
        assert_eq!(f.removed, [0]);
        let withdrawn = DOC.replace(
            "+++\n正文",
            "withdrawn = 2022-06-03\nwithdrawn_reason = \"误发\"\n+++\n正文",
        );
        let both = ledger_of(
            &[
                ("config.toml", ""),
                ("content/documents/d.md", &withdrawn),
                ("ledger.jsonl", &ledger),
            ],
            "2022-06-03",
        );
        let full = format!("{ledger}{both}");
        assert!(
            both.contains(r#""action":"withdraw""#) && both.contains(r#""reason":"误发""#),
            "{both}"
        );
        let f = at(
            &[
                ("config.toml", ""),
                ("content/documents/d.md", DOC),
                ("ledger.jsonl", &full),
            ],
            "2022-06-04",
        );
        assert_eq!(f.records[0].status, Status::Silent { restored: true });
        assert_eq!(f.changes.len(), 1);
        let f = at(
            &[
                ("config.toml", ""),
                ("content/documents/d.md", &withdrawn),
                ("ledger.jsonl", &full),
            ],
            "2022-06-04",
        );
        assert_eq!(
            (f.records[0].status.clone(), f.records[0].withdraw.clone()),
            (Status::Unchanged, None)
        );
    }
}
