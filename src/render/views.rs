//! What templates print, computed once per build: every label looked up, every amount summed,
//! every status decided, every URL made. Templates only place these values.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::charts;
use crate::check::Ctx;
use crate::date::{Date, Month};
use crate::facts::{self, Status, Timeliness, WindowKind, is_public};
use crate::markdown;
use crate::model::*;
use crate::money::{Money, display_decimal};

#[derive(Serialize, Clone, Debug)]
pub struct DateView {
    pub iso: String,
    pub text: String,
}

pub fn date(d: Date) -> DateView {
    DateView {
        iso: d.to_string(),
        text: d.chinese(),
    }
}

fn opt_date(f: &Field<Date>) -> Option<DateView> {
    val(f).copied().map(date)
}

#[derive(Serialize, Clone, Debug)]
pub struct Amount {
    /// The number as shown: `35.5`.
    pub value: String,
    /// With the unit: `35.5 万元`.
    pub text: String,
    /// The exact amount, for data formats.
    #[serde(skip)]
    pub money: Money,
}

fn percent_text(d: Decimal) -> String {
    display_decimal(d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

/// `part / whole` as a percentage with one decimal, exactly rounded half up.
pub fn ratio(part: Money, whole: Money) -> Option<String> {
    crate::money::percent_of(part, whole).map(percent_text)
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Labelled {
    pub key: String,
    pub label: String,
}

// ---------------------------------------------------------------- site-wide

#[derive(Serialize, Debug)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub programme: String,
    pub unit: String,
    pub base_url: Option<String>,
    pub as_of: DateView,
    pub progress_due_day: u32,
    pub publication_working_days: u32,
    /// The licence of the open data.
    pub data_license: String,
    /// OCDS ocid prefix.
    pub ocid_prefix: String,
    /// How many yuan one unit is (10000 for 万元).
    #[serde(skip)]
    pub yuan_per_unit: Decimal,
    pub publisher: PublisherView,
    pub channels: Vec<ChannelGroup>,
}

#[derive(Serialize, Debug)]
pub struct PublisherView {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub site_code: Option<String>,
    pub icp: Option<String>,
    pub police_record: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct ChannelGroup {
    pub key: &'static str,
    pub label: &'static str,
    pub items: Vec<ChannelView>,
}

#[derive(Serialize, Debug)]
pub struct ChannelView {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
}

fn owned(f: &Field<String>) -> Option<String> {
    text(f).map(str::to_string)
}

// ---------------------------------------------------------------- records

#[derive(Serialize, Clone, Debug)]
pub struct DocRef {
    pub id: String,
    pub url: Option<String>,
    pub title: String,
    pub number: Option<String>,
    pub issued: Option<DateView>,
}

#[derive(Serialize, Debug, Clone)]
pub struct DocumentView {
    pub id: String,
    pub url: String,
    pub kind: Labelled,
    pub title: String,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub issued: Option<DateView>,
    pub published: Option<DateView>,
    pub body_html: String,
    pub summary: String,
    /// Projects this decision approved.
    pub projects: Vec<ProjectRef>,
    /// How it was published late, if it was (R6).
    pub late: Option<String>,
}

#[derive(Serialize, Clone, Debug)]
pub struct ProjectRef {
    pub id: String,
    pub url: String,
    pub name: String,
}

#[derive(Serialize, Debug)]
pub struct ProjectView {
    pub id: String,
    pub url: String,
    pub name: String,
    pub category: Labelled,
    pub decision: Option<DocRef>,
    pub published: Option<DateView>,
    pub start: Option<DateView>,
    pub deadline: Option<DateView>,
    pub completed: Option<DateView>,
    pub accepted: Option<DateView>,
    pub status: Labelled,
    pub percent: Option<String>,
    pub contractor: ContractorView,
    pub funding: Vec<FundingLine>,
    pub funding_total: Amount,
    pub targets: Vec<TargetView>,
    pub locations: Vec<LocationView>,
    pub disbursements: Vec<DisbursementView>,
    pub disbursed: Amount,
    pub disbursed_percent: Option<String>,
    pub body_html: String,
    pub summary: String,
    pub timeline: Vec<TimelineEntry>,
    pub notices: Vec<NoticeRef>,
    /// Ids of the public warning rules that apply to this project.
    pub late: Vec<String>,
    /// Short public markers for lists: 未按期更新, 逾期公开, 逾期完工 …
    pub flags: Vec<&'static str>,
    /// The warnings themselves, in Chinese, for the public.
    pub findings: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct ContractorView {
    pub name: String,
    pub credit_code: Option<String>,
    pub responsible: String,
    pub phone: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct FundingLine {
    pub source: String,
    pub source_name: String,
    pub amount: Amount,
}

#[derive(Serialize, Debug)]
pub struct TargetView {
    pub indicator: String,
    pub target: String,
    pub unit: String,
    pub actual: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct LocationView {
    pub village: Option<String>,
    pub route: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct DisbursementView {
    /// `<project id>-<n>`, stable while earlier payments stay as they are.
    pub id: String,
    pub date: Option<DateView>,
    pub amount: Amount,
    pub source: String,
    pub source_name: String,
    pub purpose: String,
}

#[derive(Serialize, Debug)]
pub struct TimelineEntry {
    pub month: String,
    pub month_label: String,
    /// When the report is due.
    pub due: DateView,
    /// `on-time`, `late`, `missing` or `not-due`.
    pub state: &'static str,
    pub published: Option<DateView>,
    pub percent: Option<String>,
    pub disbursed: Option<Amount>,
    pub body_html: String,
    /// The report's first paragraph as plain text.
    pub summary: String,
    pub actuals: Vec<ActualView>,
    /// Public markers for this month (未按期更新, 逾期公开 …) with their explanation.
    pub markers: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct ActualView {
    pub indicator: String,
    pub value: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct NoticeRef {
    pub id: String,
    pub url: String,
    pub title: String,
    pub kind: Labelled,
    pub event: Option<DateView>,
    pub published: Option<DateView>,
    pub amount: Option<Amount>,
}

#[derive(Serialize, Debug)]
pub struct NoticeView {
    pub id: String,
    pub url: String,
    pub kind: Labelled,
    pub title: String,
    pub project: Option<ProjectRef>,
    pub event_label: String,
    pub event: Option<DateView>,
    pub published: Option<DateView>,
    pub public_until: Option<DateView>,
    pub supplier: Option<String>,
    pub amount: Option<Amount>,
    pub body_html: String,
    /// Whether any window was missed.
    pub late: bool,
    pub windows: Vec<WindowView>,
}

/// One R7 window of a notice, as the public reads it.
#[derive(Serialize, Debug)]
pub struct WindowView {
    pub met: bool,
    pub text: String,
}

// ---------------------------------------------------------------- funds and overview

#[derive(Serialize, Debug)]
pub struct FundsView {
    /// Inline SVG: by source, then by category.
    pub source_chart: String,
    pub category_chart: String,
    pub sources: Vec<SourceRow>,
    pub categories: Vec<CategoryRow>,
    pub total: Amount,
    pub funded: Amount,
    pub disbursed: Amount,
}

#[derive(Serialize, Debug)]
pub struct SourceRow {
    pub id: String,
    pub name: String,
    pub amount: Amount,
    pub allocated: Amount,
    pub funded: Amount,
    pub disbursed: Amount,
    pub disbursed_percent: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct CategoryRow {
    pub id: String,
    pub name: String,
    pub cells: Vec<CategoryCell>,
    pub allocated: Amount,
    pub funded: Amount,
    pub disbursed: Amount,
    pub projects: Vec<ProjectRef>,
}

#[derive(Serialize, Debug)]
pub struct CategoryCell {
    pub source_name: String,
    pub allocation: Amount,
    pub share: Option<String>,
    pub funded: Amount,
}

#[derive(Serialize, Debug)]
pub struct OverviewView {
    pub description: String,
    pub year: Option<i64>,
    pub plan: Option<DocRef>,
    pub fund_rules: Option<DocRef>,
    pub total: Amount,
    pub sources: Vec<FundingLine>,
    pub funded: Amount,
    pub funded_percent: Option<String>,
    pub disbursed: Amount,
    pub disbursed_percent: Option<String>,
    pub completion: Option<String>,
    pub project_count: usize,
    pub statuses: Vec<StatusCount>,
    /// Disclosures due by the as-of date, by how they were made.
    pub disclosures: Tally,
    /// Records with a lateness or gap the public should see, with what it is.
    pub attention: Vec<Attention>,
    pub latest: Vec<Update>,
}

/// Counts of disclosures due: project and document publications (R6), monthly reports (R2)
/// and procurement notices (R7).
#[derive(Serialize, Debug, Default, Clone, Copy)]
pub struct Tally {
    pub due: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

#[derive(Serialize, Debug)]
pub struct Attention {
    pub title: String,
    pub url: String,
    pub notes: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct StatusCount {
    pub key: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Serialize, Debug, Clone)]
pub struct Update {
    pub date: DateView,
    pub kind: String,
    pub title: String,
    pub url: String,
}

/// What lists show of a project (the list pages never need the whole view).
/// A link to a record, for plain lists.
#[derive(Serialize, Debug)]
pub struct LinkRow {
    pub url: String,
    pub title: String,
}

#[derive(Serialize, Debug)]
pub struct ProjectRow {
    pub id: String,
    pub url: String,
    pub name: String,
    pub category: Labelled,
    pub contractor: RowContractor,
    pub funding_total: Amount,
    pub deadline: Option<DateView>,
    pub percent: Option<String>,
    pub disbursed_percent: Option<String>,
    pub status: Labelled,
    pub flags: Vec<&'static str>,
}

#[derive(Serialize, Debug)]
pub struct RowContractor {
    pub name: String,
}

impl ProjectRow {
    fn of(p: &ProjectView) -> ProjectRow {
        ProjectRow {
            id: p.id.clone(),
            url: p.url.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            contractor: RowContractor {
                name: p.contractor.name.clone(),
            },
            funding_total: p.funding_total.clone(),
            deadline: p.deadline.clone(),
            percent: p.percent.clone(),
            disbursed_percent: p.disbursed_percent.clone(),
            status: p.status.clone(),
            flags: p.flags.clone(),
        }
    }
}

/// Documents of one kind, for the list page.
#[derive(Serialize, Debug)]
pub struct DocumentGroup {
    pub kind: Labelled,
    pub items: Vec<DocumentView>,
}

/// Everything the pages of one build show.
#[derive(Debug)]
pub struct Model {
    pub site: SiteView,
    pub overview: OverviewView,
    pub projects: Vec<Arc<ProjectView>>,
    /// The same projects, as lists show them.
    pub rows: Vec<ProjectRow>,
    /// The projects the overview shows: those with a lateness or gap first, then the rest, at
    /// most twelve (the list page has them all).
    pub highlights: Vec<usize>,
    pub documents: Vec<DocumentView>,
    pub document_groups: Vec<DocumentGroup>,
    pub notices: Vec<NoticeView>,
    pub funds: FundsView,
    pub categories: Vec<Labelled>,
    pub statuses: Vec<Labelled>,
    /// The newest public records and monthly reports, newest first (the feed).
    pub updates: Vec<Update>,
}

/// Project views kept between builds (by `serve`), each with a fingerprint of every file and
/// setting its view is made from, so that an edit recomputes only the projects it touches.
/// With `keeping`, rendered project pages are kept too.
#[derive(Default)]
pub struct ViewCache {
    projects: HashMap<String, (u64, Arc<ProjectView>)>,
    keep_pages: bool,
    pages: std::sync::Mutex<HashMap<String, (u64, String)>>,
}

impl ViewCache {
    /// A cache that also keeps rendered project pages between builds.
    pub fn keeping() -> ViewCache {
        ViewCache {
            keep_pages: true,
            ..ViewCache::default()
        }
    }

    /// The fingerprint a project's view was last built from.
    pub fn fingerprint(&self, id: &str) -> Option<u64> {
        self.projects.get(id).map(|(f, _)| *f)
    }

    /// A kept page, if it was rendered under this key.
    pub fn page(&self, id: &str, key: u64) -> Option<String> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(id)
            .filter(|(k, _)| *k == key)
            .map(|(_, html)| html.clone())
    }

    pub fn keep_page(&self, id: &str, key: u64, html: &str) {
        if self.keep_pages
            && let Ok(mut pages) = self.pages.lock()
        {
            pages.insert(id.to_string(), (key, html.to_string()));
        }
    }
}

/// A fingerprint of everything a project's view and page are made from: its own files, its
/// decision document, its notices, the programme and the config (which hold the settings and
/// every label), and the as-of date.
fn project_fingerprint(site: &Site, ctx: &Ctx, p: &Project, notices: &[&Notice]) -> u64 {
    let mut h = DefaultHasher::new();
    ctx.as_of.hash(&mut h);
    let mut file = |path: &str| {
        path.hash(&mut h);
        site.sources.hash(path).hash(&mut h);
    };
    file(&site.config.file);
    file("content/programme.toml");
    file(&p.file);
    for r in &p.progress {
        file(&r.file);
    }
    if let Some(d) = text(&p.decision).and_then(|id| site.document(id)) {
        file(&d.file);
    }
    for n in notices {
        file(&n.file);
    }
    h.finish()
}

/// The site-wide values every page gets, and one project's view: what the preview needs to
/// redo a single project page at once after an edit.
pub fn one_project(
    site: &Site,
    ctx: &Ctx,
    base_url: Option<&str>,
    id: &str,
) -> Option<(SiteView, ProjectView)> {
    let b = Builder::new(site, ctx);
    let p = b.public_projects().find(|p| p.id == id)?;
    Some((b.site_view(base_url), b.project(p)))
}

/// Builds the model of the public site as of `ctx.as_of`, reusing the project views in `cache`
/// whose inputs have not changed.
pub fn build(site: &Site, ctx: &Ctx, base_url: Option<&str>, cache: &mut ViewCache) -> Model {
    let b = Builder::new(site, ctx);
    let mut notices_of: HashMap<&str, Vec<&Notice>> = HashMap::new();
    for n in &site.notices {
        if let Some(id) = text(&n.project) {
            notices_of.entry(id).or_default().push(n);
        }
    }
    let t = std::time::Instant::now();
    let public: Vec<&Project> = b.public_projects().collect();
    let made: Vec<(u64, Arc<ProjectView>)> = public
        .par_iter()
        .map(|p| {
            let fp = project_fingerprint(
                site,
                ctx,
                p,
                notices_of.get(p.id.as_str()).map_or(&[], |v| v),
            );
            let view = match cache.projects.get(&p.id) {
                Some((f, v)) if *f == fp => v.clone(),
                _ => Arc::new(b.project(p)),
            };
            (fp, view)
        })
        .collect();
    crate::timing("model: projects", t);
    let mut fresh = HashMap::with_capacity(made.len());
    let projects: Vec<Arc<ProjectView>> = public
        .iter()
        .zip(made)
        .map(|(p, (fp, view))| {
            fresh.insert(p.id.clone(), (fp, view.clone()));
            view
        })
        .collect();
    if let Ok(mut pages) = cache.pages.lock() {
        pages.retain(|id, _| fresh.contains_key(id));
    }
    cache.projects = fresh;
    let t = std::time::Instant::now();
    let documents = b.documents();
    let notices = b.notices();
    crate::timing("model: documents, notices", t);
    let t = std::time::Instant::now();
    let funds = b.funds();
    crate::timing("model: funds", t);
    let t = std::time::Instant::now();
    let updates = b.updates();
    crate::timing("model: updates", t);
    let t = std::time::Instant::now();
    let overview = b.overview(&updates, &projects, &documents, &notices, &funds);
    crate::timing("model: overview", t);
    let rows: Vec<ProjectRow> = projects.iter().map(|p| ProjectRow::of(p)).collect();
    let mut highlights: Vec<usize> = (0..rows.len()).collect();
    highlights.sort_by_key(|i| {
        (
            rows[*i].flags.is_empty() && rows[*i].status.key != "overdue",
            *i,
        )
    });
    highlights.truncate(12);
    highlights.sort_unstable();
    Model {
        updates,
        site: b.site_view(base_url),
        overview,
        rows,
        highlights,
        projects,
        document_groups: group_documents(&documents),
        documents,
        notices,
        funds,
        categories: b
            .programme()
            .categories
            .iter()
            .filter_map(|c| {
                Some(Labelled {
                    key: owned(&c.id)?,
                    label: owned(&c.name).unwrap_or_default(),
                })
            })
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|s| Labelled {
                key: s.key().into(),
                label: s.label().into(),
            })
            .collect(),
    }
}

struct Builder<'a> {
    site: &'a Site,
    ctx: &'a Ctx,
    as_of: Date,
    unit: String,
    empty: Programme,
    /// Public projects by category order, start date and id.
    public: Vec<&'a Project>,
}

impl<'a> Builder<'a> {
    fn new(site: &'a Site, ctx: &'a Ctx) -> Self {
        let unit = site
            .programme
            .as_ref()
            .map_or("万元", |p| p.unit())
            .to_string();
        let categories: HashMap<&str, usize> = site
            .programme
            .iter()
            .flat_map(|p| p.categories.iter().enumerate())
            .filter_map(|(i, c)| Some((text(&c.id)?, i)))
            .collect();
        let mut public: Vec<&Project> = site
            .projects
            .iter()
            .filter(|p| is_public(&p.published, ctx.as_of))
            .collect();
        public.sort_by_cached_key(|p| {
            let cat = text(&p.category)
                .and_then(|c| categories.get(c))
                .copied()
                .unwrap_or(usize::MAX);
            (cat, val(&p.start).copied(), p.id.clone())
        });
        Builder {
            site,
            ctx,
            as_of: ctx.as_of,
            unit,
            empty: Programme::default(),
            public,
        }
    }

    fn programme(&self) -> &Programme {
        self.site.programme.as_ref().unwrap_or(&self.empty)
    }

    fn amount(&self, m: Money) -> Amount {
        let value = m.to_string();
        Amount {
            text: format!("{value} {}", self.unit),
            value,
            money: m,
        }
    }

    /// Public projects in the order pages list them (computed once in `new`).
    fn public_projects(&self) -> impl Iterator<Item = &'a Project> + '_ {
        self.public.iter().copied()
    }

    fn source_name(&self, id: &str) -> String {
        self.programme()
            .source(id)
            .and_then(|s| owned(&s.name))
            .unwrap_or_else(|| id.to_string())
    }

    fn site_view(&self, base_url: Option<&str>) -> SiteView {
        let c = &self.site.config;
        let p = &c.publisher;
        SiteView {
            title: owned(&c.title).unwrap_or_default(),
            description: owned(&c.description).unwrap_or_default(),
            programme: owned(&self.programme().name).unwrap_or_default(),
            unit: self.unit.clone(),
            base_url: base_url.map(|u| u.trim_end_matches('/').to_string()),
            as_of: date(self.as_of),
            progress_due_day: self.ctx.progress_due_day,
            publication_working_days: self.ctx.publication_working_days,
            data_license: owned(&c.data.license).unwrap_or_else(|| {
                format!(
                    "本专栏的开放数据可以自由下载、复制、使用和转载，请注明来源：{}",
                    owned(&p.name).unwrap_or_default()
                )
            }),
            ocid_prefix: owned(&c.data.ocid_prefix).unwrap_or_else(|| "ocds-gongkai".into()),
            yuan_per_unit: crate::money::yuan_per_unit(&self.unit).unwrap_or(Decimal::from(10_000)),
            publisher: PublisherView {
                name: owned(&p.name).unwrap_or_default(),
                phone: owned(&p.phone),
                email: owned(&p.email),
                address: owned(&p.address),
                site_code: owned(&p.site_code),
                icp: owned(&p.icp),
                police_record: owned(&p.police_record),
            },
            channels: ChannelKind::ALL
                .iter()
                .map(|k| ChannelGroup {
                    key: k.key(),
                    label: k.label(),
                    items: c
                        .channels
                        .of(*k)
                        .iter()
                        .map(|ch| ChannelView {
                            name: owned(&ch.name).unwrap_or_default(),
                            phone: owned(&ch.phone),
                            email: owned(&ch.email),
                            url: owned(&ch.url),
                            address: owned(&ch.address),
                            note: owned(&ch.note),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn doc_ref(&self, id: &Field<String>) -> Option<DocRef> {
        let id = text(id)?;
        let d = self.site.document(id)?;
        Some(DocRef {
            id: d.id.clone(),
            url: is_public(&d.published, self.as_of).then(|| format!("documents/{}/", d.id)),
            title: owned(&d.title).unwrap_or_default(),
            number: owned(&d.number),
            issued: opt_date(&d.issued),
        })
    }

    fn project_ref(&self, p: &Project) -> ProjectRef {
        ProjectRef {
            id: p.id.clone(),
            url: format!("projects/{}/", p.id),
            name: owned(&p.name).unwrap_or_default(),
        }
    }

    fn project(&self, p: &'a Project) -> ProjectView {
        let f = facts::project(p, self.as_of);
        let category_id = text(&p.category).unwrap_or_default();
        let category = Labelled {
            key: category_id.to_string(),
            label: self
                .programme()
                .category(category_id)
                .and_then(|c| owned(&c.name))
                .unwrap_or_default(),
        };
        let latest_actuals: BTreeMap<&str, Decimal> = f
            .reports
            .iter()
            .flat_map(|r| r.actuals.iter())
            .filter_map(|a| Some((text(&a.indicator)?, *val(&a.value)?)))
            .collect();
        let mut related: Vec<&Notice> = self
            .site
            .notices_of(&p.id)
            .filter(|n| is_public(&n.published, self.as_of))
            .collect();
        related.sort_by_key(|n| (val(&n.published).copied(), n.id.clone()));
        let notices: Vec<NoticeRef> = related.into_iter().map(|n| self.notice_ref(n)).collect();
        let months = facts::progress_months(p, self.ctx);
        let rules = facts::project_late_rules(p, self.site, self.ctx);
        let mut flags: Vec<&'static str> = rules
            .iter()
            .filter_map(|r| match *r {
                "progress-missing" => Some("未按期更新"),
                "progress-late" | "publication-late" => Some("逾期公开"),
                "notice-window" => Some("公示期不足"),
                _ => None,
            })
            .collect();
        if facts::completed_late(p, self.as_of).is_some() {
            flags.push("逾期完工");
        }
        flags.dedup();
        let late = rules.into_iter().map(String::from).collect();
        let findings = self.project_findings(p, &f, &months);
        ProjectView {
            id: p.id.clone(),
            url: format!("projects/{}/", p.id),
            name: owned(&p.name).unwrap_or_default(),
            category,
            decision: self.doc_ref(&p.decision),
            published: opt_date(&p.published),
            start: opt_date(&p.start),
            deadline: opt_date(&p.deadline),
            completed: opt_date(&p.completed)
                .filter(|_| val(&p.completed).is_some_and(|d| *d <= self.as_of)),
            accepted: opt_date(&p.accepted)
                .filter(|_| val(&p.accepted).is_some_and(|d| *d <= self.as_of)),
            status: Labelled {
                key: f.status.key().into(),
                label: f.status.label().into(),
            },
            percent: f.percent.map(percent_text),
            contractor: ContractorView {
                name: owned(&p.contractor.name).unwrap_or_default(),
                credit_code: owned(&p.contractor.credit_code),
                responsible: owned(&p.contractor.responsible).unwrap_or_default(),
                phone: owned(&p.contractor.phone),
            },
            funding: p
                .funding
                .entries
                .iter()
                .map(|(k, m)| FundingLine {
                    source: k.value.clone(),
                    source_name: self.source_name(&k.value),
                    amount: self.amount(m.value),
                })
                .collect(),
            funding_total: self.amount(f.funding_total),
            targets: p
                .targets
                .iter()
                .map(|t| {
                    let indicator = owned(&t.indicator).unwrap_or_default();
                    TargetView {
                        actual: latest_actuals
                            .get(indicator.as_str())
                            .map(|d| display_decimal(*d)),
                        indicator,
                        target: val(&t.target)
                            .map(|d| display_decimal(*d))
                            .unwrap_or_default(),
                        unit: owned(&t.unit).unwrap_or_default(),
                    }
                })
                .collect(),
            locations: p
                .locations
                .iter()
                .map(|l| LocationView {
                    village: owned(&l.village),
                    route: owned(&l.route),
                })
                .collect(),
            disbursements: p
                .disbursements
                .iter()
                .filter(|d| val(&d.date).is_some_and(|d| *d <= self.as_of))
                .enumerate()
                .map(|(n, d)| DisbursementView {
                    id: format!("{}-{}", p.id, n + 1),
                    date: opt_date(&d.date),
                    source: owned(&d.source).unwrap_or_default(),
                    amount: self.amount(val(&d.amount).copied().unwrap_or_default()),
                    source_name: text(&d.source)
                        .map(|s| self.source_name(s))
                        .unwrap_or_default(),
                    purpose: owned(&d.purpose).unwrap_or_default(),
                })
                .collect(),
            disbursed: self.amount(f.disbursed),
            disbursed_percent: ratio(f.disbursed, f.funding_total),
            body_html: markdown::to_html(&p.body.markdown, 3),
            summary: markdown::summary(&p.body.markdown, 80),
            timeline: months
                .iter()
                .rev()
                .map(|m| self.timeline_entry(m))
                .collect(),
            notices,
            late,
            flags,
            findings,
        }
    }

    /// What the public is told about a project's timeliness, one sentence each.
    fn project_findings(
        &self,
        p: &Project,
        f: &facts::ProjectFacts,
        months: &[facts::MonthState],
    ) -> Vec<String> {
        let mut out = Vec::new();
        if f.status == Status::Overdue
            && let Some(deadline) = val(&p.deadline)
        {
            out.push(format!(
                "逾期未完成：完成时限为 {}，到 {} 已超过 {} 天，项目仍未完工。",
                deadline.chinese(),
                self.as_of.chinese(),
                deadline.days_until(self.as_of)
            ));
        }
        if let Some(days) = facts::completed_late(p, self.as_of) {
            out.push(format!("逾期完工：项目完工日期比完成时限晚 {days} 天。"));
        }
        if let Some(x) = facts::project_publication(p, self.site, self.ctx).filter(|x| x.is_late())
        {
            out.push(format!(
                "逾期公开：决策文件于 {} 印发，项目信息应于 {} 前公开，实际 {} 公开。",
                x.created.chinese(),
                x.due.chinese(),
                x.published.chinese()
            ));
        }
        let missing: Vec<String> = months
            .iter()
            .filter(|m| m.state == Timeliness::Missing)
            .map(|m| m.month.chinese())
            .collect();
        if !missing.is_empty() {
            out.push(format!(
                "未按期更新：{} 的建设进度到期未公开。",
                missing.join("、")
            ));
        }
        let late: Vec<String> = months
            .iter()
            .filter(|m| m.state == Timeliness::Late)
            .map(|m| m.month.chinese())
            .collect();
        if !late.is_empty() {
            out.push(format!(
                "逾期公开：{} 的建设进度公开晚于规定日期。",
                late.join("、")
            ));
        }
        let notices = self
            .site
            .notices_of(&p.id)
            .filter(|n| is_public(&n.published, self.as_of));
        for n in notices {
            if facts::notice_windows(n, self.ctx).iter().any(|w| !w.met()) {
                out.push(format!(
                    "采购公告“{}”未满足公示时限。",
                    owned(&n.title).unwrap_or_default()
                ));
            }
        }
        out
    }

    fn timeline_entry(&self, m: &facts::MonthState) -> TimelineEntry {
        let r = m.report;
        let published = r.and_then(|r| val(&r.published).copied());
        let marker = match (m.state, published) {
            (Timeliness::Missing, _) => Some(format!(
                "未按期更新：应于 {} 前公开，到 {} 仍未公开",
                m.due.chinese(),
                self.as_of.chinese()
            )),
            (Timeliness::Late, Some(on)) => Some(format!(
                "逾期公开：应于 {} 前公开，实际 {} 公开",
                m.due.chinese(),
                on.chinese()
            )),
            _ => None,
        };
        TimelineEntry {
            month: m.month.to_string(),
            month_label: m.month.chinese(),
            due: date(m.due),
            state: match m.state {
                Timeliness::OnTime => "on-time",
                Timeliness::Late => "late",
                Timeliness::Missing => "missing",
                Timeliness::NotDue => "not-due",
            },
            published: published.map(date),
            percent: r.and_then(|r| val(&r.percent)).map(|d| percent_text(*d)),
            disbursed: r.and_then(|r| val(&r.disbursed)).map(|m| self.amount(*m)),
            body_html: r
                .map(|r| markdown::to_html(&r.body.markdown, 4))
                .unwrap_or_default(),
            summary: r
                .map(|r| markdown::summary(&r.body.markdown, 200))
                .unwrap_or_default(),
            actuals: r
                .iter()
                .flat_map(|r| r.actuals.iter())
                .filter_map(|a| {
                    Some(ActualView {
                        indicator: owned(&a.indicator)?,
                        value: display_decimal(*val(&a.value)?),
                    })
                })
                .collect(),
            markers: marker.into_iter().collect(),
        }
    }

    fn public_notices(&self) -> impl Iterator<Item = &'a Notice> + '_ {
        self.site
            .notices
            .iter()
            .filter(|n| is_public(&n.published, self.as_of))
    }

    fn notice_ref(&self, n: &Notice) -> NoticeRef {
        NoticeRef {
            id: n.id.clone(),
            url: format!("notices/{}/", n.id),
            title: owned(&n.title).unwrap_or_default(),
            kind: notice_kind(n),
            event: opt_date(&n.event),
            published: opt_date(&n.published),
            amount: val(&n.amount).map(|m| self.amount(*m)),
        }
    }

    fn documents(&self) -> Vec<DocumentView> {
        let mut docs: Vec<&Document> = self
            .site
            .documents
            .iter()
            .filter(|d| is_public(&d.published, self.as_of))
            .collect();
        docs.sort_by_key(|d| {
            (
                val(&d.kind).copied(),
                std::cmp::Reverse(val(&d.issued).copied()),
                d.id.clone(),
            )
        });
        docs.into_iter()
            .map(|d| {
                let kind = val(&d.kind).copied().unwrap_or(DocKind::Other);
                let late = facts::document_publication(d, self.ctx)
                    .filter(|x| x.is_late())
                    .map(|x| {
                        format!(
                            "逾期公开：成文于 {}，应于 {} 前公开，实际 {} 公开",
                            x.created.chinese(),
                            x.due.chinese(),
                            x.published.chinese()
                        )
                    });
                DocumentView {
                    id: d.id.clone(),
                    url: format!("documents/{}/", d.id),
                    kind: Labelled {
                        key: kind.key().into(),
                        label: kind.label().into(),
                    },
                    title: owned(&d.title).unwrap_or_default(),
                    number: owned(&d.number),
                    issuer: owned(&d.issuer),
                    issued: opt_date(&d.issued),
                    published: opt_date(&d.published),
                    body_html: markdown::to_html(&d.body.markdown, 2),
                    summary: markdown::summary(&d.body.markdown, 80),
                    projects: self
                        .site
                        .decided_by(&d.id)
                        .filter(|p| is_public(&p.published, self.as_of))
                        .map(|p| self.project_ref(p))
                        .collect(),
                    late,
                }
            })
            .collect()
    }

    fn notices(&self) -> Vec<NoticeView> {
        let mut list: Vec<&Notice> = self.public_notices().collect();
        list.sort_by_key(|n| (std::cmp::Reverse(val(&n.published).copied()), n.id.clone()));
        list.into_iter()
            .map(|n| {
                let kind = val(&n.kind).copied();
                let project = text(&n.project)
                    .and_then(|id| self.site.project(id))
                    .filter(|p| is_public(&p.published, self.as_of))
                    .map(|p| self.project_ref(p));
                let windows: Vec<WindowView> = facts::notice_windows(n, self.ctx)
                    .into_iter()
                    .map(|w| {
                        let text = match (w.kind, w.met()) {
                            (WindowKind::PublishBy, true) => {
                                format!(
                                    "{}：应于 {} 前公开，{} 公开，符合",
                                    w.rule,
                                    w.required.chinese(),
                                    w.actual.chinese()
                                )
                            }
                            (WindowKind::PublishBy, false) => format!(
                                "未满足“{}”：应于 {} 前公开，实际 {} 公开",
                                w.rule,
                                w.required.chinese(),
                                w.actual.chinese()
                            ),
                            (WindowKind::DisplayUntil, true) => {
                                format!(
                                    "{}：应公示至 {}，公示至 {}，符合",
                                    w.rule,
                                    w.required.chinese(),
                                    w.actual.chinese()
                                )
                            }
                            (WindowKind::DisplayUntil, false) => format!(
                                "未满足“{}”：应公示至 {}，实际只到 {}",
                                w.rule,
                                w.required.chinese(),
                                w.actual.chinese()
                            ),
                        };
                        WindowView { met: w.met(), text }
                    })
                    .collect();
                let late = windows.iter().any(|w| !w.met);
                NoticeView {
                    id: n.id.clone(),
                    url: format!("notices/{}/", n.id),
                    kind: notice_kind(n),
                    title: owned(&n.title).unwrap_or_default(),
                    project,
                    event_label: kind.map_or("日期", NoticeKind::event_label).into(),
                    event: opt_date(&n.event),
                    published: opt_date(&n.published),
                    public_until: opt_date(&n.public_until),
                    supplier: owned(&n.supplier),
                    amount: val(&n.amount).map(|m| self.amount(*m)),
                    body_html: markdown::to_html(&n.body.markdown, 2),
                    late,
                    windows,
                }
            })
            .collect()
    }

    /// Funding and disbursement of public projects by (category, source).
    fn spend(&self) -> BTreeMap<(String, String), (Money, Money)> {
        let mut out: BTreeMap<(String, String), (Money, Money)> = BTreeMap::new();
        for p in self.public_projects() {
            let cat = text(&p.category).unwrap_or_default().to_string();
            for (k, m) in &p.funding.entries {
                out.entry((cat.clone(), k.value.clone())).or_default().0 += m.value;
            }
            for d in &p.disbursements {
                if let (Some(date), Some(amount), Some(src)) =
                    (val(&d.date), val(&d.amount), text(&d.source))
                    && *date <= self.as_of
                {
                    out.entry((cat.clone(), src.to_string())).or_default().1 += *amount;
                }
            }
        }
        out
    }

    fn funds(&self) -> FundsView {
        let prog = self.programme();
        let spend = self.spend();
        let sum =
            |pred: &dyn Fn(&str, &str) -> bool, pick: fn(&(Money, Money)) -> Money| -> Money {
                spend
                    .iter()
                    .filter(|((c, s), _)| pred(c, s))
                    .map(|(_, v)| pick(v))
                    .sum()
            };
        let sources: Vec<SourceRow> = prog
            .sources
            .iter()
            .filter_map(|s| {
                let id = text(&s.id)?;
                let amount = val(&s.amount).copied().unwrap_or_default();
                let allocated: Money = prog
                    .categories
                    .iter()
                    .flat_map(|c| c.allocations.iter())
                    .filter(|(k, _)| k.value == id)
                    .map(|(_, m)| m.value)
                    .sum();
                let funded = sum(&|_, s| s == id, |v| v.0);
                let disbursed = sum(&|_, s| s == id, |v| v.1);
                Some(SourceRow {
                    id: id.to_string(),
                    name: owned(&s.name).unwrap_or_default(),
                    amount: self.amount(amount),
                    allocated: self.amount(allocated),
                    funded: self.amount(funded),
                    disbursed: self.amount(disbursed),
                    disbursed_percent: ratio(disbursed, amount),
                })
            })
            .collect();
        let categories: Vec<CategoryRow> = prog
            .categories
            .iter()
            .filter_map(|c| {
                let id = text(&c.id)?;
                let cells = c
                    .allocations
                    .iter()
                    .map(|(k, m)| CategoryCell {
                        source_name: self.source_name(&k.value),
                        allocation: self.amount(m.value),
                        share: c
                            .shares
                            .iter()
                            .find(|(s, _)| s.value == k.value)
                            .map(|(_, d)| format!("{}%", d.value)),
                        funded: self.amount(sum(&|cat, s| cat == id && s == k.value, |v| v.0)),
                    })
                    .collect();
                Some(CategoryRow {
                    id: id.to_string(),
                    name: owned(&c.name).unwrap_or_default(),
                    cells,
                    allocated: self.amount(c.allocations.iter().map(|(_, m)| m.value).sum()),
                    funded: self.amount(sum(&|cat, _| cat == id, |v| v.0)),
                    disbursed: self.amount(sum(&|cat, _| cat == id, |v| v.1)),
                    projects: self
                        .public_projects()
                        .filter(|p| text(&p.category) == Some(id))
                        .map(|p| self.project_ref(p))
                        .collect(),
                })
            })
            .collect();
        let total: Money = prog
            .sources
            .iter()
            .filter_map(|s| val(&s.amount).copied())
            .sum();
        let unit = &self.unit;
        let source_chart = charts::bars(
            "chart-sources",
            &format!("按资金来源：计划、分配到板块、安排到项目和已拨付（{unit}）"),
            &[
                charts::Series {
                    name: "计划",
                    class: "bar-plan",
                },
                charts::Series {
                    name: "分配到板块",
                    class: "bar-allocated",
                },
                charts::Series {
                    name: "安排到项目",
                    class: "bar-funded",
                },
                charts::Series {
                    name: "已拨付",
                    class: "bar-paid",
                },
            ],
            &sources
                .iter()
                .map(|s: &SourceRow| charts::Group {
                    label: s.name.clone(),
                    values: vec![
                        s.amount.money,
                        s.allocated.money,
                        s.funded.money,
                        s.disbursed.money,
                    ],
                })
                .collect::<Vec<_>>(),
            unit,
        );
        let category_chart = charts::bars(
            "chart-categories",
            &format!("按项目板块：计划分配、安排到项目和已拨付（{unit}）"),
            &[
                charts::Series {
                    name: "计划分配",
                    class: "bar-allocated",
                },
                charts::Series {
                    name: "安排到项目",
                    class: "bar-funded",
                },
                charts::Series {
                    name: "已拨付",
                    class: "bar-paid",
                },
            ],
            &categories
                .iter()
                .map(|c: &CategoryRow| charts::Group {
                    label: c.name.clone(),
                    values: vec![c.allocated.money, c.funded.money, c.disbursed.money],
                })
                .collect::<Vec<_>>(),
            unit,
        );
        FundsView {
            source_chart,
            category_chart,
            sources,
            categories,
            total: self.amount(total),
            funded: self.amount(sum(&|_, _| true, |v| v.0)),
            disbursed: self.amount(sum(&|_, _| true, |v| v.1)),
        }
    }

    fn overview(
        &self,
        updates: &[Update],
        projects: &[Arc<ProjectView>],
        docs: &[DocumentView],
        notices: &[NoticeView],
        funds: &FundsView,
    ) -> OverviewView {
        let prog = self.programme();
        let public: Vec<&Project> = self.public_projects().collect();
        let all_facts: Vec<facts::ProjectFacts> = public
            .iter()
            .map(|p| facts::project(p, self.as_of))
            .collect();
        let total: Money = prog
            .sources
            .iter()
            .filter_map(|s| val(&s.amount).copied())
            .sum();
        let funded: Money = all_facts.iter().map(|f| f.funding_total).sum();
        let disbursed: Money = all_facts.iter().map(|f| f.disbursed).sum();
        // Completion weighted by each project's funding.
        let weighted: Decimal = all_facts
            .iter()
            .map(|f| f.percent.unwrap_or_default() * f.funding_total.0)
            .sum();
        let completion = (!funded.is_zero()).then(|| percent_text(weighted / funded.0));
        let tally = self.tally(&public);
        let mut attention: Vec<Attention> = Vec::new();
        for p in projects.iter().filter(|p| !p.findings.is_empty()) {
            attention.push(Attention {
                title: p.name.clone(),
                url: p.url.clone(),
                notes: p.findings.clone(),
            });
        }
        for d in docs {
            if let Some(late) = &d.late {
                attention.push(Attention {
                    title: d.title.clone(),
                    url: d.url.clone(),
                    notes: vec![late.clone()],
                });
            }
        }
        for n in notices.iter().filter(|n| n.late) {
            let notes = n
                .windows
                .iter()
                .filter(|w| !w.met)
                .map(|w| w.text.clone())
                .collect();
            attention.push(Attention {
                title: n.title.clone(),
                url: n.url.clone(),
                notes,
            });
        }
        OverviewView {
            description: owned(&prog.description).unwrap_or_default(),
            year: val(&prog.year).copied(),
            plan: self.doc_ref(&prog.plan),
            fund_rules: self.doc_ref(&prog.fund_rules),
            total: self.amount(total),
            sources: funds
                .sources
                .iter()
                .map(|s| FundingLine {
                    source: s.id.clone(),
                    source_name: s.name.clone(),
                    amount: s.amount.clone(),
                })
                .collect(),
            funded: self.amount(funded),
            funded_percent: ratio(funded, total),
            disbursed: self.amount(disbursed),
            disbursed_percent: ratio(disbursed, funded),
            completion,
            project_count: projects.len(),
            statuses: Status::ALL
                .iter()
                .map(|s| StatusCount {
                    key: s.key(),
                    label: s.label(),
                    count: all_facts.iter().filter(|f| f.status == *s).count(),
                })
                .collect(),
            disclosures: tally,
            attention,
            latest: updates.iter().take(10).cloned().collect(),
        }
    }

    fn tally(&self, projects: &[&Project]) -> Tally {
        let mut t = Tally::default();
        let mut count = |late: bool| if late { t.late += 1 } else { t.on_time += 1 };
        for p in projects {
            if let Some(x) = facts::project_publication(p, self.site, self.ctx) {
                count(x.is_late());
            }
        }
        for d in &self.site.documents {
            if let Some(x) = facts::document_publication(d, self.ctx) {
                count(x.is_late());
            }
        }
        for n in self.public_notices() {
            let windows = facts::notice_windows(n, self.ctx);
            if !windows.is_empty() {
                count(windows.iter().any(|w| !w.met()));
            }
        }
        for p in projects {
            for m in facts::progress_months(p, self.ctx) {
                match m.state {
                    Timeliness::OnTime => t.on_time += 1,
                    Timeliness::Late => t.late += 1,
                    Timeliness::Missing => t.missing += 1,
                    Timeliness::NotDue => {}
                }
            }
        }
        t.due = t.on_time + t.late + t.missing;
        t
    }

    /// The newest public records and monthly reports, newest first, at most `FEED_LIMIT`.
    /// Sorted by date and address on light references; only the kept ones get their text.
    fn updates(&self) -> Vec<Update> {
        enum Ref<'r> {
            Document(&'r Document),
            Project(&'r Project),
            Report(&'r Project, &'r ProgressReport),
            Notice(&'r Notice),
        }
        let published = |d: &Field<Date>| val(d).copied().filter(|d| *d <= self.as_of);
        let mut all: Vec<(Date, &str, Month, Ref)> = Vec::new();
        for d in &self.site.documents {
            if let Some(date) = published(&d.published) {
                all.push((date, &d.id, Month::default_first(), Ref::Document(d)));
            }
        }
        for p in self.public_projects() {
            if let Some(date) = published(&p.published) {
                all.push((date, &p.id, Month::default_first(), Ref::Project(p)));
            }
            for r in &p.progress {
                if let Some(date) = published(&r.published) {
                    all.push((date, &p.id, r.month, Ref::Report(p, r)));
                }
            }
        }
        for n in &self.site.notices {
            if let Some(date) = published(&n.published) {
                all.push((date, &n.id, Month::default_first(), Ref::Notice(n)));
            }
        }
        let rank = |r: &Ref| match r {
            Ref::Document(_) => 0,
            Ref::Notice(_) => 1,
            Ref::Project(_) => 2,
            Ref::Report(..) => 3,
        };
        all.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| rank(&a.3).cmp(&rank(&b.3)))
                .then_with(|| a.1.cmp(b.1))
                .then_with(|| a.2.cmp(&b.2))
        });
        all.truncate(FEED_LIMIT);
        all.into_iter()
            .map(|(day, _, _, r)| {
                let (kind, title, url) = match r {
                    Ref::Document(d) => (
                        val(&d.kind).map_or("文件", |k| k.label()),
                        owned(&d.title).unwrap_or_default(),
                        format!("documents/{}/", d.id),
                    ),
                    Ref::Project(p) => (
                        "项目公开",
                        owned(&p.name).unwrap_or_default(),
                        format!("projects/{}/", p.id),
                    ),
                    Ref::Report(p, r) => (
                        "建设进度",
                        format!(
                            "{}（{}）",
                            owned(&p.name).unwrap_or_default(),
                            r.month.chinese()
                        ),
                        format!("projects/{}/#m-{}", p.id, r.month),
                    ),
                    Ref::Notice(n) => (
                        val(&n.kind).map_or("公告", |k| k.label()),
                        owned(&n.title).unwrap_or_default(),
                        format!("notices/{}/", n.id),
                    ),
                };
                Update {
                    date: date(day),
                    kind: kind.into(),
                    title,
                    url,
                }
            })
            .collect()
    }
}

/// The feed holds the newest this many records and reports; a county column has fewer than
/// this in all, so its feed holds every one.
pub const FEED_LIMIT: usize = 1000;

/// Documents are sorted by kind already; this cuts the list where the kind changes.
fn group_documents(docs: &[DocumentView]) -> Vec<DocumentGroup> {
    let mut groups: Vec<DocumentGroup> = Vec::new();
    for d in docs {
        match groups.last_mut() {
            Some(g) if g.kind.key == d.kind.key => g.items.push(d.clone()),
            _ => groups.push(DocumentGroup {
                kind: d.kind.clone(),
                items: vec![d.clone()],
            }),
        }
    }
    groups
}

fn notice_kind(n: &Notice) -> Labelled {
    let k = val(&n.kind).copied();
    Labelled {
        key: k.map_or("", NoticeKind::key).into(),
        label: k.map_or("公告", NoticeKind::label).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_round_half_up() {
        let m = |s: &str| Money(s.parse().unwrap());
        assert_eq!(ratio(m("1"), m("3")).unwrap(), "33.3");
        assert_eq!(ratio(m("1"), m("8")).unwrap(), "12.5");
        assert_eq!(ratio(m("1"), m("16")).unwrap(), "6.3");
        assert_eq!(ratio(m("5"), m("5")).unwrap(), "100");
        assert!(ratio(m("5"), m("0")).is_none());
    }
}
