//! Editing record files: new fields filled in, values already written kept unless told
//! otherwise, comments and field order kept.

use std::fs;
use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use rust_decimal::Decimal;

use super::Outcome;
use super::values::number_value;
use crate::load::split_front_matter;
use crate::money::parse_decimal;
use crate::source::decode;

/// A record file being edited: its front matter (comments kept) and body.
pub(super) struct RecordFile {
    pub(super) path: PathBuf,
    pub(super) rel: String,
    pub(super) doc: DocumentMut,
    pub(super) body: String,
    pub(super) exists: bool,
    pub(super) changed: bool,
}

impl RecordFile {
    pub(super) fn open(root: &Path, rel: &str) -> Result<RecordFile, String> {
        let path = crate::confine::inside(root, rel)?;
        if !path.exists() {
            return Ok(RecordFile {
                path,
                rel: rel.to_string(),
                doc: DocumentMut::new(),
                body: String::new(),
                exists: false,
                changed: true,
            });
        }
        let raw = fs::read(&path).map_err(|e| format!("无法读取 {rel}：{e}"))?;
        let text = decode(&raw).map_err(|e| format!("{rel}：{}", e.message()))?;
        let split = split_front_matter(&text).map_err(|(_, m, _)| format!("{rel}：{m}"))?;
        let doc = split
            .toml
            .parse::<DocumentMut>()
            .map_err(|e| format!("{rel} 的字段格式有误，请先改正：{e}"))?;
        Ok(RecordFile {
            path,
            rel: rel.to_string(),
            doc,
            body: split.body.markdown,
            exists: true,
            changed: false,
        })
    }

    pub(super) fn save(&self, dry_run: bool) -> Result<(), String> {
        if !self.changed || dry_run {
            return Ok(());
        }
        let mut toml = self.doc.to_string();
        if !toml.ends_with('\n') {
            toml.push('\n');
        }
        let body = if self.body.is_empty() {
            String::new()
        } else {
            format!("{}\n", self.body.trim_end())
        };
        crate::confine::write_atomically(&self.path, format!("+++\n{toml}+++\n{body}").as_bytes())
            .map_err(|e| format!("无法写入 {}：{e}", self.rel))
    }
}

/// The table at a dotted path, created if missing.
pub(super) fn table_mut<'d>(doc: &'d mut DocumentMut, table: Option<&str>) -> &'d mut Table {
    match table {
        None => doc.as_table_mut(),
        Some(name) => {
            if !doc.contains_table(name) {
                doc.insert(name, Item::Table(Table::new()));
            }
            doc[name].as_table_mut().expect("a table")
        }
    }
}

/// A value as written, without the comments and spaces around it.
pub(super) fn shown(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
}

/// Text of a value for comparing: strings as they are, numbers as decimals, dates as dates.
pub(super) fn comparable(v: &Value) -> String {
    match v {
        Value::String(s) => s.value().trim().to_string(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => {
            let raw = f
                .as_repr()
                .and_then(|r| r.as_raw().as_str().map(str::to_string))
                .unwrap_or_else(|| f.value().to_string());
            parse_decimal(&raw).map_or(raw, |d| d.normalize().to_string())
        }
        Value::Datetime(d) => d.value().to_string(),
        other => other.to_string().trim().to_string(),
    }
}

pub(super) struct Editor<'o> {
    pub(super) out: &'o mut Outcome,
    pub(super) overwrite: bool,
    pub(super) row: usize,
}

impl Editor<'_> {
    /// Sets `key` (in `table`) unless the file already holds a different value.
    pub(super) fn set(
        &mut self,
        file: &mut RecordFile,
        table: Option<&str>,
        key: &str,
        value: Value,
    ) {
        let t = table_mut(&mut file.doc, table);
        let field = table.map_or(key.to_string(), |t| format!("{t}.{key}"));
        match t.get(key).and_then(Item::as_value) {
            Some(old) if comparable(old) == comparable(&value) => {}
            Some(old) if !self.overwrite => {
                let _ = self.note(format!(
                    "{} 的 {field} 是 {}，表格写的是 {}：未覆盖（文件可能手工改过；要以表格为准，加 --overwrite）",
                    file.rel,
                    shown(old),
                    shown(&value)
                ));
                self.out.kept += 1;
            }
            old => {
                if let Some(old) = old.filter(|_| file.exists) {
                    let _ = self.note(format!(
                        "{} 的 {field}：{} 改为 {}",
                        file.rel,
                        shown(old),
                        shown(&value)
                    ));
                }
                t.insert(key, Item::Value(value));
                file.changed = true;
                if file.exists {
                    self.out.updated += 1;
                }
            }
        }
    }

    pub(super) fn set_body(&mut self, file: &mut RecordFile, body: &str) {
        let body = body.trim();
        if body.is_empty() || file.body.trim() == body {
            return;
        }
        if !file.body.trim().is_empty() && !self.overwrite {
            let _ = self.note(format!(
                "{} 的正文与表格不同：未覆盖（要以表格为准，加 --overwrite）",
                file.rel
            ));
            self.out.kept += 1;
            return;
        }
        file.body = body.to_string();
        file.changed = true;
        if file.exists {
            self.out.updated += 1;
        }
    }

    /// Performance targets: `[[targets]]` with indicator, target and unit.
    pub(super) fn set_targets(
        &mut self,
        file: &mut RecordFile,
        targets: &[(String, Decimal, String)],
    ) {
        let tables = targets
            .iter()
            .map(|(indicator, target, unit)| {
                let mut t = vec![
                    ("indicator", Value::from(indicator.as_str())),
                    ("target", number_value(*target)),
                ];
                if !unit.is_empty() {
                    t.push(("unit", Value::from(unit.as_str())));
                }
                t
            })
            .collect();
        self.set_tables(
            file,
            "targets",
            "绩效目标",
            &["indicator", "target", "unit"],
            tables,
        );
    }

    /// What a month achieved against the targets: `[[actuals]]` with indicator and value.
    pub(super) fn set_actuals(&mut self, file: &mut RecordFile, actuals: &[(String, Decimal)]) {
        let tables = actuals
            .iter()
            .map(|(indicator, value)| {
                vec![
                    ("indicator", Value::from(indicator.as_str())),
                    ("value", number_value(*value)),
                ]
            })
            .collect();
        self.set_tables(
            file,
            "actuals",
            "绩效完成情况",
            &["indicator", "value"],
            tables,
        );
    }

    /// An array of tables written whole: set when the file has none, kept (and said) when it
    /// has other ones, unless told to overwrite.
    fn set_tables(
        &mut self,
        file: &mut RecordFile,
        key: &str,
        label: &str,
        keys: &[&str],
        tables: Vec<Vec<(&str, Value)>>,
    ) {
        let row = |get: &dyn Fn(&str) -> String| {
            keys.iter().map(|k| get(k)).collect::<Vec<_>>().join("|")
        };
        let wanted: Vec<String> = tables
            .iter()
            .map(|t| {
                row(&|k| {
                    t.iter()
                        .find(|(name, _)| *name == k)
                        .map(|(_, v)| comparable(v))
                        .unwrap_or_default()
                })
            })
            .collect();
        let existing: Option<Vec<String>> = file
            .doc
            .get(key)
            .and_then(Item::as_array_of_tables)
            .map(|a| {
                a.iter()
                    .map(|t| {
                        row(&|k| {
                            t.get(k)
                                .and_then(Item::as_value)
                                .map(comparable)
                                .unwrap_or_default()
                        })
                    })
                    .collect()
            });
        match existing {
            Some(e) if e == wanted => {}
            Some(_) if !self.overwrite => {
                let _ = self.note(format!(
                    "{} 的{label}与表格不同：未覆盖（要以表格为准，加 --overwrite）",
                    file.rel
                ));
                self.out.kept += 1;
            }
            _ => {
                let mut array = ArrayOfTables::new();
                for t in tables {
                    let mut table = Table::new();
                    for (k, v) in t {
                        table.insert(k, Item::Value(v));
                    }
                    array.push(table);
                }
                file.doc.insert(key, Item::ArrayOfTables(array));
                file.changed = true;
                if file.exists {
                    self.out.updated += 1;
                }
            }
        }
    }

    pub(super) fn note(&mut self, message: String) -> std::fmt::Result {
        self.out
            .lines
            .push(format!("第 {} 行：{message}", self.row));
        Ok(())
    }
}
