//! Files gongkai reads or writes on the webmaster's behalf stay inside the site: a path inside
//! `content/` whose folders or file are symbolic links leading elsewhere, or that is not a
//! regular file, is refused rather than followed.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `root/rel` if every part of it that exists is a real folder (or, at the end, a regular
/// file) inside the site, never a symbolic link. `rel` is `/`-separated and relative.
pub fn inside(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() || *part == "." || *part == ".." {
            return Err(format!("{rel} 不是站点里的路径"));
        }
        path.push(part);
        let last = i + 1 == parts.len();
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                return Err(format!(
                    "{} 是一个符号链接（指向 {to}）：gongkai 只读写站点里的普通文件和文件夹，不跟随链接",
                    parts[..=i].join("/")
                ));
            }
            Ok(m) if last && !m.is_file() => {
                return Err(format!("{rel} 不是普通文件"));
            }
            Ok(m) if !last && !m.is_dir() => {
                return Err(format!("{} 不是文件夹", parts[..=i].join("/")));
            }
            Ok(_) => {}
            // What does not exist yet is made by the caller, inside what does.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                path.extend(&parts[i + 1..]);
                break;
            }
            Err(e) => return Err(format!("无法读取 {}：{e}", parts[..=i].join("/"))),
        }
    }
    Ok(path)
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename: a reader never
/// sees half a file, and a symbolic link put at `path` meanwhile is replaced, not followed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.gongkai-{}", std::process::id()));
    let written = fs::File::create_new(&tmp).and_then(|mut f| f.write_all(bytes));
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_out_of_the_site_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content/projects/a/progress")).unwrap();
        fs::write(dir.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("secret"),
            root.join("content/projects/a/progress/2022-07.md"),
        )
        .unwrap();
        let why = inside(&root, "content/projects/a/progress/2022-07.md").unwrap_err();
        assert!(why.contains("符号链接"), "{why}");
        std::os::unix::fs::symlink(dir.path(), root.join("content/projects/b")).unwrap();
        assert!(inside(&root, "content/projects/b/index.md").is_err());
        assert_eq!(
            inside(&root, "content/projects/c/index.md").unwrap(),
            root.join("content/projects/c/index.md")
        );
        assert!(inside(&root, "content/../x").is_err());
        let p = inside(&root, "content/projects/a/index.md").unwrap();
        write_atomically(&p, b"+++\n+++\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"+++\n+++\n");
    }
}
