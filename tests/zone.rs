//! The provincial zone (SPEC §8): `gongkai zone build` harvests counties' published `/data/`
//! from folders and from a loopback HTTP server, keeps the last good copy of each in
//! `zone-state/`, and reports a rewritten history, an unreachable county and broken data while
//! still building from what it holds.

mod common;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{BIN, Site, serve_folder};

/// Builds a county site into `<zone>/<name>` as the county would publish it.
fn publish(site: &Site, as_of: &str, zone: &Path, name: &str) -> PathBuf {
    let out = zone.join(name);
    let run = site.build(as_of, &["--output", out.to_str().unwrap()]);
    assert!(run.status.success(), "{name}: {}", common::stderr(&run));
    out
}

fn zone_build(zone: &Path, as_of: &str) -> Output {
    Command::new(BIN)
        .args(["zone", "build", "--as-of", as_of, "--zone"])
        .arg(zone.join("zone.toml"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn zone_json(zone: &Path, as_of: &str) -> serde_json::Value {
    let out = Command::new(BIN)
        .args([
            "zone", "build", "--format", "json", "--as-of", as_of, "--zone",
        ])
        .arg(zone.join("zone.toml"))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)))
}

fn zone_toml(counties: &[(&str, &str, &str)]) -> String {
    let mut t = String::from(
        "title = \"广东省电子商务进农村综合示范专区\"\nbase_url = \"https://swt.example.gov.cn/zq\"\n\
[publisher]\nname = \"广东省商务厅\"\n[scoring]\nlate_deduction = 0.1\n",
    );
    for (id, name, source) in counties {
        t.push_str(&format!(
            "\n[[counties]]\nid = \"{id}\"\nname = \"{name}\"\nsource = \"{source}\"\n"
        ));
    }
    t
}

fn read(zone: &Path, rel: &str) -> String {
    fs::read_to_string(zone.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn rules_of(json: &serde_json::Value) -> Vec<(String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn yongtai() -> Site {
    Site::copy_of(&common::repo().join("examples/yongtai"))
}

fn bench_county(zone: &Path, name: &str, projects: &str) -> PathBuf {
    bench_county_with(zone, name, projects, "")
}

/// A bench-corpus county with `config` appended to its config.toml.
fn bench_county_with(zone: &Path, name: &str, projects: &str, config: &str) -> PathBuf {
    let src = zone.join(format!("{name}-src"));
    let out = Command::new(BIN)
        .args(["bench-corpus", "--projects", projects, "--months", "4"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let site = Site::copy_of(&src);
    let base = fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write("config.toml", format!("{base}\n{config}"));
    publish(&site, "2023-06-01", zone, name)
}

#[test]
fn a_zone_of_five_counties_builds_from_folders_with_scores_pages_and_merged_data() {
    let zone = tempfile::tempdir().unwrap();
    let z = zone.path();
    publish(&Site::example(), "2023-06-01", z, "ruyuan");
    publish(&yongtai(), "2021-01-20", z, "yongtai");
    publish(&Site::from_fixture("markers"), "2022-10-20", z, "markers");
    bench_county(z, "bench-a", "212");
    bench_county(z, "bench-b", "7");
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[
            ("ruyuan", "乳源瑶族自治县", "ruyuan"),
            ("yongtai", "永泰县", "yongtai"),
            ("markers", "标注县", "markers"),
            ("bench-a", "测试甲县", "bench-a"),
            ("bench-b", "测试乙县", "bench-b"),
        ]),
    )
    .unwrap();
    let out = zone_build(z, "2023-06-02");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let index = read(z, "index.html");
    for name in ["乳源瑶族自治县", "永泰县", "标注县", "测试甲县", "测试乙县"]
    {
        assert!(index.contains(name), "{name} on the overview");
    }
    assert!(index.contains("数据同步于 2023年6月2日"));
    let ruyuan = read(z, "counties/ruyuan/index.html");
    assert!(
        ruyuan.contains("https://www.ruyuan.gov.cn/zl/dzsw"),
        "link to the column"
    );
    assert!(ruyuan.contains("合计 <strong>4</strong> 分"));
    // The markers fixture has late and missing reports: each one deducts 0.1, and each is
    // named on its county page with the project, the month and the days.
    let markers = read(z, "counties/markers/index.html");
    assert!(markers.contains("的建设进度逾期"), "{markers}");
    assert!(markers.contains("的建设进度未公开"));
    let scores = read(z, "data/scores.csv");
    let row = scores.lines().find(|l| l.starts_with("markers,")).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    let late: usize = cells[8].parse().unwrap();
    assert!(late > 0, "{row}");
    assert!(cells[3] != "2", "{row}");
    // Merged data: every county's projects, each with its county, and OCDS keeping prefixes.
    let projects: serde_json::Value = serde_json::from_str(&read(z, "data/projects.json")).unwrap();
    let per_county = |c: &str| {
        projects
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["county"] == c)
            .count()
    };
    assert_eq!(per_county("bench-a"), 212);
    assert_eq!(per_county("bench-b"), 7);
    assert_eq!(per_county("yongtai"), 6);
    // Whole, as each county published them: the text, the payments and every report.
    let center = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["county"] == "yongtai" && p["id"] == "service-center")
        .unwrap();
    assert!(
        center["content"].as_str().is_some_and(|c| !c.is_empty()),
        "{center}"
    );
    assert!(
        center["disbursements"]
            .as_array()
            .is_some_and(|d| !d.is_empty()),
        "{center}"
    );
    assert!(
        center["reports"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["state"] != "missing")),
        "{center}"
    );
    let ocds: serde_json::Value = serde_json::from_str(&read(z, "data/ocds.json")).unwrap();
    let ocids: Vec<&str> = ocds["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ocid"].as_str().unwrap())
        .collect();
    let county_ocds: serde_json::Value =
        serde_json::from_slice(&fs::read(z.join("yongtai/data/ocds.json")).unwrap()).unwrap();
    let first = county_ocds["releases"][0]["ocid"].as_str().unwrap();
    assert!(ocids.contains(&first));
    // Pages for every status, the method, search.
    for rel in [
        "projects/index.html",
        "projects/on-time/index.html",
        "projects/late/index.html",
        "projects/overdue/index.html",
        "scoring/index.html",
        "search/index.html",
        "data/index.html",
    ] {
        assert!(read(z, rel).contains("<html lang=\"zh-CN\">"), "{rel}");
    }
    assert!(read(z, "search/index.html").contains("永泰县青溪云仓供应链管理有限公司"));
    assert!(
        z.join("public/search/meta.json").is_file(),
        "the search index"
    );
    // More than one page of projects on time: pages of 200, each linking to the others.
    let second = read(z, "projects/on-time/2/index.html");
    assert!(second.contains("第 2 / 2 页"));
    assert!(second.contains("<a href=\"../\">第 1 页</a>"));
    assert!(read(z, "projects/on-time/index.html").contains("<a href=\"2/\">第 2 页</a>"));
    let rows = |rel: &str| read(z, rel).matches("<th scope=\"row\">").count();
    let on_time = read(z, "data/projects.csv")
        .lines()
        .filter(|l| l.contains(",按时,"))
        .count();
    assert!(on_time > 200);
    assert_eq!(
        rows("projects/on-time/index.html") + rows("projects/on-time/2/index.html"),
        on_time
    );
}

#[test]
fn sync_keeps_the_last_good_copy_and_names_each_problem() {
    let zone = tempfile::tempdir().unwrap();
    let z = zone.path();
    let yt = yongtai();
    publish(&yt, "2021-01-20", z, "yongtai");
    publish(&Site::example(), "2023-06-01", z, "ruyuan");
    bench_county(z, "bench", "5");
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[
            ("ruyuan", "乳源瑶族自治县", "ruyuan"),
            ("yongtai", "永泰县", "yongtai"),
            ("bench", "测试县", "bench"),
        ]),
    )
    .unwrap();
    assert!(zone_build(z, "2023-06-01").status.success());

    // Yongtai republishes with a ledger begun anew: the history it published is gone.
    let again = yongtai();
    again.remove("ledger.jsonl");
    let init = again.run(&["ledger", "init", "--as-of", "2020-09-01"]);
    assert!(init.status.success(), "{}", common::stderr(&init));
    let out = z.join("yongtai");
    let run = again.run(&[
        "publish",
        "--as-of",
        "2021-01-20",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", common::stderr(&run));
    // Ruyuan's site is gone (unreachable); the bench county's upload is caught half done.
    fs::rename(z.join("ruyuan"), z.join("ruyuan-moved")).unwrap();
    // (republished, so that column.json is new and names the new files by their hashes)
    publish(
        &Site::copy_of(&z.join("bench-src")),
        "2023-06-04",
        z,
        "bench",
    );
    let mut projects = fs::read(z.join("bench/data/projects.json")).unwrap();
    projects.truncate(projects.len() / 2);
    fs::write(z.join("bench/data/projects.json"), projects).unwrap();

    let json = zone_json(z, "2023-06-05");
    let rules = rules_of(&json);
    assert!(rules.contains(&(
        "county-history-rewritten".into(),
        "counties[1].source".into()
    )));
    assert!(rules.contains(&("county-unreachable".into(), "counties[0].source".into())));
    assert!(rules.contains(&("county-data-invalid".into(), "counties[2].source".into())));
    assert_eq!(json["errors"], 1, "{json}");
    let text = zone_build(z, "2023-06-05");
    assert_eq!(text.status.code(), Some(1), "an error is an error");
    let err = common::stderr(&text);
    assert!(
        err.contains("error[county-history-rewritten]: zone.toml:13:"),
        "{err}"
    );
    assert!(
        err.contains("已生成专区网站"),
        "the zone still builds: {err}"
    );
    insta::assert_snapshot!(
        "county-sync-findings",
        err.replace(z.to_str().unwrap(), "<zone>")
    );
    // Every county is still there, from its last good copy, dated.
    for id in ["ruyuan", "yongtai", "bench"] {
        let page = read(z, &format!("counties/{id}/index.html"));
        assert!(page.contains("数据同步于 2023年6月1日"), "{id}");
    }
    assert!(read(z, "counties/yongtai/index.html").contains("历史被改写"));
    let held = fs::read(z.join("zone-state/yongtai/ledger.jsonl")).unwrap();
    let first = fs::read(z.join("yongtai/data/ledger.jsonl")).unwrap();
    assert_ne!(
        held, first,
        "the zone kept its own copy, not the rewritten one"
    );
    let projects: serde_json::Value = serde_json::from_str(&read(z, "data/projects.json")).unwrap();
    assert_eq!(projects.as_array().unwrap().len(), 11 + 6 + 5);

    // Ruyuan comes back: the copy is fresh again.
    fs::rename(z.join("ruyuan-moved"), z.join("ruyuan")).unwrap();
    let json = zone_json(z, "2023-06-06");
    assert!(
        !rules_of(&json)
            .iter()
            .any(|(_, f)| f == "counties[0].source")
    );
    assert!(read(z, "counties/ruyuan/index.html").contains("数据同步于 2023年6月6日"));
}

#[test]
fn counties_are_harvested_over_http_and_an_unanswering_port_is_unreachable() {
    let zone = tempfile::tempdir().unwrap();
    let z = zone.path();
    let site = publish(&Site::example(), "2023-06-01", z, "ruyuan-site");
    let yt = publish(&yongtai(), "2021-01-20", z, "yongtai-site");
    let url = serve_folder(&site);
    let url2 = serve_folder(&yt);
    // A port that was bound and closed: nothing answers there.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[
            ("ruyuan", "乳源瑶族自治县", &url),
            ("yongtai", "永泰县", &url2),
            ("gone", "失联县", &format!("http://{closed}/zl")),
        ]),
    )
    .unwrap();
    let json = zone_json(z, "2023-06-02");
    // Both examples keep the default OCDS prefix, which the zone points out.
    assert_eq!(
        rules_of(&json),
        vec![
            (
                "county-ocid-shared".to_string(),
                "counties[1].source".to_string()
            ),
            (
                "county-unreachable".to_string(),
                "counties[2].source".to_string()
            )
        ]
    );
    assert!(read(z, "counties/gone/index.html").contains("尚未同步"));
    assert!(read(z, "counties/ruyuan/index.html").contains("数据同步于 2023年6月2日"));
    assert_eq!(
        fs::read(z.join("zone-state/ruyuan/projects.json")).unwrap(),
        fs::read(site.join("data/projects.json")).unwrap()
    );
}

#[test]
fn a_rebuild_leaves_unchanged_files_untouched_and_a_bad_zone_file_changes_nothing() {
    let zone = tempfile::tempdir().unwrap();
    let z = zone.path();
    publish(&yongtai(), "2021-01-20", z, "yongtai");
    bench_county(z, "bench", "5");
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[
            ("yongtai", "永泰县", "yongtai"),
            ("bench", "测试县", "bench"),
        ]),
    )
    .unwrap();
    assert!(zone_build(z, "2023-06-01").status.success());
    let stamp = |rel: &str| {
        let m = fs::metadata(z.join("public").join(rel)).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let before = (
        stamp("scoring/index.html"),
        stamp("style.css"),
        stamp("data/ocds.json"),
        stamp(".gongkai-site"),
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(zone_build(z, "2023-06-01").status.success());
    let after = (
        stamp("scoring/index.html"),
        stamp("style.css"),
        stamp("data/ocds.json"),
        stamp(".gongkai-site"),
    );
    assert_eq!(before, after, "unchanged files keep their inode and mtime");

    let old = common::tree(&z.join("public"));
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[("Yong Tai", "永泰县", "yongtai")]),
    )
    .unwrap();
    let out = zone_build(z, "2023-06-02");
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("error[invalid-value]: zone.toml:8:"), "{err}");
    assert_eq!(common::tree(&z.join("public")), old);
}

/// Serves a folder, answering the first request for `data/column.json` with 503 (a server
/// restarting): the harvest tries again.
fn serve_flaky(root: &Path) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = server.server_addr().to_ip().unwrap();
    let root = root.to_path_buf();
    let failed = std::sync::Arc::new(AtomicUsize::new(0));
    let count = failed.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request.url().trim_start_matches('/').to_string();
            if path == "data/column.json" && count.fetch_add(1, Ordering::SeqCst) == 0 {
                let _ = request.respond(tiny_http::Response::empty(503));
                continue;
            }
            let response = match fs::read(root.join(&path)) {
                Ok(bytes) if !path.contains("..") => tiny_http::Response::from_data(bytes),
                _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    (format!("http://{addr}"), failed)
}

#[test]
fn a_failed_request_is_tried_again() {
    let zone = tempfile::tempdir().unwrap();
    let z = zone.path();
    let site = publish(&yongtai(), "2021-01-20", z, "yongtai-site");
    let (url, requests) = serve_flaky(&site);
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[("yongtai", "永泰县", &url)]),
    )
    .unwrap();
    let json = zone_json(z, "2023-06-02");
    assert_eq!(rules_of(&json), vec![], "{json}");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert!(read(z, "counties/yongtai/index.html").contains("数据同步于 2023年6月2日"));
}

#[test]
fn every_value_a_county_or_the_zone_file_wrote_is_escaped() {
    let zone = tempfile::tempdir().unwrap();
    let z = zone.path();
    let site = Site::example();
    site.remove("ledger.jsonl");
    let evil = "冷链<script>alert(1)</script>\\\"&'";
    site.replace(
        "content/projects/cold-chain/index.md",
        "name = \"县域电商冷链物流设施建设\"",
        &format!("name = \"{evil}\""),
    );
    publish(&site, "2023-06-01", z, "ruyuan");
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[("ruyuan", "乳源<b>瑶族</b>自治县", "ruyuan")]),
    )
    .unwrap();
    assert!(zone_build(z, "2023-06-02").status.success());
    for rel in [
        "index.html",
        "counties/ruyuan/index.html",
        "projects/on-time/index.html",
        "search/index.html",
    ] {
        let page = read(z, rel);
        assert!(!page.contains("<script>alert"), "{rel}");
        assert!(!page.contains("<b>瑶族"), "{rel}");
        assert!(page.contains("乳源&lt;b&gt;瑶族&lt;/b&gt;自治县"), "{rel}");
    }
    assert!(
        read(z, "counties/ruyuan/index.html")
            .contains("冷链&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;")
    );
    let json: serde_json::Value = serde_json::from_str(&read(z, "data/projects.json")).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "冷链<script>alert(1)</script>\"&'")
    );
}

#[test]
fn counties_sharing_an_ocid_prefix_are_named_with_the_ocids_they_clash_on() {
    let zone = tempfile::tempdir().unwrap();
    let z = zone.path();
    // Neither sets a prefix: both are ocds-gongkai, and projects p00000–p00002 are in both.
    bench_county(z, "bench-a", "5");
    bench_county(z, "bench-b", "3");
    bench_county_with(z, "bench-c", "4", "[data]\nocid_prefix = \"ocds-c3c3c3\"\n");
    fs::write(
        z.join("zone.toml"),
        zone_toml(&[
            ("bench-a", "测试甲县", "bench-a"),
            ("bench-b", "测试乙县", "bench-b"),
            ("bench-c", "测试丙县", "bench-c"),
        ]),
    )
    .unwrap();
    let json = zone_json(z, "2023-06-02");
    let shared: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "county-ocid-shared")
        .collect();
    assert_eq!(shared.len(), 1, "{json}");
    let d = shared[0];
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("测试甲县（bench-a）、测试乙县（bench-b）"),
        "{message}"
    );
    assert!(!message.contains("bench-c"), "{message}");
    assert!(message.contains("有 3 个 ocid"), "{message}");
    assert!(message.contains("ocds-gongkai-p00000"), "{message}");
    assert_eq!(d["field"], "counties[1].source");
    assert_eq!(d["severity"], "warning");
    // The clash is real: the merged package holds ocds-gongkai-p00000 for two counties.
    let ocds: serde_json::Value = serde_json::from_str(&read(z, "data/ocds.json")).unwrap();
    let p1 = ocds["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ocid"] == "ocds-gongkai-p00000" && r["tag"][0] == "planning")
        .count();
    assert!(p1 >= 2, "{p1}");
    // Once bench-b has its own prefix and is harvested again, nothing is shared.
    let b = Site::copy_of(&z.join("bench-b-src"));
    let config = fs::read_to_string(b.root().join("config.toml")).unwrap();
    b.write(
        "config.toml",
        format!("{config}\n[data]\nocid_prefix = \"ocds-b2b2b2\"\n"),
    );
    publish(&b, "2023-06-01", z, "bench-b");
    let json = zone_json(z, "2023-06-03");
    assert!(
        !rules_of(&json)
            .iter()
            .any(|(r, _)| r == "county-ocid-shared"),
        "{json}"
    );
}
