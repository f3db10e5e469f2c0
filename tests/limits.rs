//! Amounts and dates have domain limits, judged at load and at import: an amount beyond any
//! programme's scale, more decimals than reach the 分, a year outside 2000–2100 are
//! `invalid-value` findings with file, line and field — never a panic, never a silent rounding.

mod common;

use common::{Finding, Site, stderr};

const AS_OF: &str = "2022-09-01";
const PROJECT: &str = "content/projects/county-service-center/index.md";
const NOTICE: &str = "content/notices/award-county-service-center.md";

/// Checks and builds: both exit 1 (content errors), never 101 (a panic).
fn findings_without_panic(site: &Site) -> Vec<Finding> {
    let check = site.run(&["check", "--as-of", AS_OF]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let build = site.build(AS_OF, &[]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert!(!stderr(&build).contains("panicked"), "{}", stderr(&build));
    site.findings(AS_OF)
}

fn invalid<'a>(findings: &'a [Finding], file: &str, field: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.rule == "invalid-value" && f.file == file && f.field.as_deref() == Some(field))
        .unwrap_or_else(|| panic!("no invalid-value on {file} {field}: {findings:#?}"))
}

#[test]
fn amounts_near_the_decimal_limit_are_invalid_values_not_panics() {
    let site = Site::from_fixture("spec-site");
    site.replace("content/programme.toml", "amount = 1000", "amount = 7.9e28");
    site.replace(
        PROJECT,
        "central = 150",
        "central = \"79228162514264337593543950335\"",
    );
    site.replace(NOTICE, "amount = 150 ", "amount = 7e28 ");
    let f = findings_without_panic(&site);
    let source = invalid(&f, "content/programme.toml", "sources[1].amount");
    assert_eq!(source.line, Some(12));
    assert!(source.message.contains("1 万亿"), "{}", source.message);
    assert_eq!(invalid(&f, PROJECT, "funding.central").line, Some(18));
    assert_eq!(invalid(&f, NOTICE, "amount").line, Some(9));
}

#[test]
fn more_decimals_than_the_unit_allows_are_invalid_not_rounded() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "amount = 45\n",
        "amount = 0.00000000000000000000000000001\n",
    );
    site.replace(PROJECT, "central = 150", "central = 150.0000001");
    let f = findings_without_panic(&site);
    let tiny = invalid(&f, PROJECT, "disbursements[1].amount");
    assert!(tiny.message.contains("29 位小数"), "{}", tiny.message);
    let seven = invalid(&f, PROJECT, "funding.central");
    assert!(seven.message.contains("最多 6 位"), "{}", seven.message);
    // In 元 an amount reaches the 分 with two decimals.
    let site = Site::from_fixture("spec-site");
    site.replace("content/programme.toml", "unit = \"万元\"", "unit = \"元\"");
    site.replace(PROJECT, "central = 150", "central = 150.001");
    let f = site.findings(AS_OF);
    let fen = invalid(&f, PROJECT, "funding.central");
    assert!(
        fen.message.contains("以元为单位最多 2 位"),
        "{}",
        fen.message
    );
    // Trailing zeros are no precision: 150.000000000 万元 is 150 万元.
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "central = 150", "central = 150.000000000");
    assert!(
        site.findings(AS_OF)
            .iter()
            .all(|f| f.rule != "invalid-value"),
    );
}

#[test]
fn years_outside_2000_to_2100_are_invalid_values() {
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "deadline = 2022-08-31", "deadline = 0202-08-31");
    site.replace("content/programme.toml", "year = 2021", "year = 20210");
    site.write(
        "content/projects/county-service-center/progress/1899-12.md",
        "+++\npublished = 2022-07-08\npercent = 0\n+++\n说明\n",
    );
    let f = site.findings(AS_OF);
    let deadline = invalid(&f, PROJECT, "deadline");
    assert!(
        deadline.message.contains("2000 到 2100"),
        "{}",
        deadline.message
    );
    invalid(&f, "content/programme.toml", "year");
    assert!(
        f.iter().any(|x| x.rule == "invalid-id"
            && x.file == "content/projects/county-service-center/progress/1899-12.md"),
        "{f:#?}"
    );
    let out = site.run(&["check", "--as-of", "1899-12-31"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn import_applies_the_same_limits() {
    let site = Site::from_fixture("spec-site");
    site.write(
        "ledger.csv",
        "项目编号,项目名称,扶持资金（万元）,开工日期,公开日期\n\
         a-one,甲,7.9e28,2022-06-01,2022-05-30\n\
         a-two,乙,0.00000000000000000000000000001,2022-06-01,2022-05-30\n\
         a-three,丙,95,1899-12-31,2022-05-30\n\
         a-four,丁,95.5,2022-06-01,2022-05-30\n",
    );
    let path = site.path("ledger.csv");
    let out = site.run(&["import", "projects", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(
        text.contains("第 2 行：无法读取：扶持资金“7.9e28”超出"),
        "{text}"
    );
    assert!(text.contains("第 3 行：无法读取：扶持资金"), "{text}");
    assert!(
        text.contains("第 4 行：无法读取：开工日期“1899-12-31”"),
        "{text}"
    );
    assert!(text.contains("3 行无法读取"), "{text}");
    assert!(site.path("content/projects/a-four/index.md").is_file());
    for bad in ["a-one", "a-two", "a-three"] {
        assert!(!site.path(&format!("content/projects/{bad}")).exists());
    }
}
