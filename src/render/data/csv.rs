//! The CSV files: projects, monthly progress, disbursements and notices, as Excel on Chinese
//! Windows opens them.

use std::io::Write;

use crate::render::views::{DateView, Model};

/// A CSV file as Excel on Chinese Windows opens it: UTF-8 with a byte-order mark, CRLF line
/// ends, fields quoted where needed, and text that Excel would run as a formula made inert.
/// Rows are written to `w` a batch at a time: the largest file, progress.csv, is a hundred
/// megabytes for ten thousand projects.
struct Csv<'w> {
    out: String,
    w: &'w mut dyn Write,
    written: std::io::Result<()>,
}

enum Cell<'a> {
    Text(&'a str),
    Number(&'a str),
}

impl<'w> Csv<'w> {
    fn new(w: &'w mut dyn Write, headers: &[&str]) -> Csv<'w> {
        let mut csv = Csv {
            out: String::from("\u{feff}"),
            w,
            written: Ok(()),
        };
        csv.row(&headers.iter().map(|h| Cell::Text(h)).collect::<Vec<_>>());
        csv
    }

    fn row(&mut self, cells: &[Cell]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let text = match cell {
                Cell::Number(n) => (*n).to_string(),
                // A leading = + - @ would make Excel evaluate the cell (CSV injection).
                Cell::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
                Cell::Text(t) => (*t).to_string(),
            };
            if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ')
            {
                self.out.push('"');
                self.out.push_str(&text.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(&text);
            }
        }
        self.out.push_str("\r\n");
        if self.out.len() >= 1 << 16 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.written.is_ok() {
            self.written = self.w.write_all(self.out.as_bytes());
        }
        self.out.clear();
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.flush();
        self.written
    }
}

fn date_cell(d: &Option<DateView>) -> Cell<'_> {
    Cell::Text(d.as_ref().map_or("", |d| d.iso.as_str()))
}

pub(super) fn projects_csv(
    model: &Model,
    link: &dyn Fn(&str) -> String,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let unit = &model.site.unit;
    let sources: Vec<(&str, String)> = model
        .funds
        .sources
        .iter()
        .map(|s| (s.id.as_str(), format!("扶持资金_{}（{unit}）", s.name)))
        .collect();
    let mut headers: Vec<&str> = vec![
        "项目编号",
        "网址代码",
        "项目名称",
        "项目板块",
        "决策文件",
        "文号",
        "承办单位",
        "统一社会信用代码",
        "承办单位责任人",
    ];
    headers.extend(sources.iter().map(|(_, h)| h.as_str()));
    let total = format!("扶持资金合计（{unit}）");
    let paid = format!("已拨付（{unit}）");
    headers.extend([
        total.as_str(),
        "开工日期",
        "完成时限",
        "完工日期",
        "验收日期",
        "完成比例（%）",
        paid.as_str(),
        "状态",
        "逾期和缺漏",
        "更正次数",
        "最近更正日期",
        "撤回日期",
        "网址",
    ]);
    let mut csv = Csv::new(w, &headers);
    for p in &model.projects {
        // Several decisions share one cell, as the flags do; import splits them again.
        let titles = p
            .decisions
            .iter()
            .map(|d| d.title.as_str())
            .collect::<Vec<_>>()
            .join("；");
        let numbers = p
            .decisions
            .iter()
            .filter_map(|d| d.number.as_deref())
            .collect::<Vec<_>>()
            .join("；");
        let url = link(&p.url);
        let flags = p.flags.join("；");
        let corrections = p.correction_count.to_string();
        let amounts: Vec<&str> = sources
            .iter()
            .map(|(id, _)| {
                p.funding
                    .iter()
                    .find(|f| f.source == *id)
                    .map_or("", |f| f.amount.value.as_str())
            })
            .collect();
        let mut row = vec![
            Cell::Text(&p.number),
            Cell::Text(&p.id),
            Cell::Text(&p.name),
            Cell::Text(&p.category.label),
            Cell::Text(&titles),
            Cell::Text(&numbers),
            Cell::Text(&p.contractor.name),
            Cell::Text(p.contractor.credit_code.as_deref().unwrap_or("")),
            Cell::Text(&p.contractor.responsible),
        ];
        row.extend(amounts.into_iter().map(Cell::Number));
        row.extend([
            Cell::Number(&p.funding_total.value),
            date_cell(&p.start),
            date_cell(&p.deadline),
            date_cell(&p.completed),
            date_cell(&p.accepted),
            Cell::Number(p.percent.as_deref().unwrap_or("")),
            Cell::Number(&p.disbursed.value),
            Cell::Text(&p.status.label),
            Cell::Text(&flags),
            Cell::Number(&corrections),
            date_cell(&p.last_correction),
            Cell::Text(p.withdrawn.as_ref().map_or("", |w| w.date.iso.as_str())),
            Cell::Text(&url),
        ]);
        csv.row(&row);
    }
    csv.finish()
}

pub(super) fn progress_csv(model: &Model, w: &mut dyn Write) -> std::io::Result<()> {
    let unit = &model.site.unit;
    let paid = format!("累计拨付（{unit}）");
    let mut csv = Csv::new(
        w,
        &[
            "项目编号",
            "网址代码",
            "项目名称",
            "月份",
            "完成比例（%）",
            paid.as_str(),
            "应公开日期",
            "公开日期",
            "公开情况",
            "进度说明",
        ],
    );
    for p in &model.projects {
        for m in p.timeline.iter().rev().filter(|m| m.due_by_now) {
            csv.row(&[
                Cell::Text(&p.number),
                Cell::Text(&p.id),
                Cell::Text(&p.name),
                Cell::Text(&m.month),
                Cell::Number(m.percent.as_deref().unwrap_or("")),
                Cell::Number(m.disbursed.as_ref().map_or("", |a| a.value.as_str())),
                Cell::Text(&m.due.iso),
                date_cell(&m.published),
                Cell::Text(m.state_label),
                Cell::Text(&m.summary),
            ]);
        }
    }
    csv.finish()
}

pub(super) fn disbursements_csv(model: &Model, w: &mut dyn Write) -> std::io::Result<()> {
    let amount = format!("金额（{}）", model.site.unit);
    let mut csv = Csv::new(
        w,
        &[
            "项目编号",
            "网址代码",
            "项目名称",
            "拨付日期",
            amount.as_str(),
            "资金来源",
            "用途",
        ],
    );
    for p in &model.projects {
        for d in &p.disbursements {
            csv.row(&[
                Cell::Text(&p.number),
                Cell::Text(&p.id),
                Cell::Text(&p.name),
                date_cell(&d.date),
                Cell::Number(&d.amount.value),
                Cell::Text(&d.source_name),
                Cell::Text(&d.purpose),
            ]);
        }
    }
    csv.finish()
}

pub(super) fn notices_csv(model: &Model, w: &mut dyn Write) -> std::io::Result<()> {
    let amount = format!("金额（{}）", model.site.unit);
    let mut csv = Csv::new(
        w,
        &[
            "公告编号",
            "类别",
            "标题",
            "项目编号",
            "所属项目网址代码",
            "事项日期",
            "公开日期",
            "公示截止日期",
            "供应商",
            amount.as_str(),
            "公开时限",
        ],
    );
    for n in &model.notices {
        let windows = if n.windows.is_empty() {
            String::new()
        } else if n.late {
            n.windows
                .iter()
                .filter(|w| !w.met)
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join("；")
        } else {
            "符合".into()
        };
        csv.row(&[
            Cell::Text(&n.id),
            Cell::Text(&n.kind.label),
            Cell::Text(&n.title),
            Cell::Text(n.project.as_ref().map_or("", |p| p.number.as_str())),
            Cell::Text(n.project.as_ref().map_or("", |p| p.id.as_str())),
            date_cell(&n.event),
            date_cell(&n.published),
            date_cell(&n.public_until),
            Cell::Text(n.supplier.as_deref().unwrap_or("")),
            Cell::Number(n.amount.as_ref().map_or("", |a| a.value.as_str())),
            Cell::Text(&windows),
        ]);
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let mut out = Vec::new();
        let mut csv = Csv::new(&mut out, &["a", "b"]);
        csv.row(&[Cell::Text("=HYPERLINK(\"x\")"), Cell::Text("甲,乙")]);
        csv.row(&[Cell::Number("-3"), Cell::Text("换\n行")]);
        csv.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"甲,乙\"\r\n-3,\"换\n行\"\r\n"
        );
    }
}
