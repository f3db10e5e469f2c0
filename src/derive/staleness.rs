//! How recently each column was updated, against the limits government websites are inspected
//! by (SPEC §9; 政府网站与政务新媒体检查指标, 国办秘函〔2019〕19号): a home page or a news-type
//! column (动态、要闻, 工作进展) with no new item for two weeks, a notice or policy column (通知公告、
//! 政策文件) with none for six months, and a column with no item at all (空白栏目). The rules
//! `column-stale` and `column-empty`, the spot-check report and the pages all read these values.

use super::project::{ProjectFacts, Status};
use super::{Ctx, DocumentFacts, NoticeFacts};
use crate::date::{Date, Month};
use crate::model::*;

/// How often the index expects a column to be updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// The column's overview: every new record shows there (首页).
    Home,
    /// Projects and their monthly progress: 工作进展, judged like 动态、要闻.
    News,
    /// Procurement notices (通知公告).
    Notices,
    /// Plans, rules, decisions and reports (政策文件).
    Policy,
}

impl ColumnKind {
    /// The index's name for the kind of column.
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Home => "首页",
            ColumnKind::News => "动态、要闻类栏目",
            ColumnKind::Notices => "通知公告类栏目",
            ColumnKind::Policy => "政策文件类栏目",
        }
    }

    /// Judged on the short limit (`stale_days`) rather than six months.
    pub fn is_news(self) -> bool {
        matches!(self, ColumnKind::Home | ColumnKind::News)
    }
}

/// The newest public item of a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    pub date: Date,
    /// The record file that brought it, and the line of its `published` date.
    pub file: String,
    pub line: Option<u32>,
    /// The page it shows on, below the site root (`projects/x/#m-2022-07`).
    pub page: String,
    /// What it is, in words.
    pub title: String,
}

/// A column against its limit on the as-of date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Idle {
    /// Not judged, and why (in Chinese).
    NotJudged(String),
    /// Updated recently: the warning would start on `warn`, the limit be crossed on `crossed`.
    Fresh { warn: Date, crossed: Date },
    /// Within the early margin: the limit is crossed on `crossed`.
    AtRisk { crossed: Date },
    /// The limit was crossed on `crossed`.
    Crossed { crossed: Date },
}

/// One column of the site as inspectors see it.
#[derive(Clone, Debug)]
pub struct ColumnFacts {
    /// The key of its section in the page table: `home`, `projects`, `documents`, `notices`.
    pub key: &'static str,
    /// Its name on the site.
    pub name: &'static str,
    /// Its page, below the site root.
    pub path: &'static str,
    pub kind: ColumnKind,
    /// Public items it lists.
    pub items: usize,
    pub last: Option<Update>,
    pub idle: Idle,
}

impl ColumnFacts {
    /// A column page with nothing in it (空白栏目); the overview always shows the programme.
    pub fn is_empty(&self) -> bool {
        self.kind != ColumnKind::Home && self.items == 0
    }
}

/// The columns of the site on the as-of date.
#[derive(Clone, Debug)]
pub struct Staleness {
    /// The overview, then the list columns, in navigation order.
    pub columns: Vec<ColumnFacts>,
    /// The day the programme ended, once it has come.
    pub closed: Option<Date>,
    /// Public projects under construction (in progress or overdue).
    pub in_progress: usize,
}

/// `date` plus `months` calendar months, on the same day or the month's last day.
pub fn add_months(date: Date, months: u32) -> Date {
    let (y, m, d) = date.ymd();
    let mut month = Month::new(y, m).expect("a date's month");
    for _ in 0..months {
        month = month.next();
    }
    month.day(d)
}

/// The newest of a list of candidate updates (the first one wins a tie: lists are in file order).
fn newest(items: impl Iterator<Item = Update>) -> Option<Update> {
    items.fold(None, |best: Option<Update>, u| match best {
        Some(b) if b.date >= u.date => Some(b),
        _ => Some(u),
    })
}

impl Staleness {
    pub fn new(
        site: &Site,
        ctx: &Ctx,
        projects: &[ProjectFacts],
        documents: &[DocumentFacts],
        notices: &[NoticeFacts],
    ) -> Staleness {
        let as_of = ctx.as_of;
        let closed = site
            .programme
            .as_ref()
            .and_then(|p| val(&p.closed).copied())
            .filter(|d| *d <= as_of);
        let public_projects = || site.projects.iter().zip(projects).filter(|(_, f)| f.public);
        let in_progress = public_projects()
            .filter(|(_, f)| matches!(f.status, Status::InProgress | Status::Overdue))
            .count();
        let project_updates = || {
            public_projects().flat_map(|(p, f)| {
                let name = text(&p.name).unwrap_or(&p.id).to_string();
                let own = p.published.as_ref().map(|d| Update {
                    date: d.value,
                    file: p.file.clone(),
                    line: Some(d.line),
                    page: format!("projects/{}/", p.id),
                    title: name.clone(),
                });
                let reports = f.reports.iter().filter_map(move |i| {
                    let r = &p.progress[*i];
                    let published = r.published.as_ref()?;
                    Some(Update {
                        date: published.value,
                        file: r.file.clone(),
                        line: Some(published.line),
                        page: format!("projects/{}/#m-{}", p.id, r.month),
                        title: format!("{name} {}建设进度", r.month.chinese()),
                    })
                });
                own.into_iter().chain(reports)
            })
        };
        let document_updates = || {
            site.documents
                .iter()
                .zip(documents)
                .filter(|(_, f)| f.public)
                .filter_map(|(d, _)| {
                    let published = d.published.as_ref()?;
                    Some(Update {
                        date: published.value,
                        file: d.file.clone(),
                        line: Some(published.line),
                        page: format!("documents/{}/", d.id),
                        title: text(&d.title).unwrap_or(&d.id).to_string(),
                    })
                })
        };
        let notice_updates = || {
            site.notices
                .iter()
                .zip(notices)
                .filter(|(_, f)| f.public)
                .filter_map(|(n, _)| {
                    let published = n.published.as_ref()?;
                    Some(Update {
                        date: published.value,
                        file: n.file.clone(),
                        line: Some(published.line),
                        page: format!("notices/{}/", n.id),
                        title: text(&n.title).unwrap_or(&n.id).to_string(),
                    })
                })
        };
        let judge = |kind: ColumnKind, items: usize, last: &Option<Update>| -> Idle {
            if let Some(day) = closed {
                return Idle::NotJudged(format!(
                    "示范项目已于 {} 结束，专栏作为历史专题保留，不再按更新期限检查",
                    day.chinese()
                ));
            }
            if kind.is_news() && in_progress == 0 {
                return Idle::NotJudged("没有在建的项目，不要求每两周更新".into());
            }
            let Some(last) = last else {
                return Idle::NotJudged(if items == 0 {
                    "栏目里还没有内容".into()
                } else {
                    "栏目里的内容都没有发布日期".into()
                });
            };
            let crossed = if kind.is_news() {
                last.date.add_days(ctx.stale_days as i32)
            } else {
                add_months(last.date, 6)
            };
            let warn = crossed.add_days(-(ctx.stale_margin_days as i32));
            if as_of >= crossed {
                Idle::Crossed { crossed }
            } else if as_of >= warn {
                Idle::AtRisk { crossed }
            } else {
                Idle::Fresh { warn, crossed }
            }
        };
        let column = |key, name, path, kind, items: usize, last: Option<Update>| {
            let idle = judge(kind, items, &last);
            ColumnFacts {
                key,
                name,
                path,
                kind,
                items,
                last,
                idle,
            }
        };
        let project_count = public_projects().count();
        let document_count = documents.iter().filter(|f| f.public).count();
        let notice_count = notices.iter().filter(|f| f.public).count();
        let all = newest(
            project_updates()
                .chain(document_updates())
                .chain(notice_updates()),
        );
        Staleness {
            columns: vec![
                column(
                    "home",
                    "首页",
                    "",
                    ColumnKind::Home,
                    project_count + document_count + notice_count,
                    all,
                ),
                column(
                    "projects",
                    "项目清单",
                    "projects/",
                    ColumnKind::News,
                    project_count,
                    newest(project_updates()),
                ),
                column(
                    "documents",
                    "政策文件",
                    "documents/",
                    ColumnKind::Policy,
                    document_count,
                    newest(document_updates()),
                ),
                column(
                    "notices",
                    "采购公告",
                    "notices/",
                    ColumnKind::Notices,
                    notice_count,
                    newest(notice_updates()),
                ),
            ],
            closed,
            in_progress,
        }
    }

    /// The column with this key.
    pub fn column(&self, key: &str) -> Option<&ColumnFacts> {
        self.columns.iter().find(|c| c.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::{derive, testing::site};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn six_months_end_on_the_same_day_or_the_months_last() {
        assert_eq!(add_months(d("2022-06-28"), 6), d("2022-12-28"));
        assert_eq!(add_months(d("2022-08-31"), 6), d("2023-02-28"));
        assert_eq!(add_months(d("2023-08-31"), 6), d("2024-02-29"));
    }

    #[test]
    fn news_columns_are_judged_while_projects_are_built_and_never_after_closing() {
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/programme.toml",
                "name = \"x\"\nclosed = 2023-01-31\n",
            ),
            (
                "content/projects/a/index.md",
                "+++\npublished = 2022-05-30\nstart = 2022-06-01\ndeadline = 2022-12-31\ncompleted = 2022-12-20\n+++\nx\n",
            ),
            (
                "content/projects/a/progress/2022-06.md",
                "+++\npublished = 2022-07-05\n+++\n",
            ),
            (
                "content/documents/plan.md",
                "+++\nkind = \"plan\"\npublished = 2022-03-01\n+++\n",
            ),
        ]);
        let at = |day: &str| derive(&s, Ctx::at(d(day))).staleness;
        let projects = |day: &str| at(day).column("projects").unwrap().idle.clone();
        // Five days after the report: fresh, with the dates ahead.
        assert_eq!(
            projects("2022-07-10"),
            Idle::Fresh {
                warn: d("2022-07-15"),
                crossed: d("2022-07-19")
            }
        );
        // Ten days idle (14 minus the margin of 4): at risk; fourteen: crossed.
        assert_eq!(
            projects("2022-07-15"),
            Idle::AtRisk {
                crossed: d("2022-07-19")
            }
        );
        assert_eq!(
            projects("2022-07-19"),
            Idle::Crossed {
                crossed: d("2022-07-19")
            }
        );
        // Completed on 20 December: nothing is being built, news columns are not judged, the
        // policy column still is; after closing, nothing is.
        assert!(matches!(projects("2022-12-21"), Idle::NotJudged(_)));
        let documents = at("2022-12-21").column("documents").unwrap().idle.clone();
        assert_eq!(
            documents,
            Idle::Crossed {
                crossed: d("2022-09-01")
            }
        );
        let after = at("2023-01-31");
        assert!(
            after
                .columns
                .iter()
                .all(|c| matches!(&c.idle, Idle::NotJudged(why) if why.contains("结束"))),
            "{after:?}"
        );
        // The home page saw the report; the notices column is empty.
        let home = at("2022-07-10");
        assert_eq!(
            home.column("home").unwrap().last.as_ref().unwrap().file,
            "content/projects/a/progress/2022-06.md"
        );
        assert!(home.column("notices").unwrap().is_empty());
        assert!(!home.column("home").unwrap().is_empty());
    }
}
