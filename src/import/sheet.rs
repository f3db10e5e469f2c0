//! Reading the ledger (台账) a webmaster keeps in Excel, for `gongkai import`: `.xlsx` streamed
//! cell by cell (so a sheet padded with a million formatted blank cells costs what its filled
//! cells cost), other workbooks through their range, CSV in UTF-8 or GB18030. Time and memory
//! grow with the number of filled cells. What cannot be taken as it is — an Excel error value
//! (`#N/A`), a number that is not one (NaN), a control character, a row longer or shorter than
//! the header — is kept with the row as a problem to report, never dropped silently.

use std::fs;
use std::path::Path;

use calamine::{DataRef, Reader};

/// One row of the sheet: its number as the spreadsheet shows it, its cells, and what is wrong
/// with some of them: (0-based column, message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
    pub problems: Vec<(usize, String)>,
}

/// The header and the data rows of the first sheet (rows with nothing in them skipped).
pub fn read(path: &Path) -> Result<(Vec<String>, Vec<Row>), String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = fs::read(path).map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
    read_bytes(&ext, &bytes).map_err(|e| format!("{}：{e}", path.display()))
}

/// [`read`] for a file's bytes, its kind given by its extension (`xlsx`, `csv`, …).
pub fn read_bytes(ext: &str, bytes: &[u8]) -> Result<(Vec<String>, Vec<Row>), String> {
    let rows = match ext {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(bytes)?,
        _ => read_csv(bytes)?,
    };
    let mut rows = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()) || !r.problems.is_empty());
    let header = rows.next().ok_or("表格是空的")?;
    if let Some((col, why)) = header.problems.first() {
        return Err(format!("表头第 {} 列：{why}", column_name(*col)));
    }
    let width = header.cells.len();
    let rows = rows
        .map(|mut r| {
            ragged(&mut r, width);
            r
        })
        .collect();
    Ok((header.cells, rows))
}

/// A row with filled cells beyond the header, or (in CSV) fewer cells than the header.
fn ragged(row: &mut Row, width: usize) {
    let beyond = row.cells.iter().skip(width).any(|c| !c.trim().is_empty());
    if beyond {
        row.problems.push((
            width,
            format!(
                "这一行有 {} 格，表头只有 {width} 列：多出的内容不知道是哪一列（可能多了分隔符，或文字里的逗号没有加引号）",
                row.cells.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1)
            ),
        ));
    }
    row.cells.resize(width.max(row.cells.len()), String::new());
}

/// Column letters as a spreadsheet shows them: 0 → A, 26 → AA.
pub fn column_name(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A header cell read twice: columns that mean the same field (“项目名称” and “名称”).
/// `cols` is what each header cell stands for (`None`: not read).
pub fn duplicate_columns<T: PartialEq>(header: &[String], cols: &[Option<T>]) -> Option<String> {
    for (i, a) in cols.iter().enumerate() {
        let Some(a) = a else { continue };
        if let Some(j) = cols[i + 1..]
            .iter()
            .position(|b| b.as_ref() == Some(a))
            .map(|k| k + i + 1)
        {
            return Some(format!(
                "表头第 {} 列“{}”和第 {} 列“{}”是同一项：删掉或改名其中一列，再导入",
                column_name(i),
                header[i],
                column_name(j),
                header[j]
            ));
        }
    }
    None
}

/// The first character no output may carry ([`crate::source::is_forbidden`]), with its 1-based
/// position in characters.
pub fn control_char(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| crate::source::is_forbidden(*c))
        .map(|(i, c)| (i + 1, c))
}

fn text_cell(s: &str, col: usize, problems: &mut Vec<(usize, String)>) -> String {
    if let Some((_, c)) = control_char(s) {
        problems.push((
            col,
            format!(
                "含不可见的{}，网页和数据文件里不能有：在表格里删掉它（换行用 Alt+Enter）",
                crate::source::describe_char(c)
            ),
        ));
    }
    s.trim().to_string()
}

/// A cell as the text a person sees: numbers in their shortest form, dates as `YYYY-MM-DD`.
fn cell_text(cell: &DataRef, col: usize, problems: &mut Vec<(usize, String)>) -> String {
    match cell {
        DataRef::String(s) => text_cell(s, col, problems),
        DataRef::SharedString(s) => text_cell(s, col, problems),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if !f.is_finite() => {
            problems.push((col, "不是数字（NaN 或无穷大）".into()));
            String::new()
        }
        // Excel keeps numbers as binary doubles; the shortest decimal that reads back as the same
        // double is the number that was typed.
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => format!("{f}"),
        DataRef::DateTime(dt) if !dt.as_f64().is_finite() || dt.as_f64() < 1.0 => {
            problems.push((
                col,
                format!(
                    "日期单元格的值是 {}，不是一个日期（Excel 会把它显示成 1899 或 1900 年）",
                    dt.as_f64()
                ),
            ));
            String::new()
        }
        DataRef::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::Error(e) => {
            problems.push((
                col,
                format!("是 Excel 错误值 {e}：先在表格里改正公式或填上值"),
            ));
            String::new()
        }
        DataRef::DurationIso(_) | DataRef::Empty => String::new(),
    }
}

/// Rows from cells given in any order, as (row, column, value): only filled cells are kept.
#[derive(Default)]
struct Gather {
    rows: std::collections::BTreeMap<u32, Row>,
}

impl Gather {
    fn add(&mut self, (r, c): (u32, u32), value: &DataRef) {
        if matches!(value, DataRef::Empty) {
            return;
        }
        let row = self.rows.entry(r).or_insert_with(|| Row {
            number: r as usize + 1,
            ..Row::default()
        });
        let col = c as usize;
        let text = cell_text(value, col, &mut row.problems);
        if text.is_empty() {
            return;
        }
        if row.cells.len() <= col {
            row.cells.resize(col + 1, String::new());
        }
        row.cells[col] = text;
    }

    fn rows(self) -> Vec<Row> {
        self.rows.into_values().collect()
    }
}

fn read_workbook(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("无法打开工作簿：{e}"))?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("工作簿里没有工作表")?;
    let bad = |e: &dyn std::fmt::Display| format!("无法读取第一个工作表：{e}");
    let mut gather = Gather::default();
    match &mut book {
        calamine::Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&first).map_err(|e| bad(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| bad(&e))? {
                gather.add(cell.get_position(), cell.get_value());
            }
        }
        calamine::Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(&first).map_err(|e| bad(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| bad(&e))? {
                gather.add(cell.get_position(), cell.get_value());
            }
        }
        other => {
            let range = other.worksheet_range(&first).map_err(|e| bad(&e))?;
            for (r, c, v) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let value: DataRef = match v {
                    calamine::Data::Int(i) => DataRef::Int(*i),
                    calamine::Data::Float(f) => DataRef::Float(*f),
                    calamine::Data::String(s) => DataRef::String(s.clone()),
                    calamine::Data::Bool(b) => DataRef::Bool(*b),
                    calamine::Data::DateTime(d) => DataRef::DateTime(*d),
                    calamine::Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
                    calamine::Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
                    calamine::Data::Error(e) => DataRef::Error(e.clone()),
                    calamine::Data::Empty => DataRef::Empty,
                };
                gather.add((r0 + r as u32, c0 + c as u32), &value);
            }
        }
    }
    Ok(gather.rows())
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let text = match crate::source::decode(bytes) {
        Ok(t) => t,
        Err(_) => {
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(t) => t.replace("\r\n", "\n"),
                None => return Err("既不是 UTF-8 也不是 GB18030 编码的 CSV".into()),
            }
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    // Line numbers are counted on from the last record, so that the whole file is read once.
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut rows = Vec::new();
    let mut width = None;
    for r in reader.records() {
        let rec = r.map_err(|e| format!("CSV 格式错误：{e}"))?;
        // The line the record starts on, counting blank lines (the reader skips them).
        let mut byte = rec
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while bytes.get(byte).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            byte += 1;
        }
        if byte >= counted_to {
            line += bytes[counted_to..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted_to = byte;
        }
        let mut problems = Vec::new();
        let cells: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, c)| text_cell(c, i, &mut problems))
            .collect();
        let header_width = *width.get_or_insert(cells.len());
        if cells.len() < header_width && cells.iter().any(|c| !c.is_empty()) {
            problems.push((
                cells.len(),
                format!(
                    "这一行只有 {} 格，表头有 {header_width} 列：补齐缺少的分隔符（空单元格也要留逗号）",
                    cells.len()
                ),
            ));
        }
        rows.push(Row {
            number: line,
            cells,
            problems,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }

    #[test]
    fn forbidden_characters() {
        assert_eq!(control_char("a\tb\nc\r"), None);
        assert_eq!(control_char("一\u{b}二"), Some((2, '\u{b}')));
        assert_eq!(control_char("\u{ffff}"), Some((1, '\u{ffff}')));
        assert_eq!(control_char("x\u{85}"), Some((2, '\u{85}')));
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_and_problems() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        fs::write(
            &p,
            "a,b,c\n1,2,3\n\n\"多\n行\",5,6\n7,8,9,10\n11,12\n13,\u{b},15\n",
        )
        .unwrap();
        let (header, rows) = read(&p).unwrap();
        assert_eq!(header, ["a", "b", "c"]);
        let numbers: Vec<usize> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [2, 4, 6, 7, 8]);
        assert!(rows[0].problems.is_empty() && rows[1].problems.is_empty());
        assert!(rows[2].problems[0].1.contains("表头只有 3 列"), "{rows:?}");
        assert!(rows[3].problems[0].1.contains("只有 2 格"), "{rows:?}");
        assert!(rows[4].problems[0].1.contains("U+000B"), "{rows:?}");
    }

    #[test]
    fn duplicate_headers() {
        let header: Vec<String> = ["项目名称", "编号", "名称"].map(String::from).to_vec();
        let cols = [Some(1), Some(0), Some(1)];
        let why = duplicate_columns(&header, &cols).unwrap();
        assert!(why.contains("第 A 列“项目名称”和第 C 列“名称”"), "{why}");
        assert!(duplicate_columns(&header, &[Some(1), None, None]).is_none());
    }
}
