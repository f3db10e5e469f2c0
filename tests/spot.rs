//! Ready for a government-website spot check (SPEC §9): the inspection limits at their
//! boundaries, blank columns, the metadata and footer of every page type read back from the
//! built HTML with a real HTML tokenizer, a broken link of every kind, the footer's registration
//! numbers against their formats, and the spot-check report on the bundled example.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use common::{Site, only, stderr, tree};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};

const P: &str = "content/projects/county-service-center/index.md";
const BASE: &str = "https://www.ruyuan.gov.cn/zl/dzsw";

// ---------------------------------------------------------------- pages, read back

/// What a page holds, as a browser's tokenizer reads it.
#[derive(Default, Debug)]
struct Page {
    metas: BTreeMap<String, String>,
    /// The text of the `<footer>`, and the addresses its links go to.
    footer_text: String,
    footer_links: Vec<(String, String)>,
    /// All the text of `<main>`.
    main_text: String,
}

#[derive(Default)]
struct Reader {
    page: RefCell<Page>,
    in_footer: RefCell<usize>,
    in_main: RefCell<usize>,
    link: RefCell<Option<String>>,
    link_text: RefCell<String>,
}

impl TokenSink for Reader {
    type Handle = ();
    fn process_token(&self, token: Token, _: u64) -> TokenSinkResult<()> {
        let attr = |tag: &html5ever::tokenizer::Tag, name: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == name)
                .map(|a| a.value.to_string())
        };
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                let start = tag.kind == TagKind::StartTag;
                match name.as_str() {
                    "meta" if start => {
                        if let (Some(n), Some(c)) = (attr(&tag, "name"), attr(&tag, "content")) {
                            self.page.borrow_mut().metas.insert(n, c);
                        }
                    }
                    "footer" => *self.in_footer.borrow_mut() += usize::from(start),
                    "main" if start => *self.in_main.borrow_mut() = 1,
                    "main" => *self.in_main.borrow_mut() = 0,
                    "a" if start && *self.in_footer.borrow() > 0 => {
                        *self.link.borrow_mut() = attr(&tag, "href");
                        self.link_text.borrow_mut().clear();
                    }
                    "a" if *self.in_footer.borrow() > 0 => {
                        if let Some(href) = self.link.borrow_mut().take() {
                            let text = self.link_text.borrow().clone();
                            self.page.borrow_mut().footer_links.push((text, href));
                        }
                    }
                    "img" if start && self.link.borrow().is_some() => {
                        if let Some(alt) = attr(&tag, "alt") {
                            self.link_text.borrow_mut().push_str(&alt);
                        }
                    }
                    _ => {}
                }
                if name == "footer" && !start {
                    *self.in_footer.borrow_mut() = 0;
                }
            }
            Token::CharacterTokens(t) => {
                if *self.in_footer.borrow() > 0 {
                    self.page.borrow_mut().footer_text.push_str(&t);
                    if self.link.borrow().is_some() {
                        self.link_text.borrow_mut().push_str(&t);
                    }
                }
                if *self.in_main.borrow() > 0 {
                    self.page.borrow_mut().main_text.push_str(&t);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn read_page(html: &str) -> Page {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Reader::default(), Default::default());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.page.take()
}

/// Every HTML page of a built site, read back, by its address below the root.
fn pages(out: &Path) -> BTreeMap<String, (String, Page)> {
    tree(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, bytes)| {
            let html = String::from_utf8(bytes).unwrap();
            let address = p.strip_suffix("index.html").unwrap_or(&p).to_string();
            let page = read_page(&html);
            (address, (html, page))
        })
        .collect()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

// ---------------------------------------------------------------- metadata and footer

#[test]
fn every_page_type_carries_the_design_rules_metadata_the_publication_date_and_the_footer() {
    let site = Site::example();
    let run = site.build("2022-11-10", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = site.path("public");
    let all = pages(&out);
    let projects = json(&out.join("data/projects.json"));
    let published: BTreeMap<String, String> = projects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                format!("projects/{}/", p["id"].as_str().unwrap()),
                p["published"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut kinds_seen = std::collections::BTreeSet::new();
    for (address, (html, page)) in &all {
        let m = &page.metas;
        let get = |name: &str| {
            m.get(name)
                .unwrap_or_else(|| panic!("{address}: no <meta name=\"{name}\">: {m:#?}"))
                .as_str()
        };
        assert_eq!(get("SiteName"), "乳源瑶族自治县电子商务进农村综合示范专栏");
        assert_eq!(get("SiteIDCode"), "4402320000", "{address}");
        assert!(!get("ColumnName").is_empty() && !get("ColumnType").is_empty());
        let is_record = ["projects/", "documents/", "notices/"]
            .iter()
            .any(|s| address.starts_with(s) && address.len() > s.len());
        if address != "404.html" {
            assert_eq!(get("SiteDomain"), "www.ruyuan.gov.cn");
            assert_eq!(get("Url"), format!("{BASE}/{address}"));
            assert!(
                !get("Keywords").is_empty() && !get("Description").is_empty(),
                "{address}"
            );
        }
        if is_record {
            kinds_seen.insert(address.split('/').next().unwrap().to_string());
            let title = get("ArticleTitle");
            // The heading as read: dates and figures in it are wrapped to keep them whole.
            let h1 = html
                .split_once("<h1>")
                .and_then(|(_, rest)| rest.split_once("</h1>"))
                .map(|(h, _)| h.replace("<span class=\"nw\">", "").replace("</span>", ""))
                .unwrap_or_default();
            assert_eq!(h1, title, "{address}");
            let date = get("PubDate");
            let day = date
                .strip_suffix(" 00:00")
                .unwrap_or_else(|| panic!("{address}: {date}"));
            assert_eq!(
                day.len(),
                10,
                "{address}: PubDate {date} is YYYY-MM-DD HH:MM"
            );
            if let Some(p) = published.get(address) {
                assert_eq!(day, p, "{address}");
            }
            assert!(!get("ContentSource").is_empty());
            // The date readers see, under the title, is the one in the head.
            assert!(
                html.contains(&format!(
                    "<p class=\"pubdate\">发布日期：<time datetime=\"{day}\">"
                )),
                "{address}: no visible 发布日期 {day}"
            );
        } else {
            for name in ["ArticleTitle", "PubDate", "ContentSource"] {
                assert!(!m.contains_key(name), "{address}: {name} on a list page");
            }
            kinds_seen.insert(if address.is_empty() {
                "home".into()
            } else {
                address.clone()
            });
        }
        // The footer, as the conventions place it.
        let f = &page.footer_text;
        for text in [
            "主办单位：乳源瑶族自治县工业和信息化局",
            "网站标识码：4402320000",
            "粤ICP备2022000000号-1",
            "粤公网安备 44023202000000号",
        ] {
            assert!(f.contains(text), "{address}: footer lacks {text}: {f}");
        }
        let link = |text: &str| {
            page.footer_links
                .iter()
                .find(|(t, _)| t.contains(text))
                .map(|(_, h)| h.as_str())
                .unwrap_or_else(|| {
                    panic!("{address}: no footer link {text}: {:?}", page.footer_links)
                })
        };
        assert_eq!(link("粤ICP备"), "https://beian.miit.gov.cn/");
        assert_eq!(
            link("公网安备"),
            "https://beian.mps.gov.cn/#/query/webSearch?code=44023202000000"
        );
        assert_eq!(
            link("党政机关网站标识"),
            "https://bszs.conac.cn/sitename?method=show&id=00000000000000000000000000000000"
        );
        assert!(link("我为政府网站找错").ends_with("sitecode=4402320000"));
    }
    for kind in [
        "home",
        "projects/",
        "projects",
        "documents/",
        "documents",
        "notices/",
        "notices",
        "funds/",
        "supervision/",
        "data/",
        "search/",
        "404.html",
    ] {
        assert!(
            kinds_seen.contains(kind),
            "no page of kind {kind}: {kinds_seen:?}"
        );
    }
    // Every list item shows when it was published.
    let docs = &all["documents/"].0;
    let doc_count = all
        .keys()
        .filter(|a| a.starts_with("documents/") && a.len() > 10)
        .count();
    assert_eq!(docs.matches("· 发布日期 <time").count(), doc_count);
    let list = &all["projects/"].0;
    assert!(list.contains("<th scope=\"col\">发布日期</th>"));
    for (address, day) in &published {
        let id = address
            .trim_start_matches("projects/")
            .trim_end_matches('/');
        let row = list.split(&format!("<tr data-id=\"{id}\"")).nth(1).unwrap();
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains(&format!("<td><time datetime=\"{day}\">")),
            "{id}: {row}"
        );
    }
    let notices = &all["notices/"].0;
    assert!(notices.contains("<th scope=\"col\">发布日期</th>"));
}

#[test]
fn the_conac_image_is_the_sites_own_file_and_its_absence_is_a_broken_link() {
    let site = Site::example();
    site.replace(
        "config.toml",
        "conac_id = \"00000000000000000000000000000000\"",
        "conac_id = \"00000000000000000000000000000000\"\nconac_image = \"conac.png\"",
    );
    // Without the file: the image would not load.
    let f = site.findings("2023-06-01");
    let b = only(&f, "broken-link");
    assert_eq!(
        (b.file.as_str(), b.field.as_deref()),
        ("config.toml", Some("publisher.conac_image"))
    );
    assert!(b.message.contains("conac.png"), "{}", b.message);
    // With it: shown in every footer, from the site itself.
    site.write("static/conac.png", b"\x89PNG\r\n\x1a\n");
    let run = site.build("2023-06-01", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let page = site.read("public/projects/cold-chain/index.html");
    assert!(
        page.contains("<img src=\"../../conac.png\" alt=\"党政机关网站标识\""),
        "{page}"
    );
    // An image from another site is refused however it is written.
    site.replace(
        "config.toml",
        "conac_image = \"conac.png\"",
        "conac_image = \"https://dcs.conac.cn/image/red.png\"",
    );
    let f = site.findings("2023-06-01");
    assert_eq!(
        only(&f, "invalid-value").field.as_deref(),
        Some("publisher.conac_image")
    );
}

// ---------------------------------------------------------------- registration numbers

#[test]
fn registration_numbers_and_channel_addresses_are_checked_against_their_formats() {
    let site = Site::from_fixture("spec-site");
    let with = |publisher: &str| {
        site.replace_all_publisher(publisher);
        site.findings("2023-06-01")
    };
    // Well-formed values: nothing to say.
    let f = with(IDENTIFICATION);
    assert!(f.is_empty(), "{f:#?}");
    // Each wrong one is an error at its line, with the format in the message.
    let f = with(
        "site_code = \"440232000\"\nicp = \"粤ICP备1234号\"\npolice_record = \"粤公网安备 11010502000123号\"\n",
    );
    let by_field = |field: &str| {
        f.iter()
            .find(|x| x.rule == "invalid-value" && x.field.as_deref() == Some(field))
            .unwrap_or_else(|| panic!("no invalid-value on {field}: {f:#?}"))
    };
    let icp = by_field("publisher.icp");
    assert!(
        icp.message
            .contains("省份简称 + ICP备 + 6 到 10 位数字 + 号"),
        "{}",
        icp.message
    );
    assert_eq!(icp.line, Some(10));
    let police = by_field("publisher.police_record");
    assert!(
        police.message.contains("前两位是省份的行政区划代码"),
        "{}",
        police.message
    );
    assert!(by_field("publisher.site_code").message.contains("10 位"));
    assert_eq!(f.iter().filter(|x| x.severity == "error").count(), 3);
    // Markup is no registration number either.
    let f = with("icp = \"<script>alert(1)</script>\"\n");
    assert_eq!(
        only(&f, "invalid-value").field.as_deref(),
        Some("publisher.icp")
    );
    // Typed with a Chinese input method: the fix follows from what was written.
    site.replace_all_publisher("icp = \"粤ＩＣＰ备１２３４５６７８号－１\"\n");
    let (_, json) = site.check_json("2023-06-01");
    let d = &json["diagnostics"][0];
    assert_eq!(
        d["fix"]["text"], "icp = \"粤ICP备12345678号-1\"",
        "{json:#}"
    );
    // Channel addresses: a web page, mailto: or tel:, nothing else.
    let edit = |url: &str| {
        let s = Site::from_fixture("spec-site");
        s.replace(
            "config.toml",
            "url = \"https://www.12388.gov.cn/\"",
            &format!("url = \"{url}\""),
        );
        s.findings("2023-06-01")
    };
    for ok in [
        "tel:0751-12388",
        "mailto:jubao@ruyuan.gov.cn",
        "https://www.12388.gov.cn/",
    ] {
        assert!(edit(ok).is_empty(), "{ok}");
    }
    for bad in [
        "www.12388.gov.cn",
        "ftp://www.12388.gov.cn/",
        "tel:",
        "javascript:alert(1)",
    ] {
        let f = edit(bad);
        let v = only(&f, "invalid-value");
        assert_eq!(
            v.field.as_deref(),
            Some("channels.discipline[1].url"),
            "{bad}"
        );
        assert!(
            v.message.contains("mailto:") && v.message.contains("tel:"),
            "{}",
            v.message
        );
    }
}

/// Well-formed identification for the spec fixture (fictional numbers).
const IDENTIFICATION: &str = "site_code = \"4402320000\"\nicp = \"粤ICP备2022000000号-1\"\npolice_record = \"粤公网安备 44023202000000号\"\nconac_id = \"0C2B1E16D38C3A39E053022819AC4A8B\"\n";

trait PublisherEdit {
    fn replace_all_publisher(&self, extra: &str);
}

impl PublisherEdit for Site {
    /// The spec fixture's `[publisher]` with `extra` lines after its address.
    fn replace_all_publisher(&self, extra: &str) {
        let original = common::fixture("spec-site").join("config.toml");
        let text = std::fs::read_to_string(original).unwrap();
        let at = "address = \"乳源瑶族自治县乳城镇\"\n";
        assert!(text.contains(at));
        self.write("config.toml", text.replacen(at, &format!("{at}{extra}"), 1));
    }
}

// ---------------------------------------------------------------- broken links

/// The spec fixture with `line` added to the project's body.
fn with_body_line(line: &str) -> Site {
    let site = Site::from_fixture("spec-site");
    site.replace(
        P,
        "required, not empty.",
        &format!("required, not empty.\n\n{line}"),
    );
    site
}

#[test]
fn a_link_to_a_page_that_is_not_there_stops_the_build_and_says_where_it_was_written() {
    let site = with_body_line("见[批复](../../documents/decision-2022-51/)。");
    let f = site.findings("2023-06-01");
    let b = only(&f, "broken-link");
    assert_eq!((b.file.as_str(), b.line), (P, Some(37)));
    assert!(
        b.message.contains("documents/decision-2022-51/"),
        "{}",
        b.message
    );
    assert_eq!(b.severity, "error");
    // `check` renders the pages in memory to find it, writes nothing, and fails as build does.
    assert_eq!(site.check_json("2023-06-01").0, 1);
    assert!(!site.path("public").exists());
    let run = site.build("2023-06-01", &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(!site.path("public").exists(), "nothing written");
    // The control: the right address builds.
    site.replace(P, "decision-2022-51", "decision-2022-15");
    assert!(site.findings("2023-06-01").is_empty());
    assert_eq!(site.build("2023-06-01", &[]).status.code(), Some(0));
}

#[test]
fn a_link_to_an_anchor_that_is_not_there() {
    let site = with_body_line("见[七月进度](#m-2022-13)和[八月进度](#m-2022-08)。");
    let f = site.findings("2023-06-01");
    let b = only(&f, "broken-link");
    assert!(
        b.message.contains("没有 id 为 “m-2022-13” 的位置"),
        "{}",
        b.message
    );
    assert_eq!(b.line, Some(37));
}

#[test]
fn a_link_to_a_file_that_is_not_there_and_the_same_link_once_the_file_is() {
    let dir = "content/projects/county-service-center";
    let site = with_body_line("![现场照片](现场.jpg) [验收报告](验收报告.pdf)");
    let f = site.findings("2023-06-01");
    let broken: Vec<&str> = f
        .iter()
        .filter(|x| x.rule == "broken-link")
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(broken.len(), 2, "{f:#?}");
    assert!(
        broken
            .iter()
            .any(|m| m.contains("projects/county-service-center/现场.jpg"))
    );
    site.write(&format!("{dir}/现场.jpg"), b"\xff\xd8\xff");
    site.write(&format!("{dir}/验收报告.pdf"), b"%PDF-1.4");
    assert!(site.findings("2023-06-01").is_empty());
    assert_eq!(site.build("2023-06-01", &[]).status.code(), Some(0));
}

#[test]
fn a_link_to_a_record_scheduled_later_is_broken_until_the_day_it_appears() {
    let site = with_body_line("验收结论见[验收报告](../../documents/acceptance/)。");
    site.write(
        "content/documents/acceptance.md",
        "+++\nkind = \"acceptance\"\ntitle = \"县级验收报告\"\nissuer = \"乳源瑶族自治县工业和信息化局\"\nissued = 2023-06-05\npublished = 2023-06-08\n+++\n验收合格。\n",
    );
    let f = site.findings("2023-06-07");
    let b = only(&f, "broken-link");
    assert!(
        b.message
            .contains("文件“县级验收报告”定于 2023年6月8日 发布"),
        "{}",
        b.message
    );
    assert!(
        site.findings("2023-06-08")
            .iter()
            .all(|x| x.rule != "broken-link")
    );
}

#[test]
fn links_in_fields_and_templates_point_at_their_source() {
    // A channel address inside the site that is not there: the field's line.
    let site = Site::from_fixture("spec-site");
    site.replace(
        "config.toml",
        "url = \"https://www.12388.gov.cn/\"",
        &format!("url = \"{BASE}/jubao/\""),
    );
    let f = site.findings("2023-06-01");
    let b = only(&f, "broken-link");
    assert_eq!(
        (b.file.as_str(), b.line, b.field.as_deref()),
        ("config.toml", Some(17), Some("channels.discipline[1].url"))
    );
    assert!(
        b.message.contains("等 "),
        "every page with channels: {}",
        b.message
    );
    // A theme's template linking to a page the site does not make: the template.
    let site = Site::from_fixture("spec-site");
    site.replace("config.toml", "theme = \"default\"", "theme = \"county\"");
    site.write(
        "themes/county/templates/supervision.html",
        "{% extends \"base.html\" %}{% block content %}<h1>监督举报</h1><p><a href=\"{{ page.root }}history/\">历史沿革</a></p>{% endblock content %}",
    );
    let f = site.findings("2023-06-01");
    let b = only(&f, "broken-link");
    assert_eq!(b.file, "themes/county/templates/supervision.html");
    assert!(b.message.contains("history/"), "{}", b.message);
}

#[test]
fn addresses_of_the_site_written_in_full_or_from_its_root_are_checked_too() {
    let site = with_body_line(&format!(
        "[实施方案]({BASE}/documents/implementation-plan/) [方案](/zl/dzsw/documents/implementation-plan/) [旧方案]({BASE}/documents/plan-2020/)"
    ));
    let f = site.findings("2023-06-01");
    let b = only(&f, "broken-link");
    assert!(b.message.contains("documents/plan-2020/"), "{}", b.message);
}

#[test]
fn links_to_other_websites_are_listed_not_judged() {
    let site = with_body_line("参见[商务部通知](https://www.mofcom.gov.cn/zcfb/)。");
    let out = site.run(&["check", "--links", "--as-of", "2023-06-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("https://www.mofcom.gov.cn/zcfb/"), "{text}");
    assert!(text.contains(&format!("{P}:37")), "{text}");
    assert!(
        text.contains("config.toml:17（channels.discipline[1].url）"),
        "{text}"
    );
    let out = site.run(&[
        "check",
        "--links",
        "--format",
        "json",
        "--as-of",
        "2023-06-01",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let urls: Vec<&str> = json["external_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["url"].as_str().unwrap())
        .collect();
    assert!(urls.contains(&"https://www.12388.gov.cn/"), "{urls:?}");
    assert!(
        urls.contains(&"https://www.mofcom.gov.cn/zcfb/"),
        "{urls:?}"
    );
    assert_eq!(json["errors"], 0);
}

#[test]
fn the_bundled_example_has_no_broken_link() {
    let site = Site::example();
    for as_of in ["2022-06-15", "2022-11-10", "2026-11-25"] {
        let f = site.findings(as_of);
        assert!(f.iter().all(|x| x.rule != "broken-link"), "{as_of}: {f:#?}");
    }
}

// ---------------------------------------------------------------- staleness and blank columns

fn stale(site: &Site, as_of: &str) -> Vec<common::Finding> {
    site.findings(as_of)
        .into_iter()
        .filter(|f| f.rule == "column-stale")
        .collect()
}

/// The spec fixture with its project still being built all summer: its June report was
/// published on 8 July and nothing since.
fn building() -> Site {
    let site = Site::from_fixture("spec-site");
    site.replace_all_publisher(IDENTIFICATION);
    site.replace(P, "completed = 2022-08-25", "completed = 2022-09-25");
    site.replace(P, "deadline = 2022-08-31", "deadline = 2022-09-30");
    site.replace(P, "accepted = 2023-02-20", "accepted = 2023-02-24");
    site
}

#[test]
fn two_weeks_idle_while_projects_are_built_13_days_then_14() {
    let site = building();
    // Default: warned four days early, from the tenth idle day.
    assert!(stale(&site, "2022-07-17").is_empty(), "9 days idle");
    let f = stale(&site, "2022-07-18");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].file.as_str(), f[0].line),
        (
            "content/projects/county-service-center/progress/2022-06.md",
            Some(2)
        )
    );
    assert!(f[0].message.contains("首页和项目清单"), "{}", f[0].message);
    assert!(
        f[0].message.contains("到 2022年7月22日 就满 14 天没有更新"),
        "{}",
        f[0].message
    );
    // Without the margin, the limit itself: 13 days idle is within it, 14 crosses it.
    site.replace(
        "config.toml",
        "strict = false",
        "strict = false\nstale_margin_days = 0",
    );
    assert!(stale(&site, "2022-07-21").is_empty(), "13 days idle");
    let f = stale(&site, "2022-07-22");
    assert_eq!(f.len(), 1, "14 days idle");
    assert!(
        f[0].message
            .contains("2022年7月22日 起已超过 14 天没有更新"),
        "{}",
        f[0].message
    );
    // The report of 8 August resets the count.
    assert!(stale(&site, "2022-08-08").is_empty());
    // The limit is the webmaster's to set.
    site.replace(
        "config.toml",
        "stale_margin_days = 0",
        "stale_margin_days = 0\nstale_days = 7",
    );
    let f = stale(&site, "2022-07-15");
    assert!(
        f[0].message.contains("2022年7月15日 起已超过 7 天"),
        "{}",
        f[0].message
    );
    assert!(stale(&site, "2022-07-14").is_empty());
}

#[test]
fn the_report_states_the_two_week_limit_at_13_and_14_days() {
    let site = building();
    let state = |as_of: &str| {
        let out = site.run(&[
            "check",
            "--spot-check",
            "--format",
            "json",
            "--as-of",
            as_of,
        ]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let home = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "home-not-updated")
            .unwrap()
            .clone();
        (
            out.status.code(),
            home["state"].clone(),
            home["date"].clone(),
        )
    };
    assert_eq!(
        state("2022-07-21"),
        (Some(0), "at-risk".into(), "2022-07-22".into()),
        "13 days idle: at risk, with the day it fails"
    );
    assert_eq!(
        state("2022-07-22"),
        (Some(1), "fail".into(), "2022-07-22".into()),
        "14 days idle: the veto"
    );
    assert_eq!(state("2022-07-15").1, "pass");
}

#[test]
fn six_months_for_notices_and_documents_and_nothing_once_the_programme_closed() {
    let site = Site::from_fixture("spec-site");
    site.replace("content/programme.toml", "closed = 2023-03-31\n", "");
    // The only notice was published on 11 May 2022: six months end on 11 November.
    let notices = |as_of: &str| -> Vec<common::Finding> {
        stale(&site, as_of)
            .into_iter()
            .filter(|f| f.file.starts_with("content/notices/"))
            .collect()
    };
    assert!(notices("2022-11-06").is_empty());
    let f = notices("2022-11-07");
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message
            .contains("到 2022年11月11日 就满 6 个月没有更新"),
        "{}",
        f[0].message
    );
    assert!(
        notices("2022-11-11")[0]
            .message
            .contains("2022年11月11日 起已超过 6 个月")
    );
    // Nothing is being built after August: the two-week limit does not apply.
    assert!(
        stale(&site, "2022-11-07")
            .iter()
            .all(|f| !f.message.contains("14 天")),
    );
    // A programme that has ended is a record, not a stale column.
    site.replace(
        "content/programme.toml",
        "prohibited_uses",
        "closed = 2022-11-01\nprohibited_uses",
    );
    assert!(stale(&site, "2022-11-20").is_empty());
    assert!(
        stale(&site, "2022-10-31").is_empty(),
        "fresh before closing too"
    );
}

#[test]
fn stale_settings_are_checked() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "config.toml",
        "strict = false",
        "strict = false\nstale_days = 14\nstale_margin_days = 14",
    );
    let f = site.findings("2023-06-01");
    let v = only(&f, "invalid-value");
    assert_eq!(v.field.as_deref(), Some("rules.stale_margin_days"));
    assert!(v.message.contains("0 到 13"), "{}", v.message);
}

#[test]
fn blank_columns_are_warned_one_by_one_and_scheduled_items_do_not_fill_them() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "content/notices/award-county-service-center.md",
        "published = 2022-05-11",
        "published = 2023-07-03",
    );
    site.replace(
        "content/notices/award-county-service-center.md",
        "public_until = 2022-05-12",
        "public_until = 2023-07-04",
    );
    let f = site.findings("2023-06-01");
    let e = only(&f, "column-empty");
    assert_eq!(e.file, "content/notices/");
    assert!(
        e.message
            .contains("有 1 条定时发布，最早的 2023年7月3日 才公开"),
        "{}",
        e.message
    );
    // Projects gone too: two blank columns, each its own warning, and the report counts them.
    site.remove("content/notices");
    site.remove("content/projects");
    let f = site.findings("2023-06-01");
    let blank: Vec<&str> = f
        .iter()
        .filter(|x| x.rule == "column-empty")
        .map(|x| x.file.as_str())
        .collect();
    assert_eq!(blank, ["content/notices/", "content/projects/"], "{f:#?}");
    let out = site.run(&[
        "check",
        "--spot-check",
        "--format",
        "json",
        "--as-of",
        "2023-06-01",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "blank-columns")
        .unwrap();
    // Two of the five that fail the whole website: at risk, not yet failed.
    assert_eq!(item["state"], "at-risk");
    assert_eq!(item["evidence"].as_array().unwrap().len(), 2);
}

// ---------------------------------------------------------------- the report

const ITEMS: &[&str] = &[
    "home-not-updated",
    "columns-not-updated",
    "columns-should-update",
    "blank-columns",
    "faked-dates",
    "no-online-channel",
    "news-updated",
    "notices-updated",
    "policy-updated",
    "broken-links",
    "publication-time",
    "page-metadata",
    "site-marks",
    "error-report-entry",
    "search-read-download",
    "gov-domain",
];

#[test]
fn the_report_on_the_bundled_example_inside_its_programme_lists_every_item_with_its_state() {
    let site = Site::example();
    // 20 December 2022: the last reports came on 7 December, the last document on 5 July (a
    // training notice, withdrawn ten days later: its publication was an update all the same),
    // so the policy column has until 5 January.
    let out = site.run(&[
        "check",
        "--spot-check",
        "--format",
        "json",
        "--as-of",
        "2022-12-20",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["as_of"], "2022-12-20");
    assert_eq!(json["verdict"], "at-risk");
    let items = json["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ITEMS);
    let state = |id: &str| {
        let i = items.iter().find(|i| i["id"] == id).unwrap();
        (
            i["state"].as_str().unwrap(),
            i["date"].as_str().unwrap_or(""),
        )
    };
    let expect = [
        ("home-not-updated", ("at-risk", "2022-12-21")),
        ("columns-not-updated", ("at-risk", "2022-12-21")),
        ("columns-should-update", ("pass", "")),
        ("blank-columns", ("pass", "")),
        ("faked-dates", ("pass", "")),
        ("no-online-channel", ("pass", "")),
        ("news-updated", ("at-risk", "2022-12-21")),
        ("notices-updated", ("pass", "")),
        ("policy-updated", ("pass", "")),
        ("broken-links", ("pass", "")),
        ("publication-time", ("pass", "")),
        ("page-metadata", ("pass", "")),
        ("site-marks", ("pass", "")),
        ("error-report-entry", ("pass", "")),
        ("search-read-download", ("pass", "")),
        ("gov-domain", ("pass", "")),
    ];
    for (id, want) in expect {
        assert_eq!(state(id), want, "{id}");
    }
    for i in items {
        assert!(["veto", "deduction"].contains(&i["group"].as_str().unwrap()));
        assert!(
            !i["title"].as_str().unwrap().is_empty() && !i["summary"].as_str().unwrap().is_empty()
        );
    }
    // The evidence names the file and the page that decide it.
    let home = &items[0]["evidence"][0];
    assert_eq!(
        home["file"],
        "content/projects/supply-chain/progress/2022-11.md"
    );
    assert_eq!(home["page"], "projects/supply-chain/#m-2022-11");
    assert_eq!(json["manual"].as_array().unwrap().len(), 5);
    // The text a webmaster hands on says the same.
    let out = site.run(&["check", "--spot-check", "--as-of", "2022-12-20"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "政府网站抽查自查表",
        "单项否决指标",
        "扣分指标",
        "[有风险，2022年12月21日 起不通过] 首页不更新",
        "[通过] 政策文件类栏目更新（政策文件）",
        "[通过] 网站标识",
        "content/projects/supply-chain/progress/2022-11.md:2 → projects/supply-chain/#m-2022-11",
        "需要人工核对",
    ] {
        assert!(text.contains(want), "{want} in:\n{text}");
    }
    // A week earlier nothing is at risk but the documents' six months ahead; on 5 November the
    // home page had been idle since 9 October: the veto, and a non-zero exit.
    let out = site.run(&[
        "check",
        "--spot-check",
        "--format",
        "json",
        "--as-of",
        "2022-11-05",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "fail");
    assert_eq!(json["items"][0]["state"], "fail");
    assert_eq!(json["items"][0]["date"], "2022-10-23");
    // Today the programme is over: every item passes.
    let out = site.run(&[
        "check",
        "--spot-check",
        "--format",
        "json",
        "--as-of",
        "2026-11-25",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "pass", "{json:#}");
}

#[test]
fn a_publication_date_before_its_own_document_is_a_faked_date_in_the_report() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "content/documents/decision-2022-15.md",
        "published = 2022-05-23",
        "published = 2022-05-19",
    );
    let out = site.run(&[
        "check",
        "--spot-check",
        "--format",
        "json",
        "--as-of",
        "2023-06-01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "faked-dates")
        .unwrap();
    assert_eq!(item["state"], "fail");
    assert_eq!(
        item["evidence"][0]["file"],
        "content/documents/decision-2022-15.md"
    );
    // Pages were not made: the items that read them say so instead of passing.
    let links = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "broken-links")
        .unwrap();
    assert_eq!(links["state"], "at-risk");
}

#[test]
fn a_site_without_identification_fails_those_items_and_says_what_to_add() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "config.toml",
        "base_url = \"https://www.ruyuan.gov.cn/zl/dzsw\"\n",
        "",
    );
    let out = site.run(&[
        "check",
        "--spot-check",
        "--format",
        "json",
        "--as-of",
        "2023-06-01",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = |id: &str| {
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(item("site-marks")["state"], "fail");
    assert!(
        item("site-marks")["summary"]
            .as_str()
            .unwrap()
            .contains("网站标识码、ICP 备案号、公安机关备案号、党政机关网站标识")
    );
    // Without base_url there is no SiteDomain or Url to write.
    assert_eq!(item("page-metadata")["state"], "fail");
    assert!(
        item("page-metadata")["summary"]
            .as_str()
            .unwrap()
            .contains("base_url")
    );
    assert_eq!(item("gov-domain")["state"], "at-risk");
    assert_eq!(item("error-report-entry")["state"], "at-risk");
    assert_eq!(json["verdict"], "deductions");
}
