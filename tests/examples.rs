//! The second example site, `examples/yongtai`: a county plan written as the county wrote it
//! (two decisions for one project, 21 towns, a draft and its final fund rules, a closed
//! programme). It must stay clean at every date its README names, pass the spot check, keep its
//! ledger intact, and build.

mod common;

use common::{Site, stderr};

fn yongtai() -> Site {
    Site::copy_of(&common::repo().join("examples/yongtai"))
}

#[test]
fn the_second_example_checks_clean_during_and_after_the_programme() {
    let site = yongtai();
    for as_of in ["2020-06-15", "2020-11-20", "2021-02-27", "2026-11-25"] {
        let findings = site.findings(as_of);
        assert!(findings.is_empty(), "as of {as_of}: {findings:#?}");
    }
}

#[test]
fn the_second_example_passes_the_spot_check() {
    let site = yongtai();
    let out = site.run(&["check", "--spot-check", "--as-of", "2026-11-25"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(text.contains("结论：通过"), "{text}");
}

#[test]
fn the_second_example_published_twice_verifies_as_one_history() {
    let site = yongtai();
    let (old, new) = (site.path("old"), site.path("new"));
    for (as_of, out) in [("2020-11-20", &old), ("2026-11-25", &new)] {
        let run = site.build(as_of, &["--output", out.to_str().unwrap()]);
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let out = std::process::Command::new(common::BIN)
        .arg("verify")
        .args([&old, &new])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}

#[test]
fn the_second_example_builds_with_both_decisions_of_the_shared_project() {
    let site = yongtai();
    let out = site.build("2026-11-25", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.read("public/projects/service-center/index.html");
    for number in ["永政文〔2020〕56号", "永政文〔2020〕63号"] {
        assert!(page.contains(number), "project page lacks {number}");
    }
}

#[test]
fn a_project_of_two_decisions_goes_out_in_the_open_data_and_comes_back_by_import() {
    let site = yongtai();
    let out = site.build("2026-11-25", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/data/projects.json")).unwrap();
    let center = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "service-center")
        .unwrap();
    let ids: Vec<&str> = center["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["decision-2020-56", "decision-2020-63"]);
    assert_eq!(center["decision"], "decision-2020-56");
    let csv = site.read("public/data/projects.csv");
    assert!(
        csv.contains("永政文〔2020〕56号；永政文〔2020〕63号"),
        "{csv}"
    );

    // The webmaster loses the second decision by hand; importing the column's own CSV back
    // (with --overwrite, the sheet being the truth) restores it.
    let rel = "content/projects/service-center/index.md";
    site.replace(
        rel,
        "decision = [\"decision-2020-56\", \"decision-2020-63\"]",
        "decision = \"decision-2020-56\"",
    );
    let sheet = site.path("public/data/projects.csv");
    let out = site.run(&["import", "projects", sheet.to_str().unwrap(), "--overwrite"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    let text = site.read(rel);
    assert!(
        text.contains("decision = [\"decision-2020-56\", \"decision-2020-63\"]"),
        "{text}"
    );
}
