//! A record's **canonical disclosed content** (SPEC §7): its front-matter fields and body as the
//! site shows them, without comments or formatting, serialised as JSON with sorted keys and no
//! spaces. Built from the parsed TOML generically, so that a field added to the content format
//! later is covered without a list to keep up. Numbers keep their exact decimal value (never a
//! binary float); dates stay `YYYY-MM-DD`.

use toml::de::{DeTable, DeValue};

use super::json::escape_into;
pub use super::json::{Canon, parse, skip_value, write_str};
use crate::money::{display_decimal, parse_decimal};

/// Front-matter keys that say how a record changed, not what it discloses: they are recorded
/// in the ledger's entries (as reasons), never compared.
pub const LEDGER_KEYS: [&str; 3] = ["corrections", "withdrawn", "withdrawn_reason"];

/// Front-matter keys that steer the checks and disclose nothing (no page shows them): the
/// programme's `closed`, written when it ends, tells `check` to stop judging the column stale.
pub const CHECK_KEYS: [&str; 1] = ["closed"];

/// Whether a front-matter key is part of what a record discloses.
fn disclosed(key: &str) -> bool {
    !LEDGER_KEYS.contains(&key) && !CHECK_KEYS.contains(&key)
}

/// The key the Markdown body is kept under.
pub const BODY: &str = "body";

/// The canonical content of a record: every front-matter field but the ledger's own, and the
/// body (when the record has one), normalised.
pub fn record(table: &DeTable, body: Option<&str>) -> Canon {
    let mut fields: Vec<(String, Canon)> = table
        .iter()
        .filter(|(k, _)| disclosed(k.get_ref()))
        .map(|(k, v)| (k.get_ref().to_string(), from_toml(v.get_ref())))
        .collect();
    if let Some(body) = body {
        fields.retain(|(k, _)| k != BODY);
        fields.push((BODY.to_string(), Canon::Str(normalise_body(body))));
    }
    sorted(fields)
}

/// [`record`] written straight to JSON, without building it (loading hashes every record).
pub fn write_record(table: &DeTable, body: Option<&str>, out: &mut String) {
    let mut fields: Vec<(&str, Option<&DeValue>)> = table
        .iter()
        .map(|(k, v)| (k.get_ref().as_ref(), Some(v.get_ref())))
        .filter(|(k, _)| disclosed(k))
        .collect();
    if body.is_some() {
        fields.retain(|(k, _)| *k != BODY);
        fields.push((BODY, None));
    }
    fields.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(k, out);
        out.push(':');
        match v {
            Some(v) => write_toml(v, out),
            None => write_body(body.unwrap_or_default(), out),
        }
    }
    out.push('}');
}

fn write_toml(v: &DeValue, out: &mut String) {
    match v {
        DeValue::String(s) => write_str(s, out),
        DeValue::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        DeValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_toml(item.get_ref(), out);
            }
            out.push(']');
        }
        DeValue::Table(t) => {
            let mut fields: Vec<(&str, &DeValue)> = t
                .iter()
                .map(|(k, v)| (k.get_ref().as_ref(), v.get_ref()))
                .collect();
            fields.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_toml(v, out);
            }
            out.push('}');
        }
        // Most numbers are written as their canonical form already (`35.5`, `2022`), and dates
        // hold nothing to escape: both are copied without building a value.
        DeValue::Integer(i) if i.radix() == 10 && canonical_number(i.as_str()) => {
            out.push_str(i.as_str())
        }
        DeValue::Float(f) if canonical_number(f.as_str()) => out.push_str(f.as_str()),
        DeValue::Datetime(d) => match (d.date, d.time, d.offset) {
            // A date, the common case, digit by digit.
            (Some(date), None, None) => {
                let digits = |n: u32, width: u32, out: &mut String| {
                    for p in (0..width).rev() {
                        out.push(char::from(b'0' + (n / 10u32.pow(p) % 10) as u8));
                    }
                };
                out.push('"');
                digits(date.year.into(), 4, out);
                out.push('-');
                digits(date.month.into(), 2, out);
                out.push('-');
                digits(date.day.into(), 2, out);
                out.push('"');
            }
            _ => {
                use std::fmt::Write as _;
                let _ = write!(out, "\"{d}\"");
            }
        },
        other => from_toml(other).write(out),
    }
}

/// The body as compared: line ends `\n`, no white space at the end of a line, no blank lines
/// before or after.
pub fn normalise_body(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split('\n') {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_matches('\n').to_string()
}

/// [`normalise_body`] written straight as a JSON string.
fn write_body(markdown: &str, out: &mut String) {
    out.push('"');
    // Blank lines are held back until a line with text follows them.
    let (mut started, mut blank) = (false, 0);
    for line in markdown.split('\n').map(str::trim_end) {
        if line.is_empty() {
            blank += usize::from(started);
            continue;
        }
        if started {
            for _ in 0..=blank {
                out.push_str("\\n");
            }
        }
        (started, blank) = (true, 0);
        escape_into(line, out);
    }
    out.push('"');
}

fn sorted(mut fields: Vec<(String, Canon)>) -> Canon {
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    fields.dedup_by(|a, b| a.0 == b.0);
    Canon::Obj(fields)
}

/// A TOML value in canonical form.
pub fn from_toml(v: &DeValue) -> Canon {
    match v {
        DeValue::String(s) => Canon::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str();
            let text = if i.radix() == 10 {
                json_number(digits)
            } else {
                i128::from_str_radix(digits, i.radix())
                    .ok()
                    .map(|n| n.to_string())
            };
            text.map_or_else(|| Canon::Str(digits.to_string()), Canon::Num)
        }
        DeValue::Float(f) => {
            json_number(f.as_str()).map_or_else(|| Canon::Str(f.as_str().to_string()), Canon::Num)
        }
        DeValue::Boolean(b) => Canon::Bool(*b),
        DeValue::Datetime(d) => Canon::Str(d.to_string()),
        DeValue::Array(items) => Canon::Arr(items.iter().map(|i| from_toml(i.get_ref())).collect()),
        DeValue::Table(t) => sorted(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), from_toml(v.get_ref())))
                .collect(),
        ),
    }
}

/// Whether a number is written as [`json_number`] would write it: an optional `-`, the integer
/// part without leading zeros, and a fraction that does not end in `0`, each within the limits
/// of an exact decimal; never `-0`.
fn canonical_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !int.is_empty()
        && int.len() <= crate::money::NUMBER_DIGITS as usize
        && digits(int)
        && (int == "0" || !int.starts_with('0'))
        && frac.len() <= crate::money::NUMBER_PLACES as usize
        && digits(frac)
        && body.contains('.') != frac.is_empty()
        && !frac.ends_with('0')
        && !(text.starts_with('-') && int == "0" && frac.is_empty())
}

/// A number as its exact decimal, trailing zeros trimmed: `35.50` → `35.5`, `1_000` → `1000`,
/// `1e3` → `1000`. `None` for what JSON has no number for (`inf`, `nan`).
fn json_number(text: &str) -> Option<String> {
    if canonical_number(text) {
        return Some(text.to_string());
    }
    exact_number(text)
}

/// [`json_number`] for any number, by its exact decimal value.
fn exact_number(text: &str) -> Option<String> {
    if let Some(d) = parse_decimal(text) {
        return Some(display_decimal(d));
    }
    // Integers too long for a decimal: their digits, as written.
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    let body = digits.strip_prefix(['+', '-']).unwrap_or(&digits);
    (!body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())).then(|| {
        let sign = if digits.starts_with('-') { "-" } else { "" };
        let digits = body.trim_start_matches('0');
        format!("{sign}{}", if digits.is_empty() { "0" } else { digits })
    })
}

impl Canon {
    /// The value as one line of JSON, keys in the order held.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    pub fn write(&self, out: &mut String) {
        match self {
            Canon::Null => out.push_str("null"),
            Canon::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Canon::Num(n) => out.push_str(n),
            Canon::Str(s) => write_str(s, out),
            Canon::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Canon::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The value of a key of an object.
    pub fn get(&self, key: &str) -> Option<&Canon> {
        match self {
            Canon::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Canon::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (strings without quotes, numbers as written).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Canon::Str(s) | Canon::Num(s) => Some(s),
            _ => None,
        }
    }

    /// Whether every object in it has its keys sorted and unique, as canonical content has.
    pub fn is_canonical(&self) -> bool {
        match self {
            Canon::Arr(items) => items.iter().all(Canon::is_canonical),
            Canon::Obj(fields) => {
                fields.windows(2).all(|w| w[0].0 < w[1].0)
                    && fields.iter().all(|(_, v)| v.is_canonical())
            }
            _ => true,
        }
    }
}

// ---------------------------------------------------------------- comparing

/// One field that differs between two versions of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// Field path as webmasters write it: `contractor.responsible`, `targets[1].target`, `body`.
    pub path: String,
    /// The value before and after, as text; `None` where the field was absent.
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields that differ between two canonical records, in path order.
pub fn diff(old: &Canon, new: &Canon) -> Vec<FieldChange> {
    let mut out = Vec::new();
    diff_at("", Some(old), Some(new), &mut out);
    out
}

fn diff_at(path: &str, old: Option<&Canon>, new: Option<&Canon>, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Some(Canon::Obj(a)), Some(Canon::Obj(b))) => {
            let mut keys: Vec<&str> = a.iter().chain(b).map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                let child = if path.is_empty() {
                    k.to_string()
                } else {
                    format!("{path}.{k}")
                };
                diff_at(&child, field(a, k), field(b, k), out);
            }
        }
        (Some(Canon::Arr(a)), Some(Canon::Arr(b)))
            if a.iter().chain(b).all(|v| matches!(v, Canon::Obj(_))) =>
        {
            for i in 0..a.len().max(b.len()) {
                diff_at(&format!("{path}[{}]", i + 1), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a != b => {
            let (old, new) = match (a, b) {
                (Some(Canon::Str(x)), Some(Canon::Str(y))) => {
                    let (x, y) = excerpts(x, y);
                    (Some(x), Some(y))
                }
                _ => (a.map(show), b.map(show)),
            };
            out.push(FieldChange {
                path: path.to_string(),
                old,
                new,
            })
        }
        _ => {}
    }
}

fn field<'a>(fields: &'a [(String, Canon)], key: &str) -> Option<&'a Canon> {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// How long a value is shown before it is cut.
const SHOWN: usize = 80;

/// A value as text for messages and pages: strings without quotes, the rest as JSON.
pub fn show(v: &Canon) -> String {
    let text = match v {
        Canon::Str(s) | Canon::Num(s) => s.clone(),
        other => other.to_json(),
    };
    cut(&text, SHOWN)
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// Two long texts shown where they differ: a little before the first difference, and up to
/// where they agree again.
fn excerpts(a: &str, b: &str) -> (String, String) {
    if a.chars().count() <= SHOWN && b.chars().count() <= SHOWN {
        return (a.to_string(), b.to_string());
    }
    let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let first = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let same_end = ac[first..]
        .iter()
        .rev()
        .zip(bc[first..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let start = first.saturating_sub(20);
    let piece = |c: &[char]| {
        let end = (c.len() - same_end + 10).min(c.len());
        let mut s = String::new();
        if start > 0 {
            s.push('…');
        }
        s.extend(&c[start..end.max(start)]);
        let s = cut(&s, SHOWN);
        if end < c.len() && !s.ends_with('…') {
            s + "…"
        } else {
            s
        }
    };
    (piece(&ac), piece(&bc))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A number copied as written is the number its exact value would write.
        #[test]
        fn numbers_copied_as_written_are_canonical(
            text in "[-+]?[0-9_]{0,18}(\\.[0-9_]{0,12})?([eE][-+]?[0-9]{1,2})?",
        ) {
            if canonical_number(&text) {
                proptest::prop_assert_eq!(exact_number(&text), Some(text.clone()));
            }
        }
    }

    #[test]
    fn canonical_numbers_are_recognised() {
        for yes in [
            "0",
            "35.5",
            "-12",
            "2022",
            "0.000001",
            "-0.5",
            "999999999999999",
        ] {
            assert!(canonical_number(yes), "{yes}");
            assert_eq!(exact_number(yes).as_deref(), Some(yes));
        }
        for no in [
            "35.50", "1_000", "1e3", "+1", "01", "-0", "1.", ".5", "", "-", "0.0",
        ] {
            assert!(!canonical_number(no), "{no}");
        }
    }

    #[test]
    fn a_body_is_written_as_its_normal_form() {
        for body in [
            "",
            "\n\n",
            "一\n二",
            "\n  \n第一段  \r\n\n\n第二段\t\n  缩进\"引号\\ \n\n",
            "\u{3000}全角空格\u{3000}\n\u{1}",
        ] {
            let mut direct = String::new();
            write_body(body, &mut direct);
            let mut via = String::new();
            write_str(&normalise_body(body), &mut via);
            assert_eq!(direct, via, "{body:?}");
            assert_eq!(via, serde_json::to_string(&normalise_body(body)).unwrap());
        }
    }

    fn canon(toml: &str, body: Option<&str>) -> Canon {
        let table = DeTable::parse(toml).unwrap().into_inner();
        record(&table, body)
    }

    #[test]
    fn formatting_and_comments_do_not_count() {
        let a = canon(
            "name = \"冷链\"\namount = 35.50\n[funding]\ncentral = 95\n",
            Some("正文  \r\n第二行\n\n\n"),
        );
        let b = canon(
            "# 注释\n[funding]   # 资金\ncentral = 95.0\n\n[x]\n",
            Some("\n正文\n第二行"),
        );
        // Different fields on purpose: only the keys written matter, not where or how.
        let c = canon(
            "amount = 35.5   # 金额\nfunding = { central = 9_5 }\nname = '冷链'\n",
            Some("正文\n第二行\n"),
        );
        assert_eq!(a, c);
        assert_ne!(a, b);
        assert_eq!(
            a.to_json(),
            r#"{"amount":35.5,"body":"正文\n第二行","funding":{"central":95},"name":"冷链"}"#
        );
    }

    #[test]
    fn written_straight_is_the_same_as_built() {
        let toml = "b = [1, \"x\", 2022-05-01, { z = 1, a = [true] }]\na = 35.50\nbody = \"front\"\n[t]\ny = 1e2\nx = \"引号\\\"\"\n[[corrections]]\ndate = 2022-09-05\n[n]\nplain = [0, -7, 35.5, -0.25, 2022]\nwritten = [-0, +3, 1_000, 0.50, 1e-2, 0x1F, -0.0, 1234567890123456]\n[d]\ndates = [0999-01-02, 2022-12-31]\ntimes = [2022-05-01T08:30:00, 2022-05-01T08:30:00+08:00, 08:30:00, 2022-05-01 08:30:00.5Z]\n";
        let table = DeTable::parse(toml).unwrap().into_inner();
        for body in [None, Some("正文 \r\n\n")] {
            let mut out = String::new();
            write_record(&table, body, &mut out);
            assert_eq!(out, record(&table, body).to_json());
        }
    }

    #[test]
    fn ledger_keys_are_left_out_and_dates_stay_dates() {
        let a = canon(
            "published = 2022-05-19\nwithdrawn = 2022-10-01\nwithdrawn_reason = \"取消\"\n[[corrections]]\ndate = 2022-09-05\nreason = \"x\"\n",
            None,
        );
        assert_eq!(a.to_json(), r#"{"published":"2022-05-19"}"#);
    }

    #[test]
    fn numbers_are_exact_and_never_floats() {
        let a = canon(
            "a = 0.1\nb = 1e3\nc = 0x1F\nd = 123456789012345678901234567890\ne = -0.0\nf = inf\ng = 1234567.8912\n",
            None,
        );
        assert_eq!(
            a.to_json(),
            r#"{"a":0.1,"b":1000,"c":31,"d":123456789012345678901234567890,"e":0,"f":"inf","g":1234567.8912}"#
        );
    }

    #[test]
    fn writes_what_it_reads() {
        let text = r#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"引号\"、反斜杠\\、换行\n、\u0001"},"d":""}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.to_json(), text);
        assert!(v.is_canonical());
        assert_eq!(
            parse(r#"{"\u4e2d\ud83d\ude00":1}"#).unwrap().to_json(),
            "{\"中😀\":1}"
        );
        assert!(!parse(r#"{"b":1,"a":2}"#).unwrap().is_canonical());
        for bad in [
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "\"a",
            "tru",
            "{} x",
            "\"\u{1}\"",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(skip_value(r#"x{"a":[1,{"b":"]"}]}y"#, 1), Ok(20));
        assert!(skip_value(r#"{"a":[1}"#, 0).is_err());
    }

    #[test]
    fn the_same_escapes_as_serde_json() {
        let s = "a\"b\\c\nd\te\u{1}f\u{7f}g\u{2028}中";
        let mut ours = String::new();
        write_str(s, &mut ours);
        assert_eq!(ours, serde_json::to_string(s).unwrap());
    }

    #[test]
    fn diffs_name_each_changed_field() {
        let old = canon(
            "name = \"冷链\"\n[contractor]\nresponsible = \"陈永张\"\n[[targets]]\ntarget = 1000\n",
            Some("第一段。\n"),
        );
        let new = canon(
            "name = \"冷链\"\n[contractor]\nresponsible = \"陈永强\"\nphone = \"1\"\n[[targets]]\ntarget = 100\n[[targets]]\ntarget = 5\n",
            Some("第一段。\n"),
        );
        let d = diff(&old, &new);
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "contractor.phone",
                "contractor.responsible",
                "targets[1].target",
                "targets[2]"
            ]
        );
        assert_eq!(d[1].old.as_deref(), Some("陈永张"));
        assert_eq!(d[1].new.as_deref(), Some("陈永强"));
        assert_eq!(d[0].old, None);
        assert_eq!(d[2].new.as_deref(), Some("100"));
        assert_eq!(d[3].new.as_deref(), Some(r#"{"target":5}"#));
        assert!(diff(&old, &old).is_empty());
    }

    #[test]
    fn long_texts_are_shown_where_they_differ() {
        let a = format!("{}村级服务点 25 个。{}", "甲".repeat(100), "乙".repeat(100));
        let b = a.replace("25", "52");
        let (x, y) = excerpts(&a, &b);
        assert!(x.contains("25 个") && y.contains("52 个"), "{x} / {y}");
        assert!(x.starts_with('…') && x.ends_with('…'));
        assert!(x.chars().count() <= SHOWN + 2);
    }
}
