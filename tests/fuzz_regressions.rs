//! Inputs the fuzz targets (`fuzz/`) stopped on, kept as tests through the whole program.

mod common;

use common::{Site, only, stderr};

const PROJECT: &str = "content/projects/county-service-center/index.md";

/// `fuzz/` target `markdown`: a character reference without its semicolon inside raw HTML
/// (`&#5o`) came out of the sanitiser as a raw U+0005, which no page or feed may hold. It is
/// reported where it is written, and never emitted.
#[test]
fn a_character_reference_to_a_control_character_in_raw_html() {
    let input = "<div><b>x</b>><b>x\\n/***v><b>x</b>><b>x<\n&#5o\n&#F****\n* n\n";
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "required, not empty.",
        &format!("required, not empty.\n\n{input}"),
    );
    let findings = site.findings("2022-09-01");
    let f = only(&findings, "unsafe-content");
    assert_eq!(f.file, PROJECT);
    assert!(f.message.contains("U+0005"), "{}", f.message);
    let run = site.build("2022-09-01", &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
}

/// `fuzz/` target `markdown`, first run: the target took the words `javascript:` in running
/// text for a script address. Text is text: it renders, escaped, and no finding is raised.
#[test]
fn the_word_javascript_in_running_text() {
    let input = "\n组织赴韶关市电商javascript:产业园游学 1 期；孵化主体 4 家开店运营。\n";
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "required, not empty.",
        &format!("required, not empty.\n{input}"),
    );
    let run = site.build("2022-09-01", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        site.read("public/projects/county-service-center/index.html")
            .contains("电商javascript:产业园游学")
    );
}
