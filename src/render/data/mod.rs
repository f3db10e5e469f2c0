//! Open data in `/data/`: `projects.json` with the keys of SPEC §6, four CSV files that Excel
//! opens with Chinese intact, an OCDS 1.1 release package, and `column.json`, which describes
//! the column and names every other file by its SHA-256. Everything is built from the same
//! model as the pages, so the data and the pages always agree.

pub mod column;
mod csv;
mod json;
mod ocds;

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::views::{DateView, Model};
use crate::derive::Derived;
use crate::model::Site;
use crate::write::Sink;

/// A file's SHA-256 (hex) and size, as `column.json` names it.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub sha256: String,
    pub bytes: u64,
}

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest {
            sha256: crate::ledger::hex(&Sha256::digest(bytes).into()),
            bytes: bytes.len() as u64,
        }
    }
}

/// Passes bytes on to `inner`, hashing them on the way.
struct Hashing<'a> {
    inner: &'a mut dyn std::io::Write,
    hash: Sha256,
    bytes: u64,
}

impl std::io::Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Streams a file into the sink, and its digest into `digests`.
fn put_hashed(
    sink: &dyn Sink,
    path: &str,
    digests: &Mutex<BTreeMap<String, Digest>>,
    write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    sink.put_with(path, &mut |out| {
        let mut h = Hashing {
            inner: out,
            hash: Sha256::new(),
            bytes: 0,
        };
        write(&mut h)?;
        let digest = Digest {
            sha256: crate::ledger::hex(&h.hash.finalize().into()),
            bytes: h.bytes,
        };
        note_digest(digests, path, digest);
        Ok(())
    })
}

/// Keeps a file's digest for `column.json`, under its name.
fn note_digest(digests: &Mutex<BTreeMap<String, Digest>>, path: &str, digest: Digest) {
    if let Ok(mut d) = digests.lock() {
        d.insert(file_name(path).to_string(), digest);
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Writes every file of `/data/` except the page that documents them; returns how many.
pub fn write(
    site: &Site,
    derived: &Derived,
    model: &Model,
    link: &(dyn Fn(&str) -> String + Sync),
    sink: &dyn Sink,
) -> std::io::Result<usize> {
    // Each file is streamed to the output and hashed on the way (progress.csv, projects.json and
    // the OCDS package are each around a hundred megabytes for ten thousand projects); the
    // publication ledger is copied verbatim as far as this build's date (SPEC §7).
    type Make<'a> = Box<dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Sync + 'a>;
    let mut files: Vec<(&str, Make)> = vec![
        (
            "data/ocds.json",
            Box::new(|out| ocds::ocds_json(model, link, out)),
        ),
        (
            "data/progress.csv",
            Box::new(|out| csv::progress_csv(model, out)),
        ),
        (
            "data/projects.json",
            Box::new(|out| json::projects_json(model, link, out)),
        ),
        (
            "data/projects.csv",
            Box::new(|out| csv::projects_csv(model, link, out)),
        ),
        (
            "data/disbursements.csv",
            Box::new(|out| csv::disbursements_csv(model, out)),
        ),
        (
            "data/notices.csv",
            Box::new(|out| csv::notices_csv(model, out)),
        ),
    ];
    // The ledger is copied from its file where it can be, with the hash made when it was read.
    const LEDGER: &str = "data/ledger.jsonl";
    let mut copy = None;
    if let Some((ledger, entries)) = &model.ledger {
        match ledger.copy_source(*entries)? {
            Some(source) => copy = Some(source),
            None => files.push((LEDGER, Box::new(|out| ledger.write_prefix(*entries, out)))),
        }
    }
    let digests = Mutex::new(BTreeMap::new());
    let (written, copied) = rayon::join(
        || {
            files
                .par_iter()
                .with_max_len(1)
                .try_for_each(|(path, make)| put_hashed(sink, path, &digests, &mut |out| make(out)))
        },
        || {
            let Some(c) = &copy else {
                return Ok::<(), std::io::Error>(());
            };
            sink.put_copy(LEDGER, &c.file, c.len, c.tail)?;
            c.unchanged()?;
            let digest = Digest {
                sha256: crate::ledger::hex(&c.sha256),
                bytes: c.len + c.tail.len() as u64,
            };
            note_digest(&digests, LEDGER, digest);
            Ok(())
        },
    );
    written?;
    copied?;
    let count = files.len() + usize::from(copy.is_some()) + 1;
    let digests = digests.into_inner().unwrap_or_default();
    let column = column::column_json(site, derived, model, &digests, link);
    sink.put("data/column.json", column.as_bytes())?;
    Ok(count)
}

/// A date as data formats write it: `2022-06-30`.
fn iso(d: &Option<DateView>) -> Option<&str> {
    d.as_ref().map(|d| d.iso.as_str())
}
