//! `gongkai serve`: edits reach the browser within 2 s, errors are shown over the site, then
//! fixed; a busy port is replaced by a free one.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::Site;
use common::server::Server;

const AS_OF: &str = "2023-06-01";
const REPORT: &str = "content/projects/county-service-center/progress/2022-07.md";

/// The reload events of the page.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(addr: &str) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET /__gongkai/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        Events(BufReader::new(s))
    }

    fn next(&mut self) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            self.0.read_line(&mut line).expect("an event within 2 s");
            if let Some(data) = line.strip_prefix("data: ") {
                return data.trim().to_string();
            }
        }
    }
}

#[test]
fn an_edited_report_is_served_with_a_reload_event_within_two_seconds() {
    let site = Site::from_fixture("spec-site");
    let server = Server::start_on(&site, AS_OF, "0");
    let page = "/projects/county-service-center/";
    let (status, body) = server.status_text(page);
    assert_eq!(status, 200);
    assert!(
        body.contains("<script src=\"/__gongkai/live.js\"></script>"),
        "pages reload themselves"
    );
    let mut events = Events::open(&server.addr);
    let first = events.next();
    site.replace(
        REPORT,
        "What was done this month, problems found, next steps.",
        "七月：服务中心装修完成。",
    );
    let took = server.until(page, Duration::from_secs(2), |b| {
        b.contains("七月：服务中心装修完成。")
    });
    let second = events.next();
    assert_ne!(first, second, "a reload event after the change");
    eprintln!("fresh page after {took:?}");
}

#[test]
fn errors_show_over_the_page_until_fixed() {
    let site = Site::from_fixture("spec-site");
    let server = Server::start_on(&site, AS_OF, "0");
    let page = "/projects/county-service-center/";
    let good = site.read(REPORT);
    site.write(REPORT, good.replace("percent = 80", "percent = “80”"));
    server.until(page, Duration::from_secs(2), |b| {
        b.contains("id=\"gongkai-errors\"")
    });
    let (_, overlay) = server.status_text("/");
    assert!(
        overlay.contains(&format!("{REPORT}:3")),
        "file and line: {overlay}"
    );
    assert!(overlay.contains("中文引号"), "what is wrong");
    assert!(overlay.contains("修改："), "and the edit that fixes it");
    assert!(overlay.contains("live.js"), "and it reloads when fixed");
    site.write(REPORT, good);
    server.until(page, Duration::from_secs(2), |b| {
        b.contains("承办单位责任人") && !b.contains("gongkai-errors")
    });
}

#[test]
fn static_files_and_unknown_pages() {
    let site = Site::from_fixture("spec-site");
    site.write("static/notice.txt", "v1");
    let server = Server::start_on(&site, AS_OF, "0");
    assert_eq!(server.status_text("/notice.txt"), (200, "v1".to_string()));
    site.write("static/notice.txt", "v2");
    server.until("/notice.txt", Duration::from_secs(2), |b| b == "v2");
    let (status, body) = server.status_text("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("页面不存在"));
    assert_eq!(server.status_text("/projects").0, 301);
}

#[test]
fn a_busy_port_is_replaced_by_a_free_one() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let site = Site::from_fixture("spec-site");
    let server = Server::start_on(&site, AS_OF, &port);
    let notice = server.log.clone();
    assert!(
        !server.addr.ends_with(&format!(":{port}")),
        "{}",
        server.addr
    );
    let notice = notice.lock().unwrap().clone();
    assert!(
        notice.contains(&format!("端口 {port} 已被占用")),
        "{notice}"
    );
    assert_eq!(server.status_text("/").0, 200);
}
