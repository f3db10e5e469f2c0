//! Open data in `/data/`: `projects.json` with the keys of SPEC §6, four CSV files that Excel
//! opens with Chinese intact, and an OCDS 1.1 release package. Everything is built from the
//! same model as the pages, so the data and the pages always agree.

mod csv;
mod json;
mod ocds;

use rayon::prelude::*;

use super::views::{DateView, Model};
use crate::write::Sink;

/// Writes every file of `/data/` except the page that documents them; returns how many.
pub fn write(
    model: &Model,
    link: &(dyn Fn(&str) -> String + Sync),
    sink: &dyn Sink,
) -> std::io::Result<usize> {
    type Make<'a> = &'a (dyn Fn() -> String + Sync);
    let small: [(&str, Make); 5] = [
        ("data/projects.json", &|| json::projects_json(model, link)),
        ("data/projects.csv", &|| csv::projects_csv(model, link)),
        ("data/disbursements.csv", &|| csv::disbursements_csv(model)),
        ("data/notices.csv", &|| csv::notices_csv(model)),
        ("data/progress.csv", &|| csv::progress_csv(model)),
    ];
    // The OCDS package, the largest, streams on one thread while the others are made.
    let (ocds, others) = rayon::join(
        || {
            sink.put_with("data/ocds.json", &mut |out| {
                ocds::ocds_json(model, link, out)
            })
        },
        || {
            small
                .par_iter()
                .try_for_each(|(path, make)| sink.put(path, make().as_bytes()))
        },
    );
    ocds?;
    others?;
    // The publication ledger, verbatim, as far as this build's date (SPEC §7).
    if let Some((ledger, count)) = &model.ledger {
        sink.put_with("data/ledger.jsonl", &mut |out| {
            ledger.write_prefix(*count, out)
        })?;
        return Ok(small.len() + 2);
    }
    Ok(small.len() + 1)
}

/// A date as data formats write it: `2022-06-30`.
fn iso(d: &Option<DateView>) -> Option<&str> {
    d.as_ref().map(|d| d.iso.as_str())
}
