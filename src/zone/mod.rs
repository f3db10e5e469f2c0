//! The provincial zone (省级专区, SPEC §8): `gongkai zone build` reads zone.toml, harvests each
//! county's published `/data/` ([`harvest`], kept in sync in `zone-state/`), scores 公开透明与规范
//! ([`score`]) and writes one site for the province ([`pages`]) through the same atomic writer
//! as a county build. The zone reads only what counties publish, never their source folders.

pub mod harvest;
pub mod pages;
pub mod score;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::date::Date;
use crate::diag::{Diagnostic, Report};
use crate::money::parse_decimal;
use crate::rules;
use crate::source::SourceMap;
use harvest::{Copy, Outcome, Source};

/// The format of `column.json` a zone reads.
pub const COLUMN_FORMAT: &str = crate::render::data::column::FORMAT;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawZone {
    title: String,
    base_url: Option<String>,
    publisher: RawPublisher,
    #[serde(default)]
    scoring: RawScoring,
    #[serde(default)]
    counties: Vec<RawCounty>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawPublisher {
    name: String,
    phone: Option<String>,
    address: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    late_deduction: Option<toml::Value>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawCounty {
    id: String,
    name: String,
    source: String,
    url: Option<String>,
}

/// zone.toml, read.
#[derive(Debug)]
pub struct Zone {
    pub title: String,
    pub base_url: Option<String>,
    pub publisher: String,
    pub publisher_phone: Option<String>,
    pub publisher_address: Option<String>,
    pub late_deduction: Decimal,
    pub counties: Vec<County>,
}

#[derive(Debug)]
pub struct County {
    pub id: String,
    pub name: String,
    pub source: String,
    pub url: Option<String>,
    /// The line of its `id` in zone.toml.
    pub line: u32,
    pub index: usize,
}

/// What `zone build` is asked to do.
pub struct ZoneOptions {
    pub zone_file: PathBuf,
    pub output: PathBuf,
    pub as_of: Option<Date>,
}

/// A county as the zone shows it: its entry, its copy (if any), and what the sync found.
pub struct Harvested {
    pub county: County,
    /// The copy in use, its projects kept in what the pages and the score read
    /// ([`harvest::prune`]).
    pub copy: Option<Copy>,
    pub outcome: Outcome,
    /// The score, computed from the copy's full projects as it was read.
    pub score: Option<score::Score>,
}

/// The result of a zone build.
pub struct Built {
    pub report: Report,
    pub sources: SourceMap,
    pub written: usize,
}

fn line_of(text: &str, offset: usize) -> u32 {
    text[..offset.min(text.len())].matches('\n').count() as u32 + 1
}

/// Reads zone.toml; a mistake is a `syntax` or `invalid-value` finding with its line.
pub fn read_zone(file: &str, text: &str) -> Result<Zone, Box<Diagnostic>> {
    let raw: RawZone = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        Diagnostic::new(
            rules::SYNTAX,
            file,
            format!("专区文件读不懂：{}", e.message()),
        )
        .at(line)
    })?;
    let invalid = |line: u32, field: &str, message: String| {
        Box::new(
            Diagnostic::new(rules::INVALID_VALUE, file, message)
                .at(line)
                .field(field),
        )
    };
    let late_deduction = match &raw.scoring.late_deduction {
        None => parse_decimal("0.1").unwrap_or_default(),
        Some(v) => {
            let line = text.find("late_deduction").map_or(1, |o| line_of(text, o));
            let shown = match v {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            match parse_decimal(&shown) {
                Some(d) if !d.is_sign_negative() => d,
                _ => {
                    return Err(invalid(
                        line,
                        "scoring.late_deduction",
                        format!(
                            "scoring.late_deduction 要写不小于 0 的数（每处不及时扣的分），例如 0.1；现在写的是 {shown}"
                        ),
                    ));
                }
            }
        }
    };
    let mut counties: Vec<County> = Vec::new();
    let mut from = 0;
    for (index, c) in raw.counties.into_iter().enumerate() {
        let at = text[from..].find("[[counties]]").map_or(from, |o| from + o);
        from = at + 1;
        let line = line_of(text, at);
        let field = |k: &str| format!("counties[{index}].{k}");
        if !crate::load::valid_id(&c.id) {
            return Err(invalid(
                line,
                &field("id"),
                format!(
                    "县的编号“{}”只能用小写英文字母、数字和 -，它会成为网址",
                    c.id
                ),
            ));
        }
        if let Some(other) = counties.iter().find(|o| o.id == c.id) {
            return Err(Box::new(
                Diagnostic::new(
                    rules::DUPLICATE_ID,
                    file,
                    format!("两个县都用了编号“{}”（另一个在第 {} 行）", c.id, other.line),
                )
                .at(line)
                .field(field("id")),
            ));
        }
        if c.name.trim().is_empty() || c.source.trim().is_empty() {
            return Err(Box::new(Diagnostic::new(
                rules::REQUIRED_FIELD,
                file,
                format!(
                    "第 {} 个县要写 name（县名）和 source（它发布的网站：文件夹或 http(s) 网址）",
                    index + 1
                ),
            )
            .at(line)
            .field(field(if c.name.trim().is_empty() {
                "name"
            } else {
                "source"
            }))));
        }
        counties.push(County {
            id: c.id,
            name: c.name,
            source: c.source,
            url: c.url,
            line,
            index,
        });
    }
    if raw.publisher.name.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::new(
                rules::REQUIRED_FIELD,
                file,
                "要写 [publisher] 的 name（主办单位）",
            )
            .field("publisher.name"),
        ));
    }
    Ok(Zone {
        title: raw.title,
        base_url: raw.base_url,
        publisher: raw.publisher.name,
        publisher_phone: raw.publisher.phone,
        publisher_address: raw.publisher.address,
        late_deduction,
        counties,
    })
}

/// The finding a sync gave, if any.
fn finding(file: &str, h: &Harvested) -> Option<Diagnostic> {
    let c = &h.county;
    let held = match &h.copy {
        Some(copy) => format!(
            "专区使用 {} 同步的副本",
            Date::parse(&copy.synced).map_or_else(|| copy.synced.clone(), Date::chinese)
        ),
        None => "专区还没有它的副本，页面上写明“尚未同步”".to_string(),
    };
    let (rule, message) = match &h.outcome {
        Outcome::Fresh => return None,
        Outcome::Unreachable(why) => (
            rules::COUNTY_UNREACHABLE,
            format!("读不到{}（{}）的专栏数据：{why}；{held}", c.name, c.id),
        ),
        Outcome::Invalid(why) => (
            rules::COUNTY_DATA_INVALID,
            format!("{}（{}）的专栏数据有误：{why}；{held}", c.name, c.id),
        ),
        Outcome::Rewritten(why) => (
            rules::COUNTY_HISTORY_REWRITTEN,
            format!(
                "{}（{}）的公开记录不再延续专区保存的副本：{why}；专区不接受新数据，保留原副本。{held}",
                c.name, c.id
            ),
        ),
    };
    Some(
        Diagnostic::new(rule, file, message)
            .at(c.line)
            .field(format!("counties[{}].source", c.index)),
    )
}

/// Counties that share an OCDS ocid prefix: one finding for each prefix held by two or more,
/// at the second county that holds it, with how many ocids the merged package then holds twice.
fn shared_prefixes(file: &str, harvested: &[Harvested]) -> Vec<Diagnostic> {
    let mut by_prefix: BTreeMap<&str, Vec<&Harvested>> = BTreeMap::new();
    for h in harvested {
        let prefix = h
            .copy
            .as_ref()
            .and_then(|c| c.column["data"]["ocid_prefix"].as_str());
        if let Some(prefix) = prefix {
            by_prefix.entry(prefix).or_default().push(h);
        }
    }
    by_prefix
        .into_iter()
        .filter(|(_, counties)| counties.len() > 1)
        .map(|(prefix, counties)| {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for h in &counties {
                let ids: BTreeSet<&str> = h.copy.iter().flat_map(|c| &c.projects)
                    .filter_map(|p| p["id"].as_str())
                    .collect();
                for id in ids {
                    *seen.entry(id).or_default() += 1;
                }
            }
            let twice: Vec<&str> = seen.into_iter().filter(|(_, n)| *n > 1).map(|(id, _)| id).collect();
            let names: Vec<String> = counties
                .iter()
                .map(|h| format!("{}（{}）", h.county.name, h.county.id))
                .collect();
            let clash = match twice.first() {
                Some(first) => format!(
                    "合并的 ocds.json 里有 {} 个 ocid 属于不同县的不同项目（如 {prefix}-{first}），会被当成同一个采购过程",
                    twice.len()
                ),
                None => "现在项目编号还没有重复，一旦重复，合并的 ocds.json 里不同县的项目会得到同一个 ocid".into(),
            };
            let second = &counties[1].county;
            Diagnostic::new(
                rules::COUNTY_OCID_SHARED,
                file,
                format!("{}用同一个 OCDS 前缀 {prefix}：{clash}", names.join("、")),
            )
            .at(second.line)
            .field(format!("counties[{}].source", second.index))
            .hint("请这些县各在 config.toml 的 [data] 里写上自己在 Open Contracting Partnership 登记的前缀（ocid_prefix = \"ocds-xxxxxx\"，几个县共用一个登记前缀时再加上县的代码），重新生成后专区会在下次同步时读到")
        })
        .collect()
}

/// `gongkai zone build`: harvest, score, write. Errors in zone.toml stop it (`Err` is an I/O or
/// usage problem, exit 2); sync findings do not — the zone is built from what it holds.
pub fn build(opts: &ZoneOptions) -> Result<Built, String> {
    let text = std::fs::read(&opts.zone_file)
        .map_err(|e| format!("无法读取专区文件 {}：{e}", opts.zone_file.display()))?;
    let text = crate::source::decode(&text)
        .map_err(|e| format!("{}：{}", opts.zone_file.display(), e.message()))?;
    let base = opts
        .zone_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let file = opts
        .zone_file
        .file_name()
        .map_or_else(|| "zone.toml".into(), |n| n.to_string_lossy().into_owned());
    let mut sources = SourceMap::new(&base);
    sources.insert_text(&file, &text);
    let as_of = opts.as_of.unwrap_or_else(Date::today_in_china);
    let zone = match read_zone(&file, &text) {
        Ok(z) => z,
        Err(d) => {
            return Ok(Built {
                report: Report::new(as_of, vec![*d], false),
                sources,
                written: 0,
            });
        }
    };
    let state = base.join("zone-state");
    let today = as_of.to_string();
    let mut harvested: Vec<Harvested> = Vec::new();
    let counties = std::mem::take(&mut { zone.counties });
    // Each county is held only in what the pages and the score read: a national zone never
    // holds every county's projects whole at once.
    let deduction = zone.late_deduction;
    let results: Vec<(Outcome, Option<Copy>, Option<score::Score>)> = {
        use rayon::prelude::*;
        counties
            .par_iter()
            .map(|c| {
                let (outcome, copy) =
                    harvest::sync(&Source::new(&c.source, &base), &state.join(&c.id), &today);
                let score = copy
                    .as_ref()
                    .map(|c| score::score(&c.column, &c.projects, deduction));
                (outcome, copy, score)
            })
            .collect()
    };
    for (county, (outcome, copy, score)) in counties.into_iter().zip(results) {
        harvested.push(Harvested {
            county,
            copy,
            outcome,
            score,
        });
    }
    let zone = Zone {
        counties: Vec::new(),
        ..zone
    };
    let mut diagnostics: Vec<Diagnostic> =
        harvested.iter().filter_map(|h| finding(&file, h)).collect();
    diagnostics.extend(shared_prefixes(&file, &harvested));
    let report = Report::new(as_of, diagnostics, false);
    let output = crate::write::check_output_dir(&base, &opts.output)?;
    let staging = crate::write::Staging::new(&output)
        .map_err(|e| format!("无法在 {} 旁边建临时文件夹：{e}", output.display()))?;
    let written = pages::write(&zone, &harvested, &report, as_of, &staging)
        .map_err(|e| staging.failure().unwrap_or_else(|| e.to_string()))?;
    staging.commit(&[])?;
    Ok(Built {
        report,
        sources,
        written,
    })
}
