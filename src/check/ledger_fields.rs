//! `required-field` for the ledger's own fields (SPEC §7): a `[[corrections]]` entry needs its
//! date and reason, and a withdrawal its date and reason, since the public is shown both.

use super::Check;
use crate::derive::Derived;
use crate::derive::ledger::{disclosure, file};
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::REQUIRED_FIELD,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let as_of = d.ctx.as_of;
    let mut out = Vec::new();
    for r in &d.ledger.records {
        if let Some(disc) = disclosure(site, r.at) {
            check(file(site, r.at), disc, as_of, &mut out);
        }
    }
    out
}

fn check(file: &str, d: &Disclosure, as_of: crate::date::Date, out: &mut Vec<Diagnostic>) {
    for c in &d.corrections {
        if val(&c.date).is_none() {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    file,
                    format!("[[corrections]]（{}）缺少更正日期 date", c.path),
                )
                .at(c.line)
                .field(format!("{}.date", c.path))
                .hint(format!(
                    "在第 {} 行下面加一行：date = {as_of}（更正的日期）",
                    c.line
                )),
            );
        }
        if text(&c.reason).is_none() {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    file,
                    format!("[[corrections]]（{}）缺少更正原因 reason：公众会看到这条更正和它的原因", c.path),
                )
                .at(c.reason.as_ref().map_or(c.line, |r| r.line))
                .field(format!("{}.reason", c.path))
                .hint("写明改了什么、为什么改、依据哪份文件，例如 reason = \"扶持资金额度按批复文件（文号）更正\""),
            );
        }
    }
    match (&d.withdrawn, text(&d.withdrawn_reason)) {
        (Some(w), None) => out.push(
            Diagnostic::new(
                RULE.rule,
                file,
                "写了撤回日期 withdrawn，缺少撤回原因 withdrawn_reason：撤回的记录仍留在网站上，公众会看到原因",
            )
            .span(w.line, w.col, w.width)
            .field("withdrawn_reason")
            .hint("在下一行写 withdrawn_reason = \"\"，引号里写明为什么撤回，例如依据的文件或决定"),
        ),
        (None, Some(_)) => {
            let r = d.withdrawn_reason.as_ref().expect("has text");
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    file,
                    "写了撤回原因 withdrawn_reason，缺少撤回日期 withdrawn",
                )
                .span(r.line, r.col, r.width)
                .field("withdrawn")
                .hint(format!("加一行 withdrawn = {as_of}（从哪天起撤回）")),
            )
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{at, site};

    #[test]
    fn corrections_and_withdrawals_need_a_date_and_a_reason() {
        let doc = "+++\nkind = \"other\"\ntitle = \"通知\"\npublished = 2022-05-12\nwithdrawn = 2022-06-01\n[[corrections]]\ndate = 2022-05-20\n[[corrections]]\nreason = \"文号更正\"\n+++\n";
        let (s, diags) = site(&[("config.toml", ""), ("content/documents/d.md", doc)]);
        assert!(diags.iter().all(|d| d.rule != "unknown-field"), "{diags:?}");
        let found = run(&s, &at(&s, "2022-06-10"));
        let got: Vec<(Option<u32>, Option<&str>)> =
            found.iter().map(|f| (f.line, f.field.as_deref())).collect();
        assert_eq!(
            got,
            [
                (Some(6), Some("corrections[1].reason")),
                (Some(8), Some("corrections[2].date")),
                (Some(5), Some("withdrawn_reason")),
            ]
        );
        let fine = "+++\nkind = \"other\"\ntitle = \"通知\"\npublished = 2022-05-12\n[[corrections]]\ndate = 2022-05-20\nreason = \"文号更正\"\nwithdrawn = 2022-06-01\nwithdrawn_reason = \"误发\"\n+++\n";
        let (s, diags) = site(&[("config.toml", ""), ("content/documents/d.md", fine)]);
        assert!(diags.iter().all(|d| d.rule != "unknown-field"), "{diags:?}");
        assert!(run(&s, &at(&s, "2022-06-10")).is_empty());
        // SPEC §7 writes withdrawn under [[corrections]]: it is the record's withdrawal.
        let w = &s.documents[0].disclosure;
        assert_eq!(
            w.withdrawn_by(crate::date::Date::parse("2022-06-01").unwrap())
                .map(|x| x.1),
            Some("误发")
        );
    }
}
