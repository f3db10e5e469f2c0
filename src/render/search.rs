//! The search index: built from the rendered pages, split into small static files so that the
//! browser loads only the parts a query needs.
//!
//! Chinese has no spaces between words, and a word-splitting dictionary misses the names that
//! matter here (contractors, villages, products). So every Han character and every pair of
//! adjacent Han characters is a token: a query of two or more characters matches pages that
//! contain all of its character pairs, which finds 物流, 冷链物流 or a company's full name without
//! a dictionary. Latin letters and digits form words (project ids like `cold-chain` also give
//! `cold` and `chain`). `themes/default/static/search.js` tokenises queries the same way.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use serde::Serialize;

use crate::write::OutputFile;

/// Pages per page-list file.
const PAGE_CHUNK: usize = 500;

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Calls `f` with every token of a text (repeats included): Han characters and character
/// pairs, Latin words and their parts.
pub fn each_token(text: &str, mut f: impl FnMut(&str)) {
    let mut prev_han: Option<char> = None;
    let mut word = String::new();
    let mut pair = String::with_capacity(8);
    let flush = |word: &mut String, f: &mut dyn FnMut(&str)| {
        let w = word.trim_matches('-');
        if !w.is_empty() {
            f(w);
            if w.contains('-') {
                w.split('-').filter(|p| !p.is_empty()).for_each(&mut *f);
            }
        }
        word.clear();
    };
    for c in text.chars() {
        if is_han(c) {
            flush(&mut word, &mut f);
            pair.clear();
            pair.push(c);
            f(&pair);
            if let Some(p) = prev_han {
                pair.clear();
                pair.push(p);
                pair.push(c);
                f(&pair);
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
            flush(&mut word, &mut f);
        }
    }
    flush(&mut word, &mut f);
}

/// The distinct tokens of a text.
#[cfg(test)]
pub fn tokens(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    each_token(text, |t| {
        out.insert(t.to_string());
    });
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

/// Text inside `<main>` without its asides and navigation (the same on every page), without
/// tags, with the entities Tera and the sanitiser write decoded.
fn main_text(html: &str) -> String {
    const SKIP: [(&str, &str); 3] = [
        ("<aside", "</aside>"),
        ("<nav", "</nav>"),
        ("<script", "</script>"),
    ];
    const ENTITIES: [(&str, char); 6] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&#x27;", '\''),
        ("&amp;", '&'),
    ];
    let start = html.find("<main").unwrap_or(0);
    let end = html.rfind("</main>").unwrap_or(html.len());
    let mut rest = &html[start..end];
    let mut out = String::with_capacity(rest.len() / 2);
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('&') {
            match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
                Some((e, c)) => {
                    out.push(*c);
                    rest = &rest[e.len()..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
            continue;
        }
        out.push(' ');
        let skip = SKIP
            .iter()
            .find(|(open, _)| rest.starts_with(open))
            .and_then(|(_, close)| rest.find(close).map(|e| e + close.len()));
        rest = match skip {
            Some(n) => &rest[n..],
            None => &rest[rest.find('>').map_or(rest.len(), |g| g + 1)..],
        };
    }
    out.push_str(rest);
    out
}

/// Which pages hold each token, gathered page by page (on several threads, then merged).
#[derive(Default)]
pub struct Postings {
    map: FxHashMap<String, Vec<u32>>,
}

impl Postings {
    /// Adds a page's tokens. Pages are added one at a time, so a page already at the end of a
    /// token's list is a repeat within the page.
    pub fn add(&mut self, page: u32, html: &str) {
        each_token(&main_text(html), |t| match self.map.get_mut(t) {
            Some(ids) if ids.last() == Some(&page) => {}
            Some(ids) => ids.push(page),
            None => {
                self.map.insert(t.to_string(), vec![page]);
            }
        });
    }

    pub fn merge(mut self, other: Postings) -> Postings {
        let (mut big, small) = if self.map.len() >= other.map.len() {
            (self, other)
        } else {
            (other, self)
        };
        for (t, ids) in small.map {
            big.map.entry(t).or_default().extend(ids);
        }
        self = big;
        self
    }
}

/// The index files under `search/`: page lists by chunk, postings by token shard, and a meta
/// file. `pages` are (url, title, section) by page id.
pub fn files(
    pages: &[(String, String, &'static str)],
    searchable: Vec<bool>,
    postings: Postings,
) -> Vec<OutputFile> {
    let count = searchable.iter().filter(|s| **s).count();
    let shards = (count / 100).clamp(1, 256) as u32;
    let mut by_shard: Vec<BTreeMap<String, Vec<u32>>> = vec![BTreeMap::new(); shards as usize];
    for (token, mut ids) in postings.map {
        ids.sort_unstable();
        by_shard[shard_of(&token, shards) as usize].insert(token, ids);
    }
    let mut out = vec![OutputFile::new(
        "search/meta.json",
        compact(&Meta {
            shards,
            page_chunk: PAGE_CHUNK,
            count: pages.len(),
        }),
    )];
    for (k, map) in by_shard.iter().enumerate() {
        out.push(OutputFile::new(format!("search/i/{k}.json"), compact(map)));
    }
    for (n, chunk) in pages.chunks(PAGE_CHUNK).enumerate() {
        let rows: Vec<[&str; 3]> = chunk
            .iter()
            .map(|(u, t, s)| [u.as_str(), t.as_str(), *s])
            .collect();
        out.push(OutputFile::new(
            format!("search/p/{n}.json"),
            compact(&rows),
        ));
    }
    out
}

#[derive(Serialize)]
struct Meta {
    shards: u32,
    #[serde(rename = "pageChunk")]
    page_chunk: usize,
    count: usize,
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
    fn text_from_pages_without_the_same_parts_on_every_page() {
        let html = "<header>菜单</header><main><nav>位置</nav><h1>冷链 &amp; <em>物流</em></h1><p>5 &lt; 6</p><aside><h2>监督举报</h2></aside></main><footer>页脚</footer>";
        let text = main_text(html);
        assert!(
            text.contains("冷链 & ") && text.contains("物流") && text.contains("5 < 6"),
            "{text}"
        );
        for gone in ["菜单", "页脚", "位置", "监督举报"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
    }
}
