//! What a line of the ledger says: the hashes, the kinds of record and of action, an entry as
//! read and one about to be written, and the first line that does not hold.

use sha2::{Digest, Sha256};

use super::canon::Canon;
use crate::date::Date;

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

pub(super) fn push_hex(h: &Hash, s: &mut String) {
    for b in h {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0xf)] as char);
    }
}

/// `sha256:` and the hex digits.
pub fn tagged(h: &Hash) -> String {
    format!("sha256:{}", hex(h))
}

pub(super) fn parse_tagged(s: &str) -> Option<Hash> {
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
    pub(super) record_at: (usize, usize),
    /// Byte offset just after the line's newline.
    pub(super) end: usize,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
