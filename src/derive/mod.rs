//! Stage 2, **derive**: the facts every rule and every page asks about, computed once per build
//! from the loaded site as of one date — status, months due and reports late or missing,
//! publication against the decision, procurement windows, money paid and totals. Rules and
//! views read these values; neither computes them again, so a page and a finding never
//! disagree.

pub mod ledger;
pub mod programme;
pub mod project;
pub mod staleness;
pub mod timeliness;
mod totals;

use rayon::prelude::*;

pub use programme::{PhaseState, ProgrammeFacts, SourceFacts, TargetFacts};
pub use project::{Lateness, ProjectFacts, Status};
pub use staleness::{ColumnFacts, ColumnKind, Idle, Staleness};
pub use timeliness::{MonthState, Publication, Timeliness, Window, WindowKind};
pub use totals::{Tally, Totals};

use crate::calendar::WorkingCalendar;
use crate::date::Date;
use crate::model::{Field, Site, val};

/// What every rule and every page may know besides the site: the date things are judged at,
/// the working-day calendar and the site's rule settings.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub as_of: Date,
    pub calendar: WorkingCalendar,
    /// Progress for month M is due on this day of month M+1.
    pub progress_due_day: u32,
    /// R6: working days allowed between a record's creation and its publication.
    pub publication_working_days: u32,
    /// §9: days a news-type column may go without an update.
    pub stale_days: u32,
    /// §9: days before an inspection limit that `column-stale` warns.
    pub stale_margin_days: u32,
}

impl Ctx {
    /// The context of a site: its calendar additions and rule settings.
    pub fn new(site: &Site, as_of: Date) -> Ctx {
        let extra = &site.config.calendar;
        let holidays: Vec<Date> = extra.holidays.iter().map(|d| d.value).collect();
        let workdays: Vec<Date> = extra.workdays.iter().map(|d| d.value).collect();
        Ctx {
            as_of,
            calendar: WorkingCalendar::with_extra(&holidays, &workdays),
            progress_due_day: site.config.rules.progress_due_day.value,
            publication_working_days: site.config.rules.publication_working_days.value,
            stale_days: site.config.rules.stale_days.value,
            stale_margin_days: site.config.rules.stale_margin_days.value,
        }
    }

    /// Default settings, for tests.
    pub fn at(as_of: Date) -> Ctx {
        Ctx {
            as_of,
            calendar: WorkingCalendar::official(),
            progress_due_day: 10,
            publication_working_days: 20,
            stale_days: 14,
            stale_margin_days: 4,
        }
    }
}

/// A record is public once its `published` date has come (SPEC §3, scheduled publishing).
/// A record without a date is an error elsewhere; it counts as public so that nothing hides it.
pub fn is_public(published: &Field<Date>, as_of: Date) -> bool {
    val(published).is_none_or(|d| *d <= as_of)
}

/// A document as it stands on the as-of date.
#[derive(Debug, Clone)]
pub struct DocumentFacts {
    pub public: bool,
    /// Its publication against its issue date (R6), once public.
    pub publication: Option<Publication>,
}

/// A notice as it stands on the as-of date.
#[derive(Debug, Clone)]
pub struct NoticeFacts {
    pub public: bool,
    /// Its R7 windows, once public.
    pub windows: Vec<Window>,
}

impl NoticeFacts {
    pub fn missed_a_window(&self) -> bool {
        self.windows.iter().any(|w| !w.met())
    }
}

/// Everything derived from one site as of one date. The lists run parallel to the site's.
#[derive(Debug)]
pub struct Derived {
    pub ctx: Ctx,
    pub projects: Vec<ProjectFacts>,
    pub documents: Vec<DocumentFacts>,
    pub notices: Vec<NoticeFacts>,
    /// Public projects (indices) in the order pages list them: by category, then by the
    /// county's own project number where it wrote one (永电商〔2020〕2号 before 10号), then by
    /// start date and id.
    pub listed: Vec<usize>,
    pub totals: Totals,
    pub programme: ProgrammeFacts,
    /// What the publication ledger means for this build (SPEC §7).
    pub ledger: ledger::LedgerFacts,
    /// How recently each column was updated, against the inspection limits (§9).
    pub staleness: Staleness,
}

/// Derives every fact of `site` as of `ctx.as_of`.
pub fn derive(site: &Site, ctx: Ctx) -> Derived {
    let mut derived = records(site, ctx);
    derived.add_ledger(site);
    derived
}

/// [`derive`] but for the ledger's facts, which are left empty (see [`Derived::add_ledger`]).
pub fn records(site: &Site, ctx: Ctx) -> Derived {
    let as_of = ctx.as_of;
    let documents: Vec<DocumentFacts> = site
        .documents
        .iter()
        .map(|d| DocumentFacts {
            public: is_public(&d.published, as_of),
            publication: timeliness::document_publication(d, &ctx),
        })
        .collect();
    let notices: Vec<NoticeFacts> = site
        .notices
        .par_iter()
        .map(|n| NoticeFacts {
            public: is_public(&n.published, as_of),
            windows: timeliness::notice_windows(n, &ctx),
        })
        .collect();
    let late = |i: usize| notices[i].missed_a_window();
    let projects: Vec<ProjectFacts> = site
        .projects
        .par_iter()
        .map(|p| project::facts(p, site, &ctx, &late))
        .collect();
    let listed = listed(site, &projects);
    let totals = Totals::new(site, as_of, &listed, &projects, &documents, &notices);
    let programme = programme::facts(site, as_of, &projects);
    let staleness = Staleness::new(site, &ctx, &projects, &documents, &notices);
    Derived {
        ctx,
        projects,
        documents,
        notices,
        listed,
        totals,
        programme,
        ledger: ledger::LedgerFacts::default(),
        staleness,
    }
}

impl Derived {
    /// Derives what the site's ledger means for this build, from the facts of the records:
    /// a build reads the ledger while [`records`] runs, then calls this.
    pub fn add_ledger(&mut self, site: &Site) {
        self.ledger = ledger::facts(
            site,
            self.ctx.as_of,
            &self.documents,
            &self.projects,
            &self.notices,
        );
    }
}

/// Public projects in page order.
fn listed(site: &Site, projects: &[ProjectFacts]) -> Vec<usize> {
    let categories: std::collections::HashMap<&str, usize> = site
        .programme
        .iter()
        .flat_map(|p| p.categories.iter().enumerate())
        .filter_map(|(i, c)| Some((crate::model::text(&c.id)?, i)))
        .collect();
    let mut listed: Vec<usize> = (0..site.projects.len())
        .filter(|i| projects[*i].public)
        .collect();
    listed.sort_by_cached_key(|i| {
        let p = &site.projects[*i];
        let cat = crate::model::text(&p.category)
            .and_then(|c| categories.get(c))
            .copied()
            .unwrap_or(usize::MAX);
        let number = crate::model::text(&p.number).map(natural_key);
        (cat, number, val(&p.start).copied(), p.id.clone())
    });
    listed
}

/// A part of a number as people order it: runs of digits by their value, the rest as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Text(String),
    Digits(u128, usize),
}

/// The key that orders 2号 before 10号 and 〔2020〕 before 〔2021〕.
fn natural_key(s: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let digit = c.is_ascii_digit();
        let end = rest
            .find(|ch: char| ch.is_ascii_digit() != digit)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        parts.push(match run.parse::<u128>() {
            Ok(n) if digit => Part::Digits(n, run.len()),
            _ => Part::Text(run.to_string()),
        });
        rest = tail;
    }
    parts
}

impl Derived {
    /// Derives one project again after it was reloaded in place (the preview's quick path):
    /// its notices and the documents are as they were.
    pub fn refresh_project(&mut self, site: &Site, index: usize) {
        let notices = &self.notices;
        let late = |i: usize| notices[i].missed_a_window();
        self.projects[index] = project::facts(&site.projects[index], site, &self.ctx, &late);
    }

    /// The facts of the project with this id.
    pub fn project(&self, site: &Site, id: &str) -> Option<&ProjectFacts> {
        site.project_index(id).map(|i| &self.projects[i])
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Small sites built in memory for tests of derived facts and rules.
    use crate::model::Site;

    /// Loads a site from (path, text) pairs written into a temporary folder.
    pub fn site(files: &[(&str, &str)]) -> (Site, Vec<crate::diag::Diagnostic>) {
        let (_dir, site, diags) = kept(files);
        (site, diags)
    }

    /// Like [`site`], keeping the folder (for what reads files again: the ledger).
    pub fn kept(files: &[(&str, &str)]) -> (tempfile::TempDir, Site, Vec<crate::diag::Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        // Fingerprinted as a publish reads them: these sites are also published in tests.
        let mut loaded =
            crate::load::load_with(dir.path(), &crate::progress::Progress::default(), true)
                .unwrap();
        // The texts stay with the site, for the lines findings quote after the folder is gone.
        for (path, text) in files {
            loaded.site.sources.insert_text(path, text);
        }
        (dir, loaded.site, loaded.diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::natural_key;
    use crate::progress::Progress;

    #[test]
    fn records_are_fingerprinted_only_where_a_ledger_or_a_publish_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("content/documents/d.md");
        std::fs::create_dir_all(doc.parent().unwrap()).unwrap();
        std::fs::write(dir.path().join("config.toml"), "").unwrap();
        std::fs::write(&doc, "+++\nkind = \"other\"\ntitle = \"通知\"\n+++\n正文\n").unwrap();
        let hash = |publishing: bool| {
            let loaded =
                crate::load::load_with(dir.path(), &Progress::default(), publishing).unwrap();
            let d = &loaded.site.documents[0].disclosure;
            assert!(d.read);
            d.hash
        };
        assert_eq!(hash(false), None, "a build without a ledger");
        let published = hash(true);
        assert!(published.is_some(), "a publish");
        std::fs::write(dir.path().join(crate::ledger::FILE), "").unwrap();
        assert_eq!(hash(false), published, "a build beside a ledger");
    }

    #[test]
    fn county_numbers_sort_as_people_count() {
        let mut numbers = vec![
            "永电商〔2020〕10号",
            "永电商〔2021〕1号",
            "永电商〔2020〕2号",
            "永电商〔2020〕02号",
            "A-3",
        ];
        numbers.sort_by_key(|n| natural_key(n));
        assert_eq!(
            numbers,
            [
                "A-3",
                "永电商〔2020〕2号",
                "永电商〔2020〕02号",
                "永电商〔2020〕10号",
                "永电商〔2021〕1号"
            ]
        );
    }
}
