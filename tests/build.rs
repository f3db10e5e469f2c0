//! `gongkai build` end to end: the pages show what R1 requires, content is always escaped,
//! a failed build changes nothing, the same input gives the same bytes, links resolve.

mod common;

use std::fs;
use std::path::Path;

use common::{Site, stderr, tree};

const AS_OF: &str = "2023-06-01";

fn html_files(dir: &Path) -> Vec<(String, String)> {
    tree(dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn every_project_page_shows_every_r1_label_with_its_value() {
    let site = Site::example();
    let out = site.path("public");
    let run = site.build("2026-11-25", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let projects: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/projects.json")).unwrap()).unwrap();
    let projects = projects.as_array().unwrap();
    assert!(projects.len() >= 8, "the example has at least 8 projects");
    for p in projects {
        let id = p["id"].as_str().unwrap();
        let page = fs::read_to_string(out.join(format!("projects/{id}/index.html"))).unwrap();
        let value_after = |label: &str| -> String {
            let at = page
                .find(&format!(">{label}<"))
                .unwrap_or_else(|| panic!("{id}: no label {label}"));
            // Dates and figures inside titles are wrapped to keep them on one line.
            let after: String = page[at..].chars().take(600).collect();
            after
                .replace("<span class=\"nw\">", "")
                .replace("</span>", "")
        };
        for label in [
            "项目名称",
            "决策文件",
            "承办单位",
            "承办单位责任人",
            "扶持资金",
            "完成时限",
        ] {
            let after = value_after(label);
            assert!(!after.contains("<dd>—</dd>"), "{id}: {label} has no value");
        }
        assert!(value_after("项目名称").contains(p["name"].as_str().unwrap()));
        assert!(value_after("决策文件").contains(p["decision_title"].as_str().unwrap()));
        assert!(value_after("承办单位").contains(p["contractor"]["name"].as_str().unwrap()));
        assert!(
            value_after("承办单位责任人")
                .contains(p["contractor"]["responsible"].as_str().unwrap())
        );
        assert!(
            value_after("扶持资金")
                .contains(&format!("{} 万元", p["funding_total"].as_str().unwrap()))
        );
        let deadline = p["deadline"].as_str().unwrap();
        assert!(value_after("完成时限").contains(&format!("datetime=\"{deadline}\"")));
        assert!(value_after("建设内容和要求").contains("<p>"), "{id}: body");
        let targets = value_after("绩效目标");
        for t in p["targets"].as_array().unwrap() {
            assert!(
                page.contains(&format!(
                    "<th scope=\"row\">{}",
                    t["indicator"].as_str().unwrap()
                )),
                "{id}: {t}"
            );
        }
        assert!(targets.contains("<table>"));
        assert!(
            page.contains(">建设进度<") && page.contains("class=\"timeline\""),
            "{id}: timeline"
        );
        assert!(
            page.contains(">监督举报<")
                && page.contains(&format!(
                    "项目编号 <strong class=\"number\">{}</strong>",
                    p["number"].as_str().unwrap()
                ))
        );
        for channel in ["征求意见窗口", "纪检监察举报窗口", "审计举报窗口"] {
            assert!(page.contains(channel), "{id}: {channel}");
        }
        assert!(page.contains("<html lang=\"zh-CN\">"));
        assert!(page.contains("主办单位：乳源瑶族自治县工业和信息化局"));
    }
    // The JSON has every key SPEC §6 names.
    for key in [
        "id",
        "number",
        "name",
        "category",
        "decision",
        "contractor",
        "funding",
        "funding_total",
        "deadline",
        "targets",
        "percent",
        "disbursed",
        "status",
        "late",
        "url",
    ] {
        assert!(projects[0].get(key).is_some(), "projects.json lacks {key}");
    }
    assert_eq!(
        projects[0]["url"].as_str().unwrap(),
        format!(
            "https://www.ruyuan.gov.cn/zl/dzsw/projects/{}/",
            projects[0]["id"].as_str().unwrap()
        )
    );
}

/// A TOML string with `"` and `\` escaped.
fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn payload(tag: &str) -> String {
    format!("<script>alert({tag})</script>\"&<{tag}")
}

fn escaped(tag: &str) -> String {
    format!("&lt;script&gt;alert({tag})&lt;/script&gt;&quot;&amp;&lt;{tag}")
}

const TAGS: &[&str] = &[
    "title",
    "description",
    "pubname",
    "pubphone",
    "pubaddr",
    "chname",
    "chphone",
    "chaddr",
    "chnote",
    "progname",
    "progdesc",
    "srcname",
    "catname",
    "doctitle",
    "docnumber",
    "docissuer",
    "projname",
    "contractor",
    "responsible",
    "cphone",
    "indicator",
    "tunit",
    "village",
    "route",
    "purpose",
    "actual",
    "noticetitle",
];

/// The spec site with markup in every free-text value. (The registration numbers of the
/// footer take only their registries' formats, so markup there is an error: tests/spot.rs.)
fn hostile_site() -> Site {
    let site = Site::from_fixture("spec-site");
    let p = |t: &str| toml_str(&payload(t));
    site.write(
        "config.toml",
        format!(
            "title = {}\ndescription = {}\n[publisher]\nname = {}\nphone = {}\naddress = {}\nsite_code = \"4402320000\"\nicp = \"粤ICP备2022000000号-1\"\npolice_record = \"粤公网安备 44023202000000号\"\nemail = {}\n\
             [[channels.feedback]]\nname = {}\nphone = {}\naddress = {}\nnote = {}\nemail = {}\nurl = {}\n\
             [[channels.discipline]]\nname = \"纪委\"\nphone = \"12388\"\n[[channels.audit]]\nname = \"审计局\"\nphone = \"1\"\n",
            p("title"), p("description"), p("pubname"), p("pubphone"), p("pubaddr"),
            toml_str(&format!("x{}@ruyuan.gov.cn", payload("email"))),
            p("chname"), p("chphone"), p("chaddr"), p("chnote"),
            toml_str(&format!("a{}@ruyuan.gov.cn", payload("chemail"))),
            toml_str(&format!("https://www.ruyuan.gov.cn/?q={}", payload("churl"))),
        ),
    );
    let programme = site
        .read("content/programme.toml")
        .replacen(
            "name = \"乳源瑶族自治县2021年国家级电子商务进农村综合示范项目\"",
            &format!("name = {}\ndescription = {}", p("progname"), p("progdesc")),
            1,
        )
        .replacen(
            "name = \"中央财政资金\"",
            &format!("name = {}", p("srcname")),
            1,
        )
        .replacen(
            "name = \"完善农村电子商务公共服务体系\"",
            &format!("name = {}", p("catname")),
            1,
        );
    site.write("content/programme.toml", programme);
    let decision = "content/documents/decision-2022-15.md";
    site.replace(
        decision,
        "title = \"关于确定2021年电子商务进农村综合示范项目承办单位的批复\"",
        &format!("title = {}", p("doctitle")),
    );
    site.replace(
        decision,
        "number = \"乳工信〔2022〕15号\"",
        &format!("number = {}", p("docnumber")),
    );
    site.replace(
        decision,
        "issuer = \"乳源瑶族自治县工业和信息化局\"",
        &format!("issuer = {}", p("docissuer")),
    );
    site.replace(
        decision,
        "Markdown body (optional).",
        "5 < 6 & \"引号\" 'single'",
    );
    let project = "content/projects/county-service-center/index.md";
    site.replace(
        project,
        "name = \"升级电商产业园和县级电子商务公共服务中心\"",
        &format!("name = {}", p("projname")),
    );
    site.replace(
        project,
        "name = \"韶关市瑶乡电子商务有限公司\"",
        &format!("name = {}", p("contractor")),
    );
    site.replace(
        project,
        "responsible = \"邓志华\"",
        &format!("responsible = {}", p("responsible")),
    );
    site.replace(
        project,
        "phone = \"0751-5312618\"",
        &format!("phone = {}", p("cphone")),
    );
    site.replace(
        project,
        "indicator = \"电商产业园入驻企业\"",
        &format!("indicator = {}", p("indicator")),
    );
    site.replace(project, "unit = \"家\"", &format!("unit = {}", p("tunit")));
    site.replace(
        project,
        "village = \"乳城镇新兴村\"",
        &format!("village = {}", p("village")),
    );
    site.replace(
        project,
        "route = \"县城—大桥镇\"",
        &format!("route = {}", p("route")),
    );
    site.replace(
        project,
        "purpose = \"服务中心装修工程首期款\"",
        &format!("purpose = {}", p("purpose")),
    );
    site.replace(
        "content/projects/county-service-center/progress/2022-06.md",
        "indicator = \"电商产业园入驻企业\"",
        &format!("indicator = {}", p("actual")),
    );
    let notice = "content/notices/award-county-service-center.md";
    site.replace(
        notice,
        "title = \"乳源县电商公共服务中心项目中标结果公告\"",
        &format!("title = {}", p("noticetitle")),
    );
    site.replace(
        notice,
        "supplier = \"韶关市瑶乡电子商务有限公司\"",
        &format!("supplier = {}", p("contractor")),
    );
    site
}

#[test]
fn every_value_from_content_is_escaped_in_every_page_and_exact_in_the_json() {
    let site = hostile_site();
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let pages = html_files(&site.path("public"));
    let all: String = pages.iter().map(|(_, t)| t.as_str()).collect();
    for (path, html) in &pages {
        for tag in html.split("<script").skip(1) {
            let src = tag.split('"').nth(1).unwrap_or("");
            assert!(
                tag.starts_with(" src=\"")
                    && (src.ends_with("site.js")
                        || src.ends_with("search.js")
                        || src.ends_with("modes.js")),
                "{path}: a script that is not the theme's: <script{}",
                &tag[..tag.len().min(60)]
            );
        }
        assert!(
            !html.contains("\"&<"),
            "{path}: an unescaped quote, ampersand or angle bracket"
        );
        assert!(
            html.contains(&escaped("title")),
            "{path}: the site title, escaped"
        );
        assert!(
            html.contains(&escaped("pubname")),
            "{path}: the publisher, escaped"
        );
    }
    for tag in TAGS {
        assert!(
            all.contains(&escaped(tag)),
            "{tag} is not shown escaped anywhere"
        );
    }
    for tag in ["email", "chemail", "churl"] {
        assert!(
            all.contains(&format!("&lt;script&gt;alert({tag})")),
            "{tag}"
        );
    }
    assert!(all.contains("5 &lt; 6 &amp;"), "Markdown text is escaped");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(site.path("public/data/projects.json")).unwrap()).unwrap();
    assert_eq!(json[0]["name"].as_str().unwrap(), payload("projname"));
    assert_eq!(
        json[0]["contractor"]["responsible"].as_str().unwrap(),
        payload("responsible")
    );
    assert_eq!(
        json[0]["targets"][0]["indicator"].as_str().unwrap(),
        payload("indicator")
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = Site::from_fixture("spec-site");
    assert_eq!(site.build(AS_OF, &[]).status.code(), Some(0));
    let before = tree(&site.path("public"));
    assert!(before.contains_key("index.html"));
    site.replace(
        "content/projects/county-service-center/index.md",
        "responsible = \"邓志华\"",
        "responsible = \"\"",
    );
    site.write(
        "content/projects/new-one/index.md",
        "+++\nname = \"新项目\"\n+++\n内容\n",
    );
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("未生成网站"), "{}", stderr(&run));
    assert_eq!(tree(&site.path("public")), before);
    let leftovers: Vec<String> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_same_content_and_date_give_the_same_bytes() {
    let site = Site::example();
    let a = site.build(
        "2023-06-01",
        &["--output", site.path("out-a").to_str().unwrap()],
    );
    let b = site.build(
        "2023-06-01",
        &["--output", site.path("out-b").to_str().unwrap()],
    );
    assert_eq!((a.status.code(), b.status.code()), (Some(0), Some(0)));
    let (ta, tb) = (tree(&site.path("out-a")), tree(&site.path("out-b")));
    assert!(ta.len() > 30);
    assert_eq!(ta, tb);
}

/// Resolves a relative link from a page to a file of the output.
fn target(out: &Path, page: &str, href: &str) -> std::path::PathBuf {
    let href = href.split(['#', '?']).next().unwrap();
    let base = Path::new(page).parent().unwrap_or(Path::new(""));
    let mut path = out.join(base);
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            p => path.push(p),
        }
    }
    if href.is_empty() || href.ends_with('/') || path.is_dir() {
        path.join("index.html")
    } else {
        path
    }
}

#[test]
fn every_internal_link_resolves() {
    let site = Site::example();
    assert_eq!(site.build(AS_OF, &[]).status.code(), Some(0));
    let out = site.path("public");
    let mut checked = 0;
    for (page, html) in html_files(&out) {
        if page == "404.html" {
            continue;
        }
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let link = &piece[..piece.find('"').unwrap()];
                if link.starts_with("https://")
                    || link.starts_with("mailto:")
                    || link.starts_with("tel:")
                    || link.starts_with('#')
                {
                    continue;
                }
                assert!(
                    !link.starts_with('/') && !link.starts_with("http:"),
                    "{page}: {link} is not relative"
                );
                assert!(
                    target(&out, &page, link).is_file(),
                    "{page}: {link} leads nowhere"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked} links checked");
}

#[test]
fn base_url_makes_absolute_addresses_and_the_404_page_works_anywhere() {
    let site = Site::from_fixture("spec-site");
    let run = site.build(AS_OF, &["--base-url", "https://zl.example.gov.cn/ruyuan/"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let index = site.read("public/index.html");
    assert!(
        index.contains("<link rel=\"canonical\" href=\"https://zl.example.gov.cn/ruyuan/\">"),
        "{index}"
    );
    let not_found = site.read("public/404.html");
    assert!(
        not_found.contains("href=\"/ruyuan/style.css\"")
            && not_found.contains("href=\"/ruyuan/projects/\"")
    );
    let json = site.read("public/data/projects.json");
    assert!(
        json.contains(
            "\"url\": \"https://zl.example.gov.cn/ruyuan/projects/county-service-center/\""
        ),
        "{json}"
    );
    // Without --base-url, config.toml's base_url is used.
    site.build(AS_OF, &[]);
    assert!(
        site.read("public/404.html")
            .contains("href=\"/zl/dzsw/style.css\"")
    );
    assert_eq!(
        site.run(&["build", "--base-url", "example.gov.cn"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_site_theme_overrides_templates_file_by_file_and_adds_static_files() {
    let site = Site::from_fixture("spec-site");
    site.replace("config.toml", "theme = \"default\"", "theme = \"county\"");
    site.write("themes/county/templates/404.html", "{% extends \"base.html\" %}{% block content %}<h1>本县专用 404：{{ site.title }}</h1>{% endblock content %}");
    site.write("themes/county/static/logo.png", [0x89, b'P', b'N', b'G']);
    site.write("static/robots.txt", "User-agent: *\n");
    assert_eq!(site.build(AS_OF, &[]).status.code(), Some(0));
    assert!(
        site.read("public/404.html")
            .contains("本县专用 404：乳源瑶族自治县电子商务进农村综合示范专栏")
    );
    assert!(
        site.read("public/index.html").contains("钱从哪里来"),
        "other templates stay built in"
    );
    assert!(site.path("public/logo.png").is_file() && site.path("public/robots.txt").is_file());
    // A broken template is an error naming the file; the output is kept.
    site.write("themes/county/templates/404.html", "{% if %}");
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("themes/county/templates/404.html"),
        "{}",
        stderr(&run)
    );
    assert!(site.read("public/404.html").contains("本县专用"));
}

#[test]
fn records_published_after_the_as_of_date_appear_nowhere() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        "content/projects/county-service-center/index.md",
        "published = 2022-05-30",
        "published = 2023-07-01",
    );
    assert_eq!(site.build(AS_OF, &[]).status.code(), Some(0));
    let out = site.path("public");
    assert!(!out.join("projects/county-service-center").exists());
    for (page, html) in html_files(&out) {
        assert!(
            !html.contains("升级电商产业园和县级电子商务公共服务中心"),
            "{page} mentions a scheduled project"
        );
    }
    assert_eq!(site.read("public/data/projects.json").trim(), "[]");
    assert_eq!(site.build("2023-07-01", &[]).status.code(), Some(0));
    assert!(
        out.join("projects/county-service-center/index.html")
            .is_file()
    );
}

#[test]
fn files_beside_a_project_are_published_with_it() {
    let site = Site::from_fixture("spec-site");
    site.write(
        "content/projects/county-service-center/photo.jpg",
        [0xFF, 0xD8, 0xFF],
    );
    site.replace(
        "content/projects/county-service-center/index.md",
        "required, not empty.",
        "required, not empty.\n\n![现场照片](photo.jpg)",
    );
    assert_eq!(site.build(AS_OF, &[]).status.code(), Some(0));
    assert_eq!(
        fs::read(site.path("public/projects/county-service-center/photo.jpg")).unwrap(),
        [0xFF, 0xD8, 0xFF]
    );
    assert!(
        site.read("public/projects/county-service-center/index.html")
            .contains("<img src=\"photo.jpg\" alt=\"现场照片\"")
    );
}

#[test]
fn refuses_to_overwrite_a_folder_it_did_not_make() {
    let site = Site::from_fixture("spec-site");
    site.write("mine/thesis.docx", "important");
    let run = site.build(AS_OF, &["--output", site.path("mine").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert_eq!(site.read("mine/thesis.docx"), "important");
}

/// Runs `gongkai` with its stderr on a pseudo-terminal (util-linux `script`), as in a window.
fn on_a_terminal(args: &[&str]) -> String {
    let line = std::iter::once(common::BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .expect("util-linux script runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_long_build_shows_a_progress_bar_on_a_terminal_and_none_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("big");
    let site_arg = site.to_str().unwrap();
    let made = std::process::Command::new(common::BIN)
        .args([
            "bench-corpus",
            "--projects",
            "400",
            "--months",
            "36",
            site_arg,
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", common::stderr(&made));
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    let build = [
        "build",
        "--root",
        site_arg,
        "--output",
        out_arg,
        "--as-of",
        "2026-11-25",
    ];

    let shown = on_a_terminal(&build);
    assert!(
        shown.contains("生成页面") && shown.contains("已生成网站"),
        "a bar before the summary:\n{shown}"
    );

    let piped = std::process::Command::new(common::BIN)
        .args(build)
        .output()
        .unwrap();
    assert!(piped.status.success());
    let text = common::stderr(&piped);
    assert!(text.contains("已生成网站"), "{text}");
    for bar in ["生成页面", "读取项目", "\r", "\u{1b}["] {
        assert!(!text.contains(bar), "no bar ({bar:?}) when piped:\n{text}");
    }
}
