//! The mistakes webmasters make in TOML, recognised, with the text they meant: full-width
//! punctuation typed with a Chinese input method, thousands separators, units written after an
//! amount, dates in the forms Chinese documents use, percentages with their sign. Every
//! correction is computed from what was written; when the value itself is unknowable nothing is
//! suggested but where to look it up.

use crate::date::Date;
use crate::money::{parse_decimal, yuan_per_unit};

/// Fields whose values are numbers (amounts in the programme's unit, percentages, counts).
const NUMBER_KEYS: &[&str] = &[
    "amount",
    "percent",
    "disbursed",
    "target",
    "value",
    "year",
    "progress_due_day",
    "publication_working_days",
];

/// Fields whose values are dates.
const DATE_KEYS: &[&str] = &[
    "published",
    "issued",
    "start",
    "deadline",
    "completed",
    "accepted",
    "event",
    "public_until",
    "date",
    "withdrawn",
    "closed",
];

/// Full-width punctuation a Chinese input method types, its name, and what TOML wants.
const FULL_WIDTH: &[(char, &str, char)] = &[
    ('，', "中文逗号 ，", ','),
    ('：', "中文冒号 ：", '='),
    ('“', "中文引号 “ ”", '"'),
    ('”', "中文引号 “ ”", '"'),
    ('‘', "中文单引号 ‘ ’", '"'),
    ('’', "中文单引号 ‘ ’", '"'),
    ('【', "中文方括号 【", '['),
    ('】', "中文方括号 】", ']'),
    ('＝', "全角等号 ＝", '='),
    ('［', "全角方括号 ［", '['),
    ('］', "全角方括号 ］", ']'),
    ('｛', "全角花括号 ｛", '{'),
    ('｝', "全角花括号 ｝", '}'),
    ('＂', "全角引号 ＂", '"'),
];

/// What kind of value a key takes, as far as its name and table say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Number,
    Date,
    Text,
    /// Not known from the name (a table header, an array …).
    Unknown,
}

/// The kind of value of `key`, in a table whose header is `table` (`funding`, `contractor` …,
/// empty at the top), on a line that may itself open an inline table (`allocations = {`).
pub fn expect(table: &str, key: &str) -> Expect {
    let last = table.rsplit('.').next().unwrap_or(table);
    if NUMBER_KEYS.contains(&key)
        || key == "allocations"
        || last == "funding"
        || last == "allocations"
    {
        Expect::Number
    } else if DATE_KEYS.contains(&key) {
        Expect::Date
    } else if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !key.is_empty() {
        Expect::Text
    } else {
        Expect::Unknown
    }
}

/// The line with full-width punctuation outside of quoted text made half-width, and the names
/// of what was changed; `None` when there is none. Inside `"…"` text, `，` is content.
pub fn half_width(line: &str) -> Option<(String, Vec<&'static str>)> {
    let mut out = String::with_capacity(line.len());
    let mut found: Vec<&'static str> = Vec::new();
    let mut note = |name: &'static str| {
        if !found.contains(&name) {
            found.push(name);
        }
    };
    // In a string: whether it was opened by a full-width quote (then a full-width quote
    // closes it too).
    let mut string: Option<bool> = None;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if let Some(full) = string {
            match c {
                '”' | '’' | '＂' if full => {
                    note("中文引号 “ ”");
                    out.push('"');
                    string = None;
                }
                '\\' if !escaped => {
                    escaped = true;
                    out.push(c);
                }
                '"' if !escaped => {
                    out.push(c);
                    string = None;
                }
                _ => {
                    escaped = false;
                    out.push(c);
                }
            }
            continue;
        }
        if c == '#' {
            // A comment is the webmaster's own text.
            out.push_str(&line[at..]);
            break;
        }
        match FULL_WIDTH.iter().find(|(w, _, _)| *w == c) {
            Some((w, name, half)) => {
                note(name);
                out.push(*half);
                if matches!(w, '“' | '‘' | '＂') {
                    string = Some(true);
                }
            }
            None => {
                if c == '"' {
                    string = Some(false);
                }
                out.push(c);
            }
        }
    }
    (!found.is_empty()).then_some((out, found))
}

/// Full-width digits, point and minus made ASCII.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' => '-',
            '％' => '%',
            other => other,
        })
        .collect()
}

/// A number as the field wants it, from what was written: `1,500` → `1500`, `"100万元"` →
/// `100` (in the programme's `unit`), `"1500元"` → `0.15` when the unit is 万元, `40%` → `40`.
/// `None` when what was written is not recognisably one number.
pub fn as_number(written: &str, unit: &str) -> Option<String> {
    let mut s = ascii_digits(written.trim().trim_matches(['"', '\'', '“', '”', '‘', '’']));
    s.retain(|c| !c.is_whitespace());
    let mut scale: Option<(rust_decimal::Decimal, rust_decimal::Decimal)> = None;
    for suffix in ["亿元", "万元", "千元", "元"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            let from = yuan_per_unit(suffix)?;
            let to = yuan_per_unit(unit)?;
            scale = Some((from, to));
            s = rest.to_string();
            break;
        }
    }
    let s = s.strip_suffix('%').unwrap_or(&s);
    // Thousands separators: 1,500 or 1，500 (only in groups of three).
    let s = if s.contains([',', '，']) {
        let plain: String = s.chars().filter(|c| !matches!(c, ',' | '，')).collect();
        let int = s.split('.').next().unwrap_or(s);
        let groups: Vec<&str> = int.split([',', '，']).collect();
        let grouped = groups.len() > 1
            && (1..=3).contains(&groups[0].trim_start_matches('-').len())
            && groups[1..].iter().all(|g| g.len() == 3);
        if !grouped {
            return None;
        }
        plain
    } else {
        s.to_string()
    };
    let d = parse_decimal(&s)?;
    if s.contains(['e', 'E', '_']) {
        return None;
    }
    let d = match scale {
        Some((from, to)) => (d * from / to).normalize(),
        None => d.normalize(),
    };
    Some(crate::money::display_decimal(d))
}

/// A date as TOML writes it, from the forms Chinese documents use: `2022/7/8`, `2022.7.8`,
/// `2022年7月8日`, `2022-7-8`, `20220708`, quoted or not → `2022-07-08`.
pub fn as_date(written: &str) -> Option<String> {
    let s = ascii_digits(written.trim().trim_matches(['"', '\'', '“', '”', '‘', '’']));
    let s = s.trim();
    let parts: Vec<&str> = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        vec![&s[..4], &s[4..6], &s[6..]]
    } else {
        s.trim_end_matches('日')
            .split(['/', '.', '-', '年', '月'])
            .map(str::trim)
            .collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let date = Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.to_string())
}

/// The value as the key wants it, if what was written can be read as that.
pub fn as_expected(expect: Expect, written: &str, unit: &str) -> Option<String> {
    match expect {
        Expect::Number => as_number(written, unit),
        Expect::Date => as_date(written),
        Expect::Text | Expect::Unknown => None,
    }
}

/// The line with its key (or the name in its `[header]`) renamed.
pub fn rename_key(line: &str, from: &str, to: &str) -> Option<String> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let open = body.len() - body.trim_start_matches('[').len();
    let after = &body[open..];
    // The key as written: bare, or in quotes.
    let rest = after
        .strip_prefix(&format!("\"{from}\""))
        .or_else(|| after.strip_prefix(&format!("'{from}'")))
        .or_else(|| {
            after.strip_prefix(from).filter(|rest| {
                !rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
        })?;
    Some(format!("{indent}{}{to}{rest}", &body[..open]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_written_by_hand() {
        let n = |s| as_number(s, "万元");
        assert_eq!(n("1,500").as_deref(), Some("1500"));
        assert_eq!(n("1，500.5").as_deref(), Some("1500.5"));
        assert_eq!(n("\"100万元\"").as_deref(), Some("100"));
        assert_eq!(n("100 万元").as_deref(), Some("100"));
        assert_eq!(n("1500元").as_deref(), Some("0.15"));
        assert_eq!(n("“62”").as_deref(), Some("62"));
        assert_eq!(n("\"40%\"").as_deref(), Some("40"));
        assert_eq!(n("４０％").as_deref(), Some("40"));
        assert_eq!(as_number("3万元", "元").as_deref(), Some("30000"));
        for bad in ["1,50", "12,3456", "张三", "", "1e5", "0x10", "1,500,00"] {
            assert_eq!(n(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_as_chinese_documents_write_them() {
        for written in [
            "2022/7/8",
            "2022.7.8",
            "2022年7月8日",
            "2022-7-8",
            "\"2022-07-08\"",
            "20220708",
            "２０２２年７月８日",
        ] {
            assert_eq!(as_date(written).as_deref(), Some("2022-07-08"), "{written}");
        }
        assert_eq!(as_date("2022/2/30"), None);
        assert_eq!(as_date("七月八日"), None);
    }

    #[test]
    fn full_width_punctuation_outside_text_only() {
        let (line, found) = half_width("name ＝ “韶关市瑶乡电子商务有限公司”").unwrap();
        assert_eq!(line, "name = \"韶关市瑶乡电子商务有限公司\"");
        assert!(found.contains(&"全角等号 ＝"));
        let (line, _) = half_width("prohibited_uses = [\"征地拆迁\"，\"人员经费\"]").unwrap();
        assert_eq!(line, "prohibited_uses = [\"征地拆迁\",\"人员经费\"]");
        assert_eq!(half_width("purpose = \"首期款，含监理\""), None);
        let (line, _) = half_width("【contractor】").unwrap();
        assert_eq!(line, "[contractor]");
        assert_eq!(half_width("a = 1 # 注释，中文"), None);
        assert_eq!(half_width("title = \"关于“电商”的通知\""), None);
    }

    #[test]
    fn what_a_key_takes() {
        assert_eq!(expect("", "percent"), Expect::Number);
        assert_eq!(expect("funding", "central"), Expect::Number);
        assert_eq!(expect("categories", "allocations"), Expect::Number);
        assert_eq!(expect("", "published"), Expect::Date);
        assert_eq!(expect("contractor", "name"), Expect::Text);
    }
}
