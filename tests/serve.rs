//! `gongkai serve`: edits reach the browser within 2 s, errors are shown over the site, then
//! fixed; a busy port is replaced by a free one.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{BIN, Site};

const REPORT: &str = "content/projects/county-service-center/progress/2022-07.md";

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `gongkai serve`; returns the server and what it has written to stderr so far (read
/// on a thread, since the pipe stays open).
fn start(site: &Site, port: &str) -> (Server, Arc<Mutex<String>>) {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", port, "--as-of", "2023-06-01", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect(&line)
        .to_string();
    (Server { child, addr }, log)
}

fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Polls a page until `pred` holds, returning how long it took.
fn until(addr: &str, path: &str, within: Duration, pred: impl Fn(&str) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let (_, body) = get(addr, path);
        if pred(&body) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < within,
            "{path} did not change within {within:?}:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

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
    let (server, _) = start(&site, "0");
    let page = "/projects/county-service-center/";
    let (status, body) = get(&server.addr, page);
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
    let took = until(&server.addr, page, Duration::from_secs(2), |b| {
        b.contains("七月：服务中心装修完成。")
    });
    let second = events.next();
    assert_ne!(first, second, "a reload event after the change");
    eprintln!("fresh page after {took:?}");
}

#[test]
fn errors_show_over_the_page_until_fixed() {
    let site = Site::from_fixture("spec-site");
    let (server, _) = start(&site, "0");
    let page = "/projects/county-service-center/";
    let good = site.read(REPORT);
    site.write(REPORT, good.replace("percent = 80", "percent = “80”"));
    until(&server.addr, page, Duration::from_secs(2), |b| {
        b.contains("id=\"gongkai-errors\"")
    });
    let (_, overlay) = get(&server.addr, "/");
    assert!(
        overlay.contains(&format!("{REPORT}:3")),
        "file and line: {overlay}"
    );
    assert!(overlay.contains("中文引号"), "what is wrong");
    assert!(overlay.contains("修改："), "and the edit that fixes it");
    assert!(overlay.contains("live.js"), "and it reloads when fixed");
    site.write(REPORT, good);
    until(&server.addr, page, Duration::from_secs(2), |b| {
        b.contains("承办单位责任人") && !b.contains("gongkai-errors")
    });
}

#[test]
fn static_files_and_unknown_pages() {
    let site = Site::from_fixture("spec-site");
    site.write("static/notice.txt", "v1");
    let (server, _) = start(&site, "0");
    assert_eq!(get(&server.addr, "/notice.txt"), (200, "v1".to_string()));
    site.write("static/notice.txt", "v2");
    until(&server.addr, "/notice.txt", Duration::from_secs(2), |b| {
        b == "v2"
    });
    let (status, body) = get(&server.addr, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("页面不存在"));
    assert_eq!(get(&server.addr, "/projects").0, 301);
}

#[test]
fn a_busy_port_is_replaced_by_a_free_one() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let site = Site::from_fixture("spec-site");
    let (server, notice) = start(&site, &port);
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
    assert_eq!(get(&server.addr, "/").0, 200);
}
