//! `feed.xml` (Atom), `sitemap.xml` and `robots.txt`.

use std::fmt::Write as _;

use super::views::Model;
use crate::write::OutputFile;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An Atom feed of every public record and monthly report, newest first. Entry ids are the
/// records' addresses, which do not change when a record is corrected.
pub fn atom(model: &Model, base_url: Option<&str>) -> OutputFile {
    let link = |path: &str| match base_url {
        Some(b) => format!("{b}/{path}"),
        None => path.to_string(),
    };
    let id = |path: &str| match base_url {
        Some(b) => format!("{b}/{path}"),
        None => format!("urn:gongkai:{path}"),
    };
    let site = &model.site;
    let updated = model
        .updates
        .first()
        .map_or(&site.as_of.iso, |u| &u.date.iso);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    let _ = writeln!(x, "<title>{}</title>", esc(&site.title));
    if !site.description.is_empty() {
        let _ = writeln!(x, "<subtitle>{}</subtitle>", esc(&site.description));
    }
    let _ = writeln!(x, "<id>{}</id>", esc(&id("")));
    let _ = writeln!(
        x,
        "<link rel=\"self\" href=\"{}\"/>",
        esc(&link("feed.xml"))
    );
    let _ = writeln!(
        x,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&link(""))
    );
    let _ = writeln!(x, "<updated>{updated}T00:00:00+08:00</updated>");
    let _ = writeln!(
        x,
        "<author><name>{}</name></author>",
        esc(&site.publisher.name)
    );
    for u in &model.updates {
        let _ = write!(
            x,
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<published>{d}T00:00:00+08:00</published>\n<updated>{d}T00:00:00+08:00</updated>\n<category term=\"{}\"/>\n<summary>{}：{}</summary>\n</entry>\n",
            esc(&u.title),
            esc(&id(&u.url)),
            esc(&link(&u.url)),
            esc(&u.kind),
            esc(&u.kind),
            esc(&u.title),
            d = u.date.iso,
        );
    }
    x.push_str("</feed>\n");
    OutputFile::new("feed.xml", x)
}

/// `sitemap.xml` (only with a known site address: sitemaps need absolute URLs) and
/// `robots.txt`.
pub fn sitemap_and_robots(pages: &[String], base_url: Option<&str>) -> Vec<OutputFile> {
    let Some(base) = base_url else {
        return vec![OutputFile::new("robots.txt", "User-agent: *\nAllow: /\n")];
    };
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in pages {
        let _ = writeln!(x, "<url><loc>{}</loc></url>", esc(&format!("{base}/{p}")));
    }
    x.push_str("</urlset>\n");
    vec![
        OutputFile::new("sitemap.xml", x),
        OutputFile::new(
            "robots.txt",
            format!("User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n"),
        ),
    ]
}
