//! Watching the site's files and sorting each change into the work it needs: a project page
//! redone at once, static files reloaded, or a full build.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::build::project_page;
use super::{Shared, Snapshot};

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
pub(super) fn watch_loop(
    rx: Receiver<notify::Result<notify::Event>>,
    root: &Path,
    base: &str,
    shared: &Shared,
    mut watcher: Box<dyn Watcher + Send>,
) {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    while let Some(paths) = next_change(&rx, QUIET) {
        rewatch(watcher.as_mut(), &root, &paths);
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

/// The folders watched as a whole.
const WATCHED: [&str; 3] = ["content", "themes", "static"];

/// A watched folder itself renamed, removed or made again: its watch now follows a folder that
/// is gone (or none), so it is set again on the folder that has the name now.
fn rewatch(watcher: &mut dyn Watcher, root: &Path, paths: &[PathBuf]) {
    let is_root = |p: &Path| std::fs::canonicalize(p).is_ok_and(|p| p == root);
    for dir in WATCHED {
        let d = root.join(dir);
        let this =
            |p: &PathBuf| p.file_name() == Some(dir.as_ref()) && p.parent().is_some_and(is_root);
        if paths.iter().any(this) {
            let _ = watcher.unwatch(&d);
            if d.is_dir() {
                let _ = watcher.watch(&d, RecursiveMode::Recursive);
            }
        }
    }
}

/// Watches config.toml, ledger.jsonl, content/, themes/ and static/ (the output folder is left
/// alone).
pub(super) fn watch(
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
    for dir in WATCHED {
        let d = root.join(dir);
        if d.is_dir() {
            watcher
                .watch(&d, RecursiveMode::Recursive)
                .map_err(|e| format!("{}: {e}", d.display()))?;
        }
    }
    Ok(watcher)
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
}
