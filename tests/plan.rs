//! The plan as counties write it: money in tranches, sources without a fixed amount, categories
//! without a split, programme targets that projects serve, phases, a project approved by two
//! decisions, town locations, drafts for comment — each said in the content format, checked,
//! and shown.

mod common;

use common::{Site, only};

const AS_OF: &str = "2023-06-01";
const PROGRAMME: &str = "content/programme.toml";
const P: &str = "content/projects/county-service-center/index.md";

#[test]
fn tranches_add_up_to_their_source() {
    let site = Site::from_fixture("spec-site");
    let tranches = "amount = 1000\n[[sources.tranches]]\nname = \"首批\"\namount = 600\narrived = 2022-03-01\n[[sources.tranches]]\nname = \"中期评估后\"\namount = 400\ncondition = \"中期评估合格后下达\"\n";
    site.replace(PROGRAMME, "amount = 1000\n", tranches);
    assert!(
        site.findings(AS_OF).is_empty(),
        "{:#?}",
        site.findings(AS_OF)
    );
    site.replace(PROGRAMME, "amount = 400\n", "amount = 399\n");
    let f = site.findings(AS_OF);
    let m = only(&f, "fund-sum-mismatch");
    assert_eq!(m.field.as_deref(), Some("sources[1].amount"));
    assert!(
        m.message.contains("分批到位的金额合计 999"),
        "{}",
        m.message
    );
}

#[test]
fn what_the_plan_does_not_fix_is_skipped_and_said() {
    let site = Site::from_fixture("spec-site");
    // County funds with no fixed amount and no split: no finding, and a note says so.
    site.replace(
        PROGRAMME,
        "id = \"county\"\nname = \"县级配套资金\"\namount = 120\n",
        "id = \"county\"\nname = \"县级配套资金\"\nbasis = \"以实际申报支出为准\"\n",
    );
    site.replace(
        PROGRAMME,
        "allocations = { central = 650, county = 120 }\nshares = { central = \"65%\", county = \"100%\" }",
        "allocations = { central = 650 }\nshares = { central = \"65%\" }",
    );
    let (code, json) = site.check_json(AS_OF);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{json:#}");
    let notes: Vec<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("县级配套资金") && notes[0].contains("以实际申报支出为准"));
    // Without a basis the amount is still required.
    site.replace(PROGRAMME, "basis = \"以实际申报支出为准\"\n", "");
    assert_eq!(
        only(&site.findings(AS_OF), "required-field")
            .field
            .as_deref(),
        Some("sources[2].amount")
    );
}

#[test]
fn categories_named_without_a_split() {
    let site = Site::from_fixture("spec-site");
    let text = site.read(PROGRAMME);
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("allocations") && !l.starts_with("shares"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write(PROGRAMME, without);
    let (code, json) = site.check_json(AS_OF);
    assert_eq!(code, 0, "no invented split is needed: {json:#}");
    assert!(json["notes"].as_array().unwrap().len() >= 3, "{json:#}");
}

#[test]
fn project_targets_serve_programme_targets_by_id() {
    let site = Site::from_fixture("spec-site");
    site.write(
        PROGRAMME,
        site.read(PROGRAMME)
            + "\n[[targets]]\nid = \"park-firms\"\nindicator = \"电商产业园入驻企业\"\ntarget = 30\nunit = \"家\"\n",
    );
    site.replace(
        P,
        "unit = \"家\"\n",
        "unit = \"家\"\nprogramme = \"park-firm\"\n",
    );
    let f = site.findings(AS_OF);
    let u = only(&f, "unknown-reference");
    assert_eq!(u.field.as_deref(), Some("targets[1].programme"));
    assert!(u.message.contains("park-firm"));
    site.replace(P, "programme = \"park-firm\"", "programme = \"park-firms\"");
    assert!(site.findings(AS_OF).is_empty());
}

#[test]
fn two_decisions_a_town_and_a_draft() {
    let site = Site::from_fixture("spec-site");
    site.replace(
        P,
        "decision = \"decision-2022-15\"",
        "decision = [\"decision-2022-15\", \"decision-2022-16\"]",
    );
    let f = site.findings(AS_OF);
    assert!(
        only(&f, "unknown-reference")
            .message
            .contains("decision-2022-16")
    );
    site.write(
        "content/documents/decision-2022-16.md",
        site.read("content/documents/decision-2022-15.md"),
    );
    site.replace(
        P,
        "village = \"乳城镇新兴村\"",
        "town = \"大桥镇\"\nvillage = \"乳城镇新兴村\"",
    );
    site.write(
        "content/documents/plan-draft.md",
        "+++\nkind = \"draft\"\ntitle = \"示范工作实施方案（征求意见稿）\"\nissued = 2022-03-01\npublished = 2022-03-02\n+++\n正文。\n",
    );
    let f = site.findings(AS_OF);
    let r = only(&f, "required-field");
    assert_eq!(
        (r.file.as_str(), r.field.as_deref()),
        ("content/documents/plan-draft.md", Some("comment_until"))
    );
    site.replace(
        "content/documents/plan-draft.md",
        "published = 2022-03-02\n",
        "published = 2022-03-02\ncomment_until = 2022-03-01\n",
    );
    assert_eq!(
        only(&site.findings(AS_OF), "date-order").field.as_deref(),
        Some("comment_until")
    );
    site.replace(
        "content/documents/plan-draft.md",
        "comment_until = 2022-03-01",
        "comment_until = 2022-03-16",
    );
    assert!(
        site.findings(AS_OF).is_empty(),
        "{:#?}",
        site.findings(AS_OF)
    );
}

#[test]
fn phases_in_order() {
    let site = Site::from_fixture("spec-site");
    site.write(
        PROGRAMME,
        site.read(PROGRAMME)
            + "\n[[phases]]\nname = \"实施阶段\"\nstart = 2022-06-01\nend = 2022-05-31\ndeliverables = \"完成各项目建设\"\n",
    );
    let f = site.findings(AS_OF);
    assert_eq!(
        only(&f, "date-order").field.as_deref(),
        Some("phases[1].end")
    );
}
