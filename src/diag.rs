//! Findings as data: every rule returns `Diagnostic`s, and printers turn them into the
//! compiler-style text a webmaster reads or the JSON a machine reads (SPEC §4).

use std::fmt::Write as _;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::date::Date;
use crate::source::SourceMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding: which rule, where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    /// 1-based line of the field when known.
    pub line: Option<u32>,
    #[serde(skip)]
    pub column: Option<u32>,
    /// Characters to underline from `column` (the key or value at fault).
    #[serde(skip)]
    pub width: u32,
    /// Field path such as `contractor.responsible` or `targets[2].indicator`.
    pub field: Option<String>,
    /// What is wrong and what to write where, in Chinese.
    pub message: String,
    /// The exact text to write, when there is one.
    #[serde(skip)]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            file: file.into(),
            line: None,
            column: None,
            width: 0,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn error(rule: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, file, message)
    }

    pub fn warning(
        rule: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(rule, Severity::Warning, file, message)
    }

    pub fn at(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at_opt(mut self, line: Option<u32>) -> Self {
        self.line = line;
        self
    }

    pub fn span(mut self, line: u32, column: u32, width: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self.width = width;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn sort_key(&self) -> (&str, u32, u32, &str, Option<&str>, &str) {
        (
            &self.file,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.rule,
            self.field.as_deref(),
            &self.message,
        )
    }
}

/// All findings of one run, sorted, with the date they were judged at.
#[derive(Debug, Clone)]
pub struct Report {
    pub as_of: Date,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Sorts into the stable order (file, line, column, rule, field, message), drops exact
    /// repeats, and applies `strict` (every warning becomes an error).
    pub fn new(as_of: Date, mut diagnostics: Vec<Diagnostic>, strict: bool) -> Report {
        if strict {
            for d in &mut diagnostics {
                d.severity = Severity::Error;
            }
        }
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup();
        Report { as_of, diagnostics }
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// The JSON of SPEC §4.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            as_of: String,
            errors: usize,
            warnings: usize,
            diagnostics: &'a [Diagnostic],
        }
        let out = Out {
            as_of: self.as_of.to_string(),
            errors: self.errors(),
            warnings: self.warnings(),
            diagnostics: &self.diagnostics,
        };
        serde_json::to_string_pretty(&out).expect("diagnostics serialize")
    }

    /// Compiler-style text: one block per finding with the offending line shown.
    pub fn to_text(&self, sources: &SourceMap, color: bool) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            write_text(&mut out, d, sources, color);
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    pub fn summary(&self) -> String {
        format!(
            "检查完成：{} 个错误，{} 个警告（按 {} 判断）",
            self.errors(),
            self.warnings(),
            self.as_of.chinese()
        )
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Text from the site made safe for a terminal: control characters (which could move the
/// cursor, clear the screen or retitle the window) shown as visible symbols, one character for
/// one, so that columns still line up; bidirectional overrides (which reorder what is shown)
/// as U+FFFD. Tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffe}' | '\u{ffff}')
    };
    if !text.contains(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\t' => '\t',
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if unsafe_char(c) => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

fn write_text(out: &mut String, d: &Diagnostic, sources: &SourceMap, color: bool) {
    let paint = Paint { on: color };
    let file = printable(&d.file);
    let message = printable(&d.message);
    let (label, code) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let place = match (d.line, d.column) {
        (Some(line), Some(col)) => format!("{file}:{line}:{col}"),
        (Some(line), None) => format!("{file}:{line}"),
        _ => file.to_string(),
    };
    let field = match d.field.as_deref() {
        Some(f) if !d.message.contains(f) => format!(" [{}]", printable(f)),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{}: {}: {}{}",
        paint.wrap(code, &format!("{label}[{}]", d.rule)),
        paint.wrap("1", &place),
        message,
        field
    );
    if let Some(line) = d.line
        && let Some(text) = sources.line(&d.file, line)
    {
        let text = printable(&text).into_owned();
        let num = line.to_string();
        let pad = " ".repeat(num.len());
        let bar = paint.wrap("1;34", "|");
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{} {bar} {text}", paint.wrap("1;34", &num));
        let (start, width) = marker(&text, d.column, d.width);
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(start),
            paint.wrap(code, &"^".repeat(width))
        );
    }
    if let Some(hint) = &d.hint {
        let lines: Vec<_> = hint.split('\n').map(printable).collect();
        let _ = writeln!(out, "  = 提示：{}", lines.join("\n        "));
    }
    out.push('\n');
}

/// Display columns where the marker starts and how wide it is, accounting for wide (CJK)
/// characters; the whole trimmed line when no column is known.
fn marker(text: &str, column: Option<u32>, width: u32) -> (usize, usize) {
    match column {
        Some(col) => {
            let before: String = text.chars().take(col.saturating_sub(1) as usize).collect();
            let marked: String = text
                .chars()
                .skip(col.saturating_sub(1) as usize)
                .take(width.max(1) as usize)
                .collect();
            (before.width(), marked.width().max(1))
        }
        None => {
            // The line without its indentation and any trailing `# comment`.
            let code = text.find(" #").map_or(text, |i| &text[..i]).trim_end();
            let indent = code.len() - code.trim_start().len();
            (text[..indent].width(), code.trim_start().width().max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_prints_both_forms() {
        let mut sources = SourceMap::default();
        sources.insert_text("b.md", "+++\n责任人 = \"张某\"\n+++\n");
        let diags = vec![
            Diagnostic::warning("unknown-field", "b.md", "未知字段")
                .span(2, 1, 3)
                .field("责任人"),
            Diagnostic::error("syntax", "a.md", "坏了").at(3),
        ];
        let report = Report::new(Date::parse("2022-09-01").unwrap(), diags, false);
        assert_eq!(report.diagnostics[0].file, "a.md");
        assert_eq!((report.errors(), report.warnings()), (1, 1));
        let text = report.to_text(&sources, false);
        assert!(
            text.contains("warning[unknown-field]: b.md:2:1: 未知字段 [责任人]"),
            "{text}"
        );
        assert!(
            text.contains("2 | 责任人 = \"张某\"\n  | ^^^^^^\n"),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["as_of"], "2022-09-01");
        assert_eq!(json["errors"], 1);
        let first = json["diagnostics"][0].as_object().unwrap();
        let keys: Vec<&str> = first.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["field", "file", "line", "message", "rule", "severity"]
        );
        assert_eq!(first["severity"], "error");
    }

    #[test]
    fn terminal_escapes_from_the_site_are_shown_not_run() {
        let mut sources = SourceMap::default();
        sources.insert_text(
            "a\u{1b}]0;x\u{7}.md",
            "name = \"\u{1b}[2J\u{9b}31m\u{202e}x\"\n",
        );
        let d = Diagnostic::error("syntax", "a\u{1b}]0;x\u{7}.md", "坏了\u{1b}[31m")
            .span(1, 9, 3)
            .field("f\u{1b}")
            .hint("写\u{8}成\n第二行\u{0}");
        let report = Report::new(Date::parse("2022-09-01").unwrap(), vec![d], false);
        let text = report.to_text(&sources, false);
        for c in text.chars() {
            assert!(
                !c.is_control() || c == '\n',
                "U+{:04X} reaches the terminal: {text:?}",
                c as u32
            );
            assert_ne!(c, '\u{202e}');
        }
        assert!(text.contains("a␛]0;x␇.md:1:9: 坏了␛[31m [f␛]"), "{text}");
        assert!(
            text.contains("1 | name = \"␛[2J�31m�x\"\n  |         ^^^\n"),
            "{text}"
        );
        assert!(text.contains("写␈成\n        第二行␀"), "{text}");
    }

    #[test]
    fn strict_turns_warnings_into_errors() {
        let d = vec![Diagnostic::warning("progress-late", "x.md", "晚了")];
        let report = Report::new(Date::parse("2022-09-01").unwrap(), d, true);
        assert_eq!((report.errors(), report.warnings()), (1, 0));
    }
}
