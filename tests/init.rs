//! `gongkai init` makes a site that passes `check` with no findings, whatever day it is made.

mod common;

use std::process::Command;

use common::{BIN, Site};
use gongkai::date::Date;

#[test]
fn init_output_is_clean_on_any_day_of_two_years() {
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
    let site = Site::copy_of(&site);
    let (code, json) = site.check_json(&Date::today_in_china().to_string());
    assert_eq!(code, 0);
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{json:#}");
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
