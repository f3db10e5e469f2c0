//! `column-stale` (warning, SPEC §9): a column that will soon go, or has gone, longer without an
//! update than government-website inspectors allow — the home page or the project column two
//! weeks while projects are being built, the documents or notices six months while the
//! programme runs — raised `stale_margin_days` early, with the day the limit is crossed.

use super::Check;
use crate::derive::{ColumnFacts, Derived, Idle, staleness::Update};
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::COLUMN_STALE,
    run,
};

/// What the limit is, in the inspectors' words.
fn limit_text(c: &ColumnFacts, stale_days: u32) -> String {
    if c.kind.is_news() {
        format!("{stale_days} 天")
    } else {
        "6 个月".to_string()
    }
}

fn run(_: &Site, d: &Derived) -> Vec<Diagnostic> {
    let ctx = &d.ctx;
    // Columns whose newest item is the same record and whose limit falls on the same day are
    // one finding (the home page and the project column, after a monthly report).
    let mut groups: Vec<(&Update, bool, crate::date::Date, Vec<&ColumnFacts>)> = Vec::new();
    for c in &d.staleness.columns {
        let (crossed, over) = match &c.idle {
            Idle::AtRisk { crossed } => (*crossed, false),
            Idle::Crossed { crossed } => (*crossed, true),
            Idle::Fresh { .. } | Idle::NotJudged(_) => continue,
        };
        let Some(last) = &c.last else { continue };
        match groups
            .iter_mut()
            .find(|(u, o, day, _)| *u == last && *o == over && *day == crossed)
        {
            Some(g) => g.3.push(c),
            None => groups.push((last, over, crossed, vec![c])),
        }
    }
    groups
        .into_iter()
        .map(|(last, over, crossed, columns)| {
            let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
            let names = names.join("和");
            let limit = limit_text(columns[0], ctx.stale_days);
            let idle = last.date.days_until(ctx.as_of);
            let when = if over {
                format!(
                    "{} 起已超过 {limit}没有更新（政府网站检查：{}）",
                    crossed.chinese(),
                    consequence(columns[0])
                )
            } else {
                format!(
                    "到 {} 就满 {limit}没有更新，超过政府网站检查的期限（{}）",
                    crossed.chinese(),
                    consequence(columns[0])
                )
            };
            Diagnostic::new(
                RULE.rule,
                &last.file,
                format!(
                    "{names}最近一次更新是 {}（{}），到 {} 已 {idle} 天；{when}",
                    last.date.chinese(),
                    last.title,
                    ctx.as_of.chinese()
                ),
            )
            .at_opt(last.line)
            .field("published")
            .hint(hint(columns[0], crossed, over))
        })
        .collect()
}

fn consequence(c: &ColumnFacts) -> &'static str {
    if c.kind.is_news() {
        "首页或动态类栏目两周无更新即单项否决"
    } else {
        "通知公告、政策文件类栏目 6 个月未更新计入“栏目不更新”，与两周未更新的动态类栏目累计 5 个即单项否决"
    }
}

fn hint(c: &ColumnFacts, crossed: crate::date::Date, over: bool) -> String {
    let by = if over {
        "尽快".to_string()
    } else {
        format!("在 {} 之前", crossed.chinese())
    };
    match c.key {
        "documents" => format!(
            "{by}公开新的文件（content/documents/ 加一个 .md，如阶段工作报告 kind = \"report\"）；示范项目已经结束的，在 content/programme.toml 写 closed = 结束日期"
        ),
        "notices" => format!(
            "{by}公开新的采购公告；采购已全部完成的，在政策文件里说明，示范项目结束后在 content/programme.toml 写 closed = 结束日期"
        ),
        _ => format!(
            "{by}发布新的内容：已经完成的月度进度可以在月底前提前公开，或公开一份工作动态（content/documents/ 里 kind = \"report\" 的文件）"
        ),
    }
}
