//! Markdown bodies: CommonMark with tables, footnotes and strikethrough, rendered without any
//! active HTML. `scan` finds what would be active (for the `unsafe-content` rule, with lines);
//! `to_html` sanitises whatever gets through, so that safety never depends on the scan.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag as MdTag, TagEnd};

use crate::model::Body;
use crate::source::{LineIndex, is_forbidden};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Something in a body that would run code or load from another host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeSpot {
    /// Line in the file.
    pub line: u32,
    /// What it is, in Chinese.
    pub what: String,
}

/// Elements that run code, embed other documents, or take input.
const ACTIVE_TAGS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "option", "link", "meta", "base", "svg", "math", "template",
    "portal", "audio", "video", "noscript",
];

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcset",
    "poster",
    "background",
    "cite",
];

/// How deeply elements may nest in a body. Browsers and the sanitiser look up the chain of open
/// elements at each tag, so ten thousand nested `<div>`s cost a hundred million steps; no
/// disclosure needs more than a few levels.
pub const MAX_NESTING: usize = 100;

/// Finds active HTML, dangerous or off-site URLs and too deep nesting in a Markdown body.
pub fn scan(body: &Body) -> Vec<UnsafeSpot> {
    let index = LineIndex::new(&body.markdown);
    let line_of = |offset: usize| index.line_col(&body.markdown, offset).0 + body.first_line - 1;
    let mut spots = Vec::new();
    // Markdown's own containers (quotes, lists) and the raw HTML's elements both nest.
    let (mut depth, mut deepest, mut raw) = (0usize, (0usize, 0u32), String::new());
    for (event, range) in Parser::new_ext(&body.markdown, options()).into_offset_iter() {
        let line = line_of(range.start);
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > deepest.0 {
                    deepest = (depth, line);
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                if raw.is_empty() {
                    deepest.1 = deepest.1.max(line);
                }
                raw.push_str(&html);
                for what in scan_html(&html) {
                    spots.push(UnsafeSpot { line, what });
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(c) = text.chars().find(|c| is_forbidden(*c)) {
                    spots.push(UnsafeSpot {
                        line,
                        what: spelled(c),
                    });
                }
            }
            Event::Start(MdTag::Link { dest_url, .. }) => {
                if let Some(scheme) = active_scheme(&dest_url) {
                    spots.push(UnsafeSpot {
                        line,
                        what: format!("链接地址使用了 {scheme} 协议"),
                    });
                }
            }
            Event::Start(MdTag::Image { dest_url, .. }) => {
                if let Some(scheme) = active_scheme(&dest_url) {
                    spots.push(UnsafeSpot {
                        line,
                        what: format!("图片地址使用了 {scheme} 协议"),
                    });
                } else if is_off_site(&dest_url) {
                    spots.push(UnsafeSpot {
                        line,
                        what: format!("图片来自其他网站（{dest_url}）"),
                    });
                }
            }
            _ => {}
        }
    }
    if deepest.0 + nesting(&raw) > MAX_NESTING {
        spots.push(UnsafeSpot {
            line: deepest.1.max(body.first_line),
            what: format!("元素嵌套超过 {MAX_NESTING} 层"),
        });
    }
    spots
}

/// Counts how deeply the elements of an HTML fragment nest, as tokens go by (an upper bound:
/// an end tag a browser would imply is not subtracted).
struct DepthSink {
    depth: std::cell::Cell<usize>,
    max: std::cell::Cell<usize>,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

impl TokenSink for DepthSink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token {
            match tag.kind {
                TagKind::StartTag if !tag.self_closing && !VOID.contains(&&*tag.name) => {
                    self.depth.set(self.depth.get() + 1);
                    self.max.set(self.max.get().max(self.depth.get()));
                }
                TagKind::EndTag => self.depth.set(self.depth.get().saturating_sub(1)),
                _ => {}
            }
        }
        TokenSinkResult::Continue
    }
}

/// The deepest nesting of elements in an HTML fragment.
fn nesting(html: &str) -> usize {
    if html.is_empty() {
        return 0;
    }
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let sink = DepthSink {
        depth: Default::default(),
        max: Default::default(),
    };
    let tokenizer = Tokenizer::new(sink, Default::default());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.max.get()
}

/// The scheme, if a URL would run code (`javascript:`, `vbscript:`, `data:`), seen the way a
/// browser sees it: case-insensitive, ignoring white space and control characters.
fn active_scheme(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .into_iter()
        .find(|s| cleaned.starts_with(s))
}

/// A URL that makes the browser contact another host, read the way a browser reads it: tabs
/// and line breaks inside removed, leading spaces and controls skipped, a backslash taken as a
/// slash (so `/\evil.example` and `\/evil.example` are `//evil.example`), any scheme.
pub fn is_off_site(url: &str) -> bool {
    let u: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .skip_while(|c| *c <= ' ')
        .map(|c| {
            if c == '\\' {
                '/'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if u.starts_with("//") {
        return true;
    }
    // A scheme: a letter, then letters, digits, `+`, `-` or `.`, then `:` before any `/?#`.
    match u.split_once(':') {
        Some((scheme, _)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Attributes that make the browser load something as the page is shown.
const LOADING_ATTRS: &[&str] = &["src", "srcset", "poster", "background", "data", "lowsrc"];

/// Start tags, and the first character no page may hold that a character reference spells
/// (`&#11;`) in text or in an attribute.
struct TagSink(RefCell<Vec<Tag>>, std::cell::Cell<Option<char>>);

impl TokenSink for TagSink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let note = |text: &str| {
            if self.1.get().is_none() {
                self.1.set(text.chars().find(|c| is_forbidden(*c)));
            }
        };
        match token {
            Token::TagToken(tag) => {
                for attr in &tag.attrs {
                    note(&attr.value);
                }
                if tag.kind == TagKind::StartTag {
                    self.0.borrow_mut().push(tag);
                }
            }
            Token::CharacterTokens(text) => note(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// A character reference (`&#11;`, `&#x0B`) spelling a character no page may hold.
fn spelled(c: char) -> String {
    format!(
        "字符引用表示的不可见字符 {}（网页、订阅里不能有）",
        crate::source::describe_char(c)
    )
}

/// The text without the characters no page may hold (they can only come from character
/// references, which `scan` reports).
fn without_forbidden(text: String) -> String {
    if crate::source::forbidden_at(&text).is_some() {
        text.chars().filter(|c| !is_forbidden(*c)).collect()
    } else {
        text
    }
}

/// Tokenises a fragment of raw HTML as a browser would and names what is active in it.
fn scan_html(html: &str) -> Vec<String> {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(
        TagSink(RefCell::new(Vec::new()), Default::default()),
        Default::default(),
    );
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let mut found = Vec::new();
    if let Some(c) = tokenizer.sink.1.get() {
        found.push(spelled(c));
    }
    for tag in tokenizer.sink.0.take() {
        let name = tag.name.to_string();
        if ACTIVE_TAGS.contains(&name.as_str()) {
            found.push(format!("<{name}> 标签"));
        }
        for attr in &tag.attrs {
            let attr_name = attr.name.local.to_string();
            if attr_name.starts_with("on") {
                found.push(format!("<{name}> 的 {attr_name} 事件属性"));
            } else if URL_ATTRS.contains(&attr_name.as_str()) {
                if let Some(scheme) = active_scheme(&attr.value) {
                    found.push(format!("<{name}> 的 {attr_name} 使用了 {scheme} 协议"));
                } else if attr_name != "href" && attr_name != "cite" && is_off_site(&attr.value) {
                    found.push(format!("<{name}> 从其他网站加载内容（{}）", attr.value));
                }
            }
        }
    }
    found
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_generic_attributes(["id"])
        .attribute_filter(|_element, attribute, value| match attribute {
            // Footnote anchors are the only ids; table alignment the only style.
            "id" => value.starts_with("fn-").then_some(value.into()),
            "style" => matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            )
            .then_some(value.into()),
            // Pages load nothing from other hosts, however the address is spelled.
            a if LOADING_ATTRS.contains(&a) && (is_off_site(value) || a == "srcset") => None,
            _ => Some(value.into()),
        });
    b
});

/// Renders a body to safe HTML. Headings are moved so that the body's highest heading is at
/// level `top`, keeping their order, so that they nest under the page's own headings.
pub fn to_html(markdown: &str, top: u8) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    let highest = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(MdTag::Heading { level, .. }) => Some(*level as u8),
            _ => None,
        })
        .min()
        .unwrap_or(top);
    let shift = top.saturating_sub(highest);
    // Markdown without raw HTML and without active URLs renders safe as it is (the renderer
    // escapes text and attributes); only the rest goes through the sanitiser.
    let needs_sanitiser = events.iter().any(|e| match e {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(MdTag::Link { dest_url, .. }) => active_scheme(dest_url).is_some(),
        Event::Start(MdTag::Image { dest_url, .. }) => {
            active_scheme(dest_url).is_some() || is_off_site(dest_url)
        }
        _ => false,
    });
    let events = events.into_iter().map(|event| match event {
        Event::Start(MdTag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(MdTag::Heading {
            level: shifted(level, shift),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level, shift))),
        Event::FootnoteReference(name) => {
            Event::FootnoteReference(CowStr::from(format!("fn-{name}")))
        }
        Event::Start(MdTag::FootnoteDefinition(name)) => Event::Start(MdTag::FootnoteDefinition(
            CowStr::from(format!("fn-{name}")),
        )),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, events);
    let html = if !needs_sanitiser {
        raw
    } else if nesting(&raw) > MAX_NESTING {
        // Reported by `scan` (`unsafe-content`), so never published; shown as plain text
        // rather than handed to a sanitiser whose cost grows with the square of the depth.
        let text = markdown
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        format!("<pre>{text}</pre>\n")
    } else {
        SANITIZER.clean(&raw).to_string()
    };
    without_forbidden(html)
}

fn shifted(level: HeadingLevel, shift: u8) -> HeadingLevel {
    let n = (level as u8 + shift).min(6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

/// The first paragraph's plain text, shortened, for descriptions and lists.
pub fn summary(markdown: &str, max_chars: usize) -> String {
    let mut text = String::new();
    let mut in_heading = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(MdTag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) if !in_heading => text.push_str(&t),
            Event::End(TagEnd::Paragraph) if !text.is_empty() => break,
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let text = without_forbidden(text);
    let text = text.trim();
    if text.chars().count() > max_chars {
        let cut: String = text.chars().take(max_chars).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(md: &str) -> Body {
        Body {
            markdown: md.to_string(),
            first_line: 10,
        }
    }

    #[test]
    fn finds_active_content_with_lines() {
        let md = "第一行\n\n<script>alert(1)</script>\n\n<span onclick=\"x()\">点</span>\n\n[点我](javascript:alert(1))\n\n![图](https://evil.example/x.png)\n\n<a href=\" JaVa\tScript:x\">a</a>\n";
        let spots = scan(&body(md));
        let lines: Vec<u32> = spots.iter().map(|s| s.line).collect();
        assert_eq!(lines, [12, 14, 16, 18, 20], "{spots:?}");
        assert!(spots[0].what.contains("script"));
        assert!(spots[1].what.contains("onclick"));
        assert!(spots[3].what.contains("其他网站"));
    }

    #[test]
    fn images_from_other_hosts_however_spelled() {
        for url in [
            "/\\evil.example/a.png",
            "\\/evil.example/a.png",
            "\\\\evil.example/a.png",
            " //evil.example/a.png",
            "/\t/evil.example/a.png",
            "HTTPS://evil.example/a.png",
            "https:evil.example/a.png",
            "ftp://evil.example/a.png",
        ] {
            assert!(is_off_site(url), "{url}");
            let md = format!(
                "![x]({})\n\n<img src=\"{}\">\n",
                url.replace(' ', "%20"),
                url
            );
            let spots = scan(&body(&md));
            assert!(!spots.is_empty(), "{url}: {spots:?}");
            let html = to_html(&md, 2);
            for src in html.split("src=\"").skip(1) {
                let value = src.split('"').next().unwrap();
                assert!(!is_off_site(value), "{url}: {html}");
            }
        }
        for url in ["photo.jpg", "/zl/a.png", "./a/b.png", "a:b/../c.png"] {
            assert!(!is_off_site(url) || url.contains(':'), "{url}");
        }
        assert!(to_html("![现场](photo.jpg)", 2).contains("src=\"photo.jpg\""));
    }

    #[test]
    fn deep_nesting_is_reported_and_costs_linear_time() {
        let deep = "<div>\n".repeat(MAX_NESTING + 1);
        let spots = scan(&body(&deep));
        assert!(spots.iter().any(|s| s.what.contains("嵌套")), "{spots:?}");
        let quotes = format!("{} x\n", ">".repeat(MAX_NESTING + 1));
        assert!(scan(&body(&quotes)).iter().any(|s| s.what.contains("嵌套")));
        let fine = "<div>\n\n<b>粗</b>\n\n</div>\n".repeat(1000);
        assert!(scan(&body(&fine)).is_empty());
        assert!(to_html(&fine, 2).contains("<b>粗</b>"));
        // Twice the depth, about twice the time (a square law would be four times).
        let time = |n: usize| {
            let md = "<div>\n".repeat(n);
            let t = std::time::Instant::now();
            let html = to_html(&md, 2);
            assert!(!html.contains("<div>"));
            t.elapsed()
        };
        let (small, large) = (time(20_000), time(80_000));
        assert!(large < small * 10, "{small:?} then {large:?}");
    }

    #[test]
    fn character_references_to_control_characters_are_reported_and_never_emitted() {
        for md in [
            "第一行&#11;第二行\n",
            "# 标题&#x0B;\n",
            "<div>x&#5o</div>\n",
            "<div title=\"&#x1b;[2J\">x</div>\n",
            // Found by the fuzz target `markdown`.
            "<div><b>x</b>><b>x\\n/***v><b>x</b>><b>x<\n&#5o\n&#F****\n* n\n",
        ] {
            let spots = scan(&body(md));
            assert!(
                spots.iter().any(|s| s.what.contains("字符引用")),
                "{md}: {spots:?}"
            );
            let html = to_html(md, 2);
            assert!(!html.contains(is_forbidden), "{md}: {html:?}");
            assert!(!summary(md, 100).contains(is_forbidden), "{md}");
        }
        assert!(scan(&body("A&amp;B &#20013; &#x4e2d;\n")).is_empty());
    }

    #[test]
    fn plain_markdown_is_safe() {
        let md = "# 标题\n\n| a | b |\n|:-:|---|\n| 1 | 2 |\n\n脚注[^1]\n\n[^1]: 说明\n\n<br>\n\n[链接](https://www.gov.cn/) ![本地图](photo.jpg)\n";
        assert!(scan(&body(md)).is_empty());
        // The control: the same text with one event handler is found.
        let bad = format!("{md}\n<img src=\"photo.jpg\" onerror=\"x()\">\n");
        assert_eq!(scan(&body(&bad)).len(), 1);
    }

    #[test]
    fn output_never_carries_active_html() {
        let md = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<iframe src=\"https://a\"></iframe>\n\n<b style=\"color:red\">粗</b>\n";
        let html = to_html(md, 2);
        for bad in ["<script", "onerror", "javascript:", "<iframe", "style="] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("<b>粗</b>"));
    }

    #[test]
    fn plain_markdown_is_escaped_without_the_sanitiser() {
        let html = to_html(
            "![a\" onerror=\"x](y.png \"t\\\" onload=\\\"z\") [l](<u\"onclick=\"v>) 5 < 6 & 7",
            2,
        );
        for bad in ["\" onerror", "\" onload", "\"onclick", "5 < 6", " & 7"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("5 &lt; 6 &amp; 7"), "{html}");
    }

    #[test]
    fn shifts_headings_and_keeps_footnotes_and_alignment() {
        let html = to_html(
            "# 一\n\n## 二\n\n文[^a]\n\n[^a]: 注\n\n| x |\n|:-:|\n| 1 |\n",
            3,
        );
        assert!(
            html.contains("<h3>一</h3>") && html.contains("<h4>二</h4>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"#fn-a\"") && html.contains("id=\"fn-a\""),
            "{html}"
        );
        assert!(html.contains("style=\"text-align: center\""), "{html}");
        let html = to_html("## 二\n\n### 三\n", 2);
        assert!(
            html.contains("<h2>二</h2>") && html.contains("<h3>三</h3>"),
            "{html}"
        );
    }

    #[test]
    fn summaries() {
        assert_eq!(
            summary("# 标题\n\n第一段**加粗**文字。\n\n第二段", 100),
            "第一段加粗文字。"
        );
        assert_eq!(summary("一二三四五", 3), "一二三…");
    }
}
