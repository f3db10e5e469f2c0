//! `gongkai import projects|progress FILE`: records from the ledger (台账) a webmaster keeps in
//! Excel. Reads `.xlsx` directly, and CSV in UTF-8 or in the GB18030 that Excel saves on Chinese
//! Windows; finds columns by their Chinese headers; writes new record files and fills in
//! missing fields of existing ones, but never changes a value already in a file unless told to
//! (`--overwrite`), and says so either way. Every row it cannot read is reported with its row
//! number, and the others are imported.

//!
//! `sheet` reads the file, `columns` finds what each column holds, `values` reads cells as
//! dates, months, amounts and targets, `edit` changes record files keeping what was written.

mod columns;
mod edit;
pub mod sheet;
mod values;

use std::path::PathBuf;

use toml_edit::Value;

use crate::date::Date;
use crate::load::{self, valid_id};
use crate::model::{Site, text};

use columns::{Col, columns, read_sheet};
use edit::{Editor, RecordFile};
use sheet::Row;
use values::*;

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
    if let Some(why) = sheet::duplicate_columns(&header, &read_cols) {
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
                sheet::column_name(*i)
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
        if valid_id(id) {
            return Ok(id.to_string());
        }
        // A county's own number, of a project that has one.
        if let Some(p) = site.projects.iter().find(|p| text(&p.number) == Some(id)) {
            return Ok(p.id.clone());
        }
        return Err(format!(
            "“{id}”不能用作网址代码（只能用小写英文字母、数字和 -）：表格里加一列“网址代码”写上它，“项目编号”列可以保留本县的编号"
        ));
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
    // One decision, or several in one cell separated by ；(as projects.csv writes them).
    let decision = cell(&Col::Decision)
        .map(|cell| {
            cell.split(['；', ';'])
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| {
                    site.documents
                        .iter()
                        .find(|d| {
                            d.id == v || text(&d.number) == Some(v) || text(&d.title) == Some(v)
                        })
                        .map(|d| d.id.clone())
                        .ok_or(format!("决策文件“{v}”找不到：写文件编号、文号或标题"))
                })
                .collect::<Result<Vec<String>, String>>()
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
    if let Some(number) = cell(&Col::Number) {
        ed.set(&mut file, None, "number", Value::from(number));
    }
    if let Some(name) = cell(&Col::Name) {
        ed.set(&mut file, None, "name", Value::from(name));
    }
    if let Some(c) = category {
        ed.set(&mut file, None, "category", Value::from(c));
    }
    match decision.as_deref() {
        Some([one]) => ed.set(&mut file, None, "decision", Value::from(one.as_str())),
        Some(several @ [_, _, ..]) => ed.set(
            &mut file,
            None,
            "decision",
            Value::Array(several.iter().map(String::as_str).collect()),
        ),
        _ => {}
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
    if let Some(v) = cell(&Col::Actuals) {
        let actuals = parse_targets(v).ok_or(format!(
            "绩效完成情况“{v}”看不懂：写成“指标：数量 单位”，几项之间用分号隔开"
        ))?;
        let actuals: Vec<(String, rust_decimal::Decimal)> =
            actuals.into_iter().map(|(i, n, _)| (i, n)).collect();
        ed.set_actuals(&mut file, &actuals);
    }
    if let Some(body) = cell(&Col::Body) {
        ed.set_body(&mut file, body);
    }
    finish(opts, file, ed)
}
