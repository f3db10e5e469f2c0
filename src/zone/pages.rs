//! The zone's pages and data: `/` (every county at a glance), `/counties/<id>/`, `/projects/`
//! (grouped by county, and by status in pages of [`PAGE`]), `/search/`, `/scoring/` (the
//! method), `/data/`. Every value a county wrote is escaped; nothing needs JavaScript.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde_json::Value;

use super::score::Score;
use super::{Harvested, Zone};
use crate::date::Date;
use crate::diag::Report;
use crate::money::{display_decimal, parse_decimal};
use crate::write::Sink;

/// Projects per page of a status list.
pub const PAGE: usize = 200;

const STYLE: &str = include_str!("../../themes/default/static/style.css");
const SEARCH_JS: &str = include_str!("../../themes/default/static/search.js");
const FAVICON: &str = include_str!("../../themes/default/static/favicon.svg");

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A link a county gave: only http(s) addresses become links.
fn safe_url(u: &str) -> Option<&str> {
    (u.starts_with("https://") || u.starts_with("http://")).then_some(u)
}

fn dec(v: &Value) -> Decimal {
    v.as_str().and_then(parse_decimal).unwrap_or_default()
}

/// A table that scrolls inside its own region on a narrow screen, named by its caption.
fn table_open(id: &str, caption: &str) -> String {
    format!(
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"cap-{id}\" tabindex=\"0\"><table>\n<caption id=\"cap-{id}\">{caption}</caption>\n"
    )
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or("")
}

/// The status a project has on zone pages, with its label.
const STATUSES: &[(&str, &str)] = &[
    ("on-time", "按时"),
    ("late", "有逾期公开"),
    ("overdue", "逾期未完成"),
];

fn status_of(p: &Value) -> &'static str {
    if p["status"] == "overdue" {
        "overdue"
    } else if p["late"].as_array().is_some_and(|l| !l.is_empty()) {
        "late"
    } else {
        "on-time"
    }
}

fn status_label(key: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, l)| *l)
}

/// What the overview shows of one county.
struct Summary<'a> {
    h: &'a Harvested,
    unit: &'a str,
    sources: Vec<(String, Decimal)>,
    allocated: Decimal,
    disbursed: Decimal,
    projects: Vec<&'a Value>,
    counts: [usize; 3],
    missing_reports: usize,
    score: Option<Score>,
}

impl Summary<'_> {
    fn disbursed_percent(&self) -> String {
        if self.allocated.is_zero() {
            "—".into()
        } else {
            let p = (self.disbursed * Decimal::from(100) / self.allocated).round_dp(1);
            format!("{}%", display_decimal(p))
        }
    }

    fn column_url(&self) -> Option<&str> {
        self.h.county.url.as_deref().or_else(|| {
            self.h
                .copy
                .as_ref()
                .and_then(|c| c.column["base_url"].as_str())
        })
    }
}

fn summarise(h: &Harvested) -> Summary<'_> {
    let Some(copy) = &h.copy else {
        return Summary {
            h,
            unit: "万元",
            sources: Vec::new(),
            allocated: Decimal::ZERO,
            disbursed: Decimal::ZERO,
            projects: Vec::new(),
            counts: [0; 3],
            missing_reports: 0,
            score: None,
        };
    };
    let projects: Vec<&Value> = copy
        .projects
        .iter()
        .filter(|p| p["withdrawn"].is_null())
        .collect();
    let mut counts = [0; 3];
    for p in &projects {
        let i = STATUSES
            .iter()
            .position(|(k, _)| *k == status_of(p))
            .unwrap_or(0);
        counts[i] += 1;
    }
    Summary {
        h,
        unit: copy.column["programme"]["unit"].as_str().unwrap_or("万元"),
        sources: copy.column["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| (s(x, "name").to_string(), dec(&x["amount"])))
            .collect(),
        allocated: projects.iter().map(|p| dec(&p["funding_total"])).sum(),
        disbursed: projects.iter().map(|p| dec(&p["disbursed"])).sum(),
        missing_reports: projects
            .iter()
            .flat_map(|p| p["reports"].as_array().into_iter().flatten())
            .filter(|r| r["state"] == "missing")
            .count(),
        counts,
        score: h.score.clone(),
        projects,
    }
}

struct Page<'a> {
    zone: &'a Zone,
    as_of: Date,
}

impl Page<'_> {
    /// A whole page: `root` leads back to the zone's root (`../../`).
    fn html(&self, title: &str, root: &str, current: &str, body: &str) -> String {
        let z = self.zone;
        let nav = [
            ("", "首页", "home"),
            ("projects/", "项目", "projects"),
            ("search/", "查找", "search"),
            ("scoring/", "评分方法", "scoring"),
            ("data/", "开放数据", "data"),
        ];
        let mut out = String::with_capacity(body.len() + 2048);
        let full = if current == "home" {
            esc(&z.title)
        } else {
            format!("{} - {}", esc(title), esc(&z.title))
        };
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{full}</title>\n\
<meta name=\"SiteName\" content=\"{site}\">\n<meta name=\"ColumnName\" content=\"{col}\">\n\
<link rel=\"icon\" href=\"{root}favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n<body>\n\
<a class=\"skip-link\" href=\"#main\">跳到正文</a>\n<header class=\"site-header\">\n<div class=\"wrap\">\n\
<p class=\"site-title\"><a href=\"{root}\">{site}</a></p>\n<p class=\"site-publisher\">主办单位：{publisher}</p>\n\
</div>\n<nav class=\"site-nav\" aria-label=\"栏目\">\n<ul class=\"wrap\">\n",
            site = esc(&z.title),
            col = esc(title),
            publisher = esc(&z.publisher),
        );
        for (path, name, key) in nav {
            let cur = if key == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = writeln!(out, "<li><a href=\"{root}{path}\"{cur}>{name}</a></li>");
        }
        let _ = write!(
            out,
            "</ul>\n</nav>\n</header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n{body}</main>\n\
<footer class=\"site-footer\">\n<div class=\"wrap footer-marks\">\n<div class=\"footer-text\">\n\
<p>主办单位：{publisher}{address}{phone}</p>\n\
<p><a href=\"{root}scoring/\">评分方法</a>　<a href=\"{root}data/\">开放数据</a>　数据截至 {as_of}</p>\n\
</div>\n</div>\n</footer>\n</body>\n</html>\n",
            publisher = esc(&z.publisher),
            address = z
                .publisher_address
                .as_deref()
                .map(|a| format!("　地址：{}", esc(a)))
                .unwrap_or_default(),
            phone = z
                .publisher_phone
                .as_deref()
                .map(|a| format!("　联系电话：{}", esc(a)))
                .unwrap_or_default(),
            as_of = self.as_of.chinese(),
        );
        out
    }
}

/// The sync state of a county, in words, for its row and page.
fn sync_note(h: &Harvested) -> String {
    use super::harvest::Outcome;
    match (&h.outcome, &h.copy) {
        (_, None) => "尚未同步：专区还没有读到它的专栏数据".into(),
        (Outcome::Fresh, Some(c)) => format!("数据同步于 {}", chinese(&c.synced)),
        (Outcome::Unreachable(_), Some(c)) => {
            format!(
                "数据同步于 {}（这次读不到该县专栏，显示的是上次同步的数据）",
                chinese(&c.synced)
            )
        }
        (Outcome::Invalid(_), Some(c)) => {
            format!(
                "数据同步于 {}（该县专栏这次的数据有误，显示的是上次同步的数据）",
                chinese(&c.synced)
            )
        }
        (Outcome::Rewritten(_), Some(c)) => format!(
            "数据同步于 {}（该县公开记录的历史被改写，专区不接受新数据，显示的是原来同步的数据）",
            chinese(&c.synced)
        ),
    }
}

fn chinese(iso: &str) -> String {
    Date::parse(iso).map_or_else(|| iso.to_string(), Date::chinese)
}

fn amount(d: Decimal, unit: &str) -> String {
    format!("{} {}", display_decimal(d), esc(unit))
}

fn score_cells(sm: &Summary) -> String {
    match &sm.score {
        None => "<td>—</td><td>—</td><td>—</td>".into(),
        Some(sc) => format!(
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\"><strong>{}</strong></td>",
            sc.items[0].score, sc.items[1].score, sc.total
        ),
    }
}

fn overview(p: &Page, sums: &[Summary]) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1>\n<p>本专区汇集 {} 个示范县的电子商务进农村综合示范专栏，数据从各县公开的专栏同步；\
每个县的公开透明与规范评分按<a href=\"scoring/\">评分方法</a>计算，逐项写明依据。</p>\n",
        esc(&p.zone.title),
        sums.len()
    );
    b.push_str(&table_open("counties", "各县汇总"));
    b.push_str(
        "<thead><tr><th scope=\"col\">县</th>\
<th scope=\"col\">资金来源</th><th scope=\"col\">已安排项目</th><th scope=\"col\">已拨付</th>\
<th scope=\"col\">项目数</th><th scope=\"col\">按时</th><th scope=\"col\">有逾期公开</th><th scope=\"col\">逾期未完成</th>\
<th scope=\"col\">未公开的月度进度</th><th scope=\"col\">第一项（2 分）</th><th scope=\"col\">第二项（2 分）</th>\
<th scope=\"col\">公开透明与规范</th><th scope=\"col\">同步</th></tr></thead>\n<tbody>\n",
    );
    for sm in sums {
        let c = &sm.h.county;
        let sources: Vec<String> = sm
            .sources
            .iter()
            .map(|(n, a)| {
                format!(
                    "{} <span class=\"nw\">{}</span>",
                    esc(n),
                    amount(*a, sm.unit)
                )
            })
            .collect();
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\"><a href=\"counties/{id}/\"><span class=\"nw\">{name}</span></a></th><td>{sources}</td>\
<td class=\"num\">{alloc}</td><td class=\"num\">{disb}<br><span class=\"meta\">{pct}</span></td><td class=\"num\">{n}</td>\
<td class=\"num\">{a}</td><td class=\"num\">{l}</td><td class=\"num\">{o}</td><td class=\"num\">{m}</td>{score}<td>{sync}</td></tr>",
            id = esc(&c.id),
            name = esc(&c.name),
            sources = sources.join("<br>"),
            alloc = amount(sm.allocated, sm.unit),
            disb = amount(sm.disbursed, sm.unit),
            pct = sm.disbursed_percent(),
            n = sm.projects.len(),
            a = sm.counts[0],
            l = sm.counts[1],
            o = sm.counts[2],
            m = sm.missing_reports,
            score = score_cells(sm),
            sync = esc(&sync_note(sm.h)),
        );
    }
    b.push_str("</tbody>\n</table></div>\n");
    p.html(&p.zone.title, "", "home", &b)
}

fn project_rows(
    b: &mut String,
    projects: &[(&Summary, &Value)],
    root: &str,
    county: bool,
    caption: &str,
) {
    b.push_str(&table_open("projects", caption));
    b.push_str("<thead><tr>");
    if county {
        b.push_str("<th scope=\"col\">县</th>");
    }
    b.push_str(
        "<th scope=\"col\">项目名称</th><th scope=\"col\">承办单位</th><th scope=\"col\">扶持资金</th>\
<th scope=\"col\">完成时限</th><th scope=\"col\">完成比例</th><th scope=\"col\">状态</th></tr></thead>\n<tbody>\n",
    );
    for (sm, pr) in projects {
        if county {
            b.push_str("<tr>");
        } else {
            let _ = write!(b, "<tr id=\"p-{}\">", esc(s(pr, "id")));
        }
        if county {
            let _ = write!(
                b,
                "<td><a href=\"{root}counties/{}/\">{}</a></td>",
                esc(&sm.h.county.id),
                esc(&sm.h.county.name)
            );
        }
        let name = match pr["url"].as_str().and_then(safe_url) {
            Some(u) => format!("<a href=\"{}\">{}</a>", esc(u), esc(s(pr, "name"))),
            None => esc(s(pr, "name")),
        };
        let _ = writeln!(
            b,
            "<th scope=\"row\">{name}</th><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(s(&pr["contractor"], "name")),
            amount(dec(&pr["funding_total"]), sm.unit),
            esc(&chinese(s(pr, "deadline"))),
            pr["percent"]
                .as_str()
                .map_or_else(|| "—".to_string(), |x| format!("{}%", esc(x))),
            status_label(status_of(pr)),
        );
    }
    b.push_str("</tbody>\n</table></div>\n");
}

fn county_page(p: &Page, sm: &Summary, report: &Report) -> String {
    let c = &sm.h.county;
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{}</h1>", esc(&c.name));
    if let Some(copy) = &sm.h.copy
        && let Some(n) = copy.column["programme"]["name"].as_str()
    {
        let _ = writeln!(b, "<p>{}</p>", esc(n));
    }
    let _ = writeln!(b, "<p class=\"note\">{}</p>", esc(&sync_note(sm.h)));
    if let Some(u) = sm.column_url().and_then(safe_url) {
        let _ = writeln!(b, "<p>该县专栏：<a href=\"{}\">{}</a></p>", esc(u), esc(u));
    }
    b.push_str("<h2>概况</h2>\n<dl class=\"facts\">\n");
    for (n, a) in &sm.sources {
        let _ = writeln!(b, "<dt>{}</dt><dd>{}</dd>", esc(n), amount(*a, sm.unit));
    }
    let _ = writeln!(
        b,
        "<dt>已安排项目</dt><dd>{}</dd><dt>已拨付</dt><dd>{}（{}）</dd><dt>项目</dt><dd>{} 个：按时 {}，有逾期公开 {}，逾期未完成 {}</dd><dt>未公开的月度进度</dt><dd>{} 份</dd>",
        amount(sm.allocated, sm.unit),
        amount(sm.disbursed, sm.unit),
        sm.disbursed_percent(),
        sm.projects.len(),
        sm.counts[0],
        sm.counts[1],
        sm.counts[2],
        sm.missing_reports
    );
    b.push_str("</dl>\n");
    b.push_str("<h2 id=\"score\">公开透明与规范评分</h2>\n");
    match &sm.score {
        None => b.push_str("<p>尚未同步，不能评分。</p>\n"),
        Some(sc) => {
            let _ = writeln!(
                b,
                "<p>合计 <strong>{}</strong> 分（满分 4 分，按<a href=\"../../scoring/\">评分方法</a>计算）。</p>",
                sc.total
            );
            for (i, it) in sc.items.iter().enumerate() {
                let _ = writeln!(
                    b,
                    "<h3>第{}项：{}（{} 分）</h3>\n<p>得分 <strong>{}</strong>：{}</p>",
                    ["一", "二"][i],
                    esc(it.name),
                    it.points,
                    it.score,
                    esc(&it.how)
                );
                for (title, list) in [("不完整", &it.missing), ("不及时", &it.late)] {
                    if list.is_empty() {
                        continue;
                    }
                    let _ = writeln!(b, "<p>{title}（{} 处）：</p>\n<ul>", list.len());
                    for x in list {
                        let _ = writeln!(b, "<li>{}</li>", esc(x));
                    }
                    b.push_str("</ul>\n");
                }
            }
        }
    }
    b.push_str("<h2 id=\"findings\">同步发现的问题</h2>\n");
    let mine: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.field.as_deref() == Some(&format!("counties[{}].source", c.index)))
        .collect();
    if mine.is_empty() {
        b.push_str("<p>无。</p>\n");
    } else {
        b.push_str("<ul>\n");
        for d in mine {
            let _ = writeln!(b, "<li><code>{}</code> {}</li>", d.rule, esc(&d.message));
        }
        b.push_str("</ul>\n");
    }
    b.push_str("<h2 id=\"projects\">项目</h2>\n");
    if sm.projects.is_empty() {
        b.push_str("<p>没有项目。</p>\n");
    } else {
        let rows: Vec<(&Summary, &Value)> = sm.projects.iter().map(|pr| (sm, *pr)).collect();
        project_rows(&mut b, &rows, "../../", false, "该县的项目");
    }
    p.html(&c.name, "../../", "counties", &b)
}

fn pager(b: &mut String, page: usize, pages: usize) {
    if pages < 2 {
        return;
    }
    // Page 1 is `projects/<status>/`, page i is `projects/<status>/<i>/`.
    let up = if page == 1 { "" } else { "../" };
    b.push_str("<nav aria-label=\"分页\"><ul class=\"pager\">\n");
    for i in 1..=pages {
        let href = match (i == page, i) {
            (true, _) => "./".to_string(),
            (false, 1) => up.to_string(),
            (false, i) => format!("{up}{i}/"),
        };
        let current = if i == page {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = writeln!(b, "<li><a href=\"{href}\"{current}>第 {i} 页</a></li>");
    }
    b.push_str("</ul></nav>\n");
}

/// `/projects/` and `/projects/<status>/[<n>/]`.
fn project_pages(p: &Page, sums: &[Summary], sink: &dyn Sink) -> std::io::Result<usize> {
    let mut n = 0;
    let total: usize = sums.iter().map(|s| s.projects.len()).sum();
    let mut b = format!(
        "<h1>项目</h1>\n<p>全部 {total} 个项目，按县分组；也可以按状态查看（每页 {PAGE} 个）：</p>\n<ul>\n"
    );
    for (i, (key, label)) in STATUSES.iter().enumerate() {
        let count: usize = sums.iter().map(|s| s.counts[i]).sum();
        let _ = writeln!(b, "<li><a href=\"{key}/\">{label}</a>（{count} 个）</li>");
    }
    b.push_str("</ul>\n");
    b.push_str(&table_open("counties", "各县项目"));
    b.push_str("<thead><tr><th scope=\"col\">县</th><th scope=\"col\">项目数</th><th scope=\"col\">按时</th><th scope=\"col\">有逾期公开</th><th scope=\"col\">逾期未完成</th></tr></thead>\n<tbody>\n");
    for sm in sums {
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\"><a href=\"../counties/{}/#projects\">{}</a></th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&sm.h.county.id),
            esc(&sm.h.county.name),
            sm.projects.len(),
            sm.counts[0],
            sm.counts[1],
            sm.counts[2]
        );
    }
    b.push_str("</tbody>\n</table></div>\n");
    sink.put(
        "projects/index.html",
        p.html("项目", "../", "projects", &b).as_bytes(),
    )?;
    n += 1;
    for (key, label) in STATUSES {
        let rows: Vec<(&Summary, &Value)> = sums
            .iter()
            .flat_map(|sm| sm.projects.iter().map(move |pr| (sm, *pr)))
            .filter(|(_, pr)| status_of(pr) == *key)
            .collect();
        let pages = rows.len().div_ceil(PAGE).max(1);
        for page in 1..=pages {
            let chunk = &rows[((page - 1) * PAGE).min(rows.len())..(page * PAGE).min(rows.len())];
            let root = if page == 1 { "../../" } else { "../../../" };
            let mut b = format!(
                "<h1>{label}的项目</h1>\n<p>{} 个项目，第 {page} / {pages} 页。<a href=\"{root}projects/\">返回按县分组</a></p>\n",
                rows.len()
            );
            pager(&mut b, page, pages);
            if chunk.is_empty() {
                b.push_str("<p>没有这种状态的项目。</p>\n");
            } else {
                project_rows(
                    &mut b,
                    chunk,
                    root,
                    true,
                    &format!("{label}的项目，第 {page} 页"),
                );
            }
            pager(&mut b, page, pages);
            let path = if page == 1 {
                format!("projects/{key}/index.html")
            } else {
                format!("projects/{key}/{page}/index.html")
            };
            sink.put(
                &path,
                p.html(&format!("{label}的项目"), root, "projects", &b)
                    .as_bytes(),
            )?;
            n += 1;
        }
    }
    Ok(n)
}

/// Above this many projects, the search page lists counties instead of every project: each
/// county's page lists its own.
const SEARCH_LIST_MAX: usize = 2000;

/// `/search/`: a search over every county's projects that runs in the browser (the county
/// site's `search.js` over an index in the same format), and, without JavaScript, the list of
/// projects (or of counties, when there are very many) for the browser's own 查找.
fn search_page(p: &Page, sums: &[Summary]) -> String {
    let total: usize = sums.iter().map(|s| s.projects.len()).sum();
    let mut b = String::from(
        "<h1>查找</h1>\n<form class=\"search-form\" role=\"search\" action=\"./\" method=\"get\">\n\
<label for=\"q\">查找各县的项目（可输入项目名称、承办单位、责任人、县名或项目编号）</label>\n\
<input id=\"q\" type=\"search\" name=\"q\" autocomplete=\"off\">\n<button type=\"submit\">查找</button>\n</form>\n\
<div id=\"search-results\" aria-live=\"polite\"></div>\n\
<noscript><p>查找需要浏览器启用 JavaScript。也可以在下面的列表中用浏览器的“在页面中查找”（Ctrl+F）。</p></noscript>\n\
<section aria-labelledby=\"h-all\">\n",
    );
    if total > SEARCH_LIST_MAX {
        let _ = writeln!(
            b,
            "<h2 id=\"h-all\">各县</h2>\n<p>共 {total} 个项目。每个县的页面列出它的全部项目。</p>\n<ul>"
        );
        for sm in sums {
            let _ = writeln!(
                b,
                "<li><a href=\"../counties/{}/#projects\">{}</a>（{} 个项目）</li>",
                esc(&sm.h.county.id),
                esc(&sm.h.county.name),
                sm.projects.len()
            );
        }
        b.push_str("</ul>\n");
    } else {
        b.push_str("<h2 id=\"h-all\">全部项目</h2>\n");
        for sm in sums {
            let _ = writeln!(
                b,
                "<h3><a href=\"../counties/{}/\">{}</a></h3>",
                esc(&sm.h.county.id),
                esc(&sm.h.county.name),
            );
            if sm.projects.is_empty() {
                b.push_str("<p>没有项目。</p>\n");
                continue;
            }
            b.push_str("<ul>\n");
            for pr in &sm.projects {
                let _ = writeln!(
                    b,
                    "<li><a href=\"../counties/{}/#p-{}\">{}</a>：{}，责任人 {}，{}</li>",
                    esc(&sm.h.county.id),
                    esc(s(pr, "id")),
                    esc(s(pr, "name")),
                    esc(s(&pr["contractor"], "name")),
                    esc(s(&pr["contractor"], "responsible")),
                    status_label(status_of(pr))
                );
            }
            b.push_str("</ul>\n");
        }
    }
    b.push_str("</section>\n<script src=\"../search.js\" defer></script>\n");
    p.html("查找", "../", "search", &b)
}

/// The search index, in the county site's format: each county page and each project (at its
/// row on the county page), found by name, contractor, responsible person, county and id.
fn search_index(sums: &[Summary]) -> Vec<crate::write::OutputFile> {
    use crate::render::search;
    let mut pages: Vec<(String, String, &'static str)> = Vec::new();
    let mut postings = search::Postings::default();
    for sm in sums {
        let c = &sm.h.county;
        let id = pages.len() as u32;
        pages.push((format!("counties/{}/", c.id), c.name.clone(), "县"));
        postings.add(id, &format!("<main>{} {}</main>", esc(&c.name), esc(&c.id)));
        for pr in &sm.projects {
            let id = pages.len() as u32;
            pages.push((
                format!("counties/{}/#p-{}", c.id, s(pr, "id")),
                format!("{}（{}）", s(pr, "name"), c.name),
                "项目",
            ));
            let text = [
                s(pr, "name"),
                s(pr, "id"),
                s(pr, "number"),
                s(pr, "category_name"),
                s(&pr["contractor"], "name"),
                s(&pr["contractor"], "responsible"),
                &c.name,
            ]
            .join(" ");
            postings.add(id, &format!("<main>{}</main>", esc(&text)));
        }
    }
    let searchable = vec![true; pages.len()];
    search::files(&pages, searchable, postings)
}

fn scoring_page(p: &Page) -> String {
    let d = display_decimal(p.zone.late_deduction);
    let b = format!(
        "<h1>评分方法</h1>\n<p>按省级电子商务进农村综合示范项目绩效评价指标体系中“公开透明与规范”（4 分）评分，\
只用各县专栏公开的数据（<code>data/column.json</code>、<code>data/projects.json</code>），每个县的页面逐项写明得分依据。</p>\n\
<h2>第一项（2 分）</h2>\n<p>网络公开综合示范工作方案、资金与项目管理制度，设立征求意见窗口或纪检、审计举报窗口。\
三者缺一即为不完整，本项 0 分。</p>\n<ul>\n<li>实施方案：programme.toml 的 <code>plan</code> 指向一份已公开、未撤回的实施方案；</li>\n\
<li>资金与项目管理制度：<code>fund_rules</code> 指向一份已公开、未撤回的管理制度；</li>\n\
<li>窗口：征求意见、纪检监察、审计举报窗口至少有一个。</li>\n</ul>\n\
<p>实施方案或管理制度逾期公开（成文后超过规定的工作日才公开）的，每份扣 {d} 分。</p>\n\
<h2>第二项（2 分）</h2>\n<p>及时在网络公开已经确定的中央财政资金扶持项目基本信息，每月更新项目建设进度，同时设立征求意见窗口或纪检、审计举报窗口。</p>\n\
<ul>\n<li>中央财政资金扶持项目：扶持资金里有中央财政资金的每一个项目（已撤回的不算）；</li>\n\
<li>每个项目都要有：确定财政扶持该项目的政府决策文件、项目名称、建设内容和要求、项目承办单位名称、扶持资金额度、完成时限、绩效目标、承办单位责任人。\
任何一个项目缺任何一项，本项不完整，0 分；一个中央财政资金项目也没有公开的，同样 0 分；</li>\n\
<li>窗口：同第一项。</li>\n</ul>\n<p>不及时倒扣分：每一份逾期公开的月度进度（写明逾期几天）、每一份到期未公开的月度进度、每一个逾期公开的项目信息，各扣 {d} 分。</p>\n\
<h2>合计</h2>\n<p>两项相加。不完整的项得 0 分，扣分照扣，所以一项、合计都可能低于 0。每处扣的分数由专区文件 zone.toml 的 <code>[scoring] late_deduction</code> 设定，现在是 {d} 分。</p>\n\
<p>月度进度何时到期、项目信息是否逾期，按各县专栏自己的规定（<code>progress_due_day</code>、<code>publication_working_days</code>）和法定工作日判断，与该县专栏页面上的标注一致。</p>\n\
<h2>同步</h2>\n<p>专区从各县发布的专栏读取数据，并保存最后一次读到的正确数据。读不到某县专栏、或它的数据有误时，\
用保存的数据，页面写明“数据同步于”哪一天；某县公开记录（ledger.jsonl）的历史被改写、不再延续专区保存的副本时，专区不接受新数据，保留原来的副本并写明。</p>\n"
    );
    p.html("评分方法", "../", "scoring", &b)
}

fn data_page(p: &Page) -> String {
    let b = "<h1>开放数据</h1>\n<p>各县数据合并后的文件：</p>\n<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"cap-files\" tabindex=\"0\"><table>\n<caption id=\"cap-files\">文件</caption>\n<thead><tr><th scope=\"col\">文件</th><th scope=\"col\">内容</th><th scope=\"col\">格式</th></tr></thead>\n<tbody>\n\
<tr><th scope=\"row\"><a href=\"projects.csv\">projects.csv</a></th><td>每个项目一行，前两列是县的编号和名称</td><td>CSV，UTF-8（带 BOM）</td></tr>\n\
<tr><th scope=\"row\"><a href=\"projects.json\">projects.json</a></th><td>各县 projects.json 的全部项目，每个项目加上 <code>county</code>（县的编号）</td><td>JSON，UTF-8</td></tr>\n\
<tr><th scope=\"row\"><a href=\"scores.csv\">scores.csv</a></th><td>每个县的公开透明与规范评分：两项得分、合计、不完整和不及时的处数、同步日期</td><td>CSV，UTF-8（带 BOM）</td></tr>\n\
<tr><th scope=\"row\"><a href=\"ocds.json\">ocds.json</a></th><td>各县 OCDS 发布包里的全部发布，合成一个发布包；ocid 保留各县自己的前缀</td><td>JSON，OCDS 1.1</td></tr>\n\
</tbody>\n</table></div>\n";
    p.html("开放数据", "../", "data", b)
}

/// A CSV field, quoted when needed, with text that Excel would take for a formula made inert.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && parse_decimal(s).is_none() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_row(out: &mut String, fields: &[&str]) {
    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

fn data_files(p: &Page, sums: &[Summary], sink: &dyn Sink) -> std::io::Result<usize> {
    let mut projects_csv = String::from("\u{feff}");
    csv_row(
        &mut projects_csv,
        &[
            "县编号",
            "县",
            "项目编号",
            "项目名称",
            "承办单位",
            "承办单位责任人",
            "扶持资金",
            "单位",
            "完成时限",
            "完成比例",
            "已拨付",
            "状态",
            "网址",
        ],
    );
    let mut scores_csv = String::from("\u{feff}");
    csv_row(
        &mut scores_csv,
        &[
            "县编号",
            "县",
            "第一项",
            "第二项",
            "合计",
            "第一项不完整",
            "第一项不及时",
            "第二项不完整",
            "第二项不及时",
            "同步日期",
            "同步情况",
        ],
    );
    for sm in sums {
        let c = &sm.h.county;
        for pr in &sm.projects {
            csv_row(
                &mut projects_csv,
                &[
                    &c.id,
                    &c.name,
                    s(pr, "id"),
                    s(pr, "name"),
                    s(&pr["contractor"], "name"),
                    s(&pr["contractor"], "responsible"),
                    s(pr, "funding_total"),
                    sm.unit,
                    s(pr, "deadline"),
                    s(pr, "percent"),
                    s(pr, "disbursed"),
                    status_label(status_of(pr)),
                    s(pr, "url"),
                ],
            );
        }
        let synced = sm.h.copy.as_ref().map_or("", |c| c.synced.as_str());
        let note = sync_note(sm.h);
        match &sm.score {
            Some(sc) => {
                let n = |v: &Vec<String>| v.len().to_string();
                csv_row(
                    &mut scores_csv,
                    &[
                        &c.id,
                        &c.name,
                        &sc.items[0].score,
                        &sc.items[1].score,
                        &sc.total,
                        &n(&sc.items[0].missing),
                        &n(&sc.items[0].late),
                        &n(&sc.items[1].missing),
                        &n(&sc.items[1].late),
                        synced,
                        &note,
                    ],
                );
            }
            None => csv_row(
                &mut scores_csv,
                &[&c.id, &c.name, "", "", "", "", "", "", "", synced, &note],
            ),
        }
    }
    sink.put("data/projects.csv", projects_csv.as_bytes())?;
    sink.put("data/scores.csv", scores_csv.as_bytes())?;
    // Every county's projects whole, each county's part kept beside its copy, one at a time.
    let joined = |out: &mut dyn std::io::Write, releases: bool| -> std::io::Result<()> {
        let mut first = true;
        for sm in sums {
            let Some(copy) = &sm.h.copy else { continue };
            let part = copy.part(releases);
            if part.is_empty() {
                continue;
            }
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            out.write_all(&part)?;
        }
        Ok(())
    };
    sink.put_with("data/projects.json", &mut |out| {
        out.write_all(b"[")?;
        joined(out, false)?;
        out.write_all(b"]")
    })?;
    // OCDS requires a URI: relative when the zone has no base_url, as a county's is.
    let uri = p.zone.base_url.as_deref().map_or_else(
        || "data/ocds.json".to_string(),
        |b| format!("{}/data/ocds.json", b.trim_end_matches('/')),
    );
    // One package: the head, then each county's releases as they are (ocids keep the county's
    // prefix), read one county at a time.
    sink.put_with("data/ocds.json", &mut |out| {
        let head = serde_json::json!({
            "uri": uri,
            "version": "1.1",
            "publishedDate": format!("{}T00:00:00+08:00", p.as_of),
            "publisher": {"name": p.zone.publisher},
        });
        let head = serde_json::to_string(&head).map_err(std::io::Error::other)?;
        out.write_all(&head.as_bytes()[..head.len() - 1])?;
        out.write_all(b",\"releases\":[")?;
        joined(out, true)?;
        out.write_all(b"]}\n")
    })?;
    sink.put("data/index.html", data_page(p).as_bytes())?;
    Ok(5)
}

/// Writes every page and file of the zone; returns how many.
pub fn write(
    zone: &Zone,
    harvested: &[Harvested],
    report: &Report,
    as_of: Date,
    sink: &dyn Sink,
) -> std::io::Result<usize> {
    let p = Page { zone, as_of };
    let sums: Vec<Summary> = harvested.iter().map(summarise).collect();
    let mut n = 0;
    sink.put("style.css", STYLE.as_bytes())?;
    sink.put("favicon.svg", FAVICON.as_bytes())?;
    // Served for any missing address, so its links are absolute (the zone's base_url).
    let home = zone.base_url.as_deref().map_or_else(
        || "/".to_string(),
        |b| format!("{}/", b.trim_end_matches('/')),
    );
    let missing = format!(
        "<h1>没有找到这个页面</h1>\n<p>地址可能写错了，或者页面已经移动。请回到<a href=\"{}\">专区首页</a>查找。</p>\n",
        esc(&home)
    );
    sink.put(
        "404.html",
        p.html("没有找到这个页面", &esc(&home), "404", &missing)
            .as_bytes(),
    )?;
    n += 2;
    sink.put("index.html", overview(&p, &sums).as_bytes())?;
    n += 2;
    for sm in &sums {
        let path = format!("counties/{}/index.html", sm.h.county.id);
        sink.put(&path, county_page(&p, sm, report).as_bytes())?;
        n += 1;
    }
    n += project_pages(&p, &sums, sink)?;
    sink.put("search/index.html", search_page(&p, &sums).as_bytes())?;
    sink.put("search.js", SEARCH_JS.as_bytes())?;
    for f in search_index(&sums) {
        sink.put(&f.path, &f.bytes)?;
        n += 1;
    }
    n += 1;
    sink.put("scoring/index.html", scoring_page(&p).as_bytes())?;
    n += 2;
    n += data_files(&p, &sums, sink)?;
    Ok(n)
}
