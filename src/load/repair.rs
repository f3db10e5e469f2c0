//! Syntax errors found one at a time, each reported once at its cause with the edit that
//! fixes it when the right text follows from what was written — full-width punctuation, a
//! Chinese field name, amounts with units, dates as Chinese documents write them, a string left
//! open — and the rest of the text read on as if fixed (or without the faulty line), so that
//! one mistake gives one finding and the rest of the record is still known.

use toml::de::{DeTable, DeValue};

use super::mistakes;
use super::toml_reader::{SYNTAX, TomlDoc};
use crate::diag::{Diagnostic, Fix};
use crate::labels;
use crate::money::parse_decimal;

/// Syntax errors are repaired one at a time; a text needing more than this is read no further.
const MAX_REPAIRS: usize = 20;

/// A TOML text read as far as it goes. Each syntax error is reported once, at its cause, with
/// the edit that fixes it when the right text follows from what was written; the line at fault
/// is then left out and the rest read again, so that one mistake gives one finding and the rest
/// of the record is still known.
pub struct Repaired {
    /// The text with the faulty lines blanked, when there were any.
    pub text: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether what is left parses; if not, nothing of the file can be used.
    pub readable: bool,
}

pub fn repair(file: &str, kind: &'static str, text: &str, first_line: u32, unit: &str) -> Repaired {
    let mut current: Option<String> = None;
    let mut diagnostics = Vec::new();
    let mut blanked: Vec<usize> = Vec::new();
    let mut substituted: Vec<usize> = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let t = current.as_deref().unwrap_or(text);
        let (_, errors) = DeTable::parse_recoverable(t);
        let Some(first) = errors
            .into_iter()
            .min_by_key(|e| e.span().map_or(usize::MAX, |s| s.start))
        else {
            return Repaired {
                text: current,
                diagnostics,
                readable: true,
            };
        };
        let doc = TomlDoc::new(file, kind, t, first_line);
        let (line, col, width) = doc.pos(first.span().unwrap_or(0..0));
        let index = (line - first_line) as usize;
        if blanked.contains(&index) {
            // Leaving the line out did not help: the fault spans lines (an unclosed string or
            // list); what follows cannot be read reliably.
            break;
        }
        if let Some(at) = substituted.iter().position(|i| *i == index) {
            // The corrected line does not fit where it stands: it is no fix. Read on
            // without the line.
            substituted.remove(at);
            if let Some(d) = diagnostics.iter_mut().rev().find(|d| d.line == Some(line)) {
                d.fix = None;
            }
            blanked.push(index);
            current = Some(blank_line(t, index));
            continue;
        }
        let original = text.lines().nth(index).unwrap_or("");
        diagnostics.push(syntax_finding(
            file,
            kind,
            &table_of(text, index),
            original,
            first.message(),
            (line, col, width),
            unit,
        ));
        // Read on as if fixed when the fix is known, else without the line.
        let fixed = match diagnostics.last().and_then(|d| d.fix.as_ref()) {
            Some(Fix::Replace { text, .. }) => {
                substituted.push(index);
                replace_line(t, index, text)
            }
            _ => {
                blanked.push(index);
                blank_line(t, index)
            }
        };
        current = Some(fixed);
    }
    Repaired {
        text: current,
        diagnostics,
        readable: false,
    }
}

/// The text with one line replaced.
fn replace_line(text: &str, index: usize, with: &str) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == index {
                let body = l.trim_end_matches(['\n', '\r']);
                format!("{with}{}", &l[body.len()..])
            } else {
                l.to_string()
            }
        })
        .collect()
}

/// The text with one line made spaces (byte for byte, so that every place stays where it was).
fn blank_line(text: &str, index: usize) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == index {
                let body = l.trim_end_matches(['\n', '\r']);
                format!("{}{}", " ".repeat(body.len()), &l[body.len()..])
            } else {
                l.to_string()
            }
        })
        .collect()
}

/// The table a line is in: the last `[header]` or `[[header]]` above it (empty at the top).
fn table_of(text: &str, index: usize) -> String {
    text.lines()
        .take(index)
        .filter_map(|l| {
            let l = l.trim();
            let inner = l
                .strip_prefix("[[")
                .and_then(|x| x.split_once("]]"))
                .or_else(|| l.strip_prefix('[').and_then(|x| x.split_once(']')))?;
            Some(inner.0.trim().to_string())
        })
        .last()
        .unwrap_or_default()
}

/// One syntax error at its cause: what is wrong in Chinese, and the corrected line when it
/// follows from what was written.
fn syntax_finding(
    file: &str,
    kind: &str,
    table: &str,
    line_text: &str,
    message: &str,
    (line, col, width): (u32, u32, u32),
    unit: &str,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        SYNTAX,
        file,
        format!(
            "TOML 格式错误（第 {line} 行第 {col} 列）：{}",
            translate(message)
        ),
    )
    .span(line, col, width);
    let mut notes: Vec<String> = Vec::new();
    let mut fixed = line_text.to_string();
    if let Some((half, names)) = mistakes::half_width(&fixed) {
        notes.push(format!(
            "用了{}：TOML 的标点要用英文半角（切换到英文输入法再打）",
            names.join("、")
        ));
        fixed = half;
    }
    // A field name in Chinese: the English one, when it is a field of this table.
    if let Some(hint) = chinese_key_hint(kind, table, &fixed) {
        d = d.hint(hint.0);
        match hint.1 {
            Some(renamed) => fixed = renamed,
            None => return d,
        }
    }
    if let Some((key, value)) = fixed.split_once('=') {
        let (key, value) = (key.trim(), value.trim());
        let value = value.find(" #").map_or(value, |i| value[..i].trim_end());
        let expect = mistakes::expect(table, key.trim_matches('"'));
        if let Some(v) = mistakes::as_expected(expect, value, unit)
            && v != value
        {
            notes.push(match expect {
                mistakes::Expect::Date => {
                    "日期写成 年-月-日（月和日都写两位），不加引号".to_string()
                }
                _ => format!(
                    "金额、数量和比例只写数字，不加引号、单位、百分号或千分位逗号（金额的单位是 {unit}）"
                ),
            });
            fixed = Fix::value(line, &fixed, &v)
                .and_then(|f| match f {
                    Fix::Replace { text, .. } => Some(text),
                    _ => None,
                })
                .unwrap_or(fixed);
        } else if expect == mistakes::Expect::Text
            && !value.is_empty()
            && !value.starts_with(['"', '\'', '[', '{'])
        {
            notes.push("文字要用英文双引号 \" 括起来".into());
            fixed = Fix::value(line, &fixed, &format!("\"{}\"", value.replace('"', "\\\"")))
                .and_then(|f| match f {
                    Fix::Replace { text, .. } => Some(text),
                    _ => None,
                })
                .unwrap_or(fixed);
        }
    }
    // A string left open: closed at the end of its value.
    if let Some((key, value)) = fixed.split_once('=') {
        let body = value.find(" #").map_or(value, |i| &value[..i]);
        let quotes = body.matches('"').count() - body.matches("\\\"").count();
        if quotes % 2 == 1 && body.trim_start().starts_with('"') {
            let comment = &value[body.len()..];
            notes.push("文字末尾缺少英文双引号 \"".into());
            fixed = format!("{key}={}\"{comment}", body.trim_end());
        }
    }
    // The corrected line is offered only if it is itself good TOML, and a number or date
    // field then holds a number or date (a quoted "八十" would only be the next error).
    let standalone = fixed.trim();
    let right_type = |t: &DeTable| {
        let Some((key, value)) = standalone.split_once('=') else {
            return true;
        };
        let Some(v) = t.get(key.trim().trim_matches('"')) else {
            return true;
        };
        match mistakes::expect(table, key.trim().trim_matches('"')) {
            mistakes::Expect::Number if !key.contains("allocations") => {
                matches!(v.get_ref(), DeValue::Integer(_) | DeValue::Float(_))
                    || parse_decimal(value.trim().trim_matches('"')).is_some()
            }
            mistakes::Expect::Date => matches!(v.get_ref(), DeValue::Datetime(_)),
            _ => true,
        }
    };
    let parses = !standalone.is_empty()
        && fixed != line_text
        && DeTable::parse(standalone).is_ok_and(|t| {
            (!t.get_ref().is_empty() || standalone.starts_with('[')) && right_type(t.get_ref())
        });
    if parses {
        d = d.fix(Fix::Replace { line, text: fixed });
    }
    if !notes.is_empty() {
        d.message = format!("第 {line} 行{}", notes.join("；"));
        d.hint = Some(match (&d.hint, parses) {
            (Some(h), _) => h.clone(),
            (None, true) => "照下面的“修改”改正这一行".into(),
            (None, false) => "按上面的说明改正这一行".into(),
        });
    } else if d.hint.is_none()
        && let Some(h) = syntax_hint(message, line_text)
    {
        d = d.hint(h);
    }
    d
}

/// For a field name written in Chinese: what to write instead, and the line with the English
/// name when the field belongs to the table the line is in.
fn chinese_key_hint(kind: &str, current: &str, line: &str) -> Option<(String, Option<String>)> {
    let (raw_key, rest) = line.split_once(['=', '＝', '：']).unwrap_or((line, ""));
    let key = raw_key.trim();
    if key.is_ascii() || key.starts_with(['"', '\'', '[', '【']) {
        return None;
    }
    Some(match labels::field_for_label(kind, key) {
        Some(path) => {
            let (table, field) = path.rsplit_once('.').unwrap_or(("", path));
            let indent = &raw_key[..raw_key.len() - raw_key.trim_start().len()];
            if table.is_empty() || labels::generic_path(current) == table {
                (
                    format!("字段名要用英文：把 {key} 改成 {field}"),
                    Some(format!("{indent}{field} ={rest}")),
                )
            } else {
                (
                    format!("字段名要用英文：把 {key} 改成 {field}（写在 [{table}] 下面）"),
                    None,
                )
            }
        }
        None => (
            "字段名要用英文字母、数字和下划线，例如 name、deadline；字段说明见 README".into(),
            None,
        ),
    })
}

/// The parser's English messages, in Chinese where we know them.
fn translate(message: &str) -> String {
    const KNOWN: &[(&str, &str)] = &[
        ("string values must be quoted", "文字没有用英文双引号括起来"),
        ("invalid basic string", "文字的引号没有成对"),
        ("duplicate key", "同一个字段写了两次"),
        ("unclosed array", "方括号 [ ] 没有成对"),
        ("unclosed table", "表头的方括号没有成对"),
        ("expected `=`", "字段名后面缺少 ="),
        ("invalid table header", "表头写法不对"),
        ("invalid date", "日期写法不对"),
        ("key with no value", "等号后面没有值"),
        ("invalid leading zero", "数字不能以 0 开头"),
        (
            "missing comma between array elements",
            "列表的两项之间缺少英文逗号 ,",
        ),
        ("invalid unquoted key", "字段名里有不能用的字符"),
        ("unexpected content", "这里有多余的内容"),
        ("invalid string", "文字写法不对"),
        ("invalid inline table", "花括号 { } 里的写法不对"),
        ("invalid array", "方括号 [ ] 里的写法不对"),
        ("invalid number", "数字写法不对"),
        (
            "extra assignment between key-value pairs",
            "一行只能写一个字段",
        ),
    ];
    for (en, zh) in KNOWN {
        if message.contains(en) {
            return format!("{zh}（{message}）");
        }
    }
    message.to_string()
}

/// What to write instead, judged from the line the error is on.
fn syntax_hint(message: &str, line: &str) -> Option<String> {
    if line.contains(['“', '”', '‘', '’']) {
        return Some("文字要用英文双引号 \" 括起来，不能用中文引号 “ ”".into());
    }
    if line.contains('＝') {
        return Some("等号要用英文半角 =，不能用全角 ＝".into());
    }
    let value = line.split_once('=').map(|(_, v)| v.trim()).unwrap_or("");
    let starts_with_digit = value.chars().next().is_some_and(|c| c.is_ascii_digit());
    if starts_with_digit && (value.contains(['/', '年']) || value.matches('.').count() == 2) {
        return Some("日期写成 2022-06-30 这样（年-月-日，月和日都写两位，不加引号）".into());
    }
    if value.chars().next().is_some_and(|c| c.is_ascii_digit()) && value.contains('-') {
        return Some("日期写成 2022-06-30 这样：月和日都写两位".into());
    }
    if message.contains("leading zero") {
        return Some(
            "电话号码等以 0 开头的内容要加英文双引号，例如 phone = \"0751-5383488\"".into(),
        );
    }
    if message.contains("must be quoted") {
        return Some("文字用英文双引号括起来；金额、数量、比例和日期不加引号".into());
    }
    if message.contains("duplicate key") {
        return Some(
            "删掉重复的那一行；多个同类项目（如多个绩效目标）要各写一个 [[…]] 表头".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_syntax_error_once_with_its_fix_and_reads_the_rest() {
        let text = "title = “中文”\npublished = 2022/06/30\nc = 1\n";
        let doc = TomlDoc::new("c.toml", "config", text, 1);
        assert!(doc.parse().is_none());
        let r = repair("c.toml", "document", text, 1, "万元");
        assert!(r.readable);
        let diags = r.diagnostics;
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(diags[0].line, Some(1));
        assert!(
            diags[0].message.contains("中文引号"),
            "{}",
            diags[0].message
        );
        assert_eq!(
            diags[0].fix,
            Some(Fix::Replace {
                line: 1,
                text: "title = \"中文\"".into()
            })
        );
        assert_eq!(diags[1].line, Some(2));
        assert_eq!(
            diags[1].fix,
            Some(Fix::Replace {
                line: 2,
                text: "published = 2022-06-30".into()
            })
        );
        // The rest of the record is still read.
        let repaired = r.text.unwrap();
        let doc = TomlDoc::new("c.toml", "config", &repaired, 1);
        let table = doc.parse().unwrap();
        assert!(table.get("c").is_some());
    }

    #[test]
    fn one_full_width_comma_is_one_finding() {
        let text = "name = \"x\"\nprohibited_uses = [\"征地拆迁\"，\"人员经费\"，\"网络交易平台购买流量\"]\nyear = 2021\n";
        let r = repair("content/programme.toml", "programme", text, 1, "万元");
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
        let d = &r.diagnostics[0];
        assert!(d.message.contains("中文逗号"), "{}", d.message);
        assert_eq!(
            d.fix,
            Some(Fix::Replace {
                line: 2,
                text: "prohibited_uses = [\"征地拆迁\",\"人员经费\",\"网络交易平台购买流量\"]"
                    .into()
            })
        );
    }

    #[test]
    fn amounts_with_units_and_separators_become_numbers() {
        for (written, meant) in [
            ("central = 100万元", "central = 100"),
            ("central = 1,500", "central = 1500"),
            ("amount = 1,500", "amount = 1500"),
            ("percent = 40%", "percent = 40"),
            ("percent = “62”", "percent = 62"),
        ] {
            let text = format!("[funding]\n{written}\n");
            let r = repair("p.md", "project", &text, 1, "万元");
            assert_eq!(r.diagnostics.len(), 1, "{written}: {:?}", r.diagnostics);
            assert_eq!(
                r.diagnostics[0].fix,
                Some(Fix::Replace {
                    line: 2,
                    text: meant.into()
                }),
                "{written}"
            );
        }
    }
}
