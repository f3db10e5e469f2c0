//! Each rule of the foundation fires on bad input with the right file, line and field, and the
//! bundled example and the SPEC-written fixture are clean.

mod common;

use common::{Site, only};

const AS_OF: &str = "2023-06-01";
const PROJECT: &str = "content/projects/county-service-center/index.md";

#[test]
fn the_bundled_example_is_clean_today() {
    let site = Site::example();
    let today = gongkai::date::Date::today_in_china().to_string();
    let (code, json) = site.check_json(&today);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{json:#}");
}

#[test]
fn the_bundled_example_is_not_clean_when_a_project_was_overdue() {
    // The control for the test above: on 5 November 2022 one project was past its deadline.
    let site = Site::example();
    let (code, json) = site.check_json("2022-11-05");
    assert_eq!(code, 0, "{json:#}");
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"deadline-overdue"), "{json:#}");
}

#[test]
fn a_site_written_from_the_spec_is_clean() {
    let site = Site::from_fixture("spec-site");
    let (code, json) = site.check_json(AS_OF);
    assert_eq!(
        (code, json["errors"].as_u64(), json["warnings"].as_u64()),
        (0, Some(0), Some(0)),
        "{json:#}"
    );
}

#[test]
fn syntax_errors_name_line_column_and_what_to_write() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "responsible = \"邓志华\"",
        "responsible = “邓志华”",
    );
    let f = site.findings(AS_OF);
    let s = only(&f, "syntax");
    assert_eq!((s.file.as_str(), s.line), (PROJECT, Some(14)));
    // A file that does not parse reports nothing else.
    assert!(
        f.iter().all(|f| f.file != PROJECT || f.rule == "syntax"),
        "{f:#?}"
    );
    let text = common::stderr(&site.run(&["check", "--as-of", AS_OF]));
    assert!(text.contains("中文引号"), "{text}");
    assert!(text.contains("14 | responsible = “邓志华”"), "{text}");
    assert!(
        text.contains("第 14 行改成：responsible = \"邓志华\""),
        "{text}"
    );
}

#[test]
fn a_gb18030_file_is_named_as_such() {
    let site = Site::from_fixture("spec-site");
    let text = site.read(PROJECT);
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    site.write(PROJECT, gb.as_ref());
    let f = site.findings(AS_OF);
    let s = only(&f, "syntax");
    assert_eq!((s.file.as_str(), s.line), (PROJECT, Some(2)));
    assert!(
        s.message.contains("GB18030") && s.message.contains("UTF-8"),
        "{}",
        s.message
    );
}

#[test]
fn bom_and_crlf_are_accepted() {
    let site = Site::from_fixture("spec-site");
    let text = site.read(PROJECT).replace('\n', "\r\n");
    site.write(PROJECT, format!("\u{feff}{text}"));
    let (code, json) = site.check_json(AS_OF);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn front_matter_without_closing_line() {
    let site = Site::from_fixture("spec-site");
    site.write("content/documents/x.md", "+++\ntitle = \"x\"\n正文\n");
    let f = site.findings(AS_OF);
    assert_eq!(only(&f, "syntax").file, "content/documents/x.md");
}

#[test]
fn invalid_ids() {
    let site = Site::from_fixture("spec-site");
    site.write(
        "content/documents/县级方案.md",
        "+++\nkind = \"other\"\ntitle = \"t\"\nissued = 2022-01-01\npublished = 2022-01-02\n+++\n",
    );
    site.write(
        "content/projects/county-service-center/progress/2022-9.md",
        "+++\npublished = 2022-10-08\npercent = 100\n+++\n",
    );
    let f = site.findings(AS_OF);
    let ids: Vec<&str> = f
        .iter()
        .filter(|f| f.rule == "invalid-id")
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "content/documents/县级方案.md",
            "content/projects/county-service-center/progress/2022-9.md"
        ],
        "{f:#?}"
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let site = Site::from_fixture("spec-site");
    let doc = site.read("content/documents/fund-management.md");
    site.write("content/documents/2022/fund-management.md", doc);
    let f = site.findings(AS_OF);
    let d = only(&f, "duplicate-id");
    assert_eq!(d.file, "content/documents/fund-management.md");
    assert!(
        d.message
            .contains("content/documents/2022/fund-management.md"),
        "{}",
        d.message
    );
}

#[test]
fn required_fields_of_r1_r3_r4() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "responsible = \"邓志华\"                  # 承办单位责任人 (R1)\n",
        "",
    );
    site.replace(
        PROJECT,
        "建设内容和要求 (R1), in Markdown: required, not empty.\n",
        "\n",
    );
    site.replace(
        "content/programme.toml",
        "fund_rules = \"fund-management\"\n",
        "",
    );
    site.replace(
        "config.toml",
        "[[channels.audit]]\nname = \"县审计局\"\nphone = \"0751-5380000\"\n",
        "",
    );
    let f = site.findings(AS_OF);
    let got: Vec<(&str, Option<u64>, Option<&str>)> = f
        .iter()
        .filter(|f| f.rule == "required-field")
        .map(|f| (f.file.as_str(), f.line, f.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("config.toml", None, Some("channels.audit")),
            ("content/programme.toml", None, Some("fund_rules")),
            (PROJECT, Some(11), Some("contractor.responsible")),
            (PROJECT, Some(33), Some("body")),
        ],
        "{f:#?}"
    );
    assert!(f.iter().all(|f| f.severity == "error"));
}

#[test]
fn every_r1_field_is_required() {
    for (line, field) in [
        (
            "name = \"升级电商产业园和县级电子商务公共服务中心\"     # 项目名称 (R1)\n",
            "name",
        ),
        (
            "decision = \"decision-2022-15\"        # document id, kind \"decision\" (R1)\n",
            "decision",
        ),
        (
            "deadline = 2022-08-31                # 完成时限 (R1)\n",
            "deadline",
        ),
        (
            "name = \"韶关市瑶乡电子商务有限公司\"\ncredit_code",
            "contractor.name",
        ),
        (
            "[funding]                            # 扶持资金额度 (R1): amount per programme source id\ncentral = 150\n",
            "funding",
        ),
        (
            "[[targets]]                          # 绩效目标 (R1): at least one\nindicator = \"电商产业园入驻企业\"\ntarget = 10\nunit = \"家\"\n",
            "targets",
        ),
    ] {
        let site = Site::from_fixture("spec-site");
        let replacement = if field == "contractor.name" {
            "credit_code"
        } else {
            ""
        };
        site.replace(PROJECT, line, replacement);
        let f = site.findings(AS_OF);
        let missing = f
            .iter()
            .find(|f| f.rule == "required-field" && f.field.as_deref() == Some(field));
        assert!(
            missing.is_some_and(|m| m.file == PROJECT),
            "{field}: {f:#?}"
        );
    }
}

#[test]
fn invalid_values() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "content/projects/county-service-center/progress/2022-07.md",
        "percent = 80",
        "percent = 30",
    );
    site.replace(
        "content/projects/county-service-center/progress/2022-08.md",
        "percent = 100",
        "percent = 101",
    );
    site.replace(PROJECT, "deadline = 2022-08-31", "deadline = 2022-05-31");
    site.replace(PROJECT, "central = 150", "central = -150");
    site.replace(PROJECT, "start = 2022-06-01", "start = \"六月\"");
    let f = site.findings(AS_OF);
    let got: Vec<(&str, Option<u64>, Option<&str>)> = f
        .iter()
        .filter(|f| f.rule == "invalid-value")
        .map(|f| (f.file.as_str(), f.line, f.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "content/projects/county-service-center/index.md",
                Some(6),
                Some("start")
            ),
            (
                "content/projects/county-service-center/index.md",
                Some(18),
                Some("funding.central")
            ),
            (
                "content/projects/county-service-center/progress/2022-07.md",
                Some(3),
                Some("percent")
            ),
            (
                "content/projects/county-service-center/progress/2022-08.md",
                Some(3),
                Some("percent")
            ),
        ],
        "{f:#?}"
    );
}

#[test]
fn deadline_before_start() {
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "deadline = 2022-08-31", "deadline = 2022-05-31");
    let f = site.findings(AS_OF);
    let d = only(&f, "invalid-value");
    assert_eq!((d.line, d.field.as_deref()), (Some(7), Some("deadline")));
}

#[test]
fn unknown_references_and_wrong_kinds() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "decision = \"decision-2022-15\"",
        "decision = \"implementation-plan\"",
    );
    site.replace(
        PROJECT,
        "category = \"public-service\"",
        "category = \"cold-chain\"",
    );
    site.replace(
        "content/notices/award-county-service-center.md",
        "project = \"county-service-center\"",
        "project = \"county-centre\"",
    );
    let f = site.findings(AS_OF);
    let got: Vec<(&str, Option<u64>, Option<&str>)> = f
        .iter()
        .filter(|f| f.rule == "unknown-reference")
        .map(|f| (f.file.as_str(), f.line, f.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "content/notices/award-county-service-center.md",
                Some(3),
                Some("project")
            ),
            (PROJECT, Some(3), Some("category")),
            (PROJECT, Some(4), Some("decision")),
        ],
        "{f:#?}"
    );
    assert!(
        f.iter()
            .any(|f| f.message.contains("实施方案，不是决策文件")),
        "{f:#?}"
    );
}

#[test]
fn credit_code_check_character() {
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "91440232MA4UL7KX2K", "91440232MA4UL7KX2L");
    let f = site.findings(AS_OF);
    let c = only(&f, "credit-code");
    assert_eq!(
        (c.file.as_str(), c.line, c.field.as_deref()),
        (PROJECT, Some(13), Some("contractor.credit_code"))
    );
    assert!(c.message.contains("应为 K"), "{}", c.message);
}

#[test]
fn unsafe_content_names_file_and_line() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "建设内容和要求 (R1), in Markdown: required, not empty.\n",
        "建设内容。\n\n<script>alert(1)</script>\n\n[点这里](javascript:alert(1))\n",
    );
    let f = site.findings(AS_OF);
    let lines: Vec<Option<u64>> = f
        .iter()
        .filter(|f| f.rule == "unsafe-content")
        .map(|f| f.line)
        .collect();
    assert_eq!(lines, [Some(37), Some(39)], "{f:#?}");
}

#[test]
fn one_run_reports_everything_in_a_stable_order() {
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "91440232MA4UL7KX2K", "91440232MA4UL7KX2L");
    site.replace(
        "content/documents/decision-2022-15.md",
        "issued = 2022-05-20\n",
        "",
    );
    site.replace(
        "content/projects/county-service-center/progress/2022-08.md",
        "percent = 100",
        "percent = 10",
    );
    site.write("content/notices/Bad Name.md", "+++\n+++\n");
    let first = site.run(&["check", "--format", "json", "--as-of", AS_OF]);
    let second = site.run(&["check", "--format", "json", "--as-of", AS_OF]);
    assert_eq!(first.stdout, second.stdout);
    let f = site.findings(AS_OF);
    let rules: Vec<&str> = f.iter().map(|f| f.rule.as_str()).collect();
    for r in [
        "credit-code",
        "required-field",
        "invalid-value",
        "invalid-id",
    ] {
        assert!(rules.contains(&r), "{r} missing: {f:#?}");
    }
    let keys: Vec<(&str, Option<u64>)> = f.iter().map(|f| (f.file.as_str(), f.line)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

/// The JSON carries the keys of SPEC §4, and everything the text shows besides: the column,
/// the hint, the edit that fixes it, and related places.
#[test]
fn json_has_the_spec_keys_and_everything_the_text_shows() {
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "responsible = \"邓志华\"", "responsible = \"\"");
    let (code, json) = site.check_json(AS_OF);
    assert_eq!(code, 1);
    let top: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(top, ["as_of", "diagnostics", "errors", "warnings"]);
    assert_eq!(json["as_of"], AS_OF);
    let d = &json["diagnostics"][0];
    let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "column", "field", "file", "hint", "line", "message", "rule", "severity"
        ]
    );
    assert_eq!(d["rule"], "required-field");
    assert_eq!(d["field"], "contractor.responsible");
    assert_eq!(d["line"], 14);
    assert!(d["message"].as_str().unwrap().contains("承办单位责任人"));

    // A finding about two places, with a known fix.
    site.replace(PROJECT, "responsible = \"\"", "responsible = \"邓志华\"");
    site.replace(
        "content/projects/county-service-center/progress/2022-07.md",
        "disbursed = 45",
        "disbursed = 50",
    );
    let (_, json) = site.check_json(AS_OF);
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "money-mismatch", "{json:#}");
    assert_eq!(d["column"], 1);
    assert_eq!(d["related"][0]["file"], PROJECT);
    assert_eq!(d["fix"]["kind"], "replace");
    assert_eq!(d["fix"]["line"], 4);
    assert!(
        d["fix"]["text"]
            .as_str()
            .unwrap()
            .starts_with("disbursed = 45 ")
    );
    assert!(d["hint"].as_str().unwrap().contains("[[disbursements]]"));
}

#[test]
fn unknown_fields_are_warnings_that_name_the_field_meant() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "responsible = \"邓志华\"",
        "\"承办单位责任人\" = \"邓志华\"",
    );
    let f = site.findings(AS_OF);
    // A required field written under another name is one error, at that line.
    assert_eq!(f.len(), 1, "{f:#?}");
    let r = only(&f, "required-field");
    assert_eq!(r.field.as_deref(), Some("contractor.responsible"));
    assert_eq!((r.severity.as_str(), r.line), ("error", Some(14)));
    assert!(r.message.contains("承办单位责任人"), "{}", r.message);
    // A field that is not required stays a warning.
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "phone = \"0751-5312618\"",
        "fone = \"0751-5312618\"",
    );
    let f = site.findings(AS_OF);
    let w = only(&f, "unknown-field");
    assert_eq!((w.severity.as_str(), w.line), ("warning", Some(15)));
    assert!(w.message.contains("phone"), "{}", w.message);
}

#[test]
fn a_chinese_field_name_is_a_syntax_error_that_names_the_english_one() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "responsible = \"邓志华\"",
        "承办单位责任人 = \"邓志华\"",
    );
    let text = common::stderr(&site.run(&["check", "--as-of", AS_OF]));
    assert!(
        text.contains("error[syntax]") && text.contains(":14:"),
        "{text}"
    );
    assert!(text.contains("responsible"), "{text}");
}

#[test]
fn exit_codes() {
    let site = Site::from_fixture("spec-site");
    assert_eq!(
        site.run(&["check", "--as-of", AS_OF]).status.code(),
        Some(0)
    );
    assert_eq!(
        site.run(&["check", "--as-of", "2023-13-01"]).status.code(),
        Some(2),
        "bad date is a usage error"
    );
    let nowhere = std::process::Command::new(common::BIN)
        .args(["check", "--root", "/nonexistent/site"])
        .output()
        .unwrap();
    assert_eq!(nowhere.status.code(), Some(2));
    site.replace(PROJECT, "91440232MA4UL7KX2K", "91440232MA4UL7KX2L");
    assert_eq!(
        site.run(&["check", "--as-of", AS_OF]).status.code(),
        Some(1)
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "phone = \"0751-5312618\"",
        "fone = \"0751-5312618\"",
    );
    assert_eq!(
        site.run(&["check", "--as-of", AS_OF]).status.code(),
        Some(0)
    );
    assert_eq!(
        site.run(&["check", "--as-of", AS_OF, "--strict"])
            .status
            .code(),
        Some(1)
    );
    site.replace("config.toml", "strict = false", "strict = true");
    assert_eq!(
        site.run(&["check", "--as-of", AS_OF]).status.code(),
        Some(1)
    );
}
