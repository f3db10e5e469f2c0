//! What templates print, computed once per build from the site and its derived facts: every
//! label looked up, every amount formatted, every URL made. Templates only place these values.
//! Each view type lives beside the code that builds it: `site` (header, footer, channels),
//! `project`, `records` (documents and notices), `funds`, `overview` (home page and feed).

mod changes;
mod funds;
mod overview;
mod project;
mod records;
mod site;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::date::Date;
use crate::derive::{Derived, Status};
use crate::model::*;
use crate::money::{Money, display_decimal};

pub use changes::{ChangeView, FieldChangeView, LedgerSummary, WithdrawnView};
pub use funds::{CategoryCell, CategoryRow, FundsView, SourceRow};
pub use overview::{Attention, FEED_LIMIT, OverviewView, StatusCount, Update};
pub use project::{
    ActualView, ContractorView, DisbursementView, FundingLine, LocationView, NoticeRef, ProjectRef,
    ProjectRow, ProjectView, RowContractor, TargetView, TimelineEntry,
};
pub use records::{DocRef, DocumentGroup, DocumentView, NoticeView, WindowView};
pub use site::{ChannelGroup, ChannelView, ConacView, PublisherView, SiteView};

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

/// A link to a record, for plain lists.
#[derive(Serialize, Debug)]
pub struct LinkRow {
    pub url: String,
    pub title: String,
    pub published: Option<DateView>,
}

fn owned(f: &Field<String>) -> Option<String> {
    text(f).map(str::to_string)
}

/// How many projects the overview lists at most (the list page has them all).
const HIGHLIGHTS: usize = 12;

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
    /// Every correction and withdrawal, newest first (SPEC §7: the `/changes/` page).
    pub changes: Vec<ChangeView>,
    /// The programme's own corrections (shown on the funds page).
    pub programme_changes: Vec<ChangeView>,
    /// The ledger as this build publishes it, and how many of its entries (`/data/ledger.jsonl`).
    pub ledger: Option<(Arc<crate::ledger::Ledger>, usize)>,
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
fn project_fingerprint(site: &Site, derived: &Derived, p: &Project) -> u64 {
    let mut h = DefaultHasher::new();
    derived.ctx.as_of.hash(&mut h);
    // Its 更正记录 and 已撤回 come from the ledger.
    derived.ledger.head().hash(&mut h);
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
    for n in site.notices_of(&p.id) {
        file(&n.file);
    }
    h.finish()
}

/// The site-wide values every page gets, and one project's view: what the preview needs to
/// redo a single project page at once after an edit.
pub fn one_project(
    site: &Site,
    derived: &Derived,
    base_url: Option<&str>,
    id: &str,
) -> Option<(SiteView, ProjectView)> {
    let b = Builder::new(site, derived);
    let i = site
        .project_index(id)
        .filter(|i| derived.projects[*i].public)?;
    Some((b.site_view(base_url), b.project(i)))
}

/// Builds the model of the public site as of the derived date, reusing the project views in
/// `cache` whose inputs have not changed.
pub fn build(
    site: &Site,
    derived: &Derived,
    base_url: Option<&str>,
    cache: &mut ViewCache,
) -> Model {
    let b = Builder::new(site, derived);
    let t = std::time::Instant::now();
    let made: Vec<(u64, Arc<ProjectView>)> = derived
        .listed
        .par_iter()
        .map(|i| {
            let p = &site.projects[*i];
            let fp = project_fingerprint(site, derived, p);
            let view = match cache.projects.get(&p.id) {
                Some((f, v)) if *f == fp => v.clone(),
                _ => Arc::new(b.project(*i)),
            };
            (fp, view)
        })
        .collect();
    crate::progress::timing("model: projects", t);
    let mut fresh = HashMap::with_capacity(made.len());
    let projects: Vec<Arc<ProjectView>> = derived
        .listed
        .iter()
        .zip(made)
        .map(|(i, (fp, view))| {
            fresh.insert(site.projects[*i].id.clone(), (fp, view.clone()));
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
    crate::progress::timing("model: documents, notices", t);
    let t = std::time::Instant::now();
    let funds = b.funds();
    crate::progress::timing("model: funds", t);
    let t = std::time::Instant::now();
    let changes = b.changes();
    let updates = b.updates(&changes);
    crate::progress::timing("model: updates", t);
    let t = std::time::Instant::now();
    let overview = b.overview(&updates, &projects, &documents, &notices, &funds);
    crate::progress::timing("model: overview", t);
    let rows: Vec<ProjectRow> = projects.iter().map(|p| ProjectRow::of(p)).collect();
    let mut highlights: Vec<usize> = (0..rows.len()).collect();
    highlights.sort_by_key(|i| {
        (
            rows[*i].flags.is_empty() && rows[*i].status.key != Status::Overdue.key(),
            *i,
        )
    });
    highlights.truncate(HIGHLIGHTS);
    highlights.sort_unstable();
    Model {
        updates,
        programme_changes: b.changes_of(&[crate::ledger::Key {
            kind: crate::ledger::Kind::Programme,
            id: "programme".into(),
        }]),
        changes,
        ledger: derived
            .ledger
            .ledger
            .clone()
            .map(|l| (l, derived.ledger.count)),
        site: b.site_view(base_url),
        overview,
        rows,
        highlights,
        projects,
        document_groups: records::group_documents(&documents),
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

/// What every view builder reads: the site, its facts, and the programme's unit.
struct Builder<'a> {
    site: &'a Site,
    derived: &'a Derived,
    as_of: Date,
    unit: String,
    empty: Programme,
}

impl<'a> Builder<'a> {
    fn new(site: &'a Site, derived: &'a Derived) -> Self {
        let unit = site
            .programme
            .as_ref()
            .map_or("万元", |p| p.unit())
            .to_string();
        Builder {
            site,
            derived,
            as_of: derived.ctx.as_of,
            unit,
            empty: Programme::default(),
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

    /// Public projects in the order pages list them, with their facts.
    fn listed(&self) -> impl Iterator<Item = &'a Project> + '_ {
        self.derived.listed.iter().map(|i| &self.site.projects[*i])
    }

    fn source_name(&self, id: &str) -> String {
        self.programme()
            .source(id)
            .and_then(|s| owned(&s.name))
            .unwrap_or_else(|| id.to_string())
    }

    fn doc_ref(&self, id: &Field<String>) -> Option<DocRef> {
        let id = text(id)?;
        let d = self.site.document(id)?;
        Some(DocRef {
            id: d.id.clone(),
            url: crate::derive::is_public(&d.published, self.as_of)
                .then(|| format!("documents/{}/", d.id)),
            title: owned(&d.title).unwrap_or_default(),
            number: owned(&d.number),
            issued: opt_date(&d.issued),
        })
    }

    fn project_ref(&self, p: &Project) -> ProjectRef {
        ProjectRef {
            id: p.id.clone(),
            number: self
                .site
                .project_index(&p.id)
                .map(|i| self.derived.programme.numbers[i].clone())
                .unwrap_or_default(),
            url: format!("projects/{}/", p.id),
            name: owned(&p.name).unwrap_or_default(),
            published: opt_date(&p.published),
        }
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
