//! `gongkai bench-corpus`: a large, realistic, valid site for benchmarks. Deterministic: the
//! same arguments write the same files. Chinese names and bodies of plausible length, six
//! categories and two funding sources, decision documents, award and contract notices,
//! disbursements and a monthly report for every month of every project; it checks clean as of
//! 2026-11-25.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use rayon::prelude::*;

use crate::calendar::WorkingCalendar;
use crate::date::Month;

/// splitmix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const CATEGORIES: &[(&str, &str)] = &[
    ("public-service", "完善农村电子商务公共服务体系"),
    ("logistics", "健全县镇村三级物流配送体系"),
    ("circulation", "推动农村商贸流通企业转型升级"),
    ("training", "培育农村电商创业带头人"),
    ("brand", "农产品品牌和标准建设"),
    ("cold-chain", "冷链物流设施建设"),
];
const TOWNS: &[&str] = &[
    "城关", "东坪", "大桥", "桂头", "洛阳", "一六", "游溪", "必背", "大布", "乳城", "龙仙", "西河",
    "石门", "白沙", "青山", "丰乐", "长安", "平安", "新田", "南岭",
];
const PRODUCTS: &[&str] = &[
    "茶叶",
    "笋干",
    "番薯干",
    "腐竹",
    "蜂蜜",
    "香菇",
    "柑橘",
    "油茶",
    "竹编",
    "腊味",
    "山茶油",
    "黑木耳",
];
const WORKS: &[&str] = &[
    "电子商务公共服务中心",
    "镇村电商服务站点",
    "县级仓储物流配送中心",
    "冷链仓储设施",
    "农产品上行集货点",
    "直播电商基地",
    "农产品分级包装线",
    "电商人才培训",
    "连锁便利店数字化改造",
    "下沉供应链分仓",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "邓", "盘", "罗",
];
const GIVEN: &[&str] = &[
    "志华", "丽萍", "建国", "永强", "晓敏", "建平", "丽娟", "海燕", "振东", "春燕", "明", "伟",
    "芳", "静",
];
const COMPANY: &[&str] = &[
    "电子商务",
    "物流",
    "供应链管理",
    "农业发展",
    "商贸连锁",
    "网络科技",
    "冷链物流",
    "电商培训",
];
const STEPS: &[&str] = &[
    "完成场地勘察和设计方案",
    "设备采购合同签订，首批设备到货",
    "装修和安装工程进行中",
    "开展站长培训两期",
    "系统上线试运行，接入首批服务站点",
    "组织农产品直播带货活动",
    "完成阶段性自查，整改问题两项",
    "农产品上行包裹量较上月增长",
    "与快递企业签订共同配送协议",
    "服务站点挂牌运营",
];

const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A credit code with a correct check character, from a number.
fn credit_code(n: u64) -> String {
    let chars: Vec<char> = ALPHABET.chars().collect();
    let mut org: Vec<char> = vec!['M', 'A'];
    let mut x = n;
    for _ in 0..6 {
        org.push(chars[(x % 31) as usize]);
        x /= 31;
    }
    org.push(crate::check::organisation_check(&org));
    let mut body = String::from("91440200");
    body.extend(org);
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| ALPHABET.find(c).unwrap_or(0) as u32 * w)
        .sum();
    body.push(chars[((31 - sum % 31) % 31) as usize]);
    body
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\\\""))
}

/// Generated files, as paths relative to the site root and their text.
type Files = Vec<(String, String)>;

/// One generated project: its files, relative to the site root.
fn project(n: usize, months: u32, cal: &WorkingCalendar) -> (usize, Files, (usize, u64, u64)) {
    let mut rng = Rng(0xC0FFEE ^ (n as u64).wrapping_mul(0x9E37_79B9));
    let id = format!("p{n:05}");
    let cohort = n / 50;
    let cat_id = CATEGORIES[n % CATEGORIES.len()].0;
    let town = TOWNS[n % TOWNS.len()];
    let work = rng.pick(WORKS);
    let product = rng.pick(PRODUCTS);
    let name = format!("{town}镇{product}{work}建设（{}）", n + 1);
    // Start between January 2021 and mid 2023, so that 36 months end before the as-of date.
    let first = Month {
        year: 2021 + (cohort % 30) as i32 / 12,
        month: (cohort % 30) as u32 % 12 + 1,
    };
    let start = cal.roll_forward(first.day(3));
    let decided = cal.roll_forward(start.add_days(-24));
    let last = first
        .through(Month {
            year: first.year + 10,
            month: 12,
        })
        .nth(months.saturating_sub(1) as usize)
        .unwrap_or(first);
    let completed = cal.roll_forward(last.day(18).min(last.day(28)));
    let deadline = last.next().day(28);
    let accepted = cal.roll_forward(completed.add_days(60));
    let central = 20 + rng.below(180);
    let county = if n.is_multiple_of(3) {
        rng.below(20) + 1
    } else {
        0
    };
    let half = if rng.below(2) == 0 { ".5" } else { "" };
    let central_text = format!("{central}{half}");
    let company = format!(
        "{}{town}{}{}有限公司",
        if n.is_multiple_of(2) {
            "韶关市"
        } else {
            "乳源瑶族自治县"
        },
        rng.pick(PRODUCTS),
        rng.pick(COMPANY)
    );
    let company = format!("{company}（{n}）");
    let person = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
    let mut files = Vec::new();

    let mut index = String::new();
    let _ = writeln!(
        index,
        "+++\nname = {}\ncategory = {}\ndecision = \"decision-{cohort}\"",
        q(&name),
        q(cat_id)
    );
    let _ = writeln!(
        index,
        "published = {}\nstart = {start}\ndeadline = {deadline}",
        cal.add_working_days(decided, 5)
    );
    let _ = writeln!(index, "completed = {completed}\naccepted = {accepted}\n");
    let _ = writeln!(
        index,
        "[contractor]\nname = {}\ncredit_code = \"{}\"",
        q(&company),
        credit_code(n as u64 * 7919 + 17)
    );
    let _ = writeln!(
        index,
        "responsible = {}\nphone = \"0751-{:07}\"\n",
        q(&person),
        5_300_000 + n
    );
    let _ = writeln!(index, "[funding]\ncentral = {central_text}");
    if county > 0 {
        let _ = writeln!(index, "county = {county}");
    }
    for (indicator, target, unit) in [
        ("服务站点", 5 + rng.below(50), "个"),
        ("电商培训", 100 + rng.below(900), "人次"),
        ("农产品网络销售额", 50 + rng.below(500), "万元"),
    ] {
        let _ = writeln!(
            index,
            "\n[[targets]]\nindicator = \"{indicator}\"\ntarget = {target}\nunit = \"{unit}\""
        );
    }
    let _ = writeln!(
        index,
        "\n[[locations]]\nvillage = \"{town}镇第{n}村\"\nroute = \"县城—{town}镇{n}号线\""
    );
    let paid = [
        ("30", start.add_days(10)),
        ("40", cal.roll_forward(completed.add_days(-30))),
        ("30", cal.roll_forward(completed.add_days(20))),
    ];
    for (share, date) in paid {
        let amount = rust_decimal::Decimal::from_str_exact(&central_text).unwrap_or_default()
            * rust_decimal::Decimal::new(share.parse().unwrap_or(0), 2);
        let _ = writeln!(
            index,
            "\n[[disbursements]]\ndate = {}\namount = {}\nsource = \"central\"\npurpose = \"{work}建设款（{share}%）\"",
            cal.roll_forward(date),
            crate::money::display_decimal(amount)
        );
    }
    let _ = writeln!(index, "+++");
    let _ = writeln!(
        index,
        "在{town}镇建设{work}，服务{product}等特色农产品上行。\n\n建设要求：\n\n1. 按照实施方案建设{work}，配齐设备并投入运营；\n2. 整合邮政、快递和供销资源，开展代买代卖、收发快递等便民服务；\n3. 建立台账，按月报送建设进度和资金使用情况。\n"
    );
    files.push((format!("content/projects/{id}/index.md"), index));

    for (i, m) in first.through(last).enumerate() {
        let percent = ((i as u32 + 1) * 100 / months.max(1)).min(100);
        let mut report = format!(
            "+++\npublished = {}\npercent = {percent}\n",
            cal.roll_forward(m.next().day(5))
        );
        let _ = writeln!(
            report,
            "\n[[actuals]]\nindicator = \"服务站点\"\nvalue = {}",
            i + 1
        );
        let _ = writeln!(report, "+++");
        for _ in 0..3 {
            let _ = write!(report, "{}；", rng.pick(STEPS));
        }
        let _ = writeln!(
            report,
            "本月{product}线上销售平稳，下月继续推进{work}建设。"
        );
        files.push((format!("content/projects/{id}/progress/{m}.md"), report));
    }
    let award = cal.roll_forward(decided.add_days(-7));
    let award_pub = cal.add_working_days(award, 1);
    files.push((
        format!("content/notices/award-{id}.md"),
        format!(
            "+++\nkind = \"award\"\nproject = \"{id}\"\ntitle = {}\nevent = {award}\npublished = {award_pub}\npublic_until = {}\nsupplier = {}\namount = {central_text}\n+++\n经评审，本项目中标供应商为{company}。\n",
            q(&format!("{name}中标结果公告")),
            cal.add_working_days(award_pub, 1),
            q(&company)
        ),
    ));
    let signed = cal.roll_forward(decided.add_days(3));
    files.push((
        format!("content/notices/contract-{id}.md"),
        format!(
            "+++\nkind = \"contract\"\nproject = \"{id}\"\ntitle = {}\nevent = {signed}\npublished = {}\nsupplier = {}\namount = {central_text}\n+++\n合同已签订，履约期限至 {deadline}。\n",
            q(&format!("{name}合同公告")),
            cal.add_working_days(signed, 1),
            q(&company)
        ),
    ));
    let tenths = |s: &str| -> u64 {
        use rust_decimal::prelude::ToPrimitive;
        (rust_decimal::Decimal::from_str_exact(s).unwrap_or_default() * rust_decimal::Decimal::TEN)
            .to_u64()
            .unwrap_or(0)
    };
    (
        n % CATEGORIES.len(),
        files,
        (cohort, tenths(&central_text), county * 10),
    )
}

/// Writes a site of `projects` projects with `months` monthly reports each into `dir`.
pub fn generate(dir: &Path, projects: usize, months: u32) -> Result<usize, String> {
    if dir.exists()
        && fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!("{} 不是空文件夹", dir.display()));
    }
    let cal = WorkingCalendar::official();
    let generated: Vec<_> = (0..projects)
        .into_par_iter()
        .map(|n| project(n, months, &cal))
        .collect();
    // Allocations are the sums of what the projects were given, in tenths of a 万元, so that
    // the fund tables add up exactly.
    let mut central = vec![0u64; CATEGORIES.len()];
    let mut county = vec![0u64; CATEGORIES.len()];
    let mut cohorts = std::collections::BTreeSet::new();
    for (cat, _, (cohort, c, k)) in &generated {
        central[*cat] += c;
        county[*cat] += k;
        cohorts.insert(*cohort);
    }
    let tenth = |x: u64| format!("{}.{}", x / 10, x % 10);
    let mut files: Vec<(String, String)> = Vec::new();
    files.push(("config.toml".into(), CONFIG.into()));
    let mut programme = String::from(
        "name = \"性能测试示范项目\"\nyear = 2021\nunit = \"万元\"\nplan = \"plan\"\nfund_rules = \"fund-rules\"\nprohibited_uses = [\"征地拆迁\", \"人员经费\", \"网络交易平台购买流量\"]\n",
    );
    let _ = writeln!(
        programme,
        "\n[[sources]]\nid = \"central\"\nname = \"中央财政资金\"\namount = {}",
        tenth(central.iter().sum())
    );
    let county_total: u64 = county.iter().sum();
    if county_total > 0 {
        let _ = writeln!(
            programme,
            "\n[[sources]]\nid = \"county\"\nname = \"县级配套资金\"\namount = {}",
            tenth(county_total)
        );
    }
    for (i, (id, name)) in CATEGORIES.iter().enumerate() {
        let mut alloc = format!("central = {}", tenth(central[i]));
        if county[i] > 0 {
            let _ = write!(alloc, ", county = {}", tenth(county[i]));
        }
        let _ = writeln!(
            programme,
            "\n[[categories]]\nid = \"{id}\"\nname = \"{name}\"\nallocations = {{ {alloc} }}"
        );
    }
    files.push(("content/programme.toml".into(), programme));
    files.push(("content/documents/plan.md".into(), "+++\nkind = \"plan\"\ntitle = \"示范项目实施方案\"\nissuer = \"县人民政府办公室\"\nissued = 2020-11-25\npublished = 2020-11-27\n+++\n实施方案要点。\n".into()));
    files.push(("content/documents/fund-rules.md".into(), "+++\nkind = \"fund-rules\"\ntitle = \"资金与项目管理办法\"\nissuer = \"县工业和信息化局\"\nissued = 2020-12-01\npublished = 2020-12-03\n+++\n管理办法要点。\n".into()));
    for cohort in cohorts {
        let first = Month {
            year: 2021 + (cohort % 30) as i32 / 12,
            month: (cohort % 30) as u32 % 12 + 1,
        };
        let decided = cal.roll_forward(cal.roll_forward(first.day(3)).add_days(-24));
        files.push((
            format!("content/documents/decision-{cohort}.md"),
            format!(
                "+++\nkind = \"decision\"\ntitle = \"关于确定第 {} 批示范项目承办单位的批复\"\nnumber = \"县府函〔{}〕{}号\"\nissuer = \"县人民政府\"\nissued = {decided}\npublished = {}\n+++\n同意确定本批项目及承办单位。\n",
                cohort + 1,
                decided.year(),
                cohort + 1,
                cal.add_working_days(decided, 1)
            ),
        ));
    }
    files.extend(generated.into_iter().flat_map(|(_, f, _)| f));
    // The programme closes the day after its last publication: judged later, the column is a
    // record of a finished programme, not a stale one (SPEC §9).
    let last = files
        .iter()
        .flat_map(|(_, text)| text.lines())
        .filter_map(|l| l.strip_prefix("published = "))
        .filter_map(crate::date::Date::parse)
        .max();
    if let Some(last) = last
        && let Some((_, programme)) = files
            .iter_mut()
            .find(|(p, _)| p == "content/programme.toml")
    {
        *programme = programme.replacen(
            "\n[[sources]]",
            &format!("closed = {}\n\n[[sources]]", last.add_days(1)),
            1,
        );
    }
    let count = files.len();
    files
        .par_iter()
        .try_for_each(|(rel, text)| -> Result<(), String> {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
        })?;
    Ok(count)
}

const CONFIG: &str = r#"title = "性能测试专栏"
base_url = "https://zl.gongkai-bench.cn/bench"

[publisher]
name = "县工业和信息化局"
phone = "0751-5383488"

[[channels.feedback]]
name = "县工信局电子商务股"
phone = "0751-5383488"

[[channels.discipline]]
name = "县纪委监委"
phone = "12388"

[[channels.audit]]
name = "县审计局"
phone = "0751-5380316"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_valid() {
        for n in 0..500 {
            assert!(
                crate::check::valid_credit_code(&credit_code(n)),
                "{}",
                credit_code(n)
            );
        }
    }

    #[test]
    fn a_small_corpus_is_valid_and_clean() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("corpus");
        generate(&site, 120, 36).unwrap();
        let opts = crate::Options {
            root: site,
            as_of: crate::date::Date::parse("2026-11-25"),
            strict: true,
            base_url: None,
            progress: Default::default(),
        };
        let checked = crate::check_site(&opts).unwrap();
        assert!(
            checked.report.diagnostics.is_empty(),
            "{:#?}",
            &checked.report.diagnostics[..checked.report.diagnostics.len().min(5)]
        );
        assert_eq!(checked.loaded.site.projects.len(), 120);
        assert!(
            checked
                .loaded
                .site
                .projects
                .iter()
                .all(|p| p.progress.len() == 36)
        );
    }
}
