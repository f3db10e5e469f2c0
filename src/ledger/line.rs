//! One line of `ledger.jsonl` as `publish` writes it (SPEC §7), and reading one back: in one
//! pass where it is written exactly so, field by field where it is not (to say what is wrong).

use std::fmt::Write as _;

use super::canon::{self, Canon, write_str};
use super::entry::{Action, Entry, Hash, Key, Kind, NewEntry, parse_tagged, push_hex, sha256};
use crate::date::Date;

/// One line as `publish` writes it: the keys in SPEC §7's order, no spaces.
pub(super) fn format_line(
    seq: u64,
    e: &NewEntry,
    record: &str,
    hash: &Hash,
    prev: Option<&Hash>,
) -> String {
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
pub(super) fn parse_line(
    bytes: &[u8],
    offset: usize,
    n: u32,
) -> Result<(Entry, Option<Hash>), String> {
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
pub(super) fn by_field(line: &str, offset: usize, n: u32) -> Result<(Entry, Option<Hash>), String> {
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
pub(super) fn link(before: Option<&Entry>, entry: &Entry, prev: Option<Hash>) -> Option<String> {
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
