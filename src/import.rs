//! `gongkai import projects|progress FILE`: records from the ledger (台账) a webmaster keeps in
//! Excel. Reads `.xlsx` directly, and CSV in UTF-8 or in the GB18030 that Excel saves on Chinese
//! Windows; finds columns by their Chinese headers; writes new record files and fills in
//! missing fields of existing ones, but never changes a value already in a file unless told to
//! (`--overwrite`), and says so either way. Every row it cannot read is reported with its row
//! number, and the others are imported.

use std::fs;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::date::{Date, Month};
use crate::load::{self, split_front_matter, valid_id};
use crate::model::{Site, text};
use crate::money::parse_decimal;
use crate::source::decode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Projects,
    Progress,
}

pub struct ImportOptions {
    pub root: PathBuf,
    pub file: PathBuf,
    pub kind: Kind,
    /// Replace values that differ from the sheet.
    pub overwrite: bool,
    /// Say what would change, change nothing.
    pub dry_run: bool,
}

/// What an import did, line by line, for the terminal.
#[derive(Debug, Default)]
pub struct Outcome {
    pub created: usize,
    pub updated: usize,
    /// Values in the files that differ from the sheet and were left as they are.
    pub kept: usize,
    pub bad_rows: usize,
    pub lines: Vec<String>,
}

impl Outcome {
    pub fn summary(&self, dry_run: bool) -> String {
        let verb = if dry_run { "将" } else { "已" };
        format!(
            "{verb}新建 {} 个文件，{verb}更新 {} 个字段；{} 处与文件不同未覆盖；{} 行无法读取",
            self.created, self.updated, self.kept, self.bad_rows
        )
    }
}

// ---------------------------------------------------------------- reading the sheet

use crate::sheet::Row;

/// Reads the first sheet: header cells and data rows (see [`crate::sheet`]).
fn read_sheet(path: &Path) -> Result<(Vec<String>, Vec<Row>), String> {
    crate::sheet::read(path)
}

/// Headers compared without spaces, with one kind of bracket, units taken off.
fn normalize_header(h: &str) -> String {
    let h: String = h
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let mut h = h;
    for unit in ["(万元)", "(元)", "(%)", "(％)"] {
        h = h.replace(unit, "");
    }
    h
}

// ---------------------------------------------------------------- columns

#[derive(Clone, Debug, PartialEq, Eq)]
enum Col {
    Id,
    Name,
    Category,
    Decision,
    Contractor,
    CreditCode,
    Responsible,
    Phone,
    Funding(String),
    Start,
    Deadline,
    Completed,
    Accepted,
    Published,
    Body,
    Targets,
    Month,
    Percent,
    Disbursed,
    /// A column the tool writes in its own exports (totals, status, address): not an input.
    Derived,
}

const PROJECT_HEADERS: &[(&[&str], Col)] = &[
    (&["项目编号", "编号", "id"], Col::Id),
    (&["项目名称", "名称"], Col::Name),
    (&["项目板块", "板块"], Col::Category),
    (&["决策文件", "决策文件编号", "文号"], Col::Decision),
    (&["承办单位", "承办单位名称"], Col::Contractor),
    (&["统一社会信用代码", "信用代码"], Col::CreditCode),
    (
        &["承办单位责任人", "责任人", "项目负责人"],
        Col::Responsible,
    ),
    (&["联系电话", "电话"], Col::Phone),
    (&["开工日期", "开始日期"], Col::Start),
    (&["完成时限", "截止日期"], Col::Deadline),
    (&["完工日期"], Col::Completed),
    (&["验收日期"], Col::Accepted),
    (&["公开日期"], Col::Published),
    (&["建设内容和要求", "建设内容"], Col::Body),
    (&["绩效目标"], Col::Targets),
    (
        &[
            "扶持资金合计",
            "已拨付",
            "完成比例",
            "状态",
            "逾期和缺漏",
            "网址",
        ],
        Col::Derived,
    ),
];

const PROGRESS_HEADERS: &[(&[&str], Col)] = &[
    (&["项目编号", "编号", "id"], Col::Id),
    (&["项目名称", "名称"], Col::Name),
    (&["月份", "年月"], Col::Month),
    (&["完成比例", "完成进度", "进度"], Col::Percent),
    (&["累计拨付", "累计拨付资金"], Col::Disbursed),
    (&["公开日期"], Col::Published),
    (&["进度说明", "本月进展", "说明", "建设进度"], Col::Body),
    (&["应公开日期", "公开情况"], Col::Derived),
];

/// The column each header stands for; unknown headers are reported and left out.
fn columns(kind: Kind, header: &[String], site: &Site) -> (Vec<Option<Col>>, Vec<String>) {
    let table = if kind == Kind::Projects {
        PROJECT_HEADERS
    } else {
        PROGRESS_HEADERS
    };
    let sources: Vec<(String, String)> = site
        .programme
        .iter()
        .flat_map(|p| p.sources.iter())
        .filter_map(|s| Some((text(&s.id)?.to_string(), text(&s.name)?.to_string())))
        .collect();
    let default_source = site
        .programme
        .as_ref()
        .and_then(|p| {
            p.sources
                .iter()
                .find(|s| s.is_central())
                .or(p.sources.first())
        })
        .and_then(|s| text(&s.id))
        .unwrap_or("central")
        .to_string();
    let mut unknown = Vec::new();
    let cols = header
        .iter()
        .map(|h| {
            let n = normalize_header(h);
            if n.is_empty() {
                return None;
            }
            if let Some((_, col)) = table
                .iter()
                .find(|(names, _)| names.iter().any(|x| normalize_header(x) == n))
            {
                return Some(col.clone());
            }
            if kind == Kind::Projects {
                let bare = n
                    .trim_start_matches("扶持资金_")
                    .trim_start_matches("扶持资金");
                if let Some((id, _)) = sources
                    .iter()
                    .find(|(id, name)| normalize_header(name) == bare || id == bare)
                {
                    return Some(Col::Funding(id.clone()));
                }
                if ["扶持资金", "扶持资金额度"].contains(&n.as_str()) {
                    return Some(Col::Funding(default_source.clone()));
                }
            }
            unknown.push(h.clone());
            None
        })
        .collect();
    (cols, unknown)
}

// ---------------------------------------------------------------- values

/// Dates as people type them: 2022-06-30, 2022/6/30, 2022.6.30, 2022年6月30日.
fn parse_date(s: &str) -> Option<Date> {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums.as_slice() {
        [y, m, d] => Date::from_ymd(*y as i32, *m, *d).filter(|d| d.in_years()),
        _ => None,
    }
}

/// Months as people type them: 2022-07, 2022/7, 2022年7月, or a date in the month.
fn parse_month(s: &str) -> Option<Month> {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums.as_slice() {
        [y, m] | [y, m, _] => {
            Month::new(*y as i32, *m).filter(|m| crate::date::YEARS.contains(&m.year))
        }
        _ => None,
    }
}

/// A number as typed: thousands separators, `%` and a unit allowed. Amounts are in 万元: a
/// value ending in 元 (not 万元) is converted.
fn parse_number(s: &str) -> Option<Decimal> {
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '%' | '％' | ' '))
        .collect();
    if let Some(wan) = cleaned.strip_suffix("万元") {
        parse_decimal(wan)
    } else if let Some(yuan) = cleaned.strip_suffix('元') {
        Some((parse_decimal(yuan)? / Decimal::from(10_000)).normalize())
    } else {
        parse_decimal(&cleaned)
    }
}

/// An amount cell, in 万元 (or in 元 when it says so), within the limits amounts have in files:
/// below 10^12 万元, to the 分.
fn parse_amount(label: &str, v: &str) -> Result<Decimal, String> {
    use crate::money::{AMOUNT_DIGITS, Bound, parse_within};
    let cleaned: String = v
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let (text, in_yuan) = match cleaned.strip_suffix("万元") {
        Some(wan) => (wan, false),
        None => match cleaned.strip_suffix('元') {
            Some(yuan) => (yuan, true),
            None => (cleaned.as_str(), false),
        },
    };
    let parsed = if in_yuan {
        parse_within(text, AMOUNT_DIGITS + 4, 2).map(|y| (y / Decimal::from(10_000)).normalize())
    } else {
        parse_within(text, AMOUNT_DIGITS, 6)
    };
    parsed.map_err(|b| match b {
        Bound::NotANumber => format!("{label}“{v}”不是数字"),
        Bound::TooLarge => {
            format!("{label}“{v}”超出了任何示范项目的规模（以万元计要小于 1 万亿）")
        }
        Bound::TooPrecise { .. } => {
            format!("{label}“{v}”的小数位太多：精确到分为止（以万元计最多 6 位小数）")
        }
    })
}

/// 绩效目标 as one cell: "入驻企业：10 家；培训 1500 人次" — indicator, number, unit per item.
fn parse_targets(s: &str) -> Option<Vec<(String, Decimal, String)>> {
    let items: Vec<&str> = s
        .split(['；', ';', '\n', '、'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    items
        .iter()
        .map(|item| {
            let start = item.find(|c: char| c.is_ascii_digit())?;
            let end = start
                + item[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(item.len() - start);
            let indicator = item[..start]
                .trim()
                .trim_end_matches(['：', ':', '≥', '>'])
                .trim();
            let indicator = indicator.trim_end_matches("不少于").trim();
            let number = parse_decimal(&item[start..end])?;
            let unit = item[end..].trim().trim_end_matches("以上").trim();
            (!indicator.is_empty()).then(|| (indicator.to_string(), number, unit.to_string()))
        })
        .collect()
}

/// A TOML value for a decimal, written exactly as the sheet gives it.
fn number_value(d: Decimal) -> Value {
    let text = crate::money::display_decimal(d);
    text.parse::<Value>().unwrap_or_else(|_| Value::from(text))
}

fn date_value(d: Date) -> Value {
    d.to_string()
        .parse::<Value>()
        .unwrap_or_else(|_| Value::from(d.to_string()))
}

// ---------------------------------------------------------------- editing files

/// A record file being edited: its front matter (comments kept) and body.
struct RecordFile {
    path: PathBuf,
    rel: String,
    doc: DocumentMut,
    body: String,
    exists: bool,
    changed: bool,
}

impl RecordFile {
    fn open(root: &Path, rel: &str) -> Result<RecordFile, String> {
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

    fn save(&self, dry_run: bool) -> Result<(), String> {
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
fn table_mut<'d>(doc: &'d mut DocumentMut, table: Option<&str>) -> &'d mut Table {
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
fn shown(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
}

/// Text of a value for comparing: strings as they are, numbers as decimals, dates as dates.
fn comparable(v: &Value) -> String {
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

struct Editor<'o> {
    out: &'o mut Outcome,
    overwrite: bool,
    row: usize,
}

impl Editor<'_> {
    /// Sets `key` (in `table`) unless the file already holds a different value.
    fn set(&mut self, file: &mut RecordFile, table: Option<&str>, key: &str, value: Value) {
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

    fn set_body(&mut self, file: &mut RecordFile, body: &str) {
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

    fn set_targets(&mut self, file: &mut RecordFile, targets: &[(String, Decimal, String)]) {
        let mut array = ArrayOfTables::new();
        for (indicator, target, unit) in targets {
            let mut t = Table::new();
            t.insert("indicator", Item::Value(Value::from(indicator.as_str())));
            t.insert("target", Item::Value(number_value(*target)));
            if !unit.is_empty() {
                t.insert("unit", Item::Value(Value::from(unit.as_str())));
            }
            array.push(t);
        }
        let existing: Option<Vec<String>> = file
            .doc
            .get("targets")
            .and_then(Item::as_array_of_tables)
            .map(|a| {
                a.iter()
                    .map(|t| {
                        ["indicator", "target", "unit"]
                            .iter()
                            .map(|k| {
                                t.get(k)
                                    .and_then(Item::as_value)
                                    .map(comparable)
                                    .unwrap_or_default()
                            })
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect()
            });
        let wanted: Vec<String> = targets
            .iter()
            .map(|(i, t, u)| format!("{i}|{}|{u}", t.normalize()))
            .collect();
        match existing {
            Some(e) if e == wanted => {}
            Some(_) if !self.overwrite => {
                let _ = self.note(format!(
                    "{} 的绩效目标与表格不同：未覆盖（要以表格为准，加 --overwrite）",
                    file.rel
                ));
                self.out.kept += 1;
            }
            _ => {
                file.doc.insert("targets", Item::ArrayOfTables(array));
                file.changed = true;
                if file.exists {
                    self.out.updated += 1;
                }
            }
        }
    }

    fn note(&mut self, message: String) -> std::fmt::Result {
        self.out
            .lines
            .push(format!("第 {} 行：{message}", self.row));
        Ok(())
    }
}

// ---------------------------------------------------------------- the two imports

pub fn import(opts: &ImportOptions) -> Result<Outcome, String> {
    let loaded = load::load(&opts.root).map_err(|e| e.to_string())?;
    let site = &loaded.site;
    let (header, rows) = read_sheet(&opts.file)?;
    let (cols, unknown) = columns(opts.kind, &header, site);
    let mut out = Outcome::default();
    if !unknown.is_empty() {
        out.lines
            .push(format!("不认识的列（未导入）：{}", unknown.join("、")));
    }
    let read_cols: Vec<Option<Col>> = cols
        .iter()
        .map(|c| c.clone().filter(|c| *c != Col::Derived))
        .collect();
    if let Some(why) = crate::sheet::duplicate_columns(&header, &read_cols) {
        return Err(why);
    }
    let has = |c: &Col| cols.iter().any(|x| x.as_ref() == Some(c));
    if !has(&Col::Id) && !has(&Col::Name) {
        return Err("表格里找不到“项目编号”或“项目名称”列：第一行要是表头".into());
    }
    if opts.kind == Kind::Progress && !has(&Col::Month) {
        return Err("表格里找不到“月份”列".into());
    }
    // Amounts are kept in 万元; a column headed in 元 says so for its cells without a unit.
    let in_yuan: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(i, h)| {
            matches!(cols[*i], Some(Col::Funding(_) | Col::Disbursed))
                && h.replace('（', "(").replace('）', ")").contains("(元)")
        })
        .map(|(i, _)| i)
        .collect();
    for mut row in rows {
        for &i in &in_yuan {
            if let Some(c) = row.cells.get_mut(i)
                && !c.trim().is_empty()
                && !c.trim_end().ends_with('元')
            {
                c.push('元');
            }
        }
        let row = row;
        // A cell that could not be read, in a column that is imported: the row is not.
        let problem = row
            .problems
            .iter()
            .find(|(i, _)| *i >= header.len() || read_cols.get(*i).is_some_and(Option::is_some));
        if let Some((i, why)) = problem {
            out.bad_rows += 1;
            let column = header.get(*i).map_or(String::new(), |h| format!("“{h}”"));
            out.lines.push(format!(
                "第 {} 行：无法读取：第 {} 列{column}{why}",
                row.number,
                crate::sheet::column_name(*i)
            ));
            continue;
        }
        let cell = |c: &Col| -> Option<&str> {
            cols.iter()
                .position(|x| x.as_ref() == Some(c))
                .and_then(|i| row.cells.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let result = match opts.kind {
            Kind::Projects => project_row(opts, site, &row, &cols, &cell, &mut out),
            Kind::Progress => progress_row(opts, site, &row, &cell, &mut out),
        };
        if let Err(why) = result {
            out.bad_rows += 1;
            out.lines
                .push(format!("第 {} 行：无法读取：{why}", row.number));
        }
    }
    Ok(out)
}

/// The project a row means: by id, or by the name of an existing project.
fn project_id(site: &Site, id: Option<&str>, name: Option<&str>) -> Result<String, String> {
    if let Some(id) = id {
        return if valid_id(id) {
            Ok(id.to_string())
        } else {
            Err(format!("项目编号“{id}”只能用小写英文字母、数字和 -"))
        };
    }
    let name = name.ok_or("没有项目编号，也没有项目名称")?;
    site.projects
        .iter()
        .find(|p| text(&p.name) == Some(name))
        .map(|p| p.id.clone())
        .ok_or_else(|| {
            format!("“{name}”还没有项目文件：新项目要在“项目编号”列写上编号（小写英文、数字和 -）")
        })
}

type Cell<'a> = dyn Fn(&Col) -> Option<&'a str> + 'a;

fn project_row<'r>(
    opts: &ImportOptions,
    site: &Site,
    row: &'r Row,
    cols: &[Option<Col>],
    cell: &Cell<'r>,
    out: &mut Outcome,
) -> Result<(), String> {
    let id = project_id(site, cell(&Col::Id), cell(&Col::Name))?;
    let programme = site.programme.as_ref();
    // Everything is read and checked before anything is written.
    let date = |c: &Col, label: &str| -> Result<Option<Date>, String> {
        cell(c)
            .map(|v| parse_date(v).ok_or(format!("{label}“{v}”不是日期（写成 2022-06-30）")))
            .transpose()
    };
    let start = date(&Col::Start, "开工日期")?;
    let deadline = date(&Col::Deadline, "完成时限")?;
    let completed = date(&Col::Completed, "完工日期")?;
    let accepted = date(&Col::Accepted, "验收日期")?;
    let published = date(&Col::Published, "公开日期")?;
    let category = cell(&Col::Category)
        .map(|v| {
            programme
                .and_then(|p| {
                    p.categories
                        .iter()
                        .find(|c| text(&c.id) == Some(v) || text(&c.name) == Some(v))
                })
                .and_then(|c| text(&c.id))
                .map(str::to_string)
                .ok_or(format!("项目板块“{v}”在 programme.toml 里没有"))
        })
        .transpose()?;
    let decision = cell(&Col::Decision)
        .map(|v| {
            site.documents
                .iter()
                .find(|d| d.id == v || text(&d.number) == Some(v) || text(&d.title) == Some(v))
                .map(|d| d.id.clone())
                .ok_or(format!("决策文件“{v}”找不到：写文件编号、文号或标题"))
        })
        .transpose()?;
    let mut funding = Vec::new();
    for (i, col) in cols.iter().enumerate() {
        if let Some(Col::Funding(source)) = col
            && let Some(v) = row.cells.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
        {
            funding.push((source.clone(), parse_amount("扶持资金", v)?));
        }
    }
    let targets = cell(&Col::Targets)
        .map(|v| {
            parse_targets(v).ok_or(format!(
                "绩效目标“{v}”看不懂：写成“指标 数值单位”，多项用；分开"
            ))
        })
        .transpose()?;

    let rel = format!("content/projects/{id}/index.md");
    let mut file = RecordFile::open(&opts.root, &rel)?;
    let mut ed = Editor {
        out,
        overwrite: opts.overwrite,
        row: row.number,
    };
    if let Some(name) = cell(&Col::Name) {
        ed.set(&mut file, None, "name", Value::from(name));
    }
    if let Some(c) = category {
        ed.set(&mut file, None, "category", Value::from(c));
    }
    if let Some(d) = decision {
        ed.set(&mut file, None, "decision", Value::from(d));
    }
    for (key, d) in [
        ("published", published),
        ("start", start),
        ("deadline", deadline),
        ("completed", completed),
        ("accepted", accepted),
    ] {
        if let Some(d) = d {
            ed.set(&mut file, None, key, date_value(d));
        }
    }
    for (key, c) in [
        ("name", Col::Contractor),
        ("credit_code", Col::CreditCode),
        ("responsible", Col::Responsible),
        ("phone", Col::Phone),
    ] {
        if let Some(v) = cell(&c) {
            ed.set(&mut file, Some("contractor"), key, Value::from(v));
        }
    }
    for (source, amount) in funding {
        ed.set(&mut file, Some("funding"), &source, number_value(amount));
    }
    if let Some(t) = targets {
        ed.set_targets(&mut file, &t);
    }
    if let Some(body) = cell(&Col::Body) {
        ed.set_body(&mut file, body);
    }
    finish(opts, file, ed)
}

fn finish(opts: &ImportOptions, file: RecordFile, ed: Editor) -> Result<(), String> {
    if !file.exists {
        ed.out.created += 1;
        ed.out
            .lines
            .push(format!("第 {} 行：新建 {}", ed.row, file.rel));
    }
    file.save(opts.dry_run)
}

fn progress_row<'r>(
    opts: &ImportOptions,
    site: &Site,
    row: &'r Row,
    cell: &Cell<'r>,
    out: &mut Outcome,
) -> Result<(), String> {
    let id = project_id(site, cell(&Col::Id), cell(&Col::Name))?;
    if !opts
        .root
        .join(format!("content/projects/{id}/index.md"))
        .is_file()
    {
        return Err(format!(
            "项目“{id}”还没有文件：先导入项目，或新建 content/projects/{id}/index.md"
        ));
    }
    let m = cell(&Col::Month).ok_or("缺少月份")?;
    let month = parse_month(m).ok_or(format!("月份“{m}”看不懂（写成 2022-07）"))?;
    let percent = cell(&Col::Percent)
        .map(|v| parse_number(v).ok_or(format!("完成比例“{v}”不是数字")))
        .transpose()?;
    let disbursed = cell(&Col::Disbursed)
        .map(|v| parse_amount("累计拨付", v))
        .transpose()?;
    let published = cell(&Col::Published)
        .map(|v| parse_date(v).ok_or(format!("公开日期“{v}”不是日期")))
        .transpose()?;
    let rel = format!("content/projects/{id}/progress/{month}.md");
    let mut file = RecordFile::open(&opts.root, &rel)?;
    let mut ed = Editor {
        out,
        overwrite: opts.overwrite,
        row: row.number,
    };
    if let Some(d) = published {
        ed.set(&mut file, None, "published", date_value(d));
    }
    if let Some(p) = percent {
        ed.set(&mut file, None, "percent", number_value(p));
    }
    if let Some(d) = disbursed {
        ed.set(&mut file, None, "disbursed", number_value(d));
    }
    if let Some(body) = cell(&Col::Body) {
        ed.set_body(&mut file, body);
    }
    finish(opts, file, ed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_months_numbers_and_targets_as_typed() {
        assert_eq!(parse_date("2022/6/30").unwrap().to_string(), "2022-06-30");
        assert_eq!(
            parse_date("2022年6月30日").unwrap().to_string(),
            "2022-06-30"
        );
        assert!(parse_date("九月底").is_none());
        assert_eq!(parse_month("2022年7月").unwrap().to_string(), "2022-07");
        assert_eq!(parse_month("2022-07-01").unwrap().to_string(), "2022-07");
        assert_eq!(parse_number("1,000.50万元").unwrap().to_string(), "1000.50");
        assert_eq!(parse_number("80%").unwrap().to_string(), "80");
        assert_eq!(parse_number("1,500,000元").unwrap().to_string(), "150");
        assert_eq!(parse_number("37500 元").unwrap().to_string(), "3.75");
        let t = parse_targets("电商产业园入驻企业：10 家；培训 1500 人次以上").unwrap();
        assert_eq!(
            t[0],
            ("电商产业园入驻企业".into(), Decimal::from(10), "家".into())
        );
        assert_eq!(t[1], ("培训".into(), Decimal::from(1500), "人次".into()));
        assert_eq!(normalize_header(" 扶持资金（万元） "), "扶持资金");
    }
}
