//! The README's rule tables are made from the rule registry: a rule added, renamed or given
//! another meaning shows up here until README says the same.

use gongkai::diag::Severity;
use gongkai::rules;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn readme_rule_tables_come_from_the_registry() {
    let readme = readme();
    let mut stale = Vec::new();
    for severity in [Severity::Error, Severity::Warning] {
        let table = rules::markdown_table(severity);
        if !readme.contains(&table) {
            stale.push(format!("{severity:?}:\n{table}"));
        }
    }
    assert!(
        stale.is_empty(),
        "README.md's rule tables differ from the registry; paste these:\n\n{}",
        stale.join("\n")
    );
}

#[test]
fn every_rule_id_in_the_readme_tables_is_registered() {
    // A positive control for the test above: the tables list each rule once, and nothing else.
    let readme = readme();
    for r in rules::ALL {
        let row = format!("| `{}` |", r.id);
        assert_eq!(readme.matches(&row).count(), 1, "{} in README", r.id);
    }
}
