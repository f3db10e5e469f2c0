//! The preview's builds: the whole pipeline into memory, and one project page at once after an
//! edit inside its folder.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::http::error_page;
use super::{Shared, Snapshot};
use crate::date::Date;
use crate::diag::Severity;
use crate::render::{self, views::ViewCache};
use crate::{Options, RunError};

/// Builds snapshots, keeping the project views that did not change between builds.
pub(super) struct Builder {
    root: PathBuf,
    as_of: Option<Date>,
    base: String,
    cache: ViewCache,
}

impl Builder {
    pub(super) fn new(root: PathBuf, as_of: Option<Date>, base: String) -> Builder {
        Builder {
            root,
            as_of,
            base,
            cache: ViewCache::keeping(),
        }
    }

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
pub(super) fn project_page(
    shared: &Shared,
    root: &Path,
    base: &str,
    id: &str,
) -> Option<(String, String)> {
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

/// [`Builder::full`], with a failure inside it shown as an error page instead of ending the
/// preview's builds: the next edit builds again.
pub(super) fn full_guarded(builder: &mut Builder, shared: &Shared) -> (Snapshot, Option<String>) {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.full(shared)));
    run.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        builder.cache = ViewCache::keeping();
        let message = format!("生成网站时程序内部出错（{why}）：请把这条信息和改动的文件报告给维护者；改正后保存，会重新生成");
        eprintln!("错误：{message}");
        (
            Snapshot {
                errors: Some(error_page(&[message], None)),
                ..Snapshot::default()
            },
            None,
        )
    })
}

/// Runs full builds one after another while there are changes not yet built.
pub(super) fn build_loop(mut builder: Builder, shared: &Shared) {
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
        let (snapshot, done) = full_guarded(&mut builder, shared);
        shared.publish_build(snapshot, since);
        // Said once the build is in place and the old one let go: the preview is idle.
        if let Some(done) = done {
            eprintln!("{done}");
        }
    }
}
