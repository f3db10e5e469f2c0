//! Money that adds up, forbidden items caught, open data that opens in Excel.

mod common;

use common::{Site, only, stderr};

const AS_OF: &str = "2023-06-01";
const PROJECT: &str = "content/projects/county-service-center/index.md";

#[test]
fn fund_sum_mismatch_on_amounts_and_shares() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "content/programme.toml",
        "allocations = { central = 650, county = 120 }",
        "allocations = { central = 640, county = 120 }",
    );
    site.replace(
        "content/programme.toml",
        "shares = { central = \"35%\" }",
        "shares = { central = \"35.5%\" }",
    );
    let f = site.findings(AS_OF);
    let got: Vec<(Option<u64>, Option<&str>)> = f
        .iter()
        .filter(|f| f.rule == "fund-sum-mismatch")
        .map(|f| (f.line, f.field.as_deref()))
        .collect();
    // 350 of 1000 is not 35.5%; 640 of 1000 is not the 65% still written for the second category.
    assert_eq!(
        got,
        [
            (Some(12), Some("sources[1].amount")),
            (Some(22), Some("categories[1].shares.central")),
            (Some(28), Some("categories[2].shares.central")),
        ],
        "{f:#?}"
    );
}

#[test]
fn fund_overrun_names_the_category_and_the_projects() {
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "central = 150", "central = 350.01");
    let f = site.findings(AS_OF);
    let o = only(&f, "fund-overrun");
    assert_eq!(
        (o.file.as_str(), o.line),
        ("content/programme.toml", Some(21))
    );
    assert!(
        o.message.contains(PROJECT) && o.message.contains("超出 0.01"),
        "{}",
        o.message
    );
}

#[test]
fn disbursements_beyond_funding_are_overruns() {
    let site = Site::from_fixture("spec-site");
    site.replace(PROJECT, "amount = 45", "amount = 150.0001");
    let f = site.findings(AS_OF);
    let o = only(&f, "fund-overrun");
    assert_eq!((o.file.as_str(), o.line), (PROJECT, Some(31)));
}

#[test]
fn prohibited_uses_of_central_funds() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        PROJECT,
        "purpose = \"服务中心装修工程首期款\"",
        "purpose = \"运营人员经费\"",
    );
    let f = site.findings(AS_OF);
    let p = only(&f, "prohibited-use");
    assert_eq!((p.file.as_str(), p.line), (PROJECT, Some(33)));
    assert!(
        p.message.contains("content/programme.toml:6"),
        "{}",
        p.message
    );
}

#[test]
fn villages_and_routes_supported_twice() {
    let site = Site::from_fixture("spec-site");
    let other = site
        .read(PROJECT)
        .replace("韶关市瑶乡电子商务有限公司", "韶关市另一家物流有限公司")
        .replace("central = 150", "central = 100");
    site.write("content/projects/second/index.md", other);
    let f = site.findings(AS_OF);
    let v = only(&f, "duplicate-village");
    let r = only(&f, "duplicate-route");
    for d in [v, r] {
        assert_eq!(d.file, "content/projects/second/index.md");
        assert!(d.message.contains(&format!("{PROJECT}:2")), "{}", d.message);
    }
}

#[test]
fn award_and_contract_notices_must_name_the_contractor() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "content/notices/award-county-service-center.md",
        "supplier = \"韶关市瑶乡电子商务有限公司\"",
        "supplier = \"韶关市瑶乡电子商务公司\"",
    );
    let f = site.findings(AS_OF);
    let c = only(&f, "contractor-mismatch");
    assert_eq!(
        (c.file.as_str(), c.line),
        ("content/notices/award-county-service-center.md", Some(8))
    );
    assert!(
        c.message.contains(&format!("{PROJECT}:12")),
        "{}",
        c.message
    );
}

/// Reads a CSV file the way Excel on Chinese Windows does: a UTF-8 byte-order mark means UTF-8.
fn excel(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let text = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("a UTF-8 byte-order mark, or Excel guesses GBK");
    let text = std::str::from_utf8(text).expect("UTF-8");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn projects_csv_opens_as_excel_would_and_adds_up_to_the_plan() {
    let site = Site::example();
    let run = site.build("2026-11-25", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let rows = excel(&std::fs::read(site.path("public/data/projects.csv")).unwrap());
    let header = &rows[0];
    assert_eq!(&header[0], "项目编号");
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/data/projects.json")).unwrap();
    assert_eq!(&header[1], "网址代码");
    let ids: Vec<&str> = rows[1..].iter().map(|r| r.get(1).unwrap()).collect();
    let json_ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, json_ids, "every project, in the same order");
    let numbers: Vec<&str> = rows[1..].iter().map(|r| r.get(0).unwrap()).collect();
    let json_numbers: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, json_numbers, "the public number first");
    assert!(
        rows[1..]
            .iter()
            .any(|r| r.iter().any(|c| c == "乳源瑶族自治县瑶乡电子商务有限公司")),
        "Chinese intact"
    );
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let sum = |name: &str| -> rust_decimal::Decimal {
        let i = column(name);
        rows[1..]
            .iter()
            .filter(|r| !r[i].is_empty())
            .map(|r| r[i].parse::<rust_decimal::Decimal>().unwrap())
            .sum()
    };
    // The central funds of the plan (乳府办〔2021〕47号 附件2): 350 + 355 + 200 + 95 = 1000.
    assert_eq!(
        sum("扶持资金_中央财政资金（万元）"),
        rust_decimal::Decimal::from(1000)
    );
    assert_eq!(
        sum("扶持资金_县级配套资金（万元）"),
        rust_decimal::Decimal::from(20)
    );
    assert_eq!(
        sum("扶持资金合计（万元）"),
        rust_decimal::Decimal::from(1020)
    );
    assert_eq!(
        sum("已拨付（万元）"),
        rust_decimal::Decimal::from(1020),
        "all paid by today"
    );
    for file in ["progress.csv", "disbursements.csv", "notices.csv"] {
        let rows = excel(&std::fs::read(site.path(&format!("public/data/{file}"))).unwrap());
        assert!(rows.len() > 5, "{file}");
        assert!(
            rows.iter().all(|r| r.len() == rows[0].len()),
            "{file}: one header row, rectangular"
        );
    }
    let progress = excel(&std::fs::read(site.path("public/data/progress.csv")).unwrap());
    assert_eq!(
        progress.len() - 1,
        49,
        "every monthly report of the example"
    );
    let disb = excel(&std::fs::read(site.path("public/data/disbursements.csv")).unwrap());
    let amount = disb[0]
        .iter()
        .position(|h| h == "金额（万元）")
        .expect("an amount column");
    let total: rust_decimal::Decimal = disb[1..]
        .iter()
        .map(|r| r[amount].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(total, rust_decimal::Decimal::from(1020));
}

#[test]
fn the_example_funding_matches_its_plan_exactly() {
    let site = Site::example();
    assert_eq!(site.build("2026-11-25", &[]).status.code(), Some(0));
    let funds = site.read("public/funds/index.html");
    for (name, amount, share) in [
        ("完善农村电子商务公共服务体系", "350", "35%"),
        ("健全县镇村三级物流配送体系", "355", "35.5%"),
        ("推动农村商贸流通企业转型升级", "200", "20%"),
        ("培育农村电商创业带头人", "95", "9.5%"),
    ] {
        assert!(
            funds.contains(&format!(
                "<th scope=\"row\">{name}</th><td>中央财政资金 {amount}（占 {share}）"
            )),
            "{name}"
        );
    }
    assert!(
        funds.contains("<title id=\"chart-sources-t\">"),
        "an SVG chart with a title"
    );
    assert!(funds.contains("<desc id=\"chart-categories-d\">完善农村电子商务公共服务体系：计划分配 350 万元，安排到项目 350 万元，已拨付 350 万元"));
    // The OCDS package is exact in yuan.
    let ocds: serde_json::Value =
        serde_json::from_str(&site.read("public/data/ocds.json")).unwrap();
    let releases = ocds["releases"].as_array().unwrap();
    let cold = releases
        .iter()
        .find(|r| r["planning"]["budget"]["projectID"] == "cold-chain")
        .unwrap();
    assert_eq!(
        cold["planning"]["budget"]["amount"],
        serde_json::json!({"amount": 950000, "currency": "CNY"})
    );
    let paid: Vec<&serde_json::Value> = cold["contracts"][0]["implementation"]["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["value"]["amount"])
        .collect();
    assert_eq!(
        paid,
        [
            &serde_json::json!(285000),
            &serde_json::json!(380000),
            &serde_json::json!(285000)
        ]
    );
}

/// The text between `before` and the next `after`, for each occurrence.
fn all_between<'a>(text: &'a str, before: &str, after: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(before) {
        rest = &rest[i + before.len()..];
        let j = rest
            .find(after)
            .unwrap_or_else(|| panic!("no {after} after {before}"));
        out.push(&rest[..j]);
        rest = &rest[j..];
    }
    out
}

fn dec(s: &str) -> rust_decimal::Decimal {
    s.trim()
        .trim_end_matches("万元")
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not an amount: {s:?}"))
}

/// One CSV column of a built file, by header, each value with its project's 网址代码.
fn column(path: &std::path::Path, header: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers().unwrap().clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (id, at) = (find("网址代码"), find(header));
    r.records()
        .map(|row| {
            let row = row.unwrap();
            (row[id].to_string(), row[at].to_string())
        })
        .collect()
}

#[test]
fn every_figure_of_money_paid_agrees_across_pages_and_data() {
    use rust_decimal::Decimal;
    let site = Site::example();
    for as_of in ["2022-08-20", "2022-11-05", "2026-11-25"] {
        let out = site.build(as_of, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let public = site.path("public");
        let page = |rel: &str| std::fs::read_to_string(public.join(rel)).unwrap();
        let sum = |v: Vec<&str>| -> Decimal { v.into_iter().map(dec).sum() };

        // The payments themselves, as published.
        let payments = column(&public.join("data/disbursements.csv"), "金额（万元）");
        let paid: Decimal = payments.iter().map(|(_, a)| dec(a)).sum();

        let home = page("index.html");
        let home_paid = all_between(
            &home,
            "<span class=\"figure-label\">已拨付</span> <span class=\"figure-value\">",
            "</span>",
        );
        assert_eq!(sum(home_paid), paid, "home page, {as_of}");

        let funds = page("funds/index.html");
        let intro = all_between(&funds, "<h1>资金安排</h1>\n<p>", "</p>")[0];
        assert_eq!(
            sum(all_between(intro, "已拨付 ", "。")),
            paid,
            "funds intro"
        );
        let table = |caption: &str| {
            let start = funds.find(caption).unwrap();
            let end = start + funds[start..].find("</table>").unwrap();
            let rows = all_between(&funds[start..end], "<tr><th scope=\"row\">", "</tr>");
            rows.iter()
                .map(|row| {
                    let cells = all_between(row, "<td class=\"num\">", "</td>");
                    dec(cells[cells.len()
                        - if caption.contains("资金来源") {
                            2
                        } else {
                            1
                        }])
                })
                .sum::<Decimal>()
        };
        assert_eq!(table("按资金来源"), paid, "sources table, {as_of}");
        assert_eq!(table("按项目板块"), paid, "categories table, {as_of}");

        let json: serde_json::Value = serde_json::from_str(&page("data/projects.json")).unwrap();
        let mut by_project = Decimal::ZERO;
        for p in json.as_array().unwrap() {
            let id = p["id"].as_str().unwrap();
            let figure = dec(p["disbursed"].as_str().unwrap());
            let own: Decimal = payments
                .iter()
                .filter(|(pid, _)| pid == id)
                .map(|(_, a)| dec(a))
                .sum();
            assert_eq!(figure, own, "{id} in projects.json, {as_of}");
            let html = page(&format!("projects/{id}/index.html"));
            let said = all_between(&html, "，已拨付 ", "。");
            assert_eq!(sum(said), own, "{id}'s page, {as_of}");
            // Every month's cumulative figure is the payments to the end of that month.
            let months = column(&public.join("data/progress.csv"), "月份");
            let cumulative = column(&public.join("data/progress.csv"), "累计拨付（万元）");
            let dates = column(&public.join("data/disbursements.csv"), "拨付日期");
            for ((pid, month), (_, figure)) in months.iter().zip(&cumulative) {
                if pid != id || figure.is_empty() {
                    continue;
                }
                let to_month: Decimal = payments
                    .iter()
                    .zip(&dates)
                    .filter(|((p, _), (_, d))| p == id && d[..7] <= month[..])
                    .map(|((_, a), _)| dec(a))
                    .sum();
                assert_eq!(dec(figure), to_month, "{id} {month}, {as_of}");
            }
            by_project += figure;
        }
        assert_eq!(by_project, paid, "projects.json, {as_of}");
        let csv_paid: Decimal = column(&public.join("data/projects.csv"), "已拨付（万元）")
            .iter()
            .map(|(_, a)| dec(a))
            .sum();
        assert_eq!(csv_paid, paid, "projects.csv, {as_of}");

        let ocds: serde_json::Value = serde_json::from_str(&page("data/ocds.json")).unwrap();
        let yuan: Decimal = ocds["releases"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["contracts"].as_array().cloned().unwrap_or_default())
            .flat_map(|c| {
                c["implementation"]["transactions"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|t| dec(&t["value"]["amount"].to_string()))
            .sum();
        assert_eq!(yuan / Decimal::from(10_000), paid, "ocds.json, {as_of}");
        assert!(paid > Decimal::ZERO || as_of == "2022-08-20");
    }
}
