//! `/data/column.json` (SPEC §8): the column described for machines, in the format that
//! `data/schema/column.schema.json` documents, naming every other data file by its SHA-256.

mod common;

use std::path::Path;

use common::Site;
use sha2::{Digest, Sha256};

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::repo().join("data/schema/column.schema.json"))
        .expect("the schema is in the repository");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the schema is a valid JSON Schema")
}

fn column(out: &Path) -> serde_json::Value {
    let bytes = std::fs::read(out.join("data/column.json")).expect("column.json written");
    serde_json::from_slice(&bytes).expect("column.json is JSON")
}

fn assert_valid(v: &serde_json::Value, what: &str) {
    let errors: Vec<String> = schema()
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

fn built(site: &Site, as_of: &str) -> std::path::PathBuf {
    let out = site.path("out");
    let run = site.build(as_of, &["--output", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", common::stderr(&run));
    out
}

#[test]
fn the_examples_column_json_follows_the_schema_and_names_each_file_by_its_hash() {
    let site = Site::example();
    let out = built(&site, "2023-06-01");
    let c = column(&out);
    assert_valid(&c, "example");
    assert_eq!(c["as_of"], "2023-06-01");
    assert_eq!(c["programme"]["plan"], "implementation-plan");
    assert_eq!(c["sources"][0]["central"], true);
    assert!(!c["channels"]["discipline"].as_array().unwrap().is_empty());
    let ledger = std::fs::read(out.join("data/ledger.jsonl")).unwrap();
    let last = ledger[..ledger.len() - 1]
        .rsplit(|b| *b == b'\n')
        .next()
        .unwrap();
    assert_eq!(
        c["ledger"]["head"],
        format!("sha256:{}", hex(&Sha256::digest(last)))
    );
    let files = c["files"].as_object().unwrap();
    assert!(files.len() >= 7, "{files:?}");
    for (name, d) in files {
        let bytes = std::fs::read(out.join("data").join(name)).unwrap();
        assert_eq!(d["sha256"], hex(&Sha256::digest(&bytes)), "{name}");
        assert_eq!(d["bytes"], bytes.len(), "{name}");
    }
}

#[test]
fn every_fixture_and_the_second_example_follow_the_schema() {
    for (site, as_of) in [
        (
            Site::copy_of(&common::repo().join("examples/yongtai")),
            "2020-12-31",
        ),
        (Site::from_fixture("markers"), "2022-12-01"),
        (Site::from_fixture("spec-site"), "2023-06-01"),
    ] {
        let out = site.path("out");
        let run = site.build(as_of, &["--output", out.to_str().unwrap()]);
        assert!(run.status.success(), "{}", common::stderr(&run));
        let c = column(&out);
        assert_valid(&c, &format!("{}", site.root().display()));
    }
}

#[test]
fn the_schema_rejects_what_it_should() {
    // A positive control: the schema is not so loose that anything passes.
    let site = Site::example();
    let out = built(&site, "2023-06-01");
    let good = column(&out);
    let v = schema();
    for (what, edit) in [
        (
            "no programme",
            &(|c: &mut serde_json::Value| {
                c.as_object_mut().unwrap().remove("programme");
            }) as &dyn Fn(&mut serde_json::Value),
        ),
        ("amount as a number", &|c| {
            c["sources"][0]["amount"] = 1000.into()
        }),
        ("a document of no known kind", &|c| {
            c["documents"][0]["kind"] = "memo".into()
        }),
        ("a head that is not a hash", &|c| {
            c["ledger"]["head"] = "abc".into()
        }),
        ("an unknown key", &|c| c["extra"] = true.into()),
    ] {
        let mut bad = good.clone();
        edit(&mut bad);
        assert!(!v.is_valid(&bad), "{what} should be rejected");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
