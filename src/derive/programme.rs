//! The programme as it stands on the as-of date: money arrived and pending by tranche, the
//! programme targets with what the projects serving them plan and have achieved, the phase
//! the plan is in, and each project's public number.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::ProjectFacts;
use crate::date::Date;
use crate::model::*;
use crate::money::Money;

/// A source's money on the as-of date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFacts {
    /// Arrived: the tranches that have arrived, or the whole amount when there are none.
    pub arrived: Money,
    /// Announced but not arrived yet.
    pub pending: Money,
}

/// A programme target with what the public projects serving it plan and have achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFacts {
    /// The sum of the targets of the projects that name it.
    pub planned: Decimal,
    /// The sum of their latest reported results.
    pub achieved: Decimal,
    /// How many project targets serve it.
    pub projects: usize,
    /// How many of those have a reported result (the others add nothing to `achieved`).
    pub reported: usize,
}

/// Where a phase stands on the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseState {
    Done,
    Current,
    Upcoming,
}

impl PhaseState {
    pub fn key(self) -> &'static str {
        match self {
            PhaseState::Done => "done",
            PhaseState::Current => "current",
            PhaseState::Upcoming => "upcoming",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PhaseState::Done => "已结束",
            PhaseState::Current => "进行中",
            PhaseState::Upcoming => "未开始",
        }
    }
}

#[derive(Debug, Default)]
pub struct ProgrammeFacts {
    /// By source, in the programme's order.
    pub sources: Vec<SourceFacts>,
    /// By programme target, in the programme's order.
    pub targets: Vec<TargetFacts>,
    /// By phase, in the programme's order.
    pub phases: Vec<PhaseState>,
    /// Each project's number as the public reads it: the county's own `number`, or one derived
    /// from the order projects were published in (`2021-03`), which later projects never change.
    pub numbers: Vec<String>,
}

pub fn facts(site: &Site, as_of: Date, projects: &[ProjectFacts]) -> ProgrammeFacts {
    let empty = Programme::default();
    let p = site.programme.as_ref().unwrap_or(&empty);
    let sources = p
        .sources
        .iter()
        .map(|s| {
            if s.tranches.is_empty() {
                return SourceFacts {
                    arrived: val(&s.amount).copied().unwrap_or_default(),
                    pending: Money::ZERO,
                };
            }
            let mut f = SourceFacts::default();
            for t in &s.tranches {
                let amount = val(&t.amount).copied().unwrap_or_default();
                if val(&t.arrived).is_some_and(|d| *d <= as_of) {
                    f.arrived += amount;
                } else {
                    f.pending += amount;
                }
            }
            f
        })
        .collect();
    // What each public project's targets give each programme target.
    let mut by_target: BTreeMap<&str, TargetFacts> = BTreeMap::new();
    for (project, f) in site.projects.iter().zip(projects).filter(|(_, f)| f.public) {
        let latest: BTreeMap<&str, Decimal> = f
            .reports
            .iter()
            .flat_map(|i| project.progress[*i].actuals.iter())
            .filter_map(|a| Some((text(&a.indicator)?, *val(&a.value)?)))
            .collect();
        for t in &project.targets {
            let Some(serves) = text(&t.programme) else {
                continue;
            };
            let entry = by_target.entry(serves).or_default();
            entry.projects += 1;
            entry.planned += val(&t.target).copied().unwrap_or_default();
            if let Some(achieved) = text(&t.indicator).and_then(|i| latest.get(i)) {
                entry.achieved += *achieved;
                entry.reported += 1;
            }
        }
    }
    let targets = p
        .targets
        .iter()
        .map(|t| {
            text(&t.id)
                .and_then(|id| by_target.get(id))
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    // A phase without a start date (a plan that gives only the date each phase ends by) runs
    // from when the phases before it ended: it is current while it is the first not done.
    let mut first_open = true;
    let phases = p
        .phases
        .iter()
        .map(|ph| {
            let state = match (val(&ph.start), val(&ph.end)) {
                (_, Some(end)) if *end < as_of => PhaseState::Done,
                (Some(start), _) if *start > as_of => PhaseState::Upcoming,
                (Some(_), _) => PhaseState::Current,
                (None, _) if first_open => PhaseState::Current,
                (None, _) => PhaseState::Upcoming,
            };
            if state != PhaseState::Done {
                first_open = false;
            }
            state
        })
        .collect();
    ProgrammeFacts {
        sources,
        targets,
        phases,
        numbers: numbers(site),
    }
}

/// Public numbers, parallel to the site's projects: the county's own where given; else the
/// programme year and the project's place among all projects in the order they were published
/// (then by id), so that a project published later never renumbers an earlier one.
fn numbers(site: &Site) -> Vec<String> {
    let year = site
        .programme
        .as_ref()
        .and_then(|p| val(&p.year).copied())
        .map_or(String::new(), |y| format!("{y}-"));
    let mut order: Vec<usize> = (0..site.projects.len()).collect();
    order.sort_by_key(|i| {
        let p = &site.projects[*i];
        (val(&p.published).copied(), p.id.clone())
    });
    let width = order.len().to_string().len().max(2);
    let mut out = vec![String::new(); site.projects.len()];
    for (rank, i) in order.into_iter().enumerate() {
        let p = &site.projects[i];
        out[i] = match text(&p.number) {
            Some(n) => n.to_string(),
            None => format!("{year}{:0width$}", rank + 1),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::{Ctx, derive, testing::site};

    const PROGRAMME: &str = "year = 2021\n[[sources]]\nid = \"central\"\namount = 1000\n[[sources.tranches]]\nname = \"首批\"\namount = 600\narrived = 2021-12-20\n[[sources.tranches]]\nname = \"中期评估后\"\namount = 400\ncondition = \"中期评估合格后下达\"\n[[targets]]\nid = \"trainees\"\nindicator = \"培训人次\"\ntarget = 1500\nunit = \"人次\"\n[[phases]]\nname = \"实施阶段\"\nstart = 2022-06-01\nend = 2022-12-31\n";

    fn at(as_of: &str, files: &[(&str, &str)]) -> crate::derive::Derived {
        let mut all = vec![("config.toml", ""), ("content/programme.toml", PROGRAMME)];
        all.extend_from_slice(files);
        let (s, _) = site(&all);
        derive(&s, Ctx::at(crate::date::Date::parse(as_of).unwrap()))
    }

    #[test]
    fn tranches_arrive_targets_roll_up_phases_run() {
        let project = "+++\npublished = 2022-05-30\nstart = 2022-06-01\n[[targets]]\nindicator = \"培训人次\"\ntarget = 900\nprogramme = \"trainees\"\n+++\nx\n";
        let report = "+++\npublished = 2022-07-05\n[[actuals]]\nindicator = \"培训人次\"\nvalue = 320\n+++\n";
        let files = [
            ("content/projects/a/index.md", project),
            ("content/projects/a/progress/2022-06.md", report),
            (
                "content/projects/b/index.md",
                &project.replace("900", "600"),
            ),
        ];
        let d = at("2021-12-19", &files);
        assert_eq!(d.programme.sources[0].arrived, Money::ZERO);
        assert_eq!(d.programme.sources[0].pending.to_string(), "1000");
        let d = at("2022-07-05", &files);
        assert_eq!(d.programme.sources[0].arrived.to_string(), "600");
        assert_eq!(d.programme.sources[0].pending.to_string(), "400");
        let t = &d.programme.targets[0];
        assert_eq!(
            (
                t.planned.to_string(),
                t.achieved.to_string(),
                t.projects,
                t.reported
            ),
            ("1500".into(), "320".into(), 2, 1)
        );
        assert_eq!(d.programme.phases, [PhaseState::Current]);
        assert_eq!(
            at("2023-01-01", &files).programme.phases,
            [PhaseState::Done]
        );
        assert_eq!(
            at("2022-05-31", &files).programme.phases,
            [PhaseState::Upcoming]
        );
    }

    #[test]
    fn numbers_follow_publication_and_keep_the_countys_own() {
        let p = |published: &str, number: &str| {
            format!("+++\npublished = {published}\n{number}+++\nx\n")
        };
        let (s, _) = site(&[
            ("config.toml", ""),
            ("content/programme.toml", "year = 2021\n"),
            ("content/projects/zeta/index.md", &p("2022-05-01", "")),
            ("content/projects/alpha/index.md", &p("2022-06-01", "")),
            (
                "content/projects/own/index.md",
                &p("2022-04-01", "number = \"乳电商〔2022〕1号\"\n"),
            ),
        ]);
        let n = numbers(&s);
        let of = |id: &str| n[s.project_index(id).unwrap()].clone();
        assert_eq!(of("own"), "乳电商〔2022〕1号");
        assert_eq!(of("zeta"), "2021-02");
        assert_eq!(of("alpha"), "2021-03");
    }
}
