//! Publishing windows on the official calendar, and what the public sees of lateness.

mod common;

use common::{Site, stderr};

const AS_OF: &str = "2022-10-20";
const CSC: &str = "content/projects/county-service-center";

fn rules_and_places(site: &Site, as_of: &str) -> Vec<(String, String, Option<String>)> {
    site.findings(as_of)
        .into_iter()
        .map(|f| (f.rule, f.file, f.field))
        .collect()
}

#[test]
fn the_marker_fixture_raises_every_warning_where_it_belongs() {
    let site = Site::from_fixture("markers");
    let (code, json) = site.check_json(AS_OF);
    assert_eq!((code, json["errors"].as_u64()), (0, Some(0)), "{json:#}");
    let got = rules_and_places(&site, AS_OF);
    let expect = |rule: &str, file: &str, field: &str| {
        (rule.to_string(), file.to_string(), Some(field.to_string()))
    };
    assert_eq!(
        got,
        [
            expect(
                "publication-late",
                "content/documents/fund-management.md",
                "published"
            ),
            expect(
                "notice-window",
                "content/notices/award-county-service-center.md",
                "published"
            ),
            expect(
                "notice-window",
                "content/notices/award-county-service-center.md",
                "public_until"
            ),
            // The home page's newest item is the tender of 29 September, the project
            // column's the cold store's August report: both idle more than two weeks while
            // projects are being built.
            expect(
                "column-stale",
                "content/notices/tender-cold-store.md",
                "published"
            ),
            expect(
                "notice-window",
                "content/notices/tender-cold-store.md",
                "public_until"
            ),
            expect(
                "column-stale",
                "content/projects/cold-store/progress/2022-08.md",
                "published"
            ),
            expect("publication-late", &format!("{CSC}/index.md"), "published"),
            expect(
                "progress-missing",
                &format!("{CSC}/index.md"),
                "progress/2022-08"
            ),
            expect("deadline-overdue", &format!("{CSC}/index.md"), "deadline"),
            expect(
                "progress-late",
                &format!("{CSC}/progress/2022-07.md"),
                "published"
            ),
        ]
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] == "warning")
    );
    // August and September missing: one finding, the months as a run.
    let missing = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "progress-missing")
        .unwrap();
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .starts_with("2022年8月—2022年9月，共 2 个月"),
        "{missing:#}"
    );
    assert_eq!(
        site.run(&["check", "--as-of", AS_OF, "--strict"])
            .status
            .code(),
        Some(1)
    );
    let build = site.run(&["build", "--as-of", AS_OF, "--strict"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(
        !site.path("public").exists(),
        "a strict build with warnings writes nothing"
    );
}

#[test]
fn the_public_pages_show_every_marker_in_words() {
    let site = Site::from_fixture("markers");
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let project = site.read("public/projects/county-service-center/index.html");
    assert!(project.contains("<span class=\"status status-overdue\">逾期未完成</span>"));
    assert!(
        project.contains("未按期更新：应于 2022年9月13日 前公开，到 2022年10月20日 仍未公开"),
        "August, due after Mid-Autumn"
    );
    assert!(
        project.contains("未按期更新：应于 2022年10月10日 前公开"),
        "September"
    );
    assert!(
        project.contains("逾期公开：应于 2022年8月10日 前公开，实际 2022年8月15日 公开"),
        "July, with both dates"
    );
    assert!(project.contains("逾期公开：决策文件于 2022年5月20日 印发，项目信息应于 2022年6月20日 前公开，实际 2022年7月1日 公开。"));
    assert!(
        project.contains("本月进度应于 <time datetime=\"2022-11-10\">"),
        "October is not due yet"
    );
    let cold = site.read("public/projects/cold-store/index.html");
    assert!(cold.contains("逾期完工：项目完工日期比完成时限晚 20 天。"));
    let list = site.read("public/projects/index.html");
    for marker in ["未按期更新", "逾期公开", "逾期完工", "未满足公示时限"] {
        assert!(
            list.contains(&format!("<span class=\"marker\">{marker}</span>")),
            "{marker} in the project list"
        );
    }
    // One marker per kind: a report published late and a project published late are both
    // 逾期公开, said once.
    let row = list
        .split("<tr")
        .find(|r| r.contains("projects/county-service-center/"))
        .unwrap();
    assert_eq!(
        row.matches("<span class=\"marker\">逾期公开</span>")
            .count(),
        1,
        "{row}"
    );
    let award = site.read("public/notices/award-county-service-center/index.html");
    assert!(award.contains("未满足“中标确定后 2 个工作日内公开”：应于 2022年5月12日 前公开，实际 2022年5月16日 公开"), "{award}");
    assert!(award.contains("未满足“公示期不少于 1 个工作日”"));
    let tender = site.read("public/notices/tender-cold-store/index.html");
    assert!(tender.contains(
        "未满足“公示期不少于 5 个工作日”：应公示至 2022年10月11日，实际只到 2022年10月6日"
    ));
    let doc = site.read("public/documents/fund-management/index.html");
    assert!(doc.contains(
        "逾期公开：成文于 2022年3月1日，应于 2022年3月29日 前公开，实际 2022年4月15日 公开"
    ));
    let index = site.read("public/index.html");
    assert!(
        index.contains("应公开的信息共 14 项（项目信息、政策文件、每月建设进度、采购公告）：按时公开 7 项，逾期公开 5 项，未按期更新 2 项。"),
        "{index}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/data/projects.json")).unwrap();
    let csc = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "county-service-center")
        .unwrap();
    assert_eq!(csc["status"], "overdue");
    assert_eq!(
        csc["late"],
        serde_json::json!([
            "deadline-overdue",
            "notice-window",
            "progress-late",
            "progress-missing",
            "publication-late"
        ])
    );
}

#[test]
fn the_example_inside_its_programme_and_today() {
    let site = Site::example();
    // 10 November 2022: the supply-chain project is past its 31 October deadline, and every
    // report due so far was published on time.
    let got = rules_and_places(&site, "2022-11-10");
    assert_eq!(
        got,
        [(
            "deadline-overdue".to_string(),
            "content/projects/supply-chain/index.md".to_string(),
            Some("deadline".to_string())
        )]
    );
    // Reports are due on the 10th (or the next working day): the day after each due date of the
    // programme, nothing is missing.
    for day in [
        "2022-07-12",
        "2022-08-11",
        "2022-09-14",
        "2022-10-11",
        "2022-11-11",
        "2022-12-13",
        "2023-01-11",
        "2023-02-13",
        "2023-03-13",
        "2023-04-11",
    ] {
        let missing: Vec<_> = rules_and_places(&site, day)
            .into_iter()
            .filter(|(r, _, _)| r.starts_with("progress"))
            .collect();
        assert!(missing.is_empty(), "{day}: {missing:?}");
    }
    let today = gongkai::date::Date::today_in_china().to_string();
    assert!(rules_and_places(&site, &today).is_empty());
    assert_eq!(site.build(&today, &[]).status.code(), Some(0));
    let page = site.read("public/projects/supply-chain/index.html");
    assert!(page.contains("逾期完工：项目完工日期比完成时限晚 18 天。"));
    assert!(!site.read("public/index.html").contains("未按期更新 1"));
}

#[test]
fn a_year_without_an_official_calendar_is_counted_monday_to_friday_and_said_once() {
    let site = Site::from_fixture("spec-site");
    let p = format!("{CSC}/index.md");
    site.replace(&p, "published = 2022-05-30", "published = 2026-12-01");
    site.replace(&p, "start = 2022-06-01", "start = 2026-12-01");
    site.replace(&p, "deadline = 2022-08-31", "deadline = 2027-03-31");
    site.replace(&p, "completed = 2022-08-25", "completed = 2027-01-20");
    site.replace(&p, "accepted = 2023-02-20", "accepted = 2027-02-20");
    site.replace(&p, "date = 2022-07-15", "date = 2026-12-15");
    site.replace(
        "content/documents/decision-2022-15.md",
        "issued = 2022-05-20\npublished = 2022-05-23",
        "issued = 2026-11-20\npublished = 2026-11-23",
    );
    site.remove(&format!("{CSC}/progress"));
    site.write(
        &format!("{CSC}/progress/2026-12.md"),
        "+++\npublished = 2027-01-08\npercent = 50\n+++\n",
    );
    site.write(
        &format!("{CSC}/progress/2027-01.md"),
        "+++\npublished = 2027-02-05\npercent = 100\n+++\n",
    );
    site.replace(
        "content/notices/award-county-service-center.md",
        "event = 2022-05-10",
        "event = 2026-11-20",
    );
    site.replace(
        "content/notices/award-county-service-center.md",
        "published = 2022-05-11",
        "published = 2026-11-23",
    );
    site.replace(
        "content/notices/award-county-service-center.md",
        "public_until = 2022-05-12",
        "public_until = 2026-11-25",
    );
    let f = site.findings("2027-03-01");
    let calendar: Vec<_> = f.iter().filter(|f| f.rule == "calendar-year").collect();
    assert_eq!(calendar.len(), 1, "{f:#?}");
    assert!(
        calendar[0].message.contains("2027 年") && calendar[0].message.contains("周一至周五"),
        "{}",
        calendar[0].message
    );
    assert_eq!(calendar[0].file, "config.toml");
    // Declared in config.toml, 2027 is known and nothing is said.
    let cfg = site.read("config.toml")
        + "\n[[calendar.holidays]]\ndate = 2027-01-01\n\n[[calendar.workdays]]\ndate = 2027-02-07\n";
    site.write("config.toml", cfg);
    assert!(
        site.findings("2027-03-01")
            .iter()
            .all(|f| f.rule != "calendar-year")
    );
}

#[test]
fn scheduled_records_raise_no_rule() {
    let site = Site::from_fixture("markers");
    let p = format!("{CSC}/index.md");
    site.replace(&p, "published = 2022-07-01", "published = 2022-12-01");
    site.replace(
        "content/documents/fund-management.md",
        "published = 2022-04-15",
        "published = 2022-12-01",
    );
    let files: Vec<String> = site.findings(AS_OF).into_iter().map(|f| f.file).collect();
    assert!(
        files
            .iter()
            .all(|f| !f.starts_with(CSC) && f != "content/documents/fund-management.md"),
        "{files:?}"
    );
}
