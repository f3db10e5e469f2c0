//! The column's totals on the as-of date, over public records: money by category and source,
//! completion, projects by status, and disclosures due by how they were made.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::project::{ProjectFacts, Status};
use super::timeliness::Timeliness;
use super::{DocumentFacts, NoticeFacts};
use crate::model::*;
use crate::money::Money;

/// Counts of disclosures due: project and document publications (R6), monthly reports (R2)
/// and procurement notices (R7).
#[derive(serde::Serialize, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub due: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

#[derive(Debug, Default)]
pub struct Totals {
    /// Funding and payments (by the disbursement lists) of public projects, by (category id,
    /// source id).
    pub spend: BTreeMap<(String, String), (Money, Money)>,
    /// Funding of public projects.
    pub funded: Money,
    /// Paid out to public projects, by each project's own figure.
    pub disbursed: Money,
    /// Completion of public projects weighted by their funding, in percent.
    pub completion: Option<Decimal>,
    /// Public projects in each status, in `Status::ALL` order.
    pub statuses: [usize; 5],
    pub disclosures: Tally,
}

impl Totals {
    pub fn new(
        site: &Site,
        as_of: crate::date::Date,
        listed: &[usize],
        projects: &[ProjectFacts],
        documents: &[DocumentFacts],
        notices: &[NoticeFacts],
    ) -> Totals {
        let public = || listed.iter().map(|i| (&site.projects[*i], &projects[*i]));
        let mut spend: BTreeMap<(String, String), (Money, Money)> = BTreeMap::new();
        for (p, _) in public() {
            let cat = text(&p.category).unwrap_or_default().to_string();
            for (k, m) in &p.funding.entries {
                spend.entry((cat.clone(), k.value.clone())).or_default().0 += m.value;
            }
            for d in &p.disbursements {
                if let (Some(date), Some(amount), Some(src)) =
                    (val(&d.date), val(&d.amount), text(&d.source))
                    && *date <= as_of
                {
                    spend.entry((cat.clone(), src.to_string())).or_default().1 += *amount;
                }
            }
        }
        let funded: Money = public().map(|(_, f)| f.funding_total).sum();
        let disbursed: Money = public().map(|(_, f)| f.disbursed).sum();
        let weighted: Decimal = public()
            .map(|(_, f)| f.percent.unwrap_or_default() * f.funding_total.0)
            .sum();
        let mut statuses = [0; 5];
        for (_, f) in public() {
            let i = Status::ALL.iter().position(|s| *s == f.status).unwrap_or(0);
            statuses[i] += 1;
        }
        let mut t = Tally::default();
        let mut count = |late: bool| if late { t.late += 1 } else { t.on_time += 1 };
        for (_, f) in public() {
            if let Some(x) = f.publication {
                count(x.is_late());
            }
        }
        for d in documents {
            if let Some(x) = d.publication {
                count(x.is_late());
            }
        }
        for n in notices.iter().filter(|n| n.public && !n.windows.is_empty()) {
            count(n.missed_a_window());
        }
        for (_, f) in public() {
            for m in &f.months {
                match m.state {
                    Timeliness::OnTime => t.on_time += 1,
                    Timeliness::Late => t.late += 1,
                    Timeliness::Missing => t.missing += 1,
                    Timeliness::NotDue | Timeliness::Unreadable | Timeliness::Extra => {}
                }
            }
        }
        t.due = t.on_time + t.late + t.missing;
        Totals {
            spend,
            funded,
            disbursed,
            completion: (!funded.is_zero()).then(|| weighted / funded.0),
            statuses,
            disclosures: t,
        }
    }

    /// The sum of what `pick` takes from the (category, source) entries `keep` selects.
    pub fn sum(
        &self,
        keep: impl Fn(&str, &str) -> bool,
        pick: impl Fn(&(Money, Money)) -> Money,
    ) -> Money {
        self.spend
            .iter()
            .filter(|((c, s), _)| keep(c, s))
            .map(|(_, v)| pick(v))
            .sum()
    }
}
