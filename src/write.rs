//! Stage 4, **write**: the only code that touches the output folder. Everything is written into
//! a staging folder beside it and swapped in at the end, so that a failed build — or a reader
//! during a build — never sees half an output, and the previous output survives any failure.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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

/// Writes `files` and copies `assets` (source path, output path) into `output`, atomically.
pub fn publish(
    output: &Path,
    files: &[OutputFile],
    assets: &[(PathBuf, String)],
) -> io::Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = fill(&staging, files, assets).and_then(|()| swap(&staging, output, &old));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn fill(staging: &Path, files: &[OutputFile], assets: &[Asset]) -> io::Result<()> {
    fs::create_dir_all(staging)?;
    for f in files {
        let target = safe_join(staging, &f.path)?;
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(target, &f.bytes)?;
    }
    for (src, rel) in assets {
        let target = safe_join(staging, rel)?;
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::copy(src, target)?;
    }
    Ok(())
}

fn swap(staging: &Path, output: &Path, old: &Path) -> io::Result<()> {
    if output.exists() {
        let _ = fs::remove_dir_all(old);
        fs::rename(output, old)?;
        if let Err(e) = fs::rename(staging, output) {
            let _ = fs::rename(old, output);
            return Err(e);
        }
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
