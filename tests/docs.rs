//! The README's rule tables are made from the rule registry: a rule added, renamed or given
//! another meaning shows up here until README says the same.

use gongkai::diag::Severity;
use gongkai::rules;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The table of one severity in README, by its header row.
fn table_span(readme: &str, severity: Severity) -> std::ops::Range<usize> {
    let header = rules::markdown_table(severity);
    let header = header.lines().next().unwrap();
    let start = readme.find(header).expect("README has the rule table");
    let end = start + readme[start..].find("\n\n").unwrap_or(readme.len() - start) + 1;
    start..end
}

/// `GONGKAI_UPDATE_README=1 cargo test --test docs` writes the tables from the registry.
#[test]
fn readme_rule_tables_come_from_the_registry() {
    if std::env::var_os("GONGKAI_UPDATE_README").is_some() {
        let mut readme = readme();
        for severity in [Severity::Error, Severity::Warning] {
            let span = table_span(&readme, severity);
            readme.replace_range(span, &rules::markdown_table(severity));
        }
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), readme).unwrap();
    }
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
