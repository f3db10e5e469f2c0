//! `silent-change` (error): a published record's canonical content differs from its latest
//! ledger entry, and no `[[corrections]]` dated after that entry says why (SPEC §7). The message
//! lists each changed field, old → new; the hint is the block to paste, with the date to write
//! and the reason left for the webmaster to give.

use super::Check;
use crate::date::Date;
use crate::derive::Derived;
use crate::derive::ledger::{LedgerRecord, Status, disclosure, file, front_matter_end, title};
use crate::diag::Diagnostic;
use crate::ledger::{FILE, canon};
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::SILENT_CHANGE,
    run,
};

/// How many changed fields a message lists before it says how many more.
const LISTED: usize = 8;

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let Some(ledger) = &d.ledger.ledger else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in &d.ledger.records {
        let Status::Silent { restored } = r.status else {
            continue;
        };
        let Some(e) = r.latest.map(|i| &ledger.entries[i]) else {
            continue;
        };
        let what = if restored {
            format!(
                "已于 {} 撤回（{FILE} 第 {} 行），现在去掉了撤回，却没有写明为什么恢复公开",
                e.date.chinese(),
                e.line
            )
        } else {
            let changes = match (
                ledger.record(e),
                crate::load::read_canonical(&site.root, file(site, r.at)),
            ) {
                (Ok(old), Ok(new)) => canon::diff(&old, &new),
                _ => Vec::new(),
            };
            let mut listed: Vec<String> = changes
                .iter()
                .take(LISTED)
                .map(|c| {
                    format!(
                        "{}：{} → {}",
                        crate::labels::describe(r.key.kind.key(), &c.path),
                        c.old.as_deref().unwrap_or("（无）"),
                        c.new.as_deref().unwrap_or("（无）")
                    )
                })
                .collect();
            if changes.len() > LISTED {
                listed.push(format!("等共 {} 处", changes.len()));
            }
            format!(
                "在 {} 登记公开（{FILE} 第 {} 行）之后被改动了，没有写明更正原因。改动：{}",
                e.date.chinese(),
                e.line,
                listed.join("；")
            )
        };
        let Some(disc) = disclosure(site, r.at) else {
            continue;
        };
        let date = if d.ctx.as_of > e.date {
            d.ctx.as_of
        } else {
            e.date.add_days(1)
        };
        out.push(
            Diagnostic::new(
                RULE.rule,
                file(site, r.at),
                format!(
                    "{}“{}”{what}{}",
                    r.key.kind.label(),
                    title(site, r.at),
                    stale_corrections(disc, e.date)
                ),
            )
            .at_opt(front_matter_end(site, r.at))
            .hint(hint(site, r, date)),
        );
    }
    out
}

/// Why the corrections already written do not explain the change.
fn stale_corrections(d: &Disclosure, entry: Date) -> String {
    let old: Vec<String> = d
        .corrections
        .iter()
        .filter_map(|c| val(&c.date))
        .filter(|date| **date <= entry)
        .map(|date| date.to_string())
        .collect();
    let empty = d
        .corrections
        .iter()
        .any(|c| val(&c.date).is_some_and(|date| *date > entry) && text(&c.reason).is_none());
    let mut out = String::new();
    if !old.is_empty() {
        out.push_str(&format!(
            "（已有的 [[corrections]] 日期 {} 不晚于登记日 {entry}，说明不了这次改动）",
            old.join("、")
        ));
    }
    if empty {
        out.push_str("（[[corrections]] 的 reason 是空的）");
    }
    out
}

/// The block to paste, where, with the date to write; the reason is the webmaster's to give.
fn hint(site: &Site, r: &LedgerRecord, date: Date) -> String {
    let place = match front_matter_end(site, r.at) {
        Some(line) => format!("在第 {line} 行的 +++ 之前"),
        None => "在文件末尾".into(),
    };
    format!(
        "不该改的，把内容改回去；改动是对的，{place}加上下面三行，把更正原因写进引号（改了什么、为什么改、依据哪份文件），再运行 gongkai publish：\n[[corrections]]\ndate = {date}\nreason = \"\""
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, kept};

    const PROJECT: &str = "+++\nname = \"冷链\"\npublished = 2022-05-19\n[contractor]\nresponsible = \"陈永张\"\n[[targets]]\nindicator = \"冷库面积\"\ntarget = 1000\n+++\n建设冷库。\n";
    const FILE_PATH: &str = "content/projects/cold-chain/index.md";

    fn findings(edited: &str, as_of: &str) -> Vec<Diagnostic> {
        let (_ds, s, _) = kept(&[("config.toml", ""), (FILE_PATH, PROJECT)]);
        let mut f = at(&s, "2022-06-01").ledger;
        let (ledger, _) = f
            .record_pending(&s, Date::parse("2022-06-01").unwrap())
            .unwrap();
        let (_ds, s, _) = kept(&[
            ("config.toml", ""),
            (FILE_PATH, edited),
            ("ledger.jsonl", &ledger),
        ]);
        run(&s, &at(&s, as_of))
    }

    #[test]
    fn lists_each_changed_field_and_gives_the_block_to_paste() {
        assert!(findings(PROJECT, "2022-06-08").is_empty());
        let edited = PROJECT
            .replace("陈永张", "陈永强")
            .replace("target = 1000", "target = 100")
            .replace("# x", "");
        let found = findings(&edited, "2022-06-08");
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!((f.file.as_str(), f.line), (FILE_PATH, Some(9)));
        assert!(
            f.message
                .contains("承办单位责任人（contractor.responsible）：陈永张 → 陈永强"),
            "{}",
            f.message
        );
        assert!(
            f.message
                .contains("目标值（targets[1].target）：1000 → 100"),
            "{}",
            f.message
        );
        let hint = f.hint.as_deref().unwrap();
        assert!(
            hint.contains("[[corrections]]\ndate = 2022-06-08\nreason = \"\""),
            "{hint}"
        );
        assert!(hint.contains("第 9 行的 +++ 之前"), "{hint}");
        // Formatting and comments are not changes.
        let reformatted = PROJECT.replace("target = 1000", "target   = 1_000.0   # 平方米");
        assert!(findings(&reformatted, "2022-06-08").is_empty());
    }

    #[test]
    fn a_correction_dated_after_the_entry_with_a_reason_explains_it() {
        let edited = |date: &str, reason: &str| {
            PROJECT.replace("陈永张", "陈永强").replace(
                "+++\n建设",
                &format!("[[corrections]]\ndate = {date}\nreason = \"{reason}\"\n+++\n建设"),
            )
        };
        assert!(findings(&edited("2022-06-02", "责任人姓名录入错误"), "2022-06-08").is_empty());
        let on_the_day = findings(&edited("2022-06-01", "责任人姓名录入错误"), "2022-06-08");
        assert!(
            on_the_day[0].message.contains("不晚于登记日"),
            "{}",
            on_the_day[0].message
        );
        let no_reason = findings(&edited("2022-06-02", ""), "2022-06-08");
        assert!(
            no_reason[0].message.contains("reason 是空的"),
            "{}",
            no_reason[0].message
        );
    }
}
