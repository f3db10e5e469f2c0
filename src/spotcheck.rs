//! The spot-check report (`gongkai check --spot-check`): for the as-of date, each veto and
//! deduction item of the government-website inspection index (政府网站与政务新媒体检查指标,
//! 国办秘函〔2019〕19号; 政府网站发展指引, 国办发〔2017〕47号; 政府网站网页设计规范) that a column
//! can be judged on, with pass, at risk (and the day) or fail and the evidence — the files and
//! pages that decide it. It reads the facts the rules read (derive's staleness, the findings,
//! the generated pages' links and heads), so the report and the warnings never disagree. What
//! only a person can judge is listed apart.

use serde::Serialize;

use crate::check::broken_link::External;
use crate::date::Date;
use crate::derive::{ColumnFacts, Derived, Idle, Timeliness};
use crate::diag::{Report, Severity};
use crate::links::{Crawl, Target, resolve};
use crate::model::*;
use crate::rules;

/// How an item stands on the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pass,
    /// Not failed yet, or failed only together with the rest of the website: the day it fails,
    /// when there is one.
    AtRisk(Option<Date>),
    /// Failed, since the day given when there is one.
    Fail(Option<Date>),
}

impl State {
    pub fn key(self) -> &'static str {
        match self {
            State::Pass => "pass",
            State::AtRisk(_) => "at-risk",
            State::Fail(_) => "fail",
        }
    }

    pub fn label(self) -> String {
        match self {
            State::Pass => "通过".into(),
            State::AtRisk(Some(d)) => format!("有风险，{} 起不通过", d.chinese()),
            State::AtRisk(None) => "有风险".into(),
            State::Fail(Some(d)) => format!("不通过，{} 起", d.chinese()),
            State::Fail(None) => "不通过".into(),
        }
    }

    fn date(self) -> Option<Date> {
        match self {
            State::AtRisk(d) | State::Fail(d) => d,
            State::Pass => None,
        }
    }
}

/// Which part of the index an item belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// 单项否决: one of these fails the whole website.
    Veto,
    /// 扣分: each costs points.
    Deduction,
}

/// A file, a page, and what they show.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The page below the site root (`` is the overview).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    pub note: String,
}

fn evidence(file: Option<&str>, line: Option<u32>, page: Option<&str>, note: String) -> Evidence {
    Evidence {
        file: file.map(str::to_string),
        line,
        page: page.map(str::to_string),
        note,
    }
}

/// One item of the index, judged.
#[derive(Clone, Debug)]
pub struct Item {
    /// Stable id for machines: `home-not-updated`.
    pub id: &'static str,
    pub group: Group,
    /// Its name in the index.
    pub title: &'static str,
    /// What the index says, shortly.
    pub rule: &'static str,
    pub state: State,
    /// Why, in the webmaster's words.
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

/// An item of the index a tool cannot judge, and who can.
#[derive(Clone, Debug, Serialize)]
pub struct Manual {
    pub title: &'static str,
    pub why: String,
}

/// The report for one as-of date.
pub struct SpotCheck {
    pub as_of: Date,
    pub site: String,
    pub errors: usize,
    pub warnings: usize,
    pub items: Vec<Item>,
    pub manual: Vec<Manual>,
}

/// What an idle column means for its item.
fn idle_state(c: &ColumnFacts, stale_days: u32) -> (State, String) {
    let limit = if c.kind.is_news() {
        format!("{stale_days} 天")
    } else {
        "6 个月".to_string()
    };
    let last = match &c.last {
        Some(u) => format!("最近更新 {}（{}）", u.date.chinese(), u.title),
        None => "没有已发布的内容".to_string(),
    };
    match &c.idle {
        Idle::NotJudged(why) => (State::Pass, format!("{why}；{last}")),
        Idle::Fresh { warn, crossed } => (
            State::Pass,
            format!(
                "{last}；{} 起进入提醒期，{} 满 {limit}",
                warn.chinese(),
                crossed.chinese()
            ),
        ),
        Idle::AtRisk { crossed } => (
            State::AtRisk(Some(*crossed)),
            format!("{last}；{} 满 {limit}没有更新", crossed.chinese()),
        ),
        Idle::Crossed { crossed } => (
            State::Fail(Some(*crossed)),
            format!("{last}；{} 起已超过 {limit}没有更新", crossed.chinese()),
        ),
    }
}

fn column_evidence(c: &ColumnFacts, note: String) -> Evidence {
    match &c.last {
        Some(u) => evidence(Some(&u.file), u.line, Some(&u.page), note),
        None => evidence(None, None, Some(c.path), note),
    }
}

/// A count of columns against the index's threshold: the whole website fails at `limit`; any
/// column of this one counts towards it.
fn count_state(n: usize, limit: usize) -> State {
    if n >= limit {
        State::Fail(None)
    } else if n > 0 {
        State::AtRisk(None)
    } else {
        State::Pass
    }
}

impl SpotCheck {
    pub fn new(
        site: &Site,
        d: &Derived,
        report: &Report,
        crawl: Option<&Crawl>,
        base_url: Option<&str>,
    ) -> SpotCheck {
        let mut items = Vec::new();
        let st = &d.staleness;
        let stale_days = d.ctx.stale_days;
        let column = |key: &str| st.column(key).expect("the column table");

        // ------------------------------------------------------------ veto
        let home = column("home");
        let (state, summary) = idle_state(home, stale_days);
        items.push(Item {
            id: "home-not-updated",
            group: Group::Veto,
            title: "首页不更新",
            rule: "监测 2 周，首页没有信息更新的，即单项否决；没有注明发布时间的信息视为没有更新",
            state,
            summary,
            evidence: vec![column_evidence(home, "首页“最近更新”里最新的一条".into())],
        });

        let lists = ["projects", "notices", "documents"].map(column);
        let judged: Vec<(State, String)> =
            lists.iter().map(|c| idle_state(c, stale_days)).collect();
        let over = judged
            .iter()
            .filter(|(s, _)| matches!(s, State::Fail(_)))
            .count();
        let soonest = judged
            .iter()
            .filter_map(|(s, _)| match s {
                State::AtRisk(d) => *d,
                _ => None,
            })
            .min();
        let state = match count_state(over, 5) {
            State::Pass => soonest.map_or(State::Pass, |d| State::AtRisk(Some(d))),
            s => s,
        };
        items.push(Item {
            id: "columns-not-updated",
            group: Group::Veto,
            title: "栏目不更新",
            rule: "监测时间点前 2 周内的动态、要闻类栏目，以及前 6 个月内的通知公告、政策文件类栏目，累计 5 个以上未更新，即单项否决（全站合计）",
            state,
            summary: format!(
                "本专栏 {} 个栏目超过期限（计入全站合计，满 5 个即否决）{}",
                over,
                soonest.map_or(String::new(), |d| format!("；最早 {} 有栏目超过期限", d.chinese()))
            ),
            evidence: lists
                .iter()
                .zip(&judged)
                .map(|(c, (s, why))| column_evidence(c, format!("{}（{}）：{}；{why}", c.name, c.kind.label(), s.label())))
                .collect(),
        });

        let mut should: Vec<Evidence> = Vec::new();
        for (c, (s, why)) in lists.iter().zip(&judged) {
            if matches!(s, State::Fail(_)) {
                should.push(column_evidence(c, format!("{}：{why}", c.name)));
            }
        }
        for c in st.columns.iter().filter(|c| c.is_empty()) {
            should.push(evidence(
                None,
                None,
                Some(c.path),
                format!("{}：空白栏目", c.name),
            ));
        }
        for (p, f) in site
            .projects
            .iter()
            .zip(&d.projects)
            .filter(|(_, f)| f.public)
        {
            let missing: Vec<crate::date::Month> =
                f.months_in(Timeliness::Missing).map(|m| m.month).collect();
            if !missing.is_empty() {
                should.push(evidence(
                    Some(&p.file),
                    None,
                    Some(&format!("projects/{}/", p.id)),
                    format!(
                        "{} 的建设进度（每月更新）：{} 到期未公开",
                        text(&p.name).unwrap_or(&p.id),
                        crate::date::Month::chinese_runs(&missing)
                    ),
                ));
            }
        }
        items.push(Item {
            id: "columns-should-update",
            group: Group::Veto,
            title: "应更新但长期未更新的栏目",
            rule: "应更新但长期未更新的栏目累计 10 个以上，即单项否决（全站合计）；空白栏目和更新频率有要求而未按期更新的栏目都算",
            state: count_state(should.len(), 10),
            summary: format!(
                "本专栏 {} 个（超过期限的栏目、空白栏目、到期未更新建设进度的项目）",
                should.len()
            ),
            evidence: should,
        });

        let blank: Vec<&ColumnFacts> = st.columns.iter().filter(|c| c.is_empty()).collect();
        items.push(Item {
            id: "blank-columns",
            group: Group::Veto,
            title: "空白栏目",
            rule: "没有任何内容的栏目累计 5 个以上，即单项否决（全站合计）",
            state: count_state(blank.len(), 5),
            summary: format!("本专栏 {} 个空白栏目", blank.len()),
            evidence: blank
                .iter()
                .map(|c| {
                    evidence(
                        None,
                        None,
                        Some(c.path),
                        format!("{}：没有已发布的内容", c.name),
                    )
                })
                .collect(),
        });

        let faked: Vec<Evidence> = report
            .diagnostics
            .iter()
            .filter(|x| {
                (x.rule == rules::DATE_ORDER.id && x.field.as_deref() == Some("published"))
                    || x.rule == rules::BACKDATED.id
            })
            .map(|x| evidence(Some(&x.file), x.line, None, x.message.clone()))
            .collect();
        items.push(Item {
            id: "faked-dates",
            group: Group::Veto,
            title: "弄虚作假（如伪造发稿日期）",
            rule: "存在弄虚作假行为（如伪造发稿日期等），即单项否决",
            state: if faked.is_empty() {
                State::Pass
            } else {
                State::Fail(None)
            },
            summary: if faked.is_empty() {
                "没有早于成文、决策或事项日期的发布日期，也没有早于公开记录的补写日期".into()
            } else {
                format!(
                    "{} 处发布日期早于它所依据的日期或公开记录里已登记的日子",
                    faked.len()
                )
            },
            evidence: faked,
        });

        let c = &site.config;
        let online: Vec<&Channel> = c
            .channels
            .feedback
            .iter()
            .filter(|ch| text(&ch.email).is_some() || text(&ch.url).is_some())
            .collect();
        let (state, summary) = if !online.is_empty() {
            (
                State::Pass,
                format!(
                    "{} 个征求意见窗口可以在网上提交（电子邮箱或网址）",
                    online.len()
                ),
            )
        } else if !c.channels.feedback.is_empty() {
            (
                State::AtRisk(None),
                "征求意见窗口只有电话或地址，没有网上渠道：加上 email 或 url".into(),
            )
        } else {
            (State::Fail(None), "没有征求意见窗口".into())
        };
        items.push(Item {
            id: "no-online-channel",
            group: Group::Veto,
            title: "互动回应差：没有网上咨询建言渠道",
            rule: "没有提供网上有效咨询建言渠道（网上信访、纪检举报等专门渠道除外），即单项否决",
            state,
            summary,
            evidence: c
                .channels
                .feedback
                .iter()
                .map(|ch| {
                    evidence(
                        Some(&c.file),
                        Some(ch.line),
                        Some("supervision/"),
                        format!("征求意见窗口：{}", text(&ch.name).unwrap_or("")),
                    )
                })
                .collect(),
        });

        // ------------------------------------------------------------ deduction
        for (id, title, rule, key) in [
            (
                "news-updated",
                "动态、要闻类栏目更新（项目清单和每月建设进度）",
                "监测时间点前 2 周内没有更新的，扣分；在建项目的进度是本专栏的工作动态",
                "projects",
            ),
            (
                "notices-updated",
                "通知公告类栏目更新（采购公告）",
                "监测时间点前 6 个月内没有更新的，扣分",
                "notices",
            ),
            (
                "policy-updated",
                "政策文件类栏目更新（政策文件）",
                "监测时间点前 6 个月内没有更新的，扣分",
                "documents",
            ),
        ] {
            let col = column(key);
            let (state, summary) = idle_state(col, stale_days);
            items.push(Item {
                id,
                group: Group::Deduction,
                title,
                rule,
                state,
                summary,
                evidence: vec![column_evidence(col, format!("{}最新的一条", col.name))],
            });
        }

        let not_rendered = "有错误，页面没有生成，这一项没有判断：先改正错误";
        let broken: Vec<Evidence> = report
            .diagnostics
            .iter()
            .filter(|x| x.rule == rules::BROKEN_LINK.id)
            .map(|x| evidence(Some(&x.file), x.line, None, x.message.clone()))
            .collect();
        let (state, summary) = match crawl {
            None => (State::AtRisk(None), not_rendered.to_string()),
            Some(_) if !broken.is_empty() => (
                State::Fail(None),
                format!("{} 处站内链接打不开（broken-link 错误）", broken.len()),
            ),
            Some(crawl) => {
                let (inside, outside) = link_counts(crawl, base_url);
                (
                    State::Pass,
                    format!(
                        "{} 个页面上的 {inside} 个站内链接都能打开；另有 {outside} 个外部链接要人工点开核对（gongkai check --links 列出）",
                        crawl.pages.len()
                    ),
                )
            }
        };
        items.push(Item {
            id: "broken-links",
            group: Group::Deduction,
            title: "链接可用",
            rule: "首页和其他页面上的链接（包括图片、附件）不能正常访问的，每个扣分",
            state,
            summary,
            evidence: broken,
        });

        let (state, summary, ev) = match crawl {
            None => (State::AtRisk(None), not_rendered.to_string(), Vec::new()),
            Some(crawl) => {
                let lacking: Vec<Evidence> = crawl
                    .pages
                    .iter()
                    .filter(|p| {
                        let is_list =
                            matches!(p.path.as_str(), "projects/" | "documents/" | "notices/");
                        (p.record.is_some() && !(p.shows_pubdate && p.has_meta("PubDate")))
                            || (is_list && !p.shows_pubdate)
                    })
                    .map(|p| evidence(None, None, Some(&p.path), "页面上没有“发布日期”".into()))
                    .collect();
                if lacking.is_empty() {
                    let records = crawl.pages.iter().filter(|p| p.record.is_some()).count();
                    (
                        State::Pass,
                        format!(
                            "{records} 个信息页面和项目、文件、公告清单都显示发布日期，页面头部有 PubDate"
                        ),
                        Vec::new(),
                    )
                } else {
                    (
                        State::Fail(None),
                        format!("{} 个页面没有显示发布日期", lacking.len()),
                        lacking,
                    )
                }
            }
        };
        items.push(Item {
            id: "publication-time",
            group: Group::Deduction,
            title: "信息注明发布时间",
            rule: "没有注明发布时间的信息视为没有更新（检查“首页不更新”“栏目不更新”时按此计）",
            state,
            summary,
            evidence: ev,
        });

        items.push(metadata_item(site, crawl, not_rendered));
        items.push(marks_item(site, report));

        let p = &c.publisher;
        let entry = text(&p.error_report_url)
            .map(str::to_string)
            .unwrap_or_else(|| crate::check::registration::error_report_url(text(&p.site_code)));
        let (state, summary) = if text(&p.error_report_url).is_some()
            || text(&p.site_code).is_some()
        {
            (
                State::Pass,
                "每个页面底部右侧都有“我为政府网站找错”入口".to_string(),
            )
        } else {
            (
                State::AtRisk(None),
                "每个页面底部都有“我为政府网站找错”入口，但没有网站标识码，入口打开的是平台首页而不是本站：在 [publisher] 写 site_code".to_string(),
            )
        };
        items.push(Item {
            id: "error-report-entry",
            group: Group::Deduction,
            title: "“我为政府网站找错”入口",
            rule: "网站首页底部没有设置“我为政府网站找错”入口的，扣分",
            state,
            summary,
            evidence: vec![evidence(
                Some(&c.file),
                p.error_report_url.as_ref().map(|f| f.line).or(p.line),
                Some(""),
                entry,
            )],
        });

        let (state, summary) = match crawl {
            None => (State::AtRisk(None), not_rendered.to_string()),
            Some(crawl) => {
                let has = |path: &str| crawl.pages.iter().any(|p| p.path == path);
                if has("search/") && has("data/") {
                    (
                        State::Pass,
                        "有站内搜索（search/）、每条信息的页面和开放数据下载（data/）".to_string(),
                    )
                } else {
                    (State::Fail(None), "缺少搜索页或开放数据页".to_string())
                }
            }
        };
        items.push(Item {
            id: "search-read-download",
            group: Group::Deduction,
            title: "检索、查阅、下载",
            rule: "政府信息公开条例第二十四条：政府网站应具备信息检索、查阅、下载等功能；检查指标：搜索功能不可用的扣分",
            state,
            summary,
            evidence: vec![
                evidence(None, None, Some("search/"), "搜索".into()),
                evidence(None, None, Some("data/"), "开放数据下载".into()),
            ],
        });

        let host = base_url
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string));
        let (state, summary) = match &host {
            Some(h) if h.ends_with(".gov.cn") => (State::Pass, format!("网站地址在 {h}")),
            Some(h) => (
                State::Fail(None),
                format!("网站地址 {h} 不是 .gov.cn 域名：专栏应放在本级政府网站的域名下"),
            ),
            None => (
                State::AtRisk(None),
                "config.toml 没有 base_url，判断不了域名；页面头部也缺 SiteDomain 和 Url"
                    .to_string(),
            ),
        };
        items.push(Item {
            id: "gov-domain",
            group: Group::Deduction,
            title: "使用政府网站域名",
            rule: "政府网站发展指引：政府网站使用以 .gov.cn 为后缀的域名",
            state,
            summary,
            evidence: vec![evidence(
                Some(&c.file),
                c.base_url.as_ref().map(|f| f.line),
                None,
                base_url.unwrap_or("（没有 base_url）").to_string(),
            )],
        });

        let outside = crawl.map(|c| link_counts(c, base_url).1);
        let manual = vec![
            Manual {
                title: "站点无法访问（单项否决）",
                why: "网站服务器能否打开由托管单位监测：gongkai 只生成文件".into(),
            },
            Manual {
                title: "严重错误、虚假内容、泄密和违法有害内容（单项否决）",
                why: "错别字（如领导人姓名）、与事实不符的内容、涉密信息，由发布前的审核（三审三校）把关".into(),
            },
            Manual {
                title: "互动回应差：留言超过 3 个月未回应（单项否决）",
                why: "征求意见窗口收到的留言由承办股室答复，答复情况不在专栏的记录里".into(),
            },
            Manual {
                title: "外部链接能否打开（扣分）",
                why: match outside {
                    Some(n) => format!(
                        "{n} 个指向其他网站的链接：gongkai 不打开其他网站，用 gongkai check --links 列出后逐个点开核对"
                    ),
                    None => "页面没有生成，外部链接没有列出".into(),
                },
            },
            Manual {
                title: "安全事件处置（单项否决）",
                why: "页面被篡改、挂马等由服务器和网络安全管理处置".into(),
            },
        ];
        SpotCheck {
            as_of: d.ctx.as_of,
            site: text(&c.title).unwrap_or_default().to_string(),
            errors: report.errors(),
            warnings: report.warnings(),
            items,
            manual,
        }
    }

    /// Whether any item failed.
    pub fn fails(&self) -> bool {
        self.items.iter().any(|i| matches!(i.state, State::Fail(_)))
    }

    /// The verdict in one line.
    pub fn verdict(&self) -> (&'static str, &'static str) {
        let any = |group: Option<Group>, f: fn(State) -> bool| {
            self.items
                .iter()
                .any(|i| group.is_none_or(|g| i.group == g) && f(i.state))
        };
        let fail = |s: State| matches!(s, State::Fail(_));
        let risk = |s: State| matches!(s, State::AtRisk(_));
        if any(Some(Group::Veto), fail) {
            ("fail", "不合格：有单项否决指标不通过")
        } else if any(None, fail) {
            ("deductions", "有扣分项不通过")
        } else if any(None, risk) {
            ("at-risk", "通过，但有风险项：按下面的日期处理")
        } else {
            ("pass", "通过")
        }
    }

    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "政府网站抽查自查表：{}（按 {} 判断）",
            self.site,
            self.as_of.chinese()
        );
        let _ = writeln!(out, "结论：{}", self.verdict().1);
        if self.errors > 0 {
            let _ = writeln!(
                out,
                "另有 {} 个错误（gongkai check 列出），改正前网站不会生成",
                self.errors
            );
        }
        for (group, name) in [
            (Group::Veto, "单项否决指标"),
            (Group::Deduction, "扣分指标"),
        ] {
            let _ = writeln!(out, "\n{name}");
            for i in self.items.iter().filter(|i| i.group == group) {
                let _ = writeln!(out, "  [{}] {}", i.state.label(), i.title);
                let _ = writeln!(out, "      指标：{}", i.rule);
                let _ = writeln!(out, "      情况：{}", i.summary);
                for e in &i.evidence {
                    let place = match (&e.file, e.line) {
                        (Some(f), Some(l)) => format!("{f}:{l}"),
                        (Some(f), None) => f.clone(),
                        _ => String::new(),
                    };
                    let page = e.page.as_ref().map(|p| {
                        if p.is_empty() {
                            "首页".to_string()
                        } else {
                            p.clone()
                        }
                    });
                    let at = match (place.is_empty(), page) {
                        (false, Some(p)) => format!("{place} → {p}"),
                        (false, None) => place,
                        (true, Some(p)) => p,
                        (true, None) => String::new(),
                    };
                    let sep = if at.is_empty() { "" } else { "：" };
                    let _ = writeln!(out, "      依据：{at}{sep}{}", e.note);
                }
            }
        }
        let _ = writeln!(out, "\n需要人工核对（gongkai 判断不了）");
        for m in &self.manual {
            let _ = writeln!(out, "  - {}：{}", m.title, m.why);
        }
        out
    }

    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct ItemOut<'a> {
            id: &'a str,
            group: Group,
            title: &'a str,
            rule: &'a str,
            state: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            date: Option<String>,
            summary: &'a str,
            evidence: &'a [Evidence],
        }
        #[derive(Serialize)]
        struct Out<'a> {
            as_of: String,
            site: &'a str,
            verdict: &'a str,
            errors: usize,
            warnings: usize,
            items: Vec<ItemOut<'a>>,
            manual: &'a [Manual],
        }
        let out = Out {
            as_of: self.as_of.to_string(),
            site: &self.site,
            verdict: self.verdict().0,
            errors: self.errors,
            warnings: self.warnings,
            items: self
                .items
                .iter()
                .map(|i| ItemOut {
                    id: i.id,
                    group: i.group,
                    title: i.title,
                    rule: i.rule,
                    state: i.state.key(),
                    date: i.state.date().map(|d| d.to_string()),
                    summary: &i.summary,
                    evidence: &i.evidence,
                })
                .collect(),
            manual: &self.manual,
        };
        serde_json::to_string(&out).expect("the report serialises")
    }
}

/// Links to pages of the site and to other websites, over every page (each page's links once).
fn link_counts(crawl: &Crawl, base_url: Option<&str>) -> (usize, usize) {
    let (mut inside, mut outside) = (0, std::collections::BTreeSet::new());
    for p in &crawl.pages {
        for href in p.links() {
            match resolve(&p.path, href, base_url) {
                Target::Site { .. } => inside += 1,
                Target::External(u) => {
                    outside.insert(u);
                }
                Target::Contact => {}
            }
        }
    }
    (inside, outside.len())
}

/// The head metadata of the national design rules for government web pages, page by page.
fn metadata_item(site: &Site, crawl: Option<&Crawl>, not_rendered: &str) -> Item {
    let has_code = text(&site.config.publisher.site_code).is_some();
    let (state, summary, ev) = match crawl {
        None => (State::AtRisk(None), not_rendered.to_string(), Vec::new()),
        Some(crawl) => {
            let mut lacking = Vec::new();
            for p in &crawl.pages {
                let mut wanted = vec!["SiteName", "ColumnName", "ColumnType"];
                if p.path != "404.html" {
                    wanted.extend(["SiteDomain", "Keywords", "Description", "Url"]);
                }
                if has_code {
                    wanted.push("SiteIDCode");
                }
                if p.record.is_some() {
                    wanted.extend(["ArticleTitle", "PubDate", "ContentSource"]);
                }
                let missing: Vec<&str> = wanted.into_iter().filter(|m| !p.has_meta(m)).collect();
                if !missing.is_empty() {
                    lacking.push(evidence(
                        None,
                        None,
                        Some(&p.path),
                        format!("缺少 {}", missing.join("、")),
                    ));
                }
            }
            if !lacking.is_empty() {
                let why = if site.config.base_url.is_none() {
                    "；SiteDomain 和 Url 要有 base_url 才能写：在 config.toml 写上专栏的网址"
                } else {
                    ""
                };
                (
                    State::Fail(None),
                    format!("{} 个页面缺少元数据{why}", lacking.len()),
                    lacking,
                )
            } else if !has_code {
                (
                    State::AtRisk(None),
                    "各页面有站点、栏目和信息的元数据，但没有网站标识码，缺 SiteIDCode：在 [publisher] 写 site_code".into(),
                    Vec::new(),
                )
            } else {
                let records = crawl.pages.iter().filter(|p| p.record.is_some()).count();
                (
                    State::Pass,
                    format!(
                        "{} 个页面都有 SiteName、SiteDomain、SiteIDCode、ColumnName、ColumnType、Keywords、Description、Url，其中 {records} 个信息页面另有 ArticleTitle、PubDate、ContentSource",
                        crawl.pages.len()
                    ),
                    Vec::new(),
                )
            }
        }
    };
    Item {
        id: "page-metadata",
        group: Group::Deduction,
        title: "页面元数据",
        rule: "政府网站网页设计规范：页面头部按规定写站点、栏目和信息的元数据（SiteName、SiteDomain、SiteIDCode、ColumnName、ColumnType、ArticleTitle、PubDate、ContentSource、Keywords、Description、Url）",
        state,
        summary,
        evidence: ev,
    }
}

/// The identification in every page's footer.
fn marks_item(site: &Site, report: &Report) -> Item {
    let c = &site.config;
    let p = &c.publisher;
    let wrong = |field: &str| {
        report.diagnostics.iter().find(|d| {
            d.file == c.file && d.severity == Severity::Error && d.field.as_deref() == Some(field)
        })
    };
    let mut missing = Vec::new();
    let mut ev = Vec::new();
    for (f, key, label) in [
        (&p.name, "name", "主办单位"),
        (&p.site_code, "site_code", "网站标识码"),
        (&p.icp, "icp", "ICP 备案号"),
        (&p.police_record, "police_record", "公安机关备案号"),
        (&p.conac_id, "conac_id", "党政机关网站标识"),
    ] {
        let field = format!("publisher.{key}");
        match (text(f), wrong(&field)) {
            (None, _) => {
                missing.push(label);
                ev.push(evidence(
                    Some(&c.file),
                    p.line,
                    None,
                    format!("{label}：没有写（[publisher] 的 {key}）"),
                ));
            }
            (Some(_), Some(d)) => {
                missing.push(label);
                ev.push(evidence(Some(&c.file), d.line, None, d.message.clone()));
            }
            (Some(v), None) => ev.push(evidence(
                Some(&c.file),
                f.as_ref().map(|s| s.line),
                None,
                format!("{label}：{v}"),
            )),
        }
    }
    if text(&p.conac_id).is_some() && text(&p.conac_image).is_none() {
        ev.push(evidence(
            Some(&c.file),
            p.line,
            None,
            "党政机关网站标识没有图片（conac_image），显示为文字链接；把开办单位给的标识图片放进 static/ 并写上文件名".into(),
        ));
    }
    Item {
        id: "site-marks",
        group: Group::Deduction,
        title: "网站标识",
        rule: "页面底部功能区列明党政机关网站标识、网站标识码、ICP 备案编号、公安机关备案标识和主办单位，缺少或有误的扣分",
        state: if missing.is_empty() {
            State::Pass
        } else {
            State::Fail(None)
        },
        summary: if missing.is_empty() {
            "每个页面底部都有主办单位、网站标识码、ICP 备案号、公安机关备案号和党政机关网站标识"
                .into()
        } else {
            format!("缺少或有误：{}", missing.join("、"))
        },
        evidence: ev,
    }
}

/// `check --links`, as text: each address once, with where it shows and where it was written.
pub fn links_text(list: &[External]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if list.is_empty() {
        out.push_str("没有指向其他网站的链接\n");
        return out;
    }
    let _ = writeln!(
        out,
        "指向其他网站的链接 {} 个（gongkai 不打开其他网站：请逐个点开，核对还能访问、内容正确）：",
        list.len()
    );
    for e in list {
        let page = if e.first_page.is_empty() {
            "首页".to_string()
        } else {
            e.first_page.clone()
        };
        let places: Vec<String> = e
            .places
            .iter()
            .map(|p| {
                let mut s = p.file.clone();
                if let Some(l) = p.line {
                    s.push_str(&format!(":{l}"));
                }
                if let Some(f) = &p.field {
                    s.push_str(&format!("（{f}）"));
                }
                s
            })
            .collect();
        let _ = writeln!(out, "{}", crate::diag::printable(&e.url));
        let _ = writeln!(
            out,
            "    {} 个页面（如 {page}）；写在 {}",
            e.pages,
            places.join("、")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_columns_fail_the_website_at_the_index_thresholds() {
        // 空白栏目、栏目不更新: 5 fail the whole website; fewer count towards it.
        assert_eq!(count_state(0, 5), State::Pass);
        assert_eq!(count_state(4, 5), State::AtRisk(None));
        assert_eq!(count_state(5, 5), State::Fail(None));
        // 应更新但长期未更新: 10.
        assert_eq!(count_state(9, 10), State::AtRisk(None));
        assert_eq!(count_state(10, 10), State::Fail(None));
    }
}
