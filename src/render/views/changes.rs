//! What the public sees of the publication ledger (SPEC §7): every correction and withdrawal
//! with its date, reason and each field old → new (the `/changes/` page, each corrected
//! record's 更正记录 section, the feed), a withdrawn record's 已撤回 notice, and the ledger's head
//! and size in every footer.

use serde::Serialize;

use super::{Builder, DateView, date};
use crate::derive::ledger::{At, Change, title};
use crate::ledger::{Action, Canon, Key, Kind, canon, hex};
use crate::model::Disclosure;

/// One correction or withdrawal, as the public reads it.
#[derive(Serialize, Debug, Clone)]
pub struct ChangeView {
    /// The ledger line (`seq`): the anchor `c-<seq>` on the changes page.
    pub seq: u64,
    pub date: DateView,
    /// `correct` or `withdraw`.
    pub action: &'static str,
    /// 更正 or 撤回.
    pub action_label: &'static str,
    pub kind: &'static str,
    /// What the record is called, and where it is (none for a record no longer published).
    pub title: String,
    pub url: Option<String>,
    /// For a monthly report: its month, `2022-07` (the project page's timeline anchor).
    pub month: Option<String>,
    pub reason: String,
    /// Each field that changed, old → new (a withdrawal changes none).
    pub fields: Vec<FieldChangeView>,
}

#[derive(Serialize, Debug, Clone)]
pub struct FieldChangeView {
    /// The field's Chinese name, or its path when it has none.
    pub label: String,
    pub path: String,
    pub old: String,
    pub new: String,
}

/// A withdrawn record's notice.
#[derive(Serialize, Debug, Clone)]
pub struct WithdrawnView {
    pub date: DateView,
    pub reason: String,
}

/// The ledger in the footer: its head, shortened, and how many entries it has.
#[derive(Serialize, Debug, Clone)]
pub struct LedgerSummary {
    pub head: String,
    pub head_short: String,
    pub count: usize,
    pub corrections: usize,
    pub withdrawals: usize,
}

/// The page URL of a record.
fn url_of(key: &Key, at: Option<At>) -> Option<String> {
    at?;
    Some(match key.kind {
        Kind::Programme => "funds/".into(),
        Kind::Document => format!("documents/{}/", key.id),
        Kind::Project => format!("projects/{}/", key.id),
        Kind::Progress => {
            let (p, m) = key.id.split_once('/')?;
            format!("projects/{p}/#m-{m}")
        }
        Kind::Notice => format!("notices/{}/", key.id),
    })
}

/// A changed field's Chinese name; in a list of tables, with the name of its item
/// (`actuals[2].value` → 行政村电子商务及物流配送服务点（完成值）).
fn field_label(kind: Kind, path: &str, new: &Canon, old: &Canon) -> String {
    let label =
        crate::labels::label(kind.key(), path).map_or_else(|| path.to_string(), str::to_string);
    let item = path.split_once('[').and_then(|(list, rest)| {
        let n: usize = rest.split_once(']')?.0.parse().ok()?;
        let name = |record: &Canon| match record.get(list) {
            Some(Canon::Arr(items)) => items.get(n.checked_sub(1)?).and_then(|item| {
                ["indicator", "name", "purpose", "village", "route", "id"]
                    .iter()
                    .find_map(|k| item.get(k).and_then(Canon::as_text))
                    .map(str::to_string)
            }),
            _ => None,
        };
        name(new).or_else(|| name(old))
    });
    match item {
        Some(item) if !path.ends_with(']') => format!("{item}（{label}）"),
        _ => label,
    }
}

impl Builder<'_> {
    /// The ledger as the footer and the data page show it.
    pub(super) fn ledger_summary(&self) -> Option<LedgerSummary> {
        let facts = &self.derived.ledger;
        let (head, count) = facts.head()?;
        let ledger = facts.ledger.as_ref()?;
        let of = |a: Action| {
            facts
                .changes
                .iter()
                .filter(|c| ledger.entries[c.entry].action == a)
                .count()
        };
        let head = hex(&head);
        Some(LedgerSummary {
            head_short: head[..12].to_string(),
            head,
            count,
            corrections: of(Action::Correct),
            withdrawals: of(Action::Withdraw),
        })
    }

    /// A change in effect, in words: what changed from the entry before it to its own.
    pub(super) fn change_view(&self, c: &Change) -> Option<ChangeView> {
        let ledger = self.derived.ledger.ledger.as_ref()?;
        let e = &ledger.entries[c.entry];
        let at = self.derived.ledger.record(&e.key).map(|r| r.at);
        let fields = match (e.action, c.before) {
            (Action::Correct, Some(before)) => {
                let old = ledger.record(&ledger.entries[before]).ok()?;
                let new = ledger.record(e).ok()?;
                self.field_changes(e.key.kind, &old, &new)
            }
            _ => Vec::new(),
        };
        Some(ChangeView {
            seq: e.seq,
            date: date(e.date),
            action: e.action.key(),
            action_label: e.action.label(),
            kind: e.key.kind.label(),
            title: at.map_or_else(|| e.key.id.clone(), |at| title(self.site, at)),
            url: url_of(&e.key, at),
            month: (e.key.kind == Kind::Progress)
                .then(|| e.key.id.rsplit('/').next().unwrap_or_default().to_string()),
            reason: e.reason.clone().unwrap_or_default(),
            fields,
        })
    }

    fn field_changes(&self, kind: Kind, old: &Canon, new: &Canon) -> Vec<FieldChangeView> {
        canon::diff(old, new)
            .into_iter()
            .map(|c| FieldChangeView {
                label: field_label(kind, &c.path, new, old),
                path: c.path,
                old: c.old.unwrap_or_else(|| "（无）".into()),
                new: c.new.unwrap_or_else(|| "（无）".into()),
            })
            .collect()
    }

    /// Every correction and withdrawal in effect, newest first.
    pub(super) fn changes(&self) -> Vec<ChangeView> {
        let mut all: Vec<ChangeView> = self
            .derived
            .ledger
            .changes
            .iter()
            .filter_map(|c| self.change_view(c))
            .collect();
        all.reverse();
        all
    }

    /// Whether the ledger in effect holds any correction or withdrawal.
    pub(super) fn any_changes(&self) -> bool {
        !self.derived.ledger.changes.is_empty()
    }

    /// The changes of the records with these keys, newest first.
    pub(super) fn changes_of(&self, keys: &[Key]) -> Vec<ChangeView> {
        let mut all: Vec<&Change> = keys
            .iter()
            .flat_map(|k| self.derived.ledger.changes_of(k))
            .collect();
        all.sort_by_key(|c| std::cmp::Reverse(c.entry));
        all.into_iter()
            .filter_map(|c| self.change_view(c))
            .collect()
    }

    /// The withdrawal in force on the as-of date, if any.
    pub(super) fn withdrawn(&self, d: &Disclosure) -> Option<WithdrawnView> {
        d.withdrawn_by(self.as_of)
            .map(|(on, reason)| WithdrawnView {
                date: date(on),
                reason: reason.to_string(),
            })
    }
}
