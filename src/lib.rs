//! gongkai (公开): a static site generator for government disclosure columns.
//!
//! One pipeline, one module per stage: [`load`] (files → domain types) → [`check`] (rules →
//! diagnostics) → [`render`] (site → pages and data) → [`write`] (the only stage that touches
//! the output folder, atomically).

pub mod attachments;
pub mod calendar;
pub mod check;
pub mod confine;
pub mod corpus;
pub mod date;
pub mod diag;
pub mod facts;
pub mod import;
pub mod init;
pub mod labels;
pub mod load;
pub mod markdown;
pub mod model;
pub mod money;
pub mod progress;
pub mod render;
pub mod serve;
pub mod sheet;
pub mod source;
pub mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use date::Date;
use diag::{Diagnostic, Report};
use load::{LoadError, Loaded};

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

/// A loaded site with every finding about it.
pub struct Checked {
    pub loaded: Loaded,
    pub ctx: check::Ctx,
    pub report: Report,
}

/// Prints how long a stage took when `GONGKAI_TIMINGS` is set (for profiling).
pub fn timing(stage: &str, since: std::time::Instant) {
    if std::env::var_os("GONGKAI_TIMINGS").is_some() {
        eprintln!("[timing] {stage}: {} ms", since.elapsed().as_millis());
    }
}

/// Loads and checks the site.
pub fn check_site(opts: &Options) -> Result<Checked, LoadError> {
    let t = std::time::Instant::now();
    let loaded = load::load_with(&opts.root, &opts.progress)?;
    timing("load", t);
    let t = std::time::Instant::now();
    opts.progress.stage("检查规则", 1);
    let as_of = opts.as_of.unwrap_or_else(Date::today_in_china);
    let ctx = check::Ctx::new(&loaded.site, as_of);
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(check::run(&loaded.site, &ctx));
    // A file that does not parse yields only its syntax errors: the rest would be noise.
    diagnostics.retain(|d| d.rule == load::toml_reader::SYNTAX || !loaded.broken.contains(&d.file));
    let strict = opts.strict || loaded.site.config.rules.strict;
    let report = Report::new(as_of, diagnostics, strict);
    opts.progress.inc(1);
    timing("check", t);
    Ok(Checked {
        loaded,
        ctx,
        report,
    })
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

pub struct Built {
    pub checked: Checked,
    /// Number of files written, or `None` when errors stopped the build (output untouched).
    pub written: Option<usize>,
}

/// The site's address: `--base-url`, else config's `base_url`, without a trailing slash.
pub fn base_url(opts: &Options, site: &model::Site) -> Option<String> {
    opts.base_url
        .as_deref()
        .or_else(|| model::text(&site.config.base_url))
        .map(|u| u.trim().trim_end_matches('/').to_string())
}

/// Checks, renders and — only if there is no error — replaces `output` with the new site.
pub fn build_site(opts: &Options, output: &Path) -> Result<Built, BuildError> {
    let mut checked = check_site(opts)?;
    if checked.report.has_errors() {
        opts.progress.finish();
        return Ok(Built {
            checked,
            written: None,
        });
    }
    let site = &checked.loaded.site;
    let render_opts = render::RenderOptions {
        base_url: base_url(opts, site),
        progress: opts.progress.clone(),
    };
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
    let t = std::time::Instant::now();
    let rendered = match render::render(
        site,
        &checked.ctx,
        &render_opts,
        &mut Default::default(),
        &staging,
    ) {
        Ok(r) => r,
        // A write that failed is an I/O error (exit 2), not a finding about the content.
        Err(_) if staging.failure().is_some() => {
            let why = staging.failure().unwrap_or_default();
            return Err(BuildError::Output(format!("{why}（原有网站未改动）")));
        }
        Err(errors) => {
            let mut all: Vec<Diagnostic> = checked.report.diagnostics.clone();
            all.extend(errors);
            checked.report = Report::new(checked.report.as_of, all, false);
            opts.progress.finish();
            return Ok(Built {
                checked,
                written: None,
            });
        }
    };
    timing("render", t);
    let t = std::time::Instant::now();
    let mut assets = rendered.assets;
    assets.extend(attachments::visible(
        site,
        checked.ctx.as_of,
        &checked.loaded.assets,
    ));
    // A file that would replace a generated one (or another file) stops the build.
    let clashes = attachments::clashes(&site.root, &staging, &assets);
    if !clashes.is_empty() {
        let mut all = checked.report.diagnostics.clone();
        all.extend(clashes);
        checked.report = Report::new(checked.report.as_of, all, false);
        opts.progress.finish();
        return Ok(Built {
            checked,
            written: None,
        });
    }
    opts.progress.stage("发布", 1);
    let committed = staging
        .commit(&assets)
        .map_err(|why| BuildError::Output(format!("{why}（原有网站未改动）")));
    opts.progress.finish();
    committed?;
    timing("write", t);
    Ok(Built {
        checked,
        written: Some(rendered.written + assets.len()),
    })
}
