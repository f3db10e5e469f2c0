//! `gongkai init DIR`: a new site with one commented example of each record, dated around
//! today so that it builds cleanly at once, and a README for the webmaster.

use std::fs;
use std::path::Path;

use crate::calendar::WorkingCalendar;
use crate::date::{Date, Month};

/// (path in the new site, template text)
const FILES: &[(&str, &str)] = &[
    ("README.md", include_str!("init/README.md")),
    ("config.toml", include_str!("init/config.toml")),
    (
        "content/programme.toml",
        include_str!("init/programme.toml"),
    ),
    (
        "content/documents/implementation-plan.md",
        include_str!("init/content/documents/implementation-plan.md"),
    ),
    (
        "content/documents/fund-management.md",
        include_str!("init/content/documents/fund-management.md"),
    ),
    (
        "content/documents/decision-1.md",
        include_str!("init/content/documents/decision-1.md"),
    ),
    (
        "content/projects/county-service-center/index.md",
        include_str!("init/content/projects/county-service-center/index.md"),
    ),
    (
        "content/projects/county-service-center/progress/{{MONTH1}}.md",
        include_str!("init/content/projects/county-service-center/progress/first.md"),
    ),
    (
        "content/projects/county-service-center/progress/{{MONTH2}}.md",
        include_str!("init/content/projects/county-service-center/progress/second.md"),
    ),
    (
        "content/notices/award-county-service-center.md",
        include_str!("init/content/notices/award-county-service-center.md"),
    ),
    ("static/.gitkeep", ""),
];

fn months_before(m: Month, n: u32) -> Month {
    let index = m.year * 12 + m.month as i32 - 1 - n as i32;
    Month {
        year: index.div_euclid(12),
        month: index.rem_euclid(12) as u32 + 1,
    }
}

/// The dates of the example, all on working days and within every publishing window, for a
/// project that started three months before `today` and was completed the month after.
fn dates(today: Date) -> Vec<(&'static str, String)> {
    let cal = WorkingCalendar::official();
    let work = |d: Date| cal.roll_forward(d);
    let first = months_before(today.month(), 3);
    let second = first.next();
    let start = work(first.first_day());
    let decision = cal.add_working_days(start, 0).add_days(-28);
    let decision = work(decision);
    let award = work(decision.add_days(-7));
    let award_published = cal.add_working_days(award, 1);
    let plan = work(decision.add_days(-150));
    let rules = work(decision.add_days(-90));
    vec![
        ("{{YEAR}}", plan.year().to_string()),
        ("{{PLAN_YEAR}}", plan.year().to_string()),
        ("{{PLAN_ISSUED}}", plan.to_string()),
        (
            "{{PLAN_PUBLISHED}}",
            cal.add_working_days(plan, 2).to_string(),
        ),
        ("{{RULES_ISSUED}}", rules.to_string()),
        (
            "{{RULES_PUBLISHED}}",
            cal.add_working_days(rules, 2).to_string(),
        ),
        ("{{DECISION_YEAR}}", decision.year().to_string()),
        ("{{DECISION_ISSUED}}", decision.to_string()),
        (
            "{{DECISION_PUBLISHED}}",
            cal.add_working_days(decision, 1).to_string(),
        ),
        (
            "{{PROJECT_PUBLISHED}}",
            cal.add_working_days(decision, 5).to_string(),
        ),
        ("{{START}}", start.to_string()),
        (
            "{{COMPLETED}}",
            work(second.day(20)).min(second.day(28)).to_string(),
        ),
        ("{{DEADLINE}}", second.next().day(31).to_string()),
        ("{{PAID}}", work(start.add_days(10)).to_string()),
        ("{{MONTH1}}", first.to_string()),
        ("{{MONTH2}}", second.to_string()),
        ("{{MONTH1_LABEL}}", first.chinese()),
        ("{{MONTH1_PUBLISHED}}", work(second.day(5)).to_string()),
        (
            "{{MONTH2_PUBLISHED}}",
            work(second.next().day(5)).to_string(),
        ),
        ("{{AWARD_EVENT}}", award.to_string()),
        ("{{AWARD_PUBLISHED}}", award_published.to_string()),
        (
            "{{AWARD_UNTIL}}",
            cal.add_working_days(award_published, 1).to_string(),
        ),
    ]
}

/// Writes the new site into `dir`, which must not exist or be empty.
pub fn init(dir: &Path, today: Date) -> Result<usize, String> {
    if dir.exists()
        && fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} 已存在且不是空文件夹：请换一个新文件夹名",
            dir.display()
        ));
    }
    let dates = dates(today);
    let fill = |text: &str| {
        dates
            .iter()
            .fold(text.to_string(), |t, (k, v)| t.replace(k, v))
    };
    for (path, text) in FILES {
        let target = dir.join(fill(path));
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("无法创建 {}：{e}", parent.display()))?;
        }
        fs::write(&target, fill(text))
            .map_err(|e| format!("无法写入 {}：{e}", target.display()))?;
    }
    Ok(FILES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_for_any_day_of_a_year() {
        // The control: the files do hold placeholders to fill.
        assert!(FILES.iter().any(|(_, text)| text.contains("{{")));
        let mut day = Date::parse("2025-01-01").unwrap();
        while day < Date::parse("2026-12-31").unwrap() {
            let dates = dates(day);
            for (_, text) in FILES {
                let filled = dates
                    .iter()
                    .fold(text.to_string(), |t, (k, v)| t.replace(k, v));
                assert!(!filled.contains("{{"), "{day}: {filled}");
            }
            day = day.add_days(7);
        }
    }
}
