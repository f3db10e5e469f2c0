//! Markdown bodies: the scan for active content and the rendering with the sanitiser take any
//! text; what comes out never carries a script, an event handler, an off-site image or a
//! character no page may hold.
#![no_main]

use gongkai::markdown::{is_off_site, scan, summary, to_html};
use gongkai::model::Body;
use gongkai::source::is_forbidden;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The loader refuses these before a body is ever rendered.
    if text.chars().any(is_forbidden) {
        return;
    }
    let body = Body {
        markdown: text.to_string(),
        first_line: 1,
    };
    let spots = scan(&body);
    let html = to_html(text, 2);
    let _ = summary(text, 120);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("javascript:"), "{html}");
    if spots.is_empty() {
        for src in lower.split(" src=\"").skip(1) {
            let value = src.split('"').next().unwrap_or("");
            assert!(!is_off_site(value), "{html}");
        }
    }
    assert!(!html.chars().any(is_forbidden), "{html:?}");
});
