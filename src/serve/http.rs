//! Answering the browser: files of the current snapshot (or the error page), streamed
//! attachments, and the live-reload event stream.

use std::io::Write as _;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use super::Shared;
use crate::diag::{Report, Severity};
use crate::source::SourceMap;

const LIVE_JS: &str = r#"(function () {
  var seen = null;
  var es = new EventSource("/__gongkai/events");
  es.onmessage = function (e) {
    if (seen === null) { seen = e.data; return; }
    if (e.data !== seen) location.reload();
  };
})();
"#;

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Adds the live-reload script to an HTML page.
fn with_live_reload(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let tag = "<script src=\"/__gongkai/live.js\"></script>";
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

pub(super) fn respond(request: tiny_http::Request, shared: &Shared) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == "/__gongkai/events" {
        events(request, shared);
        return;
    }
    if url == "/__gongkai/live.js" {
        let _ = request.respond(
            tiny_http::Response::from_string(LIVE_JS)
                .with_header(header("Content-Type", "text/javascript")),
        );
        return;
    }
    let snap = shared.current();
    let path = percent_decode(url.trim_start_matches('/'));
    let is_page = path.is_empty() || path.ends_with('/') || path.ends_with(".html");
    if let Some(errors) = &snap.errors
        && is_page
    {
        let body = with_live_reload(errors.as_bytes());
        let _ = request.respond(
            tiny_http::Response::from_data(body)
                .with_header(header("Content-Type", "text/html; charset=utf-8")),
        );
        return;
    }
    let key = if is_page && !path.ends_with(".html") {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if !snap.files.contains_key(&key)
        && let Some(src) = snap.assets.get(&key)
        && let Some(response) = file_response(src, content_type(&key))
    {
        let _ = request.respond(response);
        return;
    }
    let found: Option<(Vec<u8>, &str)> = snap
        .files
        .get(&key)
        .map(|bytes| (bytes.to_vec(), content_type(&key)));
    match found {
        Some((bytes, kind)) => {
            let body = if kind.starts_with("text/html") {
                with_live_reload(&bytes)
            } else {
                bytes
            };
            let _ = request.respond(
                tiny_http::Response::from_data(body)
                    .with_header(header("Content-Type", kind))
                    .with_header(header("Cache-Control", "no-store")),
            );
        }
        None if snap.files.contains_key(&format!("{path}/index.html")) => {
            let _ = request.respond(
                tiny_http::Response::empty(301)
                    .with_header(header("Location", &format!("/{path}/"))),
            );
        }
        None => {
            let page = snap
                .files
                .get("404.html")
                .map(|b| with_live_reload(b))
                .unwrap_or_default();
            let _ = request.respond(
                tiny_http::Response::from_data(page)
                    .with_status_code(404)
                    .with_header(header("Content-Type", "text/html; charset=utf-8")),
            );
        }
    }
}

/// A file copied as it is, streamed from disk: memory stays flat however large the file and
/// however many readers download it at once. Only a regular file is served.
fn file_response(path: &Path, kind: &str) -> Option<tiny_http::Response<std::fs::File>> {
    let file = crate::write::open_regular(path).ok()?;
    Some(
        tiny_http::Response::from_file(file)
            .with_header(header("Content-Type", kind))
            .with_header(header("X-Content-Type-Options", "nosniff"))
            .with_header(header("Cache-Control", "no-store")),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A server-sent event stream of build versions: the current one at once, then each new one.
/// Written straight to the connection and flushed per event (a chunked response would buffer).
fn events(request: tiny_http::Request, shared: &Shared) {
    let (tx, rx) = mpsc::channel();
    let _ = tx.send(shared.current().version);
    shared
        .listeners
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(tx);
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(v) => format!("data: {v}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(message.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            return;
        }
    }
}

fn esc(s: &str) -> String {
    crate::diag::printable(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page shown instead of the site while the content has errors.
pub(super) fn error_page(messages: &[String], report: Option<(&Report, &SourceMap)>) -> String {
    let mut items = String::new();
    for m in messages {
        items.push_str(&format!("<li><p>{}</p></li>\n", esc(m)));
    }
    if let Some((report, sources)) = report {
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            let place = match d.line {
                Some(l) => format!("{}:{l}", d.file),
                None => d.file.clone(),
            };
            let line = d
                .line
                .and_then(|l| sources.line(&d.file, l))
                .unwrap_or_default();
            let fix = d
                .fix
                .as_ref()
                .map(|f| {
                    format!(
                        "<p class=\"hint\">修改：<code>{}</code></p>",
                        esc(&f.describe())
                    )
                })
                .unwrap_or_default();
            let related: String = d
                .related
                .iter()
                .map(|r| {
                    let at = r.line.map_or(r.file.clone(), |l| format!("{}:{l}", r.file));
                    format!("<p class=\"where\">相关：<code>{}</code></p>", esc(&at))
                })
                .collect();
            items.push_str(&format!(
                "<li><p class=\"where\"><code>{}</code> <span class=\"rule\">{}</span></p><p>{}</p>{}{}{fix}{related}</li>\n",
                esc(&place),
                esc(d.rule),
                esc(&d.message),
                if line.is_empty() { String::new() } else { format!("<pre>{}</pre>", esc(&line)) },
                d.hint.as_deref().map(|h| format!("<p class=\"hint\">提示：{}</p>", esc(h).replace('\n', "<br>"))).unwrap_or_default(),
            ));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>内容有错误 - gongkai 预览</title>\
<style>body{{font-family:system-ui,sans-serif;margin:0;background:#fdf2f2;color:#1a1a1a;line-height:1.6}}main{{max-width:60rem;margin:0 auto;padding:1rem}}h1{{color:#8f0000}}li{{background:#fff;border-left:6px solid #a30000;padding:.5rem 1rem;margin:.8rem 0;list-style:none}}ol{{padding:0}}pre{{background:#f4f4f2;padding:.4rem;overflow-x:auto}}.rule{{color:#8f0000;font-weight:bold}}.hint{{color:#1d5e20}}</style></head>\
<body><main><h1 id=\"gongkai-errors\">内容有错误，网站暂未更新</h1><p>改正下面的问题并保存，这个页面会自动刷新。</p><ol>\n{items}</ol></main></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn live_reload_goes_before_the_end_of_body() {
        let out =
            String::from_utf8(with_live_reload(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.ends_with("<script src=\"/__gongkai/live.js\"></script>\n</body></html>"));
    }

    #[test]
    fn decodes_chinese_paths() {
        assert_eq!(percent_decode("search/%E7%89%A9%E6%B5%81"), "search/物流");
    }
}
