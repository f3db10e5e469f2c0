//! Importing the ledger: CSV in UTF-8 and GB18030, `.xlsx` directly, bad rows reported by number,
//! and re-imports that never lose a hand edit without saying so.

mod common;

use std::process::Output;

use common::{Site, stderr};

const HEADER: &str = "项目编号,项目名称,项目板块,决策文件,承办单位,统一社会信用代码,承办单位责任人,扶持资金（万元）,开工日期,完成时限,公开日期,建设内容,绩效目标";
const ROW: &str = "cold-store,冷库建设,健全县镇村三级物流配送体系,乳工信〔2022〕15号,韶关市鲜丰冷链物流有限公司,91440200MA52G6T30E,陈永强,95,2022/6/1,2022-08-31,2022年5月30日,建设不低于 100 平方米的冷库。,冷库面积：100 平方米；冷链车 1 辆";

fn import(site: &Site, what: &str, file: &str, extra: &[&str]) -> (Output, String) {
    let path = site.path(file).to_str().unwrap().to_string();
    let mut args = vec!["import", what, path.as_str()];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out, text)
}

const NEW: &str = "content/projects/cold-store/index.md";

fn assert_imported(site: &Site) {
    let text = site.read(NEW);
    for want in [
        "name = \"冷库建设\"",
        "category = \"logistics\"",
        "decision = \"decision-2022-15\"",
        "published = 2022-05-30",
        "start = 2022-06-01",
        "deadline = 2022-08-31",
        "[contractor]",
        "responsible = \"陈永强\"",
        "credit_code = \"91440200MA52G6T30E\"",
        "[funding]",
        "central = 95",
        "[[targets]]",
        "indicator = \"冷库面积\"",
        "target = 100",
        "unit = \"平方米\"",
        "建设不低于 100 平方米的冷库。",
    ] {
        assert!(text.contains(want), "{want} in:\n{text}");
    }
    let f = site.findings("2022-06-15");
    // Findings about the project itself (a column's staleness may point at its newest record,
    // which this project now is).
    let about: Vec<_> = f
        .iter()
        .filter(|f| f.file == NEW && !f.rule.starts_with("column-"))
        .collect();
    assert!(
        about.is_empty(),
        "the imported project is complete: {about:#?}"
    );
}

#[test]
fn utf8_csv_with_a_byte_order_mark() {
    let site = Site::from_fixture("spec-site");
    site.write("ledger.csv", format!("\u{feff}{HEADER}\r\n{ROW}\r\n"));
    let (out, text) = import(&site, "projects", "ledger.csv", &[]);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("第 2 行：新建 content/projects/cold-store/index.md"),
        "{text}"
    );
    assert_imported(&site);
}

#[test]
fn gb18030_csv_as_excel_saves_it_on_chinese_windows() {
    let site = Site::from_fixture("spec-site");
    let text = format!("{HEADER}\r\n{ROW}\r\n");
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    site.write("ledger.csv", gb.as_ref());
    let (out, text) = import(&site, "projects", "ledger.csv", &[]);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert_imported(&site);
}

#[test]
fn xlsx_with_real_dates_and_numbers() {
    let site = Site::from_fixture("spec-site");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (i, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, i as u16, h).unwrap();
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (i, v) in ROW.split(',').enumerate() {
        let col = i as u16;
        match i {
            7 => {
                sheet.write_number(1, col, 95.0).unwrap();
            }
            8..=10 => {
                let d = match i {
                    8 => rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 6, 1),
                    9 => rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 8, 31),
                    _ => rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 5, 30),
                }
                .unwrap();
                sheet
                    .write_datetime_with_format(1, col, &d, &date_format)
                    .unwrap();
            }
            _ => {
                sheet.write_string(1, col, v).unwrap();
            }
        }
    }
    book.save(site.path("ledger.xlsx")).unwrap();
    let (out, text) = import(&site, "projects", "ledger.xlsx", &[]);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert_imported(&site);
}

#[test]
fn bad_rows_are_reported_by_number_and_the_rest_imported() {
    let site = Site::from_fixture("spec-site");
    let bad_date = ROW
        .replace("cold-store", "cold-two")
        .replace("2022-08-31", "八月底");
    let bad_id = ROW.replace("cold-store", "冷库");
    let unknown_category = ROW
        .replace("cold-store", "cold-three")
        .replace("健全县镇村三级物流配送体系", "冷链板块");
    site.write(
        "ledger.csv",
        format!("{HEADER}\n{bad_date}\n{ROW}\n{bad_id}\n\n{unknown_category}\n"),
    );
    let (out, text) = import(&site, "projects", "ledger.csv", &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("第 2 行：无法读取：完成时限“八月底”不是日期"),
        "{text}"
    );
    assert!(
        text.contains("第 4 行：无法读取：“冷库”不能用作网址代码（只能用小写英文字母、数字和 -）"),
        "{text}"
    );
    assert!(
        text.contains("第 6 行：无法读取：项目板块“冷链板块”在 programme.toml 里没有"),
        "{text}"
    );
    assert!(
        text.contains("新建 1 个文件") && text.contains("3 行无法读取"),
        "{text}"
    );
    assert!(site.path(NEW).is_file());
    assert!(
        !site.path("content/projects/cold-two").exists(),
        "nothing half-written for a bad row"
    );
}

#[test]
fn reimporting_keeps_hand_edits_and_says_so() {
    let site = Site::from_fixture("spec-site");
    site.write("ledger.csv", format!("{HEADER}\n{ROW}\n"));
    import(&site, "projects", "ledger.csv", &[]);
    // The webmaster fixes the deadline by hand and adds a comment.
    site.replace(
        NEW,
        "deadline = 2022-08-31",
        "deadline = 2022-09-30 # 经批准延期",
    );
    let (_, text) = import(&site, "projects", "ledger.csv", &[]);
    assert!(
        text.contains("deadline 是 2022-09-30，表格写的是 2022-08-31：未覆盖"),
        "{text}"
    );
    assert!(
        text.contains("新建 0 个文件，已更新 0 个字段；1 处与文件不同未覆盖"),
        "{text}"
    );
    assert!(
        site.read(NEW)
            .contains("deadline = 2022-09-30 # 经批准延期")
    );
    // A field missing from the file is filled in.
    site.replace(NEW, "responsible = \"陈永强\"\n", "");
    let (_, text) = import(&site, "projects", "ledger.csv", &[]);
    assert!(text.contains("已更新 1 个字段"), "{text}");
    assert!(site.read(NEW).contains("responsible = \"陈永强\""));
    // With --overwrite the sheet wins, and the change is named.
    let (_, text) = import(&site, "projects", "ledger.csv", &["--overwrite"]);
    assert!(
        text.contains("deadline：2022-09-30 改为 2022-08-31"),
        "{text}"
    );
    assert!(site.read(NEW).contains("deadline = 2022-08-31"));
}

#[test]
fn progress_from_the_ledger_and_a_dry_run() {
    let site = Site::from_fixture("spec-site");
    site.write(
        "progress.csv",
        "项目名称,月份,完成比例,累计拨付（万元）,公开日期,进度说明,绩效完成情况\n升级电商产业园和县级电子商务公共服务中心,2022年9月,100%,45,2022-10-08,收尾验收准备。,电商产业园入驻企业：11 家\n",
    );
    let (_, text) = import(&site, "progress", "progress.csv", &["--dry-run"]);
    assert!(text.contains("将新建 1 个文件"), "{text}");
    let report = "content/projects/county-service-center/progress/2022-09.md";
    assert!(!site.path(report).exists(), "a dry run writes nothing");
    let (out, text) = import(&site, "progress", "progress.csv", &[]);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let written = site.read(report);
    assert!(
        written.contains("published = 2022-10-08")
            && written.contains("percent = 100")
            && written.contains("收尾验收准备。")
            && written.contains("[[actuals]]\nindicator = \"电商产业园入驻企业\"\nvalue = 11"),
        "{written}"
    );
    let (_, again) = import(&site, "progress", "progress.csv", &[]);
    assert!(
        again.contains("新建 0 个文件，已更新 0 个字段；0 处与文件不同未覆盖"),
        "idempotent: {again}"
    );
    let f = site.findings("2023-06-01");
    assert!(f.iter().all(|f| f.file != report), "{f:#?}");
}

#[test]
fn amounts_headed_in_yuan_become_wan_yuan() {
    let site = Site::from_fixture("spec-site");
    let header = HEADER.replace("扶持资金（万元）", "扶持资金（元）");
    let row = ROW.replace(",95,", ",\"950,000\",");
    site.write("ledger.csv", format!("{header}\n{row}\n"));
    let (out, text) = import(&site, "projects", "ledger.csv", &[]);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert_imported(&site);
}
