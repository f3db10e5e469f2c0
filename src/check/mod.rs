//! Stage 2, **check**: rules are pure functions over the loaded site. Each rule lives in its
//! own module with its id, the spec rule it enforces, and its tests; adding a rule means
//! adding it to `RULES` and nothing else.

mod credit_code;
mod duplicate_id;
mod invalid_value;
mod required_field;
mod unknown_reference;
mod unsafe_content;

pub use credit_code::valid_credit_code;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::model::Site;

/// What every rule may know besides the site.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub as_of: Date,
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
];

/// Runs every rule.
pub fn run(site: &Site, ctx: &Ctx) -> Vec<Diagnostic> {
    RULES
        .iter()
        .flat_map(|rule| (rule.run)(site, ctx))
        .collect()
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
