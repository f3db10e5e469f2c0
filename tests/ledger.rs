//! The publication ledger end to end (SPEC §7): `publish` appends only after a successful build
//! and says what it recorded; `build`, `check` and `serve` never write it; `ledger init` adopts a
//! column; one byte changed anywhere is found; `verify` tells a consistent history from a
//! rewritten one, from folders and over HTTP; the bundled example's history shows on its pages,
//! in its feed and in its open data.

mod common;

use std::fs;
use std::process::{Command, Output};

use common::{BIN, Site, serve_folder, stderr, tree};
use gongkai::ledger::{Ledger, hex, sha256};

const LEDGER: &str = "ledger.jsonl";
const P: &str = "content/projects/county-service-center/index.md";
const REPORT: &str = "content/projects/county-service-center/progress/2022-08.md";
const NOTICE: &str = "content/notices/award-county-service-center.md";

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The SPEC fixture with its ledger started by `ledger init` on 1 June 2023: nine imports, the
/// last dated 8 September 2022 (the August report).
fn adopted() -> Site {
    let site = Site::from_fixture("spec-site");
    let out = site.run(&["ledger", "init", "--as-of", "2023-06-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    site
}

fn publish(site: &Site, as_of: &str) -> Output {
    site.run(&["publish", "--as-of", as_of])
}

/// Inserts lines at the end of a `.md` file's front matter.
fn front_matter(site: &Site, rel: &str, lines: &str) {
    let text = site.read(rel);
    let end = text[3..].find("+++").unwrap() + 3;
    site.write(rel, format!("{}{lines}\n{}", &text[..end], &text[end..]));
}

#[test]
fn ledger_init_enters_every_public_record_with_its_own_date_in_date_order() {
    let site = adopted();
    let text = site.read(LEDGER);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9);
    let dates: Vec<&str> = lines.iter().map(|l| l["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "date order");
    assert!(lines.iter().all(|l| l["action"] == "import"));
    assert_eq!(lines[0]["kind"], "programme");
    let project = lines.iter().find(|l| l["kind"] == "project").unwrap();
    assert_eq!(project["date"], "2022-05-30", "its own published date");
    assert_eq!(project["record"]["contractor"]["responsible"], "邓志华");
    assert_eq!(lines[8]["id"], "county-service-center/2022-08");
    assert_eq!(lines[0]["prev"], serde_json::Value::Null);
    // The record's hash is of the record as written on the line.
    let line = text.lines().nth(5).unwrap();
    let record = &line[line.find(",\"record\":").unwrap() + 10..line.find(",\"reason\":").unwrap()];
    assert_eq!(
        lines[5]["hash"].as_str().unwrap(),
        format!("sha256:{}", hex(&sha256(record.as_bytes())))
    );
    // Once is enough: a second init is refused and changes nothing.
    let again = site.run(&["ledger", "init", "--as-of", "2023-06-01"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("已经存在"), "{}", stderr(&again));
    assert_eq!(site.read(LEDGER), text);
}

#[test]
fn publish_records_new_corrected_and_withdrawn_records_and_says_so() {
    let site = adopted();
    let before = site.read(LEDGER);
    // Nothing new: nothing appended.
    let quiet = publish(&site, "2023-06-01");
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(
        stderr(&quiet).contains("没有新的变化（共 9 条"),
        "{}",
        stderr(&quiet)
    );
    assert_eq!(site.read(LEDGER), before);
    // A new report, a correction and a withdrawal.
    site.write(
        "content/projects/county-service-center/progress/2022-09.md",
        "+++\npublished = 2023-06-02\npercent = 100\n+++\n完工验收资料整理。\n",
    );
    site.replace(P, "responsible = \"邓志华\"", "responsible = \"邓志强\"");
    front_matter(
        &site,
        P,
        "[[corrections]]\ndate = 2023-06-02\nreason = \"责任人姓名按营业执照更正\"",
    );
    front_matter(
        &site,
        NOTICE,
        "withdrawn = 2023-06-02\nwithdrawn_reason = \"误发，以更正后的公告为准\"",
    );
    let out = publish(&site, "2023-06-02");
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("新公开 月度进度 county-service-center/2022-09"),
        "{text}"
    );
    assert!(
        text.contains("更正 项目 county-service-center “升级电商产业园和县级电子商务公共服务中心”：责任人姓名按营业执照更正"),
        "{text}"
    );
    assert!(
        text.contains("撤回 采购公告 award-county-service-center"),
        "{text}"
    );
    assert!(
        text.contains("追加 3 条：新公开 1，更正 1，撤回 1（共 12 条"),
        "{text}"
    );
    let after = site.read(LEDGER);
    assert!(after.starts_with(&before), "only appended");
    let added: Vec<serde_json::Value> = after[before.len()..]
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<(&str, &str)> = added
        .iter()
        .map(|l| (l["action"].as_str().unwrap(), l["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("correct", "project"),
            ("publish", "progress"),
            ("withdraw", "notice")
        ]
    );
    assert!(added.iter().all(|l| l["date"] == "2023-06-02"));
    assert_eq!(added[0]["reason"], "责任人姓名按营业执照更正");
    assert_eq!(added[0]["record"]["contractor"]["responsible"], "邓志强");
    assert!(added[0]["record"].get("corrections").is_none());
    // The published site is the site as recorded: the same ledger, the same head in the footer.
    assert_eq!(site.read("public/data/ledger.jsonl"), after);
    let head = hex(&sha256(after.lines().last().unwrap().as_bytes()));
    let index = site.read("public/index.html");
    assert!(
        index.contains(&format!(
            "共 12 条，最新哈希 <code class=\"hash\" title=\"{head}\">{}</code>",
            &head[..12]
        )),
        "footer"
    );
    let project = site.read("public/projects/county-service-center/index.html");
    assert!(
        project.contains(">更正记录<")
            && project.contains("<del>邓志华</del>")
            && project.contains("<ins>邓志强</ins>")
    );
    let notice = site.read("public/notices/award-county-service-center/index.html");
    assert!(notice.contains("<strong>已撤回</strong>：本记录已于 <time datetime=\"2023-06-02\">"));
    assert!(notice.contains("误发，以更正后的公告为准"));
    // Published again the same day: nothing more to record.
    let again = publish(&site, "2023-06-02");
    assert!(
        stderr(&again).contains("没有新的变化（共 12 条"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn publish_appends_nothing_when_the_build_fails_and_build_check_never_write() {
    let site = adopted();
    assert_eq!(publish(&site, "2023-06-01").status.code(), Some(0));
    let ledger = site.read(LEDGER);
    let public = tree(&site.path("public"));
    // A change without a correction: the build fails, nothing is written anywhere.
    site.replace(P, "responsible = \"邓志华\"", "responsible = \"邓志强\"");
    let out = publish(&site, "2023-06-02");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[silent-change]"));
    assert!(stderr(&out).contains("公开记录 ledger.jsonl 也没有追加"));
    assert_eq!(site.read(LEDGER), ledger);
    assert_eq!(tree(&site.path("public")), public);
    // With the correction, build and check pass, and neither writes the ledger.
    front_matter(
        &site,
        P,
        "[[corrections]]\ndate = 2023-06-02\nreason = \"姓名更正\"",
    );
    let built = site.build("2023-06-02", &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert_eq!(
        site.run(&["check", "--as-of", "2023-06-02"]).status.code(),
        Some(0)
    );
    assert_eq!(site.read(LEDGER), ledger);
    // What a build publishes is the ledger as it stands: the correction is not shown yet.
    assert_eq!(site.read("public/data/ledger.jsonl"), ledger);
    assert!(!site.read("public/changes/index.html").contains("姓名更正"));
    // A usage error: a publish dated before the ledger's last entry is refused.
    assert_eq!(publish(&site, "2023-06-02").status.code(), Some(0));
    let ledger = site.read(LEDGER);
    let early = publish(&site, "2023-06-01");
    assert_eq!(early.status.code(), Some(2), "{}", stderr(&early));
    assert!(
        stderr(&early).contains("只能按日期往后追加"),
        "{}",
        stderr(&early)
    );
    assert_eq!(site.read(LEDGER), ledger);
}

/// The SHA-256 `column.json` gives for the published ledger, and the published file's.
fn published_ledger_digest(site: &Site) -> (String, String) {
    let column: serde_json::Value =
        serde_json::from_str(&site.read("public/data/column.json")).unwrap();
    let named = column["files"]["ledger.jsonl"]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let copy = fs::read(site.path("public/data/ledger.jsonl")).unwrap();
    (named, hex(&sha256(&copy)))
}

#[test]
fn the_published_copy_is_the_ledger_with_its_hash_even_through_a_link() {
    let site = adopted();
    // The ledger kept elsewhere, linked in: read, copied and appended to through the link.
    fs::create_dir(site.path("records")).unwrap();
    fs::rename(site.path(LEDGER), site.path("records/ledger.jsonl")).unwrap();
    std::os::unix::fs::symlink("records/ledger.jsonl", site.path(LEDGER)).unwrap();
    let built = site.build("2023-06-01", &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert_eq!(site.read("public/data/ledger.jsonl"), site.read(LEDGER));
    let (named, copy) = published_ledger_digest(&site);
    assert_eq!(named, copy);
    // A publish shows the lines it appends in the copy, and their hash in column.json.
    site.replace(P, "responsible = \"邓志华\"", "responsible = \"邓志强\"");
    front_matter(
        &site,
        P,
        "[[corrections]]\ndate = 2023-06-02\nreason = \"姓名更正\"",
    );
    let out = publish(&site, "2023-06-02");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(site.read("records/ledger.jsonl").contains("姓名更正"));
    assert_eq!(site.read("public/data/ledger.jsonl"), site.read(LEDGER));
    let (named, copy) = published_ledger_digest(&site);
    assert_eq!(named, copy);
    // A build dated before the correction publishes the ledger as it stood then.
    let built = site.build("2023-06-01", &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(!site.read("public/data/ledger.jsonl").contains("姓名更正"));
    let (named, copy) = published_ledger_digest(&site);
    assert_eq!(named, copy);
}

#[test]
fn backdated_by_one_day_is_an_error_and_the_first_honest_day_is_not() {
    let site = adopted();
    let report = |published: &str| {
        site.write(
            "content/projects/county-service-center/progress/2022-09.md",
            format!("+++\npublished = {published}\npercent = 100\n+++\n完工验收资料整理。\n"),
        );
        site.findings("2023-06-01")
    };
    // The ledger's last entry is dated 8 September 2022.
    let f = report("2022-09-08");
    let b = common::only(&f, "backdated");
    assert_eq!(
        (b.file.as_str(), b.line, b.field.as_deref()),
        (
            "content/projects/county-service-center/progress/2022-09.md",
            Some(2),
            Some("published")
        )
    );
    assert!(b.message.contains("不能早于 2022年9月9日"), "{}", b.message);
    assert!(report("2022-09-09").iter().all(|f| f.rule != "backdated"));
    // Judged before the ledger's last entry, later entries are ignored: on 10 August 2022 the
    // last entry in effect is of 8 August, so a document published on 9 August is honest then,
    // and backdated once the entry of 8 September is in effect.
    site.remove("content/projects/county-service-center/progress/2022-09.md");
    site.write(
        "content/documents/august-report.md",
        "+++\nkind = \"report\"\ntitle = \"八月工作报告\"\nissuer = \"乳源瑶族自治县工业和信息化局\"\nissued = 2022-08-08\npublished = 2022-08-09\n+++\n",
    );
    let early = site.findings("2022-08-10");
    assert!(early.iter().all(|f| f.rule != "backdated"), "{early:#?}");
    common::only(&site.findings("2022-09-08"), "backdated");
}

#[test]
fn silent_change_lists_the_fields_and_a_removed_record_names_its_line() {
    let site = adopted();
    site.replace(REPORT, "percent = 100", "percent = 95");
    let f = site.findings("2023-06-01");
    let s = common::only(&f, "silent-change");
    assert_eq!(s.file, REPORT);
    assert!(
        s.message.contains("完成比例（percent）：100 → 95"),
        "{}",
        s.message
    );
    site.replace(REPORT, "percent = 95", "percent = 100");
    assert!(site.findings("2023-06-01").is_empty());
    site.remove(NOTICE);
    let f = site.findings("2023-06-01");
    let r = common::only(&f, "record-removed");
    assert_eq!((r.file.as_str(), r.line), (LEDGER, Some(4)));
}

/// The line of `text` a byte offset falls on (1-based), and where that line starts.
fn line_of(text: &[u8], at: usize) -> (u32, usize) {
    let start = text[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    (
        text[..at].iter().filter(|b| **b == b'\n').count() as u32 + 1,
        start,
    )
}

/// A byte other than `b`, keeping ASCII ASCII.
fn other(b: u8) -> u8 {
    match b {
        b'0'..=b'8' | b'a'..=b'y' | b'A'..=b'Y' => b + 1,
        b'9' => b'0',
        b'z' => b'a',
        b'Z' => b'A',
        b'"' => b'x',
        _ if b >= 0x80 => b ^ 0x01,
        _ => b'"',
    }
}

#[test]
fn one_byte_changed_anywhere_is_found_and_the_line_named() {
    let site = adopted();
    let good = fs::read(site.path(LEDGER)).unwrap();
    assert_eq!(Ledger::from_bytes(&good).broken, None);
    let last_start = good[..good.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap()
        + 1;
    let last_line = std::str::from_utf8(&good[last_start..]).unwrap();
    // Within the last line, only what no later line and no hash covers can change unseen: the
    // values of its date, id and reason. Those are protected by the copies others hold.
    let value_of = |key: &str| {
        let at = last_line.find(&format!("\"{key}\":\"")).unwrap() + key.len() + 4;
        let len = last_line[at..].find('"').unwrap();
        last_start + at..last_start + at + len
    };
    let unguarded = [value_of("date"), value_of("id")];
    let mut unseen = Vec::new();
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] = other(bad[at]);
        let (line, _) = line_of(&good, at);
        match Ledger::from_bytes(&bad).broken {
            Some(b) => {
                assert!(
                    b.line == line || b.line == line + 1,
                    "byte {at} (line {line}) reported at line {}: {}",
                    b.line,
                    b.message
                );
                assert!(
                    b.message.contains(&format!("第 {line} 行")),
                    "byte {at} (line {line}): {}",
                    b.message
                );
            }
            None => unseen.push(at),
        }
    }
    assert!(
        unseen
            .iter()
            .all(|at| unguarded.iter().any(|r| r.contains(at))),
        "unseen changes outside the last line's date and id: {unseen:?}"
    );
    // The gongkai binary reports it as ledger-tampered, naming the line, at any date.
    let mut bad = good.clone();
    let at = good
        .windows(4)
        .position(|w| w == b"\xe9\x82\x93\xe5")
        .unwrap(); // 邓
    bad[at + 2] ^= 0x01;
    fs::write(site.path(LEDGER), &bad).unwrap();
    let (line, _) = line_of(&good, at);
    for as_of in ["2023-06-01", "2021-01-01"] {
        let f = site.findings(as_of);
        let t = common::only(&f, "ledger-tampered");
        assert_eq!(
            (t.file.as_str(), t.line),
            (LEDGER, Some(line as u64)),
            "{as_of}"
        );
    }
    // A build refuses: the output is not touched.
    assert_eq!(site.build("2023-06-01", &[]).status.code(), Some(1));
    assert!(!site.path("public").exists());
}

fn verify(old: &str, new: &str) -> Output {
    Command::new(BIN)
        .args(["verify", old, new])
        .output()
        .unwrap()
}

#[test]
fn verify_tells_a_consistent_history_from_a_rewritten_one() {
    let site = adopted();
    assert_eq!(publish(&site, "2023-06-01").status.code(), Some(0));
    let old = site.path("old");
    common::copy_dir(&site.path("public"), &old);
    site.replace(P, "responsible = \"邓志华\"", "responsible = \"邓志强\"");
    front_matter(
        &site,
        P,
        "[[corrections]]\ndate = 2023-06-02\nreason = \"责任人姓名按营业执照更正\"",
    );
    assert_eq!(publish(&site, "2023-06-02").status.code(), Some(0));
    let new = site.path("public");
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());

    let ok = verify(o, n);
    let text = stdout(&ok);
    assert_eq!(ok.status.code(), Some(0), "{text}{}", stderr(&ok));
    assert!(
        text.contains("旧副本的 9 行原样是新副本的前 9 行"),
        "{text}"
    );
    assert!(
        text.contains("第 10 行 2023-06-02 更正 项目 county-service-center"),
        "{text}"
    );
    assert!(
        text.contains("contractor.responsible：邓志华 → 邓志强"),
        "{text}"
    );
    assert!(text.contains("结论：一致"), "{text}");

    // Over HTTP, from a loopback server of each copy.
    let (ho, hn) = (serve_folder(&old), serve_folder(&new));
    let http = verify(&ho, &hn);
    assert_eq!(
        http.status.code(),
        Some(0),
        "{}{}",
        stdout(&http),
        stderr(&http)
    );
    assert_eq!(stdout(&http), text);

    // Going backwards loses lines: rewritten.
    let back = verify(n, o);
    assert_eq!(back.status.code(), Some(1));
    assert!(
        stdout(&back).contains("旧副本第 10 行"),
        "{}",
        stdout(&back)
    );

    // A rewritten history: a line of the old copy changed in the new one and the chain
    // recomputed after it, so that the new copy holds together on its own.
    let rewritten = site.path("rewritten");
    common::copy_dir(&new, &rewritten);
    let ledger = fs::read_to_string(new.join("data/ledger.jsonl")).unwrap();
    let doctored = rechain(&ledger.replacen("\"邓志华\"", "\"王志华\"", 1));
    assert_eq!(
        Ledger::from_bytes(doctored.as_bytes()).broken,
        None,
        "holds on its own"
    );
    fs::write(rewritten.join("data/ledger.jsonl"), &doctored).unwrap();
    let caught = verify(o, rewritten.to_str().unwrap());
    assert_eq!(caught.status.code(), Some(1), "{}", stdout(&caught));
    assert!(
        stdout(&caught).contains("第 6 行不同"),
        "{}",
        stdout(&caught)
    );
    let caught = verify(&ho, &serve_folder(&rewritten));
    assert_eq!(caught.status.code(), Some(1));

    // Data disagreeing with the ledger.
    let data = site.path("data-changed");
    common::copy_dir(&new, &data);
    let json = fs::read_to_string(data.join("data/projects.json")).unwrap();
    fs::write(
        data.join("data/projects.json"),
        json.replacen("\"central\": \"150\"", "\"central\": \"160\"", 1),
    )
    .unwrap();
    let disagree = verify(o, data.to_str().unwrap());
    assert_eq!(disagree.status.code(), Some(1));
    assert!(
        stdout(&disagree).contains("项目 county-service-center 的 funding 与公开记录第 10 行"),
        "{}",
        stdout(&disagree)
    );

    // Unreadable copies.
    assert_eq!(
        verify(o, site.path("nowhere").to_str().unwrap())
            .status
            .code(),
        Some(2)
    );
    let gone = verify(&ho, &format!("{hn}/no-such-site"));
    assert_eq!(gone.status.code(), Some(2), "{}", stderr(&gone));
}

/// A ledger with every `hash` and `prev` computed again, as a forger would.
fn rechain(text: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<String> = None;
    for line in text.lines() {
        let r0 = line.find(",\"record\":").unwrap() + 10;
        let r1 = line.find(",\"reason\":").unwrap();
        let record = &line[r0..r1];
        let h0 = line.find("\"hash\":\"").unwrap() + 8;
        let mut l = format!(
            "{}sha256:{}{}",
            &line[..h0],
            hex(&sha256(record.as_bytes())),
            &line[h0 + 71..]
        );
        let p0 = l.rfind(",\"prev\":").unwrap() + 8;
        l = format!(
            "{}{}}}",
            &l[..p0],
            prev.as_deref()
                .map_or("null".to_string(), |p| format!("\"sha256:{p}\""))
        );
        prev = Some(hex(&sha256(l.as_bytes())));
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[test]
fn the_example_shows_its_corrections_and_withdrawal() {
    let site = Site::example();
    let run = site.build("2026-11-25", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let changes = site.read("public/changes/index.html");
    let cold = changes
        .find("绩效目标“冷库面积”误录为 1000 平方米")
        .unwrap();
    let village = changes.find("村级服务点完成数误录为 36 个").unwrap();
    let withdrawn = changes
        .find("撤回：<a href=\"../documents/training-notice-2022/\">")
        .unwrap();
    assert!(village < withdrawn && withdrawn < cold, "newest first");
    assert!(changes.contains(
        "<th scope=\"row\">冷库面积（目标值）</th><td><del>1000</del></td><td><ins>100</ins></td>"
    ));
    assert!(changes.contains("<th scope=\"row\">行政村电子商务及物流配送服务点（完成值）</th>"));
    let project = site.read("public/projects/cold-chain/index.html");
    assert!(project.contains("<h2 id=\"h-corrections\">更正记录</h2>"));
    let report = site.read("public/projects/village-stations/index.html");
    assert!(
        report.contains("已更正：本月进度于 2022年8月10日 更正"),
        "the month says so"
    );
    let doc = site.read("public/documents/training-notice-2022/index.html");
    assert!(
        doc.contains("<strong>已撤回</strong>") && doc.contains("培训班因汛期防汛工作推迟举办")
    );
    assert!(
        site.read("public/documents/index.html")
            .contains("<span class=\"marker\">已撤回</span>")
    );
    // The feed carries them, each at its own address.
    let feed = site.read("public/feed.xml");
    assert!(
        feed.contains("<title>更正：县域电商冷链物流设施建设</title>"),
        "feed"
    );
    assert!(
        feed.contains(
            "<title>撤回：关于举办乳源瑶族自治县2022年第一期农村电商培训班的通知</title>"
        )
    );
    // The open data counts them.
    let projects: serde_json::Value =
        serde_json::from_str(&site.read("public/data/projects.json")).unwrap();
    let of = |id: &str| {
        projects
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            of("cold-chain")["corrections"].as_u64(),
            of("cold-chain")["last_correction"].as_str()
        ),
        (Some(1), Some("2022-06-08"))
    );
    assert_eq!(of("village-stations")["last_correction"], "2022-08-10");
    assert_eq!(of("logistics-center")["corrections"], 0);
    assert!(
        site.read("public/data/projects.csv")
            .contains("更正次数,最近更正日期,撤回日期")
    );
    // Each correction is a further OCDS release of the project's process.
    let ocds: serde_json::Value =
        serde_json::from_str(&site.read("public/data/ocds.json")).unwrap();
    let releases = ocds["releases"].as_array().unwrap();
    let of_process = |id: &str| -> Vec<&serde_json::Value> {
        releases
            .iter()
            .filter(|r| r["ocid"] == format!("ocds-gongkai-{id}"))
            .collect()
    };
    let cold = of_process("cold-chain");
    assert_eq!(cold.len(), 2);
    assert_eq!(cold[1]["tag"][0], "contractAmendment");
    assert_eq!(cold[1]["date"], "2022-06-08T00:00:00+08:00");
    let amendment = &cold[1]["contracts"][0]["amendments"][0];
    assert!(
        amendment["rationale"]
            .as_str()
            .unwrap()
            .contains("误录为 1000 平方米")
    );
    assert_eq!(amendment["description"], "冷库面积（目标值）：1000 → 100");
    assert_eq!(
        of_process("village-stations")[1]["tag"][0],
        "implementationUpdate"
    );
    // On a date before the correction, the ledger shows less and the page no correction.
    let early = site.build(
        "2022-06-07",
        &["--output", site.path("early").to_str().unwrap()],
    );
    assert_eq!(early.status.code(), Some(0), "{}", stderr(&early));
    assert!(
        !site
            .read("early/projects/cold-chain/index.html")
            .contains("id=\"h-corrections\"")
    );
    let shown = site.read("early/data/ledger.jsonl");
    let ledger = site.read(LEDGER);
    let in_effect = ledger
        .lines()
        .filter(|l| {
            let d = &l[l.find("\"date\":\"").unwrap() + 8..][..10];
            d <= "2022-06-07"
        })
        .count();
    assert!(ledger.starts_with(&shown));
    assert_eq!(shown.lines().count(), in_effect);
    assert!(in_effect > 10 && in_effect < ledger.lines().count());
}

#[test]
fn serve_shows_ledger_findings_like_any_other() {
    let site = Site::example();
    site.replace(
        "content/projects/cold-chain/index.md",
        "responsible = \"陈永强\"",
        "responsible = \"陈永刚\"",
    );
    let server = common::server::Server::start(&site, "2026-11-25");
    server.until("/", std::time::Duration::from_secs(20), |p| {
        p.contains("silent-change")
    });
    let page = server.text("/");
    assert!(page.contains("silent-change"), "{page}");
    assert!(page.contains("陈永强 → 陈永刚"), "{page}");
    assert_eq!(
        site.read(LEDGER),
        fs::read_to_string(common::repo().join(LEDGER)).unwrap()
    );
}
