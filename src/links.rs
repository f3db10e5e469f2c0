//! The links, anchors and head metadata of the generated pages, read back from their HTML as
//! they are rendered: what `broken-link` judges (every link to a page, anchor or file of the
//! site must lead somewhere), what `check --links` lists (links to other websites, which only a
//! person can judge), and what the spot-check report reads of each page's head.
//!
//! The reader is a small attribute scanner, not a full HTML parser: it only has to read pages
//! this tool wrote (and bodies its sanitiser let through), it keeps up with the renderer, and
//! it handles quoted and unquoted attributes, comments and raw-text elements as browsers do.

/// What a record page shows, so that a finding can point into its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Project,
    Document,
    Notice,
}

/// One generated page, read back.
#[derive(Clone, Debug, Default)]
pub struct PageLinks {
    /// Its address below the site root: `projects/x/`, `404.html`, `` for the overview.
    pub path: String,
    /// The template it was made from.
    pub template: &'static str,
    /// The record it shows, for record pages.
    pub record: Option<(RecordKind, String)>,
    /// Anchors a link may point at (`id`, and `name` of `<a>`), one a line. (A national site
    /// has tens of thousands of pages: one string each keeps what the build holds small.)
    ids: String,
    /// Every `href` and `src`, as the browser reads them (character references decoded, line
    /// breaks taken out as browsers do), each once, in page order, one a line.
    links: String,
    /// The `name` of every `<meta>` in the page, one a line.
    metas: String,
    /// Whether the page says when it was published (发布日期).
    pub shows_pubdate: bool,
}

/// Every generated page of one build, read back.
#[derive(Clone, Debug, Default)]
pub struct Crawl {
    /// The site's address, without a trailing slash, when known.
    pub base_url: Option<String>,
    /// Sorted by path.
    pub pages: Vec<PageLinks>,
}

/// What the scanner found in one page.
#[derive(Default)]
struct Scan {
    ids: Vec<String>,
    links: Vec<String>,
    metas: Vec<String>,
}

/// The text of an attribute value with its character references decoded.
fn decode_entities(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where the raw text of a `<script>`, `<style>`, `<textarea>` or `<title>` ends: at its closing
/// tag, however it is capitalised (found without copying the rest of the page).
fn raw_text_end(html: &str, from: usize, tag: &str) -> usize {
    let b = html.as_bytes();
    let mut i = from;
    while let Some(off) = html[i..].find("</") {
        let at = i + off;
        let name = at + 2;
        if b.len() >= name + tag.len()
            && b[name..name + tag.len()].eq_ignore_ascii_case(tag.as_bytes())
        {
            return at;
        }
        i = at + 2;
    }
    html.len()
}

/// Reads the tags of a page. Only `id`, `name`, `href` and `src` are decoded; other attributes
/// are stepped over without copying them.
fn scan(html: &str) -> Scan {
    let b = html.as_bytes();
    let mut out = Scan::default();
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off;
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with("</") || rest.starts_with("<!") || rest.starts_with("<?") {
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
            continue;
        }
        // The tag's name.
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == i + 1 {
            i += 1;
            continue;
        }
        let tag = &html[i + 1..j];
        let is = |name: &str| tag.eq_ignore_ascii_case(name);
        // Its attributes.
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let name = &html[start..j];
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut raw = "";
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let quote = b[j];
                    let from = j + 1;
                    j = from
                        + b[from..]
                            .iter()
                            .position(|c| *c == quote)
                            .unwrap_or(b.len() - from);
                    raw = &html[from..j];
                    j += 1;
                } else {
                    let from = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    raw = &html[from..j];
                }
            }
            if name.is_empty() {
                j += 1;
                continue;
            }
            let value = || decode_entities(raw);
            if name.eq_ignore_ascii_case("id") {
                out.ids.push(value());
            } else if name.eq_ignore_ascii_case("name") {
                if is("a") {
                    out.ids.push(value());
                } else if is("meta") {
                    out.metas.push(value());
                }
            } else if name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src") {
                let v = value();
                if seen.insert(v.clone()) {
                    out.links.push(v);
                }
            }
        }
        i = j.min(b.len());
        // The text of these is not markup.
        if let Some(raw) = ["script", "style", "textarea", "title"]
            .into_iter()
            .find(|t| is(t))
        {
            i = raw_text_end(html, i, raw);
        }
    }
    out
}

impl PageLinks {
    /// Reads one rendered page.
    pub fn read(
        path: &str,
        template: &'static str,
        record: Option<(RecordKind, String)>,
        html: &str,
    ) -> PageLinks {
        let s = scan(html);
        let lines = |v: Vec<String>| {
            let mut out = String::new();
            for (n, x) in v.iter().enumerate() {
                if n > 0 {
                    out.push('\n');
                }
                if x.contains(['\n', '\r', '\t']) {
                    out.push_str(&x.replace(['\n', '\r', '\t'], ""));
                } else {
                    out.push_str(x);
                }
            }
            out
        };
        PageLinks {
            path: path.to_string(),
            template,
            record,
            ids: lines(s.ids),
            links: lines(s.links),
            metas: lines(s.metas),
            shows_pubdate: html.contains("发布日期"),
        }
    }

    /// Its anchors.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.split('\n').filter(|x| !x.is_empty())
    }

    /// Its links, each once.
    pub fn links(&self) -> impl Iterator<Item = &str> {
        self.links.split('\n').filter(|x| !x.is_empty())
    }

    /// Whether the page has a `<meta name>` (names compare without case, as in HTML).
    pub fn has_meta(&self, name: &str) -> bool {
        self.metas.split('\n').any(|m| m.eq_ignore_ascii_case(name))
    }
}

/// Where a link leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A page or file of this site: its path below the root (percent-decoded; `` for the
    /// overview, ending in `/` for a folder) and the anchor, if any.
    Site {
        path: String,
        fragment: Option<String>,
    },
    /// Somewhere else: the address, made absolute when it can be.
    External(String),
    /// A mail or telephone link.
    Contact,
}

/// `%E6%96%B9` → `方`; text that is not valid UTF-8 once decoded is kept as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The path part of the site's address (`/zl/dzsw`), empty for a site at a host's root.
fn base_path(base_url: Option<&str>) -> &str {
    let Some(base) = base_url else { return "" };
    let after = base.split_once("://").map_or(base, |(_, rest)| rest);
    after
        .find('/')
        .map_or("", |i| after[i..].trim_end_matches('/'))
}

/// The scheme of an address, if it has one (`https`, `mailto` …).
fn scheme(href: &str) -> Option<String> {
    let (s, _) = href.split_once(':')?;
    let ok = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| s.to_ascii_lowercase())
}

/// Where `href`, found on the page at `page`, leads, for a site at `base_url`.
pub fn resolve(page: &str, href: &str, base_url: Option<&str>) -> Target {
    let h = href.trim();
    if h.starts_with("//") {
        return resolve(page, &format!("https:{h}"), base_url);
    }
    if let Some(s) = scheme(h) {
        match s.as_str() {
            "mailto" | "tel" | "sms" => return Target::Contact,
            "http" | "https" => {
                if let Some(base) = base_url {
                    let base_rest = base.split_once("://").map_or(base, |(_, r)| r);
                    let rest = h.split_once("://").map_or(h, |(_, r)| r);
                    if let Some(inside) = rest.strip_prefix(base_rest)
                        && (inside.is_empty() || inside.starts_with(['/', '?', '#']))
                    {
                        let inside = inside.strip_prefix('/').unwrap_or(inside);
                        return within_site("", &format!("/{inside}"), "");
                    }
                }
                return Target::External(h.to_string());
            }
            _ => return Target::External(h.to_string()),
        }
    }
    let root = base_path(base_url);
    if h.starts_with('/') {
        let in_site = if root.is_empty() {
            Some(h)
        } else {
            h.strip_prefix(root)
                .filter(|r| r.is_empty() || r.starts_with(['/', '?', '#']))
        };
        return match in_site {
            Some(r) => within_site("", r, ""),
            None => Target::External(match base_url {
                Some(base) => {
                    let origin_end = base
                        .split_once("://")
                        .map_or(0, |(s, r)| s.len() + 3 + r.find('/').unwrap_or(r.len()));
                    format!("{}{h}", &base[..origin_end])
                }
                None => h.to_string(),
            }),
        };
    }
    let dir = match page.rfind('/') {
        Some(i) => &page[..=i],
        None => "",
    };
    within_site(dir, h, page)
}

/// `href` (relative, or absolute within the site when it starts with `/`) from folder `dir`.
fn within_site(dir: &str, href: &str, page: &str) -> Target {
    let (before, fragment) = match href.split_once('#') {
        Some((b, f)) => (b, Some(percent_decode(f))),
        None => (href, None),
    };
    let before = before.split('?').next().unwrap_or("");
    if before.is_empty() {
        // `#x` or `?q=1`: this same page.
        return Target::Site {
            path: if href.starts_with('/') {
                String::new()
            } else {
                page.to_string()
            },
            fragment,
        };
    }
    let joined = if let Some(abs) = before.strip_prefix('/') {
        abs.to_string()
    } else {
        format!("{dir}{before}")
    };
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = joined.split('/').collect();
    let folder = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    for seg in &segments {
        match *seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    // Above the site: another part of the host.
                    return Target::External(href.to_string());
                }
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if folder && !path.is_empty() {
        path.push('/');
    }
    Target::Site {
        path: percent_decode(&path),
        fragment: fragment.filter(|f| !f.is_empty()),
    }
}

/// The file that serves a path: `projects/x/` → `projects/x/index.html`.
pub fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Option<&str> = Some("https://www.ruyuan.gov.cn/zl/dzsw");

    fn site(path: &str, fragment: Option<&str>) -> Target {
        Target::Site {
            path: path.into(),
            fragment: fragment.map(str::to_string),
        }
    }

    #[test]
    fn links_resolve_from_their_page() {
        let p = "projects/cold-chain/";
        assert_eq!(resolve(p, "../../", BASE), site("", None));
        assert_eq!(
            resolve(p, "../../documents/plan/", BASE),
            site("documents/plan/", None)
        );
        assert_eq!(
            resolve(p, "photo.jpg", BASE),
            site("projects/cold-chain/photo.jpg", None)
        );
        assert_eq!(
            resolve(p, "%E6%96%B9%E6%A1%88.pdf", BASE),
            site("projects/cold-chain/方案.pdf", None)
        );
        assert_eq!(resolve(p, "#m-2022-07", BASE), site(p, Some("m-2022-07")));
        assert_eq!(
            resolve(p, "../x/?a=1#h", BASE),
            site("projects/x/", Some("h"))
        );
        assert_eq!(
            resolve("404.html", "/zl/dzsw/projects/", BASE),
            site("projects/", None)
        );
        assert_eq!(
            resolve("404.html", "/projects/", None),
            site("projects/", None)
        );
        assert_eq!(
            resolve(p, "https://www.ruyuan.gov.cn/zl/dzsw/notices/a/", BASE),
            site("notices/a/", None)
        );
        assert_eq!(
            resolve(p, "https://www.ruyuan.gov.cn/zl/dzsw", BASE),
            site("", None)
        );
        // Another column of the same host, another site, above the site, mail and phone.
        assert_eq!(
            resolve(p, "/zl/other/", BASE),
            Target::External("https://www.ruyuan.gov.cn/zl/other/".into())
        );
        assert_eq!(
            resolve(p, "https://www.ruyuan.gov.cn/zl/dzsw2/", BASE),
            Target::External("https://www.ruyuan.gov.cn/zl/dzsw2/".into())
        );
        assert_eq!(
            resolve(p, "//www.12388.gov.cn/", BASE),
            Target::External("https://www.12388.gov.cn/".into())
        );
        assert!(matches!(resolve(p, "../../../", BASE), Target::External(_)));
        assert_eq!(resolve(p, "tel:12388", BASE), Target::Contact);
        assert_eq!(resolve(p, "MAILTO:a@b.cn", BASE), Target::Contact);
    }

    #[test]
    fn pages_are_read_for_ids_links_and_metas() {
        let html = "<!DOCTYPE html><html><head><title>a <b> c</title>\
            <meta name=\"SiteName\" content=\"x\"><meta name=Keywords content=y>\
            <link rel=\"stylesheet\" href=\"../style.css\"><script src='../site.js'>if (a<b) {}</script></head>\
            <body><!-- <a href=\"hidden\"> --><h2 id=\"h-basic\">x</h2>\
            <a href=\"a?x=1&amp;y=2\">x</a><a href=\"a?x=1&amp;y=2\">again</a><a name=old></a>\
            <img src=\"p.jpg\" alt=\"\"/><p>发布日期</p></body></html>";
        let p = PageLinks::read("projects/x/", "project.html", None, html);
        assert_eq!(p.ids().collect::<Vec<_>>(), ["h-basic", "old"]);
        assert_eq!(
            p.links().collect::<Vec<_>>(),
            ["../style.css", "../site.js", "a?x=1&y=2", "p.jpg"]
        );
        assert!(p.has_meta("Keywords") && !p.has_meta("Url"));
        assert!(p.has_meta("sitename") && p.shows_pubdate);
    }

    #[test]
    fn character_references_and_percent_escapes() {
        assert_eq!(
            decode_entities("a&amp;b&#x4e2d;&#25991;&lt;&nbsp;"),
            "a&b中文<&nbsp;"
        );
        assert_eq!(percent_decode("a%20b%E4%B8%AD"), "a b中");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%FF"), "%FF");
    }
}
