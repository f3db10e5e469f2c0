//! `backdated` (error): a record new to the ledger declares a `published` date on or before the
//! ledger's last entry: the column was recorded on that day without it, so the date was written
//! afterwards (SPEC §7; a faked publication date is a single-veto failure in the national
//! inspection of government websites).

use super::Check;
use crate::derive::Derived;
use crate::derive::ledger::{Status, file, published, title};
use crate::diag::Diagnostic;
use crate::ledger::FILE;
use crate::model::Site;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::BACKDATED,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let Some(last) = d.ledger.last_date else {
        return Vec::new();
    };
    let as_of = d.ctx.as_of;
    let last_line = d.ledger.count;
    let mut out = Vec::new();
    for r in &d.ledger.records {
        let Status::New {
            backdated: Some(honest),
        } = r.status
        else {
            continue;
        };
        let Some(p) = published(site, r.at) else {
            continue;
        };
        let when = if honest <= as_of {
            format!(
                "写实际公开的日期：published = {honest} 或之后、不晚于今天（{as_of}），再运行 gongkai publish"
            )
        } else {
            format!(
                "今天（{as_of}）已经登记过一次，这条记录最早只能写 published = {honest}，到那天再运行 gongkai publish"
            )
        };
        out.push(
            Diagnostic::new(
                RULE.rule,
                file(site, r.at),
                format!(
                    "{}“{}”是新记录（{FILE} 里没有它），却写着公开日期 {}：公开记录最后一次登记在 {}（第 {last_line} 行），那时还没有这条记录，所以公开日期不能早于 {}",
                    r.key.kind.label(),
                    title(site, r.at),
                    p.value.chinese(),
                    last.chinese(),
                    honest.chinese()
                ),
            )
            .span(p.line, p.col, p.width)
            .field("published")
            .hint(when),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, kept};
    use crate::date::Date;

    const DOC: &str = "+++\nkind = \"other\"\ntitle = \"通知\"\nissued = 2022-05-10\npublished = 2022-05-12\n+++\n正文\n";

    #[test]
    fn backdated_by_one_day_and_the_first_honest_day() {
        let (_ds, s, _) = kept(&[("config.toml", ""), ("content/documents/d.md", DOC)]);
        let mut f = at(&s, "2022-06-01").ledger;
        let (ledger, _) = f
            .record_pending(&s, Date::parse("2022-06-01").unwrap())
            .unwrap();
        let new = |published: &str, as_of: &str| {
            let doc = DOC.replace(
                "published = 2022-05-12",
                &format!("published = {published}"),
            );
            let (_ds, s, _) = kept(&[
                ("config.toml", ""),
                ("content/documents/d.md", DOC),
                ("content/documents/e.md", &doc),
                ("ledger.jsonl", &ledger),
            ]);
            run(&s, &at(&s, as_of))
        };
        let found = new("2022-06-01", "2022-06-10");
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(
            (f.file.as_str(), f.line, f.field.as_deref()),
            ("content/documents/e.md", Some(5), Some("published"))
        );
        assert!(f.message.contains("2022年6月2日"), "{}", f.message);
        assert!(
            f.hint
                .as_deref()
                .unwrap()
                .contains("published = 2022-06-02")
        );
        assert!(new("2022-06-02", "2022-06-10").is_empty());
        // Published on the day of the last entry, judged that day: tomorrow at the earliest.
        let same_day = new("2022-06-01", "2022-06-01");
        assert!(
            same_day[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("最早只能写 published = 2022-06-02")
        );
        // A scheduled record is not new yet; without a ledger nothing is backdated.
        assert!(new("2022-06-20", "2022-06-10").is_empty());
        let (_ds, s, _) = kept(&[("config.toml", ""), ("content/documents/e.md", DOC)]);
        assert!(run(&s, &at(&s, "2022-06-10")).is_empty());
    }
}
