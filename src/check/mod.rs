//! Stage 2, **check**: rules are pure functions over the loaded site. Each rule lives in its
//! own module with its id, the spec rule it enforces, and its tests; adding a rule means
//! adding it to `RULES` and nothing else.

mod contractor_mismatch;
mod credit_code;
mod deadline_overdue;
mod duplicate_id;
mod duplicate_location;
mod fund_overrun;
mod fund_sum_mismatch;
mod invalid_value;
mod notice_window;
mod progress_late;
mod progress_missing;
mod prohibited_use;
mod publication_late;
mod required_field;
mod unknown_reference;
mod unsafe_content;

pub use credit_code::valid_credit_code;
pub use fund_sum_mismatch::share;

use crate::calendar::WorkingCalendar;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::model::Site;

/// What every rule (and every page) may know besides the site: the date things are judged
/// at, the working-day calendar and the site's rule settings.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub as_of: Date,
    pub calendar: WorkingCalendar,
    /// Progress for month M is due on this day of month M+1.
    pub progress_due_day: u32,
    /// R6: working days allowed between a record's creation and its publication.
    pub publication_working_days: u32,
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
        }
    }

    /// Default settings, for tests.
    pub fn at(as_of: Date) -> Ctx {
        Ctx {
            as_of,
            calendar: WorkingCalendar::official(),
            progress_due_day: 10,
            publication_working_days: 20,
        }
    }
}

pub struct Rule {
    pub id: &'static str,
    /// The rule of SPEC §2 it enforces, or the part of the contract it protects.
    pub source: &'static str,
    pub run: fn(&Site, &Ctx) -> Vec<Diagnostic>,
}

pub const RULES: &[Rule] = &[
    required_field::RULE,
    invalid_value::RULE,
    unknown_reference::RULE,
    duplicate_id::RULE,
    credit_code::RULE,
    unsafe_content::RULE,
    fund_sum_mismatch::RULE,
    fund_overrun::RULE,
    prohibited_use::RULE,
    duplicate_location::VILLAGE,
    duplicate_location::ROUTE,
    contractor_mismatch::RULE,
    progress_missing::RULE,
    progress_late::RULE,
    publication_late::RULE,
    notice_window::RULE,
    deadline_overdue::RULE,
];

/// Rule id of the warning given when a check needed a year the calendar does not know.
pub const CALENDAR_YEAR: &str = "calendar-year";

/// Runs every rule, then says which years were counted without an official calendar.
pub fn run(site: &Site, ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = RULES
        .iter()
        .flat_map(|rule| (rule.run)(site, ctx))
        .collect();
    for year in ctx.calendar.guessed_years() {
        out.push(
            Diagnostic::warning(
                CALENDAR_YEAR,
                &site.config.file,
                format!(
                    "内置日历还没有 {year} 年的法定节假日和调休安排，本次检查按周一至周五为工作日计算 {year} 年的期限"
                ),
            )
            .hint(format!(
                "国务院办公厅公布 {year} 年安排后，升级 gongkai，或在 config.toml 里逐日补充 [[calendar.holidays]] date = {year}-01-01 和 [[calendar.workdays]]"
            )),
        );
    }
    out
}

#[cfg(test)]
pub(crate) mod testing {
    //! Small sites built in memory for rule tests.
    use crate::load::load;
    use crate::model::Site;

    /// Loads a site from (path, text) pairs written into a temporary folder.
    pub fn site(files: &[(&str, &str)]) -> (Site, Vec<crate::diag::Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let loaded = load(dir.path()).unwrap();
        (loaded.site, loaded.diagnostics)
    }
}
