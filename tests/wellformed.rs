//! Every output is well-formed: each XML, JSON, CSV and HTML file of the built example — and of
//! a corpus whose every field holds the awkward characters people paste — parses, and carries
//! no character that XML forbids. Control characters are refused at load, with file, line and
//! column, so that no output carries them and none is silently different from another.

mod common;

use std::cell::RefCell;
use std::path::Path;

use common::{Site, only, stderr, tree};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

struct Errors(RefCell<Vec<String>>);

impl TokenSink for Errors {
    type Handle = ();
    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        if let Token::ParseError(e) = token {
            self.0.borrow_mut().push(format!("line {line}: {e}"));
        }
        TokenSinkResult::Continue
    }
}

fn html_errors(text: &str) -> Vec<String> {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(text));
    let opts = TokenizerOpts {
        exact_errors: true,
        ..Default::default()
    };
    let tokenizer = Tokenizer::new(Errors(RefCell::new(Vec::new())), opts);
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Parses every file of a built site by its kind; returns how many of each were checked.
fn assert_wellformed(out: &Path) -> [usize; 4] {
    let mut counts = [0; 4];
    for (rel, bytes) in tree(out) {
        let ext = rel.rsplit('.').next().unwrap_or("");
        if !matches!(ext, "xml" | "json" | "csv" | "html" | "txt" | "js" | "css") {
            continue;
        }
        let text = std::str::from_utf8(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if let Some(c) = text.chars().find(|c| {
            (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{fffe}' | '\u{ffff}')
        }) {
            panic!("{rel} carries U+{:04X}", c as u32);
        }
        match ext {
            "xml" => {
                roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{rel}: {e}"));
                counts[0] += 1;
            }
            "json" => {
                serde_json::from_str::<serde_json::Value>(text)
                    .unwrap_or_else(|e| panic!("{rel}: {e}"));
                counts[1] += 1;
            }
            "csv" => {
                let body = text.strip_prefix('\u{feff}').unwrap_or(text);
                let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
                let width = reader.headers().unwrap().len();
                for record in reader.records() {
                    let record = record.unwrap_or_else(|e| panic!("{rel}: {e}"));
                    assert_eq!(record.len(), width, "{rel}: {record:?}");
                }
                counts[2] += 1;
            }
            "html" => {
                let errors = html_errors(text);
                assert!(errors.is_empty(), "{rel}: {errors:?}");
                counts[3] += 1;
            }
            _ => {}
        }
    }
    counts
}

#[test]
fn every_file_of_the_built_example_parses() {
    let site = Site::example();
    let out = site.path("public");
    let run = site.build("2026-11-25", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let [xml, json, csv, html] = assert_wellformed(&out);
    assert!(
        xml >= 2 && json >= 2 && csv >= 4 && html >= 30,
        "{xml} {json} {csv} {html}"
    );
}

/// Characters people paste that are valid everywhere: they must come out intact and every
/// output must still parse.
const AWKWARD: &str = "A&B <b>粗</b> \"引\" '号' ]]> <![CDATA[x]]> \u{2028}分\u{2029}段 \u{200b}零宽 \u{202e}反向 \u{fffd} 😀 \t制表";

const PROJECT: &str = "content/projects/county-service-center/index.md";
const REPORT: &str = "content/projects/county-service-center/progress/2022-07.md";

#[test]
fn a_corpus_of_awkward_text_in_every_field_builds_well_formed_outputs() {
    let site = Site::from_fixture("spec-site");
    let toml = AWKWARD.replace('"', "\\\"").replace('\t', "\\t");
    site.replace(
        PROJECT,
        "name = \"升级电商产业园和县级电子商务公共服务中心\"",
        &format!("name = \"升级电商产业园{toml}\""),
    );
    site.replace(
        PROJECT,
        "responsible = \"邓志华\"",
        &format!("responsible = \"张建平{toml}\""),
    );
    site.replace(
        PROJECT,
        "purpose = \"服务中心装修工程首期款\"",
        &format!("purpose = \"装修{toml}\""),
    );
    site.replace(
        PROJECT,
        "required, not empty.",
        &format!(
            "required, not empty. {AWKWARD}\n\n| 表 | {} |\n|---|---|\n| 1 | 2 |\n",
            AWKWARD.replace('|', "\\|")
        ),
    );
    site.replace(
        "config.toml",
        "title = \"乳源瑶族自治县电子商务进农村综合示范专栏\"",
        &format!("title = \"乳源专栏{toml}\""),
    );
    site.replace(
        REPORT,
        "What was done this month, problems found, next steps.",
        &format!("七月 {AWKWARD}"),
    );
    let run = site.build("2022-09-01", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = site.path("public");
    assert_wellformed(&out);
    let page = site.read("public/projects/county-service-center/index.html");
    assert!(page.contains("]]&gt;") && page.contains("😀") && page.contains("\u{2028}"));
    let feed = site.read("public/feed.xml");
    assert!(feed.contains("乳源专栏A&amp;B"), "{feed}");
    let csv = site.read("public/data/projects.csv");
    assert!(csv.contains("张建平A&B"), "{csv}");
}

#[test]
fn control_characters_are_refused_at_load_with_line_and_column() {
    let cases: [(&str, &str, &str, &str, u64); 5] = [
        // A Word soft line break pasted into a body.
        (REPORT, "next steps.", "next\u{b}steps.", "U+000B", 9),
        // A NUL in a body.
        (
            PROJECT,
            "required, not empty.",
            "required,\u{0} not empty.",
            "U+0000",
            35,
        ),
        // A noncharacter in a field.
        (
            PROJECT,
            "name = \"升级",
            "name = \"\u{ffff}升级",
            "U+FFFF",
            2,
        ),
        // An escape sequence in a TOML string: a finding on the field.
        (
            PROJECT,
            "responsible = \"邓志华\"",
            "responsible = \"邓志华\\u000B\"",
            "U+000B",
            14,
        ),
        // A terminal escape in the config.
        (
            "config.toml",
            "title = \"乳源",
            "title = \"\u{1b}[2J乳源",
            "U+001B",
            1,
        ),
    ];
    for (file, from, to, named, line) in cases {
        let site = Site::from_fixture("spec-site");
        assert_eq!(site.build("2022-09-01", &[]).status.code(), Some(0));
        let before = tree(&site.path("public"));
        site.replace(file, from, to);
        let findings = site.findings("2022-09-01");
        let rule = if to.contains("\\u000B") {
            "invalid-value"
        } else {
            "syntax"
        };
        let f = only(&findings, rule);
        assert_eq!(
            (f.file.as_str(), f.line),
            (file, Some(line)),
            "{findings:#?}"
        );
        assert!(f.message.contains(named), "{}", f.message);
        let run = site.build("2022-09-01", &[]);
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        // Shown on the terminal as a visible symbol, never as the character itself.
        assert!(
            !stderr(&run).contains(['\u{b}', '\u{0}', '\u{1b}']),
            "{}",
            stderr(&run)
        );
        assert_eq!(
            tree(&site.path("public")),
            before,
            "the output is unchanged"
        );
    }
}
