//! Reading TOML with the place of every value, reporting every problem instead of stopping at
//! the first, and keeping amounts exact from the text as written.

use std::cell::Cell;
use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned as TSpanned;
use toml::de::{DeTable, DeValue};

use crate::date::{Date, Month, YEARS};
use crate::diag::{Diagnostic, Fix};
use crate::labels;
use crate::load::mistakes;
use crate::model::{Entries, Field, Spanned};
use crate::money::{self, Bound, Money, parse_decimal};
use crate::source::LineIndex;

pub use crate::rules::{INVALID_VALUE, SYNTAX, UNKNOWN_FIELD};

/// A TOML text inside a file: a whole `.toml` file, or the front matter of a `.md` file.
pub struct TomlDoc<'a> {
    pub file: &'a str,
    /// Which kind of record, for field labels: `config`, `programme`, `project`, ...
    pub kind: &'static str,
    pub text: &'a str,
    /// The line of the file on which `text` begins.
    pub first_line: u32,
    index: LineIndex,
    /// The programme's unit, for the decimal places an amount may have.
    unit: Cell<&'static str>,
}

impl<'a> TomlDoc<'a> {
    pub fn new(file: &'a str, kind: &'static str, text: &'a str, first_line: u32) -> Self {
        TomlDoc {
            file,
            kind,
            text,
            first_line,
            index: LineIndex::new(text),
            unit: Cell::new("万元"),
        }
    }

    /// Amounts in this text are in `unit` (the programme's): they may have as many decimal
    /// places as reach the 分 in it.
    pub fn set_unit(&self, unit: &str) {
        let known = ["元", "千元", "万元", "亿元"];
        self.unit.set(
            known
                .into_iter()
                .find(|u| *u == unit.trim())
                .unwrap_or("万元"),
        );
    }

    fn unit(&self) -> &'static str {
        self.unit.get()
    }

    /// Line, column and width (in characters) of a byte range of `text`.
    pub fn pos(&self, span: Range<usize>) -> (u32, u32, u32) {
        let (line, col) = self.index.line_col(self.text, span.start);
        let width = self
            .text
            .get(span.clone())
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
        (line + self.first_line - 1, col, width.max(1) as u32)
    }

    fn spanned<T>(&self, value: T, span: Range<usize>) -> Spanned<T> {
        let (line, col, width) = self.pos(span);
        Spanned {
            value,
            line,
            col,
            width,
        }
    }

    /// Parses a text without syntax errors (see [`repair`]); `None` if it has any.
    pub fn parse(&self) -> Option<DeTable<'a>> {
        let (table, errors) = DeTable::parse_recoverable(self.text);
        errors.is_empty().then(|| table.into_inner())
    }

    /// The root table of the document.
    pub fn root<'t>(&'t self, table: &'t DeTable<'a>) -> Table<'t, 'a> {
        Table {
            doc: self,
            map: table,
            prefix: String::new(),
            line: self.first_line,
            asked: Vec::new(),
        }
    }
}

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

/// The line with its key (or the name in its `[header]`) renamed.
fn rename_key(line: &str, from: &str, to: &str) -> Option<String> {
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

/// A table being read: each accessor marks its key as known, reports wrong types, and
/// `finish` reports the keys nobody asked for.
pub struct Table<'t, 'a> {
    doc: &'t TomlDoc<'a>,
    map: &'t DeTable<'a>,
    /// Field path prefix ending in `.`, or empty at the root.
    prefix: String,
    /// Line of the table header (or of the document start, for the root).
    pub line: u32,
    asked: Vec<&'static str>,
}

type Entry<'t, 'a> = (
    &'t TSpanned<std::borrow::Cow<'a, str>>,
    &'t TSpanned<DeValue<'a>>,
);

impl<'t, 'a> Table<'t, 'a> {
    pub fn doc(&self) -> &'t TomlDoc<'a> {
        self.doc
    }

    /// The field path of a key of this table.
    pub fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The prefix without its trailing dot (`contractor`, `targets[2]`), for messages.
    pub fn name(&self) -> &str {
        self.prefix.trim_end_matches('.')
    }

    fn get(&mut self, key: &'static str) -> Option<Entry<'t, 'a>> {
        self.asked.push(key);
        self.map.get_key_value(key)
    }

    fn wrong_type(
        &self,
        diags: &mut Vec<Diagnostic>,
        key: &str,
        value: &TSpanned<DeValue>,
        expected: &str,
        example: &str,
    ) {
        let (line, col, width) = self.doc.pos(value.span());
        let path = self.path(key);
        let written = self.doc.text.get(value.span()).unwrap_or("");
        let kind = match expected {
            e if e.contains("数字") || e == "整数" => mistakes::Expect::Number,
            e if e.starts_with("日期") => mistakes::Expect::Date,
            e if e.starts_with("文字（") => mistakes::Expect::Text,
            _ => mistakes::Expect::Unknown,
        };
        let meant = match kind {
            mistakes::Expect::Text
                if matches!(
                    value.get_ref(),
                    DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_)
                ) =>
            {
                Some(format!("\"{}\"", written.trim()))
            }
            other => mistakes::as_expected(other, written, self.doc.unit()),
        };
        let line_text = self
            .doc
            .text
            .lines()
            .nth((line - self.doc.first_line) as usize)
            .unwrap_or("");
        let fix = meant
            .as_deref()
            .filter(|_| line_text.trim_start().starts_with(key))
            .and_then(|m| Fix::value(line, line_text, m));
        let hint = match (&meant, kind) {
            (Some(m), _) => format!("写成 {key} = {m}"),
            (None, mistakes::Expect::Number) => format!(
                "写成不加引号的数字（金额以 {} 为单位，比例不写 %），照批复文件、合同或凭证上的数填写",
                self.doc.unit()
            ),
            (None, mistakes::Expect::Date) => {
                "写成 年-月-日 的日期（如 2022-06-30 这样，不加引号），照原始文件上的日期填写"
                    .into()
            }
            (None, _) => format!("写法：{key} = {example}"),
        };
        let mut d = Diagnostic::new(
            INVALID_VALUE,
            self.doc.file,
            format!(
                "{} 应为{expected}，这里写的是{}",
                labels::describe(self.doc.kind, &path),
                type_name(value.get_ref())
            ),
        )
        .span(line, col, width)
        .field(path)
        .hint(hint);
        if let Some(fix) = fix {
            d = d.fix(fix);
        }
        diags.push(d);
    }

    fn at<T>(&self, key: &TSpanned<std::borrow::Cow<'a, str>>, value: T) -> Spanned<T> {
        self.doc.spanned(value, key.span())
    }

    pub fn string(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<String> {
        let (k, v) = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => {
                self.no_control_chars(diags, key, v, s);
                Some(self.at(k, s.to_string()))
            }
            _ => {
                self.wrong_type(diags, key, v, "文字（用英文双引号括起来）", "\"……\"");
                None
            }
        }
    }

    pub fn strings(
        &mut self,
        key: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Spanned<String>> {
        let Some((k, v)) = self.get(key) else {
            return Vec::new();
        };
        match v.get_ref() {
            DeValue::Array(items) if items.iter().all(|i| i.get_ref().is_str()) => items
                .iter()
                .map(|i| {
                    let s = i.get_ref().as_str().unwrap_or_default();
                    self.no_control_chars(diags, key, i, s);
                    self.doc.spanned(s.to_string(), i.span())
                })
                .collect(),
            _ => {
                let _ = k;
                self.wrong_type(diags, key, v, "文字列表", "[\"……\", \"……\"]");
                Vec::new()
            }
        }
    }

    pub fn date(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<Date> {
        let (k, v) = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                dt.date.and_then(|d| {
                    Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                })
            }
            DeValue::String(s) => Date::parse(s.trim()),
            _ => None,
        };
        let Some(date) = parsed else {
            self.wrong_type(diags, key, v, "日期（年-月-日）", "年-月-日");
            return None;
        };
        if !date.in_years() {
            self.out_of_years(diags, key, v, date.year());
            return None;
        }
        Some(self.at(k, date))
    }

    pub fn month(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<Month> {
        let (k, v) = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::String(s) => Month::parse(s.trim()),
            _ => None,
        };
        let Some(month) = parsed else {
            self.wrong_type(diags, key, v, "月份（年-月，加引号）", "\"2022-06\"");
            return None;
        };
        if !YEARS.contains(&month.year) {
            self.out_of_years(diags, key, v, month.year);
            return None;
        }
        Some(self.at(k, month))
    }

    /// A text written with an escape (`\u000B`) for a character no output may carry
    /// ([`crate::source::is_forbidden`]; raw ones are refused with the file).
    fn no_control_chars(
        &self,
        diags: &mut Vec<Diagnostic>,
        key: &str,
        value: &TSpanned<DeValue>,
        text: &str,
    ) {
        let Some(c) = text.chars().find(|c| crate::source::is_forbidden(*c)) else {
            return;
        };
        let (line, col, width) = self.doc.pos(value.span());
        let path = self.path(key);
        diags.push(
            Diagnostic::new(
                INVALID_VALUE,
                self.doc.file,
                format!(
                    "{} 含不可见的{}，网页、订阅和数据文件里不能有",
                    labels::describe(self.doc.kind, &path),
                    crate::source::describe_char(c)
                ),
            )
            .span(line, col, width)
            .field(path)
            .hint("删掉这个转义字符（\\u 开头的那一段）"),
        );
    }

    /// A date or year outside [`YEARS`]: a typing mistake, reported as an impossible value.
    fn out_of_years(
        &self,
        diags: &mut Vec<Diagnostic>,
        key: &str,
        value: &TSpanned<DeValue>,
        year: i32,
    ) {
        let (line, col, width) = self.doc.pos(value.span());
        let path = self.path(key);
        diags.push(
            Diagnostic::new(
                INVALID_VALUE,
                self.doc.file,
                format!(
                    "{} 的年份 {year} 不在 {} 到 {} 年之间，看起来是写错了",
                    labels::describe(self.doc.kind, &path),
                    YEARS.start(),
                    YEARS.end()
                ),
            )
            .span(line, col, width)
            .field(path)
            .hint(format!("年份写四位，例如：{key} = 2022-06-30")),
        );
    }

    /// A number that is not an amount, within [`money::NUMBER_DIGITS`] and
    /// [`money::NUMBER_PLACES`].
    pub fn decimal(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<Decimal> {
        let (k, v) = self.get(key)?;
        let parsed = number_within(v.get_ref(), money::NUMBER_DIGITS, money::NUMBER_PLACES);
        match parsed {
            Ok(d) => Some(self.at(k, d)),
            Err(bound) => {
                self.out_of_bounds(diags, key, v, bound, None);
                None
            }
        }
    }

    /// An amount in the programme's unit: below 10^12, to the 分 at most.
    pub fn money(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<Money> {
        let (k, v) = self.get(key)?;
        let money = self.amount(diags, key, v)?;
        Some(self.at(k, money))
    }

    fn amount(
        &self,
        diags: &mut Vec<Diagnostic>,
        key: &str,
        value: &TSpanned<DeValue>,
    ) -> Option<Money> {
        let places = money::amount_places(self.doc.unit());
        match number_within(value.get_ref(), money::AMOUNT_DIGITS, places) {
            Ok(d) => Some(Money(d)),
            Err(bound) => {
                self.out_of_bounds(diags, key, value, bound, Some(places));
                None
            }
        }
    }

    /// Reports a number that is not one, or is beyond its limits (`places` given for amounts).
    fn out_of_bounds(
        &self,
        diags: &mut Vec<Diagnostic>,
        key: &str,
        value: &TSpanned<DeValue>,
        bound: Bound,
        places: Option<u32>,
    ) {
        let path = self.path(key);
        let label = labels::describe(self.doc.kind, &path);
        let unit = self.doc.unit();
        let (message, hint) = match (bound, places) {
            (Bound::NotANumber, Some(_)) => {
                return self.wrong_type(diags, key, value, "金额（数字）", "不加引号的数字");
            }
            (Bound::NotANumber, None) => {
                return self.wrong_type(diags, key, value, "数字", "不加引号的数字");
            }
            (Bound::TooLarge, Some(_)) => (
                format!(
                    "{label} 超出了任何示范项目的规模：金额以{unit}为单位，绝对值要小于 1 万亿（10 的 12 次方）"
                ),
                format!(
                    "检查是不是多写了几个 0，或把元当成了{unit}（金额单位见 programme.toml 的 unit）"
                ),
            ),
            (Bound::TooLarge, None) => (
                format!("{label} 太大了：绝对值要小于 10 的 15 次方"),
                "检查是不是多写了几个 0".to_string(),
            ),
            (Bound::TooPrecise { places: n }, Some(max)) => (
                format!(
                    "{label} 写了 {} 位小数，金额以{unit}为单位最多 {max} 位（精确到分）",
                    shown_places(n)
                ),
                format!("去掉多余的小数位，例如：{key} = 35.5"),
            ),
            (Bound::TooPrecise { places: n }, None) => (
                format!(
                    "{label} 写了 {} 位小数，最多 {} 位",
                    shown_places(n),
                    money::NUMBER_PLACES
                ),
                format!("去掉多余的小数位，例如：{key} = 35.5"),
            ),
        };
        let (line, col, width) = self.doc.pos(value.span());
        diags.push(
            Diagnostic::new(INVALID_VALUE, self.doc.file, message)
                .span(line, col, width)
                .field(path)
                .hint(hint),
        );
    }

    pub fn integer(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<i64> {
        let (k, v) = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', "").parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.wrong_type(diags, key, v, "整数", "不加引号的整数");
        }
        Some(self.at(k, parsed?))
    }

    pub fn boolean(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<bool> {
        let (k, v) = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(self.at(k, *b)),
            _ => {
                self.wrong_type(diags, key, v, "true 或 false", "true");
                None
            }
        }
    }

    /// A table of amounts by source id (`[funding]`, `allocations = { … }`), each within the
    /// limits of [`Self::money`].
    pub fn money_map(
        &mut self,
        key: &'static str,
        diags: &mut Vec<Diagnostic>,
        example: &str,
    ) -> (Option<u32>, Entries<Money>) {
        let Some((_, v)) = self.get(key) else {
            return (None, Vec::new());
        };
        let Some(map) = v.get_ref().as_table() else {
            self.wrong_type(
                diags,
                key,
                v,
                "表（资金来源编号 = 金额）",
                &format!("{{ central = {example} }}"),
            );
            return (None, Vec::new());
        };
        let header = self.doc.pos(v.span()).0;
        let child = self.child(map, format!("{}.", self.path(key)), v.span());
        let mut out = Vec::new();
        for (k, value) in map.iter() {
            if let Some(m) = child.amount(diags, k.get_ref(), value) {
                out.push((
                    child.doc.spanned(k.get_ref().to_string(), k.span()),
                    child.doc.spanned(m, k.span()),
                ));
            }
        }
        (Some(header), out)
    }

    /// A sub-table (`[contractor]` or `contractor = { … }`).
    pub fn table(
        &mut self,
        key: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Table<'t, 'a>> {
        let (_, v) = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(map) => Some(self.child(map, format!("{}.", self.path(key)), v.span())),
            _ => {
                self.wrong_type(
                    diags,
                    key,
                    v,
                    "表",
                    &format!("{{ … }}，或另起一行写 [{}]", self.path(key)),
                );
                None
            }
        }
    }

    /// An array of tables (`[[targets]]`), each with its 1-based index in the path.
    pub fn tables(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Vec<Table<'t, 'a>> {
        let Some((_, v)) = self.get(key) else {
            return Vec::new();
        };
        let path = self.path(key);
        match v.get_ref() {
            DeValue::Array(items) if items.iter().all(|i| i.get_ref().is_table()) => items
                .iter()
                .enumerate()
                .map(|(n, item)| {
                    let map = item.get_ref().as_table().expect("checked above");
                    self.child(map, format!("{path}[{}].", n + 1), item.span())
                })
                .collect(),
            _ => {
                let (line, col, width) = self.doc.pos(v.span());
                diags.push(
                    Diagnostic::new(
                        INVALID_VALUE,
                        self.doc.file,
                        format!(
                            "{} 可以有多项，每一项要以 [[{path}]] 开头",
                            labels::describe(self.doc.kind, &path)
                        ),
                    )
                    .span(line, col, width)
                    .field(path.clone())
                    .hint(format!("把 [{path}] 改成 [[{path}]]")),
                );
                Vec::new()
            }
        }
    }

    /// The entries of a table whose keys are ids (`[funding]`, `allocations = { … }`), with
    /// their values read by `read`; wrong values are reported and skipped.
    pub fn map_of<T>(
        &mut self,
        key: &'static str,
        diags: &mut Vec<Diagnostic>,
        read: impl Fn(&DeValue) -> Option<T>,
        expected: &str,
        example: &str,
    ) -> (Option<u32>, Entries<T>) {
        let Some((_, v)) = self.get(key) else {
            return (None, Vec::new());
        };
        let Some(map) = v.get_ref().as_table() else {
            self.wrong_type(
                diags,
                key,
                v,
                "表（资金来源编号 = 金额）",
                "{ central = 150 }",
            );
            return (None, Vec::new());
        };
        let header = self.doc.pos(v.span()).0;
        let child = self.child(map, format!("{}.", self.path(key)), v.span());
        let mut out = Vec::new();
        for (k, value) in map.iter() {
            match read(value.get_ref()) {
                Some(parsed) => out.push((
                    child.doc.spanned(k.get_ref().to_string(), k.span()),
                    child.doc.spanned(parsed, k.span()),
                )),
                None => child.wrong_type(diags, k.get_ref(), value, expected, example),
            }
        }
        (Some(header), out)
    }

    fn child(&self, map: &'t DeTable<'a>, prefix: String, span: Range<usize>) -> Table<'t, 'a> {
        Table {
            doc: self.doc,
            map,
            prefix,
            line: self.doc.pos(span).0,
            asked: Vec::new(),
        }
    }

    /// Reports keys that no accessor asked for, naming the field probably meant.
    pub fn finish(self, diags: &mut Vec<Diagnostic>) {
        for (k, _) in self.map.iter() {
            let key = k.get_ref().as_ref();
            if self.asked.contains(&key) {
                continue;
            }
            let (line, col, width) = self.doc.pos(k.span());
            let path = self.path(key);
            let place = if self.prefix.is_empty() {
                String::new()
            } else {
                format!("[{}] 里的", self.name())
            };
            let mut d = Diagnostic::new(
                UNKNOWN_FIELD,
                self.doc.file,
                format!("{place}字段 {key} 不认识，它的内容不会发布"),
            )
            .span(line, col, width)
            .field(path);
            if let Some(meant) = labels::suggest(self.doc.kind, &self.prefix, key, &self.asked) {
                let label = labels::label(self.doc.kind, &self.path(meant)).unwrap_or(meant);
                d.message = format!("{place}字段 {key} 不认识：是不是要写 {meant}（{label}）？");
                // The finding is about the field meant: it is not missing, only misspelt.
                d = d
                    .hint(format!("把 {key} 改成 {meant}"))
                    .field(self.path(meant));
                let line_text = self
                    .doc
                    .text
                    .lines()
                    .nth((line - self.doc.first_line) as usize)
                    .unwrap_or("");
                if let Some(renamed) = rename_key(line_text, key, meant) {
                    d = d.fix(Fix::Replace {
                        line,
                        text: renamed,
                    });
                }
            } else {
                let known: Vec<&str> = self.asked.clone();
                d = d.hint(format!("这里可用的字段：{}", known.join("、")));
            }
            diags.push(d);
        }
    }
}

/// A number written as a TOML integer, float or quoted string, exactly as written.
pub fn number(value: &DeValue) -> Option<Decimal> {
    number_within(value, money::NUMBER_DIGITS, money::NUMBER_PLACES).ok()
}

/// [`number`] within limits judged on the text as written.
fn number_within(value: &DeValue, digits: u32, places: u32) -> Result<Decimal, Bound> {
    let text = match value {
        DeValue::Integer(i) if i.radix() == 10 => i.as_str(),
        DeValue::Float(f) => f.as_str(),
        DeValue::String(s) => s,
        _ => return Err(Bound::NotANumber),
    };
    money::parse_within(text, digits, places)
}

fn shown_places(n: u32) -> String {
    if n == u32::MAX {
        "极多".to_string()
    } else {
        n.to_string()
    }
}

/// A percentage written as `"35%"` or `"35.5%"`, as written (scale kept).
pub fn percentage(value: &DeValue) -> Option<Decimal> {
    value
        .as_str()?
        .trim()
        .strip_suffix(['%', '％'])
        .and_then(parse_decimal)
}

fn type_name(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "文字",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "日期时间",
        DeValue::Array(_) => "列表",
        DeValue::Table(_) => "表",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_with_their_lines() {
        let text = "name = \"x\"\namount = 35.50\n\n[contractor]\nresponsable = \"张某\"\n";
        let doc = TomlDoc::new("p.md", "project", text, 2);
        let mut diags = Vec::new();
        let table = doc.parse().unwrap();
        let mut root = doc.root(&table);
        let name = root.string("name", &mut diags).unwrap();
        assert_eq!((name.line, name.col, name.width), (2, 1, 4));
        let amount = root.money("amount", &mut diags).unwrap();
        assert_eq!(amount.value.0.to_string(), "35.50");
        let mut contractor = root.table("contractor", &mut diags).unwrap();
        assert_eq!(contractor.line, 5);
        assert!(contractor.string("responsible", &mut diags).is_none());
        contractor.string("name", &mut diags);
        contractor.finish(&mut diags);
        root.finish(&mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].rule, UNKNOWN_FIELD.id);
        assert_eq!(diags[0].line, Some(6));
        assert!(
            diags[0].message.contains("responsible"),
            "{}",
            diags[0].message
        );
    }

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

    #[test]
    fn wrong_types_are_invalid_values() {
        let text = "deadline = \"明年\"\npercent = \"很多\"\ntargets = 3\n";
        let doc = TomlDoc::new("p.md", "project", text, 1);
        let mut diags = Vec::new();
        let table = doc.parse().unwrap();
        let mut root = doc.root(&table);
        assert!(root.date("deadline", &mut diags).is_none());
        assert!(root.decimal("percent", &mut diags).is_none());
        assert!(root.tables("targets", &mut diags).is_empty());
        assert_eq!(
            diags.iter().filter(|d| d.rule == INVALID_VALUE.id).count(),
            3
        );
        assert_eq!(diags[0].field.as_deref(), Some("deadline"));
    }

    #[test]
    fn numbers_stay_exact() {
        let text = "a = 0.1\nb = \"35.50\"\nc = 1_000\nd = \"35.5%\"\n";
        let table = DeTable::parse(text).unwrap().into_inner();
        let get = |k: &str| table.get(k).unwrap().get_ref();
        assert_eq!(number(get("a")).unwrap().to_string(), "0.1");
        assert_eq!(number(get("b")).unwrap().to_string(), "35.50");
        assert_eq!(number(get("c")).unwrap().to_string(), "1000");
        assert_eq!(percentage(get("d")).unwrap().to_string(), "35.5");
    }
}
