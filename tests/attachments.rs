//! Attachments are content: only regular files inside the site, of the allowed types, never
//! pages, SVG or scripts; no name shadows a generated file; a scheduled project publishes
//! nothing early; leftovers are skipped; themes come only from `themes/`.

mod common;

use std::fs;
use std::process::Command;

use common::{Site, only, stderr, tree};

const AS_OF: &str = "2022-09-01";
const DIR: &str = "content/projects/county-service-center";
const OUT: &str = "public/projects/county-service-center";

fn built(site: &Site) -> std::process::Output {
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    run
}

fn refused(site: &Site, rule: &str, file: &str) -> String {
    let findings = site.findings(AS_OF);
    let f = only(&findings, rule);
    assert_eq!(f.file, file, "{findings:#?}");
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    f.message.clone()
}

#[test]
fn documents_and_images_beside_a_project_are_published() {
    let site = Site::from_fixture("spec-site");
    site.write(&format!("{DIR}/验收报告.pdf"), "%PDF-1.4");
    site.write(&format!("{DIR}/照片/现场.JPG"), [0xFF, 0xD8]);
    built(&site);
    assert!(site.path(&format!("{OUT}/验收报告.pdf")).is_file());
    assert!(site.path(&format!("{OUT}/照片/现场.JPG")).is_file());
}

#[test]
fn pages_svg_and_scripts_are_never_published() {
    for name in [
        "index.html",
        "evil.html",
        "logo.svg",
        "a.js",
        "feed.xml",
        "x.xhtml",
    ] {
        let site = Site::from_fixture("spec-site");
        site.write(&format!("{DIR}/{name}"), "<script>alert(1)</script>");
        let message = refused(&site, "unsafe-content", &format!("{DIR}/{name}"));
        assert!(message.contains("运行代码"), "{name}: {message}");
        assert!(!site.path(&format!("{OUT}/{name}")).exists() || name == "index.html");
    }
    // An unlisted type is refused too, naming the list; config can add it.
    let site = Site::from_fixture("spec-site");
    site.write(&format!("{DIR}/图纸.dwg"), "x");
    let message = refused(&site, "unsafe-content", &format!("{DIR}/图纸.dwg"));
    assert!(message.contains("不在可发布的附件类型里"), "{message}");
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}\n[attachments]\nallow = [\"pdf\", \"dwg\"]\n"),
    );
    built(&site);
    assert!(site.path(&format!("{OUT}/图纸.dwg")).is_file());
    // Listing an active type is itself an error.
    site.write(
        "config.toml",
        format!("{config}\n[attachments]\nallow = [\"pdf\", \"svg\"]\n"),
    );
    let f = site.findings(AS_OF);
    let bad = only(&f, "invalid-value");
    assert_eq!(bad.field.as_deref(), Some("attachments.allow"));
}

#[test]
fn a_link_out_of_the_site_and_special_files_are_refused() {
    let site = Site::from_fixture("spec-site");
    std::os::unix::fs::symlink("/etc/passwd", site.path(&format!("{DIR}/photo.jpg"))).unwrap();
    let message = refused(&site, "unsafe-content", &format!("{DIR}/photo.jpg"));
    assert!(message.contains("站点外"), "{message}");
    let site = Site::from_fixture("spec-site");
    let fifo = site.path(&format!("{DIR}/data.csv"));
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let message = refused(&site, "unsafe-content", &format!("{DIR}/data.csv"));
    assert!(message.contains("不是普通文件"), "{message}");
    // A link to a file inside the site is that file.
    let site = Site::from_fixture("spec-site");
    site.write("shared/合同.pdf", "%PDF");
    std::os::unix::fs::symlink(
        site.path("shared/合同.pdf"),
        site.path(&format!("{DIR}/合同.pdf")),
    )
    .unwrap();
    built(&site);
    assert_eq!(site.read(&format!("{OUT}/合同.pdf")), "%PDF");
}

#[test]
fn record_files_that_are_fifos_or_devices_do_not_hang_the_check() {
    let site = Site::from_fixture("spec-site");
    let fifo = site.path("content/documents/x.md");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", site.path("content/notices/zero.md")).unwrap();
    let started = std::time::Instant::now();
    let findings = site.findings(AS_OF);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    for file in ["content/documents/x.md", "content/notices/zero.md"] {
        let f = findings
            .iter()
            .find(|f| f.file == file && f.rule == "syntax")
            .unwrap_or_else(|| panic!("{file}: {findings:#?}"));
        assert!(f.message.contains("不是普通文件"), "{}", f.message);
    }
}

#[test]
fn a_name_that_would_shadow_a_generated_file_is_an_error_naming_both() {
    let site = Site::from_fixture("spec-site");
    built(&site);
    let before = tree(&site.path("public"));
    site.write("static/data/projects.csv", "id\nfake\n");
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("static/data/projects.csv 会覆盖 gongkai 生成的 data/projects.csv"),
        "{err}"
    );
    assert_eq!(tree(&site.path("public")), before);
    // The same name from two places.
    let site = Site::from_fixture("spec-site");
    site.write(&format!("{DIR}/a.pdf"), "one");
    site.write("static/projects/county-service-center/a.pdf", "two");
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("都会发布为 projects/county-service-center/a.pdf"));
    // A theme restyles on purpose: its style.css replaces the built-in one.
    let site = Site::from_fixture("spec-site");
    site.write("static/style.css", "body{}");
    built(&site);
    assert_eq!(site.read("public/style.css"), "body{}");
}

#[test]
fn a_scheduled_project_publishes_no_attachment_early() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        &format!("{DIR}/index.md"),
        "published = 2022-05-30",
        "published = 2030-01-01",
    );
    site.write(&format!("{DIR}/中标通知书.pdf"), "%PDF");
    built(&site);
    assert!(!site.path(OUT).exists(), "nothing of it is public yet");
    let run = site.build("2030-01-01", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(site.path(&format!("{OUT}/中标通知书.pdf")).is_file());
}

#[test]
fn editor_and_system_leftovers_are_skipped() {
    let site = Site::from_fixture("spec-site");
    for name in [
        "index.md.bak",
        "#index.md#",
        "index.md~",
        "~$报告.docx",
        ".DS_Store",
        "Thumbs.db",
        "desktop.ini",
    ] {
        site.write(&format!("{DIR}/{name}"), "leftover");
    }
    site.write("static/Thumbs.db", "x");
    let findings = site.findings(AS_OF);
    assert!(
        findings.iter().all(|f| f.severity != "error"),
        "{findings:#?}"
    );
    built(&site);
    let published: Vec<String> = fs::read_dir(site.path(OUT))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(published, ["index.html"]);
    assert!(!site.path("public/Thumbs.db").exists());
}

#[test]
fn themes_come_only_from_the_sites_themes_folder() {
    for theme in ["/etc", "../x", "county/../../x", "a b"] {
        let site = Site::from_fixture("spec-site");
        site.replace(
            "config.toml",
            "theme = \"default\"",
            &format!("theme = \"{theme}\""),
        );
        let f = site.findings(AS_OF);
        let bad = only(&f, "invalid-value");
        assert_eq!(bad.field.as_deref(), Some("theme"), "{theme}");
        let run = site.build(AS_OF, &[]);
        assert_eq!(run.status.code(), Some(1), "{theme}: {}", stderr(&run));
        assert!(!site.path("public/passwd").exists());
    }
    // A link in themes/ to a folder elsewhere is no theme of the site's.
    let site = Site::from_fixture("spec-site");
    let elsewhere = tempfile::tempdir().unwrap();
    fs::create_dir_all(elsewhere.path().join("static")).unwrap();
    fs::write(elsewhere.path().join("static/secret.txt"), "x").unwrap();
    fs::create_dir_all(site.path("themes")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path("themes/county")).unwrap();
    site.replace("config.toml", "theme = \"default\"", "theme = \"county\"");
    let run = site.build(AS_OF, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("themes/county/"), "{}", stderr(&run));
    assert!(!site.path("public/secret.txt").exists());
}

#[test]
fn base_url_must_be_a_whole_address() {
    let site = Site::from_fixture("spec-site");
    let config = site.read("config.toml");
    let line = config
        .lines()
        .find(|l| l.starts_with("base_url"))
        .unwrap()
        .to_string();
    for bad in ["http://", "https://", "http:///", "http://a b"] {
        site.write(
            "config.toml",
            config.replace(&line, &format!("base_url = \"{bad}\"")),
        );
        let f = site.findings(AS_OF);
        assert_eq!(
            only(&f, "invalid-value").field.as_deref(),
            Some("base_url"),
            "{bad}"
        );
        let run = site.build(AS_OF, &["--base-url", bad]);
        assert_eq!(run.status.code(), Some(2), "{bad}: {}", stderr(&run));
    }
}
