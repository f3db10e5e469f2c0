//! Findings as data: every rule returns `Diagnostic`s, and printers turn them into the
//! compiler-style text a webmaster reads or the JSON a machine reads (SPEC §4).

use std::fmt::Write as _;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::date::Date;
use crate::source::SourceMap;

use crate::rules::Rule;
pub use crate::rules::Severity;

/// One finding: which rule, where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    /// 1-based line of the field when known.
    pub line: Option<u32>,
    /// 1-based column (in characters) where the fault starts, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Characters to underline from `column` (the key or value at fault).
    #[serde(skip)]
    pub width: u32,
    /// Field path such as `contractor.responsible` or `targets[2].indicator`.
    pub field: Option<String>,
    /// What is wrong and what to write where, in Chinese.
    pub message: String,
    /// What to do, and the exact text to write when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Other places the finding is about (the payment list a report disagrees with, the first
    /// project a village was given to …). A finding whose related file did not parse is not
    /// reported: it could rest on what was lost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// An edit that fixes it, when the right text is known from what was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// A place a finding refers to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Related {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// An edit of the finding's own file that fixes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Fix {
    /// Put `text` in place of line `line`.
    Replace { line: u32, text: String },
    /// Add `text` as a new line after line `line` (0: at the start).
    Insert { line: u32, text: String },
    /// Delete line `line`.
    Delete { line: u32 },
}

impl Fix {
    /// Line `line` of a file with the value after its `=` put in place of what was written,
    /// keeping the key, the spacing and any `# comment`.
    pub fn value(line: u32, line_text: &str, value: &str) -> Option<Fix> {
        let (key, rest) = line_text.split_once('=')?;
        let written = rest.find(" #").map_or(rest, |i| &rest[..i]);
        let comment = &rest[written.len()..];
        let lead = &written[..written.len() - written.trim_start().len()];
        let trail = &written[written.trim_end().len()..];
        // Keep a trailing comment where it was when the new value is no wider.
        let width = written.trim().chars().count() + trail.chars().count();
        let (trail, pad) = if comment.is_empty() {
            (trail, String::new())
        } else {
            ("", " ".repeat(width.saturating_sub(value.chars().count())))
        };
        Some(Fix::Replace {
            line,
            text: format!("{key}={lead}{value}{trail}{pad}{comment}"),
        })
    }

    /// Applies the edit to a file's text (lines kept with their endings).
    pub fn apply(&self, text: &str) -> String {
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let ending = |l: &str| if l.ends_with("\r\n") { "\r\n" } else { "\n" };
        match self {
            Fix::Replace { line, text } => {
                if let Some(l) = lines.get_mut(*line as usize - 1) {
                    let end = ending(l);
                    *l = format!("{text}{end}");
                }
            }
            Fix::Insert { line, text } => {
                let at = (*line as usize).min(lines.len());
                if at > 0 && !lines[at - 1].ends_with('\n') {
                    lines[at - 1].push('\n');
                }
                lines.insert(at, format!("{text}\n"));
            }
            Fix::Delete { line } => {
                if (*line as usize) <= lines.len() {
                    lines.remove(*line as usize - 1);
                }
            }
        }
        lines.concat()
    }

    /// How the text printer shows it.
    pub fn describe(&self) -> String {
        match self {
            Fix::Replace { line, text } => format!("第 {line} 行改成：{text}"),
            Fix::Insert { line, text } => format!("在第 {line} 行后加一行：{text}"),
            Fix::Delete { line } => format!("删掉第 {line} 行"),
        }
    }
}

impl Diagnostic {
    /// A finding of `rule`, with the severity the rule declares.
    pub fn new(rule: &'static Rule, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: rule.id,
            severity: rule.severity,
            file: file.into(),
            line: None,
            column: None,
            width: 0,
            field: None,
            message: message.into(),
            hint: None,
            related: Vec::new(),
            fix: None,
        }
    }

    /// A finding of a rule whose findings outside R1 and R4 are warnings, on such a field.
    pub fn lesser(mut self) -> Self {
        debug_assert!(
            crate::rules::by_id(self.rule).is_some_and(|r| r.lesser_elsewhere),
            "{} declares one severity",
            self.rule
        );
        self.severity = Severity::Warning;
        self
    }

    /// Another place the finding is about.
    pub fn related(mut self, file: impl Into<String>, line: Option<u32>) -> Self {
        self.related.push(Related {
            file: file.into(),
            line,
        });
        self
    }

    /// The edit that fixes it.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
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
    /// What the checks could not judge, and why (an amount the plan does not fix …).
    pub notes: Vec<String>,
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
        Report {
            as_of,
            diagnostics,
            notes: Vec::new(),
        }
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
            #[serde(skip_serializing_if = "<[String]>::is_empty")]
            notes: &'a [String],
        }
        let out = Out {
            as_of: self.as_of.to_string(),
            errors: self.errors(),
            warnings: self.warnings(),
            diagnostics: &self.diagnostics,
            notes: &self.notes,
        };
        serde_json::to_string_pretty(&out).expect("diagnostics serialize")
    }

    /// Compiler-style text: one block per finding with the offending line shown.
    /// Findings are grouped by file (they are sorted by file), each file under a line with
    /// its counts when more than one file has findings, then the total.
    pub fn to_text(&self, sources: &SourceMap, color: bool) -> String {
        let mut out = String::new();
        let files: Vec<&str> = {
            let mut f: Vec<&str> = self.diagnostics.iter().map(|d| d.file.as_str()).collect();
            f.dedup();
            f
        };
        for file in &files {
            let of_file = self.diagnostics.iter().filter(|d| d.file == *file);
            if files.len() > 1 {
                let (errors, warnings) =
                    of_file.clone().fold((0, 0), |(e, w), d| match d.severity {
                        Severity::Error => (e + 1, w),
                        Severity::Warning => (e, w + 1),
                    });
                let counts = match (errors, warnings) {
                    (0, w) => format!("{w} 个警告"),
                    (e, 0) => format!("{e} 个错误"),
                    (e, w) => format!("{e} 个错误，{w} 个警告"),
                };
                let _ = writeln!(out, "── {file}（{counts}）\n");
            }
            for d in of_file {
                write_text(&mut out, d, sources, color);
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "说明：{}", printable(note));
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
    if let Some(fix) = &d.fix {
        let _ = writeln!(out, "  = 修改：{}", printable(&fix.describe()));
    }
    for r in &d.related {
        let place = match r.line {
            Some(l) => format!("{}:{l}", r.file),
            None => r.file.clone(),
        };
        let _ = writeln!(out, "  = 相关：{}", printable(&place));
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
            Diagnostic::new(crate::rules::UNKNOWN_FIELD, "b.md", "未知字段")
                .span(2, 1, 3)
                .field("责任人"),
            Diagnostic::new(crate::rules::SYNTAX, "a.md", "坏了").at(3),
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
    fn a_value_fix_keeps_the_key_and_the_comment() {
        let fix = |line: &str, value: &str| match Fix::value(4, line, value) {
            Some(Fix::Replace { text, .. }) => text,
            other => panic!("{other:?}"),
        };
        assert_eq!(fix("disbursed = 50", "45"), "disbursed = 45");
        assert_eq!(
            fix("disbursed = 50                       # 累计", "45.5"),
            "disbursed = 45.5                     # 累计"
        );
        assert_eq!(fix("  central=“100”", "100"), "  central=100");
        assert_eq!(Fix::value(4, "没有等号", "1"), None);
        let text = "a = 1\r\nb = 2\r\n";
        assert_eq!(
            Fix::Replace {
                line: 2,
                text: "b = 3".into()
            }
            .apply(text),
            "a = 1\r\nb = 3\r\n"
        );
        assert_eq!(Fix::Delete { line: 1 }.apply(text), "b = 2\r\n");
        assert_eq!(
            Fix::Insert {
                line: 1,
                text: "c = 4".into()
            }
            .apply(text),
            "a = 1\r\nc = 4\nb = 2\r\n"
        );
    }

    #[test]
    fn terminal_escapes_from_the_site_are_shown_not_run() {
        let mut sources = SourceMap::default();
        sources.insert_text(
            "a\u{1b}]0;x\u{7}.md",
            "name = \"\u{1b}[2J\u{9b}31m\u{202e}x\"\n",
        );
        let d = Diagnostic::new(
            crate::rules::SYNTAX,
            "a\u{1b}]0;x\u{7}.md",
            "坏了\u{1b}[31m",
        )
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
        let d = vec![Diagnostic::new(crate::rules::PROGRESS_LATE, "x.md", "晚了")];
        let report = Report::new(Date::parse("2022-09-01").unwrap(), d, true);
        assert_eq!((report.errors(), report.warnings()), (1, 0));
    }
}
