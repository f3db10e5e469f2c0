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
    /// Whether records read from it are fingerprinted (see [`TomlDoc::set_fingerprints`]).
    fingerprints: Cell<bool>,
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
            fingerprints: Cell::new(true),
        }
    }

    /// Whether the records read from this text get the SHA-256 of their canonical content:
    /// only a ledger compares it, so a build of a site without one leaves it out.
    pub fn set_fingerprints(&self, on: bool) {
        self.fingerprints.set(on);
    }

    pub fn fingerprints(&self) -> bool {
        self.fingerprints.get()
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

    /// A text, or a list of texts (`decision = "a"` or `decision = ["a", "b"]`).
    pub fn one_or_more(
        &mut self,
        key: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Spanned<String>> {
        let one = self
            .map
            .get(key)
            .is_some_and(|v| matches!(v.get_ref(), DeValue::String(_)));
        if one {
            self.string(key, diags).into_iter().collect()
        } else {
            self.strings(key, diags)
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
                if let Some(renamed) = mistakes::rename_key(line_text, key, meant) {
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
