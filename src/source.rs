//! Reading text files the way webmasters save them: UTF-8 with or without a byte-order mark,
//! Windows line endings; anything else is refused with the encoding it looks like.

use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a file's bytes are not text we accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// UTF-16 ("Unicode" in Windows Notepad), recognised by its byte-order mark.
    Utf16,
    /// Not UTF-8, but valid GB18030 (GBK, "ANSI" on Chinese Windows). `line` is where the
    /// first non-UTF-8 byte is.
    Gb18030 { line: u32 },
    /// Neither UTF-8 nor GB18030.
    Unknown { line: u32 },
}

impl DecodeError {
    pub fn line(&self) -> u32 {
        match self {
            DecodeError::Utf16 => 1,
            DecodeError::Gb18030 { line } | DecodeError::Unknown { line } => *line,
        }
    }

    /// The Chinese message for the webmaster: what the file is and how to save it as UTF-8.
    pub fn message(&self) -> String {
        let fix = "请用记事本打开此文件，选择“另存为”，把“编码”改为 UTF-8 后保存，再重新运行";
        match self {
            DecodeError::Utf16 => {
                format!("文件是 UTF-16 编码（记事本里叫“Unicode”），不是 UTF-8。{fix}")
            }
            DecodeError::Gb18030 { line } => format!(
                "文件不是 UTF-8 编码：从第 {line} 行起看起来是 GB18030（GBK，记事本里叫“ANSI”）编码。{fix}"
            ),
            DecodeError::Unknown { line } => format!(
                "文件不是 UTF-8 编码（第 {line} 行起有无法识别的字节），也不是 GB18030。{fix}"
            ),
        }
    }
}

/// Decodes a file's bytes: strips a UTF-8 BOM and turns CRLF into LF.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(DecodeError::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(if text.contains('\r') {
            text.replace("\r\n", "\n")
        } else {
            text.to_string()
        }),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u32;
            let gb =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes);
            Err(if gb.is_some() {
                DecodeError::Gb18030 { line }
            } else {
                DecodeError::Unknown { line }
            })
        }
    }
}

/// Whether a character may appear in no output — no page, feed, JSON, CSV or sitemap: C0
/// controls other than tab, line feed and carriage return (XML 1.0 forbids them; U+000B is the
/// soft line break Word pastes), DEL and the C1 controls (invisible, and read by terminals as
/// escapes), and the noncharacters U+FFFE and U+FFFF (XML forbids them too).
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// The first forbidden character of a text ([`is_forbidden`]): 1-based line and column (in
/// characters), and the character.
pub fn forbidden_char(text: &str) -> Option<(u32, u32, char)> {
    let at = forbidden_at(text)?;
    let c = text[at..].chars().next()?;
    let before = &text[..at];
    let line = 1 + before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |n| n + 1);
    let col = 1 + text[start..at].chars().count();
    Some((line as u32, col as u32, c))
}

/// The byte offset of the first forbidden character, read from the UTF-8 bytes: C0 controls
/// but tab and line ends, DEL, the C1 controls (C2 80–C2 9F) and U+FFFE, U+FFFF (EF BF BE/BF).
/// Chinese text is full of EF lead bytes (full-width punctuation); only EF BF BE/BF stop here.
pub fn forbidden_at(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = b[from..].iter().position(|b| {
        (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r')) || matches!(*b, 0x7f | 0xc2 | 0xef)
    }) {
        let at = from + i;
        let hit = match b[at] {
            0xc2 => b.get(at + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
            0xef => b.get(at + 1) == Some(&0xbf) && matches!(b.get(at + 2), Some(0xbe | 0xbf)),
            _ => true,
        };
        if hit {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// How a forbidden character is named to a webmaster: its code point and what it usually is.
pub fn describe_char(c: char) -> String {
    let what = match c {
        '\u{0}' => "空字符（NUL）",
        '\u{b}' => "垂直制表符（Word 里的软换行 Shift+Enter）",
        '\u{c}' => "换页符（Word 里的分页符）",
        '\u{1b}' => "终端转义符（ESC）",
        '\u{7f}' => "删除符（DEL）",
        '\u{fffe}' | '\u{ffff}' => "非字符",
        _ => "控制字符",
    };
    format!("U+{:04X} {what}", c as u32)
}

/// Byte offsets of line starts, to turn offsets into 1-based lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[line];
        let col = text.get(start..offset).map_or(0, |s| s.chars().count());
        (line as u32 + 1, col as u32 + 1)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// A file read during loading: its path and text (dropped once parsed).
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub text: String,
}

/// What is kept of a file after loading: a fingerprint of its text and, for files given as
/// text (tests, tools), the text itself. Lines for diagnostics are read again from disk, so
/// that a large site does not keep every file in memory.
#[derive(Debug, Clone)]
struct Kept {
    hash: u64,
    text: Option<Arc<str>>,
}

/// Every text file read during loading, by relative path.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    root: std::path::PathBuf,
    files: BTreeMap<String, Kept>,
}

fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl SourceMap {
    /// A map whose files are read from under `root`.
    pub fn new(root: &std::path::Path) -> SourceMap {
        SourceMap {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
        }
    }

    /// Records a file read from disk (its text is not kept).
    pub fn insert(&mut self, file: &SourceFile) {
        self.files.insert(
            file.path.clone(),
            Kept {
                hash: fingerprint(&file.text),
                text: None,
            },
        );
    }

    /// Records a file with its text kept in memory.
    pub fn insert_text(&mut self, path: &str, text: &str) {
        self.files.insert(
            path.to_string(),
            Kept {
                hash: fingerprint(text),
                text: Some(text.into()),
            },
        );
    }

    /// A fingerprint of the file's text as loaded.
    pub fn hash(&self, path: &str) -> Option<u64> {
        self.files.get(path).map(|k| k.hash)
    }

    /// The text of a 1-based line of a loaded file, without its newline.
    pub fn line(&self, path: &str, line: u32) -> Option<String> {
        let kept = self.files.get(path)?;
        let n = line.checked_sub(1)? as usize;
        match &kept.text {
            Some(text) => text.lines().nth(n).map(str::to_string),
            None => {
                let text = decode(&std::fs::read(self.root.join(path)).ok()?).ok()?;
                text.lines().nth(n).map(str::to_string)
            }
        }
    }

    pub fn extend(&mut self, other: SourceMap) {
        self.files.extend(other.files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_utf8_with_bom_and_crlf() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFa = 1\r\nb = 2\r\n").unwrap(),
            "a = 1\nb = 2\n"
        );
        assert_eq!(
            decode("名称 = \"乳源\"".as_bytes()).unwrap(),
            "名称 = \"乳源\""
        );
    }

    #[test]
    fn names_gb18030_and_the_line() {
        let (gb, _, _) = encoding_rs::GB18030.encode("a = 1\nname = \"乳源瑶族自治县\"\n");
        assert_eq!(decode(&gb), Err(DecodeError::Gb18030 { line: 2 }));
        assert!(decode(&gb).unwrap_err().message().contains("GB18030"));
    }

    #[test]
    fn names_utf16_and_unknown() {
        assert_eq!(decode(&[0xFF, 0xFE, b'a', 0]), Err(DecodeError::Utf16));
        assert_eq!(
            decode(b"ok\n\xFF\xFF\xFF"),
            Err(DecodeError::Unknown { line: 2 })
        );
    }

    #[test]
    fn the_byte_scan_agrees_with_the_definition_for_every_character() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("乳源，{c}（）");
            let expected = is_forbidden(c).then_some("乳源，".len());
            assert_eq!(forbidden_at(&text), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn finds_forbidden_characters_with_line_and_column() {
        assert_eq!(forbidden_char("a\tb\r\n乳源\n"), None);
        assert_eq!(forbidden_char("第一行\n乳源\u{b}县"), Some((2, 3, '\u{b}')));
        assert_eq!(forbidden_char("é ÿ ￼\u{fffd}"), None);
        assert_eq!(forbidden_char("x\u{85}"), Some((1, 2, '\u{85}')));
        assert_eq!(forbidden_char("\u{ffff}"), Some((1, 1, '\u{ffff}')));
        assert_eq!(forbidden_char("\u{0}"), Some((1, 1, '\u{0}')));
        assert!(describe_char('\u{b}').contains("U+000B"));
    }

    #[test]
    fn line_columns_count_characters() {
        let text = "ab\n乳源 = 1\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        let eq = text.find('=').unwrap();
        assert_eq!(idx.line_col(text, eq), (2, 4));
    }
}
