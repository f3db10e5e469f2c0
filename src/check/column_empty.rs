//! `column-empty` (warning, SPEC §9): a column page of the site that lists nothing — a blank
//! column (空白栏目) to government-website inspectors.

use super::Check;
use crate::date::Date;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::COLUMN_EMPTY,
    run,
};

fn run(site: &Site, d: &Derived) -> Vec<Diagnostic> {
    let as_of = d.ctx.as_of;
    let mut out = Vec::new();
    for c in d.staleness.columns.iter().filter(|c| c.is_empty()) {
        let (folder, what, dates): (&str, &str, Vec<Date>) = match c.key {
            "projects" => (
                "content/projects/",
                "扶持项目",
                site.projects
                    .iter()
                    .filter_map(|p| val(&p.published).copied())
                    .collect(),
            ),
            "documents" => (
                "content/documents/",
                "文件",
                site.documents
                    .iter()
                    .filter_map(|x| val(&x.published).copied())
                    .collect(),
            ),
            _ => (
                "content/notices/",
                "采购公告",
                site.notices
                    .iter()
                    .filter_map(|n| val(&n.published).copied())
                    .collect(),
            ),
        };
        let scheduled: Vec<Date> = dates.into_iter().filter(|day| *day > as_of).collect();
        let later = match scheduled.iter().min() {
            Some(first) => format!(
                "（有 {} 条定时发布，最早的 {} 才公开）",
                scheduled.len(),
                first.chinese()
            ),
            None => String::new(),
        };
        out.push(
            Diagnostic::new(
                RULE.rule,
                folder,
                format!(
                    "“{}”栏目到 {} 没有任何已公开的{what}{later}：政府网站检查把没有内容的栏目算作空白栏目，全站空白栏目累计 5 个即单项否决",
                    c.name,
                    as_of.chinese()
                ),
            )
            .hint(format!(
                "在 {folder} 里写第一条{what}（写法见 README“每种记录怎么写”）；确实没有的，在首页简介或政策文件里说明原因"
            )),
        );
    }
    out
}
