//! One file's bytes read as the loader reads a file of its kind, without the file system: for
//! the fuzz targets and tests (the loader itself reads from disk, in parallel).

use super::front_matter::split_front_matter;
use super::{
    records, repair,
    toml_reader::{SYNTAX, TomlDoc},
};
use crate::date::Month;
use crate::diag::Diagnostic;
use crate::model::Body;
use crate::source::decode;

/// Which record a file is, by where it is in the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Programme,
    Document,
    Project,
    Progress,
    Notice,
}

/// Reads one file's bytes the way the loader reads a file of that kind — decoding, control
/// characters, front matter, TOML, every field — without the file system, and returns what it
/// found wrong (for the fuzz targets and tests; the loader itself reads from disk in parallel).
pub fn read_bytes(kind: FileKind, bytes: &[u8], unit: &str) -> Vec<Diagnostic> {
    let rel = match kind {
        FileKind::Config => "config.toml",
        FileKind::Programme => "content/programme.toml",
        FileKind::Document => "content/documents/a.md",
        FileKind::Project => "content/projects/a/index.md",
        FileKind::Progress => "content/projects/a/progress/2022-07.md",
        FileKind::Notice => "content/notices/a.md",
    };
    let mut d = Vec::new();
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            d.push(Diagnostic::new(SYNTAX, rel, e.message()).at(e.line()));
            return d;
        }
    };
    if let Some((line, col, c)) = crate::source::forbidden_char(&text) {
        d.push(Diagnostic::new(SYNTAX, rel, crate::source::describe_char(c)).span(line, col, 1));
        return d;
    }
    let toml_only = matches!(kind, FileKind::Config | FileKind::Programme);
    let (toml, body, first_line) = if toml_only {
        (text.as_str(), Body::default(), 1)
    } else {
        match split_front_matter(&text) {
            Ok(split) => (split.toml, split.body, 2),
            Err((line, message, _)) => {
                d.push(Diagnostic::new(SYNTAX, rel, message).at(line));
                return d;
            }
        }
    };
    let label = match kind {
        FileKind::Config => "config",
        FileKind::Programme => "programme",
        FileKind::Document => "document",
        FileKind::Project => "project",
        FileKind::Progress => "progress",
        FileKind::Notice => "notice",
    };
    let repaired = repair::repair(rel, label, toml, first_line, unit);
    d.extend(repaired.diagnostics);
    if !repaired.readable {
        return d;
    }
    let doc = TomlDoc::new(
        rel,
        label,
        repaired.text.as_deref().unwrap_or(toml),
        first_line,
    );
    doc.set_unit(unit);
    let Some(table) = doc.parse() else {
        return d;
    };
    let t = doc.root(&table);
    let id = "a".to_string();
    match kind {
        FileKind::Config => drop(records::config(t, &mut d)),
        FileKind::Programme => drop(records::programme(t, &mut d)),
        FileKind::Document => drop(records::document(id, t, body, &mut d)),
        FileKind::Project => drop(records::project(id, t, body, &mut d)),
        FileKind::Progress => drop(records::progress(
            Month::new(2022, 7).unwrap_or_else(Month::default_first),
            t,
            body,
            &mut d,
        )),
        FileKind::Notice => drop(records::notice(id, t, body, &mut d)),
    }
    d
}
