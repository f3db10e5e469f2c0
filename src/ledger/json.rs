//! JSON text as the ledger reads and writes it: strings escaped as serde_json escapes them, and
//! a strict reader that keeps numbers as their decimal text (never a binary float) and can skip
//! a value without building it.

use std::fmt::Write as _;

/// A JSON value as the ledger holds it (its methods are in [`super::canon`]). Objects keep their
/// keys in the order given; canonical ones are sorted. Numbers are their exact decimal text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Canon {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Canon>),
    Obj(Vec<(String, Canon)>),
}

/// A JSON string, escaped as serde_json escapes it: quotes, backslashes and control characters;
/// everything else as UTF-8.
pub fn write_str(s: &str, out: &mut String) {
    out.push('"');
    escape_into(s, out);
    out.push('"');
}

/// The inside of a JSON string: runs of plain text are copied whole.
pub(super) fn escape_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let mut plain = 0;
    loop {
        // `plain_to` stops at exactly the bytes that are escaped, all of them ASCII.
        let i = plain_to(bytes, plain);
        out.push_str(&s[plain..i]);
        let Some(&b) = bytes.get(i) else {
            return;
        };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        plain = i + 1;
    }
}

/// Where the run of plain string bytes starting at `i` ends. Eight bytes are looked at at a
/// time while none of them is special (a ledger's records are mostly long runs of text).
fn plain_to(s: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    // Whether some byte of `w` is below `n`; exact for n ≤ 128 (the classic "has less").
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    while let Some(eight) = s.get(i..i + 8) {
        let w = u64::from_ne_bytes(eight.try_into().unwrap_or_default());
        if below(w, 0x20) | zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\')))
            != 0
        {
            break;
        }
        i += 8;
    }
    i + s[i..]
        .iter()
        .position(|b| !PLAIN[usize::from(*b)])
        .unwrap_or(s.len() - i)
}

/// Bytes that stand for themselves inside a JSON string: not a quote, a backslash or a control
/// character.
const PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = false;
        b += 1;
    }
    t[b'"' as usize] = false;
    t[b'\\' as usize] = false;
    t
};

/// Reads one JSON value that fills `text` (white space around it allowed). Numbers are kept as
/// their text, so that nothing goes through a binary float.
pub fn parse(text: &str) -> Result<Canon, String> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("第 {} 个字节之后还有多余的内容", p.i));
    }
    Ok(v)
}

/// Where the value starting at byte `start` of `text` ends, checking its JSON syntax without
/// building it.
pub fn skip_value(text: &str, start: usize) -> Result<usize, String> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: start,
    };
    p.skip(0)?;
    Ok(p.i)
}

struct Parser<'a> {
    /// The text, and its bytes (where every value starts and ends on an ASCII byte).
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn ws(&mut self) {
        while self
            .s
            .get(self.i)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.i += 1;
        }
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("第 {} 个字节处{what}", self.i + 1))
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            Ok(())
        } else {
            self.err(&format!("应为“{}”", b as char))
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(())
        } else {
            self.err("不是合法的 JSON 值")
        }
    }

    fn value(&mut self, depth: usize) -> Result<Canon, String> {
        if depth > MAX_DEPTH {
            return self.err("嵌套太深");
        }
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Canon::Obj(fields));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.ws();
                    self.expect(b':')?;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    fields.push((k, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Canon::Obj(fields));
                        }
                        _ => return self.err("应为“,”或“}”"),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Canon::Arr(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Canon::Arr(items));
                        }
                        _ => return self.err("应为“,”或“]”"),
                    }
                }
            }
            Some(b'"') => self.string().map(Canon::Str),
            Some(b't') => self.literal("true").map(|_| Canon::Bool(true)),
            Some(b'f') => self.literal("false").map(|_| Canon::Bool(false)),
            Some(b'n') => self.literal("null").map(|_| Canon::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Canon::Num),
            _ => self.err("不是合法的 JSON 值"),
        }
    }

    /// Like `value`, building nothing.
    fn skip(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return self.err("嵌套太深");
        }
        match self.s.get(self.i) {
            Some(b'{') | Some(b'[') => {
                let close = if self.s[self.i] == b'{' { b'}' } else { b']' };
                let object = close == b'}';
                self.i += 1;
                self.ws();
                if self.s.get(self.i) == Some(&close) {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    if object {
                        self.skip_string()?;
                        self.ws();
                        self.expect(b':')?;
                        self.ws();
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b) if *b == close => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return self.err("括号没有成对"),
                    }
                }
            }
            Some(b'"') => self.skip_string(),
            _ => self.value(depth).map(drop),
        }
    }

    fn number(&mut self) -> Result<String, String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.s.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > from
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.s.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if !digits(self) {
            return self.err("数字写法不对");
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return self.err("数字写法不对");
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return self.err("数字写法不对");
            }
        }
        Ok(self.text[start..self.i].to_string())
    }

    fn skip_string(&mut self) -> Result<(), String> {
        self.expect(b'"')?;
        loop {
            // Plain text up to the next quote, backslash or control character.
            self.i = plain_to(self.s, self.i);
            match self.s.get(self.i) {
                None => return self.err("字符串没有结束"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.s.get(self.i) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            self.hex4()?;
                        }
                        _ => return self.err("转义写法不对"),
                    }
                }
                Some(_) => return self.err("字符串里有控制字符"),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        match h {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => self.err("\\u 之后应为 4 位十六进制数"),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let start = self.i + 1;
        self.skip_string()?;
        let raw = &self.text[start..self.i - 1];
        if !raw.contains('\\') {
            return Ok(raw.to_string());
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        // Escapes were checked by `skip_string`: each `\u` has four hex digits.
        while let Some(i) = rest.find('\\') {
            out.push_str(&rest[..i]);
            let escape = rest.as_bytes()[i + 1];
            rest = &rest[i + 2..];
            match escape {
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'b' => out.push('\u{08}'),
                b'f' => out.push('\u{0c}'),
                b'u' => {
                    let hex = |s: &str| u32::from_str_radix(s, 16).unwrap_or(0xFFFD);
                    let hi = hex(&rest[..4]);
                    rest = &rest[4..];
                    let c = if (0xD800..0xDC00).contains(&hi) && rest.starts_with("\\u") {
                        let lo = hex(&rest[2..6]);
                        rest = &rest[6..];
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + lo.wrapping_sub(0xDC00))
                    } else {
                        char::from_u32(hi)
                    };
                    out.push(c.unwrap_or('\u{FFFD}'));
                }
                other => out.push(other as char),
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Strings are escaped exactly as serde_json escapes them.
        #[test]
        fn strings_are_written_as_serde_json_writes_them(
            s in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "[\"\\\\\\x00-\\x1f\\x7f a-z中文]{0,40}",
            ],
        ) {
            let mut out = String::new();
            write_str(&s, &mut out);
            proptest::prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
        }

        /// The eight-bytes-at-a-time scan stops where the byte-at-a-time definition does.
        #[test]
        fn plain_runs_end_at_the_first_special_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![b'"', b'\\', 0u8, 0x1f, 0x20, 0x7f, 0x80, 0xe4, 0xff]),
                    proptest::num::u8::ANY,
                ],
                0..48,
            ),
            from in 0usize..48,
        ) {
            let from = from.min(bytes.len());
            let expected = bytes[from..]
                .iter()
                .position(|b| *b == b'"' || *b == b'\\' || *b < 0x20)
                .map_or(bytes.len(), |p| from + p);
            proptest::prop_assert_eq!(plain_to(&bytes, from), expected);
        }
    }

    #[test]
    fn a_unicode_escape_is_four_hex_digits() {
        assert_eq!(parse("\"\\u0041\"").unwrap(), Canon::Str("A".into()));
        for bad in ["\"\\u+041\"", "\"\\u-041\"", "\"\\u 041\"", "\"\\u04\""] {
            assert!(parse(bad).is_err(), "{bad}");
            assert!(skip_value(bad, 0).is_err(), "{bad}");
        }
    }
}
