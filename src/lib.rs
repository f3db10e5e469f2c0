//! gongkai (公开): a static site generator for government disclosure columns.
//!
//! One pipeline, one module per stage, each looking only down the list:
//! [`load`] (files → domain types) → [`derive`] (the facts of one as-of date, computed once) →
//! [`check`] (rules → diagnostics) → [`render`] (site → pages and data, into a sink) →
//! [`write`] (the only stage that touches the output folder, atomically). [`build_site`] and the
//! preview ([`serve`]) both run [`run`]; they differ only in the sink they give it.

pub mod attachments;
pub mod calendar;
pub mod check;
pub mod confine;
pub mod corpus;
pub mod date;
pub mod derive;
pub mod diag;
pub mod import;
pub mod init;
pub mod labels;
pub mod ledger;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod money;
pub mod progress;
pub mod publish;
pub mod render;
pub mod rules;
pub mod serve;

pub mod source;
pub mod spotcheck;
pub mod write;
pub mod zone;

use std::fmt;
use std::path::{Path, PathBuf};

use date::Date;
use derive::Derived;
use diag::Report;
use load::{LoadError, Loaded};
use progress::timing;
use render::{RenderError, RenderOptions, views::ViewCache};
use write::{Asset, Sink};

/// What `check` and `build` are asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// The date rules are judged at; today in China when not given.
    pub as_of: Option<Date>,
    pub strict: bool,
    /// Overrides `base_url` of config.toml.
    pub base_url: Option<String>,
    /// The bar shown on a terminal during long builds (none by default).
    pub progress: progress::Progress,
}

/// A loaded site, its derived facts, and every finding about it.
pub struct Checked {
    pub loaded: Loaded,
    pub derived: Derived,
    pub report: Report,
}

/// Loads the site, derives its facts and checks every rule.
pub fn check_site(opts: &Options) -> Result<Checked, LoadError> {
    check_site_for(opts, false)
}

/// [`check_site`]; `publishing` fingerprints every record even before a ledger exists.
fn check_site_for(opts: &Options, publishing: bool) -> Result<Checked, LoadError> {
    let t = std::time::Instant::now();
    let mut loaded = load::load_records(&opts.root, &opts.progress, publishing)?;
    timing("load", t);
    let t = std::time::Instant::now();
    opts.progress.stage("检查规则", 1);
    let as_of = opts.as_of.unwrap_or_else(Date::today_in_china);
    // The ledger is read while the records' facts are derived and checked: those stages leave
    // a core idle much of the time, and the ledger's facts need both.
    let (ledger, (mut derived, found)) = rayon::join(
        || load::read_ledger(&opts.root),
        || {
            let site = &loaded.site;
            let derived = derive::records(site, derive::Ctx::new(site, as_of));
            let found = check::run_records(site, &derived);
            (derived, found)
        },
    );
    timing("derive and check, the ledger read beside", t);
    let t = std::time::Instant::now();
    loaded.site.ledger = ledger?;
    derived.add_ledger(&loaded.site);
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(found);
    diagnostics.extend(check::run_ledger(&loaded.site, &derived));
    // A file that does not parse yields only its syntax errors, and no finding elsewhere may
    // rest on what it holds: the rest would be noise, or invented.
    let broken = &loaded.site.broken;
    diagnostics.retain(|d| {
        d.rule == rules::SYNTAX.id
            || !(broken.contains(&d.file) || d.related.iter().any(|r| broken.contains(&r.file)))
    });
    let diagnostics = one_finding_per_field(&loaded.diagnostics, diagnostics);
    let strict = opts.strict || loaded.site.config.rules.strict;
    let mut report = Report::new(as_of, diagnostics, strict);
    report.notes = check::notes(&loaded.site);
    opts.progress.inc(1);
    timing("check", t);
    Ok(Checked {
        loaded,
        derived,
        report,
    })
}

/// A field that is there but written wrongly is reported as that, not also as missing: a
/// wrong type (`invalid-value`, an error already) takes the place of `required-field`; a
/// misspelt name (`unknown-field`, a warning) is folded into the `required-field` error,
/// which then points at the misspelt line and carries its fix.
fn one_finding_per_field(
    loader: &[diag::Diagnostic],
    mut all: Vec<diag::Diagnostic>,
) -> Vec<diag::Diagnostic> {
    let covers = |cause: &diag::Diagnostic, d: &diag::Diagnostic| {
        cause.file == d.file
            && match (cause.field.as_deref(), d.field.as_deref()) {
                (Some(at), Some(field)) => {
                    at == field
                        || at
                            .strip_prefix(field)
                            .is_some_and(|r| r.starts_with(['.', '[']))
                }
                _ => false,
            }
    };
    let wrong_types: Vec<&diag::Diagnostic> = loader
        .iter()
        .filter(|d| d.rule == rules::INVALID_VALUE.id)
        .collect();
    let misspelt: Vec<diag::Diagnostic> = loader
        .iter()
        .filter(|d| d.rule == rules::UNKNOWN_FIELD.id && d.fix.is_some())
        .cloned()
        .collect();
    all.retain(|d| d.rule != rules::REQUIRED_FIELD.id || !wrong_types.iter().any(|c| covers(c, d)));
    let mut folded = Vec::new();
    for d in all
        .iter_mut()
        .filter(|d| d.rule == rules::REQUIRED_FIELD.id)
    {
        if let Some(u) = misspelt.iter().find(|u| covers(u, d)) {
            d.message = format!(
                "{}（第 {} 行：{}）",
                d.message,
                u.line.unwrap_or(0),
                u.message
            );
            d.line = u.line;
            d.column = u.column;
            d.width = u.width;
            d.hint = u.hint.clone();
            d.fix = u.fix.clone();
            folded.push(u.clone());
        }
    }
    all.retain(|d| !folded.contains(d));
    all
}

#[derive(Debug)]
pub enum BuildError {
    Load(LoadError),
    /// The output folder cannot be used or written.
    Output(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Load(e) => write!(f, "{e}"),
            BuildError::Output(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<LoadError> for BuildError {
    fn from(e: LoadError) -> Self {
        BuildError::Load(e)
    }
}

/// What one run of the pipeline made.
pub struct Outcome {
    pub checked: Checked,
    /// What went to the sink: `None` when errors stopped the run before or during rendering
    /// (their findings are in the report).
    pub rendered: Option<Rendered>,
    /// For a publish: the ledger lines the rendered site shows and the file does not hold yet.
    pub recorded: Option<publish::Recorded>,
    /// The generated pages' links, anchors and head metadata, when the site was rendered
    /// (broken links included: they are in the report).
    pub crawl: Option<links::Crawl>,
}

/// A rendered site: how many files went to the sink, and the files to copy beside them.
pub struct Rendered {
    pub files: usize,
    /// Files copied as they are: theme and site static files, project attachments.
    pub assets: Vec<Asset>,
}

/// The site's address: `--base-url`, else config's `base_url`, without a trailing slash.
pub fn base_url(opts: &Options, site: &model::Site) -> Option<String> {
    opts.base_url
        .as_deref()
        .or_else(|| model::text(&site.config.base_url))
        .map(|u| u.trim().trim_end_matches('/').to_string())
}

/// Why the pipeline stopped short of a finished site (findings are not among them: they are
/// in the outcome's report).
#[derive(Debug)]
pub enum RunError {
    /// The site cannot be read at all.
    Load(LoadError),
    /// The sink could not take a file.
    Io(std::io::Error),
}

/// The pipeline: load → derive → check, and — only if there is no error — render into `sink`,
/// reusing what `cache` holds. `build` gives it a staging folder, the preview memory.
pub fn run(opts: &Options, sink: &dyn Sink, cache: &mut ViewCache) -> Result<Outcome, RunError> {
    run_with(opts, sink, cache, false)
}

/// [`run`]; with `record`, the ledger entries a publish appends are made first (in memory), so
/// that the pages, the feed and `/data/ledger.jsonl` show the site as it will stand.
fn run_with(
    opts: &Options,
    sink: &dyn Sink,
    cache: &mut ViewCache,
    record: bool,
) -> Result<Outcome, RunError> {
    let mut checked = check_site_for(opts, record).map_err(RunError::Load)?;
    if checked.report.has_errors() {
        return Ok(Outcome {
            checked,
            rendered: None,
            recorded: None,
            crawl: None,
        });
    }
    let recorded = if record {
        let site = &checked.loaded.site;
        let as_of = checked.derived.ctx.as_of;
        Some(
            publish::record(site, &mut checked.derived, as_of)
                .map_err(|e| RunError::Load(LoadError(e)))?,
        )
    } else {
        None
    };
    let site = &checked.loaded.site;
    let render_opts = RenderOptions {
        base_url: base_url(opts, site),
        progress: opts.progress.clone(),
    };
    let t = std::time::Instant::now();
    let result = render::render(site, &checked.derived, &render_opts, cache, sink);
    timing("render", t);
    let mut crawl = None;
    let (rendered, errors) = match result {
        Ok(r) => {
            // Attachments of records not yet public stay unpublished; none may take the place
            // of a generated file.
            let mut assets = r.assets;
            assets.extend(visible_assets(
                site,
                &checked.derived,
                &checked.loaded.assets,
            ));
            let mut errors = asset_clashes(&site.root, sink, &assets);
            // Every link to the site must lead to something it now has.
            let copied: std::collections::HashSet<&str> =
                assets.iter().map(|(_, path)| path.as_str()).collect();
            let exists = |path: &str| sink.has(path) || copied.contains(path);
            errors.extend(check::broken_link::find(
                site,
                &checked.derived,
                &r.crawl,
                &exists,
            ));
            crawl = Some(r.crawl);
            if errors.is_empty() {
                let files = r.written;
                (Some(Rendered { files, assets }), Vec::new())
            } else {
                (None, errors)
            }
        }
        Err(RenderError::Template(errors)) => (None, errors),
        Err(RenderError::Io(e)) => return Err(RunError::Io(e)),
    };
    if !errors.is_empty() {
        let mut all = checked.report.diagnostics.clone();
        all.extend(errors);
        checked.report = Report::new(checked.report.as_of, all, false);
    }
    Ok(Outcome {
        checked,
        rendered,
        recorded,
        crawl,
    })
}

/// `check`: the whole pipeline, rendering into nothing, so that findings only the generated
/// pages can show (broken links, template errors, attachment clashes) are found as `build`
/// would find them, and nothing is written.
pub fn check_all(opts: &Options) -> Result<Outcome, RunError> {
    run(opts, &write::Discard::default(), &mut ViewCache::default())
}

pub struct Built {
    pub checked: Checked,
    /// Number of files written, or `None` when errors stopped the build (output untouched).
    pub written: Option<usize>,
    /// For a publish that succeeded: what it appended to the ledger.
    pub recorded: Option<publish::Recorded>,
}

/// What `gongkai ledger init` did.
pub enum Initialised {
    /// The file written.
    Written(publish::Adopted),
    /// The site has errors: nothing written (the findings are in the report).
    Refused(Box<Checked>),
}

/// `gongkai ledger init`: checks the site and, when it has no error, writes its first
/// `ledger.jsonl` (see [`publish::init`]).
pub fn ledger_init(opts: &Options) -> Result<Initialised, String> {
    let path = opts.root.join(ledger::FILE);
    if path.exists() {
        return Err(publish::already_there(&path));
    }
    let checked = check_site(opts).map_err(|e| e.to_string())?;
    if checked.report.has_errors() {
        return Ok(Initialised::Refused(Box::new(checked)));
    }
    publish::init(&opts.root, &checked.loaded.site, &checked.derived).map(Initialised::Written)
}

/// Checks, renders and — only if there is no error — replaces `output` with the new site.
pub fn build_site(opts: &Options, output: &Path) -> Result<Built, BuildError> {
    build_with(opts, output, false)
}

/// `publish` (SPEC §7): [`build_site`], and when the build succeeds, the entries for every
/// public record that is new, corrected or withdrawn since its latest entry appended to
/// `ledger.jsonl` (before the new site replaces the old one, so that no published site shows
/// an entry the file lacks).
pub fn publish_site(opts: &Options, output: &Path) -> Result<Built, BuildError> {
    build_with(opts, output, true)
}

fn build_with(opts: &Options, output: &Path, record: bool) -> Result<Built, BuildError> {
    // The folder actually written: `output` with its links and `..` resolved.
    let target = write::check_output_dir(&opts.root, output).map_err(BuildError::Output)?;
    let output_error = |e: std::io::Error| {
        BuildError::Output(format!(
            "写入 {} 失败：{}（原有网站未改动）",
            target.display(),
            write::io_cause(&e)
        ))
    };
    // Pages stream into the staging folder; dropped on any error, it leaves the output as it was.
    let staging = write::Staging::new(&target).map_err(output_error)?;
    let outcome = run_with(opts, &staging, &mut ViewCache::default(), record);
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            opts.progress.finish();
            return Err(match e {
                RunError::Load(e) => BuildError::Load(e),
                // The staging folder knows which file could not be written.
                RunError::Io(e) => match staging.failure() {
                    Some(why) => BuildError::Output(format!("{why}（原有网站未改动）")),
                    None => output_error(e),
                },
            });
        }
    };
    let Some(rendered) = outcome.rendered else {
        opts.progress.finish();
        return Ok(Built {
            checked: outcome.checked,
            written: None,
            recorded: None,
        });
    };
    if let Some(recorded) = &outcome.recorded {
        publish::append(&opts.root, recorded).map_err(|e| {
            opts.progress.finish();
            BuildError::Output(format!("{e}（网站和 {} 都未改动）", ledger::FILE))
        })?;
    }
    let t = std::time::Instant::now();
    opts.progress.stage("发布", 1);
    let committed = staging
        .commit(&rendered.assets)
        .map_err(|why| BuildError::Output(format!("{why}（原有网站未改动）")));
    opts.progress.finish();
    committed?;
    timing("write", t);
    Ok(Built {
        checked: outcome.checked,
        written: Some(rendered.files + rendered.assets.len()),
        recorded: outcome.recorded,
    })
}

/// A project's attachments are published with it: those of a project not public as of `as_of`
/// are left out.
fn visible_assets(
    site: &model::Site,
    derived: &crate::derive::Derived,
    assets: &[Asset],
) -> Vec<Asset> {
    let public: std::collections::HashSet<&str> = site
        .projects
        .iter()
        .zip(&derived.projects)
        .filter(|(_, f)| f.public)
        .map(|(p, _)| p.id.as_str())
        .collect();
    assets
        .iter()
        .filter(|(_, rel)| {
            rel.strip_prefix("projects/")
                .and_then(|r| r.split_once('/'))
                .is_none_or(|(id, _)| public.contains(id))
        })
        .cloned()
        .collect()
}

/// Names that would shadow a generated file, or each other: findings naming both. The theme's
/// own files (`style.css`, …) and `robots.txt` may be replaced by a theme's or the site's
/// `static/` on purpose.
fn asset_clashes(root: &Path, sink: &dyn Sink, assets: &[Asset]) -> Vec<diag::Diagnostic> {
    let shown = |src: &Path| {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        src.strip_prefix(&root)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| src.display().to_string())
    };
    let themable: Vec<&str> = render::theme::DEFAULT_STATIC
        .iter()
        .map(|(n, _)| *n)
        .chain(["robots.txt"])
        .collect();
    let mut seen: std::collections::BTreeMap<&str, &Path> = Default::default();
    let mut out = Vec::new();
    for (src, rel) in assets {
        if let Some(first) = seen.insert(rel, src) {
            out.push(
                diag::Diagnostic::new(
                    rules::INVALID_ID,
                    shown(src),
                    format!(
                        "{} 和 {} 都会发布为 {rel}，一个会覆盖另一个",
                        shown(first),
                        shown(src)
                    ),
                )
                .hint("改掉其中一个文件的名字"),
            );
        } else if sink.has(rel) && !themable.contains(&rel.as_str()) {
            out.push(
                diag::Diagnostic::new(
                    rules::INVALID_ID,
                    shown(src),
                    format!("{} 会覆盖 gongkai 生成的 {rel}，不发布", shown(src)),
                )
                .hint("改个名字；生成的页面和数据文件不能用附件替换"),
            );
        }
    }
    out
}
