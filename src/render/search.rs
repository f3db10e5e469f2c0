//! The search index: built from the rendered pages, split into small static files so that the
//! browser loads only the parts a query needs.
//!
//! Chinese has no spaces between words, and a word-splitting dictionary misses the names that
//! matter here (contractors, villages, products). So every Han character and every pair of
//! adjacent Han characters is a token: a query of two or more characters matches pages that
//! contain all of its character pairs, which finds 物流, 冷链物流 or a company's full name without
//! a dictionary. Latin letters and digits form words (project ids like `cold-chain` also give
//! `cold` and `chain`). `themes/default/static/search.js` tokenises queries the same way.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::write::OutputFile;

/// Pages per page-list file.
const PAGE_CHUNK: usize = 500;

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// The tokens of a text: Han characters and character pairs, Latin words and their parts.
pub fn tokens(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut prev_han: Option<char> = None;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut BTreeSet<String>| {
        let w = word.trim_matches('-');
        if !w.is_empty() {
            out.insert(w.to_string());
            if w.contains('-') {
                out.extend(w.split('-').filter(|p| !p.is_empty()).map(str::to_string));
            }
        }
        word.clear();
    };
    for c in text.chars() {
        if is_han(c) {
            flush(&mut word, &mut out);
            out.insert(c.to_string());
            if let Some(p) = prev_han {
                out.insert(format!("{p}{c}"));
            }
            prev_han = Some(c);
            continue;
        }
        prev_han = None;
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c == '-' && !word.is_empty() {
            word.push('-');
        } else {
            flush(&mut word, &mut out);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// FNV-1a over the UTF-8 bytes, as the browser computes it.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in token.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards
}

/// Text inside `<main>`, without tags, with the entities Tera and the sanitiser write decoded.
fn main_text(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html.rfind("</main>").unwrap_or(html.len());
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The first `<h1>` of a page, as text.
fn heading(html: &str) -> String {
    let Some(start) = html.find("<h1") else {
        return String::new();
    };
    let Some(open_end) = html[start..].find('>') else {
        return String::new();
    };
    let body = &html[start + open_end + 1..];
    let text = &body[..body.find("</h1>").unwrap_or(body.len())];
    main_text(&format!("<main>{text}</main>"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn section(path: &str) -> &'static str {
    match path.split('/').next().unwrap_or("") {
        "projects" => "项目",
        "documents" => "政策文件",
        "notices" => "采购公告",
        "funds" => "资金安排",
        "supervision" => "监督举报",
        "data" => "开放数据",
        _ => "栏目",
    }
}

#[derive(Serialize)]
struct Meta {
    shards: u32,
    #[serde(rename = "pageChunk")]
    page_chunk: usize,
    count: usize,
}

/// A page that is searched: its URL (relative to the site root), title and section.
pub struct Entry {
    pub url: String,
    pub title: String,
    pub section: &'static str,
}

/// The pages to index from the rendered files: every HTML page but the 404 and search pages.
pub fn entries(files: &[OutputFile]) -> Vec<(Entry, String)> {
    files
        .iter()
        .filter(|f| {
            f.path.ends_with(".html") && f.path != "404.html" && !f.path.starts_with("search/")
        })
        .map(|f| {
            let html = String::from_utf8_lossy(&f.bytes);
            let url = f
                .path
                .strip_suffix("index.html")
                .unwrap_or(&f.path)
                .to_string();
            let entry = Entry {
                section: section(&url),
                title: heading(&html),
                url,
            };
            (entry, main_text(&html))
        })
        .collect()
}

/// The index files under `search/`.
pub fn index(pages: &[(Entry, String)]) -> Vec<OutputFile> {
    let shards = (pages.len() / 100).clamp(1, 256) as u32;
    let mut postings: Vec<BTreeMap<String, Vec<usize>>> = vec![BTreeMap::new(); shards as usize];
    for (id, (entry, text)) in pages.iter().enumerate() {
        let mut all = tokens(text);
        all.extend(tokens(&entry.title));
        for t in all {
            postings[shard_of(&t, shards) as usize]
                .entry(t)
                .or_default()
                .push(id);
        }
    }
    let mut out = vec![OutputFile::new(
        "search/meta.json",
        compact(&Meta {
            shards,
            page_chunk: PAGE_CHUNK,
            count: pages.len(),
        }),
    )];
    for (k, map) in postings.iter().enumerate() {
        out.push(OutputFile::new(format!("search/i/{k}.json"), compact(map)));
    }
    for (n, chunk) in pages.chunks(PAGE_CHUNK).enumerate() {
        let rows: Vec<[&str; 3]> = chunk
            .iter()
            .map(|(e, _)| [e.url.as_str(), e.title.as_str(), e.section])
            .collect();
        out.push(OutputFile::new(
            format!("search/p/{n}.json"),
            compact(&rows),
        ));
    }
    out
}

fn compact<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("index serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_by_character_pairs_latin_by_word() {
        let t = tokens("冷链物流 cold-chain 52个");
        for want in [
            "冷",
            "冷链",
            "链物",
            "物流",
            "流",
            "cold-chain",
            "cold",
            "chain",
            "52",
            "个",
        ] {
            assert!(t.contains(want), "{want} in {t:?}");
        }
        assert!(!t.contains("流c") && !t.contains("2个"));
    }

    #[test]
    fn shards_match_the_browser() {
        // FNV-1a 32: the offset basis for no bytes, and the published value for "a".
        assert_eq!(shard_of("", 7), 0x811c_9dc5 % 7);
        assert_eq!(shard_of("a", 1_000_000), 0xe40c_292c % 1_000_000);
    }

    #[test]
    fn text_and_headings_from_pages() {
        let html = "<header>菜单</header><main><h1>冷链 &amp; <em>物流</em></h1><p>5 &lt; 6</p></main><footer>页脚</footer>";
        assert_eq!(heading(html), "冷链 & 物流");
        let text = main_text(html);
        assert!(text.contains("5 < 6") && !text.contains("菜单") && !text.contains("页脚"));
    }
}
