//! The loaded site: plain domain types with the place each value came from.
//!
//! Loading keeps what the files say, including what is missing (`None`) or empty; the rules in
//! `check` decide what is wrong with it. Values whose type was wrong never get here: the loader
//! reports them and leaves the field `None`.

use std::collections::HashMap;
use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::date::{Date, Month};
use crate::money::Money;
use crate::source::SourceMap;

/// A value with the 1-based line and column of the key that set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub line: u32,
    pub col: u32,
    /// Width of the key in characters, for the marker under it.
    pub width: u32,
}

impl<T> Spanned<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            line: self.line,
            col: self.col,
            width: self.width,
        }
    }
}

/// A field that may be absent from the file.
pub type Field<T> = Option<Spanned<T>>;

/// The entries of a table keyed by ids (`[funding]`, `allocations`), in file order.
pub type Entries<T> = Vec<(Spanned<String>, Spanned<T>)>;

/// The value of a field, if present.
pub fn val<T>(f: &Field<T>) -> Option<&T> {
    f.as_ref().map(|s| &s.value)
}

/// A string field with something other than white space in it.
pub fn text(f: &Field<String>) -> Option<&str> {
    val(f).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A Markdown body and the line of the file it starts on.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub markdown: String,
    pub first_line: u32,
}

impl Body {
    pub fn is_blank(&self) -> bool {
        self.markdown.trim().is_empty()
    }
}

#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub sources: SourceMap,
    pub config: Config,
    pub programme: Option<Programme>,
    pub documents: Vec<Document>,
    pub projects: Vec<Project>,
    pub notices: Vec<Notice>,
    /// Records by id, so that no rule or page searches a list for every record.
    pub lookup: Lookup,
    /// Files that could not be read whole (a syntax error): what they hold is missing or
    /// partial, so no finding may rest on them.
    pub broken: std::collections::BTreeSet<String>,
    /// `ledger.jsonl` as read and checked (SPEC §7); `None` when the site has none.
    pub ledger: Option<std::sync::Arc<crate::ledger::Ledger>>,
}

/// Indexes of the site's records (positions in its lists); the first record wins an id.
#[derive(Debug, Default)]
pub struct Lookup {
    projects: HashMap<String, usize>,
    documents: HashMap<String, usize>,
    notices_of: HashMap<String, Vec<usize>>,
    decided_by: HashMap<String, Vec<usize>>,
}

impl Site {
    /// Builds the indexes; called once the records are loaded.
    pub fn index(&mut self) {
        let mut l = Lookup::default();
        for (i, p) in self.projects.iter().enumerate() {
            l.projects.entry(p.id.clone()).or_insert(i);
            if let Some(d) = text(&p.decision) {
                l.decided_by.entry(d.to_string()).or_default().push(i);
            }
        }
        for (i, d) in self.documents.iter().enumerate() {
            l.documents.entry(d.id.clone()).or_insert(i);
        }
        for (i, n) in self.notices.iter().enumerate() {
            if let Some(p) = text(&n.project) {
                l.notices_of.entry(p.to_string()).or_default().push(i);
            }
        }
        self.lookup = l;
    }

    /// Puts a reloaded project in place of the one with its id; its position, or `None` if
    /// there is none.
    pub fn replace_project(&mut self, project: Project, sources: SourceMap) -> Option<usize> {
        let i = self.lookup.projects.get(&project.id).copied()?;
        self.projects[i] = project;
        self.sources.extend(sources);
        self.index();
        Some(i)
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.project_index(id).map(|i| &self.projects[i])
    }

    /// Position in `projects` of the project with this id.
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.lookup.projects.get(id.trim()).copied()
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.lookup
            .documents
            .get(id.trim())
            .map(|i| &self.documents[*i])
    }

    /// The notices that name this project.
    pub fn notices_of(&self, project: &str) -> impl Iterator<Item = &Notice> {
        self.notice_indices_of(project)
            .iter()
            .map(|i| &self.notices[*i])
    }

    /// Positions in `notices` of the notices that name this project.
    pub fn notice_indices_of(&self, project: &str) -> &[usize] {
        self.lookup
            .notices_of
            .get(project)
            .map_or(&[], Vec::as_slice)
    }

    /// The projects whose decision is this document.
    pub fn decided_by(&self, document: &str) -> impl Iterator<Item = &Project> {
        self.lookup
            .decided_by
            .get(document)
            .into_iter()
            .flatten()
            .map(|i| &self.projects[*i])
    }
}

// ---------------------------------------------------------------- the ledger's fields

/// What a record says about its own history (SPEC §7), and the fingerprint of everything else
/// it discloses.
#[derive(Clone, Debug, Default)]
pub struct Disclosure {
    /// Whether the record's file parsed (a record that did not is kept as a placeholder).
    pub read: bool,
    /// SHA-256 of the record's canonical content; `None` for a file that did not parse, and
    /// for every record when the site has no ledger and is not being published.
    pub hash: Option<crate::ledger::Hash>,
    /// `[[corrections]]`: why the content was changed after it was published.
    pub corrections: Vec<Correction>,
    /// `withdrawn`: the record is withdrawn from this day (it stays published, marked).
    pub withdrawn: Field<Date>,
    pub withdrawn_reason: Field<String>,
}

impl Disclosure {
    /// The withdrawal in force on `as_of`: its date and reason.
    pub fn withdrawn_by(&self, as_of: Date) -> Option<(Date, &str)> {
        let date = val(&self.withdrawn).copied().filter(|d| *d <= as_of)?;
        Some((date, text(&self.withdrawn_reason).unwrap_or_default()))
    }
}

/// One `[[corrections]]` entry.
#[derive(Clone, Debug, Default)]
pub struct Correction {
    /// Line of its `[[corrections]]` header.
    pub line: u32,
    /// Field path prefix, such as `corrections[1]`.
    pub path: String,
    pub date: Field<Date>,
    pub reason: Field<String>,
}

// ---------------------------------------------------------------- config.toml

#[derive(Debug, Default)]
pub struct Config {
    pub file: String,
    pub title: Field<String>,
    pub description: Field<String>,
    pub base_url: Field<String>,
    pub theme: Field<String>,
    pub publisher: Publisher,
    pub channels: Channels,
    pub rules: RuleSettings,
    pub calendar: CalendarExtra,
    pub data: DataSettings,
    pub attachments: AttachmentSettings,
}

/// `[attachments]`: which types of file beside the records are published.
#[derive(Debug, Default)]
pub struct AttachmentSettings {
    /// Extensions published (`pdf`, `docx`, …); empty for the default list.
    pub allow: Vec<Spanned<String>>,
}

impl AttachmentSettings {
    /// The extensions published, lowercased, never an active type.
    pub fn allowed(&self) -> Vec<String> {
        let listed: Vec<String> = self.allow.iter().map(|s| s.value.clone()).collect();
        crate::attachments::allowed(&listed)
    }
}

/// `[data]`: how the open data describes itself.
#[derive(Debug, Default)]
pub struct DataSettings {
    /// OCDS ocid prefix registered with the Open Contracting Partnership (`ocds-xxxxxx`).
    pub ocid_prefix: Field<String>,
    /// The licence the data is published under.
    pub license: Field<String>,
}

#[derive(Debug, Default)]
pub struct Publisher {
    /// Line of the `[publisher]` header, if there is one.
    pub line: Option<u32>,
    pub name: Field<String>,
    pub phone: Field<String>,
    pub email: Field<String>,
    pub address: Field<String>,
    pub site_code: Field<String>,
    pub icp: Field<String>,
    pub police_record: Field<String>,
    /// The id of the 党政机关网站标识 the registration office issued (the `id=` of its link).
    pub conac_id: Field<String>,
    /// The 党政机关网站标识 image, a file of the site's `static/` (gongkai ships none).
    pub conac_image: Field<String>,
    /// The "我为政府网站找错" entry, when it is not the national platform's default.
    pub error_report_url: Field<String>,
}

/// The three kinds of window R4 requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChannelKind {
    Feedback,
    Discipline,
    Audit,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 3] = [
        ChannelKind::Feedback,
        ChannelKind::Discipline,
        ChannelKind::Audit,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ChannelKind::Feedback => "feedback",
            ChannelKind::Discipline => "discipline",
            ChannelKind::Audit => "audit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Feedback => "征求意见窗口",
            ChannelKind::Discipline => "纪检监察举报窗口",
            ChannelKind::Audit => "审计举报窗口",
        }
    }
}

#[derive(Debug, Default)]
pub struct Channels {
    pub line: Option<u32>,
    pub feedback: Vec<Channel>,
    pub discipline: Vec<Channel>,
    pub audit: Vec<Channel>,
}

impl Channels {
    pub fn of(&self, kind: ChannelKind) -> &[Channel] {
        match kind {
            ChannelKind::Feedback => &self.feedback,
            ChannelKind::Discipline => &self.discipline,
            ChannelKind::Audit => &self.audit,
        }
    }
}

#[derive(Debug, Default)]
pub struct Channel {
    /// Line of its `[[channels.x]]` header.
    pub line: u32,
    /// Field path prefix, such as `channels.feedback[1]`.
    pub path: String,
    pub name: Field<String>,
    pub email: Field<String>,
    pub phone: Field<String>,
    pub url: Field<String>,
    pub address: Field<String>,
    pub note: Field<String>,
}

impl Channel {
    pub fn has_contact(&self) -> bool {
        [&self.email, &self.phone, &self.url, &self.address]
            .into_iter()
            .any(|f| text(f).is_some())
    }
}

#[derive(Debug)]
pub struct RuleSettings {
    pub progress_due_day: Spanned<u32>,
    pub publication_working_days: Spanned<u32>,
    pub strict: bool,
    /// The inspection limit for news-type columns, in days without an update (§9).
    pub stale_days: Spanned<u32>,
    /// How many days before an inspection limit `column-stale` warns.
    pub stale_margin_days: Spanned<u32>,
}

impl Default for RuleSettings {
    fn default() -> Self {
        let at = |value| Spanned {
            value,
            line: 0,
            col: 0,
            width: 0,
        };
        RuleSettings {
            progress_due_day: at(10),
            publication_working_days: at(20),
            strict: false,
            stale_days: at(14),
            stale_margin_days: at(4),
        }
    }
}

#[derive(Debug, Default)]
pub struct CalendarExtra {
    pub holidays: Vec<Spanned<Date>>,
    pub workdays: Vec<Spanned<Date>>,
}

// ---------------------------------------------------------------- programme.toml

#[derive(Debug, Default)]
pub struct Programme {
    pub file: String,
    pub name: Field<String>,
    pub year: Field<i64>,
    pub unit: Field<String>,
    pub plan: Field<String>,
    pub fund_rules: Field<String>,
    pub prohibited_uses: Vec<Spanned<String>>,
    /// More words for a prohibited use (by its name), or words of a use of the programme's own.
    pub prohibited_terms: Entries<Vec<String>>,
    /// Phrases that contain a prohibited word but are not a prohibited use (运费补贴 …).
    pub allowed_uses: Vec<Spanned<String>>,
    pub sources: Vec<FundSource>,
    pub categories: Vec<Category>,
    pub description: Field<String>,
    /// Programme-wide performance targets, which project targets serve.
    pub targets: Vec<ProgrammeTarget>,
    /// The plan's phases, with their dates and what each must deliver.
    pub phases: Vec<Phase>,
    pub disclosure: Disclosure,
    /// The day the programme ended: from then on the column is a record, not judged stale.
    pub closed: Field<crate::date::Date>,
}

impl Programme {
    /// Whether the source with this id is central funds.
    pub fn is_central(&self, source: &str) -> bool {
        self.source(source).is_some_and(FundSource::is_central)
    }

    pub fn unit(&self) -> &str {
        text(&self.unit).unwrap_or("万元")
    }

    pub fn source(&self, id: &str) -> Option<&FundSource> {
        self.sources.iter().find(|s| text(&s.id) == Some(id))
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| text(&c.id) == Some(id))
    }

    pub fn target(&self, id: &str) -> Option<&ProgrammeTarget> {
        self.targets.iter().find(|t| text(&t.id) == Some(id))
    }
}

/// A programme-wide target (人次 trained, stations built …): projects' targets that name it
/// add up to its progress.
#[derive(Debug, Default)]
pub struct ProgrammeTarget {
    pub line: u32,
    pub path: String,
    pub id: Field<String>,
    pub indicator: Field<String>,
    pub target: Field<Decimal>,
    pub unit: Field<String>,
}

/// A phase of the plan (启动、建设、验收 …).
#[derive(Debug, Default)]
pub struct Phase {
    pub line: u32,
    pub path: String,
    pub name: Field<String>,
    pub start: Field<Date>,
    pub end: Field<Date>,
    /// What the phase must deliver, as the plan says it.
    pub deliverables: Field<String>,
}

/// A part of a source's money that arrives on its own (for example the rest of the central
/// funds after a mid-term evaluation).
#[derive(Debug, Default)]
pub struct Tranche {
    pub line: u32,
    pub path: String,
    pub name: Field<String>,
    pub amount: Field<Money>,
    /// When it arrived; a tranche without it is pending.
    pub arrived: Field<Date>,
    /// When it is expected, if the plan says.
    pub expected: Field<Date>,
    /// What it waits for (中期评估合格后下达 …).
    pub condition: Field<String>,
}

#[derive(Debug, Default)]
pub struct FundSource {
    pub line: u32,
    pub path: String,
    pub id: Field<String>,
    pub name: Field<String>,
    pub amount: Field<Money>,
    /// For a source with no fixed amount: on what it is paid (以实际申报支出为准).
    pub basis: Field<String>,
    /// `central = true|false`; when absent, a source is central if its id is `central` or its
    /// name mentions 中央.
    pub central: Field<bool>,
    /// Parts that arrive on their own; when given, they add up to `amount`.
    pub tranches: Vec<Tranche>,
}

impl FundSource {
    /// Central funds are the ones R8 and R9 restrict.
    pub fn is_central(&self) -> bool {
        match val(&self.central) {
            Some(c) => *c,
            None => {
                text(&self.id) == Some("central")
                    || text(&self.name).is_some_and(|n| n.contains("中央"))
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Category {
    pub line: u32,
    pub path: String,
    pub id: Field<String>,
    pub name: Field<String>,
    /// Source id → amount.
    pub allocations: Entries<Money>,
    /// Source id → declared share of that source, as written ("35.5%" is 35.5).
    pub shares: Entries<Decimal>,
}

// ---------------------------------------------------------------- documents

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    Plan,
    /// A draft published for comment (征求意见稿), with the day comments close.
    Draft,
    FundRules,
    Decision,
    Contract,
    Acceptance,
    Evaluation,
    Report,
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 9] = [
        DocKind::Plan,
        DocKind::Draft,
        DocKind::FundRules,
        DocKind::Decision,
        DocKind::Contract,
        DocKind::Acceptance,
        DocKind::Evaluation,
        DocKind::Report,
        DocKind::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DocKind::Plan => "plan",
            DocKind::Draft => "draft",
            DocKind::FundRules => "fund-rules",
            DocKind::Decision => "decision",
            DocKind::Contract => "contract",
            DocKind::Acceptance => "acceptance",
            DocKind::Evaluation => "evaluation",
            DocKind::Report => "report",
            DocKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocKind::Plan => "实施方案",
            DocKind::Draft => "征求意见稿",
            DocKind::FundRules => "资金与项目管理制度",
            DocKind::Decision => "决策文件",
            DocKind::Contract => "合同",
            DocKind::Acceptance => "验收",
            DocKind::Evaluation => "绩效评价",
            DocKind::Report => "工作报告",
            DocKind::Other => "其他",
        }
    }

    pub fn from_key(key: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

#[derive(Debug, Default)]
pub struct Document {
    pub id: String,
    pub file: String,
    pub kind: Field<DocKind>,
    pub title: Field<String>,
    pub number: Field<String>,
    pub issuer: Field<String>,
    pub issued: Field<Date>,
    pub published: Field<Date>,
    /// For a draft: the last day comments are taken.
    pub comment_until: Field<Date>,
    pub body: Body,
    pub disclosure: Disclosure,
}

// ---------------------------------------------------------------- projects

#[derive(Debug, Default)]
pub struct Project {
    pub id: String,
    pub file: String,
    /// The number the county gives the project (公开编号), when it gives one.
    pub number: Field<String>,
    pub name: Field<String>,
    pub category: Field<String>,
    /// The decision that approved it (the first, when there are several).
    pub decision: Field<String>,
    /// Further decisions that approved it.
    pub more_decisions: Vec<Spanned<String>>,
    pub published: Field<Date>,
    pub start: Field<Date>,
    pub deadline: Field<Date>,
    pub completed: Field<Date>,
    pub accepted: Field<Date>,
    pub contractor: Contractor,
    pub funding: Funding,
    pub targets: Vec<Target>,
    pub locations: Vec<Location>,
    pub disbursements: Vec<Disbursement>,
    pub body: Body,
    /// Monthly reports, sorted by month.
    pub progress: Vec<ProgressReport>,
    pub disclosure: Disclosure,
}

#[derive(Debug, Default)]
pub struct Contractor {
    /// Line of the `[contractor]` header, if present.
    pub line: Option<u32>,
    pub name: Field<String>,
    pub credit_code: Field<String>,
    pub responsible: Field<String>,
    pub phone: Field<String>,
}

#[derive(Debug, Default)]
pub struct Funding {
    pub line: Option<u32>,
    /// Source id → amount.
    pub entries: Entries<Money>,
}

impl Funding {
    /// Whether any central source funds this project.
    pub fn has_central(&self, programme: &Programme) -> bool {
        self.entries
            .iter()
            .any(|(k, m)| programme.is_central(&k.value) && m.value > Money::ZERO)
    }

    pub fn total(&self) -> Money {
        self.entries.iter().map(|(_, m)| m.value).sum()
    }

    pub fn get(&self, source: &str) -> Option<Money> {
        self.entries
            .iter()
            .find(|(k, _)| k.value == source)
            .map(|(_, m)| m.value)
    }
}

#[derive(Debug, Default)]
pub struct Target {
    pub line: u32,
    pub path: String,
    pub indicator: Field<String>,
    pub target: Field<Decimal>,
    pub unit: Field<String>,
    /// The programme target (its id) this one serves.
    pub programme: Field<String>,
}

#[derive(Debug, Default)]
pub struct Location {
    pub line: u32,
    pub path: String,
    /// A town (乡镇) where the project is built, such as a supply-chain warehouse.
    pub town: Field<String>,
    pub village: Field<String>,
    pub route: Field<String>,
}

#[derive(Debug, Default)]
pub struct Disbursement {
    pub line: u32,
    pub path: String,
    pub date: Field<Date>,
    pub amount: Field<Money>,
    pub source: Field<String>,
    pub purpose: Field<String>,
}

#[derive(Debug)]
pub struct ProgressReport {
    pub month: Month,
    pub file: String,
    pub published: Field<Date>,
    pub percent: Field<Decimal>,
    pub disbursed: Field<Money>,
    pub actuals: Vec<Actual>,
    pub body: Body,
    pub disclosure: Disclosure,
}

#[derive(Debug, Default)]
pub struct Actual {
    pub line: u32,
    pub path: String,
    pub indicator: Field<String>,
    pub value: Field<Decimal>,
}

// ---------------------------------------------------------------- notices

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoticeKind {
    Tender,
    Candidates,
    Award,
    Contract,
    ComplaintDecision,
    ViolationRecord,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::Tender,
        NoticeKind::Candidates,
        NoticeKind::Award,
        NoticeKind::Contract,
        NoticeKind::ComplaintDecision,
        NoticeKind::ViolationRecord,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::Tender => "tender",
            NoticeKind::Candidates => "candidates",
            NoticeKind::Award => "award",
            NoticeKind::Contract => "contract",
            NoticeKind::ComplaintDecision => "complaint-decision",
            NoticeKind::ViolationRecord => "violation-record",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Tender => "招标公告",
            NoticeKind::Candidates => "中标候选人公示",
            NoticeKind::Award => "中标结果公告",
            NoticeKind::Contract => "合同公告",
            NoticeKind::ComplaintDecision => "投诉处理决定",
            NoticeKind::ViolationRecord => "违法失信行为记录",
        }
    }

    pub fn from_key(key: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// What the `event` date means for this kind of notice.
    pub fn event_label(self) -> &'static str {
        match self {
            NoticeKind::Tender => "招标日期",
            NoticeKind::Candidates => "评标日期",
            NoticeKind::Award => "中标确定日期",
            NoticeKind::Contract => "合同签订日期",
            NoticeKind::ComplaintDecision => "处理决定日期",
            NoticeKind::ViolationRecord => "行为认定日期",
        }
    }

    /// Kinds whose R7 window runs from a dated act, so `event` is required.
    pub fn needs_event(self) -> bool {
        !matches!(self, NoticeKind::Tender | NoticeKind::Candidates)
    }

    /// Kinds that must stay on display for a period, so `public_until` is required.
    pub fn needs_public_until(self) -> bool {
        matches!(
            self,
            NoticeKind::Tender | NoticeKind::Candidates | NoticeKind::Award
        )
    }

    /// Kinds that name the winning supplier.
    pub fn names_supplier(self) -> bool {
        matches!(self, NoticeKind::Award | NoticeKind::Contract)
    }
}

#[derive(Debug, Default)]
pub struct Notice {
    pub id: String,
    pub file: String,
    pub kind: Field<NoticeKind>,
    pub project: Field<String>,
    pub title: Field<String>,
    pub event: Field<Date>,
    pub published: Field<Date>,
    pub public_until: Field<Date>,
    pub supplier: Field<String>,
    pub amount: Field<Money>,
    pub body: Body,
    pub disclosure: Disclosure,
}
