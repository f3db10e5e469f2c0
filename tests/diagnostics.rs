//! The exact text webmasters read, for one finding of every rule (snapshots in
//! tests/snapshots/; review changes with `cargo insta review`, or delete and re-run).

mod common;

use common::Site;

const P: &str = "content/projects/county-service-center/index.md";
const REPORT: &str = "content/projects/county-service-center/progress/2022-07.md";
const NOTICE: &str = "content/notices/award-county-service-center.md";

/// What `check` prints; for templates, which only a build renders, what `build` prints.
fn text(site: &Site, as_of: &str, rules: &[&str]) -> String {
    let out = if rules.contains(&"template") {
        site.run(&["build", "--as-of", as_of, "--output", "out"])
    } else {
        site.run(&["check", "--as-of", as_of])
    };
    String::from_utf8(out.stderr).unwrap()
}

/// Starts the fixture's ledger as `ledger init` does on 1 June 2023.
fn adopt(s: &Site) {
    let out = s.run(&["ledger", "init", "--as-of", "2023-06-01"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

/// (snapshot name, as-of date, the rules it must show, edit of the SPEC fixture)
type Case = (
    &'static str,
    &'static str,
    &'static [&'static str],
    fn(&Site),
);

const CASES: &[Case] = &[
    ("syntax", "2023-06-01", &["syntax"], |s| {
        s.replace(P, "responsible = \"邓志华\"", "responsible = “邓志华”")
    }),
    (
        "syntax-chinese-field-name",
        "2023-06-01",
        &["syntax"],
        |s| s.replace(P, "responsible = \"邓志华\"", "承办单位责任人 = \"邓志华\""),
    ),
    ("syntax-encoding", "2023-06-01", &["syntax"], |s| {
        let text = s.read(NOTICE);
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        s.write(NOTICE, gb.as_ref());
    }),
    ("invalid-id", "2023-06-01", &["invalid-id"], |s| {
        s.write("content/notices/中标公告.md", s.read(NOTICE))
    }),
    ("duplicate-id", "2023-06-01", &["duplicate-id"], |s| {
        s.write(
            "content/documents/2022/fund-management.md",
            s.read("content/documents/fund-management.md"),
        )
    }),
    ("required-field", "2023-06-01", &["required-field"], |s| {
        s.replace(
            P,
            "responsible = \"邓志华\"                  # 承办单位责任人 (R1)\n",
            "",
        )
    }),
    (
        "required-field-table",
        "2023-06-01",
        &["required-field"],
        |s| {
            s.replace(P, "[funding]                            # 扶持资金额度 (R1): amount per programme source id\ncentral = 150\n", "")
        },
    ),
    ("invalid-value", "2023-06-01", &["invalid-value"], |s| {
        s.replace(REPORT, "percent = 80", "percent = 30")
    }),
    (
        "unknown-reference",
        "2023-06-01",
        &["unknown-reference"],
        |s| {
            s.replace(
                P,
                "decision = \"decision-2022-15\"",
                "decision = \"decision-2022-51\"",
            )
        },
    ),
    ("credit-code", "2023-06-01", &["credit-code"], |s| {
        s.replace(P, "91440232MA4UL7KX2K", "91440232MA4UL7KX2L")
    }),
    ("unsafe-content", "2023-06-01", &["unsafe-content"], |s| {
        s.replace(
            P,
            "required, not empty.",
            "required, not empty.\n\n<img src=x onerror=alert(1)>",
        )
    }),
    (
        "fund-sum-mismatch",
        "2023-06-01",
        &["fund-sum-mismatch"],
        |s| {
            s.replace(
                "content/programme.toml",
                "shares = { central = \"35%\" }",
                "shares = { central = \"36%\" }",
            )
        },
    ),
    ("fund-overrun", "2023-06-01", &["fund-overrun"], |s| {
        s.replace(P, "central = 150", "central = 40")
    }),
    ("prohibited-use", "2023-06-01", &["prohibited-use"], |s| {
        s.replace(P, "服务中心装修工程首期款", "运营团队人员经费")
    }),
    (
        "duplicate-village-and-route",
        "2023-06-01",
        &["duplicate-village", "duplicate-route"],
        |s| {
            let other = s
                .read(P)
                .replace("韶关市瑶乡电子商务有限公司", "韶关市另一家公司")
                .replace("central = 150", "central = 100");
            s.write("content/projects/second/index.md", other);
            for month in ["2022-06", "2022-07", "2022-08"] {
                let report = s.read(&format!(
                    "content/projects/county-service-center/progress/{month}.md"
                ));
                s.write(
                    &format!("content/projects/second/progress/{month}.md"),
                    report,
                );
            }
        },
    ),
    (
        "contractor-mismatch",
        "2023-06-01",
        &["contractor-mismatch"],
        |s| {
            s.replace(
                NOTICE,
                "supplier = \"韶关市瑶乡电子商务有限公司\"",
                "supplier = \"韶关市瑶乡电商有限公司\"",
            )
        },
    ),
    (
        "progress-missing",
        "2023-06-01",
        &["progress-missing"],
        |s| s.remove(REPORT),
    ),
    ("progress-late", "2023-06-01", &["progress-late"], |s| {
        s.replace(REPORT, "published = 2022-08-08", "published = 2022-08-15")
    }),
    (
        "publication-late",
        "2023-06-01",
        &["publication-late"],
        |s| s.replace(P, "published = 2022-05-30", "published = 2022-07-01"),
    ),
    ("notice-window", "2023-06-01", &["notice-window"], |s| {
        s.replace(NOTICE, "published = 2022-05-11", "published = 2022-05-16");
        s.replace(
            NOTICE,
            "public_until = 2022-05-12",
            "public_until = 2022-05-17",
        );
    }),
    (
        "deadline-overdue",
        "2022-09-15",
        &["deadline-overdue"],
        |s| s.replace(P, "completed = 2022-08-25", "completed = 2022-09-30"),
    ),
    ("unknown-field", "2023-06-01", &["unknown-field"], |s| {
        s.replace(P, "phone = \"0751-5312618\"", "phnoe = \"0751-5312618\"")
    }),
    ("money-mismatch", "2023-06-01", &["money-mismatch"], |s| {
        s.replace(REPORT, "disbursed = 45", "disbursed = 50")
    }),
    ("date-order", "2023-06-01", &["date-order"], |s| {
        s.replace(P, "completed = 2022-08-25", "completed = 2022-05-25")
    }),
    ("placeholder", "2023-06-01", &["placeholder"], |s| {
        s.replace(P, "responsible = \"邓志华\"", "responsible = \"张三\"")
    }),
    ("calendar-year", "2027-01-06", &["calendar-year"], |s| {
        // Its 20 working days run into 2027, whose holidays were not yet announced.
        s.write(
            "content/documents/year-end.md",
            "+++\nkind = \"report\"\ntitle = \"年度工作报告\"\nissued = 2026-12-20\npublished = 2027-01-05\n+++\n",
        )
    }),
    ("backdated", "2023-06-01", &["backdated"], |s| {
        adopt(s);
        // The ledger's last entry is the report published on 8 September 2022.
        s.write(
            "content/documents/progress-report.md",
            "+++\nkind = \"report\"\ntitle = \"项目进展情况报告\"\nissuer = \"乳源瑶族自治县工业和信息化局\"\nissued = 2022-09-07\npublished = 2022-09-08\n+++\n",
        );
    }),
    ("silent-change", "2023-06-01", &["silent-change"], |s| {
        adopt(s);
        s.replace(P, "responsible = \"邓志华\"", "responsible = \"邓志强\"");
    }),
    ("record-removed", "2023-06-01", &["record-removed"], |s| {
        adopt(s);
        s.remove(NOTICE);
    }),
    ("ledger-tampered", "2023-06-01", &["ledger-tampered"], |s| {
        adopt(s);
        s.replace(
            "ledger.jsonl",
            "\"date\":\"2022-05-23\"",
            "\"date\":\"2022-05-24\"",
        );
    }),
    ("broken-link", "2023-06-01", &["broken-link"], |s| {
        s.replace(
            P,
            "required, not empty.",
            "required, not empty.\n\n批复原文见[县政府批复](../../documents/decision-2022-16/)。",
        )
    }),
    // The notices column: six months without a new notice on 11 November, the documents
    // column at risk from 19 November (its six months end on the 23rd).
    ("column-stale", "2022-11-20", &["column-stale"], |_| {}),
    ("column-empty", "2023-06-01", &["column-empty"], |s| {
        s.remove("content/notices")
    }),
    ("template", "2023-06-01", &["template"], |s| {
        s.replace("config.toml", "theme = \"default\"", "theme = \"broken\"");
        s.write(
            "themes/broken/templates/notice.html",
            "{% extends \"base.html\" %}{% block content %}{{ notice.title }{% endblock content %}",
        );
    }),
];

/// Every case runs, and every mismatch is reported together: one changed text does not hide
/// another.
#[test]
fn the_text_of_one_finding_of_every_rule() {
    let mut failed = Vec::new();
    for (name, as_of, rules, edit) in CASES {
        let site = Site::from_fixture("spec-site");
        edit(&site);
        let out = text(&site, as_of, rules);
        // The findings themselves must be there, whatever the snapshot holds.
        for id in *rules {
            let rule = gongkai::rules::by_id(id).expect("a registered rule");
            let label = match rule.severity {
                gongkai::diag::Severity::Error => "error",
                gongkai::diag::Severity::Warning => "warning",
            };
            if !out.contains(&format!("{label}[{id}]")) {
                failed.push(format!("{name}: no {label}[{id}] in\n{out}"));
            }
        }
        let snapshot = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::assert_snapshot!(*name, out);
        }));
        if snapshot.is_err() {
            failed.push(format!("{name}: the text differs from its snapshot"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The provincial zone's rules: their findings come from `gongkai zone build`, and their case is
/// the snapshot `county-sync-findings` of tests/zone.rs.
const ZONE_RULES: &[&str] = &[
    "county-history-rewritten",
    "county-unreachable",
    "county-data-invalid",
    "county-ocid-shared",
];

#[test]
fn every_rule_has_a_case() {
    let zone = std::fs::read_to_string(
        common::repo().join("tests/snapshots/zone__county-sync-findings.snap"),
    )
    .unwrap();
    for r in gongkai::rules::ALL {
        if ZONE_RULES.contains(&r.id) {
            assert!(
                zone.contains(&format!("[{}]", r.id)),
                "{} in the zone snapshot",
                r.id
            );
            continue;
        }
        assert!(
            CASES.iter().any(|(_, _, rules, _)| rules.contains(&r.id)),
            "no snapshot case for {}",
            r.id
        );
    }
}
