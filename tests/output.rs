//! The output folder: gongkai replaces only what a build of its own wrote, refuses special
//! files, other people's folders and the site's own folders however they are spelled, switches
//! in one step, keeps unchanged files untouched, cleans up after killed builds, and reports
//! I/O failures as such (exit 2, the real path and cause).

mod common;

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Site, stderr, tree};

const AS_OF: &str = "2022-09-01";
const MARKER: &str = ".gongkai-site";

fn build_to(site: &Site, output: &Path) -> std::process::Output {
    site.build(AS_OF, &["--output", output.to_str().unwrap()])
}

fn refused(site: &Site, output: &Path) -> String {
    let run = build_to(site, output);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.contains("错误："), "{err}");
    assert!(!err.contains("error[syntax]"), "{err}");
    err
}

#[test]
fn a_fifo_is_refused_and_left_as_it_is() {
    let site = Site::from_fixture("spec-site");
    let fifo = site.path("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let err = refused(&site, &fifo);
    assert!(err.contains("命名管道"), "{err}");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_device_node_is_refused_and_left_as_it_is() {
    let site = Site::from_fixture("spec-site");
    let node = site.path("null");
    // The same device as /dev/null, made for the test (needs root, as CI runs).
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(made.success(), "mknod needs root");
    let err = refused(&site, &node);
    assert!(err.contains("设备文件"), "{err}");
    let meta = fs::symlink_metadata(&node).unwrap();
    assert!(meta.file_type().is_char_device());
    assert_eq!(meta.rdev(), fs::metadata("/dev/null").unwrap().rdev());
}

#[test]
fn a_socket_and_a_regular_file_are_refused() {
    let site = Site::from_fixture("spec-site");
    let sock = site.path("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let err = refused(&site, &sock);
    assert!(err.contains("套接字"), "{err}");
    assert!(fs::symlink_metadata(&sock).unwrap().file_type().is_socket());
    site.write("notes.txt", "mine");
    refused(&site, &site.path("notes.txt"));
    assert_eq!(site.read("notes.txt"), "mine");
}

#[test]
fn a_web_root_is_not_emptied() {
    let site = Site::from_fixture("spec-site");
    for f in ["w/index.html", "w/404.html", "w/thesis.docx"] {
        site.write(f, "someone's");
    }
    fs::create_dir_all(site.path("w/uploads")).unwrap();
    site.write("w/uploads/a.pdf", "pdf");
    let before = tree(&site.path("w"));
    let err = refused(&site, &site.path("w"));
    assert!(err.contains(MARKER), "{err}");
    assert_eq!(tree(&site.path("w")), before);
}

/// `gongkai build --root . --output <spelled>` run from inside the site.
fn build_from_root(site: &Site, output: &str) -> std::process::Output {
    Command::new(BIN)
        .current_dir(site.root())
        .args(["build", "--root", ".", "--as-of", AS_OF, "--output", output])
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_sites_own_folders_are_refused_however_spelled() {
    let site = Site::from_fixture("spec-site");
    fs::create_dir_all(site.path("static")).unwrap();
    fs::create_dir_all(site.path("themes/county")).unwrap();
    let abs = site.path("content/projects/newdir");
    for spelled in [
        "content/projects/newdir",
        "./content/projects/newdir",
        "public/../content/projects/newdir",
        abs.to_str().unwrap(),
        "static/site",
        "themes/county/out",
        ".",
        "..",
    ] {
        let run = build_from_root(&site, spelled);
        assert_eq!(run.status.code(), Some(2), "{spelled}: {}", stderr(&run));
        assert!(stderr(&run).contains("错误："), "{spelled}");
    }
    assert!(!abs.exists(), "nothing is written into the content");
    assert!(fs::read_dir(site.path("static")).unwrap().next().is_none());
    // The same spelled through a link to the content folder.
    std::os::unix::fs::symlink(site.path("content"), site.path("alias")).unwrap();
    let run = build_from_root(&site, "alias/new");
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(!site.path("content/new").exists());
    // A new folder elsewhere is fine, relative or not.
    let run = build_from_root(&site, "out/site");
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(site.path("out/site/index.html").is_file());
}

#[test]
fn a_symlinked_output_folder_is_updated_through_the_link() {
    let site = Site::from_fixture("spec-site");
    let real = site.path("srv/www");
    fs::create_dir_all(&real).unwrap();
    let link = site.path("public-link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert_eq!(build_to(&site, &link).status.code(), Some(0));
    assert!(real.join("index.html").is_file());
    site.replace(
        "config.toml",
        "title = \"乳源瑶族自治县电子商务进农村综合示范专栏\"",
        "title = \"新的专栏名称\"",
    );
    assert_eq!(build_to(&site, &link).status.code(), Some(0));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert_eq!(fs::read_link(&link).unwrap(), real);
    assert!(site.read("srv/www/index.html").contains("新的专栏名称"));
    let leftovers: Vec<_> = fs::read_dir(site.path("srv"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["www"]);
}

#[test]
fn our_output_is_marked_and_replaced_while_unchanged_files_keep_inode_and_time() {
    let site = Site::from_fixture("spec-site");
    let out = site.path("public");
    assert_eq!(build_to(&site, &out).status.code(), Some(0));
    assert!(out.join(MARKER).is_file());
    let stamp = |rel: &str| {
        let m = fs::metadata(out.join(rel)).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let (style, feed, home) = (stamp("style.css"), stamp("feed.xml"), stamp("index.html"));
    let all = |dir: &Path| -> Vec<(String, (u64, i64, i64))> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let m = e.metadata().unwrap();
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
            })
            .collect()
    };
    let every = all(&out);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(build_to(&site, &out).status.code(), Some(0));
    // Nothing changed: not one file is written anew, the marker included, so that a copy by
    // modification time (rsync, an upload tool) sends nothing.
    assert_eq!(all(&out), every);
    assert_eq!(stamp("style.css"), style);
    assert_eq!(stamp("feed.xml"), feed);
    assert_eq!(stamp("index.html"), home);
    site.replace(
        "config.toml",
        "title = \"乳源瑶族自治县电子商务进农村综合示范专栏\"",
        "title = \"新的专栏名称\"",
    );
    assert_eq!(build_to(&site, &out).status.code(), Some(0));
    assert_ne!(stamp("index.html").0, home.0, "a changed file is new");
    assert_eq!(stamp("style.css"), style);
    assert!(site.read("public/index.html").contains("新的专栏名称"));
}

#[test]
fn a_disk_error_is_an_io_error_with_the_real_path() {
    let site = Site::from_fixture("spec-site");
    let out = site.path("public");
    assert_eq!(build_to(&site, &out).status.code(), Some(0));
    let before = tree(&out);
    site.write(
        "content/projects/county-service-center/big.pdf",
        vec![b'x'; 200_000],
    );
    // Files larger than 100 KB cannot be written: the write fails with "File too large".
    let run = Command::new("sh")
        .args([
            "-c",
            "ulimit -f 100; trap '' XFSZ; exec \"$@\"",
            "sh",
            BIN,
            "build",
            "--as-of",
            AS_OF,
            "--root",
        ])
        .arg(site.root())
        .arg("--output")
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("错误："), "{err}");
    assert!(!err.contains("error[syntax]"), "{err}");
    assert!(err.contains("big.pdf"), "{err}");
    assert!(err.contains("原有网站未改动"), "{err}");
    assert_eq!(tree(&out), before);
}

/// Builds a larger site again and again, killing each build at a different moment: the output
/// is always one whole site (the old or the new), and the next build removes what the killed
/// ones left.
#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_output() {
    let site = Site::from_fixture("spec-site");
    let corpus = tempfile::tempdir().unwrap();
    let made = Command::new(BIN)
        .args(["bench-corpus", "--projects", "60", "--months", "12"])
        .arg(corpus.path().join("site"))
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    drop(site);
    let root = corpus.path().join("site");
    let out = corpus.path().join("public");
    let build = || {
        let mut cmd = Command::new(BIN);
        cmd.args(["build", "--as-of", "2026-11-25", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&out)
            .stderr(Stdio::null())
            .stdout(Stdio::null());
        cmd
    };
    let started = Instant::now();
    assert!(build().status().unwrap().success());
    let full = started.elapsed();
    let whole = tree(&out);
    for i in 0..24u32 {
        let mut child = build().spawn().unwrap();
        std::thread::sleep(full * i / 20);
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(tree(&out), whole, "after a kill at {i}/20 of a build");
    }
    assert!(build().status().unwrap().success());
    let names: Vec<_> = fs::read_dir(corpus.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["public", "site"], "no staging folder is left");
}
