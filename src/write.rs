//! Stage 4, **write**: the only code that touches the output folder. Pages stream into a
//! staging folder beside it as they are rendered, and the staging folder is swapped in only when
//! everything succeeded, so that a failed build — or a reader during a build — never sees half
//! an output, and the previous output survives any failure.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

/// A file copied as it is: (source path, path in the output).
pub type Asset = (PathBuf, String);

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
}

/// Refuses output folders that would destroy the site or someone else's files.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), String> {
    let abs = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root_abs = abs(root);
    let out_abs = abs(output);
    if root_abs.starts_with(&out_abs) {
        return Err(format!(
            "输出文件夹 {} 包含了站点本身，不能用作输出",
            output.display()
        ));
    }
    if out_abs.starts_with(root_abs.join("content")) || out_abs.starts_with(root_abs.join("themes"))
    {
        return Err(format!(
            "输出文件夹 {} 在 content/ 或 themes/ 里面，不能用作输出",
            output.display()
        ));
    }
    if output.is_file() {
        return Err(format!("{} 是一个文件，不是文件夹", output.display()));
    }
    if output.is_dir() {
        let mut entries =
            fs::read_dir(output).map_err(|e| format!("无法读取 {}：{e}", output.display()))?;
        let empty = entries.next().is_none();
        let ours = output.join("index.html").is_file() && output.join("404.html").is_file();
        if !empty && !ours {
            return Err(format!(
                "{} 已有其他文件，看起来不是 gongkai 生成的网站；为免误删，请换一个输出文件夹或先清空它",
                output.display()
            ));
        }
    }
    Ok(())
}

/// A staging folder beside the output. Dropped without `commit`, it removes itself and the
/// output stays as it was.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    made: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    pub fn new(output: &Path) -> io::Result<Staging> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            made: Mutex::new(HashSet::new()),
            committed: false,
        })
    }

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
                fs::create_dir_all(parent)?;
                if let Ok(mut m) = self.made.lock() {
                    m.insert(parent.to_path_buf());
                }
            }
        }
        Ok(target)
    }

    /// Copies the assets in, then swaps the staging folder in for the output.
    pub fn commit(mut self, assets: &[Asset]) -> io::Result<()> {
        assets
            .par_iter()
            .try_for_each(|(src, rel)| fs::copy(src, self.target(rel)?).map(|_| ()))?;
        let old = self.dir.with_file_name(format!(
            ".{}.old-{}",
            self.output
                .file_name()
                .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        swap(&self.dir, &self.output, &old)?;
        self.committed = true;
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        fs::write(self.target(path)?, bytes)
    }

    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut out = io::BufWriter::new(fs::File::create(self.target(path)?)?);
        write(&mut out)?;
        io::Write::flush(&mut out)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Files kept in memory, for the preview server.
#[derive(Default)]
pub struct Memory {
    pub files: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        safe_join(Path::new(""), path)?;
        self.files
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .insert(path.to_string(), Arc::new(bytes.to_vec()));
        Ok(())
    }
}

/// Writes `files` and copies `assets` into `output`, atomically.
pub fn publish(output: &Path, files: &[OutputFile], assets: &[Asset]) -> io::Result<()> {
    let staging = Staging::new(output)?;
    files
        .par_iter()
        .try_for_each(|f| staging.put(&f.path, &f.bytes))?;
    staging.commit(assets)
}

fn swap(staging: &Path, output: &Path, old: &Path) -> io::Result<()> {
    if output.exists() {
        let _ = fs::remove_dir_all(old);
        fs::rename(output, old)?;
        if let Err(e) = fs::rename(staging, output) {
            let _ = fs::rename(old, output);
            return Err(e);
        }
        // The previous output is removed last, off the critical path of the swap.
        let _ = fs::remove_dir_all(old);
        Ok(())
    } else {
        fs::rename(staging, output)
    }
}

fn safe_join(base: &Path, rel: &str) -> io::Result<PathBuf> {
    let ok = !rel.is_empty()
        && !rel.starts_with('/')
        && rel
            .split('/')
            .all(|p| !p.is_empty() && p != ".." && p != ".");
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
        publish(&out, &[OutputFile::new("index.html", "two")], &[]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a/b.html").exists(), "stale files go");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, &[OutputFile::new("index.html", "one")], &[]).unwrap();
        assert!(publish(&out, &[OutputFile::new("../escape.html", "x")], &[]).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["public"], "the staging folder is removed");
    }

    #[test]
    fn refuses_dangerous_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        let other = dir.path().join("docs");
        fs::create_dir_all(&other).unwrap();
        fs::write(other.join("thesis.docx"), "x").unwrap();
        assert!(check_output_dir(&root, &other).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }
}
