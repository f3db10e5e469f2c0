//! Stage 4, **write**: the only code that touches the output folder.
//!
//! - **Ownership**: a folder is ours only if a build of ours wrote it (it holds the [`MARKER`]
//!   file) or it is empty or new. Anything else — someone's web root, a regular file, a FIFO, a
//!   socket, a device, a folder inside the site's own `content/`, `themes/` or `static/` — is
//!   refused, however the path is spelled: it is resolved (symbolic links, `..`, relative to the
//!   current folder) before anything is decided. A symbolic link to an output folder is followed:
//!   the folder it points to is updated and the link stays as it is.
//! - **One atomic switch**: pages stream into a staging folder beside the output; when
//!   everything succeeded, the two folders are exchanged in one step (`renameat2` with
//!   `RENAME_EXCHANGE` on Linux). A failed or killed build leaves the previous output exactly
//!   as it was; the staging folders of dead builds are removed by the next build.
//! - **Unchanged files stay untouched**: a file whose bytes equal the same path in the current
//!   output is hard-linked from it instead of written again, so it keeps its inode and
//!   modification time, and an `rsync` deploy sends only what changed.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

mod memory;
mod switch;

pub use memory::{Discard, Memory};
use switch::switch;

/// A file copied as it is: (source path, path in the output).
pub type Asset = (PathBuf, String);

/// The file that marks a folder as written by gongkai (and so safe to replace).
pub const MARKER: &str = ".gongkai-site";

const MARKER_TEXT: &str = "此文件夹由 gongkai 生成，下次生成时会被整体替换：请不要在这里手工存放文件。\n\
This folder was written by gongkai and is replaced whole by its next build.\n";

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, `/`-separated, never absolute, never `..`.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Where rendered files go: a staging folder on disk, or memory (the preview server).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Writes a large file piece by piece, without holding it whole.
    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut buf = Vec::new();
        write(&mut buf)?;
        self.put(path, &buf)
    }

    /// Writes the first `len` bytes of `src` (a file just opened), then `tail`: where the sink
    /// writes files, the system copies them without passing them through the program.
    fn put_copy(&self, path: &str, src: &fs::File, len: u64, tail: &[u8]) -> io::Result<()> {
        self.put_with(path, &mut |out| copy_prefix(src, len, tail, out))
    }

    /// Whether a generated file was written at `path` (for names that would shadow it).
    fn has(&self, path: &str) -> bool;
}

/// Copies the first `len` bytes of `src`, from where it stands (a file just opened: its start),
/// then `tail`, to `out` (which, for a file, the system does by itself). Fails when the file is
/// shorter than that.
fn copy_prefix<W: io::Write + ?Sized>(
    src: &fs::File,
    len: u64,
    tail: &[u8],
    out: &mut W,
) -> io::Result<()> {
    let copied = io::copy(&mut src.take(len), out)?;
    if copied != len {
        return Err(io::Error::other("要复制的文件在生成时变短了"));
    }
    out.write_all(tail)
}

/// Resolves a path the way the system will when it is used: relative to the current folder,
/// every symbolic link of the existing part followed, `.` and `..` taken out. The part that
/// does not exist yet is taken as written.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut out = PathBuf::new();
    let mut exists = true;
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if exists {
                    match fs::symlink_metadata(&out) {
                        Ok(_) => out = fs::canonicalize(&out)?,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => exists = false,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    Ok(out)
}

/// What kind of thing a path is, in Chinese, when it is not a folder.
fn kind_of(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_file() {
        "一个普通文件"
    } else if t.is_fifo() {
        "一个命名管道（FIFO）"
    } else if t.is_socket() {
        "一个套接字（socket）"
    } else if t.is_block_device() || t.is_char_device() {
        "一个设备文件"
    } else if t.is_symlink() {
        "一个失效的符号链接"
    } else {
        "一个特殊文件"
    }
}

/// Decides whether `output` may be (re)written for the site at `root`, and returns the folder
/// that will be written: `output` resolved. The message says why not, in Chinese.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf, String> {
    let shown = output.display();
    let out = resolve(output).map_err(|e| format!("无法确定输出文件夹 {shown} 的位置：{e}"))?;
    let root_abs = fs::canonicalize(root)
        .map_err(|e| format!("无法读取站点文件夹 {}：{e}", root.display()))?;
    if root_abs.starts_with(&out) {
        return Err(format!(
            "输出文件夹 {shown}（{}）包含了站点本身，不能用作输出：请换一个文件夹，例如 {}",
            out.display(),
            root.join("public").display()
        ));
    }
    for own in ["content", "themes", "static"] {
        let dir = root_abs.join(own);
        let real = fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if out.starts_with(&dir) || out.starts_with(&real) {
            return Err(format!(
                "输出文件夹 {shown}（{}）在站点的 {own}/ 里面，生成的网站会混进站点内容：请换一个文件夹，例如 {}",
                out.display(),
                root.join("public").display()
            ));
        }
    }
    ours(&out).map_err(|why| format!("不能把网站生成到 {shown}：{why}"))?;
    Ok(out)
}

/// `Ok` when `dir` (resolved) is new, an empty folder, or a folder a build of ours wrote.
fn ours(dir: &Path) -> Result<(), String> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("无法读取 {}：{e}", dir.display())),
    };
    if !meta.is_dir() {
        return Err(format!(
            "{} 是{}，不是文件夹；gongkai 不会移动或替换它。请换一个输出文件夹",
            dir.display(),
            kind_of(&meta)
        ));
    }
    let marked = fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file());
    if marked {
        return Ok(());
    }
    let mut entries = fs::read_dir(dir).map_err(|e| format!("无法读取 {}：{e}", dir.display()))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(format!(
        "{} 里已有其他文件，而且没有 gongkai 生成时留下的 {MARKER} 文件，所以不是 gongkai 生成的网站；\
为免删掉别人的文件，它不会被清空或替换。请换一个新的（或空的）输出文件夹；\
如果它确实是以前的 gongkai 生成的，先删掉它再生成",
        dir.display()
    ))
}

/// The Chinese for the usual causes of a failed write, with the system's own words.
pub fn io_cause(e: &io::Error) -> String {
    let zh = match e.kind() {
        io::ErrorKind::StorageFull => "磁盘空间不足",
        io::ErrorKind::QuotaExceeded => "超出磁盘配额",
        io::ErrorKind::FileTooLarge => "文件超出系统允许的大小",
        io::ErrorKind::PermissionDenied => "没有写入权限",
        io::ErrorKind::ReadOnlyFilesystem => "文件系统是只读的",
        _ => return e.to_string(),
    };
    format!("{zh}（{e}）")
}

/// A staging folder beside the output. Dropped without `commit`, it removes itself and the
/// output stays as it was.
pub struct Staging {
    dir: PathBuf,
    /// The output folder, resolved.
    output: PathBuf,
    /// The current output, when it exists: unchanged files are linked from it.
    previous: Option<PathBuf>,
    made: Mutex<HashSet<PathBuf>>,
    written: Mutex<HashSet<String>>,
    /// The first write that failed: (real path, error).
    failure: Mutex<Option<(PathBuf, io::Error)>>,
    committed: bool,
}

fn staging_name(name: &str, pid: u32) -> String {
    format!(".{name}.staging-{pid}")
}

/// Whether a process with this id is running (a signal-0 probe: it sends nothing).
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Removes the staging and old folders that builds of `name` left when they were killed: ours
/// by their name and marker, and their process gone.
fn clean_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let pid = [".staging-", ".old-"].iter().find_map(|kind| {
            file.strip_prefix(&format!(".{name}{kind}"))
                .and_then(|p| p.parse::<u32>().ok())
        });
        let Some(pid) = pid else { continue };
        let path = e.path();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if pid == std::process::id() || alive(pid) || !is_dir {
            continue;
        }
        let marked = fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file());
        let empty = fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if marked || empty {
            remove_marked(&path);
        }
    }
}

/// Removes a folder of ours with its marker last, so that a build killed halfway through leaves
/// a folder that is still marked (or empty) and that the next build removes.
fn remove_marked(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name() == MARKER {
                continue;
            }
            let _ = match e.file_type() {
                Ok(t) if t.is_dir() => fs::remove_dir_all(e.path()),
                _ => fs::remove_file(e.path()),
            };
        }
    }
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

impl Staging {
    /// A staging folder for `output`, which [`check_output_dir`] has resolved and accepted.
    pub fn new(output: &Path) -> io::Result<Staging> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        clean_stale(&parent, &name);
        let dir = parent.join(staging_name(&name, std::process::id()));
        match fs::remove_dir_all(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        fs::create_dir(&dir)?;
        // First of all, so that a build killed at any point leaves a folder marked as ours.
        fs::write(dir.join(MARKER), MARKER_TEXT)?;
        let previous = fs::symlink_metadata(output)
            .is_ok_and(|m| m.is_dir())
            .then(|| output.to_path_buf());
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            previous,
            made: Mutex::new(HashSet::new()),
            written: Mutex::new(HashSet::new()),
            failure: Mutex::new(None),
            committed: false,
        })
    }

    /// The first write that failed, with the real path: an I/O error, not a content error.
    pub fn failure(&self) -> Option<String> {
        let failure = self.failure.lock().ok()?;
        let (path, e) = failure.as_ref()?;
        Some(format!("写入 {} 失败：{}", path.display(), io_cause(e)))
    }

    /// Records a failed write (the first one is reported) and passes the error on.
    fn note<T>(&self, path: &Path, r: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &r
            && let Ok(mut f) = self.failure.lock()
            && f.is_none()
        {
            *f = Some((path.to_path_buf(), io::Error::new(e.kind(), e.to_string())));
        }
        r
    }

    /// The staging path for `rel`, its folder made. A file already there (a theme's file over a
    /// built-in one) is removed first: it may be a link to the previous output, which a write
    /// must never reach.
    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        let target = safe_join(&self.dir, rel)?;
        if let Some(parent) = target.parent() {
            // Another thread may be making the same folder: it is marked made only once it
            // exists (making it twice does no harm).
            let made = self
                .made
                .lock()
                .map(|m| m.contains(parent))
                .unwrap_or(false);
            if !made {
                self.note(parent, fs::create_dir_all(parent))?;
                if let Ok(mut m) = self.made.lock() {
                    m.insert(parent.to_path_buf());
                }
            }
        }
        let again = self
            .written
            .lock()
            .map(|mut w| !w.insert(rel.to_string()))
            .unwrap_or(true);
        if again {
            match fs::remove_file(&target) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return self.note(&target, Err(e));
                }
                _ => {}
            }
        }
        Ok(target)
    }

    /// The same file in the current output, if it is a regular file of `len` bytes.
    fn previous_file(&self, rel: &str, len: u64) -> Option<PathBuf> {
        let old = safe_join(self.previous.as_ref()?, rel).ok()?;
        let meta = fs::symlink_metadata(&old).ok()?;
        (meta.is_file() && meta.len() == len).then_some(old)
    }

    /// Where the previous output has the same bytes as the file just written at `target`,
    /// links that file in instead, so that its time of change stays what it was.
    fn keep_previous(&self, rel: &str, target: &Path) {
        let len = fs::metadata(target).map_or(0, |m| m.len());
        if let Some(old) = self.previous_file(rel, len)
            && let Ok(mut new) = fs::File::open(target)
            && same_contents(&mut new, &old).unwrap_or(false)
        {
            self.relink(&old, target);
        }
    }

    /// Links the previous output's `old` in at `target`, in place of the file written there.
    fn relink(&self, old: &Path, target: &Path) -> bool {
        let tmp = target.with_file_name(format!(
            ".{}.link",
            target
                .file_name()
                .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned())
        ));
        let _ = fs::remove_file(&tmp);
        fs::hard_link(old, &tmp).is_ok() && fs::rename(&tmp, target).is_ok()
    }

    fn copy_asset(&self, src: &Path, rel: &str) -> io::Result<()> {
        let target = self.target(rel)?;
        let mut source = open_regular(src)?;
        let len = source.metadata()?.len();
        if let Some(old) = self.previous_file(rel, len)
            && same_contents(&mut open_regular(src)?, &old).unwrap_or(false)
            && fs::hard_link(&old, &target).is_ok()
        {
            return Ok(());
        }
        let mut out = self.note(&target, fs::File::create(&target))?;
        self.note(&target, io::copy(&mut source, &mut out).map(drop))
    }

    /// Copies the assets in, then exchanges the staging folder with the output in one step.
    /// The error says, in Chinese, which path failed and why.
    pub fn commit(mut self, assets: &[Asset]) -> Result<(), String> {
        let copied = assets.par_iter().try_for_each(|(src, rel)| {
            self.copy_asset(src, rel)
                .map_err(|e| format!("复制 {} 失败：{}", src.display(), io_cause(&e)))
        });
        if let Some(why) = self.failure() {
            return Err(why);
        }
        copied?;
        // The output may have been replaced while the site was rendered: decide again.
        ours(&self.output).map_err(|why| format!("不能把网站生成到这里：{why}"))?;
        // The marker too stays the file it was, so that a copy by modification time (rsync,
        // an upload tool) sends only what changed.
        if let Some(old) = self.previous_file(MARKER, MARKER_TEXT.len() as u64)
            && fs::read(&old).is_ok_and(|b| b == MARKER_TEXT.as_bytes())
        {
            self.relink(&old, &self.dir.join(MARKER));
        }
        switch(&self.dir, &self.output).map_err(|e| {
            format!(
                "把 {} 换成新生成的网站失败：{}",
                self.output.display(),
                io_cause(&e)
            )
        })?;
        self.committed = true;
        // The staging path now holds the previous output: removed off the switch's path. A
        // build killed meanwhile leaves it marked, for the next build to remove.
        remove_marked(&self.dir);
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.target(path)?;
        if let Some(old) = self.previous_file(path, bytes.len() as u64)
            && fs::read(&old).is_ok_and(|b| b == bytes)
            && fs::hard_link(&old, &target).is_ok()
        {
            return Ok(());
        }
        self.note(&target, fs::write(&target, bytes))
    }

    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let target = self.target(path)?;
        let file = self.note(&target, fs::File::create(&target))?;
        let mut out = io::BufWriter::new(file);
        self.note(&target, write(&mut out))?;
        self.note(&target, io::Write::flush(&mut out))?;
        drop(out);
        self.keep_previous(path, &target);
        Ok(())
    }

    fn put_copy(&self, path: &str, src: &fs::File, len: u64, tail: &[u8]) -> io::Result<()> {
        let target = self.target(path)?;
        let mut file = self.note(&target, fs::File::create(&target))?;
        // File to file: `io::copy` has the system copy the bytes.
        self.note(&target, copy_prefix(src, len, tail, &mut file))?;
        drop(file);
        self.keep_previous(path, &target);
        Ok(())
    }

    fn has(&self, path: &str) -> bool {
        self.written.lock().is_ok_and(|w| w.contains(path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_marked(&self.dir);
        }
    }
}

/// Opens a file for reading only if it is a regular file: never a FIFO (which would block),
/// a device or a symbolic link swapped in after it was checked.
pub fn open_regular(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} 不是普通文件", path.display()),
        ));
    }
    Ok(file)
}

/// Whether `a` (read from where it is) has the same bytes as the file at `b`.
fn same_contents(a: &mut fs::File, b: &Path) -> io::Result<bool> {
    let mut b = fs::File::open(b)?;
    let (mut x, mut y) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = read_full(a, &mut x)?;
        let m = read_full(&mut b, &mut y)?;
        if n != m || x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full(f: &mut fs::File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn safe_join(base: &Path, rel: &str) -> io::Result<PathBuf> {
    let ok = !rel.is_empty()
        && !rel.starts_with('/')
        && rel
            .split('/')
            .all(|p| !p.is_empty() && p != ".." && p != "." && !p.contains('\\'));
    if !ok {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unsafe output path {rel}"),
        ));
    }
    Ok(base.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` and copies `assets` into `output`, as a build does.
    fn publish(output: &Path, files: &[OutputFile], assets: &[Asset]) -> io::Result<()> {
        let staging = Staging::new(output)?;
        files
            .par_iter()
            .try_for_each(|f| staging.put(&f.path, &f.bytes))?;
        staging.commit(assets).map_err(io::Error::other)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn swaps_in_whole_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(
            &out,
            &[
                OutputFile::new("index.html", "one"),
                OutputFile::new("a/b.html", "b"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "b");
        assert!(out.join(MARKER).is_file());
        publish(&out, &[OutputFile::new("index.html", "two")], &[]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a/b.html").exists(), "stale files go");
        assert_eq!(names(dir.path()), ["public"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, &[OutputFile::new("index.html", "one")], &[]).unwrap();
        assert!(publish(&out, &[OutputFile::new("../escape.html", "x")], &[]).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        assert_eq!(
            names(dir.path()),
            ["public"],
            "the staging folder is removed"
        );
    }

    #[test]
    fn unchanged_files_keep_their_inode() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let asset = dir.path().join("photo.jpg");
        fs::write(&asset, "jpeg").unwrap();
        let files = |x: &str| {
            vec![
                OutputFile::new("same.html", "same"),
                OutputFile::new("changed.html", x),
            ]
        };
        let assets = [(asset.clone(), "p/photo.jpg".to_string())];
        publish(&out, &files("one"), &assets).unwrap();
        let ino = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let before = [ino("same.html"), ino("changed.html"), ino("p/photo.jpg")];
        publish(&out, &files("two"), &assets).unwrap();
        assert_eq!(ino("same.html"), before[0]);
        assert_ne!(ino("changed.html"), before[1]);
        assert_eq!(ino("p/photo.jpg"), before[2]);
        assert_eq!(fs::read_to_string(out.join("changed.html")).unwrap(), "two");
    }

    #[test]
    fn resolves_before_deciding() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(base.join("a/b")).unwrap();
        std::os::unix::fs::symlink(base.join("a/b"), base.join("link")).unwrap();
        assert_eq!(
            resolve(&base.join("link/../x/./y")).unwrap(),
            base.join("a/x/y")
        );
        assert_eq!(
            resolve(&base.join("new/../a/b/c")).unwrap(),
            base.join("a/b/c")
        );
    }

    #[test]
    fn refuses_dangerous_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        assert!(check_output_dir(&root, &root.join("public/../content/new")).is_err());
        assert!(check_output_dir(&root, &root.join("static/x")).is_err());
        let other = dir.path().join("docs");
        fs::create_dir_all(&other).unwrap();
        fs::write(other.join("index.html"), "x").unwrap();
        fs::write(other.join("404.html"), "x").unwrap();
        assert!(check_output_dir(&root, &other).is_err(), "a web root");
        fs::write(other.join(MARKER), "").unwrap();
        assert!(check_output_dir(&root, &other).is_ok(), "marked as ours");
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn stale_staging_of_dead_builds_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A process id far above any the system hands out: no such process.
        let dead = dir.path().join(".public.staging-2147483000");
        fs::create_dir_all(dead.join("projects")).unwrap();
        fs::write(dead.join(MARKER), "").unwrap();
        let unmarked = dir.path().join(".public.old-2147483001");
        fs::create_dir_all(&unmarked).unwrap();
        fs::write(unmarked.join("notes.txt"), "someone's").unwrap();
        // Process 1 is always running: its build is not stale.
        let living = dir.path().join(".public.staging-1");
        fs::create_dir_all(&living).unwrap();
        fs::write(living.join(MARKER), "").unwrap();
        publish(&out, &[OutputFile::new("index.html", "x")], &[]).unwrap();
        assert!(!dead.exists());
        assert!(unmarked.exists(), "not marked as ours: kept");
        assert!(living.exists(), "a running build's folder is kept");
    }
}
