//! Stage 2, **check**: rules are pure functions over the loaded site. Each rule lives in its
//! own module with its id, the spec rule it enforces, and its tests; adding a rule means
//! adding it to `CHECKS` (or, when it reads the ledger's facts, to `LEDGER_CHECKS`).

mod backdated;
pub mod broken_link;
mod column_empty;
mod column_stale;
mod contractor_mismatch;
mod credit_code;
mod date_order;
mod deadline_overdue;
mod duplicate_id;
mod duplicate_location;
mod fund_overrun;
mod fund_sum_mismatch;
mod invalid_value;
mod ledger_fields;
mod ledger_tampered;
mod money_mismatch;
mod notice_window;
mod placeholder;
mod progress_late;
mod progress_missing;
mod prohibited_use;
mod publication_late;
mod record_removed;
pub mod registration;
mod required_field;
mod silent_change;
mod unknown_reference;
mod unsafe_content;

pub use credit_code::{organisation_check, valid_credit_code};
pub use fund_sum_mismatch::share;
pub use record_removed::usual_file;

use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::rules::{self, Rule};

/// A rule's check: the rule it reports (id, severity and meaning are declared there) and the
/// pure function that finds it.
pub struct Check {
    pub rule: &'static Rule,
    pub run: fn(&Site, &Derived) -> Vec<Diagnostic>,
}

pub const CHECKS: &[Check] = &[
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
    money_mismatch::RULE,
    date_order::RULE,
    placeholder::RULE,
    progress_missing::RULE,
    progress_late::RULE,
    publication_late::RULE,
    notice_window::RULE,
    deadline_overdue::RULE,
    column_stale::RULE,
    column_empty::RULE,
];

/// The checks that read the ledger's facts ([`Derived::add_ledger`]).
pub const LEDGER_CHECKS: &[Check] = &[
    ledger_fields::RULE,
    backdated::RULE,
    silent_change::RULE,
    record_removed::RULE,
    ledger_tampered::RULE,
];

/// What the money checks could not judge, in the webmaster's words: sources without a fixed
/// amount, sources the plan does not split among categories, categories with no split.
pub fn notes(site: &Site) -> Vec<String> {
    let Some(p) = &site.programme else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &p.sources {
        let name = crate::model::text(&s.name)
            .or(crate::model::text(&s.id))
            .unwrap_or("?");
        let Some(id) = crate::model::text(&s.id) else {
            continue;
        };
        if s.amount.is_none() {
            let basis = crate::model::text(&s.basis).unwrap_or("未写总额");
            out.push(format!(
                "“{name}”没有固定总额（{basis}）：它的板块分配合计和拨付总额未核对"
            ));
        } else if !p
            .categories
            .iter()
            .any(|c| c.allocations.iter().any(|(k, _)| k.value == id))
        {
            out.push(format!(
                "“{name}”在方案里没有分到各项目板块：板块分配合计未核对"
            ));
        }
    }
    for c in p.categories.iter().filter(|c| c.allocations.is_empty()) {
        let name = crate::model::text(&c.name)
            .or(crate::model::text(&c.id))
            .unwrap_or("?");
        out.push(format!(
            "项目板块“{name}”没有写资金分配：板块内项目的扶持资金是否超出未核对"
        ));
    }
    out
}

/// Runs every check, then says which years were counted without an official calendar.
pub fn run(site: &Site, derived: &Derived) -> Vec<Diagnostic> {
    let mut out = run_records(site, derived);
    out.extend(run_ledger(site, derived));
    out
}

/// The checks that read the ledger's facts.
pub fn run_ledger(site: &Site, derived: &Derived) -> Vec<Diagnostic> {
    LEDGER_CHECKS
        .iter()
        .flat_map(|check| (check.run)(site, derived))
        .collect()
}

/// Every check but the ledger's ([`run_ledger`]), then which years were counted without an
/// official calendar.
pub fn run_records(site: &Site, derived: &Derived) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = CHECKS
        .iter()
        .flat_map(|check| (check.run)(site, derived))
        .collect();
    for year in derived.ctx.calendar.guessed_years() {
        out.push(
            Diagnostic::new(
                rules::CALENDAR_YEAR,
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
    use crate::date::Date;
    pub use crate::derive::testing::{kept, site};
    use crate::derive::{Ctx, Derived, derive};
    use crate::model::Site;

    /// The site's facts as of `as_of` with default settings.
    pub fn at(site: &Site, as_of: &str) -> Derived {
        derive(site, Ctx::at(Date::parse(as_of).unwrap()))
    }
}
