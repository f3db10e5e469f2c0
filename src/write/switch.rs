//! Putting the staging folder in place of the output in one step.

use std::fs;
use std::io;
use std::path::Path;

/// Puts the folder `staging` in place of `output` in one step; afterwards `staging` holds the
/// previous output (if there was one).
#[cfg(target_os = "linux")]
pub(super) fn switch(staging: &Path, output: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))
    };
    let (from, to) = (c(staging)?, c(output)?);
    let exists = fs::symlink_metadata(output).is_ok();
    let flags = if exists {
        libc::RENAME_EXCHANGE
    } else {
        libc::RENAME_NOREPLACE
    };
    // SAFETY: both paths are NUL-terminated strings that live across the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            flags,
        )
    };
    if r == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // A file system without the exchange (some network file systems): two renames.
        Some(libc::EINVAL) | Some(libc::ENOSYS) => two_renames(staging, output),
        _ => Err(e),
    }
}

/// Elsewhere than Linux there is no portable exchange of two folders: the output is moved
/// aside and the staging folder moved in, two renames with a short moment between them in
/// which the output folder does not exist (a kill then leaves the previous output in the
/// staging folder's place, marked, for the next build).
#[cfg(not(target_os = "linux"))]
pub(super) fn switch(staging: &Path, output: &Path) -> io::Result<()> {
    two_renames(staging, output)
}

fn two_renames(staging: &Path, output: &Path) -> io::Result<()> {
    if fs::symlink_metadata(output).is_err() {
        return fs::rename(staging, output);
    }
    let name = staging
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = match name.rsplit_once(".staging-") {
        Some((output, pid)) => staging.with_file_name(format!("{output}.old-{pid}")),
        None => staging.with_file_name(format!("{name}.old")),
    };
    let _ = fs::remove_dir_all(&aside);
    fs::rename(output, &aside)?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = fs::rename(&aside, output);
        return Err(e);
    }
    fs::rename(&aside, staging)
}
