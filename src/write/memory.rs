//! Sinks that keep what a build writes in memory: the preview server's files, and the paths
//! alone for `check`.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::{Sink, safe_join};

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

    fn has(&self, path: &str) -> bool {
        self.files.lock().is_ok_and(|f| f.contains_key(path))
    }
}

/// Keeps nothing but the paths it was given: `check` renders into it to judge the pages a build
/// would write.
#[derive(Default)]
pub struct Discard {
    paths: Mutex<HashSet<String>>,
}

impl Sink for Discard {
    fn put(&self, path: &str, _: &[u8]) -> io::Result<()> {
        safe_join(Path::new(""), path)?;
        self.paths
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .insert(path.to_string());
        Ok(())
    }

    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        write(&mut io::sink())?;
        self.put(path, &[])
    }

    /// A copy holds nothing to judge: it is not read.
    fn put_copy(&self, path: &str, _: &fs::File, _: u64, _: &[u8]) -> io::Result<()> {
        self.put(path, &[])
    }

    fn has(&self, path: &str) -> bool {
        self.paths.lock().is_ok_and(|p| p.contains(path))
    }
}
