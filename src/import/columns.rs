//! Finding what each column of the ledger holds, by its Chinese header.

use std::path::Path;

use super::Kind;
use crate::model::{Site, text};

use super::sheet::Row;

/// Reads the first sheet: header cells and data rows (see [`super::sheet`]).
pub(super) fn read_sheet(path: &Path) -> Result<(Vec<String>, Vec<Row>), String> {
    super::sheet::read(path)
}

/// Headers compared without spaces, with one kind of bracket, units taken off.
pub(super) fn normalize_header(h: &str) -> String {
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
pub(super) enum Col {
    Id,
    /// The project's public number (项目编号), when another column gives its id.
    Number,
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
    /// A month's results against the targets.
    Actuals,
    Month,
    Percent,
    Disbursed,
    /// A column the tool writes in its own exports (totals, status, address): not an input.
    Derived,
}

pub(super) const PROJECT_HEADERS: &[(&[&str], Col)] = &[
    (&["网址代码", "项目代码", "项目编号", "编号", "id"], Col::Id),
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

pub(super) const PROGRESS_HEADERS: &[(&[&str], Col)] = &[
    (&["网址代码", "项目代码", "项目编号", "编号", "id"], Col::Id),
    (&["项目名称", "名称"], Col::Name),
    (&["月份", "年月"], Col::Month),
    (&["完成比例", "完成进度", "进度"], Col::Percent),
    (&["累计拨付", "累计拨付资金"], Col::Disbursed),
    (&["公开日期"], Col::Published),
    (&["进度说明", "本月进展", "说明", "建设进度"], Col::Body),
    (
        &["绩效完成情况", "指标完成情况", "目标完成情况", "实际完成"],
        Col::Actuals,
    ),
    (&["应公开日期", "公开情况"], Col::Derived),
];

/// The column each header stands for; unknown headers are reported and left out.
pub(super) fn columns(
    kind: Kind,
    header: &[String],
    site: &Site,
) -> (Vec<Option<Col>>, Vec<String>) {
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
    let cols: Vec<Option<Col>> = header
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
    // With an id column of its own (网址代码, as the exports have), 项目编号 is the number.
    let ids = cols.iter().filter(|c| *c == &Some(Col::Id)).count();
    // 决策文件 (titles) beside 文号 (numbers), as the exports have: the same decisions written
    // twice; the numbers are read, the titles left.
    let decisions = cols.iter().filter(|c| *c == &Some(Col::Decision)).count();
    let cols = header
        .iter()
        .zip(cols)
        .map(|(h, c)| match c {
            Some(Col::Id) if ids > 1 && normalize_header(h) == "项目编号" => Some(Col::Number),
            Some(Col::Decision) if decisions > 1 && normalize_header(h) == "决策文件" => {
                Some(Col::Derived)
            }
            other => other,
        })
        .collect();
    (cols, unknown)
}
