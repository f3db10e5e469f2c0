//! The funding plan as the public reads it: by source and by category, planned, allocated,
//! given to projects and paid out, as charts and tables with the same numbers.

use serde::Serialize;

use super::{Amount, Builder, DateView, ProjectRef, date, opt_date, owned, ratio};
use crate::model::*;
use crate::money::Money;
use crate::render::charts;

#[derive(Serialize, Debug)]
pub struct FundsView {
    /// Inline SVG: by source, then by category.
    pub source_chart: String,
    pub category_chart: String,
    pub sources: Vec<SourceRow>,
    pub categories: Vec<CategoryRow>,
    pub total: Amount,
    pub funded: Amount,
    pub disbursed: Amount,
}

#[derive(Serialize, Debug)]
pub struct SourceRow {
    pub id: String,
    pub name: String,
    pub amount: Amount,
    /// For a source without a fixed amount: on what it is paid (its amount shows as 0).
    pub basis: Option<String>,
    pub allocated: Amount,
    pub funded: Amount,
    pub disbursed: Amount,
    pub disbursed_percent: Option<String>,
    /// Arrived so far; the rest of a source in tranches is pending.
    pub arrived: Amount,
    pub pending: Option<Amount>,
    pub tranches: Vec<TrancheView>,
}

/// One tranche of a source: arrived (with the date) or pending (with its condition).
#[derive(Serialize, Debug)]
pub struct TrancheView {
    pub name: String,
    pub amount: Amount,
    pub arrived: Option<DateView>,
    pub expected: Option<DateView>,
    pub condition: Option<String>,
    /// 已到位 or 待到位.
    pub state: &'static str,
}

#[derive(Serialize, Debug)]
pub struct CategoryRow {
    pub id: String,
    pub name: String,
    pub cells: Vec<CategoryCell>,
    pub allocated: Amount,
    pub funded: Amount,
    pub disbursed: Amount,
    pub projects: Vec<ProjectRef>,
}

#[derive(Serialize, Debug)]
pub struct CategoryCell {
    pub source_name: String,
    pub allocation: Amount,
    pub share: Option<String>,
    pub funded: Amount,
}

impl Builder<'_> {
    pub(super) fn funds(&self) -> FundsView {
        let prog = self.programme();
        let totals = &self.derived.totals;
        let sum = |pred: &dyn Fn(&str, &str) -> bool, pick: fn(&(Money, Money)) -> Money| {
            totals.sum(pred, pick)
        };
        let sources: Vec<SourceRow> = prog
            .sources
            .iter()
            .zip(&self.derived.programme.sources)
            .filter_map(|(s, f)| {
                let id = text(&s.id)?;
                let amount = val(&s.amount).copied().unwrap_or_default();
                let allocated: Money = prog
                    .categories
                    .iter()
                    .flat_map(|c| c.allocations.iter())
                    .filter(|(k, _)| k.value == id)
                    .map(|(_, m)| m.value)
                    .sum();
                let funded = sum(&|_, s| s == id, |v| v.0);
                let disbursed = sum(&|_, s| s == id, |v| v.1);
                let tranches = s
                    .tranches
                    .iter()
                    .map(|t| {
                        let arrived = val(&t.arrived).copied().filter(|d| *d <= self.as_of);
                        TrancheView {
                            name: owned(&t.name).unwrap_or_default(),
                            amount: self.amount(val(&t.amount).copied().unwrap_or_default()),
                            arrived: arrived.map(date),
                            expected: opt_date(&t.expected),
                            condition: owned(&t.condition),
                            state: if arrived.is_some() {
                                "已到位"
                            } else {
                                "待到位"
                            },
                        }
                    })
                    .collect();
                Some(SourceRow {
                    id: id.to_string(),
                    name: owned(&s.name).unwrap_or_default(),
                    amount: self.amount(amount),
                    basis: owned(&s.basis).filter(|_| s.amount.is_none()),
                    allocated: self.amount(allocated),
                    funded: self.amount(funded),
                    disbursed: self.amount(disbursed),
                    disbursed_percent: ratio(disbursed, amount),
                    arrived: self.amount(f.arrived),
                    pending: (!f.pending.is_zero()).then(|| self.amount(f.pending)),
                    tranches,
                })
            })
            .collect();
        let categories: Vec<CategoryRow> = prog
            .categories
            .iter()
            .filter_map(|c| {
                let id = text(&c.id)?;
                let cells = c
                    .allocations
                    .iter()
                    .map(|(k, m)| CategoryCell {
                        source_name: self.source_name(&k.value),
                        allocation: self.amount(m.value),
                        share: c
                            .shares
                            .iter()
                            .find(|(s, _)| s.value == k.value)
                            .map(|(_, d)| format!("{}%", d.value)),
                        funded: self.amount(sum(&|cat, s| cat == id && s == k.value, |v| v.0)),
                    })
                    .collect();
                Some(CategoryRow {
                    id: id.to_string(),
                    name: owned(&c.name).unwrap_or_default(),
                    cells,
                    allocated: self.amount(c.allocations.iter().map(|(_, m)| m.value).sum()),
                    funded: self.amount(sum(&|cat, _| cat == id, |v| v.0)),
                    disbursed: self.amount(sum(&|cat, _| cat == id, |v| v.1)),
                    projects: self
                        .listed()
                        .filter(|p| text(&p.category) == Some(id))
                        .map(|p| self.project_ref(p))
                        .collect(),
                })
            })
            .collect();
        let total: Money = prog
            .sources
            .iter()
            .filter_map(|s| val(&s.amount).copied())
            .sum();
        let unit = &self.unit;
        let source_chart = charts::bars(
            "chart-sources",
            &format!("按资金来源：计划、分配到板块、安排到项目和已拨付（{unit}）"),
            &[
                charts::Series {
                    name: "计划",
                    class: "bar-plan",
                },
                charts::Series {
                    name: "分配到板块",
                    class: "bar-allocated",
                },
                charts::Series {
                    name: "安排到项目",
                    class: "bar-funded",
                },
                charts::Series {
                    name: "已拨付",
                    class: "bar-paid",
                },
            ],
            &sources
                .iter()
                .map(|s: &SourceRow| charts::Group {
                    label: s.name.clone(),
                    values: vec![
                        s.amount.money,
                        s.allocated.money,
                        s.funded.money,
                        s.disbursed.money,
                    ],
                })
                .collect::<Vec<_>>(),
            unit,
        );
        let category_chart = charts::bars(
            "chart-categories",
            &format!("按项目板块：计划分配、安排到项目和已拨付（{unit}）"),
            &[
                charts::Series {
                    name: "计划分配",
                    class: "bar-allocated",
                },
                charts::Series {
                    name: "安排到项目",
                    class: "bar-funded",
                },
                charts::Series {
                    name: "已拨付",
                    class: "bar-paid",
                },
            ],
            &categories
                .iter()
                .map(|c: &CategoryRow| charts::Group {
                    label: c.name.clone(),
                    values: vec![c.allocated.money, c.funded.money, c.disbursed.money],
                })
                .collect::<Vec<_>>(),
            unit,
        );
        FundsView {
            source_chart,
            category_chart,
            sources,
            categories,
            total: self.amount(total),
            funded: self.amount(sum(&|_, _| true, |v| v.0)),
            disbursed: self.amount(sum(&|_, _| true, |v| v.1)),
        }
    }
}
