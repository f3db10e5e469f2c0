//! The **publication ledger** (SPEC §7): `ledger.jsonl` beside config.toml, an append-only record
//! of what the column published, when, and every correction and withdrawal since, each line
//! chained to the one before by SHA-256 in the manner of certificate-transparency logs.
//!
//! - [`canon`]: a record's canonical disclosed content and how two versions differ;
//! - [`entry`]: what a line says (hashes, kinds, actions, entries);
//! - [`line`]: one line's form, written and read back;
//! - [`file`]: the file: reading and checking the chain, copying it, appending to it;
//! - [`json`]: JSON text in and out: escaping, and a strict reader that keeps numbers exact;
//! - [`verify`]: `gongkai verify OLD NEW`, the inspector's check of two published copies.
//!
//! What the ledger means for one build — which records are new, corrected or changed silently —
//! is derived once, in `derive::ledger`, and read by the rules and the pages alike; `publish`
//! (beside the pipeline) is the only writer of the file.

pub mod canon;
pub mod entry;
pub mod file;
pub mod json;
pub mod line;
pub mod verify;

pub use canon::Canon;
pub use file::{Action, Entry, FILE, Hash, Key, Kind, Ledger, NewEntry, hex, sha256, tagged};

thread_local! {
    /// Each loading thread writes canonical content into one buffer.
    static CANONICAL: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// SHA-256 of a record's canonical content, from its parsed front matter and its body.
pub fn content_hash(table: &toml::de::DeTable, body: Option<&str>) -> Hash {
    CANONICAL.with_borrow_mut(|out| {
        out.clear();
        canon::write_record(table, body, out);
        sha256(out.as_bytes())
    })
}
