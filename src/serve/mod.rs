//! `gongkai serve`: a live preview on 127.0.0.1. The site is built in memory and swapped in
//! whole, so a request never sees half an output; files are watched and each change does the
//! least work it needs; open pages reload themselves; content errors are shown in the browser
//! instead of a stale or broken site.

//!
//! `build` runs the pipeline into memory and keeps a clean site for quick page updates,
//! `watch` sorts file changes into the work they need, `http` answers requests.

mod build;
mod http;
mod watch;

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread;

use crate::date::Date;

use build::{Builder, build_loop, full_guarded};
use http::respond;
use watch::{watch, watch_loop};

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
    let mut builder = Builder::new(opts.root.clone(), opts.as_of, base.clone());
    // Watch before the first build, so that no change is missed between the two.
    let (tx, rx) = mpsc::channel();
    let watcher = watch(&opts.root, opts.poll, tx)?;
    let (first, done) = full_guarded(&mut builder, &shared);
    shared.publish(first);
    if let Some(done) = done {
        eprintln!("{done}");
    }
    let (root, base_url) = (opts.root.clone(), base.clone());
    let watch_shared = shared.clone();
    thread::spawn(move || watch_loop(rx, &root, &base_url, &watch_shared, watcher));
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
