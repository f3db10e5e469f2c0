//! `invalid-value`: values of the right type that cannot be true — negative amounts, percents
//! outside 0–100 or going down, dates in an impossible order, ids of sources that do not exist,
//! links that are not web addresses. (Values of the wrong type are reported while loading.)

use rust_decimal::Decimal;

use super::Check;
use crate::date::Date;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::money::{Money, yuan_per_unit};
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::INVALID_VALUE,
    run,
};

fn bad<T>(file: &str, f: &Spanned<T>, path: impl Into<String>, message: String) -> Diagnostic {
    Diagnostic::new(RULE.rule, file, message)
        .span(f.line, f.col, f.width)
        .field(path)
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    config(&site.config, &mut out);
    let line = |n: u32| site.sources.line(&site.config.file, n);
    super::registration::check(&site.config, &line, &mut out);
    let known_sources: Vec<&str> = site
        .programme
        .as_ref()
        .map(|p| p.sources.iter().filter_map(|s| text(&s.id)).collect())
        .unwrap_or_default();
    if let Some(p) = &site.programme {
        programme(p, &known_sources, &mut out);
    }
    for p in &site.projects {
        project(p, &known_sources, site.programme.is_some(), &mut out);
    }
    for n in &site.notices {
        notice(n, &mut out);
    }
    out
}

fn config(c: &Config, out: &mut Vec<Diagnostic>) {
    if let Some(url) = &c.base_url
        && !is_web_address(&url.value)
    {
        out.push(
            bad(
                &c.file,
                url,
                "base_url",
                format!(
                    "base_url “{}” 不是网址：要以 https:// 或 http:// 开头",
                    url.value
                ),
            )
            .hint("例如：base_url = \"https://www.example.gov.cn/zl/dzsw\""),
        );
    }
    for kind in ChannelKind::ALL {
        for ch in c.channels.of(kind) {
            // A web page, or a mail or phone link: what a reader's browser can open as a way
            // to reach the channel. Anything else is wrong as written, whatever the site holds.
            if let Some(url) = &ch.url
                && !super::registration::valid_channel_url(&url.value)
            {
                out.push(
                    bad(
                        &c.file,
                        url,
                        format!("{}.url", ch.path),
                        format!(
                            "{} 的网址 “{}” 要以 https:// 或 http:// 开头（也可以是 mailto:邮箱 或 tel:电话号码）",
                            kind.label(),
                            url.value
                        ),
                    )
                    .hint("例如 url = \"https://www.12388.gov.cn/\"；只有电话或邮箱的，写在 phone 或 email 里"),
                );
            }
            if let Some(email) = &ch.email
                && !is_email(&email.value)
            {
                out.push(bad(
                    &c.file,
                    email,
                    format!("{}.email", ch.path),
                    format!("“{}” 不是电子邮箱地址", email.value),
                ));
            }
        }
    }
}

fn is_web_address(url: &str) -> bool {
    crate::load::records::web_address(url)
}

fn is_email(email: &str) -> bool {
    let e = email.trim();
    matches!(e.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.') && !e.contains(char::is_whitespace))
}

fn programme(p: &Programme, known: &[&str], out: &mut Vec<Diagnostic>) {
    if let Some(unit) = &p.unit
        && yuan_per_unit(unit.value.trim()).is_none()
    {
        out.push(bad(
            &p.file,
            unit,
            "unit",
            format!(
                "金额单位 “{}” 不认识：可用 元、千元、万元、亿元",
                unit.value
            ),
        ));
    }
    if let Some(year) = &p.year
        && !(2000..=2100).contains(&year.value)
    {
        out.push(bad(
            &p.file,
            year,
            "year",
            format!("年度 {} 不对", year.value),
        ));
    }
    for s in &p.sources {
        if let Some(a) = &s.amount
            && a.value <= Money::ZERO
        {
            out.push(bad(
                &p.file,
                a,
                format!("{}.amount", s.path),
                format!("资金金额应大于 0，这里是 {}", a.value),
            ));
        }
    }
    for c in &p.categories {
        for (key, amount) in &c.allocations {
            unknown_source(out, &p.file, key, &format!("{}.allocations", c.path), known);
            if amount.value.is_negative() {
                out.push(bad(
                    &p.file,
                    amount,
                    format!("{}.allocations.{}", c.path, key.value),
                    format!("分配金额不能为负数（{}）", amount.value),
                ));
            }
        }
        for (key, share) in &c.shares {
            unknown_source(out, &p.file, key, &format!("{}.shares", c.path), known);
            if share.value < Decimal::ZERO || share.value > Decimal::ONE_HUNDRED {
                out.push(bad(
                    &p.file,
                    share,
                    format!("{}.shares.{}", c.path, key.value),
                    format!("占比应在 0% 到 100% 之间（{}%）", share.value),
                ));
            }
        }
    }
}

fn unknown_source(
    out: &mut Vec<Diagnostic>,
    file: &str,
    key: &Spanned<String>,
    table: &str,
    known: &[&str],
) {
    if !known.contains(&key.value.as_str()) {
        out.push(
            bad(
                file,
                key,
                format!("{table}.{}", key.value),
                format!(
                    "资金来源 “{}” 在 programme.toml 的 [[sources]] 里没有",
                    key.value
                ),
            )
            .hint(format!("可用的资金来源 id：{}", known.join("、"))),
        );
    }
}

fn project(p: &Project, known: &[&str], has_programme: bool, out: &mut Vec<Diagnostic>) {
    for (key, amount) in &p.funding.entries {
        if has_programme {
            unknown_source(out, &p.file, key, "funding", known);
        }
        if amount.value <= Money::ZERO {
            out.push(
                bad(
                    &p.file,
                    amount,
                    format!("funding.{}", key.value),
                    format!("扶持资金应大于 0，这里是 {}", amount.value),
                )
                .hint("没有这项资金就删掉这一行"),
            );
        }
    }
    date_order(
        out,
        &p.file,
        &p.start,
        "start",
        &p.deadline,
        "deadline",
        "完成时限不能早于开工日期",
    );
    if p.completed.is_none()
        && let Some(acc) = &p.accepted
    {
        out.push(
            bad(
                &p.file,
                acc,
                "accepted",
                "写了验收日期，但没有写完工日期 completed".into(),
            )
            .hint("加一行 completed = 完工日期"),
        );
    }
    for d in &p.disbursements {
        if let Some(a) = &d.amount
            && a.value <= Money::ZERO
        {
            out.push(bad(
                &p.file,
                a,
                format!("{}.amount", d.path),
                format!("拨付金额应大于 0，这里是 {}", a.value),
            ));
        }
    }
    let mut previous: Option<(&ProgressReport, &Spanned<Decimal>)> = None;
    for r in &p.progress {
        if let Some(d) = &r.disbursed
            && d.value.is_negative()
        {
            out.push(bad(
                &r.file,
                d,
                "disbursed",
                format!("累计拨付不能为负数（{}）", d.value),
            ));
        }
        let Some(percent) = &r.percent else { continue };
        if percent.value < Decimal::ZERO || percent.value > Decimal::ONE_HUNDRED {
            out.push(bad(
                &r.file,
                percent,
                "percent",
                format!("完成比例应在 0 到 100 之间，这里是 {}", percent.value),
            ));
        } else if let Some((prev, prev_pct)) = previous
            && percent.value < prev_pct.value
        {
            out.push(
                bad(
                    &r.file,
                    percent,
                    "percent",
                    format!(
                        "完成比例不能下降：{} 是 {}%，{} 写的是 {}%",
                        prev.month.chinese(),
                        prev_pct.value.normalize(),
                        r.month.chinese(),
                        percent.value.normalize()
                    ),
                )
                .hint(format!("核对 {} 和本月的 percent", prev.file)),
            );
        }
        previous = Some((r, percent));
    }
}

fn notice(n: &Notice, out: &mut Vec<Diagnostic>) {
    if let Some(a) = &n.amount
        && a.value <= Money::ZERO
    {
        out.push(bad(
            &n.file,
            a,
            "amount",
            format!("金额应大于 0，这里是 {}", a.value),
        ));
    }
}

/// Reports `later` if it comes before `earlier`.
fn date_order(
    out: &mut Vec<Diagnostic>,
    file: &str,
    earlier: &Field<Date>,
    earlier_key: &str,
    later: &Field<Date>,
    later_key: &str,
    message: &str,
) {
    if let (Some(a), Some(b)) = (earlier, later)
        && b.value < a.value
    {
        out.push(bad(
            file,
            b,
            later_key,
            format!(
                "{message}：{later_key} = {} 在 {earlier_key} = {} 之前",
                b.value, a.value
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    const PROGRAMME: &str =
        "name = \"p\"\n[[sources]]\nid = \"central\"\nname = \"中央\"\namount = 10\n";

    fn findings(files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let (site, _) = site(files);
        run(&site, &crate::check::testing::at(&site, "2022-09-01"))
    }

    #[test]
    fn percent_must_not_fall_or_leave_range() {
        let d = findings(&[
            ("config.toml", ""),
            ("content/programme.toml", PROGRAMME),
            (
                "content/projects/a/index.md",
                "+++\nstart = 2022-06-01\n+++\nx\n",
            ),
            (
                "content/projects/a/progress/2022-06.md",
                "+++\npublished = 2022-07-05\npercent = 40\n+++\n",
            ),
            (
                "content/projects/a/progress/2022-07.md",
                "+++\npublished = 2022-08-05\npercent = 30\n+++\n",
            ),
            (
                "content/projects/a/progress/2022-08.md",
                "+++\npublished = 2022-09-05\npercent = 101\n+++\n",
            ),
        ]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].file, "content/projects/a/progress/2022-07.md");
        assert_eq!(d[0].line, Some(3));
        assert!(d[0].message.contains("不能下降"));
        assert!(d[1].message.contains("0 到 100"));
    }

    #[test]
    fn negative_amounts_unknown_sources_and_date_order() {
        let d = findings(&[
            ("config.toml", "base_url = \"www.example.gov.cn\"\n"),
            ("content/programme.toml", PROGRAMME),
            (
                "content/projects/a/index.md",
                "+++\nstart = 2022-06-01\ndeadline = 2022-05-01\n[funding]\ncentral = -5\ncounty = 3\n+++\nx\n",
            ),
        ]);
        let mut fields: Vec<_> = d.iter().map(|d| d.field.as_deref().unwrap()).collect();
        fields.sort();
        assert_eq!(
            fields,
            ["base_url", "deadline", "funding.central", "funding.county"],
            "{d:?}"
        );
    }
}
