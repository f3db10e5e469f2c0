//! Cells as the values records hold: dates and months as Chinese ledgers write them, amounts
//! with or without units, targets as “指标：数量 单位” lists.

use rust_decimal::Decimal;
use toml_edit::Value;

use crate::date::{Date, Month};
use crate::money::parse_decimal;

/// Dates as people type them: 2022-06-30, 2022/6/30, 2022.6.30, 2022年6月30日.
pub(super) fn parse_date(s: &str) -> Option<Date> {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums.as_slice() {
        [y, m, d] => Date::from_ymd(*y as i32, *m, *d).filter(|d| d.in_years()),
        _ => None,
    }
}

/// Months as people type them: 2022-07, 2022/7, 2022年7月, or a date in the month.
pub(super) fn parse_month(s: &str) -> Option<Month> {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums.as_slice() {
        [y, m] | [y, m, _] => {
            Month::new(*y as i32, *m).filter(|m| crate::date::YEARS.contains(&m.year))
        }
        _ => None,
    }
}

/// A number as typed: thousands separators, `%` and a unit allowed. Amounts are in 万元: a
/// value ending in 元 (not 万元) is converted.
pub(super) fn parse_number(s: &str) -> Option<Decimal> {
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '%' | '％' | ' '))
        .collect();
    if let Some(wan) = cleaned.strip_suffix("万元") {
        parse_decimal(wan)
    } else if let Some(yuan) = cleaned.strip_suffix('元') {
        Some((parse_decimal(yuan)? / Decimal::from(10_000)).normalize())
    } else {
        parse_decimal(&cleaned)
    }
}

/// An amount cell, in 万元 (or in 元 when it says so), within the limits amounts have in files:
/// below 10^12 万元, to the 分.
pub(super) fn parse_amount(label: &str, v: &str) -> Result<Decimal, String> {
    use crate::money::{AMOUNT_DIGITS, Bound, parse_within};
    let cleaned: String = v
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let (text, in_yuan) = match cleaned.strip_suffix("万元") {
        Some(wan) => (wan, false),
        None => match cleaned.strip_suffix('元') {
            Some(yuan) => (yuan, true),
            None => (cleaned.as_str(), false),
        },
    };
    let parsed = if in_yuan {
        parse_within(text, AMOUNT_DIGITS + 4, 2).map(|y| (y / Decimal::from(10_000)).normalize())
    } else {
        parse_within(text, AMOUNT_DIGITS, 6)
    };
    parsed.map_err(|b| match b {
        Bound::NotANumber => format!("{label}“{v}”不是数字"),
        Bound::TooLarge => {
            format!("{label}“{v}”超出了任何示范项目的规模（以万元计要小于 1 万亿）")
        }
        Bound::TooPrecise { .. } => {
            format!("{label}“{v}”的小数位太多：精确到分为止（以万元计最多 6 位小数）")
        }
    })
}

/// 绩效目标 as one cell: "入驻企业：10 家；培训 1500 人次" — indicator, number, unit per item.
pub(super) fn parse_targets(s: &str) -> Option<Vec<(String, Decimal, String)>> {
    let items: Vec<&str> = s
        .split(['；', ';', '\n', '、'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    items
        .iter()
        .map(|item| {
            let start = item.find(|c: char| c.is_ascii_digit())?;
            let end = start
                + item[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(item.len() - start);
            let indicator = item[..start]
                .trim()
                .trim_end_matches(['：', ':', '≥', '>'])
                .trim();
            let indicator = indicator.trim_end_matches("不少于").trim();
            let number = parse_decimal(&item[start..end])?;
            let unit = item[end..].trim().trim_end_matches("以上").trim();
            (!indicator.is_empty()).then(|| (indicator.to_string(), number, unit.to_string()))
        })
        .collect()
}

/// A TOML value for a decimal, written exactly as the sheet gives it.
pub(super) fn number_value(d: Decimal) -> Value {
    let text = crate::money::display_decimal(d);
    text.parse::<Value>().unwrap_or_else(|_| Value::from(text))
}

pub(super) fn date_value(d: Date) -> Value {
    d.to_string()
        .parse::<Value>()
        .unwrap_or_else(|_| Value::from(d.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_months_numbers_and_targets_as_typed() {
        assert_eq!(parse_date("2022/6/30").unwrap().to_string(), "2022-06-30");
        assert_eq!(
            parse_date("2022年6月30日").unwrap().to_string(),
            "2022-06-30"
        );
        assert!(parse_date("九月底").is_none());
        assert_eq!(parse_month("2022年7月").unwrap().to_string(), "2022-07");
        assert_eq!(parse_month("2022-07-01").unwrap().to_string(), "2022-07");
        assert_eq!(parse_number("1,000.50万元").unwrap().to_string(), "1000.50");
        assert_eq!(parse_number("80%").unwrap().to_string(), "80");
        assert_eq!(parse_number("1,500,000元").unwrap().to_string(), "150");
        assert_eq!(parse_number("37500 元").unwrap().to_string(), "3.75");
        let t = parse_targets("电商产业园入驻企业：10 家；培训 1500 人次以上").unwrap();
        assert_eq!(
            t[0],
            ("电商产业园入驻企业".into(), Decimal::from(10), "家".into())
        );
        assert_eq!(t[1], ("培训".into(), Decimal::from(1500), "人次".into()));
    }
}
