//! `ledger.jsonl`: one entry per line, each chained to the line before by SHA-256 (SPEC §7).
//! Reading checks every line — its form, its record's hash, its number, its date and its link —
//! and names the first that fails. Lines are checked in parallel (each line's hashes are its
//! own); the chain is then walked once, comparing hashes already made.

use std::fmt::Write as _;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::canon::{self, Canon, write_str};
use crate::date::Date;

/// The ledger's file name, at the site root beside config.toml.
pub const FILE: &str = "ledger.jsonl";

pub type Hash = [u8; 32];

pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

pub fn hex(h: &Hash) -> String {
    let mut s = String::with_capacity(64);
    push_hex(h, &mut s);
    s
}

fn push_hex(h: &Hash, s: &mut String) {
    for b in h {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0xf)] as char);
    }
}

/// `sha256:` and the hex digits.
pub fn tagged(h: &Hash) -> String {
    format!("sha256:{}", hex(h))
}

fn parse_tagged(s: &str) -> Option<Hash> {
    // Lower-case digits only, the form `publish` writes; looked up, not branched on, for the
    // digits of a hash are random.
    const VALUE: [u8; 256] = {
        let mut t = [0xff; 256];
        let mut i = 0;
        while i < 16 {
            t[HEX[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    let digits = s.strip_prefix("sha256:")?.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut h = [0u8; 32];
    let mut bad = 0;
    for (out, pair) in h.iter_mut().zip(digits.chunks_exact(2)) {
        let (hi, lo) = (VALUE[usize::from(pair[0])], VALUE[usize::from(pair[1])]);
        bad |= hi | lo;
        *out = hi << 4 | lo;
    }
    (bad < 16).then_some(h)
}

/// What kind of record an entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Programme,
    Document,
    Project,
    Progress,
    Notice,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Programme,
        Kind::Document,
        Kind::Project,
        Kind::Progress,
        Kind::Notice,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Kind::Programme => "programme",
            Kind::Document => "document",
            Kind::Project => "project",
            Kind::Progress => "progress",
            Kind::Notice => "notice",
        }
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Programme => "示范项目总体情况",
            Kind::Document => "政策文件",
            Kind::Project => "项目",
            Kind::Progress => "月度进度",
            Kind::Notice => "采购公告",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Adopted by `ledger init`, dated with the record's own `published` date.
    Import,
    /// First appearance.
    Publish,
    Correct,
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Import,
        Action::Publish,
        Action::Correct,
        Action::Withdraw,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Action::Import => "import",
            Action::Publish => "publish",
            Action::Correct => "correct",
            Action::Withdraw => "withdraw",
        }
    }

    pub fn from_key(key: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Import => "纳入公开记录",
            Action::Publish => "新公开",
            Action::Correct => "更正",
            Action::Withdraw => "撤回",
        }
    }
}

/// A record as the ledger names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub kind: Kind,
    /// The record id; `<project>/<YYYY-MM>` for a monthly report, `programme` for the programme.
    pub id: String,
}

/// One line of the ledger.
#[derive(Clone, Debug)]
pub struct Entry {
    pub seq: u64,
    pub date: Date,
    pub action: Action,
    pub key: Key,
    /// SHA-256 of the record's canonical content.
    pub hash: Hash,
    pub reason: Option<String>,
    /// 1-based line number in the file.
    pub line: u32,
    /// SHA-256 of the line's bytes (what the next line's `prev` holds).
    pub line_hash: Hash,
    /// Where the line's `record` is in the text: byte offset and length.
    record_at: (usize, usize),
    /// Byte offset just after the line's newline.
    end: usize,
}

/// An entry about to be appended: everything but its place in the file.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub date: Date,
    pub action: Action,
    pub key: Key,
    pub record: Canon,
    pub reason: Option<String>,
}

/// The first line that does not hold, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub line: u32,
    pub message: String,
}

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

/// A file's length and time of last change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
        Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        }
    }
}

/// Where the first lines of a ledger can be copied from, without reading them through (see
/// [`Ledger::copy_source`]).
pub struct CopySource<'l> {
    /// The ledger's file, and how many of its bytes to copy.
    pub file: &'l Path,
    pub len: u64,
    /// Lines appended in memory, to write after them.
    pub tail: &'l [u8],
    /// SHA-256 of the whole copy, made when the file was read.
    pub sha256: Hash,
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
        if Stamp::of(&std::fs::metadata(path)?) != *stamp {
            return Err(changed());
        }
        let tail = &self.text.appended.as_bytes()[..tail];
        let mut hash = whole.clone();
        hash.update(tail);
        Ok(Some(CopySource {
            file: path,
            len: stamp.len,
            tail,
            sha256: hash.finalize().into(),
        }))
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

/// One line as `publish` writes it: the keys in SPEC §7's order, no spaces.
fn format_line(seq: u64, e: &NewEntry, record: &str, hash: &Hash, prev: Option<&Hash>) -> String {
    let mut s = String::with_capacity(record.len() + 256);
    line_head(seq, e, hash, &mut s);
    s.push_str(record);
    line_tail(e, prev, &mut s);
    s
}

/// A line up to its record: `{"seq":…,"hash":"sha256:…","record":`.
fn line_head(seq: u64, e: &NewEntry, hash: &Hash, s: &mut String) {
    let _ = write!(s, "{{\"seq\":{seq},\"date\":\"{}\",\"action\":", e.date);
    write_str(e.action.key(), s);
    s.push_str(",\"kind\":");
    write_str(e.key.kind.key(), s);
    s.push_str(",\"id\":");
    write_str(&e.key.id, s);
    s.push_str(",\"hash\":\"sha256:");
    push_hex(hash, s);
    s.push_str("\",\"record\":");
}

/// A line after its record: `,"reason":…,"prev":…}`.
fn line_tail(e: &NewEntry, prev: Option<&Hash>, s: &mut String) {
    s.push_str(",\"reason\":");
    match &e.reason {
        Some(r) => write_str(r, s),
        None => s.push_str("null"),
    }
    s.push_str(",\"prev\":");
    match prev {
        Some(h) => {
            s.push_str("\"sha256:");
            push_hex(h, s);
            s.push('"');
        }
        None => s.push_str("null"),
    }
    s.push('}');
}

/// The keys of a line, in order, as written before their values.
const KEYS: [&str; 9] = [
    "\"seq\":",
    "\"date\":",
    "\"action\":",
    "\"kind\":",
    "\"id\":",
    "\"hash\":",
    "\"record\":",
    "\"reason\":",
    "\"prev\":",
];

thread_local! {
    /// Each checking thread writes the expected form of a line into one buffer.
    static LINE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A line's fields, read where the line is exactly as `publish` writes it.
struct Exact<'l> {
    seq: u64,
    date: Date,
    action: Action,
    kind: Kind,
    id: &'l str,
    hash: Hash,
    /// Byte offset and length of the record in the line.
    record: (usize, usize),
    reason: Option<&'l str>,
    prev: Option<Hash>,
}

/// Reads a line written exactly as `publish` writes it, in one pass and without building any
/// value; `None` for any other line (including every broken one), which [`parse_line`] then
/// reads field by field to say what is wrong. Only what `publish` writes is accepted: the keys
/// in order, no spaces, the number without leading zeros, texts without escapes (a text with
/// one is left to the field-by-field reading), a record that is one valid JSON object.
fn exact(line: &str) -> Option<Exact<'_>> {
    let b = line.as_bytes();
    let mut i = 0;
    let lit = |i: &mut usize, s: &[u8]| -> Option<()> {
        b.get(*i..*i + s.len()).filter(|x| *x == s)?;
        *i += s.len();
        Some(())
    };
    // A text with nothing escaped (so written as `publish` writes it): up to its closing quote.
    let plain = |i: &mut usize| -> Option<&str> {
        lit(i, b"\"")?;
        let len = b[*i..]
            .iter()
            .position(|c| *c == b'"' || *c == b'\\' || *c < 0x20)?;
        (b[*i + len] == b'"').then_some(())?;
        let text = &line[*i..*i + len];
        *i += len + 1;
        Some(text)
    };
    let tagged = |i: &mut usize| -> Option<Hash> {
        let h = parse_tagged(line.get(*i + 1..*i + 72)?)?;
        lit(i, b"\"")?;
        *i += 71;
        lit(i, b"\"")?;
        Some(h)
    };
    lit(&mut i, b"{\"seq\":")?;
    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let seq: u64 = line[i..i + digits].parse().ok()?;
    (seq > 0 && b[i] != b'0').then_some(())?;
    i += digits;
    lit(&mut i, b",\"date\":\"")?;
    let date = line.get(i..i + 10)?;
    let shape = date.bytes().enumerate().all(|(k, c)| match k {
        4 | 7 => c == b'-',
        _ => c.is_ascii_digit(),
    });
    let date = shape.then(|| Date::parse(date)).flatten()?;
    i += 10;
    lit(&mut i, b"\",\"action\":")?;
    let action = Action::from_key(plain(&mut i)?)?;
    lit(&mut i, b",\"kind\":")?;
    let kind = Kind::from_key(plain(&mut i)?)?;
    lit(&mut i, b",\"id\":")?;
    let id = plain(&mut i)?;
    lit(&mut i, b",\"hash\":")?;
    let hash = tagged(&mut i)?;
    lit(&mut i, b",\"record\":")?;
    (b.get(i) == Some(&b'{')).then_some(())?;
    let end = canon::skip_value(line, i).ok()?;
    let record = (i, end - i);
    i = end;
    lit(&mut i, b",\"reason\":")?;
    let reason = match lit(&mut i, b"null") {
        Some(()) => None,
        None => Some(plain(&mut i)?),
    };
    lit(&mut i, b",\"prev\":")?;
    let prev = match lit(&mut i, b"null") {
        Some(()) => None,
        None => Some(tagged(&mut i)?),
    };
    lit(&mut i, b"}")?;
    (i == b.len()).then_some(Exact {
        seq,
        date,
        action,
        kind,
        id,
        hash,
        record,
        reason,
        prev,
    })
}

/// Reads one line on its own: its form, its fields and its record's hash; returns its entry and
/// the `prev` it holds. The chain is checked afterwards, by [`link`].
fn parse_line(bytes: &[u8], offset: usize, n: u32) -> Result<(Entry, Option<Hash>), String> {
    let bad = |why: String| Err(format!("第 {n} 行{why}"));
    let Ok(line) = simdutf8::basic::from_utf8(bytes) else {
        return bad("不是 UTF-8 文本".into());
    };
    if let Some(e) = exact(line) {
        let (r_start, r_len) = e.record;
        if sha256(&bytes[r_start..r_start + r_len]) != e.hash {
            return bad("的 record 与它的 hash 不符：这条记录的内容在写入之后被改动过".into());
        }
        let entry = Entry {
            seq: e.seq,
            date: e.date,
            action: e.action,
            key: Key {
                kind: e.kind,
                id: e.id.to_string(),
            },
            hash: e.hash,
            reason: e.reason.map(str::to_string),
            line: n,
            line_hash: sha256(bytes),
            record_at: (offset + r_start, r_len),
            end: offset + bytes.len() + 1,
        };
        return Ok((entry, e.prev));
    }
    by_field(line, offset, n)
}

/// [`parse_line`] for a line that is not exactly as `publish` writes it: each field read as
/// JSON, to name what is wrong (or, for a text with an escape, to accept it when `publish`
/// escapes it so).
fn by_field(line: &str, offset: usize, n: u32) -> Result<(Entry, Option<Hash>), String> {
    let bad = |why: String| Err(format!("第 {n} 行{why}"));
    if line.is_empty() {
        return bad("是空行".into());
    }
    let (fields, record) = match fields(line) {
        Ok(f) => f,
        Err(e) => return bad(format!("不是有效的 JSON：{e}")),
    };
    let [seq, date, action, kind, id, hash, _, reason, prev] = fields;
    let text = |v: Option<Canon>, key: &str| -> Result<String, String> {
        match v {
            Some(Canon::Str(s)) => Ok(s),
            _ => Err(format!("第 {n} 行的 {key} 应为文字")),
        }
    };
    let seq = match &seq {
        Some(Canon::Num(s)) => s.parse::<u64>().ok().filter(|s| *s > 0),
        _ => None,
    };
    let Some(seq) = seq else {
        return bad("的 seq 应为正整数".into());
    };
    let Some(date) = Date::parse(&text(date, "date")?) else {
        return bad("的 date 不是 年-月-日 日期".into());
    };
    let Some(action) = Action::from_key(&text(action, "action")?) else {
        return bad("的 action 应为 import、publish、correct 或 withdraw".into());
    };
    let Some(kind) = Kind::from_key(&text(kind, "kind")?) else {
        return bad("的 kind 应为 programme、document、project、progress 或 notice".into());
    };
    let id = text(id, "id")?;
    let Some(hash) = parse_tagged(&text(hash, "hash")?) else {
        return bad("的 hash 应为 sha256: 加 64 位十六进制数".into());
    };
    let (r_start, r_len) = record;
    let raw = &line[r_start..r_start + r_len];
    if !raw.starts_with('{') {
        return bad("的 record 应为对象".into());
    }
    let reason = match reason {
        Some(Canon::Null) => None,
        Some(Canon::Str(s)) => Some(s),
        _ => return bad("的 reason 应为文字或 null".into()),
    };
    let prev = match &prev {
        Some(Canon::Null) => None,
        Some(Canon::Str(s)) => match parse_tagged(s) {
            Some(h) => Some(h),
            None => return bad("的 prev 应为 sha256: 加 64 位十六进制数".into()),
        },
        _ => return bad("的 prev 应为 sha256: 哈希或 null".into()),
    };
    let entry = NewEntry {
        date,
        action,
        key: Key { kind, id },
        record: Canon::Null,
        reason,
    };
    // The line must be exactly what `publish` writes: compared around the record, which is
    // not copied.
    let written_so = LINE.with_borrow_mut(|s| {
        s.clear();
        line_head(seq, &entry, &hash, s);
        let head = s.len();
        line_tail(&entry, prev.as_ref(), s);
        line.as_bytes()[..r_start] == s.as_bytes()[..head]
            && line.as_bytes()[r_start + r_len..] == s.as_bytes()[head..]
    });
    if !written_so {
        return bad(
            "不是 gongkai 写出的样子（多了空格、换了字段顺序、改了转义或数字的写法）".into(),
        );
    }
    if sha256(raw.as_bytes()) != hash {
        return bad("的 record 与它的 hash 不符：这条记录的内容在写入之后被改动过".into());
    }
    Ok((
        Entry {
            seq,
            date: entry.date,
            action,
            key: entry.key,
            hash,
            reason: entry.reason,
            line: n,
            line_hash: sha256(line.as_bytes()),
            record_at: (offset + r_start, r_len),
            end: offset + line.len() + 1,
        },
        prev,
    ))
}

/// The line's fields, in the order SPEC §7 writes them; the record is not built (its place is
/// `None`), only located: its byte offset in the line and its length.
type Fields = ([Option<Canon>; 9], (usize, usize));

fn fields(line: &str) -> Result<Fields, String> {
    let mut out: [Option<Canon>; 9] = Default::default();
    let mut record = (0, 0);
    if !line.starts_with('{') || !line.ends_with('}') {
        return Err("应以 { 开始、以 } 结束".into());
    }
    let mut i = 1;
    for (n, quoted) in KEYS.iter().enumerate() {
        let key = &quoted[1..quoted.len() - 2];
        if !line[i..].starts_with(quoted) {
            return Err(format!("第 {} 个字段应为 {key}", n + 1));
        }
        i += quoted.len();
        let end = canon::skip_value(line, i)?;
        if key == "record" {
            record = (i, end - i);
        } else {
            out[n] = Some(canon::parse(&line[i..end])?);
        }
        i = end;
        let sep = if n + 1 == KEYS.len() { b'}' } else { b',' };
        if line.as_bytes().get(i) != Some(&sep) {
            return Err(format!("{key} 之后应为“{}”", sep as char));
        }
        i += 1;
    }
    if i != line.len() {
        return Err("最后一个字段之后还有内容".into());
    }
    Ok((out, record))
}

/// Whether `entry` follows `before`: its number, its date and its `prev`. The message names
/// the line that no longer matches.
fn link(before: Option<&Entry>, entry: &Entry, prev: Option<Hash>) -> Option<String> {
    let n = entry.line;
    let expected_seq = before.map_or(1, |b| b.seq + 1);
    if entry.seq != expected_seq {
        return Some(format!(
            "第 {n} 行的 seq 是 {}，应为 {expected_seq}：中间有行被删除、插入或调换过",
            entry.seq
        ));
    }
    if let Some(b) = before
        && entry.date < b.date
    {
        return Some(format!(
            "第 {n} 行的日期 {} 早于第 {} 行的 {}：公开记录只能按日期往后追加",
            entry.date, b.line, b.date
        ));
    }
    match (before, prev) {
        (None, None) => None,
        (None, Some(_)) => Some("第 1 行的 prev 应为 null：前面的行被删除过".into()),
        (Some(b), None) => Some(format!(
            "第 {n} 行的 prev 是 null，应为第 {} 行的哈希",
            b.line
        )),
        (Some(b), Some(p)) if p != b.line_hash => Some(format!(
            "第 {n} 行的 prev 与第 {} 行的哈希不符：第 {} 行在第 {n} 行写入之后被改动过（或第 {n} 行的 prev 被改过）",
            b.line, b.line
        )),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
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

    #[test]
    fn hashes_are_read_only_in_the_form_publish_writes() {
        let h = sha256(b"x");
        assert_eq!(parse_tagged(&tagged(&h)), Some(h));
        let upper = tagged(&h)
            .replace('a', "A")
            .replace('b', "B")
            .replace('c', "C");
        assert_ne!(upper, tagged(&h), "the sample hash has a letter to change");
        assert_eq!(parse_tagged(&upper), None);
        for bad in ["sha256:", "sha256:0g", "SHA256:00", "md5:00"] {
            assert_eq!(parse_tagged(bad), None, "{bad}");
        }
        let long = format!("{}0", tagged(&h));
        assert_eq!(parse_tagged(&long), None);
        let mut one_off = tagged(&h).into_bytes();
        for (i, b) in [(7, b'g'), (40, b'/'), (70, b':'), (8, b'`'), (9, 0xe4)] {
            let mut bytes = one_off.clone();
            bytes[i] = b;
            let s = String::from_utf8_lossy(&bytes).into_owned();
            assert_eq!(parse_tagged(&s), None, "{s}");
        }
        one_off.truncate(70);
        assert_eq!(parse_tagged(std::str::from_utf8(&one_off).unwrap()), None);
    }

    #[test]
    fn appending_continues_the_chain() {
        let text = sample();
        let l = Ledger::from_bytes(text.as_bytes());
        let (more, made) = l.lines_after(
            4,
            &[entry(
                "2022-07-15",
                Action::Withdraw,
                Kind::Document,
                "d",
                r#"{"title":"决定"}"#,
            )],
        );
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
        let (more, made) = l.lines_after(
            4,
            &[entry(
                "2022-07-15",
                Action::Withdraw,
                Kind::Document,
                "d",
                "{}",
            )],
        );
        let shown = l.with_appended(&more, made);
        let source = shown.copy_source(5).unwrap().unwrap();
        assert_eq!(source.tail, more.as_bytes());
        assert_eq!(source.sha256, sha256(format!("{text}{more}").as_bytes()));
        let mut copied = Vec::new();
        shown.write_prefix(5, &mut copied).unwrap();
        assert_eq!(sha256(&copied), source.sha256);
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
