//! The preview under stress: large downloads stream, a build that fails does not end the
//! preview, a watched folder renamed away and back is still watched, and a file that is not
//! the site's is never served.

mod common;

use std::time::Duration;

use common::Site;
use common::server::Server;

const AS_OF: &str = "2023-06-01";
const DIR: &str = "content/projects/county-service-center";
const PAGE: &str = "/projects/county-service-center/";
const REPORT: &str = "content/projects/county-service-center/progress/2022-07.md";

#[test]
fn large_attachments_stream_to_many_readers_in_flat_memory() {
    let site = Site::from_fixture("spec-site");
    let size: u64 = 256 << 20;
    let file = std::fs::File::create(site.path(&format!("{DIR}/档案.zip"))).unwrap();
    file.set_len(size).unwrap();
    let server = Server::start(&site, AS_OF);
    let before = server.peak_kb();
    let readers: Vec<_> = (0..6)
        .map(|_| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut s = std::net::TcpStream::connect(&addr).unwrap();
                write!(
                    s,
                    "GET /projects/county-service-center/%E6%A1%A3%E6%A1%88.zip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut n = 0u64;
                let mut buf = vec![0u8; 1 << 16];
                loop {
                    match s.read(&mut buf).unwrap() {
                        0 => break n,
                        k => n += k as u64,
                    }
                }
            })
        })
        .collect();
    for r in readers {
        assert!(r.join().unwrap() > size, "the whole file and its headers");
    }
    let grew = server.peak_kb().saturating_sub(before);
    assert!(grew < 64 * 1024, "memory grew by {grew} kB for 6 × 256 MB");
}

#[test]
fn amounts_at_the_limit_show_errors_and_the_preview_recovers() {
    let site = Site::from_fixture("spec-site");
    let server = Server::start(&site, AS_OF);
    assert_eq!(server.get(PAGE).0, 200);
    let good = site.read(&format!("{DIR}/index.md"));
    site.write(
        &format!("{DIR}/index.md"),
        good.replace(
            "central = 150",
            "central = \"79228162514264337593543950335\"",
        ),
    );
    server.until(PAGE, Duration::from_secs(5), |b| {
        b.contains("gongkai-errors") && b.contains("invalid-value")
    });
    site.write(&format!("{DIR}/index.md"), good);
    server.until(PAGE, Duration::from_secs(5), |b| {
        b.contains("承办单位责任人") && !b.contains("gongkai-errors")
    });
    // Later edits still rebuild.
    site.replace(
        REPORT,
        "What was done this month, problems found, next steps.",
        "七月：装修完成。",
    );
    server.until(PAGE, Duration::from_secs(5), |b| {
        b.contains("七月：装修完成。")
    });
}

#[test]
fn the_content_folder_renamed_away_and_back_is_still_watched() {
    let site = Site::from_fixture("spec-site");
    let server = Server::start(&site, AS_OF);
    std::fs::rename(site.path("content"), site.path("content-away")).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::rename(site.path("content-away"), site.path("content")).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    server.until(PAGE, Duration::from_secs(5), |b| {
        b.contains("承办单位责任人")
    });
    site.replace(
        REPORT,
        "What was done this month, problems found, next steps.",
        "七月：搬回来之后的修改。",
    );
    server.until(PAGE, Duration::from_secs(5), |b| {
        b.contains("七月：搬回来之后的修改。")
    });
}

#[test]
fn a_link_to_a_system_file_is_not_served() {
    let site = Site::from_fixture("spec-site");
    std::os::unix::fs::symlink("/etc/passwd", site.path(&format!("{DIR}/photo.jpg"))).unwrap();
    let server = Server::start(&site, AS_OF);
    let (_, body) = server.get("/projects/county-service-center/photo.jpg");
    let body = String::from_utf8_lossy(&body);
    assert!(!body.contains("root:"), "{body}");
}
