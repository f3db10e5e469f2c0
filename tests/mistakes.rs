//! Real mistakes webmasters make, each caught once, with an edit that fixes it: every case is
//! made in the SPEC fixture (clean as it stands), checked, every edit the tool offers is
//! applied, and the site must then be clean again — the finding gone and nothing new.

mod common;

use common::Site;

const AS_OF: &str = "2023-06-01";
const P: &str = "content/projects/county-service-center/index.md";
const REPORT: &str = "content/projects/county-service-center/progress/2022-07.md";
const NOTICE: &str = "content/notices/award-county-service-center.md";
const PROGRAMME: &str = "content/programme.toml";
const CONFIG: &str = "config.toml";
const DOC: &str = "content/documents/decision-2022-15.md";

/// (what the webmaster did, file, text as it was, text as typed)
const MISTAKES: &[(&str, &str, &str, &str)] = &[
    (
        "Chinese quotes",
        P,
        "responsible = \"邓志华\"",
        "responsible = “邓志华”",
    ),
    (
        "Chinese quotes, one side",
        P,
        "name = \"韶关市瑶乡电子商务有限公司\"",
        "name = “韶关市瑶乡电子商务有限公司\"",
    ),
    (
        "full-width equals",
        P,
        "published = 2022-05-30",
        "published ＝ 2022-05-30",
    ),
    (
        "full-width colon for equals",
        P,
        "deadline = 2022-08-31",
        "deadline：2022-08-31",
    ),
    (
        "full-width brackets on a header",
        P,
        "[contractor]",
        "【contractor】",
    ),
    (
        "full-width comma in a list",
        PROGRAMME,
        "[\"征地拆迁\", \"人员经费\", \"网络交易平台购买流量\"]",
        "[\"征地拆迁\"，\"人员经费\"，\"网络交易平台购买流量\"]",
    ),
    (
        "full-width comma in an inline table",
        PROGRAMME,
        "allocations = { central = 650, county = 120 }",
        "allocations = { central = 650，county = 120 }",
    ),
    ("amount with 万元", P, "central = 150", "central = 150万元"),
    (
        "amount with 万元 and a space",
        P,
        "amount = 45",
        "amount = 45 万元",
    ),
    (
        "amount quoted with its unit",
        P,
        "central = 150",
        "central = \"150万元\"",
    ),
    ("amount in yuan", P, "amount = 45", "amount = 450000元"),
    (
        "thousands separator",
        PROGRAMME,
        "amount = 1000",
        "amount = 1,000",
    ),
    ("full-width digits", P, "central = 150", "central = １５０"),
    ("percent sign", REPORT, "percent = 80", "percent = 80%"),
    (
        "percent quoted with its sign",
        REPORT,
        "percent = 80",
        "percent = \"80%\"",
    ),
    (
        "percent in Chinese quotes",
        REPORT,
        "percent = 80",
        "percent = “80”",
    ),
    (
        "date with slashes",
        REPORT,
        "published = 2022-08-08",
        "published = 2022/8/8",
    ),
    (
        "date in Chinese",
        REPORT,
        "published = 2022-08-08",
        "published = 2022年8月8日",
    ),
    (
        "date with dots, quoted",
        REPORT,
        "published = 2022-08-08",
        "published = \"2022.08.08\"",
    ),
    (
        "date without leading zeros",
        P,
        "deadline = 2022-08-31",
        "deadline = 2022-8-31",
    ),
    (
        "date as digits",
        NOTICE,
        "event = 2022-05-10",
        "event = 20220510",
    ),
    (
        "date in Chinese on a notice",
        NOTICE,
        "published = 2022-05-11",
        "published = 2022年5月11日",
    ),
    (
        "document date with slashes",
        DOC,
        "issued = 2022-05-20",
        "issued = 2022/05/20",
    ),
    (
        "text without quotes",
        NOTICE,
        "supplier = \"韶关市瑶乡电子商务有限公司\"",
        "supplier = 韶关市瑶乡电子商务有限公司",
    ),
    (
        "phone without quotes",
        P,
        "phone = \"0751-5312618\"",
        "phone = 0751-5312618",
    ),
    (
        "credit code without quotes",
        P,
        "credit_code = \"91440232MA4UL7KX2K\"",
        "credit_code = 91440232MA4UL7KX2K",
    ),
    (
        "field name in Chinese",
        P,
        "responsible = \"邓志华\"",
        "承办单位责任人 = \"邓志华\"",
    ),
    (
        "top-level field name in Chinese",
        P,
        "deadline = 2022-08-31",
        "完成时限 = 2022-08-31",
    ),
    (
        "misspelt field",
        P,
        "phone = \"0751-5312618\"",
        "phnoe = \"0751-5312618\"",
    ),
    (
        "misspelt field, another",
        P,
        "responsible = \"邓志华\"",
        "responsable = \"邓志华\"",
    ),
    (
        "kind in Chinese",
        NOTICE,
        "kind = \"award\"",
        "kind = \"中标结果公告\"",
    ),
    (
        "kind in capitals",
        DOC,
        "kind = \"decision\"",
        "kind = \"Decision\"",
    ),
    ("year quoted", PROGRAMME, "year = 2021", "year = \"2021\""),
    (
        "due day quoted",
        CONFIG,
        "progress_due_day = 10",
        "progress_due_day = \"10\"",
    ),
    (
        "report total out of step",
        REPORT,
        "disbursed = 45",
        "disbursed = 50",
    ),
    (
        "missing closing quote",
        P,
        "name = \"韶关市瑶乡电子商务有限公司\"",
        "name = \"韶关市瑶乡电子商务有限公司",
    ),
    (
        "YAML front matter",
        REPORT,
        "+++\npublished",
        "---\npublished",
    ),
];

/// Applies every edit the tool offers, file by file, from the bottom up.
fn apply_fixes(site: &Site, json: &serde_json::Value) -> usize {
    let mut by_file: std::collections::BTreeMap<String, Vec<gongkai::diag::Fix>> =
        Default::default();
    for d in json["diagnostics"].as_array().unwrap() {
        if let Some(fix) = d.get("fix") {
            let fix = match fix["kind"].as_str().unwrap() {
                "replace" => gongkai::diag::Fix::Replace {
                    line: fix["line"].as_u64().unwrap() as u32,
                    text: fix["text"].as_str().unwrap().to_string(),
                },
                "insert" => gongkai::diag::Fix::Insert {
                    line: fix["line"].as_u64().unwrap() as u32,
                    text: fix["text"].as_str().unwrap().to_string(),
                },
                _ => gongkai::diag::Fix::Delete {
                    line: fix["line"].as_u64().unwrap() as u32,
                },
            };
            by_file
                .entry(d["file"].as_str().unwrap().to_string())
                .or_default()
                .push(fix);
        }
    }
    let mut applied = 0;
    for (file, mut fixes) in by_file {
        let line = |f: &gongkai::diag::Fix| match f {
            gongkai::diag::Fix::Replace { line, .. }
            | gongkai::diag::Fix::Insert { line, .. }
            | gongkai::diag::Fix::Delete { line } => *line,
        };
        fixes.sort_by_key(|f| std::cmp::Reverse(line(f)));
        let mut text = site.read(&file);
        for f in fixes {
            text = f.apply(&text);
            applied += 1;
        }
        site.write(&file, text);
    }
    applied
}

#[test]
fn every_mistake_is_one_finding_whose_fix_works() {
    assert!(MISTAKES.len() >= 30);
    let mut failures = Vec::new();
    for (what, file, good, bad) in MISTAKES {
        let site = Site::from_fixture("spec-site");
        let original = site.read(file);
        site.replace(file, good, bad);
        let (_, json) = site.check_json(AS_OF);
        let findings = json["diagnostics"].as_array().unwrap();
        if findings.is_empty() {
            failures.push(format!("{what}: not found"));
            continue;
        }
        if findings.len() > 1 {
            failures.push(format!(
                "{what}: {} findings for one mistake: {json:#}",
                findings.len()
            ));
            continue;
        }
        // Apply the fixes, up to twice (a fix may uncover the next line of the same mistake).
        let mut rounds = 0;
        let mut json = json;
        while rounds < 2 && !json["diagnostics"].as_array().unwrap().is_empty() {
            if apply_fixes(&site, &json) == 0 {
                break;
            }
            rounds += 1;
            json = site.check_json(AS_OF).1;
        }
        let left = json["diagnostics"].as_array().unwrap();
        if !left.is_empty() {
            failures.push(format!("{what}: after the fixes: {json:#}"));
            continue;
        }
        // The fix means what was meant: the file reads as it did (comments' spacing aside).
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        if squash(&site.read(file)) != squash(&original) {
            failures.push(format!(
                "{what}: fixed differently:\n{}\n---\n{}",
                site.read(file),
                original
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} mistakes not fixed:\n{}",
        failures.len(),
        MISTAKES.len(),
        failures.join("\n\n")
    );
}

#[test]
fn hints_never_make_up_a_value() {
    // Required fields left out: the hint says what to look up, and offers no name, number or
    // date of its own.
    for (file, line) in [
        (P, "responsible = \"邓志华\""),
        (P, "name = \"升级电商产业园和县级电子商务公共服务中心\""),
        (P, "deadline = 2022-08-31"),
        (P, "central = 150"),
        (REPORT, "percent = 80"),
        (NOTICE, "supplier = \"韶关市瑶乡电子商务有限公司\""),
    ] {
        let site = Site::from_fixture("spec-site");
        let text = site.read(file);
        let without: String = text
            .lines()
            .filter(|l| !l.starts_with(line))
            .map(|l| format!("{l}\n"))
            .collect();
        site.write(file, without);
        let (_, json) = site.check_json(AS_OF);
        for d in json["diagnostics"].as_array().unwrap() {
            let hint = d["hint"].as_str().unwrap_or("");
            // Ranges and the form of a date are rules, not values.
            let rest = hint.replace("0 到 100", "").replace("2022-06-30 这样", "");
            assert!(
                !rest.chars().any(|c| c.is_ascii_digit()),
                "{line}: a number in {hint}"
            );
            for sample in ["张三", "李四", "××", "某某"] {
                assert!(!hint.contains(sample), "{line}: {sample} in {hint}");
            }
            assert!(
                d.get("fix").is_none(),
                "{line}: a fix that would make a value up"
            );
        }
    }
}
