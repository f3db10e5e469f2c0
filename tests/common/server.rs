//! A `gongkai serve` run by a test, and plain HTTP requests to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{BIN, Site};

pub struct Server {
    pub child: Child,
    pub addr: String,
    /// What the server wrote to stderr so far.
    pub log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `gongkai serve` on any free port, once it says where.
    pub fn start(site: &Site, as_of: &str) -> Server {
        Server::start_on(site, as_of, "0")
    }

    /// `gongkai serve --port PORT` (a busy one is replaced by a free one), once it says where.
    pub fn start_on(site: &Site, as_of: &str, port: &str) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", port, "--as-of", as_of, "--root"])
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
        Server { child, addr, log }
    }

    /// Status and body of a GET.
    pub fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(raw.len(), |i| i + 4);
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, raw[split..].to_vec())
    }

    pub fn text(&self, path: &str) -> String {
        String::from_utf8_lossy(&self.get(path).1).into_owned()
    }

    /// Status and body of a GET, the body as text.
    pub fn status_text(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get(path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Polls a page until `pred` holds; returns how long it took.
    pub fn until(&self, path: &str, within: Duration, pred: impl Fn(&str) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            let body = self.text(path);
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

    /// The most memory the server has held so far (kB, from /proc).
    pub fn peak_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}
