//! Chinese names of the fields webmasters write, for messages and for recognising a field
//! written under its Chinese name.

/// (record kind, field path without indices, Chinese label)
const LABELS: &[(&str, &str, &str)] = &[
    ("config", "title", "专栏名称"),
    ("config", "description", "专栏简介"),
    ("config", "base_url", "网站地址"),
    ("config", "theme", "主题"),
    ("config", "publisher", "主办单位信息"),
    ("config", "publisher.name", "主办单位"),
    ("config", "publisher.phone", "联系电话"),
    ("config", "publisher.email", "电子邮箱"),
    ("config", "publisher.address", "地址"),
    ("config", "publisher.site_code", "网站标识码"),
    ("config", "publisher.icp", "ICP备案号"),
    ("config", "publisher.police_record", "公安机关备案号"),
    ("config", "publisher.conac_id", "党政机关网站标识编号"),
    ("config", "publisher.conac_image", "党政机关网站标识图片"),
    (
        "config",
        "publisher.error_report_url",
        "我为政府网站找错入口",
    ),
    ("config", "channels", "监督举报窗口"),
    ("config", "channels.feedback", "征求意见窗口"),
    ("config", "channels.discipline", "纪检监察举报窗口"),
    ("config", "channels.audit", "审计举报窗口"),
    ("config", "channels.*.name", "窗口名称"),
    ("config", "channels.*.email", "电子邮箱"),
    ("config", "channels.*.phone", "电话"),
    ("config", "channels.*.url", "网址"),
    ("config", "channels.*.address", "地址"),
    ("config", "channels.*.note", "说明"),
    ("config", "rules", "规则设置"),
    ("config", "rules.progress_due_day", "月度进度截止日"),
    (
        "config",
        "rules.publication_working_days",
        "公开时限（工作日）",
    ),
    ("config", "rules.strict", "严格模式"),
    ("config", "rules.stale_days", "栏目更新期限（天）"),
    ("config", "rules.stale_margin_days", "提前提醒天数"),
    ("config", "data", "开放数据设置"),
    ("config", "data.ocid_prefix", "OCDS 编号前缀"),
    ("config", "data.license", "数据许可"),
    ("config", "calendar", "日历补充"),
    ("config", "calendar.holidays", "补充节假日"),
    ("config", "calendar.workdays", "补充调休工作日"),
    ("config", "calendar.*.date", "日期"),
    ("config", "calendar.*.name", "名称"),
    ("programme", "name", "项目名称"),
    ("programme", "year", "年度"),
    ("programme", "unit", "金额单位"),
    ("programme", "plan", "实施方案"),
    ("programme", "fund_rules", "资金与项目管理制度"),
    ("programme", "prohibited_uses", "禁止用途"),
    ("programme", "prohibited_terms", "禁止用途的词语"),
    ("programme", "allowed_uses", "不属于禁止用途的说法"),
    ("programme", "description", "简介"),
    ("programme", "closed", "结束日期"),
    ("programme", "sources", "资金来源"),
    ("programme", "sources.id", "资金来源编号"),
    ("programme", "sources.name", "资金来源名称"),
    ("programme", "sources.amount", "资金金额"),
    ("programme", "sources.central", "是否中央财政资金"),
    ("programme", "sources.basis", "资金额度依据"),
    ("programme", "sources.tranches", "分批到位"),
    ("programme", "sources.tranches.name", "批次"),
    ("programme", "sources.tranches.amount", "批次金额"),
    ("programme", "sources.tranches.arrived", "到位日期"),
    ("programme", "sources.tranches.expected", "预计到位日期"),
    ("programme", "sources.tranches.condition", "到位条件"),
    ("programme", "targets", "总体绩效目标"),
    ("programme", "targets.id", "目标编号"),
    ("programme", "targets.indicator", "指标"),
    ("programme", "targets.target", "目标值"),
    ("programme", "targets.unit", "单位"),
    ("programme", "phases", "实施阶段"),
    ("programme", "phases.name", "阶段名称"),
    ("programme", "phases.start", "开始日期"),
    ("programme", "phases.end", "结束日期"),
    ("programme", "phases.deliverables", "阶段任务"),
    ("programme", "categories", "项目板块"),
    ("programme", "categories.id", "板块编号"),
    ("programme", "categories.name", "板块名称"),
    ("programme", "categories.allocations", "资金分配"),
    ("programme", "categories.shares", "资金占比"),
    ("document", "kind", "文件类别"),
    ("document", "title", "标题"),
    ("document", "number", "文号"),
    ("document", "issuer", "发文单位"),
    ("document", "issued", "成文日期"),
    ("document", "published", "公开日期"),
    ("document", "comment_until", "意见征集截止日期"),
    ("project", "number", "项目编号"),
    ("project", "name", "项目名称"),
    ("project", "category", "项目板块"),
    ("project", "decision", "决策文件"),
    ("project", "published", "公开日期"),
    ("project", "start", "开工日期"),
    ("project", "deadline", "完成时限"),
    ("project", "completed", "完工日期"),
    ("project", "accepted", "验收日期"),
    ("project", "contractor", "承办单位"),
    ("project", "contractor.name", "承办单位名称"),
    ("project", "contractor.credit_code", "统一社会信用代码"),
    ("project", "contractor.responsible", "承办单位责任人"),
    ("project", "contractor.phone", "联系电话"),
    ("project", "funding", "扶持资金额度"),
    ("project", "targets", "绩效目标"),
    ("project", "targets.indicator", "指标"),
    ("project", "targets.target", "目标值"),
    ("project", "targets.unit", "单位"),
    ("project", "targets.programme", "对应的总体目标"),
    ("project", "locations", "建设地点"),
    ("project", "locations.town", "乡镇"),
    ("project", "locations.village", "行政村"),
    ("project", "locations.route", "物流线路"),
    ("project", "disbursements", "资金拨付"),
    ("project", "disbursements.date", "拨付日期"),
    ("project", "disbursements.amount", "拨付金额"),
    ("project", "disbursements.source", "资金来源"),
    ("project", "disbursements.purpose", "用途"),
    ("project", "body", "建设内容和要求"),
    ("progress", "published", "公开日期"),
    ("progress", "percent", "完成比例"),
    ("progress", "disbursed", "累计拨付"),
    ("progress", "actuals", "目标完成情况"),
    ("progress", "actuals.indicator", "指标"),
    ("progress", "actuals.value", "完成值"),
    ("notice", "kind", "公告类别"),
    ("notice", "project", "所属项目"),
    ("notice", "title", "标题"),
    ("notice", "event", "事项日期"),
    ("notice", "published", "公开日期"),
    ("notice", "public_until", "公示截止日期"),
    ("notice", "supplier", "供应商"),
    ("notice", "amount", "金额"),
    ("notice", "body", "正文"),
    ("document", "body", "正文"),
    ("progress", "body", "进度说明"),
    // The ledger's fields, on every kind of record (SPEC §7).
    ("*", "withdrawn", "撤回日期"),
    ("*", "withdrawn_reason", "撤回原因"),
    ("*", "corrections", "更正说明"),
    ("*", "corrections.date", "更正日期"),
    ("*", "corrections.reason", "更正原因"),
    ("*", "corrections.withdrawn", "撤回日期"),
    ("*", "corrections.withdrawn_reason", "撤回原因"),
];

/// Removes `[n]` indices: `targets[2].indicator` → `targets.indicator`.
pub fn generic_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The Chinese label of a field path (`contractor.responsible` → 承办单位责任人).
pub fn label(kind: &str, path: &str) -> Option<&'static str> {
    let generic = generic_path(path);
    let wildcard = wildcard_path(&generic);
    LABELS
        .iter()
        .find(|(k, p, _)| {
            (*k == kind || *k == "*") && (*p == generic || Some(*p) == wildcard.as_deref())
        })
        .map(|(_, _, l)| *l)
}

/// `channels.feedback.name` → `channels.*.name`
fn wildcard_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('.').collect();
    (parts.len() == 3).then(|| format!("{}.*.{}", parts[0], parts[2]))
}

/// `承办单位责任人（contractor.responsible）`, or the path alone when it has no label.
pub fn describe(kind: &str, path: &str) -> String {
    match label(kind, path) {
        Some(l) => format!("{l}（{path}）"),
        None => path.to_string(),
    }
}

/// The field path whose Chinese label is `label` (or contains it), e.g. 责任人 →
/// `contractor.responsible`.
pub fn field_for_label(kind: &str, label: &str) -> Option<&'static str> {
    let label = label.trim();
    let of_kind = || {
        LABELS
            .iter()
            .filter(|(k, p, _)| (*k == kind || *k == "*") && !p.contains('*'))
    };
    of_kind()
        .find(|(_, _, l)| *l == label)
        .or_else(|| of_kind().find(|(_, _, l)| l.contains(label) && label.chars().count() >= 2))
        .map(|(_, p, _)| *p)
}

/// The field meant by an unknown key in a table whose known keys are `known`: the key with
/// that Chinese label, or the known key closest in spelling.
pub fn suggest(
    kind: &str,
    prefix: &str,
    key: &str,
    known: &[&'static str],
) -> Option<&'static str> {
    let by_label = known.iter().copied().find(|k| {
        let full = format!("{prefix}{k}");
        label(kind, &full).is_some_and(|l| l == key || l.contains(key) && key.chars().count() >= 2)
    });
    by_label.or_else(|| {
        let lower = key.to_ascii_lowercase().replace('-', "_");
        known
            .iter()
            .copied()
            .map(|k| (edit_distance(&lower, k), k))
            .filter(|(d, k)| *d <= k.len().div_ceil(3).max(1) || lower == k.replace('_', ""))
            .min()
            .map(|(_, k)| k)
    })
}

/// Edit distance counting a swap of two neighbouring letters as one edit (optimal string
/// alignment), since that is the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_paths() {
        assert_eq!(
            label("project", "contractor.responsible"),
            Some("承办单位责任人")
        );
        assert_eq!(label("project", "targets[2].indicator"), Some("指标"));
        assert_eq!(label("config", "channels.audit[1].phone"), Some("电话"));
        assert_eq!(describe("project", "deadline"), "完成时限（deadline）");
        assert_eq!(
            field_for_label("project", "承办单位责任人"),
            Some("contractor.responsible")
        );
        assert_eq!(field_for_label("project", "完成时限"), Some("deadline"));
        assert_eq!(field_for_label("notice", "无此字段"), None);
    }

    #[test]
    fn suggests_the_meant_field() {
        let known = ["name", "credit_code", "responsible", "phone"];
        assert_eq!(
            suggest("project", "contractor.", "承办单位责任人", &known),
            Some("responsible")
        );
        assert_eq!(
            suggest("project", "contractor.", "责任人", &known),
            Some("responsible")
        );
        assert_eq!(
            suggest("project", "contractor.", "responsable", &known),
            Some("responsible")
        );
        assert_eq!(
            suggest("project", "contractor.", "creditcode", &known),
            Some("credit_code")
        );
        assert_eq!(
            suggest("project", "contractor.", "phnoe", &known),
            Some("phone")
        );
        assert_eq!(suggest("project", "contractor.", "budget", &known), None);
    }
}
