//! Reading TOML with the place of every value, reporting every problem instead of stopping at
//! the first, and keeping amounts exact from the text as written.

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned as TSpanned;
use toml::de::{DeTable, DeValue};

use crate::date::{Date, Month};
use crate::diag::Diagnostic;
use crate::labels;
use crate::model::{Entries, Field, Spanned};
use crate::money::{Money, parse_decimal};
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
}

impl<'a> TomlDoc<'a> {
    pub fn new(file: &'a str, kind: &'static str, text: &'a str, first_line: u32) -> Self {
        TomlDoc {
            file,
            kind,
            text,
            first_line,
            index: LineIndex::new(text),
        }
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

    /// Parses the text, reporting every syntax error; returns the table if there was none.
    pub fn parse(&self, diags: &mut Vec<Diagnostic>) -> Option<DeTable<'a>> {
        let (table, errors) = DeTable::parse_recoverable(self.text);
        if errors.is_empty() {
            return Some(table.into_inner());
        }
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let (line, col, width) = self.pos(span);
            let line_text = self
                .text
                .lines()
                .nth((line - self.first_line) as usize)
                .unwrap_or("");
            let mut d = Diagnostic::new(
                SYNTAX,
                self.file,
                format!(
                    "TOML 格式错误（第 {line} 行第 {col} 列）：{}",
                    translate(e.message())
                ),
            )
            .span(line, col, width);
            if let Some(h) = syntax_hint(self.kind, e.message(), line_text) {
                d = d.hint(h);
            }
            diags.push(d);
        }
        None
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
    ];
    for (en, zh) in KNOWN {
        if message.contains(en) {
            return format!("{zh}（{message}）");
        }
    }
    message.to_string()
}

/// What to write instead, judged from the line the error is on.
fn syntax_hint(kind: &str, message: &str, line: &str) -> Option<String> {
    let key = line.split_once('=').map_or(line, |(k, _)| k).trim();
    if !key.is_ascii() && !key.starts_with(['"', '\'', '[']) {
        return Some(match labels::field_for_label(kind, key) {
            Some(path) => {
                let (table, field) = path.rsplit_once('.').unwrap_or(("", path));
                let place = if table.is_empty() {
                    String::new()
                } else {
                    format!("（写在 [{table}] 下面）")
                };
                format!("字段名要用英文：把 {key} 改成 {field}{place}")
            }
            None => {
                "字段名要用英文字母、数字和下划线，例如 name、deadline；字段说明见 README".into()
            }
        });
    }
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
    if message.contains("must be quoted")
        && let Some((key, v)) = line.split_once('=')
    {
        let v = v.trim().trim_matches(['"', '\'']);
        return Some(format!("写成 {} = \"{}\"", key.trim(), v));
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

    /// The table as parsed, every key in it (for the ledger's canonical content).
    pub fn raw(&self) -> &'t DeTable<'a> {
        self.map
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
        diags.push(
            Diagnostic::new(
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
            .hint(format!("例如：{key} = {example}")),
        );
    }

    fn at<T>(&self, key: &TSpanned<std::borrow::Cow<'a, str>>, value: T) -> Spanned<T> {
        self.doc.spanned(value, key.span())
    }

    pub fn string(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<String> {
        let (k, v) = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(self.at(k, s.to_string())),
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
                    self.doc.spanned(
                        i.get_ref().as_str().unwrap_or_default().to_string(),
                        i.span(),
                    )
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
        if parsed.is_none() {
            self.wrong_type(diags, key, v, "日期（年-月-日）", "2022-06-30");
        }
        Some(self.at(k, parsed?))
    }

    pub fn month(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<Month> {
        let (k, v) = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::String(s) => Month::parse(s.trim()),
            _ => None,
        };
        if parsed.is_none() {
            self.wrong_type(diags, key, v, "月份（年-月，加引号）", "\"2022-06\"");
        }
        Some(self.at(k, parsed?))
    }

    pub fn decimal(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<Decimal> {
        let (k, v) = self.get(key)?;
        match number(v.get_ref()) {
            Some(d) => Some(self.at(k, d)),
            None => {
                self.wrong_type(diags, key, v, "数字", "150 或 35.5");
                None
            }
        }
    }

    pub fn money(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<Money> {
        self.decimal(key, diags).map(|s| s.map(Money))
    }

    pub fn integer(&mut self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Field<i64> {
        let (k, v) = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', "").parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.wrong_type(diags, key, v, "整数", "10");
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
                d = d.hint(format!("把 {key} 改成 {meant}"));
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
    match value {
        DeValue::Integer(i) if i.radix() == 10 => parse_decimal(i.as_str()),
        DeValue::Float(f) => parse_decimal(f.as_str()),
        DeValue::String(s) => parse_decimal(s),
        _ => None,
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
        let table = doc.parse(&mut diags).unwrap();
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
    fn reports_every_syntax_error_with_a_hint() {
        let text = "a = “中文”\nb = 2022/06/30\nc = 1\n";
        let doc = TomlDoc::new("c.toml", "config", text, 1);
        let mut diags = Vec::new();
        assert!(doc.parse(&mut diags).is_none());
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(diags[0].line, Some(1));
        assert!(diags[0].hint.as_deref().unwrap().contains("英文双引号"));
        assert_eq!(diags[1].line, Some(2));
        assert!(diags[1].hint.as_deref().unwrap().contains("2022-06-30"));
    }

    #[test]
    fn wrong_types_are_invalid_values() {
        let text = "deadline = \"明年\"\npercent = \"很多\"\ntargets = 3\n";
        let doc = TomlDoc::new("p.md", "project", text, 1);
        let mut diags = Vec::new();
        let table = doc.parse(&mut diags).unwrap();
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
