//! `fund-overrun`: projects may not be given more of a source than their category was
//! allocated, and a project may not be paid more of a source than it was given.

use std::collections::BTreeMap;

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::money::Money;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::FUND_OVERRUN,
    run,
};

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let unit = site.programme.as_ref().map_or("万元", |p| p.unit());
    if let Some(p) = &site.programme {
        for c in &p.categories {
            let Some(cat) = text(&c.id) else { continue };
            // A category the plan does not split money to: nothing to compare with.
            if c.allocations.is_empty() {
                continue;
            }
            let mut given: BTreeMap<&str, Vec<(&Project, Money)>> = BTreeMap::new();
            for project in site
                .projects
                .iter()
                .filter(|x| text(&x.category) == Some(cat))
            {
                for (k, m) in &project.funding.entries {
                    given
                        .entry(k.value.as_str())
                        .or_default()
                        .push((project, m.value));
                }
            }
            for (source, list) in given {
                let total: Money = list.iter().map(|(_, m)| *m).sum();
                let allocation = c.allocations.iter().find(|(k, _)| k.value == source);
                let allowed = allocation.map_or(Money::ZERO, |(_, m)| m.value);
                if total <= allowed {
                    continue;
                }
                let projects: Vec<String> = list
                    .iter()
                    .map(|(x, m)| format!("{}（{m}）", x.file))
                    .collect();
                let line = allocation.map_or(c.line, |(k, _)| k.line);
                out.push(
                    Diagnostic::new(
                        RULE.rule,
                        &p.file,
                        format!(
                            "板块“{}”的{}只安排了 {allowed} {unit}，但项目扶持合计 {total} {unit}，超出 {} {unit}：{}",
                            text(&c.name).unwrap_or(cat),
                            p.source(source).and_then(|s| text(&s.name)).unwrap_or(source),
                            total - allowed,
                            projects.join("、")
                        ),
                    )
                    .at(line)
                    .field(format!("{}.allocations.{source}", c.path))
                    .hint("核对这些项目的 [funding]，或按批准的调整方案修改板块分配"),
                );
            }
        }
        // Payments from a source, over all projects, may not exceed the source: reported on
        // the payment that first goes over, in date order.
        for s in &p.sources {
            let (Some(id), Some(amount)) = (text(&s.id), val(&s.amount)) else {
                continue;
            };
            let mut payments: Vec<(&Project, &Disbursement, crate::date::Date, Money)> = site
                .projects
                .iter()
                .flat_map(|x| x.disbursements.iter().map(move |d| (x, d)))
                .filter(|(_, d)| text(&d.source) == Some(id))
                .filter_map(|(x, d)| Some((x, d, *val(&d.date)?, *val(&d.amount)?)))
                .collect();
            payments.sort_by(|a, b| (a.2, &a.0.id).cmp(&(b.2, &b.0.id)));
            let mut paid = Money::ZERO;
            for (x, d, day, m) in payments {
                let before = paid;
                paid += m;
                if paid > *amount && before <= *amount {
                    let at = d.amount.as_ref().expect("kept above");
                    out.push(
                        Diagnostic::new(
                            RULE.rule,
                            &x.file,
                            format!(
                                "到 {} 这一笔为止，{}共拨付 {paid} {unit}，超过了资金来源的总额 {amount} {unit}（{}:{}）",
                                day.chinese(),
                                text(&s.name).unwrap_or(id),
                                p.file,
                                s.line
                            ),
                        )
                        .span(at.line, at.col, at.width)
                        .field(format!("{}.amount", d.path))
                        .hint("核对各项目的拨付记录；资金来源的总额以批复文件为准"),
                    );
                }
            }
        }
    }
    // A project with no funding at all is a missing field, reported on its own.
    for project in site
        .projects
        .iter()
        .filter(|p| !p.funding.entries.is_empty())
    {
        let mut paid: BTreeMap<&str, Money> = BTreeMap::new();
        for d in &project.disbursements {
            let (Some(source), Some(amount)) = (text(&d.source), &d.amount) else {
                continue;
            };
            let before = paid.get(source).copied().unwrap_or_default();
            let after = before + amount.value;
            paid.insert(source, after);
            let funded = project
                .funding
                .entries
                .iter()
                .find(|(k, _)| k.value == source);
            let allowed = funded.map_or(Money::ZERO, |(_, m)| m.value);
            // Reported once per source: on the payment that first goes over.
            if after > allowed && before <= allowed {
                let place = match funded {
                    Some((k, m)) => format!("[funding] 第 {} 行 {source} = {}", k.line, m.value),
                    None => format!("[funding] 里没有 {source}"),
                };
                out.push(
                    Diagnostic::new(
                        RULE.rule,
                        &project.file,
                        format!("到这一笔为止 {source} 已拨付 {after} {unit}，超过了扶持资金 {allowed} {unit}（{place}）"),
                    )
                    .span(amount.line, amount.col, amount.width)
                    .field(format!("{}.amount", d.path)),
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

    const PROGRAMME: &str = "[[sources]]\nid = \"central\"\namount = 100\n[[categories]]\nid = \"c\"\nname = \"板块\"\nallocations = { central = 100 }\n";

    fn findings(a: &str, b: &str, paid: &[&str]) -> Vec<Diagnostic> {
        let pay: String = paid
            .iter()
            .map(|x| format!("[[disbursements]]\ndate = 2022-07-01\namount = {x}\nsource = \"central\"\npurpose = \"款\"\n"))
            .collect();
        let (s, _) = site(&[
            ("config.toml", ""),
            ("content/programme.toml", PROGRAMME),
            (
                "content/projects/a/index.md",
                &format!("+++\ncategory = \"c\"\n[funding]\ncentral = {a}\n{pay}+++\nx\n"),
            ),
            (
                "content/projects/b/index.md",
                &format!("+++\ncategory = \"c\"\n[funding]\ncentral = {b}\n+++\nx\n"),
            ),
        ]);
        run(&s, &crate::check::testing::at(&s, "2022-01-01"))
    }

    #[test]
    fn an_allocation_met_exactly_passes_and_one_fen_over_fails() {
        assert!(findings("60", "40", &[]).is_empty());
        let d = findings("60", "40.0001", &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].file.as_str(), d[0].line),
            ("content/programme.toml", Some(7))
        );
        assert!(
            d[0].message.contains("content/projects/a/index.md（60）")
                && d[0]
                    .message
                    .contains("content/projects/b/index.md（40.0001）")
        );
        assert!(d[0].message.contains("超出 0.0001"));
    }

    #[test]
    fn payments_from_a_source_may_not_exceed_it_over_all_projects() {
        // Each project is paid within its funding, but b's funding overruns the category, and
        // the two together are paid more than the source holds.
        let pay = |x: &str| {
            format!(
                "[[disbursements]]\ndate = 2022-07-01\namount = {x}\nsource = \"central\"\npurpose = \"款\"\n"
            )
        };
        let (s, _) = site(&[
            ("config.toml", ""),
            ("content/programme.toml", PROGRAMME),
            (
                "content/projects/a/index.md",
                &format!(
                    "+++\ncategory = \"c\"\n[funding]\ncentral = 60\n{}+++\nx\n",
                    pay("60")
                ),
            ),
            (
                "content/projects/b/index.md",
                &format!(
                    "+++\ncategory = \"c\"\n[funding]\ncentral = 41\n{}+++\nx\n",
                    pay("40.0001")
                ),
            ),
        ]);
        let d = run(&s, &crate::check::testing::at(&s, "2022-01-01"));
        let total: Vec<&Diagnostic> = d
            .iter()
            .filter(|d| d.message.contains("资金来源的总额"))
            .collect();
        assert_eq!(total.len(), 1, "{d:?}");
        assert_eq!(total[0].file, "content/projects/b/index.md");
        assert!(
            total[0].message.contains("100.0001"),
            "{}",
            total[0].message
        );
    }

    #[test]
    fn payments_met_exactly_pass_and_one_fen_over_fails_once() {
        assert!(findings("60", "40", &["30", "30"]).is_empty());
        let d = findings("60", "40", &["30", "30.0001", "5"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].file.as_str(), d[0].line),
            ("content/projects/a/index.md", Some(12))
        );
        assert!(
            d[0].message.contains("60.0001") && d[0].message.contains("第 4 行"),
            "{}",
            d[0].message
        );
    }
}
