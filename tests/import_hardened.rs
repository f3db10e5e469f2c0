//! Import reads only what it can read: Excel errors, date serials that are no dates, control
//! characters, duplicate header columns and ragged rows are reported by row and column, a
//! symbolic link is never followed out of the site, and a sheet padded with formatted blank
//! cells costs what its filled cells cost.

mod common;

use std::time::{Duration, Instant};

use common::{Site, stderr};
use rust_xlsxwriter::{Format, Formula, Workbook};

fn import(site: &Site, what: &str, file: &str, extra: &[&str]) -> (Option<i32>, String) {
    let path = site.path(file).to_str().unwrap().to_string();
    let mut args = vec!["import", what, path.as_str()];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    (out.status.code(), text)
}

const HEADER: [&str; 5] = [
    "项目编号",
    "项目名称",
    "扶持资金（万元）",
    "开工日期",
    "公开日期",
];

#[test]
fn excel_errors_and_date_serials_that_are_no_dates_are_reported() {
    let site = Site::from_fixture("spec-site");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (i, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    for (r, id) in ["zero-date", "na-funding", "good"].iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, format!("项目{r}")).unwrap();
        sheet.write_number(r, 2, 95.0).unwrap();
        sheet
            .write_number_with_format(r, 3, 44713.0, &date)
            .unwrap();
        sheet
            .write_number_with_format(r, 4, 44711.0, &date)
            .unwrap();
    }
    // A date cell holding 0 (Excel shows 1900-01-00) and a lookup that found nothing.
    sheet.write_number_with_format(1, 3, 0.0, &date).unwrap();
    sheet
        .write_formula(2, 2, Formula::new("VLOOKUP(A3,X:Y,2,0)").set_result("#N/A"))
        .unwrap();
    book.save(site.path("ledger.xlsx")).unwrap();
    let (code, text) = import(&site, "projects", "ledger.xlsx", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("第 2 行：无法读取：第 D 列“开工日期”日期单元格的值是 0"),
        "{text}"
    );
    assert!(
        text.contains("第 3 行：无法读取：第 C 列“扶持资金（万元）”是 Excel 错误值 #N/A"),
        "{text}"
    );
    assert!(site.path("content/projects/good/index.md").is_file());
    assert!(!site.path("content/projects/zero-date").exists());
    assert!(!site.path("content/projects/na-funding").exists());
}

#[test]
fn control_characters_in_cells_are_refused_like_in_files() {
    let site = Site::from_fixture("spec-site");
    site.write(
        "ledger.csv",
        "项目编号,项目名称,建设内容\nsoft-break,冷库,第一行\u{b}第二行\nnan-row,冷库二,正常\n",
    );
    let (code, text) = import(&site, "projects", "ledger.csv", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("第 2 行：无法读取：第 C 列“建设内容”含不可见的U+000B"),
        "{text}"
    );
    assert!(!site.path("content/projects/soft-break").exists());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "项目编号").unwrap();
    sheet.write_string(0, 1, "项目名称").unwrap();
    sheet.write_string(1, 0, "esc-name").unwrap();
    sheet.write_string(1, 1, "名称\u{1b}[2J").unwrap();
    book.save(site.path("ledger.xlsx")).unwrap();
    let (code, text) = import(&site, "projects", "ledger.xlsx", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("U+001B"), "{text}");
    assert!(!site.path("content/projects/esc-name").exists());
}

#[test]
fn duplicate_header_columns_are_refused() {
    let site = Site::from_fixture("spec-site");
    site.write(
        "ledger.csv",
        "项目编号,项目名称,承办单位,名称\ncold,冷库,某公司,另一个名称\n",
    );
    let (code, text) = import(&site, "projects", "ledger.csv", &[]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("表头第 B 列“项目名称”和第 D 列“名称”是同一项"),
        "{text}"
    );
    assert!(!site.path("content/projects/cold").exists());
}

#[test]
fn ragged_rows_are_reported() {
    let site = Site::from_fixture("spec-site");
    site.write(
        "ledger.csv",
        "项目编号,项目名称,扶持资金（万元）\nlong-row,冷库,1,000,500\nshort-row,冷库\nok-row,冷库,95\n",
    );
    let (code, text) = import(&site, "projects", "ledger.csv", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("第 2 行：无法读取：第 D 列这一行有 5 格，表头只有 3 列"),
        "{text}"
    );
    assert!(
        text.contains("第 3 行：无法读取：第 C 列“扶持资金（万元）”这一行只有 2 格"),
        "{text}"
    );
    assert!(site.path("content/projects/ok-row/index.md").is_file());
    assert!(!site.path("content/projects/long-row").exists());
}

#[test]
fn overwrite_never_follows_a_link_out_of_the_site() {
    let site = Site::from_fixture("spec-site");
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.md");
    let original = "+++\npublished = 2022-08-05\npercent = 1\n+++\n不属于站点的文件\n";
    std::fs::write(&victim, original).unwrap();
    let report = site.path("content/projects/county-service-center/progress/2022-09.md");
    std::os::unix::fs::symlink(&victim, &report).unwrap();
    site.write(
        "progress.csv",
        "项目编号,月份,完成比例,公开日期\ncounty-service-center,2022-09,100,2022-10-08\n",
    );
    let (code, text) = import(&site, "progress", "progress.csv", &["--overwrite"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("符号链接"), "{text}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), original);
    assert!(
        std::fs::symlink_metadata(&report)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_sheet_padded_with_formatted_blank_cells_costs_its_filled_cells() {
    let site = Site::from_fixture("spec-site");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    sheet.write_string(0, 0, "项目编号").unwrap();
    sheet.write_string(0, 1, "项目名称").unwrap();
    sheet.write_string(1, 0, "padded").unwrap();
    sheet.write_string(1, 1, "冷库").unwrap();
    // The sheet's last cell: a formatted blank in the bottom-right corner.
    sheet.write_blank(1_048_575, 16_383, &bold).unwrap();
    for r in (1000..1_048_575).step_by(1000) {
        sheet.write_blank(r, 16_383, &bold).unwrap();
    }
    book.save(site.path("ledger.xlsx")).unwrap();
    let started = Instant::now();
    let (code, text) = import(&site, "projects", "ledger.xlsx", &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(site.path("content/projects/padded/index.md").is_file());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
