//! A `.md` record file is TOML front matter between two `+++` lines, then a Markdown body.

use crate::diag::Fix;
use crate::model::Body;

/// A `.md` file split into its TOML front matter and Markdown body.
#[derive(Debug)]
pub(crate) struct Split<'a> {
    pub toml: &'a str,
    pub body: Body,
}

/// Splits `+++` TOML front matter from the Markdown body. Errors carry the line, the message
/// and a hint.
pub(crate) fn split_front_matter(text: &str) -> Result<Split<'_>, (u32, String, String)> {
    let first = text.lines().next().unwrap_or("").trim_end();
    if first != "+++" {
        let hint = if first == "---" {
            "gongkai 的文件头用 +++ 包围的 TOML，不是 --- 包围的 YAML：把两行 --- 改成 +++，字段写成 name = \"…\""
        } else {
            "文件第一行写 +++，接着写字段（如 title = \"…\"），再写一行 +++，之后是正文"
        };
        return Err((
            1,
            "文件开头缺少 +++ 行：记录的字段要写在两行 +++ 之间".into(),
            hint.into(),
        ));
    }
    let toml_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = toml_start;
    for (line, l) in (2..).zip(text[toml_start..].split_inclusive('\n')) {
        if l.trim_end() == "+++" {
            let body_start = offset + l.len();
            return Ok(Split {
                toml: &text[toml_start..offset],
                body: Body {
                    markdown: text[body_start..].to_string(),
                    first_line: line + 1,
                },
            });
        }
        offset += l.len();
    }
    Err((
        1,
        "文件头的 +++ 没有结束：字段之后要再写一行 +++".into(),
        "在最后一个字段下面加一行 +++，正文写在它之后".into(),
    ))
}

/// The edit that mends a YAML-style `---` fence: the first one, then the closing one.
pub(crate) fn front_matter_fix(text: &str) -> Option<Fix> {
    let mut lines = text.lines().map(str::trim_end);
    match lines.next()? {
        "---" => Some(Fix::Replace {
            line: 1,
            text: "+++".into(),
        }),
        "+++" => {
            let at = lines.position(|l| l == "---")?;
            Some(Fix::Replace {
                line: at as u32 + 2,
                text: "+++".into(),
            })
        }
        _ => None,
    }
}

/// A record's canonical content, read again from its file (for the few records a message, a
/// page or a publish needs in full; loading keeps only the hash).
pub fn read_canonical(root: &std::path::Path, file: &str) -> Result<crate::ledger::Canon, String> {
    let bytes = std::fs::read(root.join(file)).map_err(|e| format!("读取 {file} 失败：{e}"))?;
    let text = crate::source::decode(&bytes).map_err(|e| format!("{file}：{}", e.message()))?;
    let (toml, body) = if file.ends_with(".md") {
        let split = split_front_matter(&text).map_err(|(_, m, _)| m)?;
        (split.toml.to_string(), Some(split.body.markdown))
    } else {
        (text, None)
    };
    let table = toml::de::DeTable::parse(&toml)
        .map_err(|e| format!("{file}：{e}"))?
        .into_inner();
    Ok(crate::ledger::canon::record(&table, body.as_deref()))
}
