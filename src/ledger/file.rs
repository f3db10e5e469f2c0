//! `ledger.jsonl`: one entry per line, each chained to the line before by SHA-256 (SPEC §7).
//! Reading checks every line — its form, its record's hash, its number, its date and its link —
//! and names the first that fails. Lines are checked in parallel (each line's hashes are its
//! own); the chain is then walked once, comparing hashes already made. What a line holds is in
//! [`super::entry`], its form in [`super::line`].

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::canon::{self, Canon};
pub use super::entry::{Action, Broken, Entry, Hash, Key, Kind, NewEntry, hex, sha256, tagged};
use super::line::{format_line, link, parse_line};
use crate::date::Date;

/// The ledger's file name, at the site root beside config.toml.
pub const FILE: &str = "ledger.jsonl";

/// Where the ledger's text can be read again (records are read only when a page or a message
/// needs one, so that a large ledger is not kept in memory): the file (or the bytes fetched),
/// then any lines appended in memory by a publish that is not written yet.
#[derive(Clone, Debug)]
struct Text {
    base: Base,
    /// Bytes of `base` that count: its whole lines.
    base_len: usize,
    appended: Arc<str>,
}

#[derive(Clone, Debug)]
enum Base {
    File {
        path: PathBuf,
        /// The file as it was read, to tell whether it changed since.
        stamp: Stamp,
        /// SHA-256 of the whole file as read, when every line held.
        whole: Option<Sha256>,
    },
    Memory(Arc<[u8]>),
}

/// Which file, and how it stood: its device and inode, its length, and when its content and its
/// status last changed (the status time is the system's own: no tool sets it back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            modified: (m.mtime(), m.mtime_nsec()),
            changed: (m.ctime(), m.ctime_nsec()),
        }
    }
}

/// The ledger's file, opened to be copied without reading it through (see
/// [`Ledger::copy_source`]): the same file as was read, unchanged since.
pub struct CopySource<'l> {
    pub file: std::fs::File,
    stamp: Stamp,
    /// How many of the file's bytes to copy.
    pub len: u64,
    /// Lines appended in memory, to write after them.
    pub tail: &'l [u8],
    /// SHA-256 of the whole copy, made when the file was read.
    pub sha256: Hash,
}

impl CopySource<'_> {
    /// Fails when the file changed while it was copied: the copy then may not be what was read.
    pub fn unchanged(&self) -> std::io::Result<()> {
        if Stamp::of(&self.file.metadata()?) != self.stamp {
            return Err(changed());
        }
        Ok(())
    }
}

/// The error when the ledger's file changed while a build used it.
fn changed() -> std::io::Error {
    std::io::Error::other(format!("{FILE} 在生成时被改动了"))
}

impl Text {
    fn read(&self, at: usize, len: usize) -> std::io::Result<Vec<u8>> {
        if at >= self.base_len {
            let a = at - self.base_len;
            return Ok(self
                .appended
                .as_bytes()
                .get(a..a + len)
                .unwrap_or_default()
                .to_vec());
        }
        match &self.base {
            Base::Memory(b) => Ok(b.get(at..at + len).unwrap_or_default().to_vec()),
            Base::File { path, .. } => {
                let mut f = std::fs::File::open(path)?;
                f.seek(SeekFrom::Start(at as u64))?;
                let mut buf = vec![0u8; len];
                f.read_exact(&mut buf)?;
                Ok(buf)
            }
        }
    }

    /// Writes the first `len` bytes to `out`.
    fn write(&self, len: usize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let from_base = len.min(self.base_len);
        match &self.base {
            Base::Memory(b) => out.write_all(&b[..from_base])?,
            Base::File { path, .. } => {
                let f = std::fs::File::open(path)?;
                let copied = std::io::copy(&mut f.take(from_base as u64), out)?;
                if copied as usize != from_base {
                    return Err(changed());
                }
            }
        }
        out.write_all(&self.appended.as_bytes()[..len - from_base])
    }
}

/// A ledger as read and checked.
#[derive(Clone, Debug)]
pub struct Ledger {
    text: Text,
    pub entries: Vec<Entry>,
    /// Bytes of every whole line read, newlines included (of the lines before a broken one).
    pub length: usize,
    /// The first line that does not hold (none when the whole chain holds).
    pub broken: Option<Broken>,
}

impl Ledger {
    /// Reads `ledger.jsonl` at the site root; `None` when there is none.
    pub fn read(root: &Path) -> std::io::Result<Option<Ledger>> {
        let path = root.join(FILE);
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        // Read a piece at a time into one buffer: a national ledger is hundreds of megabytes,
        // and only its entries are kept.
        const PIECE: usize = 8 << 20;
        let mut checker = Checker::default();
        let mut buf: Vec<u8> = Vec::with_capacity(PIECE * 2);
        let mut offset = 0;
        // Taken before reading: a change made while the file is read shows as one later.
        let stamp = Stamp::of(&file.metadata()?);
        let size = stamp.len as usize;
        // The whole file's SHA-256 too, for the copy the site publishes (SPEC §7): made beside
        // the lines' checks, piece by piece.
        let mut whole = Sha256::new();
        loop {
            let kept = buf.len();
            buf.resize(kept + PIECE, 0);
            let n = file.read(&mut buf[kept..])?;
            buf.truncate(kept + n);
            if n == 0 {
                checker.lines(&buf, offset, true);
                break;
            }
            let Some(last) = memchr::memrchr(b'\n', &buf) else {
                continue;
            };
            rayon::join(
                || whole.update(&buf[..=last]),
                || checker.lines(&buf[..=last], offset, false),
            );
            if checker.broken.is_some() {
                break;
            }
            if offset == 0 {
                // Room for every entry at once, estimated from the first piece.
                let per_line = (last + 1) / checker.entries.len().max(1);
                checker.entries.reserve(size / per_line.max(1));
            }
            offset += last + 1;
            buf.drain(..=last);
        }
        // Only whole lines were hashed: the hash is the file's when they are all there is.
        let whole = (checker.broken.is_none() && buf.is_empty()).then_some(whole);
        Ok(Some(checker.finish(Base::File { path, stamp, whole })))
    }

    /// A ledger held in memory (one fetched from a published site).
    pub fn from_bytes(bytes: &[u8]) -> Ledger {
        let mut checker = Checker::default();
        checker.lines(bytes, 0, true);
        checker.finish(Base::Memory(Arc::from(bytes)))
    }

    /// The head: SHA-256 of the last line of the first `count` entries.
    pub fn head(&self, count: usize) -> Option<Hash> {
        count
            .checked_sub(1)
            .and_then(|i| self.entries.get(i))
            .map(|e| e.line_hash)
    }

    /// How many entries are dated on or before `as_of` (dates never go back, so they come
    /// first).
    pub fn in_effect(&self, as_of: Date) -> usize {
        self.entries.partition_point(|e| e.date <= as_of)
    }

    /// Bytes of the first `count` lines, newlines included.
    pub fn prefix_len(&self, count: usize) -> usize {
        count
            .checked_sub(1)
            .and_then(|i| self.entries.get(i))
            .map_or(0, |e| e.end)
    }

    /// The record an entry holds.
    pub fn record(&self, e: &Entry) -> std::io::Result<Canon> {
        let raw = self.text.read(e.record_at.0, e.record_at.1)?;
        let raw = String::from_utf8(raw).map_err(std::io::Error::other)?;
        canon::parse(&raw).map_err(std::io::Error::other)
    }

    /// The first `count` lines as a copy can be made of them: from the file they were read
    /// from, all of it, then the lines appended in memory; with the hash made while reading.
    /// `None` for a ledger not read from a file, or when lines of the file are left out.
    /// Fails when the file changed since it was read.
    pub fn copy_source(&self, count: usize) -> std::io::Result<Option<CopySource<'_>>> {
        let Base::File {
            path,
            stamp,
            whole: Some(whole),
        } = &self.text.base
        else {
            return Ok(None);
        };
        let Some(tail) = self.prefix_len(count).checked_sub(self.text.base_len) else {
            return Ok(None);
        };
        if stamp.len != self.text.base_len as u64 {
            return Ok(None);
        }
        let tail = &self.text.appended.as_bytes()[..tail];
        let mut hash = whole.clone();
        hash.update(tail);
        let source = CopySource {
            file: std::fs::File::open(path)?,
            stamp: *stamp,
            len: stamp.len,
            tail,
            sha256: hash.finalize().into(),
        };
        source.unchanged()?;
        Ok(Some(source))
    }

    /// Writes the first `count` lines, as they are in the file, to `out`.
    pub fn write_prefix(&self, count: usize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.text.write(self.prefix_len(count), out)
    }

    /// The lines that append `new` after the first `count` entries, each chained to the one
    /// before, and the entries they become.
    pub fn lines_after(&self, count: usize, new: &[NewEntry]) -> (String, Vec<Entry>) {
        let mut text = String::new();
        let mut made = Vec::with_capacity(new.len());
        let mut prev = self.head(count);
        let mut seq = count as u64;
        let mut offset = self.prefix_len(count);
        for n in new {
            seq += 1;
            let record = n.record.to_json();
            let hash = sha256(record.as_bytes());
            let line = format_line(seq, n, &record, &hash, prev.as_ref());
            let line_hash = sha256(line.as_bytes());
            let record_start = line.find(",\"record\":").map_or(0, |i| i + 10);
            made.push(Entry {
                seq,
                date: n.date,
                action: n.action,
                key: n.key.clone(),
                hash,
                reason: n.reason.clone(),
                line: seq as u32,
                line_hash,
                record_at: (offset + record_start, record.len()),
                end: offset + line.len() + 1,
            });
            offset += line.len() + 1;
            text.push_str(&line);
            text.push('\n');
            prev = Some(line_hash);
        }
        (text, made)
    }

    /// The same ledger with `lines` (from [`Ledger::lines_after`] on all its entries) appended,
    /// in memory: what a publish shows before the file is written.
    pub fn with_appended(&self, lines: &str, entries: Vec<Entry>) -> Ledger {
        let mut all = self.entries.clone();
        all.extend(entries);
        let mut appended = self.text.appended.to_string();
        appended.push_str(lines);
        Ledger {
            text: Text {
                base: self.text.base.clone(),
                base_len: self.text.base_len,
                appended: Arc::from(appended),
            },
            length: self.length + lines.len(),
            entries: all,
            broken: None,
        }
    }
}

/// Checks a ledger's lines in order, a batch at a time: each line on its own in parallel, then
/// their links in one pass.
#[derive(Default)]
struct Checker {
    entries: Vec<Entry>,
    length: usize,
    broken: Option<Broken>,
}

impl Checker {
    /// The lines of `bytes`, which starts at byte `offset` of the file and holds whole lines
    /// (`last`: the end of the file, where a line without its newline is a broken one).
    fn lines(&mut self, bytes: &[u8], offset: usize, last: bool) {
        if self.broken.is_some() || bytes.is_empty() {
            return;
        }
        let mut lines: Vec<(usize, &[u8])> = Vec::new();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
            if start < bytes.len() {
                lines.push((start, &bytes[start..end]));
            }
            start = end + 1;
        }
        let unterminated = last && !bytes.ends_with(b"\n");
        let first = self.entries.len() as u32 + 1;
        let parsed: Vec<Result<(Entry, Option<Hash>), String>> = lines
            .par_iter()
            .enumerate()
            .map(|(i, (at, line))| parse_line(line, offset + at, first + i as u32))
            .collect();
        for (i, p) in parsed.into_iter().enumerate() {
            let n = first + i as u32;
            let (entry, prev) = match p {
                Ok(e) => e,
                Err(message) => {
                    self.broken = Some(Broken { line: n, message });
                    return;
                }
            };
            if let Some(message) = link(self.entries.last(), &entry, prev) {
                self.broken = Some(Broken { line: n, message });
                return;
            }
            if unterminated && i + 1 == lines.len() {
                self.broken = Some(Broken {
                    line: n,
                    message: format!("第 {n} 行没有以换行结束：文件在写入时被截断，或被编辑器改过"),
                });
                return;
            }
            self.length += lines[i].1.len() + 1;
            self.entries.push(entry);
        }
    }

    fn finish(self, base: Base) -> Ledger {
        Ledger {
            text: Text {
                base,
                base_len: self.length,
                appended: Arc::from(""),
            },
            entries: self.entries,
            length: self.length,
            broken: self.broken,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::line::by_field;
    use super::*;

    pub(crate) fn entry(
        date: &str,
        action: Action,
        kind: Kind,
        id: &str,
        record: &str,
    ) -> NewEntry {
        NewEntry {
            date: Date::parse(date).unwrap(),
            action,
            key: Key {
                kind,
                id: id.into(),
            },
            record: canon::parse(record).unwrap(),
            reason: (action == Action::Correct).then(|| "按批复文件更正".to_string()),
        }
    }

    /// A ledger of four lines, as `publish` writes them.
    pub(crate) fn sample() -> String {
        let empty = Ledger::from_bytes(b"");
        let (text, _) = empty.lines_after(
            0,
            &[
                entry(
                    "2022-05-13",
                    Action::Import,
                    Kind::Document,
                    "d",
                    r#"{"title":"决定"}"#,
                ),
                entry(
                    "2022-05-19",
                    Action::Import,
                    Kind::Project,
                    "p",
                    r#"{"funding":{"central":95}}"#,
                ),
                entry(
                    "2022-06-08",
                    Action::Correct,
                    Kind::Project,
                    "p",
                    r#"{"funding":{"central":59}}"#,
                ),
                entry(
                    "2022-07-05",
                    Action::Publish,
                    Kind::Progress,
                    "p/2022-06",
                    r#"{"percent":40}"#,
                ),
            ],
        );
        text
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// The one-pass reading of a line and the field-by-field one agree on every line: on
        /// lines `publish` writes (texts with quotes, backslashes and control characters too),
        /// and on those lines with any byte changed, or a byte added anywhere.
        #[test]
        fn the_one_pass_reading_agrees_with_reading_field_by_field(
            id in "[a-z0-9/\"\\\\\u{1}\n 项目-]{0,8}",
            reason in proptest::option::of("[a-z\"\\\\\u{1f}\t 更正]{0,8}"),
            seq in 1u64..200_000,
            record in proptest::sample::select(vec![
                r#"{"title":"决定","amount":35.5}"#,
                r#"{"a":[1,{"b":null}],"body":"第一段\n\"引\""}"#,
                r#"{}"#,
            ]),
        ) {
            let empty = Ledger::from_bytes(b"");
            let mut e = entry("2022-05-13", Action::Correct, Kind::Progress, &id, record);
            e.reason = reason;
            let (mut text, _) = empty.lines_after(0, &[e]);
            text.pop();
            let line = text.replacen("{\"seq\":1,", &format!("{{\"seq\":{seq},"), 1);
            let written = parse_line(line.as_bytes(), 0, 1);
            proptest::prop_assert!(written.is_ok(), "{line}: {written:?}");
            let mut variants = vec![line.clone().into_bytes()];
            for at in 0..=line.len() {
                for byte in [b' ', b'"', b'\\', b'0', b'9', b'a', b'n', b'{', b'}', b',', 0x01] {
                    let mut changed = line.clone().into_bytes();
                    if at < changed.len() {
                        changed[at] = byte;
                        variants.push(changed.clone());
                    }
                    let mut added = line.clone().into_bytes();
                    added.insert(at, byte);
                    variants.push(added);
                }
            }
            for bytes in variants {
                let Ok(line) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                let one_pass = parse_line(line.as_bytes(), 0, 1);
                let by_field = by_field(line, 0, 1);
                proptest::prop_assert_eq!(format!("{one_pass:?}"), format!("{by_field:?}"), "{}", line);
            }
        }
    }

    #[test]
    fn lines_look_as_the_spec_writes_them() {
        let text = sample();
        let first = text.lines().next().unwrap();
        assert!(first.starts_with(
            r#"{"seq":1,"date":"2022-05-13","action":"import","kind":"document","id":"d","hash":"sha256:"#
        ), "{first}");
        assert!(first.ends_with(r#","record":{"title":"决定"},"reason":null,"prev":null}"#));
        let third = text.lines().nth(2).unwrap();
        let second_hash = tagged(&sha256(text.lines().nth(1).unwrap().as_bytes()));
        assert!(third.ends_with(&format!(
            r#","reason":"按批复文件更正","prev":"{second_hash}"}}"#
        )));
        let l = Ledger::from_bytes(text.as_bytes());
        assert_eq!(l.broken, None);
        assert_eq!(l.entries.len(), 4);
        assert_eq!(l.length, text.len());
        assert_eq!(
            l.head(4),
            Some(sha256(text.lines().last().unwrap().as_bytes()))
        );
        assert_eq!(
            l.record(&l.entries[2]).unwrap().to_json(),
            r#"{"funding":{"central":59}}"#
        );
        assert_eq!(l.in_effect(Date::parse("2022-06-07").unwrap()), 2);
        assert_eq!(l.in_effect(Date::parse("2022-06-08").unwrap()), 3);
        assert_eq!(
            l.prefix_len(2),
            text.lines().take(2).map(|x| x.len() + 1).sum::<usize>()
        );
        let mut out = Vec::new();
        l.write_prefix(3, &mut out).unwrap();
        assert_eq!(
            out,
            text.lines()
                .take(3)
                .map(|x| format!("{x}\n"))
                .collect::<String>()
                .as_bytes()
        );
    }

    /// The lines that withdraw the sample's document after its four entries.
    fn withdraw_document(l: &Ledger, record: &str) -> (String, Vec<Entry>) {
        l.lines_after(
            4,
            &[entry(
                "2022-07-15",
                Action::Withdraw,
                Kind::Document,
                "d",
                record,
            )],
        )
    }

    #[test]
    fn appending_continues_the_chain() {
        let text = sample();
        let l = Ledger::from_bytes(text.as_bytes());
        let (more, made) = withdraw_document(&l, r#"{"title":"决定"}"#);
        let whole = format!("{text}{more}");
        let again = Ledger::from_bytes(whole.as_bytes());
        assert_eq!(again.broken, None);
        assert_eq!(again.entries.len(), 5);
        assert_eq!(made[0].line_hash, again.entries[4].line_hash);
        let shown = l.with_appended(&more, made);
        assert_eq!(shown.head(5), again.head(5));
        assert_eq!(
            shown.record(&shown.entries[4]).unwrap().to_json(),
            r#"{"title":"决定"}"#
        );
        // Appending after fewer entries than the file has starts from there.
        let (from_two, _) = l.lines_after(
            2,
            &[entry(
                "2022-06-01",
                Action::Publish,
                Kind::Notice,
                "n",
                "{}",
            )],
        );
        assert!(from_two.starts_with(r#"{"seq":3,"#));
    }

    #[test]
    fn a_copy_is_made_from_the_file_with_the_hash_made_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = sample();
        std::fs::write(dir.path().join(FILE), &text).unwrap();
        let l = Ledger::read(dir.path()).unwrap().unwrap();
        let source = l.copy_source(4).unwrap().unwrap();
        assert_eq!((source.len, source.tail), (text.len() as u64, &b""[..]));
        assert_eq!(source.sha256, sha256(text.as_bytes()));
        // Fewer lines than the file holds: no copy of the file.
        assert!(l.copy_source(3).unwrap().is_none());
        // Lines a publish appends come after the file, and are in the hash.
        let (more, made) = withdraw_document(&l, "{}");
        let shown = l.with_appended(&more, made);
        let source = shown.copy_source(5).unwrap().unwrap();
        assert_eq!(source.tail, more.as_bytes());
        assert_eq!(source.sha256, sha256(format!("{text}{more}").as_bytes()));
        let mut copied = Vec::new();
        shown.write_prefix(5, &mut copied).unwrap();
        assert_eq!(sha256(&copied), source.sha256);
        // A file changed while it is copied: even the same length, its time of change set back.
        let path = dir.path().join(FILE);
        let source = l.copy_source(4).unwrap().unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::write(&path, text.replacen("决定", "决议", 1)).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(modified).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), text.len() as u64);
        assert!(source.unchanged().is_err());
        assert!(l.copy_source(4).is_err());
        // A ledger with a broken line is never copied whole, and a file changed since it was
        // read is not copied at all.
        std::fs::write(dir.path().join(FILE), format!("{text}{{}}")).unwrap();
        assert!(l.copy_source(4).is_err());
        let broken = Ledger::read(dir.path()).unwrap().unwrap();
        assert!(broken.broken.is_some());
        assert!(broken.copy_source(4).unwrap().is_none());
    }

    #[test]
    fn the_first_line_that_does_not_hold_is_named() {
        let text = sample();
        let lines: Vec<&str> = text.lines().collect();
        let check = |t: String| {
            Ledger::from_bytes(t.as_bytes())
                .broken
                .map(|b| (b.line, b.message))
        };
        // A record changed: its own hash no longer matches.
        let changed = text.replacen("\"central\":59", "\"central\":95", 1);
        let (line, message) = check(changed).unwrap();
        assert_eq!(line, 3, "{message}");
        assert!(message.contains("hash"), "{message}");
        // A line deleted: the numbers jump.
        let deleted = format!("{}\n{}\n{}\n", lines[0], lines[2], lines[3]);
        assert_eq!(check(deleted).unwrap().0, 2);
        // A reason reworded: the next line's link breaks, naming the changed line.
        let reworded = text.replacen("按批复文件更正", "按批复文件调整", 1);
        let (line, message) = check(reworded).unwrap();
        assert_eq!(line, 4);
        assert!(message.contains("第 3 行"), "{message}");
        // Not JSON, spaces added, a missing newline.
        assert_eq!(
            check(text.replacen("{\"seq\":2", "{\"seq\" :2", 1))
                .unwrap()
                .0,
            2
        );
        assert_eq!(check(text.trim_end().to_string()).unwrap().0, 4);
        assert_eq!(check(text.replace('\n', "\r\n")).unwrap().0, 1);
        assert_eq!(check(format!("{text}\n")).unwrap().0, 5);
        // Dates going back.
        let (_, message) = check(text.replacen("2022-07-05", "2022-06-01", 1)).unwrap();
        assert!(message.contains("早于第 3 行"), "{message}");
        assert_eq!(check(String::new()), None);
    }
}
