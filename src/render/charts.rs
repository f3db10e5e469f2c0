//! Bar charts drawn at build time as inline SVG: no chart library in the browser, every chart
//! with a text title and description, and the same numbers printed beside each bar.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::Money;

/// One kind of bar: its name (printed next to each bar) and CSS class (its colour).
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
}

/// One group of bars, one per series.
pub struct Group {
    pub label: String,
    pub values: Vec<Money>,
}

const WIDTH: u32 = 340;
const BAR_MAX: u32 = 190;
const LINE: u32 = 20;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Horizontal bars, groups one under another so that the chart reads on a phone.
pub fn bars(id: &str, title: &str, series: &[Series], groups: &[Group], unit: &str) -> String {
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter())
        .copied()
        .max()
        .unwrap_or_default();
    let desc: Vec<String> = groups
        .iter()
        .map(|g| {
            let parts: Vec<String> = series
                .iter()
                .zip(&g.values)
                .map(|(s, v)| format!("{} {v} {unit}", s.name))
                .collect();
            format!("{}：{}", g.label, parts.join("，"))
        })
        .collect();
    let height = groups.len() as u32 * (LINE * (series.len() as u32 + 1) + 10);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(&desc.join("；"))
    );
    let mut y = 0;
    for g in groups {
        y += LINE;
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="0" y="{}">{}</text>"#,
            y - 5,
            esc(&g.label)
        );
        for (s, v) in series.iter().zip(&g.values) {
            let w = width(*v, max);
            let _ = write!(
                svg,
                r#"<rect class="{}" x="0" y="{}" width="{w}" height="14"/><text class="chart-value" x="{}" y="{}">{} {v}</text>"#,
                s.class,
                y + 2,
                w + Decimal::from(6),
                y + 14,
                esc(s.name),
            );
            y += LINE;
        }
        y += 10;
    }
    svg.push_str("</svg>");
    svg
}

/// Bar length in viewBox units, exact to one decimal place.
fn width(v: Money, max: Money) -> Decimal {
    if max.is_zero() {
        return Decimal::ZERO;
    }
    (v.0 * Decimal::from(BAR_MAX) / max.0)
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_titled_bars_with_their_numbers() {
        let m = |s: &str| Money(s.parse().unwrap());
        let svg = bars(
            "c1",
            "资金<来源>",
            &[
                Series {
                    name: "计划",
                    class: "b-plan",
                },
                Series {
                    name: "已拨付",
                    class: "b-paid",
                },
            ],
            &[Group {
                label: "中央&财政".into(),
                values: vec![m("1000"), m("500")],
            }],
            "万元",
        );
        assert!(svg.starts_with(r#"<svg class="chart" role="img" aria-labelledby="c1-t c1-d""#));
        assert!(svg.contains("<title id=\"c1-t\">资金&lt;来源&gt;</title>"));
        assert!(
            svg.contains("<desc id=\"c1-d\">中央&amp;财政：计划 1000 万元，已拨付 500 万元</desc>")
        );
        assert!(svg.contains(r#"width="190""#) && svg.contains(r#"width="95""#));
        assert!(svg.contains(">已拨付 500</text>"));
    }
}
