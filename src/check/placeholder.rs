//! `placeholder`: a disclosed field that holds a stand-in instead of the fact — a sample name
//! (张三, 李四), 某某, ××/XX, 待定, 暂无, an all-zero or sequential phone number, an example
//! address (`example.gov.cn`), or a sample value of the `init` template. A stand-in on an R1
//! field (what every project must disclose) or an R4 window is an error: an incomplete field
//! earns no points and a window nobody can reach is no window. Elsewhere it is a warning.

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::PLACEHOLDER,
    run,
};

/// Whole values that say nothing.
const EMPTY_WORDS: &[&str] = &[
    "张三",
    "李四",
    "王五",
    "赵六",
    "钱七",
    "某某",
    "某人",
    "某单位",
    "某公司",
    "待定",
    "暂无",
    "无",
    "未定",
    "待补充",
    "待填写",
    "待填",
    "待完善",
    "略",
    "空",
    "测试",
    "示例",
    "样例",
    "例子",
    "tbd",
    "todo",
    "n/a",
    "na",
    "null",
    "none",
    "test",
    "-",
    "—",
    "——",
    "…",
    "……",
    "...",
    "0",
];

/// Runs of characters that stand for a name not yet known.
const STAND_INS: &[&str] = &[
    "××", "ⅹⅹ", "ＸＸ", "XX", "xx", "○○", "〇〇", "**", "＊＊", "某某", "???", "？？",
];

/// The runs that are stand-ins in running text too (Markdown uses `**`, and Latin letters
/// have their own uses there).
const STAND_INS_IN_TEXT: &[&str] = &["××", "ＸＸ", "○○", "〇〇", "某某"];

/// Values the `init` template writes, which a new site must replace.
const INIT_SAMPLES: &[&str] = &["91440232MA4W1K2X6M"];

/// Domains reserved for examples.
const EXAMPLE_DOMAINS: &[&str] = &[
    "example.gov.cn",
    "example.com",
    "example.org",
    "example.net",
    "example.cn",
    "test.com",
    "localhost",
];

/// What kind of stand-in a value is, if it is one.
pub fn stand_in(value: &str, kind: Kind) -> Option<String> {
    let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if v.is_empty() {
        return None;
    }
    let lower = v.to_lowercase();
    if EMPTY_WORDS.contains(&lower.as_str()) {
        return Some(format!("“{value}”不是实际内容"));
    }
    let runs = match kind {
        Kind::Body => STAND_INS_IN_TEXT,
        // A code's letters are its own (a credit code may well hold XX).
        Kind::Code => &[],
        _ => STAND_INS,
    };
    if let Some(s) = runs.iter().find(|s| v.contains(**s)) {
        return Some(format!("含有占位的“{s}”"));
    }
    if INIT_SAMPLES.contains(&v.as_str()) {
        return Some("是新建站点模板里的示例值".into());
    }
    if let Some(d) = EXAMPLE_DOMAINS.iter().find(|d| lower.contains(**d)) {
        return Some(format!("用的是示例网址 {d}"));
    }
    match kind {
        Kind::Body | Kind::Code => {}
        Kind::Person => {
            // A surname and 某: 张某, 李某某 — a name withheld, not disclosed.
            let chars: Vec<char> = v.chars().collect();
            if (2..=3).contains(&chars.len()) && chars[1..].iter().all(|c| *c == '某') {
                return Some(format!("“{value}”只写了姓，没有写出姓名"));
            }
        }
        Kind::Phone => {
            if let Some(why) = phone_stand_in(&v) {
                return Some(why);
            }
        }
        Kind::Text => {}
    }
    None
}

/// How a field is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Running Markdown text.
    Body,
    /// An identifier such as a credit code.
    Code,
    Person,
    Phone,
}

/// A phone number with no real number in it: all zeros, one digit repeated, or a run such as
/// 12345678 (after the area code, if there is one).
fn phone_stand_in(v: &str) -> Option<String> {
    let digits: Vec<u32> = v.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 5 {
        return None;
    }
    let local: Vec<u32> = match v.split_once(['-', '－', '—']) {
        Some((area, rest)) if area.len() <= 4 && area.starts_with('0') => {
            rest.chars().filter_map(|c| c.to_digit(10)).collect()
        }
        _ => digits.clone(),
    };
    let same = local.windows(2).all(|w| w[0] == w[1]);
    let rising = local.windows(2).all(|w| w[1] == w[0] + 1);
    let falling = local.windows(2).all(|w| w[0] == w[1] + 1);
    (local.len() >= 5 && (same || rising || falling) || digits.iter().all(|d| *d == 0))
        .then(|| format!("“{v}”不是能打通的号码"))
}

struct Finder<'a> {
    out: Vec<Diagnostic>,
    file: &'a str,
}

impl Finder<'_> {
    /// Checks one field; `required` fields (R1, R4) give errors, the others warnings.
    fn field(&mut self, f: &Field<String>, path: &str, label: &str, kind: Kind, required: bool) {
        let Some(s) = f else { return };
        let Some(why) = stand_in(&s.value, kind) else {
            return;
        };
        let hint = if required {
            format!(
                "照原始文件（决策文件、合同、营业执照或本单位公布的联系方式）写上真实的{label}；这一项必须公开，不能留占位"
            )
        } else {
            format!("照原始文件写上真实的{label}；暂时没有就删掉这一行")
        };
        let d = Diagnostic::new(RULE.rule, self.file, format!("{label}{why}"))
            .span(s.line, s.col, s.width)
            .field(path)
            .hint(hint);
        self.out.push(if required { d } else { d.lesser() });
    }
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    let c = &site.config;
    let mut f = Finder {
        out: Vec::new(),
        file: &c.file,
    };
    f.field(&c.title, "title", "专栏名称", Kind::Text, false);
    f.field(&c.description, "description", "专栏简介", Kind::Text, false);
    f.field(&c.base_url, "base_url", "网站地址", Kind::Text, false);
    let p = &c.publisher;
    f.field(&p.name, "publisher.name", "主办单位", Kind::Text, false);
    f.field(
        &p.phone,
        "publisher.phone",
        "主办单位电话",
        Kind::Phone,
        false,
    );
    f.field(
        &p.email,
        "publisher.email",
        "主办单位电子邮箱",
        Kind::Text,
        false,
    );
    f.field(
        &p.address,
        "publisher.address",
        "主办单位地址",
        Kind::Text,
        false,
    );
    for kind in ChannelKind::ALL {
        for ch in c.channels.of(kind) {
            let at = |k: &str| format!("{}.{k}", ch.path);
            let label = kind.label();
            f.field(
                &ch.name,
                &at("name"),
                &format!("{label}的名称"),
                Kind::Text,
                true,
            );
            f.field(
                &ch.phone,
                &at("phone"),
                &format!("{label}的电话"),
                Kind::Phone,
                true,
            );
            f.field(
                &ch.email,
                &at("email"),
                &format!("{label}的电子邮箱"),
                Kind::Text,
                true,
            );
            f.field(
                &ch.url,
                &at("url"),
                &format!("{label}的网址"),
                Kind::Text,
                true,
            );
            f.field(
                &ch.address,
                &at("address"),
                &format!("{label}的地址"),
                Kind::Text,
                true,
            );
        }
    }
    all.append(&mut f.out);
    if let Some(prog) = &site.programme {
        let mut f = Finder {
            out: Vec::new(),
            file: &prog.file,
        };
        f.field(&prog.name, "name", "示范项目名称", Kind::Text, false);
        for s in &prog.sources {
            f.field(
                &s.name,
                &format!("{}.name", s.path),
                "资金来源名称",
                Kind::Text,
                false,
            );
        }
        for c in &prog.categories {
            f.field(
                &c.name,
                &format!("{}.name", c.path),
                "项目板块名称",
                Kind::Text,
                false,
            );
        }
        all.append(&mut f.out);
    }
    for d in &site.documents {
        let mut f = Finder {
            out: Vec::new(),
            file: &d.file,
        };
        f.field(&d.title, "title", "文件标题", Kind::Text, false);
        f.field(&d.issuer, "issuer", "发文单位", Kind::Text, false);
        f.field(&d.number, "number", "文号", Kind::Text, false);
        all.append(&mut f.out);
    }
    for p in &site.projects {
        let mut f = Finder {
            out: Vec::new(),
            file: &p.file,
        };
        f.field(&p.name, "name", "项目名称", Kind::Text, true);
        let c = &p.contractor;
        f.field(&c.name, "contractor.name", "承办单位名称", Kind::Text, true);
        f.field(
            &c.responsible,
            "contractor.responsible",
            "承办单位责任人",
            Kind::Person,
            true,
        );
        f.field(
            &c.credit_code,
            "contractor.credit_code",
            "统一社会信用代码",
            Kind::Code,
            true,
        );
        f.field(
            &c.phone,
            "contractor.phone",
            "承办单位电话",
            Kind::Phone,
            false,
        );
        for t in &p.targets {
            f.field(
                &t.indicator,
                &format!("{}.indicator", t.path),
                "绩效目标的指标",
                Kind::Text,
                true,
            );
        }
        for l in &p.locations {
            f.field(
                &l.village,
                &format!("{}.village", l.path),
                "行政村",
                Kind::Text,
                false,
            );
            f.field(
                &l.route,
                &format!("{}.route", l.path),
                "物流线路",
                Kind::Text,
                false,
            );
        }
        for d in &p.disbursements {
            f.field(
                &d.purpose,
                &format!("{}.purpose", d.path),
                "拨付用途",
                Kind::Text,
                false,
            );
        }
        all.append(&mut f.out);
        if let Some(why) = stand_in(p.body.markdown.trim(), Kind::Body) {
            all.push(
                Diagnostic::new(RULE.rule, &p.file, format!("建设内容和要求{why}"))
                    .at(p.body.first_line)
                    .field("body")
                    .hint("照决策文件或实施方案写明要建什么、建到什么标准"),
            );
        }
    }
    for n in &site.notices {
        let mut f = Finder {
            out: Vec::new(),
            file: &n.file,
        };
        f.field(&n.title, "title", "公告标题", Kind::Text, false);
        f.field(&n.supplier, "supplier", "供应商", Kind::Text, false);
        all.append(&mut f.out);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_and_real_values() {
        for (value, kind) in [
            ("张三", Kind::Person),
            ("张某", Kind::Person),
            ("李某某", Kind::Person),
            ("待定", Kind::Text),
            ("暂无", Kind::Text),
            ("××冷链物流有限公司", Kind::Text),
            ("XX县工信局", Kind::Text),
            ("韶关市某某电子商务有限公司", Kind::Text),
            ("0000-0000000", Kind::Phone),
            ("0751-0000000", Kind::Phone),
            ("0751-12345678", Kind::Phone),
            ("dzsw@example.gov.cn", Kind::Text),
            ("https://www.example.gov.cn/zl", Kind::Text),
            ("91440232MA4W1K2X6M", Kind::Code),
        ] {
            assert!(stand_in(value, kind).is_some(), "{value}");
        }
        for (value, kind) in [
            ("邓志华", Kind::Person),
            ("**建设内容**：升级服务中心", Kind::Body),
            ("91440200MA5XX1234Q", Kind::Code),
            ("某", Kind::Text),
            ("乳源瑶族自治县瑶乡电子商务有限公司", Kind::Text),
            ("0751-5383488", Kind::Phone),
            ("12388", Kind::Phone),
            ("0751-12388", Kind::Phone),
            ("https://www.12388.gov.cn/", Kind::Text),
        ] {
            let found = stand_in(value, kind);
            assert!(found.is_none(), "{value}: {found:?}");
        }
    }

    #[test]
    fn errors_on_what_must_be_disclosed_warnings_elsewhere() {
        let (s, _) = crate::check::testing::site(&[
            (
                "config.toml",
                "[publisher]\nname = \"××县工业和信息化局\"\n[[channels.audit]]\nname = \"县审计局\"\nphone = \"0000-0000000\"\n",
            ),
            (
                "content/projects/a/index.md",
                "+++\nname = \"冷库建设\"\n[contractor]\nname = \"韶关市鲜丰冷链物流有限公司\"\nresponsible = \"张三\"\n+++\nx\n",
            ),
        ]);
        let d = run(&s, &crate::check::testing::at(&s, "2022-01-01"));
        let got: Vec<(&str, &str, crate::diag::Severity)> = d
            .iter()
            .map(|d| (d.file.as_str(), d.field.as_deref().unwrap(), d.severity))
            .collect();
        use crate::diag::Severity::*;
        assert_eq!(
            got,
            [
                ("config.toml", "publisher.name", Warning),
                ("config.toml", "channels.audit[1].phone", Error),
                (
                    "content/projects/a/index.md",
                    "contractor.responsible",
                    Error
                ),
            ]
        );
    }
}
