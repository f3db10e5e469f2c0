//! `gongkai serve`: a live preview on 127.0.0.1. The site is built in memory and swapped in
//! whole, so a request never sees half an output; files are watched and each change does the
//! least work it needs; open pages reload themselves; content errors are shown in the browser
//! instead of a stale or broken site.

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::Options;
use crate::RunError;
use crate::date::Date;
use crate::diag::{Report, Severity};
use crate::render::{self, views::ViewCache};
use crate::source::SourceMap;

pub struct ServeOptions {
    pub root: PathBuf,
    /// 0 for any free port.
    pub port: u16,
    pub as_of: Option<Date>,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
}

/// What the server answers with: one whole build.
#[derive(Default)]
struct Snapshot {
    files: HashMap<String, Arc<Vec<u8>>>,
    assets: HashMap<String, PathBuf>,
    /// The error page, when the content has errors.
    errors: Option<String>,
    version: u64,
}

/// A page redone after an edit: the edit's number and the page.
type Patch = (u64, Arc<Vec<u8>>);

#[derive(Default)]
struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    listeners: Mutex<Vec<Sender<u64>>>,
    /// Project pages redone at once after an edit, by output path, with the edit's number: laid
    /// over any full build that started before that edit.
    patches: Mutex<HashMap<String, Patch>>,
    edits: AtomicU64,
    /// The last site that built cleanly, for redoing one project page at once.
    clean: Mutex<Option<(crate::model::Site, crate::derive::Derived)>>,
    /// A full build is wanted.
    dirty: Mutex<bool>,
    wake: Condvar,
}

impl Shared {
    /// Publishes a full build that started after edit number `since`: the pages of later edits
    /// stay as they were patched; earlier patches are now part of the build.
    fn publish_build(&self, mut next: Snapshot, since: u64) {
        if let Ok(mut patches) = self.patches.lock() {
            patches.retain(|_, (n, _)| *n > since);
            if next.errors.is_none() {
                for (path, (_, html)) in patches.iter() {
                    next.files.insert(path.clone(), html.clone());
                }
            }
        }
        self.publish(next);
    }

    fn request_build(&self) {
        if let Ok(mut dirty) = self.dirty.lock() {
            *dirty = true;
            self.wake.notify_one();
        }
    }

    fn publish(&self, mut next: Snapshot) {
        let version = {
            let mut current = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
            next.version = current.version + 1;
            let v = next.version;
            *current = Arc::new(next);
            v
        };
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        listeners.retain(|l| l.send(version).is_ok());
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Binds the preview address: the given port, or any free port if it is taken (or 0).
fn bind(port: u16) -> io::Result<TcpListener> {
    let at = |p| TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, p));
    match at(port) {
        Ok(l) => Ok(l),
        Err(_) if port != 0 => at(0),
        Err(e) => Err(e),
    }
}

pub fn serve(opts: ServeOptions) -> Result<(), String> {
    let listener = bind(opts.port).map_err(|e| format!("无法在 127.0.0.1 上开启预览：{e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    if opts.port != 0 && port != opts.port {
        eprintln!("端口 {} 已被占用，改用 {port}", opts.port);
    }
    let base = format!("http://127.0.0.1:{port}");
    let server = tiny_http::Server::from_listener(listener, None).map_err(|e| e.to_string())?;
    let shared = Arc::new(Shared::default());
    let mut builder = Builder {
        root: opts.root.clone(),
        as_of: opts.as_of,
        base: base.clone(),
        cache: ViewCache::keeping(),
    };
    // Watch before the first build, so that no change is missed between the two.
    let (tx, rx) = mpsc::channel();
    let _watcher = watch(&opts.root, opts.poll, tx)?;
    let (first, done) = builder.full(&shared);
    shared.publish(first);
    if let Some(done) = done {
        eprintln!("{done}");
    }
    let (root, base_url) = (opts.root.clone(), base.clone());
    let watch_shared = shared.clone();
    thread::spawn(move || watch_loop(rx, &root, &base_url, &watch_shared));
    let build_shared = shared.clone();
    thread::spawn(move || build_loop(builder, &build_shared));
    println!("预览地址：{base}/  （修改文件后页面会自动刷新；按 Ctrl+C 停止）");
    let _ = io::stdout().flush();

    for request in server.incoming_requests() {
        let shared = shared.clone();
        thread::spawn(move || respond(request, &shared));
    }
    Ok(())
}

/// Builds snapshots, keeping the project views that did not change between builds.
struct Builder {
    root: PathBuf,
    as_of: Option<Date>,
    base: String,
    cache: ViewCache,
}

impl Builder {
    fn options(&self) -> Options {
        Options {
            root: self.root.clone(),
            as_of: self.as_of,
            strict: false,
            base_url: Some(self.base.clone()),
            progress: Default::default(),
        }
    }

    /// Loads, checks and renders everything (reusing unchanged project pages); a clean site is
    /// handed to `shared` for quick page updates. With the snapshot comes the line to print
    /// once it is published.
    fn full(&mut self, shared: &Shared) -> (Snapshot, Option<String>) {
        let started = Instant::now();
        let memory = crate::write::Memory::default();
        let outcome = match crate::run(&self.options(), &memory, &mut self.cache) {
            Ok(o) => o,
            Err(e) => {
                let message = match e {
                    RunError::Load(e) => e.to_string(),
                    RunError::Io(e) => format!("生成预览失败：{e}"),
                };
                eprintln!("错误：{message}");
                return (
                    Snapshot {
                        errors: Some(error_page(&[message], None)),
                        ..Snapshot::default()
                    },
                    None,
                );
            }
        };
        let checked = outcome.checked;
        let sources = &checked.loaded.site.sources;
        if !checked.report.diagnostics.is_empty() {
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
            eprint!("{}", checked.report.to_text(sources, color));
        }
        let Some(rendered) = outcome.rendered else {
            eprintln!("有错误，预览显示错误列表");
            return (
                Snapshot {
                    errors: Some(error_page(&[], Some((&checked.report, sources)))),
                    ..Snapshot::default()
                },
                None,
            );
        };
        let files = memory.files.into_inner().unwrap_or_default();
        let assets = rendered
            .assets
            .into_iter()
            .map(|(src, rel)| (rel, std::fs::canonicalize(&src).unwrap_or(src)))
            .collect();
        // The site it replaces is freed on another thread, after the lock is let go, so that
        // neither a quick page update nor the next build waits for that.
        let old = shared
            .clean
            .lock()
            .ok()
            .and_then(|mut clean| clean.replace((checked.loaded.site, checked.derived)));
        std::thread::spawn(move || drop(old));
        let done = format!(
            "已更新：{} 个页面和文件，用时 {} 毫秒",
            files.len(),
            started.elapsed().as_millis()
        );
        (
            Snapshot {
                files,
                assets,
                errors: None,
                version: 0,
            },
            Some(done),
        )
    }
}

/// After an edit inside one project folder: reloads that folder alone into the last clean site
/// and renders its page, so that the page is fresh before the rest of the site is rebuilt.
/// `None` when the edit needs more (an error, a new project, nothing clean yet).
fn project_page(shared: &Shared, root: &Path, base: &str, id: &str) -> Option<(String, String)> {
    let t = Instant::now();
    let mut clean = shared.clean.lock().ok()?;
    crate::progress::timing("page: lock", t);
    let (site, derived) = clean.as_mut()?;
    let t = Instant::now();
    let (project, diagnostics, sources) = crate::load::load_project(root, id).ok()?;
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return None;
    }
    crate::progress::timing("page: load", t);
    let t = Instant::now();
    let index = site.replace_project(project?, sources)?;
    derived.refresh_project(site, index);
    crate::progress::timing("page: replace", t);
    let opts = render::RenderOptions {
        base_url: Some(base.to_string()),
        ..Default::default()
    };
    render::render_project_page(site, derived, &opts, id)
        .ok()
        .flatten()
}

/// Runs full builds one after another while there are changes not yet built.
fn build_loop(mut builder: Builder, shared: &Shared) {
    loop {
        {
            let Ok(mut dirty) = shared.dirty.lock() else {
                return;
            };
            while !*dirty {
                dirty = match shared.wake.wait(dirty) {
                    Ok(d) => d,
                    Err(_) => return,
                };
            }
            *dirty = false;
        }
        let since = shared.edits.load(Ordering::SeqCst);
        let (snapshot, done) = builder.full(shared);
        shared.publish_build(snapshot, since);
        // Said once the build is in place and the old one let go: the preview is idle.
        if let Some(done) = done {
            eprintln!("{done}");
        }
    }
}

/// The project whose folder holds every changed file, if there is one.
fn single_project(root: &Path, paths: &[PathBuf]) -> Option<String> {
    let mut id = None;
    for p in paths {
        let rel = p
            .strip_prefix(root)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
        let rest = rel.strip_prefix("content/projects/")?;
        let (this, inner) = rest.split_once('/')?;
        if !(inner == "index.md" || inner.starts_with("progress/") && inner.ends_with(".md")) {
            return None;
        }
        match &id {
            None => id = Some(this.to_string()),
            Some(seen) if seen == this => {}
            Some(_) => return None,
        }
    }
    id
}

/// What a batch of changed paths needs.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// Only files copied as they are: refresh the file list, nothing to rebuild.
    Assets,
    /// Records, config or templates.
    Site,
}

fn classify(root: &Path, paths: &[PathBuf]) -> Option<Change> {
    let mut change = None;
    for p in paths {
        let Ok(rel) = p.strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let name = rel.rsplit('/').next().unwrap_or("");
        if name.starts_with('.')
            || name.starts_with('~')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".tmp")
            || name == "4913"
        {
            continue;
        }
        let asset = rel.starts_with("static/")
            || (rel.starts_with("themes/") && rel.contains("/static/"))
            || (rel.starts_with("content/projects/")
                && !rel.ends_with(".md")
                && Path::new(p).extension().is_some());
        let site = rel == "config.toml"
            || rel == crate::ledger::FILE
            || rel.starts_with("content/")
            || rel.starts_with("themes/");
        if asset {
            change.get_or_insert(Change::Assets);
        } else if site {
            change = Some(Change::Site);
        }
    }
    change
}

/// How long the files must stay unchanged before an edit is taken up.
const QUIET: Duration = Duration::from_millis(40);

/// The paths of the next edit, once they have stayed unchanged for `quiet` (editors write in
/// bursts: temporary file, rename, metadata); `None` when the watcher is gone. Only writes,
/// creations, renames and removals count: a full build running meanwhile opens every file, and
/// its stream of access events must neither start an edit nor hold one back.
fn next_change(
    rx: &Receiver<notify::Result<notify::Event>>,
    quiet: Duration,
) -> Option<Vec<PathBuf>> {
    let changed = |ev: notify::Result<notify::Event>| match ev {
        Ok(e) if !matches!(e.kind, notify::EventKind::Access(_)) => e.paths,
        _ => Vec::new(),
    };
    let mut paths = Vec::new();
    while paths.is_empty() {
        paths = changed(rx.recv().ok()?);
    }
    let mut last = Instant::now();
    loop {
        let left = quiet.saturating_sub(last.elapsed());
        if left.is_zero() {
            return Some(paths);
        }
        match rx.recv_timeout(left) {
            Ok(ev) => {
                let more = changed(ev);
                if !more.is_empty() {
                    paths.extend(more);
                    last = Instant::now();
                }
            }
            Err(RecvTimeoutError::Timeout) => return Some(paths),
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// Sorts file changes into the work they need: a project page redone at once, static files
/// just reloaded, or a full build (run by `build_loop`).
fn watch_loop(
    rx: Receiver<notify::Result<notify::Event>>,
    root: &Path,
    base: &str,
    shared: &Shared,
) {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    while let Some(paths) = next_change(&rx, QUIET) {
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
            .collect();
        match classify(&root, &paths) {
            None => continue,
            Some(Change::Assets) => {
                // Static files are read from disk when asked for: a file already listed needs no
                // rebuild, only a reload of the open pages. A new or removed file changes the list.
                let current = shared.current();
                let known = paths
                    .iter()
                    .all(|p| p.is_file() && current.assets.values().any(|a| a == p));
                if known && current.errors.is_none() {
                    let same = Snapshot {
                        files: current.files.clone(),
                        assets: current.assets.clone(),
                        errors: None,
                        version: 0,
                    };
                    shared.publish(same);
                    eprintln!("静态文件已更新");
                } else {
                    shared.request_build();
                }
            }
            Some(Change::Site) => {
                // The edited project's page first, then everything else.
                let started = Instant::now();
                let current = shared.current();
                if current.errors.is_none()
                    && let Some(id) = single_project(&root, &paths)
                    && let Some((path, html)) = project_page(shared, &root, base, &id)
                {
                    let html = Arc::new(html.into_bytes());
                    let edit = shared.edits.fetch_add(1, Ordering::SeqCst) + 1;
                    if let Ok(mut patches) = shared.patches.lock() {
                        patches.insert(path.clone(), (edit, html.clone()));
                    }
                    let mut files = current.files.clone();
                    files.insert(path.clone(), html);
                    shared.publish(Snapshot {
                        files,
                        assets: current.assets.clone(),
                        errors: None,
                        version: 0,
                    });
                    eprintln!(
                        "项目页已更新：{path}，用时 {} 毫秒",
                        started.elapsed().as_millis()
                    );
                }
                shared.request_build();
            }
        }
    }
}

/// Watches config.toml, ledger.jsonl, content/, themes/ and static/ (the output folder is left
/// alone).
fn watch(
    root: &Path,
    poll: bool,
    tx: Sender<notify::Result<notify::Event>>,
) -> Result<Box<dyn Watcher + Send>, String> {
    let mut watcher: Box<dyn Watcher + Send> = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        Box::new(PollWatcher::new(tx, config).map_err(|e| e.to_string())?)
    } else {
        match RecommendedWatcher::new(tx.clone(), notify::Config::default()) {
            Ok(w) => Box::new(w),
            Err(e) => {
                eprintln!("无法接收文件变化通知（{e}），改为每 0.3 秒检查一次");
                let config =
                    notify::Config::default().with_poll_interval(Duration::from_millis(300));
                Box::new(PollWatcher::new(tx, config).map_err(|e| e.to_string())?)
            }
        }
    };
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| e.to_string())?;
    for dir in ["content", "themes", "static"] {
        let d = root.join(dir);
        if d.is_dir() {
            watcher
                .watch(&d, RecursiveMode::Recursive)
                .map_err(|e| format!("{}: {e}", d.display()))?;
        }
    }
    Ok(watcher)
}

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

fn respond(request: tiny_http::Request, shared: &Shared) {
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
    let found: Option<(Vec<u8>, &str)> = if let Some(bytes) = snap.files.get(&key) {
        Some((bytes.to_vec(), content_type(&key)))
    } else if let Some(src) = snap.assets.get(&key) {
        std::fs::read(src).ok().map(|b| (b, content_type(&key)))
    } else {
        None
    };
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
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page shown instead of the site while the content has errors.
fn error_page(messages: &[String], report: Option<(&Report, &SourceMap)>) -> String {
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
            items.push_str(&format!(
                "<li><p class=\"where\"><code>{}</code> <span class=\"rule\">{}</span></p><p>{}</p>{}{}</li>\n",
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
    fn edits_inside_one_project_folder() {
        let root = Path::new("/site");
        let p = |s: &[&str]| s.iter().map(|x| root.join(x)).collect::<Vec<_>>();
        assert_eq!(
            single_project(root, &p(&["content/projects/a/progress/2022-07.md"])).as_deref(),
            Some("a")
        );
        assert_eq!(
            single_project(
                root,
                &p(&[
                    "content/projects/a/index.md",
                    "content/projects/a/progress/x.md"
                ])
            )
            .as_deref(),
            Some("a")
        );
        assert_eq!(
            single_project(
                root,
                &p(&["content/projects/a/index.md", "content/projects/b/index.md"])
            ),
            None
        );
        assert_eq!(single_project(root, &p(&["content/programme.toml"])), None);
        assert_eq!(
            single_project(root, &p(&["content/projects/a/photo.jpg"])),
            None
        );
    }

    fn event(kind: notify::EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn a_build_reading_every_file_neither_starts_nor_holds_back_an_edit() {
        use notify::event::{AccessKind, DataChange, EventKind, ModifyKind};
        let read = || EventKind::Access(AccessKind::Any);
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(event(read(), "content/projects/a/index.md"))
            .unwrap();
        tx.send(event(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            "content/projects/b/progress/2022-07.md",
        ))
        .unwrap();
        // A full build opens file after file for far longer than the quiet time.
        let flood = std::thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(3);
            while Instant::now() < until {
                if tx
                    .send(event(read(), "content/projects/c/index.md"))
                    .is_err()
                {
                    return;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
        });
        let started = Instant::now();
        let paths = next_change(&rx, Duration::from_millis(40));
        let waited = started.elapsed();
        assert_eq!(
            paths,
            Some(vec![PathBuf::from(
                "content/projects/b/progress/2022-07.md"
            )])
        );
        assert!(
            waited < Duration::from_secs(2),
            "the edit waited {waited:?} for the build's reading to stop"
        );
        drop(rx);
        flood.join().unwrap();
    }

    #[test]
    fn reading_alone_is_no_edit() {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..100 {
            tx.send(event(
                notify::EventKind::Access(notify::event::AccessKind::Any),
                "content/projects/a/index.md",
            ))
            .unwrap();
        }
        drop(tx);
        assert_eq!(next_change(&rx, Duration::from_millis(40)), None);
    }

    #[test]
    fn sorts_changes_by_the_work_they_need() {
        let root = Path::new("/site");
        let p = |s: &str| vec![root.join(s)];
        assert_eq!(classify(root, &p("static/logo.png")), Some(Change::Assets));
        assert_eq!(
            classify(root, &p("themes/x/static/a.css")),
            Some(Change::Assets)
        );
        assert_eq!(
            classify(root, &p("content/projects/a/photo.jpg")),
            Some(Change::Assets)
        );
        assert_eq!(
            classify(root, &p("content/projects/a/progress/2022-07.md")),
            Some(Change::Site)
        );
        assert_eq!(
            classify(root, &p("themes/x/templates/404.html")),
            Some(Change::Site)
        );
        assert_eq!(classify(root, &p("config.toml")), Some(Change::Site));
        assert_eq!(classify(root, &p("ledger.jsonl")), Some(Change::Site));
        assert_eq!(classify(root, &p("content/projects/a/.index.md.swp")), None);
        assert_eq!(classify(root, &p("public/index.html")), None);
        let mixed = vec![
            root.join("static/a.css"),
            root.join("content/programme.toml"),
        ];
        assert_eq!(classify(root, &mixed), Some(Change::Site));
    }

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
