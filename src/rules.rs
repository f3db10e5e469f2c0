//! Every rule the tool knows, in one list: its id, its severity, the part of the contract it
//! protects, what it means, and what a webmaster does about it (errors) or what the public sees
//! when it fires (warnings). Findings take their id and severity from here, the public markers
//! are read from here, and the rule tables of README.md are made from here (a test compares).

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One rule, declared once.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id for machines: `progress-missing`.
    pub id: &'static str,
    pub severity: Severity,
    /// The rule of SPEC §2 it enforces, or the part of the contract it protects.
    pub source: &'static str,
    /// What it means, in the webmaster's words (README's rule table).
    pub meaning: &'static str,
    /// Errors: how to fix it. Warnings: what the public sees when it fires.
    pub remedy: &'static str,
    /// The short public marker lists and timelines show when it fires (warnings only).
    pub marker: Option<&'static str>,
    /// An error rule whose findings on fields outside R1 and R4 are warnings.
    pub lesser_elsewhere: bool,
}

const fn error(
    id: &'static str,
    source: &'static str,
    meaning: &'static str,
    remedy: &'static str,
) -> Rule {
    Rule {
        id,
        severity: Severity::Error,
        source,
        meaning,
        remedy,
        marker: None,
        lesser_elsewhere: false,
    }
}

const fn warning(
    id: &'static str,
    source: &'static str,
    meaning: &'static str,
    public: &'static str,
    marker: Option<&'static str>,
) -> Rule {
    Rule {
        id,
        severity: Severity::Warning,
        source,
        meaning,
        remedy: public,
        marker,
        lesser_elsewhere: false,
    }
}

// ---------------------------------------------------------------- errors

pub const SYNTAX: &Rule = &error(
    "syntax",
    "SPEC §3：文件格式",
    "文件读不懂：TOML 格式不对、缺少 `+++`、不是 UTF-8 编码、字段名用了中文、有看不见的控制字符、不是普通文件（命名管道、设备）",
    "按提示修改那一行；编码问题用记事本“另存为”UTF-8",
);
pub const INVALID_ID: &Rule = &error(
    "invalid-id",
    "SPEC §3：编号即网址",
    "文件名或文件夹名不能用作编号（有中文、大写、空格等），或放错了位置；附件会覆盖生成的文件或另一个附件",
    "改名为小写英文、数字和 `-`",
);
pub const DUPLICATE_ID: &Rule = &error(
    "duplicate-id",
    "网址和引用必须唯一",
    "两个记录用了同一个编号（不同子文件夹里的同名文件、重复的资金来源或板块）",
    "给其中一个改名",
);
pub const REQUIRED_FIELD: &Rule = &error(
    "required-field",
    "R1、R3、R4",
    "缺少必填字段或内容为空：项目的 R1 各项、实施方案和管理制度（R3）、三类监督举报窗口（R4）、主办单位、项目正文",
    "按提示在指定位置加上那一行",
);
pub const INVALID_VALUE: &Rule = &error(
    "invalid-value",
    "数据正确性（SPEC §4）",
    "类型或数值不对：金额为负、金额超出 1 万亿或小数位多于分、年份不在 2000–2100、完成比例超出 0–100 或比上月低、完成时限早于开工日期、资金来源编号不存在、网址不是完整的 http(s) 网址（监督举报窗口的 `url` 也可以是 `mailto:`、`tel:`）、`theme` 不是文件夹名、ICP 备案号、公安机关备案号或网站标识码不合备案系统的格式（信息里写明格式）",
    "按提示改正数值",
);
pub const UNKNOWN_REFERENCE: &Rule = &error(
    "unknown-reference",
    "R1、R3（引用必须指向已公开的记录）",
    "引用的编号不存在或类别不对：决策文件、实施方案、管理制度、项目板块、所属项目、资金来源、主题",
    "改成已有的编号，或先建那个文件",
);
pub const CREDIT_CODE: &Rule = &error(
    "credit-code",
    "R1（承办单位）",
    "统一社会信用代码位数、字符或校验位不对（GB 32100-2015）",
    "照营业执照核对",
);
pub const UNSAFE_CONTENT: &Rule = &error(
    "unsafe-content",
    "网站安全（SPEC §6）",
    "正文里有脚本、事件属性、`javascript:` 链接、来自其他网站的图片（`//`、`/\\`、`\\/` 开头的也算）或嵌套超过 100 层的元素；附件是网页、SVG、脚本，不在可发布的类型里，或不是站点里的普通文件",
    "删掉那段 HTML；图片放进项目文件夹用相对路径引用；附件存为 PDF 或图片",
);
pub const FUND_SUM_MISMATCH: &Rule = &error(
    "fund-sum-mismatch",
    "R10：资金表必须加得拢",
    "资金表加不拢（R10）：各板块 `allocations` 之和不等于资金来源的 `amount`；或写明的占比与金额算出的不一致（按占比写到的小数位四舍五入比较，如“35.5%”比到一位小数）",
    "核对金额和占比",
);
pub const FUND_OVERRUN: &Rule = &error(
    "fund-overrun",
    "R10：资金不得超安排",
    "同一板块的项目扶持资金合计超过该板块的分配；或一个项目的拨付累计超过它的扶持资金。信息里列出涉及的每个文件",
    "核对项目的 `[funding]` 和 `[[disbursements]]`",
);
pub const PROHIBITED_USE: &Rule = &error(
    "prohibited-use",
    "R8：中央财政资金禁止用途（财办建〔2021〕38号）",
    "中央财政资金的拨付用途写到了 `prohibited_uses` 里的禁止事项（R8：征地拆迁、人员经费、网络交易平台购买流量）",
    "这笔支出改由其他资金承担",
);
pub const DUPLICATE_VILLAGE: &Rule = &error(
    "duplicate-village",
    "R9：同一行政村中央财政直接支持不超过 1 个",
    "同一个行政村获得了两个中央财政资金项目的直接支持（R9）",
    "核对 `[[locations]]` 的 `village`",
);
pub const DUPLICATE_ROUTE: &Rule = &error(
    "duplicate-route",
    "R9：同一条物流线路中央财政直接支持不超过 1 家企业",
    "同一条物流线路有两家企业获得中央财政资金支持（R9；同一承办单位的多个项目可以共用）",
    "核对 `[[locations]]` 的 `route`",
);
pub const CONTRACTOR_MISMATCH: &Rule = &error(
    "contractor-mismatch",
    "R1、R7：中标、合同与承办单位一致",
    "中标结果或合同公告的 `supplier` 与项目的承办单位名称不一致",
    "两处都写营业执照上的全称",
);
pub const MONEY_MISMATCH: &Rule = &error(
    "money-mismatch",
    "R1、R10：已拨付金额只有一个来源",
    "月度进度写的累计拨付 `disbursed` 与项目 `[[disbursements]]` 到当月月底的拨付合计不一致（拨付以拨付记录为准，各页面和数据里的已拨付都由拨付记录算出）",
    "把漏记的拨付补进项目的 `[[disbursements]]`，或改正（或删掉）进度里的 `disbursed`",
);
pub const DATE_ORDER: &Rule = &error(
    "date-order",
    "SPEC §4：日期不能颠倒",
    "日期先后颠倒：完工早于开工、验收早于完工、公开早于成文或决策文件印发、拨付早于决策文件、进度月份早于开工、同一项目的招标→候选人公示→中标→合同顺序颠倒、招标公示期未结束就确定中标",
    "以原始文件（批复、合同、公告、拨付凭证）上的日期为准改正；信息里写明了两处日期所在的文件和行",
);
pub const PLACEHOLDER: &Rule = &Rule {
    lesser_elsewhere: true,
    ..error(
        "placeholder",
        "R1、R4：不完整不得分",
        "公开的字段里写的是占位内容（张三、某某、××、待定、暂无、0000-0000000、示例网址、新建站点模板里的示例值）：承办单位、责任人、绩效目标、监督举报窗口等 R1/R4 必须公开的字段是错误，其他字段是警告",
        "照原始文件写上真实内容；其他字段暂时没有可以删掉那一行",
    )
};
pub const BACKDATED: &Rule = &error(
    "backdated",
    "SPEC §7：公开记录；伪造发稿日期是政府网站检查的单项否决项",
    "新记录写的公开日期 `published` 不晚于公开记录 `ledger.jsonl` 最后一条的日期：那天登记时还没有它，这个日期是补写的",
    "`published` 写实际公开的日期（不早于提示里的日期），再运行 `gongkai publish`",
);
pub const SILENT_CHANGE: &Rule = &error(
    "silent-change",
    "SPEC §7：已公开的记录只能公开更正",
    "已公开记录的内容与 `ledger.jsonl` 里最后一次登记的不同，又没有日期在那之后的 `[[corrections]]` 说明原因；信息逐项列出改了什么（原值 → 新值）",
    "把提示里的 `[[corrections]]` 一段贴进文件头并写明原因，或把内容改回去",
);
pub const RECORD_REMOVED: &Rule = &error(
    "record-removed",
    "SPEC §7：公开过的记录不能删除",
    "`ledger.jsonl` 里登记过的记录，文件被删除了",
    "恢复文件，写上 `withdrawn`（撤回日期）和 `withdrawn_reason`（原因）：它留在网站上，标“已撤回”",
);
pub const LEDGER_TAMPERED: &Rule = &error(
    "ledger-tampered",
    "SPEC §7：公开记录只追加、不改写",
    "`ledger.jsonl` 被改过：某一行不是有效的 JSON、`seq` 不连续、内容与 `hash` 不符，或 `prev` 与上一行的哈希不符；信息指出第一处",
    "从版本库或上次发布的网站（`data/ledger.jsonl`）恢复这个文件；它只由 `gongkai publish` 追加，不要手改",
);
pub const TEMPLATE: &Rule = &error(
    "template",
    "SPEC §6：主题模板",
    "主题模板出错：`themes/` 里覆盖的模板有语法错误，或用了不存在的变量",
    "按信息改正那个模板，或删掉它改用内置模板",
);
pub const BROKEN_LINK: &Rule = &error(
    "broken-link",
    "SPEC §9：链接可用（政府网站检查指标：链接不可用扣分）",
    "正文或字段里的链接指向本站不存在的页面、锚点或文件（包括还没到发布日期的记录、写错的附件名）；生成全部页面后逐个核对。外部网站的链接不检查，`gongkai check --links` 列出它们",
    "改成存在的地址（信息里写明了链接在哪个页面、按本站地址解析成了什么），或删掉这个链接；链接定时发布的记录的，等那天再加",
);

// ---------------------------------------------------------------- warnings

pub const COUNTY_HISTORY_REWRITTEN: &Rule = &error(
    "county-history-rewritten",
    "SPEC §8：省级专区同步",
    "（省级专区）某县新发布的公开记录 `ledger.jsonl` 不再延续专区保存的副本：已公开的历史被改写。专区不接受它的新数据，保留原副本，照常生成",
    "请该县从版本库或上次发布的网站恢复 `ledger.jsonl`，更正和撤回只用 `[[corrections]]` 追加，再重新发布；信息里写明第几行不同",
);
pub const PROGRESS_MISSING: &Rule = &warning(
    "progress-missing",
    "R2：每月更新项目建设进度",
    "某月的建设进度到期未公开（R2）",
    "项目“建设进度”里那个月标“未按期更新”，写明应公开日期",
    Some("未按期更新"),
);
pub const PROGRESS_LATE: &Rule = &warning(
    "progress-late",
    "R2：每月更新项目建设进度，不及时倒扣分",
    "月度进度晚于到期日公开",
    "那个月标“逾期公开”，写明应公开日期和实际公开日期",
    Some("逾期公开"),
);
pub const PUBLICATION_LATE: &Rule = &warning(
    "publication-late",
    "R6：政府信息公开条例第二十六条",
    "项目信息在决策文件印发后、文件在成文后超过 `publication_working_days` 个工作日才公开（R6）",
    "项目页、文件页标“逾期公开”和三个日期",
    Some("逾期公开"),
);
pub const NOTICE_WINDOW: &Rule = &warning(
    "notice-window",
    "R7：政府采购信息公开时限",
    "采购公告没有满足 R7 的时限（见下表）",
    "公告页“公开时限”逐项写明符合或未满足，清单上标“未满足公示时限”",
    Some("未满足公示时限"),
);
pub const DEADLINE_OVERDUE: &Rule = &warning(
    "deadline-overdue",
    "R1：完成时限",
    "完成时限已过，项目还没有完工",
    "项目标“逾期未完成”；完工后改标“逾期完工”和晚了几天",
    Some("逾期未完成"),
);
pub const COLUMN_STALE: &Rule = &warning(
    "column-stale",
    "SPEC §9：政府网站检查指标（国办秘函〔2019〕19号）“首页不更新”“栏目不更新”",
    "有在建项目时，首页或项目清单 `stale_days`（默认 14）天没有新内容，或政策文件、采购公告 6 个月没有新内容；提前 `stale_margin_days`（默认 4）天提醒，信息里写明哪天超过期限。`programme.closed` 之后不再提醒",
    "—（只提醒网站管理员）",
    None,
);
pub const COLUMN_EMPTY: &Rule = &warning(
    "column-empty",
    "SPEC §9：政府网站检查指标“空白栏目”",
    "栏目页面（项目清单、政策文件、采购公告）一条内容也没有",
    "—（只提醒网站管理员）",
    None,
);
pub const COUNTY_UNREACHABLE: &Rule = &warning(
    "county-unreachable",
    "SPEC §8：省级专区同步",
    "（省级专区）读不到某县发布的专栏（文件夹不存在、网站打不开或超时；网址试 3 次）；用专区保存的上次同步的数据",
    "该县的页面和汇总表写明“数据同步于”上次同步的日期",
    None,
);
pub const COUNTY_DATA_INVALID: &Rule = &warning(
    "county-data-invalid",
    "SPEC §8：省级专区同步",
    "（省级专区）某县专栏的数据读不懂或自相矛盾：`data/column.json` 不是这个格式、文件与它记下的 SHA-256 不符（上传到一半）、公开记录的哈希链断了；用专区保存的上次同步的数据",
    "该县的页面和汇总表写明“数据同步于”上次同步的日期和原因",
    None,
);
pub const COUNTY_OCID_SHARED: &Rule = &warning(
    "county-ocid-shared",
    "SPEC §8：省级专区的合并开放数据；OCDS ocid 前缀",
    "（省级专区）两个以上的县用同一个 OCDS ocid 前缀（没有设 `[data] ocid_prefix` 的县都是默认的 `ocds-gongkai`）：合并的 ocds.json 里项目编号相同的不同项目会得到同一个 ocid，被当成同一个采购过程；信息里写明重复的 ocid 有几个。请各县设自己登记的前缀",
    "—（只提醒专区管理员；合并的数据照常生成）",
    None,
);
pub const CALENDAR_YEAR: &Rule = &warning(
    "calendar-year",
    "官方工作日历",
    "检查需要的某一年不在内置日历里，按周一至周五计算",
    "—",
    None,
);
pub const UNKNOWN_FIELD: &Rule = &warning(
    "unknown-field",
    "SPEC §3：字段名",
    "不认识的字段（多半是拼错了），它的内容不会发布；信息里会说明可能想写的是哪个字段",
    "—",
    None,
);

/// Every rule, errors first, in the order README lists them.
pub const ALL: &[&Rule] = &[
    SYNTAX,
    INVALID_ID,
    DUPLICATE_ID,
    REQUIRED_FIELD,
    INVALID_VALUE,
    UNKNOWN_REFERENCE,
    CREDIT_CODE,
    UNSAFE_CONTENT,
    FUND_SUM_MISMATCH,
    FUND_OVERRUN,
    PROHIBITED_USE,
    DUPLICATE_VILLAGE,
    DUPLICATE_ROUTE,
    CONTRACTOR_MISMATCH,
    MONEY_MISMATCH,
    DATE_ORDER,
    PLACEHOLDER,
    BACKDATED,
    SILENT_CHANGE,
    RECORD_REMOVED,
    LEDGER_TAMPERED,
    COUNTY_HISTORY_REWRITTEN,
    TEMPLATE,
    BROKEN_LINK,
    PROGRESS_MISSING,
    PROGRESS_LATE,
    PUBLICATION_LATE,
    NOTICE_WINDOW,
    DEADLINE_OVERDUE,
    COLUMN_STALE,
    COLUMN_EMPTY,
    COUNTY_UNREACHABLE,
    COUNTY_DATA_INVALID,
    COUNTY_OCID_SHARED,
    CALENDAR_YEAR,
    UNKNOWN_FIELD,
];

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// README's table of the rules of one severity, as Markdown.
pub fn markdown_table(severity: Severity) -> String {
    let last = match severity {
        Severity::Error => "怎么改",
        Severity::Warning => "公众看到什么",
    };
    let mut out = format!("| 规则 | 含义 | {last} |\n| --- | --- | --- |\n");
    for r in ALL.iter().filter(|r| r.severity == severity) {
        out.push_str(&format!("| `{}` | {} | {} |\n", r.id, r.meaning, r.remedy));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_markers_belong_to_warnings() {
        for (i, r) in ALL.iter().enumerate() {
            assert!(ALL[i + 1..].iter().all(|o| o.id != r.id), "{} twice", r.id);
            assert!(
                r.marker.is_none() || r.severity == Severity::Warning,
                "{}",
                r.id
            );
            assert_eq!(by_id(r.id), Some(*r));
        }
        assert_eq!(by_id("no-such-rule"), None);
    }
}
