//! `fund-sum-mismatch`: category allocations must add up to each source's amount, and a
//! declared share must equal the computed one at the precision it is written in (R10).

use rust_decimal::{Decimal, RoundingStrategy};

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::money::Money;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::FUND_SUM_MISMATCH,
    run,
};

/// `part` as a percentage of `whole`, rounded half up to `scale` decimal places.
pub fn share(part: Money, whole: Money, scale: u32) -> Option<Decimal> {
    crate::money::percent_of(part, whole)
        .map(|p| p.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero))
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let Some(p) = &site.programme else {
        return Vec::new();
    };
    let unit = p.unit();
    let mut out = Vec::new();
    for s in &p.sources {
        let (Some(id), Some(amount)) = (text(&s.id), &s.amount) else {
            continue;
        };
        let parts: Vec<(&str, Money)> = p
            .categories
            .iter()
            .flat_map(|c| {
                c.allocations
                    .iter()
                    .filter(|(k, _)| k.value == id)
                    .map(move |(_, m)| (text(&c.id).unwrap_or("?"), m.value))
            })
            .collect();
        // Tranches of a source add up to it.
        let tranches: Vec<Money> = s
            .tranches
            .iter()
            .filter_map(|t| val(&t.amount).copied())
            .collect();
        if tranches.len() == s.tranches.len() && !tranches.is_empty() {
            let sum: Money = tranches.iter().copied().sum();
            if sum != amount.value {
                let listed: Vec<String> = tranches.iter().map(|m| m.to_string()).collect();
                out.push(
                    Diagnostic::new(
                        RULE.rule,
                        &p.file,
                        format!(
                            "{} {} {unit}，但分批到位的金额合计 {sum} {unit}（{}），相差 {} {unit}",
                            text(&s.name).unwrap_or(id),
                            amount.value,
                            listed.join(" + "),
                            amount.value - sum
                        ),
                    )
                    .span(amount.line, amount.col, amount.width)
                    .field(format!("{}.amount", s.path))
                    .hint("核对各 [[sources.tranches]] 的 amount，或改正这里的 amount（照下达资金的文件）"),
                );
            }
        }
        // A plan that names the categories without splitting this source among them: nothing to
        // compare (the check says so in its notes).
        if parts.is_empty() {
            continue;
        }
        let total: Money = parts.iter().map(|(_, m)| *m).sum();
        if total != amount.value {
            let listed: Vec<String> = parts.iter().map(|(c, m)| format!("{c} {m}")).collect();
            let listed = listed.join(" + ");
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &p.file,
                    format!(
                        "{} {} {unit}，但各项目板块的分配合计 {total} {unit}（{listed}），相差 {} {unit}",
                        text(&s.name).unwrap_or(id),
                        amount.value,
                        amount.value - total
                    ),
                )
                .span(amount.line, amount.col, amount.width)
                .field(format!("{}.amount", s.path))
                .hint("核对各 [[categories]] 的 allocations，或改正这里的 amount"),
            );
        }
    }
    for c in &p.categories {
        for (key, declared) in &c.shares {
            let Some(source) = p.source(&key.value) else {
                continue;
            };
            let Some(whole) = val(&source.amount).copied() else {
                continue;
            };
            let part = c
                .allocations
                .iter()
                .find(|(k, _)| k.value == key.value)
                .map_or(Money::ZERO, |(_, m)| m.value);
            let Some(computed) = share(part, whole, declared.value.scale()) else {
                continue;
            };
            if computed != declared.value {
                out.push(
                    Diagnostic::new(
                        RULE.rule,
                        &p.file,
                        format!(
                            "“{}”写明占{} {}%，但 {part} ÷ {whole} = {computed}%（第 {} 行的金额）",
                            text(&c.name).unwrap_or(""),
                            text(&source.name).unwrap_or(&key.value),
                            declared.value,
                            source.amount.as_ref().map_or(source.line, |a| a.line)
                        ),
                    )
                    .span(declared.line, declared.col, declared.width)
                    .field(format!("{}.shares.{}", c.path, key.value))
                    .hint(format!(
                        "改成 {} = \"{computed}%\"，或核对分配金额",
                        key.value
                    )),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    fn findings(programme: &str) -> Vec<Diagnostic> {
        let (s, _) = site(&[("config.toml", ""), ("content/programme.toml", programme)]);
        run(&s, &crate::check::testing::at(&s, "2022-01-01"))
    }

    const SOURCES: &str = "[[sources]]\nid = \"central\"\nname = \"中央财政资金\"\namount = 1000\n";

    #[test]
    fn allocations_that_add_up_pass_and_one_fen_short_fails() {
        let cats = |last: &str| {
            format!(
                "{SOURCES}[[categories]]\nid = \"a\"\nallocations = {{ central = 350 }}\n[[categories]]\nid = \"b\"\nallocations = {{ central = {last} }}\n"
            )
        };
        assert!(findings(&cats("650")).is_empty());
        assert!(findings(&cats("650.00")).is_empty());
        let d = findings(&cats("649.9999"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].line, d[0].field.as_deref()),
            (Some(4), Some("sources[1].amount"))
        );
        assert!(d[0].message.contains("相差 0.0001"), "{}", d[0].message);
    }

    #[test]
    fn shares_are_checked_at_the_precision_written() {
        let cat = |alloc: &str, share: &str| {
            format!(
                "{SOURCES}[[categories]]\nid = \"a\"\nallocations = {{ central = {alloc} }}\nshares = {{ central = \"{share}\" }}\n[[categories]]\nid = \"b\"\nallocations = {{ central = {} }}\n",
                1000 - alloc.parse::<i32>().unwrap()
            )
        };
        assert!(findings(&cat("355", "35.5%")).is_empty());
        assert!(
            findings(&cat("355", "36%")).is_empty(),
            "35.5 rounds half up to 36"
        );
        assert!(findings(&cat("350", "35%")).is_empty());
        assert!(findings(&cat("350", "35.0%")).is_empty());
        // The county plan's own figures: 245 of 1000 is not 24.5% written as "28.5%".
        let d = findings(&cat("245", "28.5%"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("24.5%"), "{}", d[0].message);
        assert_eq!(d[0].field.as_deref(), Some("categories[1].shares.central"));
        let d = findings(&cat("355", "35%"));
        assert_eq!(
            d.len(),
            1,
            "35.5 is not 35 at whole-number precision: {d:?}"
        );
    }
}
