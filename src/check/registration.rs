//! The identification every page footer of a government website carries, checked against the
//! formats the issuing registries use (`invalid-value`, with the format in the message):
//!
//! - **ICP 备案号**, issued by the Ministry of Industry and Information Technology under the
//!   《非经营性互联网信息服务备案管理办法》(信息产业部令第 33 号) and looked up at
//!   <https://beian.miit.gov.cn/>: the province's one-character abbreviation, `ICP备`, the
//!   number (6 to 10 digits: older numbers have a 2-digit year and 6 digits, newer ones a 4-digit
//!   year and 6 digits), `号`, and for one of several sites under the same number `-` and the
//!   site's serial: `粤ICP备12345678号-1`.
//! - **公安机关备案号**, issued under the 《计算机信息网络国际联网安全保护管理办法》(公安部令第 33 号)
//!   and looked up at <https://beian.mps.gov.cn/>: the province's abbreviation, `公网安备`, 14
//!   digits whose first six are the administrative division (GB/T 2260) where the site was
//!   registered, `号`: `粤公网安备 44020302000123号`.
//! - **网站标识码**, issued to each government website through the national reporting system
//!   (《政府网站发展指引》, 国办发〔2017〕47号): ten characters, the first six of a local site's
//!   being its administrative division (GB/T 2260) and the last four a serial (`4402320001`), a
//!   State Council department's `bm` and eight digits (`bm01000001`).
//!
//! A value whose only fault is how it was typed (full-width digits, spaces, `icp` in lower
//! case) gets the corrected text as its fix.

use crate::diag::{Diagnostic, Fix};
use crate::model::*;
use crate::rules;

/// Province abbreviations as registrations write them, with the first two digits of their
/// administrative division codes (GB/T 2260). Both the common and the classical abbreviation are
/// in use for some provinces (川/蜀, 贵/黔, 云/滇, 甘/陇).
const PROVINCES: &[(char, &str)] = &[
    ('京', "11"),
    ('津', "12"),
    ('冀', "13"),
    ('晋', "14"),
    ('蒙', "15"),
    ('辽', "21"),
    ('吉', "22"),
    ('黑', "23"),
    ('沪', "31"),
    ('苏', "32"),
    ('浙', "33"),
    ('皖', "34"),
    ('闽', "35"),
    ('赣', "36"),
    ('鲁', "37"),
    ('豫', "41"),
    ('鄂', "42"),
    ('湘', "43"),
    ('粤', "44"),
    ('桂', "45"),
    ('琼', "46"),
    ('渝', "50"),
    ('川', "51"),
    ('蜀', "51"),
    ('贵', "52"),
    ('黔', "52"),
    ('云', "53"),
    ('滇', "53"),
    ('藏', "54"),
    ('陕', "61"),
    ('甘', "62"),
    ('陇', "62"),
    ('青', "63"),
    ('宁', "64"),
    ('新', "65"),
];

fn province_code(c: char) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(p, _)| *p == c)
        .map(|(_, code)| *code)
}

pub const ICP_FORMAT: &str =
    "省份简称 + ICP备 + 6 到 10 位数字 + 号，同一备案号下的网站再加“-序号”，如 粤ICP备12345678号-1";
pub const POLICE_FORMAT: &str = "省份简称 + 公网安备 + 14 位数字 + 号，14 位数字的前两位是省份的行政区划代码，如 粤公网安备 44020302000123号";
pub const SITE_CODE_FORMAT: &str = "10 位：地方政府网站是 6 位行政区划代码加 4 位序号（如 4402320001），国务院部门网站是 bm 加 8 位数字";

/// Full-width digits, letters and dashes as ASCII, spaces taken out: how a number copied from a
/// Word document or typed with a Chinese input method differs from the same number.
fn normalise(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '－' | '—' | '–' | '‐' => '-',
            _ => c,
        })
        .collect()
}

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// An ICP registration number as written (`粤ICP备12345678号-1`).
pub fn valid_icp(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(p) = chars.next() else { return false };
    let rest = chars.as_str();
    let Some(rest) = rest.strip_prefix("ICP备") else {
        return false;
    };
    let Some((number, site)) = rest.split_once('号') else {
        return false;
    };
    province_code(p).is_some()
        && digits(number, 6, 10)
        && (site.is_empty() || site.strip_prefix('-').is_some_and(|n| digits(n, 1, 3)))
}

/// The 14 digits of a public-security registration number, if it is one
/// (`粤公网安备 44020302000123号`), checked against its province.
pub fn police_digits(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let code = province_code(chars.next()?)?;
    let rest = chars.as_str().strip_prefix("公网安备")?;
    let number = rest.strip_prefix(' ').unwrap_or(rest).strip_suffix('号')?;
    (digits(number, 14, 14) && number.starts_with(code)).then_some(number)
}

/// A government website identification code (`4402320001`, `bm01000001`).
pub fn valid_site_code(text: &str) -> bool {
    match text.strip_prefix("bm") {
        Some(rest) => digits(rest, 8, 8),
        None => digits(text, 10, 10) && PROVINCES.iter().any(|(_, c)| text.starts_with(c)),
    }
}

/// The `id` of a 党政机关网站标识 link: letters and digits only (it goes into an address).
pub fn valid_conac_id(text: &str) -> bool {
    (8..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The address a verified 党政机关网站标识 links to.
pub fn conac_url(id: &str) -> String {
    format!("https://bszs.conac.cn/sitename?method=show&id={id}")
}

/// The national platform's "我为政府网站找错" entry, for this site when its code is known.
pub fn error_report_url(site_code: Option<&str>) -> String {
    match site_code {
        Some(code) => format!(
            "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode={code}"
        ),
        None => "https://zfwzzc.www.gov.cn/".to_string(),
    }
}

/// The lookup page of a public-security registration.
pub fn police_url(digits: &str) -> String {
    format!("https://beian.mps.gov.cn/#/query/webSearch?code={digits}")
}

/// The MIIT registration lookup.
pub const ICP_URL: &str = "https://beian.miit.gov.cn/";

/// A contact address a channel may give: a web page, an email address or a telephone number.
pub fn valid_channel_url(text: &str) -> bool {
    let t = text.trim();
    if let Some(mail) = t.strip_prefix("mailto:") {
        return matches!(mail.split_once('@'), Some((u, h)) if !u.is_empty() && h.contains('.') && !mail.contains(char::is_whitespace));
    }
    if let Some(number) = t.strip_prefix("tel:") {
        return !number.is_empty()
            && number.bytes().any(|b| b.is_ascii_digit())
            && number
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'(' | b')'));
    }
    crate::load::records::web_address(t)
}

/// Checks the footer's identification in config.toml.
pub fn check(c: &Config, lines: &dyn Fn(u32) -> Option<String>, out: &mut Vec<Diagnostic>) {
    let p = &c.publisher;
    let mut field = |f: &Field<String>,
                     key: &str,
                     label: &str,
                     format: &str,
                     valid: &dyn Fn(&str) -> bool,
                     canonical: &dyn Fn(&str) -> String| {
        let Some(f) = f else { return };
        let written = f.value.trim();
        if written.is_empty() || valid(written) {
            return;
        }
        let mut d = Diagnostic::new(
            rules::INVALID_VALUE,
            &c.file,
            format!("{label} “{}” 的格式不对：应为{format}", f.value),
        )
        .span(f.line, f.col, f.width)
        .field(format!("publisher.{key}"));
        let fixed = canonical(&normalise(written));
        if valid(&fixed) {
            d = d.hint(format!("写成 {key} = \"{fixed}\""));
            if let Some(fix) =
                lines(f.line).and_then(|line| Fix::value(f.line, &line, &format!("\"{fixed}\"")))
            {
                d = d.fix(fix);
            }
        } else {
            d = d.hint(format!(
                "照备案证明或备案系统里的写法逐字核对；还没有{label}的，先删掉这一行"
            ));
        }
        out.push(d);
    };
    field(
        &p.icp,
        "icp",
        "ICP 备案号",
        ICP_FORMAT,
        &valid_icp,
        &|s| s.replacen("icp", "ICP", 1).replacen("Icp", "ICP", 1),
    );
    field(
        &p.police_record,
        "police_record",
        "公安机关备案号",
        POLICE_FORMAT,
        &|s| police_digits(s).is_some(),
        &|s| s.replacen("公网安备", "公网安备 ", 1),
    );
    field(
        &p.site_code,
        "site_code",
        "网站标识码",
        SITE_CODE_FORMAT,
        &valid_site_code,
        &|s| s.to_ascii_lowercase(),
    );
    field(
        &p.conac_id,
        "conac_id",
        "党政机关网站标识编号",
        "中央编办开办单位网上名称管理中心给出的标识链接里 id= 后面的字母和数字（8 到 64 个）",
        &valid_conac_id,
        &|s| s.to_string(),
    );
    if let Some(f) = &p.error_report_url
        && !crate::load::records::web_address(&f.value)
    {
        out.push(
            Diagnostic::new(
                rules::INVALID_VALUE,
                &c.file,
                format!(
                    "“我为政府网站找错”入口 “{}” 不是网址：要以 https:// 或 http:// 开头",
                    f.value
                ),
            )
            .span(f.line, f.col, f.width)
            .field("publisher.error_report_url")
            .hint(format!(
                "不写这一行时用全国政府网站找错平台的入口 {}",
                error_report_url(None)
            )),
        );
    }
    if let Some(f) = &p.conac_image
        && crate::markdown::is_off_site(&f.value)
    {
        out.push(
            Diagnostic::new(
                rules::INVALID_VALUE,
                &c.file,
                format!(
                    "党政机关网站标识图片 “{}” 来自其他网站：页面不从其他网站加载任何内容",
                    f.value
                ),
            )
            .span(f.line, f.col, f.width)
            .field("publisher.conac_image")
            .hint(
                "把标识图片下载到站点的 static/ 里，写它的文件名，例如 conac_image = \"conac.png\"",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icp_numbers() {
        for ok in [
            "粤ICP备12345678号",
            "粤ICP备12345678号-1",
            "京ICP备2021012345号-12",
            "蜀ICP备050706号",
        ] {
            assert!(valid_icp(ok), "{ok}");
        }
        for bad in [
            "粤ICP备1234号",
            "粤ICP备12345678",
            "粤ICP12345678号",
            "ICP备12345678号",
            "港ICP备12345678号",
            "粤ICP备12345678号-",
            "粤ICP备12345678号1",
            "粤ICP备12345678901号",
            "粤icp备12345678号",
        ] {
            assert!(!valid_icp(bad), "{bad}");
        }
    }

    #[test]
    fn police_numbers_carry_their_province() {
        assert_eq!(
            police_digits("粤公网安备 44020302000123号"),
            Some("44020302000123")
        );
        assert!(police_digits("粤公网安备44020302000123号").is_some());
        assert!(police_digits("川公网安备 51010702000123号").is_some());
        // Guangdong's numbers start with 44.
        assert!(police_digits("粤公网安备 11010502000123号").is_none());
        assert!(police_digits("粤公网安备 4402030200012号").is_none());
        assert!(police_digits("粤公网安备 44020302000123").is_none());
        assert!(police_digits("粤ICP备12345678号").is_none());
    }

    #[test]
    fn site_codes() {
        for ok in ["4402320001", "1100000088", "bm01000001"] {
            assert!(valid_site_code(ok), "{ok}");
        }
        for bad in [
            "440232000",
            "44023200011",
            "9902320001",
            "bm0100001",
            "BM01000001",
        ] {
            assert!(!valid_site_code(bad), "{bad}");
        }
    }

    #[test]
    fn typing_slips_are_normalised() {
        assert_eq!(
            normalise(" 粤ICP备１２３４５６７８号－1 "),
            "粤ICP备12345678号-1"
        );
        assert_eq!(
            normalise("粤公网安备 44020302000123号"),
            "粤公网安备44020302000123号"
        );
    }

    #[test]
    fn channel_addresses() {
        for ok in [
            "https://www.12388.gov.cn/",
            "mailto:jubao@ruyuan.gov.cn",
            "tel:0751-12388",
            "tel:+86-751-5383488",
        ] {
            assert!(valid_channel_url(ok), "{ok}");
        }
        for bad in [
            "www.12388.gov.cn",
            "ftp://x.gov.cn/",
            "mailto:jubao",
            "tel:",
            "tel:12388转1",
        ] {
            assert!(!valid_channel_url(bad), "{bad}");
        }
    }
}
