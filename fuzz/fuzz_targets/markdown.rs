//! Markdown bodies: the scan for active content and the rendering with the sanitiser take any
//! text; what comes out, read by an HTML tokenizer as a browser reads it, never carries an
//! active element, an event handler, a script URL, an off-site image (unless the scan reported
//! one, which stops the build) or a character no page may hold.
#![no_main]

use std::cell::RefCell;

use gongkai::markdown::{is_off_site, scan, summary, to_html};
use gongkai::model::Body;
use gongkai::source::is_forbidden;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
};
use libfuzzer_sys::fuzz_target;

struct Tags(RefCell<Vec<Tag>>);

impl TokenSink for Tags {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            self.0.borrow_mut().push(tag);
        }
        TokenSinkResult::Continue
    }
}

fn start_tags(html: &str) -> Vec<Tag> {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Tags(RefCell::new(Vec::new())), Default::default());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.take()
}

const ACTIVE: &[&str] = &[
    "script", "style", "iframe", "frame", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "link", "meta", "base", "svg", "math", "template", "audio", "video",
];

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
    let reported = !scan(&body).is_empty();
    let html = to_html(text, 2);
    let _ = summary(text, 120);
    assert!(!html.chars().any(is_forbidden), "{html:?}");
    for tag in start_tags(&html) {
        assert!(!ACTIVE.contains(&&*tag.name), "<{}> in {html}", tag.name);
        for attr in &tag.attrs {
            let name = &*attr.name.local;
            assert!(!name.starts_with("on"), "{name} in {html}");
            let value: String = attr
                .value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(!value.starts_with(scheme), "{name}={value} in {html}");
            }
            if name == "src" && !reported {
                assert!(!is_off_site(&attr.value), "{name}={} in {html}", attr.value);
            }
        }
    }
});
