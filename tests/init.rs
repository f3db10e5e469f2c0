//! `gongkai init` makes a site whose only findings, whatever day it is made, are its stand-ins
//! (××, 张三, 0000-0000000 …) for the county's own facts; filled in, it is clean.

mod common;

use std::process::Command;

use common::{BIN, Site};
use gongkai::date::Date;

/// Puts real-looking facts in place of the template's stand-ins, as a webmaster would.
fn fill_in(site: &std::path::Path) {
    for e in walkdir::WalkDir::new(site) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let filled = text
            .replace("××县", "乳源瑶族自治县")
            .replace(
                "××省××市××县××路××号",
                "广东省韶关市乳源瑶族自治县乳城镇鹰峰东路",
            )
            .replace("××电子商务有限公司", "乳源瑶族自治县瑶乡电子商务有限公司")
            .replace("××", "乳源")
            .replace("张三", "邓志华")
            .replace("0000-0000000", "0751-5383488")
            .replace("example.gov.cn", "ruyuan.gov.cn")
            .replace("91440232MA4W1K2X6M", "91440232MA4UL7KX2K");
        if filled != text {
            std::fs::write(e.path(), filled).unwrap();
        }
    }
}

#[test]
fn init_output_holds_only_its_stand_ins_on_any_day_of_two_years() {
    let mut day = Date::parse("2025-01-01").unwrap();
    while day <= Date::parse("2026-12-31").unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        gongkai::init::init(&site, day).unwrap();
        let opts = gongkai::Options {
            root: site,
            as_of: Some(day),
            strict: true,
            base_url: None,
            progress: Default::default(),
        };
        let checked = gongkai::check_site(&opts).unwrap();
        let d = &checked.report.diagnostics;
        assert!(
            !d.is_empty() && d.iter().all(|d| d.rule == "placeholder"),
            "{day}: {d:#?}"
        );
        fill_in(&opts.root);
        let checked = gongkai::check_site(&opts).unwrap();
        assert!(
            checked.report.diagnostics.is_empty(),
            "{day}: {:#?}",
            checked.report.diagnostics
        );
        day = day.add_days(11);
    }
}

#[test]
fn an_init_site_missing_a_report_is_not_clean() {
    // The control for the test above: the same check finds a monthly report taken away.
    let day = Date::parse("2025-06-02").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    gongkai::init::init(&site, day).unwrap();
    fill_in(&site);
    let progress = site.join("content/projects/county-service-center/progress");
    let first = std::fs::read_dir(&progress)
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    std::fs::remove_file(first).unwrap();
    let opts = gongkai::Options {
        root: site,
        as_of: Some(day),
        strict: true,
        base_url: None,
        progress: Default::default(),
    };
    let checked = gongkai::check_site(&opts).unwrap();
    assert!(
        checked
            .report
            .diagnostics
            .iter()
            .any(|d| d.rule == "progress-missing"),
        "{:#?}",
        checked.report.diagnostics
    );
}

#[test]
fn init_from_the_command_line_then_check_and_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("新站点");
    let out = Command::new(BIN).arg("init").arg(&site).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("占位内容"), "{stdout}");
    let site = Site::copy_of(&site);
    let (code, json) = site.check_json(&Date::today_in_china().to_string());
    assert_eq!(code, 1, "the stand-ins on R1 and R4 fields stop a build");
    assert_eq!(site.run(&["build"]).status.code(), Some(1));
    fill_in(site.root());
    let (code, json2) = site.check_json(&Date::today_in_china().to_string());
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(
        json2["diagnostics"].as_array().unwrap().len(),
        0,
        "{json2:#}"
    );
    assert_eq!(site.run(&["build"]).status.code(), Some(0));
    assert!(
        site.path("public/projects/county-service-center/index.html")
            .is_file()
    );
    // Every record kind has a commented example.
    for file in [
        "config.toml",
        "content/programme.toml",
        "content/projects/county-service-center/index.md",
        "content/notices/award-county-service-center.md",
    ] {
        assert!(site.read(file).contains('#'), "{file} is commented");
    }
    // It never writes into a folder that has something in it.
    let again = Command::new(BIN)
        .arg("init")
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}
