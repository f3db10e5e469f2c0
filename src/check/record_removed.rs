//! `record-removed` (error): a record the ledger holds as published has no file any more. A
//! published record is withdrawn, never deleted (SPEC §7).

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::ledger::{FILE, Key, Kind};
use crate::model::Site;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::RECORD_REMOVED,
    run,
};

/// Where a record of this key is written (documents and notices may also sit in a subfolder).
pub fn usual_file(key: &Key) -> String {
    match key.kind {
        Kind::Programme => "content/programme.toml".into(),
        Kind::Document => format!("content/documents/{}.md", key.id),
        Kind::Project => format!("content/projects/{}/index.md", key.id),
        Kind::Progress => match key.id.split_once('/') {
            Some((p, m)) => format!("content/projects/{p}/progress/{m}.md"),
            None => key.id.clone(),
        },
        Kind::Notice => format!("content/notices/{}.md", key.id),
    }
}

fn run(_site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let Some(ledger) = &d.ledger.ledger else {
        return Vec::new();
    };
    let as_of = d.ctx.as_of;
    d.ledger
        .removed
        .iter()
        .map(|i| {
            let e = &ledger.entries[*i];
            let file = usual_file(&e.key);
            Diagnostic::new(
                RULE.rule,
                FILE,
                format!(
                    "{} {} 在 {FILE} 第 {} 行登记为已公开（{}），但它的文件 {file} 不见了：公开过的记录不能删除",
                    e.key.kind.label(),
                    e.key.id,
                    e.line,
                    e.date.chinese()
                ),
            )
            .at(e.line)
            .hint(format!(
                "恢复 {file}（用版本库：git checkout -- {file}）；不再公开的记录，在它的文件头加上 withdrawn = {as_of} 和 withdrawn_reason = \"\"（引号里写明为什么撤回），它会留在网站上并标“已撤回”"
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, kept};

    const DOC: &str = "+++\nkind = \"other\"\ntitle = \"通知\"\nissued = 2022-05-10\npublished = 2022-05-12\n+++\n正文\n";

    #[test]
    fn a_deleted_record_is_named_with_its_ledger_line() {
        let (_ds, s, _) = kept(&[("config.toml", ""), ("content/documents/d.md", DOC)]);
        let mut f = at(&s, "2022-06-01").ledger;
        let (ledger, _) = f
            .record_pending(&s, crate::date::Date::parse("2022-06-01").unwrap())
            .unwrap();
        let (_dk, still, _) = kept(&[
            ("config.toml", ""),
            ("content/documents/d.md", DOC),
            ("ledger.jsonl", &ledger),
        ]);
        assert!(run(&still, &at(&still, "2022-06-02")).is_empty());
        let (_dgone, gone, _) = kept(&[("config.toml", ""), ("ledger.jsonl", &ledger)]);
        let found = run(&gone, &at(&gone, "2022-06-02"));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].file.as_str(), found[0].line), (FILE, Some(1)));
        assert!(
            found[0].message.contains("content/documents/d.md"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("withdrawn = 2022-06-02")
        );
        // Before the entry was written, the record was not yet on the ledger.
        assert!(run(&gone, &at(&gone, "2022-05-31")).is_empty());
    }
}
