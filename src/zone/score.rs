//! The score of 公开透明与规范 (4 points), as the provincial index (seed `003_…` 附件2) words it:
//! item 1 (2 points) the plan and the fund rules published and a feedback or complaint window
//! set; item 2 (2 points) every centrally funded project with every R1 field, progress updated
//! every month and the windows in place. 不完整不得分: an incomplete item scores 0.
//! 不及时倒扣分: each late or missing disclosure deducts `late_deduction`, below 0 if need be.
//! Every point given or taken is explained in words, for the county page and `scores.csv`.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::money::{display_decimal, parse_decimal};

/// One scored item.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Item {
    pub name: &'static str,
    pub points: String,
    /// Whether everything the item asks for was published (不完整不得分).
    pub complete: bool,
    /// What is missing, one line each: which field on which project.
    pub missing: Vec<String>,
    /// What was late or not published on time, one line each, with the days.
    pub late: Vec<String>,
    pub deducted: String,
    pub score: String,
    /// How the score was reached, in one sentence.
    pub how: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Score {
    pub items: [Item; 2],
    pub total: String,
    #[serde(skip)]
    pub total_value: Decimal,
}

const ITEM_POINTS: i64 = 2;

/// The R1 fields of a project in projects.json: (key path, label).
const R1: &[(&str, &str)] = &[
    ("decision", "确定财政扶持该项目的政府决策文件"),
    ("name", "项目名称"),
    ("content", "建设内容和要求"),
    ("contractor.name", "项目承办单位名称"),
    ("funding_total", "扶持资金额度"),
    ("deadline", "完成时限"),
    ("targets", "绩效目标"),
    ("contractor.responsible", "承办单位责任人"),
];

fn field<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| &v[k])
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => {
            let s = s.trim();
            !s.is_empty() && parse_decimal(s).is_none_or(|d| !d.is_zero())
        }
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// A document of `kind` with `id`, published and not withdrawn.
fn published_doc<'a>(column: &'a Value, id: Option<&str>, kind: &str) -> Option<&'a Value> {
    let id = id?;
    column["documents"]
        .as_array()?
        .iter()
        .find(|d| str_of(d, "id") == id && str_of(d, "kind") == kind && d["withdrawn"].is_null())
}

fn has_window(column: &Value) -> bool {
    ["feedback", "discipline", "audit"].iter().any(|k| {
        column["channels"][k]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    })
}

fn central_sources(column: &Value) -> Vec<&str> {
    column["sources"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter(|s| s["central"].as_bool() == Some(true))
                .filter_map(|s| s["id"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

fn days_between(from: &str, to: &str) -> Option<i32> {
    Some(crate::date::Date::parse(from)?.days_until(crate::date::Date::parse(to)?))
}

fn item(name: &'static str, missing: Vec<String>, late: Vec<String>, deduction: Decimal) -> Item {
    let complete = missing.is_empty();
    let base = if complete {
        Decimal::from(ITEM_POINTS)
    } else {
        Decimal::ZERO
    };
    let deducted = deduction * Decimal::from(late.len() as u64);
    let score = base - deducted;
    let how = match (complete, late.len()) {
        (true, 0) => format!("内容完整、公开及时，得 {ITEM_POINTS} 分"),
        (true, n) => format!(
            "内容完整得 {ITEM_POINTS} 分；{n} 处不及时，每处扣 {}，共扣 {}，得 {}",
            display_decimal(deduction),
            display_decimal(deducted),
            display_decimal(score)
        ),
        (false, 0) => format!("{} 处不完整，不得分（0 分）", missing.len()),
        (false, n) => format!(
            "{} 处不完整，不得分；{n} 处不及时，每处扣 {}，共扣 {}，得 {}",
            missing.len(),
            display_decimal(deduction),
            display_decimal(deducted),
            display_decimal(score)
        ),
    };
    Item {
        name,
        points: ITEM_POINTS.to_string(),
        complete,
        missing,
        late,
        deducted: display_decimal(deducted),
        score: display_decimal(score),
        how,
    }
}

/// Scores one county from its `column.json` and `projects.json`.
pub fn score(column: &Value, projects: &[Value], deduction: Decimal) -> Score {
    let prog = &column["programme"];
    let window = has_window(column);
    let no_window = "没有设立征求意见窗口或纪检、审计举报窗口（config.toml 的 [[channels.feedback]]、[[channels.discipline]]、[[channels.audit]] 都没有）".to_string();

    // Item 1: the plan, the fund rules, a window.
    let mut missing = Vec::new();
    let mut late = Vec::new();
    for (key, kind, label) in [
        ("plan", "plan", "实施方案"),
        ("fund_rules", "fund-rules", "资金与项目管理制度"),
    ] {
        match published_doc(column, prog[key].as_str(), kind) {
            None => missing.push(format!(
                "没有公开{label}（programme.toml 的 {key} 没有指向已公开的{label}）"
            )),
            Some(d) => {
                if let Some(how) = d["late"].as_str() {
                    late.push(format!("{label}“{}”逾期公开：{how}", str_of(d, "title")));
                }
            }
        }
    }
    if !window {
        missing.push(no_window.clone());
    }
    let item1 = item(
        "网络公开综合示范工作方案、资金与项目管理制度，设立征求意见窗口或纪检、审计举报窗口",
        missing,
        late,
        deduction,
    );

    // Item 2: every centrally funded project, every R1 field, monthly progress, windows.
    let central = central_sources(column);
    let mut missing = Vec::new();
    let mut late = Vec::new();
    let funded: Vec<&Value> = projects
        .iter()
        .filter(|p| p["withdrawn"].is_null())
        .filter(|p| {
            p["funding"].as_object().is_some_and(|f| {
                f.iter()
                    .any(|(k, v)| central.contains(&k.as_str()) && present(v))
            })
        })
        .collect();
    if funded.is_empty() {
        missing.push("没有公开任何中央财政资金扶持项目".to_string());
    }
    for p in &funded {
        let who = format!("项目“{}”（{}）", str_of(p, "name"), str_of(p, "id"));
        let lacking: Vec<&str> = R1
            .iter()
            .filter(|(path, _)| !present(field(p, path)))
            .map(|(_, label)| *label)
            .collect();
        if !lacking.is_empty() {
            missing.push(format!("{who}缺少 {}", lacking.join("、")));
        }
        if p["late"]
            .as_array()
            .is_some_and(|l| l.iter().any(|r| r == "publication-late"))
        {
            late.push(format!("{who}的项目信息逾期公开（超过规定的工作日）"));
        }
        for r in p["reports"].as_array().into_iter().flatten() {
            let month = str_of(r, "month");
            let due = str_of(r, "due");
            match str_of(r, "state") {
                "late" => {
                    let published = str_of(r, "published");
                    let days = days_between(due, published).unwrap_or(0);
                    late.push(format!(
                        "{who} {month} 的建设进度逾期 {days} 天公开（应于 {due} 前，实际 {published}）"
                    ));
                }
                "missing" => late.push(format!(
                    "{who} {month} 的建设进度未公开（应于 {due} 前公开）"
                )),
                _ => {}
            }
        }
    }
    if !window {
        missing.push(no_window);
    }
    let item2 = item(
        "及时公开中央财政资金扶持项目基本信息，每月更新项目建设进度，设立征求意见窗口或纪检、审计举报窗口",
        missing,
        late,
        deduction,
    );
    let total_value = parse_decimal(&item1.score).unwrap_or_default()
        + parse_decimal(&item2.score).unwrap_or_default();
    Score {
        items: [item1, item2],
        total: display_decimal(total_value),
        total_value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn column() -> Value {
        json!({
            "programme": {"plan": "plan", "fund_rules": "rules"},
            "sources": [{"id": "central", "central": true}, {"id": "county", "central": false}],
            "channels": {"feedback": [], "discipline": [{"name": "县纪委监委"}], "audit": []},
            "documents": [
                {"id": "plan", "kind": "plan", "title": "实施方案", "withdrawn": null, "late": null},
                {"id": "rules", "kind": "fund-rules", "title": "管理办法", "withdrawn": null, "late": null}
            ]
        })
    }

    fn project(id: &str) -> Value {
        json!({
            "id": id, "name": format!("项目{id}"), "decision": "d1", "content": "建设内容",
            "contractor": {"name": "某公司", "responsible": "王五"},
            "funding": {"central": "100"}, "funding_total": "100", "deadline": "2022-12-31",
            "targets": [{"indicator": "站点", "target": "9"}], "late": [], "withdrawn": null,
            "reports": [
                {"month": "2022-06", "due": "2022-07-11", "published": "2022-07-05", "state": "on-time"}
            ]
        })
    }

    fn d(s: &str) -> Decimal {
        parse_decimal(s).unwrap()
    }

    #[test]
    fn a_project_as_the_zone_keeps_it_scores_as_the_project_whole() {
        let mut late = project("late");
        late["reports"] = json!([
            {"month": "2022-06", "due": "2022-07-11", "published": "2022-07-05", "state": "on-time"},
            {"month": "2022-07", "due": "2022-08-10", "published": "2022-08-15", "state": "late"},
            {"month": "2022-08", "due": "2022-09-13", "published": null, "state": "missing"}
        ]);
        late["late"] = json!(["publication-late"]);
        let mut lacking = project("lacking");
        lacking["content"] = json!("  ");
        lacking["targets"] = json!([]);
        lacking["decision"] = json!(null);
        let whole = vec![project("a"), late, lacking];
        let kept: Vec<Value> = whole
            .iter()
            .cloned()
            .map(crate::zone::harvest::prune)
            .collect();
        assert_eq!(
            score(&column(), &kept, d("0.1")),
            score(&column(), &whole, d("0.1"))
        );
        assert!(kept[0].get("content").is_some() && kept[0]["reports"] == json!([]));
    }

    #[test]
    fn everything_published_on_time_scores_four() {
        let s = score(&column(), &[project("a"), project("b")], d("0.1"));
        assert_eq!(s.items[0].score, "2");
        assert_eq!(s.items[1].score, "2");
        assert_eq!(s.total, "4");
        assert!(s.items[1].complete);
    }

    #[test]
    fn one_missing_field_on_one_project_gives_the_item_nothing() {
        let mut b = project("b");
        b["contractor"]["responsible"] = json!("");
        b["targets"] = json!([]);
        let s = score(&column(), &[project("a"), b], d("0.1"));
        assert_eq!(s.items[1].score, "0");
        assert_eq!(
            s.items[1].missing,
            vec!["项目“项目b”（b）缺少 绩效目标、承办单位责任人"]
        );
        assert_eq!(s.total, "2");
    }

    #[test]
    fn late_and_missing_reports_deduct_each_and_may_go_below_zero() {
        // Hand-computed: item 2 complete (2), one report 3 days late, one missing, one project
        // published late: 3 × 0.25 = 0.75 deducted → 1.25. Item 1 without the fund rules: 0,
        // plan late: −0.25. Total 1.
        let mut col = column();
        col["documents"][1]["withdrawn"] = json!({"date": "2022-01-01", "reason": "x"});
        col["documents"][0]["late"] = json!("成文后第 25 个工作日公开");
        let mut a = project("a");
        a["late"] = json!(["publication-late"]);
        a["reports"] = json!([
            {"month": "2022-06", "due": "2022-07-11", "published": "2022-07-14", "state": "late"},
            {"month": "2022-07", "due": "2022-08-10", "published": null, "state": "missing"}
        ]);
        let s = score(&col, &[a], d("0.25"));
        assert_eq!(s.items[1].score, "1.25");
        assert_eq!(s.items[1].late.len(), 3);
        assert!(
            s.items[1].late[1].contains("2022-06 的建设进度逾期 3 天公开"),
            "{:?}",
            s.items[1].late
        );
        assert!(s.items[1].late[2].contains("2022-07 的建设进度未公开"));
        assert_eq!(s.items[0].score, "-0.25");
        assert!(!s.items[0].complete);
        assert_eq!(s.total, "1");
        // Late items below an incomplete item still deduct: 0 − 4 × 1 = −4.
        let mut b = project("b");
        b["decision"] = json!(null);
        b["reports"] = json!([
            {"month": "2022-06", "due": "2022-07-11", "published": null, "state": "missing"},
            {"month": "2022-07", "due": "2022-08-10", "published": null, "state": "missing"},
            {"month": "2022-08", "due": "2022-09-13", "published": null, "state": "missing"},
            {"month": "2022-09", "due": "2022-10-10", "published": null, "state": "missing"}
        ]);
        let s = score(&column(), &[b], d("1"));
        assert_eq!(s.items[1].score, "-4");
        assert_eq!(
            s.items[1].how,
            "1 处不完整，不得分；4 处不及时，每处扣 1，共扣 4，得 -4"
        );
    }

    #[test]
    fn no_window_makes_both_items_incomplete_and_county_funds_do_not_count() {
        let mut col = column();
        col["channels"]["discipline"] = json!([]);
        let mut local = project("c");
        local["funding"] = json!({"county": "20"});
        local["decision"] = json!(null);
        let s = score(&col, &[project("a"), local], d("0.1"));
        assert_eq!(s.items[0].score, "0");
        assert_eq!(s.items[1].score, "0");
        assert_eq!(s.items[1].missing.len(), 1, "{:?}", s.items[1].missing);
        assert!(s.items[1].missing[0].contains("征求意见窗口"));
    }

    #[test]
    fn a_county_with_no_central_project_has_not_published_item_two() {
        let s = score(&column(), &[], d("0.1"));
        assert_eq!(s.items[1].score, "0");
        assert_eq!(s.items[1].missing, vec!["没有公开任何中央财政资金扶持项目"]);
    }
}
