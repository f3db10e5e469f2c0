//! The diagnostics printer: any file text, message, field and position print without a panic,
//! and nothing from the site reaches the terminal as a control character.
#![no_main]

use gongkai::date::Date;
use gongkai::diag::{Diagnostic, Report};
use gongkai::source::SourceMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let (head, rest) = data.split_at(6);
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(4, '\u{1e}');
    let source = parts.next().unwrap_or("").to_string();
    let message = parts.next().unwrap_or("").to_string();
    let field = parts.next().unwrap_or("").to_string();
    let hint = parts.next().unwrap_or("").to_string();
    let mut sources = SourceMap::default();
    sources.insert_text("f.md", &source);
    let line = u32::from(head[0]) | u32::from(head[1]) << 8;
    let col = u32::from(head[2]) | u32::from(head[3]) << 8;
    let width = u32::from(head[4]) << (head[5] % 24);
    let mut d = Diagnostic::error("syntax", "f.md", message).span(line, col, width);
    if head[5] & 1 == 1 {
        d = d.field(field).hint(hint);
    } else {
        d.column = None;
    }
    let report = Report::new(Date::parse("2022-09-01").unwrap(), vec![d], head[5] & 2 == 2);
    for color in [false, true] {
        let out = report.to_text(&sources, color);
        let escapes = out.matches('\u{1b}').count();
        assert!(color || escapes == 0, "{out:?}");
        assert!(
            !out.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\u{1b}')),
            "{out:?}"
        );
    }
    let _ = report.to_json();
});
