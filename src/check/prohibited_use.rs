//! `prohibited-use`: central funds may not pay for what the programme forbids (R8): land
//! acquisition and demolition (征地拆迁), staff costs (人员经费), and buying traffic on trading
//! platforms (网络交易平台购买流量), as the programme notice 财办建〔2021〕38号 sets out and county
//! plans repeat. Each use is a class of words, so that a payment written as 主播人员工资, 抖音投流
//! 推广费 or 基地用地征收补偿 is recognised, not only one that repeats the notice's phrase. A
//! programme names the uses in `prohibited_uses`, may add words to a use in
//! `[prohibited_terms]`, and may exempt phrases in `allowed_uses`. Checked on the purposes of
//! centrally funded payments and on the names of centrally funded projects.

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::PROHIBITED_USE,
    run,
};

/// A prohibited use: its name as the notice says it, other names it goes by, and the words
/// that show a payment is for it. The words are the ones payment purposes are written in:
/// payroll and social-insurance items for staff costs; acquisition, demolition and
/// compensation for land; paid placement on platforms for traffic.
pub struct Use {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub words: &'static [&'static str],
}

pub const USES: &[Use] = &[
    Use {
        name: "征地拆迁",
        aliases: &["征地", "拆迁", "土地征收"],
        words: &[
            "征地",
            "拆迁",
            "征收",
            "土地补偿",
            "用地补偿",
            "土地款",
            "购地",
            "买地",
            "土地出让",
            "青苗补偿",
            "地上附着物",
            "安置补偿",
            "拆除补偿",
            "搬迁补偿",
            "房屋补偿",
            "土地流转费",
        ],
    },
    Use {
        name: "人员经费",
        aliases: &["人员支出", "工资", "人员工资"],
        words: &[
            "人员经费",
            "工资",
            "薪酬",
            "薪资",
            "薪金",
            "月薪",
            "年薪",
            "奖金",
            "绩效奖",
            "年终奖",
            "提成",
            "津贴",
            "加班费",
            "社保",
            "社会保险",
            "养老保险",
            "医疗保险",
            "失业保险",
            "五险一金",
            "住房公积金",
            "公积金",
            "劳务费",
            "劳务报酬",
            "福利费",
            "伙食补助",
            "人员补贴",
            "生活补贴",
            "误工补贴",
            "人头费",
        ],
    },
    Use {
        name: "网络交易平台购买流量",
        aliases: &["购买流量", "买流量", "流量"],
        words: &[
            "购买流量",
            "买流量",
            "流量费",
            "流量包",
            "投流",
            "付费推广",
            "竞价排名",
            "直通车",
            "钻展",
            "引力魔方",
            "万相台",
            "DOU+",
            "dou+",
            "千川",
            "巨量引擎",
            "超级推荐",
            "推广费",
            "引流费",
            "广告投放",
            "竞价广告",
            "点击付费",
        ],
    },
];

/// Phrases that carry a forbidden word but name what plans fund: the fees of lecturers and
/// experts in a purchased training or review service are the contract's price, not the
/// county's or contractor's staff costs; brand promotion (品牌策划、营销推广) is construction
/// content the plans list, not paid traffic. They are allowed as if every programme listed
/// them in `allowed_uses`; a purpose that says only 劳务费 or 推广费 is still flagged.
const ALLOWED: &[&str] = &["讲师劳务费", "专家劳务费", "授课劳务费", "品牌推广费"];

/// The uses a programme forbids, each with its words: the built-in ones it names (by name or
/// alias), plus words it adds; a name nobody knows is a use of the programme's own, found by
/// its name and its added words.
fn forbidden(p: &Programme) -> Vec<(String, u32, Vec<String>)> {
    let mut out: Vec<(String, u32, Vec<String>)> = Vec::new();
    for named in p
        .prohibited_uses
        .iter()
        .filter(|b| !b.value.trim().is_empty())
    {
        let name = named.value.trim();
        let builtin = USES
            .iter()
            .find(|u| u.name == name || u.aliases.contains(&name));
        let mut words: Vec<String> = match builtin {
            Some(u) => u.words.iter().map(|w| w.to_string()).collect(),
            None => vec![name.to_string()],
        };
        for (k, extra) in &p.prohibited_terms {
            if k.value == name || builtin.is_some_and(|u| u.name == k.value) {
                words.extend(extra.value.iter().map(|w| w.trim().to_string()));
            }
        }
        words.retain(|w| !w.is_empty());
        out.push((name.to_string(), named.line, words));
    }
    out
}

/// The first word of a use found in `text` outside the allowed phrases.
fn matched<'w>(text: &str, words: &'w [String], allowed: &[&str]) -> Option<&'w str> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // Allowed phrases are blanked out first, so that 运费补贴 does not read as 补贴.
    let mut masked = compact.clone();
    for a in allowed {
        let blank = "\u{3000}".repeat(a.chars().count());
        masked = masked.replace(a, &blank);
    }
    words
        .iter()
        .find(|w| masked.contains(w.as_str()))
        .map(String::as_str)
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let Some(p) = &site.programme else {
        return Vec::new();
    };
    let forbidden = forbidden(p);
    if forbidden.is_empty() {
        return Vec::new();
    }
    let allowed: Vec<&str> = p
        .allowed_uses
        .iter()
        .map(|a| a.value.trim())
        .filter(|a| !a.is_empty())
        .chain(ALLOWED.iter().copied())
        .collect();
    let find = |text: &str| {
        forbidden
            .iter()
            .find_map(|(name, line, words)| Some((name, line, matched(text, words, &allowed)?)))
    };
    let mut out = Vec::new();
    for project in &site.projects {
        if project.funding.has_central(p)
            && let Some(name) = &project.name
            && let Some((use_name, line, word)) = find(&name.value)
        {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &project.file,
                    format!(
                        "项目“{}”由中央财政资金扶持，但名称里的“{word}”属于禁止用途“{use_name}”（{}:{line}）",
                        name.value, p.file
                    ),
                )
                .span(name.line, name.col, name.width)
                .field("name")
                .hint("中央财政资金不能扶持这类支出：改由其他资金承担；如果名称只是借用了这个词，在 programme.toml 的 allowed_uses 里写明这个说法")
                .related(&p.file, Some(*line)),
            );
        }
        for d in &project.disbursements {
            let (Some(purpose), Some(source)) = (&d.purpose, text(&d.source)) else {
                continue;
            };
            if !p.is_central(source) {
                continue;
            }
            if let Some((use_name, line, word)) = find(&purpose.value) {
                out.push(
                    Diagnostic::new(
                        RULE.rule,
                        &project.file,
                        format!(
                            "中央财政资金不得用于“{use_name}”（{}:{line}），这笔拨付的用途“{}”里有“{word}”",
                            p.file, purpose.value
                        ),
                    )
                    .span(purpose.line, purpose.col, purpose.width)
                    .field(format!("{}.purpose", d.path))
                    .hint("这笔支出应改由其他资金（如县级配套资金）承担，source 和用途写实；如果用途只是借用了这个词（如“运费补贴”），在 programme.toml 的 allowed_uses 里写明这个说法")
                    .related(&p.file, Some(*line)),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::site;

    #[test]
    fn central_funds_only() {
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/programme.toml",
                "prohibited_uses = [\"征地拆迁\", \"人员经费\"]\n[[sources]]\nid = \"central\"\n[[sources]]\nid = \"county\"\nname = \"县级配套资金\"\n",
            ),
            (
                "content/projects/a/index.md",
                "+++\n[[disbursements]]\nsource = \"central\"\npurpose = \"运营团队人员经费\"\n[[disbursements]]\nsource = \"county\"\npurpose = \"人员经费\"\n[[disbursements]]\nsource = \"central\"\npurpose = \"设备采购\"\n+++\nx\n",
            ),
        ]);
        let d = run(&s, &crate::check::testing::at(&s, "2022-01-01"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].line, d[0].field.as_deref()),
            (Some(4), Some("disbursements[1].purpose"))
        );
        assert!(d[0].message.contains("content/programme.toml:1"));
    }

    fn purposes(programme: &str, purposes: &[&str]) -> Vec<Diagnostic> {
        let pay: String = purposes
            .iter()
            .map(|p| format!("[[disbursements]]\nsource = \"central\"\npurpose = \"{p}\"\n"))
            .collect();
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/programme.toml",
                &format!("{programme}\n[[sources]]\nid = \"central\"\n"),
            ),
            (
                "content/projects/a/index.md",
                &format!("+++\n{pay}+++\nx\n"),
            ),
        ]);
        run(&s, &crate::check::testing::at(&s, "2022-01-01"))
    }

    #[test]
    fn uses_are_recognised_by_meaning() {
        let all = "prohibited_uses = [\"征地拆迁\", \"人员经费\", \"网络交易平台购买流量\"]";
        for (purpose, class, word) in [
            ("直播基地主播人员工资", "人员经费", "工资"),
            ("抖音平台投流推广费", "网络交易平台购买流量", "投流"),
            ("基地用地征收补偿", "征地拆迁", "征收"),
            ("运营人员五险一金", "人员经费", "五险一金"),
            ("淘宝直通车付费推广", "网络交易平台购买流量", "付费推广"),
            ("服务中心临时人员劳务费", "人员经费", "劳务费"),
            ("电商平台推广费", "网络交易平台购买流量", "推广费"),
        ] {
            let d = purposes(all, &[purpose]);
            assert_eq!(d.len(), 1, "{purpose}: {d:?}");
            assert!(
                d[0].message.contains(&format!("“{class}”"))
                    && d[0].message.contains(&format!("“{word}”")),
                "{purpose}: {}",
                d[0].message
            );
        }
        for fine in [
            "冷库设备采购",
            "服务中心装修工程首期款",
            "农产品包装设计",
            "物流车辆购置",
            "培训场地租赁、教材印制和讲师劳务费首期款",
            "农村产品博览会和品牌推广费进度款",
        ] {
            assert!(purposes(all, &[fine]).is_empty(), "{fine}");
        }
    }

    #[test]
    fn a_programme_extends_and_narrows_the_words() {
        let base = "prohibited_uses = [\"人员经费\"]";
        assert_eq!(purposes(base, &["值班费"]).len(), 0);
        let more = format!("{base}\n[prohibited_terms]\n\"人员经费\" = [\"值班费\"]");
        assert_eq!(purposes(&more, &["值班费"]).len(), 1);
        assert_eq!(purposes(base, &["快递员生活补贴"]).len(), 1);
        let fewer = format!("allowed_uses = [\"快递员生活补贴\"]\n{base}");
        assert_eq!(purposes(&fewer, &["快递员生活补贴"]).len(), 0);
        // A use of the programme's own is found by its name.
        assert_eq!(
            purposes("prohibited_uses = [\"招待费\"]", &["项目招待费"]).len(),
            1
        );
    }

    #[test]
    fn project_names_too() {
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/programme.toml",
                "prohibited_uses = [\"人员经费\"]\n[[sources]]\nid = \"central\"\n",
            ),
            (
                "content/projects/a/index.md",
                "+++\nname = \"电商主播工资补助\"\n[funding]\ncentral = 10\n+++\nx\n",
            ),
        ]);
        let d = run(&s, &crate::check::testing::at(&s, "2022-01-01"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field.as_deref(), Some("name"));
    }
}
