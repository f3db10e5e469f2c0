//! `ledger-tampered` (error): a line of `ledger.jsonl` does not hold — it is not JSON as
//! `publish` writes it, its `seq` is out of order, its record no longer matches its `hash`, or its
//! `prev` is not the previous line's hash (SPEC §7). The first such line is named.

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::ledger::FILE;
use crate::model::Site;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::LEDGER_TAMPERED,
    run,
};

fn run(_site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let Some(broken) = &d.ledger.broken else {
        return Vec::new();
    };
    vec![
        Diagnostic::new(
            RULE.rule,
            FILE,
            format!("公开记录被改动过：{}", broken.message),
        )
        .at(broken.line)
        .hint(format!(
            "{FILE} 只由 gongkai publish 在末尾追加，不能手改：用版本库恢复它（git checkout -- {FILE}），或从上次发布的网站下载 data/{FILE} 放回站点文件夹。要改已公开的内容，在那条记录的文件头写 [[corrections]] 说明原因，再运行 gongkai publish"
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, site};

    #[test]
    fn names_the_first_line_that_does_not_hold() {
        let good = crate::ledger::file::tests::sample();
        let (s, _) = site(&[("config.toml", ""), ("ledger.jsonl", &good)]);
        assert!(run(&s, &at(&s, "2022-08-01")).is_empty());
        let bad = good.replacen("\"central\":59", "\"central\":50", 1);
        let (s, _) = site(&[("config.toml", ""), ("ledger.jsonl", &bad)]);
        let f = run(&s, &at(&s, "2022-08-01"));
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].file.as_str(), f[0].line), (FILE, Some(3)));
        assert!(f[0].message.contains("第 3 行"), "{}", f[0].message);
        // Tampering counts whatever the as-of date: later lines are ignored, not unchecked.
        assert_eq!(run(&s, &at(&s, "2022-05-13")).len(), 1);
    }
}
