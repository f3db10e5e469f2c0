//! `required-field`: what R1 (every project field), R3 (plan and fund rules), R4 (complaint
//! windows) and the footer require is present and not empty.

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::labels;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::REQUIRED_FIELD,
    run,
};

/// Where a missing field goes, for the hint.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// Between the `+++` lines of a `.md` file.
    FrontMatter,
    /// At the top level of a `.toml` file.
    TomlRoot,
    /// In a table that exists, with its header line.
    Table(&'a str, u32),
    /// In a table that is missing altogether.
    NewTable(&'a str),
    /// In an array-of-tables entry, with its header line.
    Entry(&'a str, u32),
}

struct Missing<'a> {
    out: &'a mut Vec<Diagnostic>,
    file: &'a str,
    kind: &'static str,
    /// Why the field is required, e.g. `R1`.
    why: &'static str,
}

impl Missing<'_> {
    fn report(&mut self, path: &str, empty_at: Option<(u32, u32, u32)>, place: Place) {
        let field = labels::describe(self.kind, path);
        let example = example(self.kind, path);
        let message = match empty_at {
            Some(_) => format!("必填字段 {field} 是空的（{}）", self.why),
            None => format!("缺少必填字段 {field}（{}）", self.why),
        };
        let mut diag = Diagnostic::new(RULE.rule, self.file, message).field(path);
        let md = self.file.ends_with(".md");
        let end = if md {
            "在第二行 +++ 之前加上："
        } else {
            "在文件末尾加上："
        };
        diag = match (empty_at, place) {
            (Some((line, col, width)), _) => diag
                .span(line, col, width)
                .hint(format!("在引号里填上内容，例如：{example}")),
            // Whole tables go at the end of the front matter or file.
            (None, _) if example.starts_with('[') => diag
                .at_opt(md.then_some(1))
                .hint(format!("{end}\n{example}")),
            (None, Place::NewTable(name)) => diag
                .at_opt(md.then_some(1))
                .hint(format!("{end}\n[{name}]\n{example}")),
            (None, Place::FrontMatter) => {
                diag.at(1).hint(format!("在两行 +++ 之间加一行：{example}"))
            }
            (None, Place::TomlRoot) => {
                diag.hint(format!("在文件开头（任何 [表头] 之前）加一行：{example}"))
            }
            (None, Place::Table(name, line)) => diag
                .at(line)
                .hint(format!("在 [{name}] 下面加一行：{example}")),
            (None, Place::Entry(name, line)) => diag.at(line).hint(format!(
                "在这一项 [[{}]] 下面加一行：{example}",
                labels::generic_path(name)
            )),
        };
        self.out.push(diag);
    }

    fn text(&mut self, f: &Field<String>, path: &str, place: Place) {
        match f {
            Some(s) if s.value.trim().is_empty() => {
                self.report(path, Some((s.line, s.col, s.width)), place)
            }
            Some(_) => {}
            None => self.report(path, None, place),
        }
    }

    fn value<T>(&mut self, f: &Field<T>, path: &str, place: Place) {
        if f.is_none() {
            self.report(path, None, place);
        }
    }
}

/// The line to add for a missing field: its key and what to look up for its value. No value
/// is made up: a sample name or amount copied into a public column would be published as fact.
fn example(kind: &str, path: &str) -> String {
    let generic = labels::generic_path(path);
    let key = generic.rsplit('.').next().unwrap_or(&generic);
    let value = match (kind, generic.as_str()) {
        (_, "published") => "年-月-日（在网站上公开的日期）",
        (_, "title") if kind == "config" => {
            "\"……\"（专栏名称，如“某某县电子商务进农村综合示范专栏”）"
        }
        (_, "title") => "\"……\"（文件或公告的标题，照原文）",
        ("project", "name") => "\"……\"（决策文件里的项目名称，照原文）",
        ("project", "category") => "\"……\"（programme.toml 里这个项目所属板块的 id）",
        ("project", "decision") => "\"……\"（确定扶持这个项目的决策文件的文件名，不带 .md）",
        ("project", "start") => "年-月-日（开工日期，照合同或开工报告）",
        ("project", "deadline") => "年-月-日（完成时限，照决策文件或合同）",
        ("project", "contractor.name") => "\"……\"（承办单位营业执照上的全称）",
        ("project", "contractor.responsible") => "\"……\"（承办单位责任人的姓名，照决策文件或合同）",
        ("project", "funding") => {
            return "资金来源 id = 金额（照决策文件确定的扶持资金填写，每个资金来源一行，如 central = ……）".into();
        }
        ("project", "targets") => {
            return "[[targets]]\nindicator = \"……\"（绩效目标的指标，照实施方案或决策文件）\ntarget = ……（目标值，数字）\nunit = \"……\"（单位）"
                .into();
        }
        ("project", "targets.indicator") => "\"……\"（绩效目标的指标，照实施方案或决策文件）",
        ("project", "targets.target") => "……（目标值，数字，照实施方案或决策文件）",
        ("project", "disbursements.date") => "年-月-日（拨付凭证上的日期）",
        ("project", "disbursements.amount") => "……（拨付凭证上的金额，数字）",
        ("project", "disbursements.source") => "\"……\"（资金来源的 id，如中央财政资金的 id）",
        ("project", "disbursements.purpose") => "\"……\"（拨付凭证上的用途）",
        ("progress", "percent") => "……（本月末的总体完成比例，0 到 100 的数字）",
        ("document", "kind") => {
            "\"……\"（plan、fund-rules、decision、contract、acceptance、evaluation、report 或 other）"
        }
        ("document", "issued") => "年-月-日（成文日期，照文件落款）",
        ("document", "comment_until") => "年-月-日（意见征集的最后一天，照征求意见公告）",
        ("programme", "sources.tranches.amount") => "……（这一批的金额，照下达文件）",
        ("programme", "targets.id") => {
            "\"……\"（英文编号，项目的绩效目标用 programme = 这个编号 对应它）"
        }
        ("programme", "targets.indicator") => "\"……\"（指标，照实施方案）",
        ("programme", "targets.target") => "……（目标值，数字，照实施方案）",
        ("programme", "phases.name") => "\"……\"（阶段名称，照实施方案的进度安排）",
        ("programme", "phases.end") => "年-月-日（阶段结束，照实施方案）",
        ("document", "issuer") => "\"……\"（发文单位，照文件落款）",
        ("notice", "kind") => {
            "\"……\"（tender、candidates、award、contract、complaint-decision 或 violation-record）"
        }
        ("notice", "project") => "\"……\"（所属项目的文件夹名）",
        ("notice", "event") => "年-月-日（中标确定、合同签订等事项的日期，照原始文件）",
        ("notice", "public_until") => "年-月-日（公示的最后一天）",
        ("notice", "supplier") => "\"……\"（中标或签约单位的全称，与项目承办单位名称一致）",
        ("programme", "name") => "\"……\"（示范项目的名称，照实施方案）",
        ("programme", "plan") => "\"……\"（实施方案的文件名，不带 .md）",
        ("programme", "fund_rules") => "\"……\"（资金与项目管理制度的文件名，不带 .md）",
        ("programme", "sources") => {
            return "[[sources]]\nid = \"……\"（英文编号，如中央财政资金写 central）\nname = \"……\"（资金来源名称）\namount = ……（照实施方案或批复填写）".into();
        }
        ("programme", "sources.id") => "\"……\"（英文编号，如中央财政资金写 central）",
        ("programme", "sources.name") => "\"……\"（资金来源名称，照实施方案）",
        ("programme", "sources.amount") => "……（资金额度，照实施方案或批复）",
        ("programme", "categories") => {
            return "[[categories]]\nid = \"……\"（英文编号）\nname = \"……\"（板块名称，照实施方案）\nallocations = { 资金来源 id = 金额 }（照实施方案的资金安排）".into();
        }
        ("programme", "categories.id") => "\"……\"（英文编号）",
        ("programme", "categories.name") => "\"……\"（板块名称，照实施方案）",
        ("config", "publisher.name") => "\"……\"（主办单位全称）",
        ("config", "channels.feedback")
        | ("config", "channels.discipline")
        | ("config", "channels.audit") => {
            return format!(
                "[[{generic}]]\nname = \"……\"（窗口名称）\nphone = \"……\"（phone、email、url、address 至少写一个，照本单位公布的联系方式）"
            );
        }
        ("config", _) if generic.ends_with(".name") => "\"……\"（窗口名称）",
        _ => "\"……\"",
    };
    format!("{key} = {value}")
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    config(&site.config, &mut out);
    if let Some(p) = &site.programme {
        programme(p, &mut out);
    }
    for d in &site.documents {
        document(d, &mut out);
    }
    for p in &site.projects {
        project(p, &mut out);
    }
    for n in &site.notices {
        notice(n, &mut out);
    }
    out
}

fn config(c: &Config, out: &mut Vec<Diagnostic>) {
    let mut ck = Missing {
        out,
        file: &c.file,
        kind: "config",
        why: "专栏名称和主办单位必须公示",
    };
    ck.text(&c.title, "title", Place::TomlRoot);
    let place = match c.publisher.line {
        Some(line) => Place::Table("publisher", line),
        None => Place::NewTable("publisher"),
    };
    ck.text(&c.publisher.name, "publisher.name", place);
    ck.why = "R4：必须设立征求意见窗口和纪检、审计举报窗口";
    for kind in ChannelKind::ALL {
        let list = c.channels.of(kind);
        let path = format!("channels.{}", kind.key());
        if list.is_empty() {
            ck.report(&path, None, Place::TomlRoot);
        }
        for ch in list {
            ck.text(
                &ch.name,
                &format!("{}.name", ch.path),
                Place::Entry(&ch.path, ch.line),
            );
            if !ch.has_contact() {
                ck.out.push(
                    Diagnostic::new(
                        RULE.rule,
                        &c.file,
                        format!("{} “{}” 没有联系方式（R4）", kind.label(), text(&ch.name).unwrap_or("")),
                    )
                    .at(ch.line)
                    .field(ch.path.clone())
                    .hint("在这一项下面至少写一个：phone = \"……\"、email = \"……\"、url = \"https://……\" 或 address = \"……\""),
                );
            }
        }
    }
}

fn programme(p: &Programme, out: &mut Vec<Diagnostic>) {
    let mut ck = Missing {
        out,
        file: &p.file,
        kind: "programme",
        why: "R3",
    };
    ck.text(&p.name, "name", Place::TomlRoot);
    ck.why = "R3：必须公开实施方案";
    ck.text(&p.plan, "plan", Place::TomlRoot);
    ck.why = "R3：必须公开资金与项目管理制度";
    ck.text(&p.fund_rules, "fund_rules", Place::TomlRoot);
    ck.why = "R10：资金来源要写明";
    if p.sources.is_empty() {
        ck.report("sources", None, Place::TomlRoot);
    }
    for s in &p.sources {
        let place = Place::Entry(&s.path, s.line);
        ck.text(&s.id, &format!("{}.id", s.path), place);
        ck.text(&s.name, &format!("{}.name", s.path), place);
        // A source with no fixed amount says on what it is paid instead.
        if text(&s.basis).is_none() {
            ck.value(&s.amount, &format!("{}.amount", s.path), place);
        }
        for t in &s.tranches {
            let place = Place::Entry(&t.path, t.line);
            ck.value(&t.amount, &format!("{}.amount", t.path), place);
        }
    }
    for t in &p.targets {
        let place = Place::Entry(&t.path, t.line);
        ck.text(&t.id, &format!("{}.id", t.path), place);
        ck.text(&t.indicator, &format!("{}.indicator", t.path), place);
        ck.value(&t.target, &format!("{}.target", t.path), place);
    }
    for ph in &p.phases {
        let place = Place::Entry(&ph.path, ph.line);
        ck.text(&ph.name, &format!("{}.name", ph.path), place);
        ck.value(&ph.end, &format!("{}.end", ph.path), place);
    }
    ck.why = "R10：资金要按项目板块分配";
    if p.categories.is_empty() {
        ck.report("categories", None, Place::TomlRoot);
    }
    for c in &p.categories {
        let place = Place::Entry(&c.path, c.line);
        ck.text(&c.id, &format!("{}.id", c.path), place);
        ck.text(&c.name, &format!("{}.name", c.path), place);
    }
}

fn document(d: &Document, out: &mut Vec<Diagnostic>) {
    let mut ck = Missing {
        out,
        file: &d.file,
        kind: "document",
        why: "文件公开的基本信息",
    };
    ck.value(&d.kind, "kind", Place::FrontMatter);
    ck.text(&d.title, "title", Place::FrontMatter);
    ck.value(&d.issued, "issued", Place::FrontMatter);
    ck.value(&d.published, "published", Place::FrontMatter);
    if val(&d.kind) == Some(&DocKind::Decision) {
        ck.why = "R1：决策文件要写明发文单位";
        ck.text(&d.issuer, "issuer", Place::FrontMatter);
    }
    if val(&d.kind) == Some(&DocKind::Draft) {
        ck.why = "R4：征求意见稿要写明意见征集到哪一天";
        ck.value(&d.comment_until, "comment_until", Place::FrontMatter);
    }
}

fn project(p: &Project, out: &mut Vec<Diagnostic>) {
    let mut ck = Missing {
        out,
        file: &p.file,
        kind: "project",
        why: "R1：中央财政资金扶持项目必须公开此项，不完整不得分",
    };
    ck.text(&p.decision, "decision", Place::FrontMatter);
    ck.text(&p.name, "name", Place::FrontMatter);
    ck.value(&p.deadline, "deadline", Place::FrontMatter);
    let contractor = match p.contractor.line {
        Some(line) => Place::Table("contractor", line),
        None => Place::NewTable("contractor"),
    };
    ck.text(&p.contractor.name, "contractor.name", contractor);
    ck.text(
        &p.contractor.responsible,
        "contractor.responsible",
        contractor,
    );
    if p.funding.entries.is_empty() {
        let place = p
            .funding
            .line
            .map_or(Place::NewTable("funding"), |l| Place::Table("funding", l));
        ck.report("funding", None, place);
    }
    if p.targets.is_empty() {
        ck.report("targets", None, Place::FrontMatter);
    }
    for t in &p.targets {
        let place = Place::Entry(&t.path, t.line);
        ck.text(&t.indicator, &format!("{}.indicator", t.path), place);
        ck.value(&t.target, &format!("{}.target", t.path), place);
    }
    if p.body.is_blank() {
        ck.out.push(
            Diagnostic::new(
                RULE.rule,
                &p.file,
                "缺少 建设内容和要求（正文）：第二行 +++ 之后要写明建设内容和要求（R1）",
            )
            .at(p.body.first_line.saturating_sub(1).max(1))
            .field("body")
            .hint("在第二行 +++ 下面用几段文字写明要建什么、建到什么标准"),
        );
    }
    ck.why = "项目基本信息";
    ck.text(&p.category, "category", Place::FrontMatter);
    ck.value(&p.published, "published", Place::FrontMatter);
    ck.value(&p.start, "start", Place::FrontMatter);
    ck.why = "资金拨付要写明日期、金额、来源和用途";
    for d in &p.disbursements {
        let place = Place::Entry(&d.path, d.line);
        ck.value(&d.date, &format!("{}.date", d.path), place);
        ck.value(&d.amount, &format!("{}.amount", d.path), place);
        ck.text(&d.source, &format!("{}.source", d.path), place);
        ck.text(&d.purpose, &format!("{}.purpose", d.path), place);
    }
    for r in &p.progress {
        let mut ck = Missing {
            out: ck.out,
            file: &r.file,
            kind: "progress",
            why: "R2：每月更新项目建设进度",
        };
        ck.value(&r.published, "published", Place::FrontMatter);
        ck.value(&r.percent, "percent", Place::FrontMatter);
    }
}

fn notice(n: &Notice, out: &mut Vec<Diagnostic>) {
    let mut ck = Missing {
        out,
        file: &n.file,
        kind: "notice",
        why: "R7：采购信息公开",
    };
    ck.value(&n.kind, "kind", Place::FrontMatter);
    ck.text(&n.title, "title", Place::FrontMatter);
    ck.value(&n.published, "published", Place::FrontMatter);
    let Some(kind) = val(&n.kind).copied() else {
        return;
    };
    if kind != NoticeKind::ViolationRecord {
        ck.text(&n.project, "project", Place::FrontMatter);
    }
    if kind.needs_event() {
        ck.value(&n.event, "event", Place::FrontMatter);
    }
    if kind.needs_public_until() {
        ck.value(&n.public_until, "public_until", Place::FrontMatter);
    }
    if kind.names_supplier() {
        ck.text(&n.supplier, "supplier", Place::FrontMatter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    fn findings(files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let (site, _) = site(files);
        run(&site, &crate::check::testing::at(&site, "2022-09-01"))
    }

    #[test]
    fn missing_responsible_points_at_the_contractor_table() {
        let d = findings(&[
            ("config.toml", "title = \"t\"\n"),
            (
                "content/projects/cold-chain/index.md",
                "+++\nname = \"冷链\"\ncategory = \"logistics\"\ndecision = \"d\"\npublished = 2022-05-30\nstart = 2022-06-01\ndeadline = 2022-08-31\n\n[contractor]\nname = \"某公司\"\n\n[funding]\ncentral = 1\n\n[[targets]]\nindicator = \"冷库\"\ntarget = 100\n+++\n建设冷库。\n",
            ),
        ]);
        let d: Vec<_> = d
            .iter()
            .filter(|d| d.file.starts_with("content/projects"))
            .collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field.as_deref(), Some("contractor.responsible"));
        assert_eq!(d[0].line, Some(9));
        assert!(d[0].message.contains("承办单位责任人"));
        assert!(
            d[0].hint
                .as_deref()
                .unwrap()
                .contains("在 [contractor] 下面加一行：responsible = \"……\"（承办单位责任人的姓名")
        );
    }

    #[test]
    fn empty_strings_count_as_missing_and_point_at_themselves() {
        let d = findings(&[(
            "config.toml",
            "title = \"  \"\n[publisher]\nname = \"局\"\n",
        )]);
        let title = d
            .iter()
            .find(|d| d.field.as_deref() == Some("title"))
            .unwrap();
        assert!(title.message.contains("是空的"));
        assert_eq!(title.line, Some(1));
    }

    #[test]
    fn every_channel_kind_is_required() {
        let d = findings(&[(
            "config.toml",
            "title = \"t\"\n[publisher]\nname = \"局\"\n[[channels.feedback]]\nname = \"股\"\n",
        )]);
        let fields: Vec<_> = d.iter().filter_map(|d| d.field.as_deref()).collect();
        assert!(
            fields.contains(&"channels.discipline") && fields.contains(&"channels.audit"),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"channels.feedback[1]"),
            "a window without any contact: {fields:?}"
        );
    }
}
