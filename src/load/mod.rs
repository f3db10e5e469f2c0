//! Stage 1, **load**: files in, domain types out. Every problem found on the way becomes a
//! diagnostic; only a missing or unreadable site is an I/O error.

mod bytes;
mod front_matter;
pub mod mistakes;
pub mod records;
pub mod repair;
pub mod toml_reader;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::date::Month;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::progress::Progress;
use crate::source::{SourceFile, SourceMap, decode};

/// A project folder read: the project and the files beside it.
type ProjectFiles = (Project, Vec<Asset>);
use crate::write::Asset;
use toml_reader::{SYNTAX, TomlDoc};

pub use bytes::{FileKind, read_bytes};
use front_matter::front_matter_fix;
pub(crate) use front_matter::{read_canonical, split_front_matter};

pub use crate::rules::INVALID_ID;

/// The site cannot be read at all (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

pub struct Loaded {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that did not parse: only their syntax errors are worth reporting.
    pub broken: BTreeSet<String>,
    /// Files copied as they are: (absolute source, path in the output).
    pub assets: Vec<Asset>,
}

/// One project folder read again (for the preview after an edit): the project, what was
/// found wrong loading it, and its files' fingerprints. `None` when the folder is gone.
pub fn load_project(
    root: &Path,
    id: &str,
) -> Result<(Option<Project>, Vec<Diagnostic>, SourceMap), LoadError> {
    let mut l = Loader {
        root,
        unit: "万元".into(),
        out: Vec::new(),
        broken: BTreeSet::new(),
        sources: SourceMap::new(root),
        progress: Progress::default(),
        allow: crate::attachments::allowed(&[]),
        fingerprints: true,
    };
    let rel = format!("content/projects/{id}");
    if !root.join(&rel).is_dir() {
        return Ok((None, l.out, l.sources));
    }
    let project = l.project_dir(&rel)?.map(|(p, _)| p);
    Ok((project, l.out, l.sources))
}

/// Loads the site at `root`.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    load_with(root, &Progress::default(), false)
}

/// [`load`], counting project folders on `progress`. Records are fingerprinted (their
/// [`Disclosure::hash`](crate::model::Disclosure)) when the site has a ledger to compare them
/// with, or when `publishing` (a publish checks that no file changed since it was read).
pub fn load_with(root: &Path, progress: &Progress, publishing: bool) -> Result<Loaded, LoadError> {
    // The ledger is read while the records load: its reading is partly serial (one file, one
    // chain), and the records keep the other core busy meanwhile.
    let (ledger, loaded) = rayon::join(
        || read_ledger(root),
        || load_records(root, progress, publishing),
    );
    let mut loaded = loaded?;
    loaded.site.ledger = ledger?;
    Ok(loaded)
}

/// [`load_with`] without reading the ledger: the site's `ledger` is `None` until the caller
/// sets it from [`read_ledger`] (a build reads it while it derives and checks the records).
pub fn load_records(
    root: &Path,
    progress: &Progress,
    publishing: bool,
) -> Result<Loaded, LoadError> {
    if !root.is_dir() {
        return Err(LoadError(format!("找不到站点文件夹 {}", root.display())));
    }
    if !root.join("config.toml").is_file() {
        return Err(LoadError(format!(
            "{} 里没有 config.toml：--root 要指向站点文件夹（含 config.toml 和 content/ 的那一层）",
            root.display()
        )));
    }
    let mut l = Loader {
        root,
        unit: "万元".into(),
        out: Vec::new(),
        broken: BTreeSet::new(),
        sources: SourceMap::new(root),
        progress: progress.clone(),
        allow: crate::attachments::allowed(&[]),
        fingerprints: publishing || root.join(crate::ledger::FILE).exists(),
    };
    let records = l.records()?;
    let mut site = Site {
        root: root.to_path_buf(),
        sources: l.sources,
        config: records.config,
        programme: records.programme,
        documents: records.documents,
        projects: records.projects,
        notices: records.notices,
        lookup: Lookup::default(),
        broken: l.broken.clone(),
        ledger: None,
    };
    site.index();
    Ok(Loaded {
        site,
        diagnostics: l.out,
        broken: l.broken,
        assets: records.assets,
    })
}

/// Reads and checks the site's `ledger.jsonl`; `None` when it keeps none.
pub fn read_ledger(
    root: &Path,
) -> Result<Option<std::sync::Arc<crate::ledger::Ledger>>, LoadError> {
    let t = std::time::Instant::now();
    let ledger = crate::ledger::Ledger::read(root)
        .map_err(|e| LoadError(format!("读取 {} 失败：{e}", crate::ledger::FILE)));
    crate::progress::timing("load: ledger", t);
    Ok(ledger?.map(std::sync::Arc::new))
}

struct Loader<'r> {
    root: &'r Path,
    /// The programme's unit, for reading amounts written with a unit.
    unit: String,
    out: Vec<Diagnostic>,
    broken: BTreeSet<String>,
    sources: SourceMap,
    progress: Progress,
    /// The types of file published beside the records (config's `[attachments]`).
    allow: Vec<String>,
    /// Whether records are fingerprinted for the ledger (see [`load_with`]).
    fingerprints: bool,
}

/// The site's records, as [`Loader::records`] reads them.
struct Records {
    config: Config,
    programme: Option<Programme>,
    documents: Vec<Document>,
    notices: Vec<Notice>,
    projects: Vec<Project>,
    assets: Vec<Asset>,
}

impl Loader<'_> {
    /// Reads config.toml, the programme, documents, notices and project folders.
    fn records(&mut self) -> Result<Records, LoadError> {
        let config = match self.read("config.toml")? {
            Some(src) => {
                self.toml_record(&src.path, "config", &src.text, 1, records::config, || {
                    Config {
                        file: src.path.clone(),
                        ..Config::default()
                    }
                })
            }
            None => Config {
                file: "config.toml".into(),
                ..Config::default()
            },
        };

        self.allow = config.attachments.allowed();
        let programme = self.programme()?;
        if let Some(unit) = programme.as_ref().and_then(|p| text(&p.unit)) {
            self.unit = unit.to_string();
        }
        let documents = self.flat_records(
            "content/documents",
            records::document,
            "document",
            |id, file| Document {
                id,
                file,
                ..Document::default()
            },
        )?;
        let notices =
            self.flat_records("content/notices", records::notice, "notice", |id, file| {
                Notice {
                    id,
                    file,
                    ..Notice::default()
                }
            })?;
        let (projects, assets) = self.projects()?;
        Ok(Records {
            config,
            programme,
            documents,
            notices,
            projects,
            assets,
        })
    }
}

thread_local! {
    /// Each loading thread reads into one buffer: decoding makes the text's own copy anyway.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads a whole file into `buf` without asking for its size first: content files are many and
/// small, and the size lookup `std::fs::read` makes would be one more system call for each.
/// Only a regular file is read (a link to one is followed): a FIFO, a socket or a device such
/// as `/dev/zero` named `x.md` is refused at once instead of blocking or reading forever.
fn read_into(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    buf.clear();
    buf.reserve(16 * 1024);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    file.take(u64::MAX).read_to_end(buf).map(drop)
}

impl<'r> Loader<'r> {
    /// Reads and decodes a file; a file that is not UTF-8 is a syntax error, not an I/O error.
    fn read(&mut self, rel: &str) -> Result<Option<Arc<SourceFile>>, LoadError> {
        let decoded = READ_BUFFER
            .with_borrow_mut(|buf| read_into(&self.root.join(rel), buf).map(|()| decode(buf)));
        let decoded = match decoded {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                self.out.push(
                    Diagnostic::new(
                        SYNTAX,
                        rel,
                        "这不是普通文件（是命名管道、设备或套接字，或指向它们的链接），无法读取",
                    )
                    .hint("删掉它，或换成用文本编辑器保存的普通文件"),
                );
                self.broken.insert(rel.to_string());
                return Ok(None);
            }
            Err(e) => return Err(LoadError(format!("读取 {rel} 失败：{e}"))),
        };
        match decoded {
            Ok(text) => {
                let forbidden = crate::source::forbidden_char(&text);
                let file = Arc::new(SourceFile {
                    path: rel.to_string(),
                    text,
                });
                self.sources.insert(&file);
                // Refused here, once for every output: a page, the feed, the data files and
                // the sitemap would each carry it differently (or break on it).
                if let Some((line, col, c)) = forbidden {
                    self.out.push(
                        Diagnostic::new(
                            SYNTAX,
                            rel,
                            format!(
                                "第 {line} 行第 {col} 列有不可见的{}，网页、订阅和数据文件里不能有",
                                crate::source::describe_char(c)
                            ),
                        )
                        .span(line, col, 1)
                        .hint("用文本编辑器删掉这个字符（常是从 Word 复制带进来的）；要换行就直接按回车"),
                    );
                    self.broken.insert(rel.to_string());
                    return Ok(None);
                }
                Ok(Some(file))
            }
            Err(e) => {
                self.out
                    .push(Diagnostic::new(SYNTAX, rel, e.message()).at(e.line()));
                self.broken.insert(rel.to_string());
                Ok(None)
            }
        }
    }

    fn broken<T>(&mut self, file: &str, placeholder: T) -> T {
        self.broken.insert(file.to_string());
        placeholder
    }

    fn programme(&mut self) -> Result<Option<Programme>, LoadError> {
        let rel = "content/programme.toml";
        if !self.root.join(rel).is_file() {
            self.out.push(
                Diagnostic::new(
                    crate::rules::REQUIRED_FIELD,
                    rel,
                    "缺少 content/programme.toml：项目总体情况（名称、资金来源、项目板块、实施方案）要写在这里",
                )
                .hint("参照 README 的 programme.toml 示例新建此文件"),
            );
            return Ok(None);
        }
        let Some(src) = self.read(rel)? else {
            return Ok(Some(Programme {
                file: rel.into(),
                ..Programme::default()
            }));
        };
        Ok(Some(self.toml_record(
            rel,
            "programme",
            &src.text,
            1,
            records::programme,
            || Programme {
                file: rel.into(),
                ..Programme::default()
            },
        )))
    }

    /// Reads one TOML text (a `.toml` file or a record's front matter): each syntax error is
    /// reported once at its cause and the rest is read; a file read in part or not at all is
    /// marked broken, so that no finding rests on it.
    fn toml_record<T>(
        &mut self,
        rel: &str,
        kind: &'static str,
        text: &str,
        first_line: u32,
        read: impl FnOnce(toml_reader::Table, &mut Vec<Diagnostic>) -> T,
        placeholder: impl FnOnce() -> T,
    ) -> T {
        // Most files parse as written: read them from this one parse, and leave the repair
        // (which parses again for each error it mends) to those that do not.
        let doc = TomlDoc::new(rel, kind, text, first_line);
        doc.set_unit(&self.unit);
        doc.set_fingerprints(self.fingerprints);
        if let Some(table) = doc.parse() {
            return read(doc.root(&table), &mut self.out);
        }
        let repaired = repair::repair(rel, kind, text, first_line, &self.unit);
        if !repaired.diagnostics.is_empty() {
            self.broken.insert(rel.to_string());
        }
        self.out.extend(repaired.diagnostics);
        if !repaired.readable {
            return placeholder();
        }
        let doc = TomlDoc::new(
            rel,
            kind,
            repaired.text.as_deref().unwrap_or(text),
            first_line,
        );
        doc.set_unit(&self.unit);
        doc.set_fingerprints(self.fingerprints);
        match doc.parse() {
            Some(table) => read(doc.root(&table), &mut self.out),
            None => self.broken(rel, placeholder()),
        }
    }

    /// Parses a `.md` record file; returns `None` (after reporting) when it cannot be read.
    fn markdown_record<T>(
        &mut self,
        rel: &str,
        kind: &'static str,
        read: impl FnOnce(toml_reader::Table, Body, &mut Vec<Diagnostic>) -> T,
        placeholder: impl FnOnce() -> T,
    ) -> Result<T, LoadError> {
        let Some(src) = self.read(rel)? else {
            return Ok(self.broken(rel, placeholder()));
        };
        let split = match split_front_matter(&src.text) {
            Ok(split) => split,
            Err((line, message, hint)) => {
                let mut d = Diagnostic::new(SYNTAX, rel, message).at(line).hint(hint);
                if let Some(fix) = front_matter_fix(&src.text) {
                    d = d.fix(fix);
                }
                self.out.push(d);
                return Ok(self.broken(rel, placeholder()));
            }
        };
        let body = split.body;
        Ok(self.toml_record(
            rel,
            kind,
            split.toml,
            2,
            |table, diags| read(table, body, diags),
            placeholder,
        ))
    }

    /// Records that are one `.md` file each, anywhere under `dir`, named by file stem.
    /// A loader for one part of the site, run on its own thread and absorbed afterwards.
    fn child(&self) -> Loader<'r> {
        Loader {
            root: self.root,
            unit: self.unit.clone(),
            out: Vec::new(),
            broken: BTreeSet::new(),
            sources: SourceMap::new(self.root),
            progress: self.progress.clone(),
            allow: self.allow.clone(),
            fingerprints: self.fingerprints,
        }
    }

    fn absorb(&mut self, other: Loader) {
        self.out.extend(other.out);
        self.broken.extend(other.broken);
        self.sources.extend(other.sources);
    }

    /// Records that are one `.md` file each, anywhere under `dir`, named by file stem; read in
    /// parallel, kept in path order.
    fn flat_records<T: Send>(
        &mut self,
        dir: &str,
        read: impl Fn(String, toml_reader::Table, Body, &mut Vec<Diagnostic>) -> T + Sync,
        kind: &'static str,
        placeholder: impl Fn(String, String) -> T + Sync,
    ) -> Result<Vec<T>, LoadError> {
        let files: Vec<String> = self
            .walk(dir, 1, usize::MAX)
            .into_iter()
            .filter(|r| r.ends_with(".md"))
            .collect();
        let loaded: Vec<Result<(Loader, T), LoadError>> = files
            .par_iter()
            .map(|rel| {
                let mut l = self.child();
                let id = stem(rel).to_string();
                l.check_id(rel, &id);
                let record = l.markdown_record(
                    rel,
                    kind,
                    |t, body, d| read(id.clone(), t, body, d),
                    || placeholder(id.clone(), rel.clone()),
                )?;
                Ok((l, record))
            })
            .collect();
        let mut out = Vec::with_capacity(loaded.len());
        for r in loaded {
            let (l, record) = r?;
            self.absorb(l);
            out.push(record);
        }
        Ok(out)
    }

    fn projects(&mut self) -> Result<(Vec<Project>, Vec<Asset>), LoadError> {
        let dirs = self.walk("content/projects", 1, 1);
        self.progress.stage("读取项目", dirs.len());
        let loaded: Vec<Result<(Loader, Option<ProjectFiles>), LoadError>> = dirs
            .par_iter()
            .map(|rel| {
                let mut l = self.child();
                let project = l.project_dir(rel)?;
                l.progress.inc(1);
                Ok((l, project))
            })
            .collect();
        let mut projects = Vec::with_capacity(loaded.len());
        let mut assets = Vec::new();
        for r in loaded {
            let (l, project) = r?;
            self.absorb(l);
            if let Some((p, a)) = project {
                projects.push(p);
                assets.extend(a);
            }
        }
        Ok((projects, assets))
    }

    /// One project folder: `index.md`, its monthly reports and the files beside them.
    fn project_dir(&mut self, rel: &str) -> Result<Option<ProjectFiles>, LoadError> {
        let base = "content/projects";
        if self.root.join(rel).is_file() {
            self.out.push(
                Diagnostic::new(
                    INVALID_ID,
                    rel,
                    "项目要各建一个文件夹：content/projects/<项目编号>/index.md",
                )
                .hint(format!(
                    "新建文件夹 {base}/{}/，把此文件移进去并改名为 index.md",
                    suggest_id(stem(rel)).unwrap_or_else(|| example_id(rel).to_string())
                )),
            );
            return Ok(None);
        }
        let id = rel[base.len() + 1..].to_string();
        self.check_id(rel, &id);
        let index = format!("{rel}/index.md");
        if !self.root.join(&index).is_file() {
            self.out.push(Diagnostic::new(
                crate::rules::REQUIRED_FIELD,
                &index,
                format!("项目文件夹 {rel}/ 里缺少 index.md（项目基本信息和建设内容）"),
            ));
            return Ok(None);
        }
        let mut project = self.markdown_record(
            &index,
            "project",
            |t, body, d| records::project(id.clone(), t, body, d),
            || Project {
                id: id.clone(),
                file: index.clone(),
                ..Project::default()
            },
        )?;
        let mut assets = Vec::new();
        for file in self.walk_files(rel) {
            if file == index {
                continue;
            }
            let inner = &file[rel.len() + 1..];
            if let Some(name) = inner
                .strip_prefix("progress/")
                .and_then(|n| n.strip_suffix(".md"))
            {
                if let Some(report) = self.progress(&file, name)? {
                    project.progress.push(report);
                }
            } else if file.ends_with(".md") {
                self.out.push(Diagnostic::new(
                    INVALID_ID,
                    &file,
                    "项目文件夹里只认 index.md 和 progress/年-月.md；其他 .md 文件不会发布",
                ));
            } else {
                match crate::attachments::check_file(self.root, &file, &self.allow, false) {
                    Ok(real) => assets.push((real, format!("projects/{id}/{inner}"))),
                    Err(d) => self.out.push(*d),
                }
            }
        }
        project.progress.sort_by_key(|r| r.month);
        Ok(Some((project, assets)))
    }

    fn progress(&mut self, rel: &str, name: &str) -> Result<Option<ProgressReport>, LoadError> {
        let Some(month) = Month::parse(name).filter(|m| crate::date::YEARS.contains(&m.year))
        else {
            self.out.push(
                Diagnostic::new(
                    INVALID_ID,
                    rel,
                    format!("进度报告的文件名 {name}.md 不是 年-月.md"),
                )
                .hint("例如 2022-07.md 是 2022 年 7 月的进度"),
            );
            return Ok(None);
        };
        let placeholder = || ProgressReport {
            month,
            file: rel.to_string(),
            published: None,
            percent: None,
            disbursed: None,
            actuals: Vec::new(),
            body: Body::default(),
            disclosure: Disclosure::default(),
        };
        Ok(Some(self.markdown_record(
            rel,
            "progress",
            |t, body, d| records::progress(month, t, body, d),
            placeholder,
        )?))
    }

    fn check_id(&mut self, rel: &str, id: &str) {
        if !valid_id(id) {
            self.out.push(
                Diagnostic::new(
                    INVALID_ID,
                    rel,
                    format!("“{id}”不能用作编号和网址：只能用小写英文字母、数字和 -（不能以 - 开头或结尾）"),
                )
                .hint(match suggest_id(id) {
                    Some(better) => format!("改名为 {better}"),
                    None => format!("用拼音或英文重新命名，例如 {}", example_id(rel)),
                }),
            );
        }
    }

    /// Relative paths under `dir` between the given depths, sorted, skipping hidden and
    /// editor temporary files.
    fn walk(&self, dir: &str, min: usize, max: usize) -> Vec<String> {
        self.walk_where(dir, min, max, |_| true)
    }

    /// Like [`Self::walk`], files only. The type comes with the directory listing, so a folder of
    /// many reports costs no extra call per file (only a symbolic link is looked up).
    fn walk_files(&self, dir: &str) -> Vec<String> {
        self.walk_where(dir, 1, usize::MAX, |e| {
            let t = e.file_type();
            let folder = t.is_dir() || (t.is_symlink() && e.path().is_dir());
            !folder
        })
    }

    fn walk_where(
        &self,
        dir: &str,
        min: usize,
        max: usize,
        keep: impl Fn(&walkdir::DirEntry) -> bool,
    ) -> Vec<String> {
        let abs = self.root.join(dir);
        if !abs.is_dir() {
            return Vec::new();
        }
        WalkDir::new(&abs)
            .min_depth(min)
            .max_depth(max)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !is_ignored(&e.file_name().to_string_lossy()))
            .filter_map(Result::ok)
            .filter(|e| keep(e))
            .filter_map(|e| {
                let rel = e.path().strip_prefix(self.root).ok()?;
                Some(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/"),
                )
            })
            .collect()
    }
}

fn is_ignored(name: &str) -> bool {
    crate::attachments::is_leftover(name)
}

fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.strip_suffix(".md").unwrap_or(name)
}

/// SPEC §3: lowercase ASCII letters, digits and `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An example id for a file in the folder of `rel`.
fn example_id(rel: &str) -> &'static str {
    if rel.starts_with("content/notices/") {
        "award-2022-05"
    } else if rel.starts_with("content/documents/") {
        "decision-2022-15"
    } else {
        "cold-chain"
    }
}

/// The name with what an id cannot hold taken out, if anything is left.
fn suggest_id(id: &str) -> Option<String> {
    let mut out = String::new();
    for c in id.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            ' ' | '_' | '-' | '.' if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    let out = out.trim_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["a", "county-service-center", "decision-2022-15", "2022"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "县级中心", "a_b", "a b", "a.b", "../x"] {
            assert!(!valid_id(bad), "{bad}");
        }
        assert_eq!(
            suggest_id("Cold Chain_2022").as_deref(),
            Some("cold-chain-2022")
        );
        assert_eq!(suggest_id("县级方案"), None);
    }

    #[test]
    fn front_matter() {
        let s = split_front_matter("+++\nname = \"x\"\n+++\n正文\n").unwrap();
        assert_eq!(s.toml, "name = \"x\"\n");
        assert_eq!(s.body.markdown, "正文\n");
        assert_eq!(s.body.first_line, 4);
        let s = split_front_matter("+++  \na = 1\n+++").unwrap();
        assert_eq!(s.body.markdown, "");
        assert!(
            split_front_matter("---\na: 1\n---\n")
                .unwrap_err()
                .2
                .contains("YAML")
        );
        assert_eq!(split_front_matter("+++\na = 1\n").unwrap_err().0, 1);
    }
}
