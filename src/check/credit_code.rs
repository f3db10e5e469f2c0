//! `credit-code`: a 统一社会信用代码 must have 18 characters from the allowed alphabet and the
//! check character GB 32100-2015 gives.

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::CREDIT_CODE,
    run,
};

/// The code alphabet: digits and capital letters without I, O, Z, S, V.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// What is wrong with a code, if anything.
fn problem(code: &str) -> Option<String> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Some(format!("应为 18 位，这里是 {} 位", chars.len()));
    }
    if let Some(c) = chars.iter().find(|c| c.is_ascii_lowercase()) {
        return Some(format!("字母要大写（{c}）"));
    }
    if let Some(c) = chars.iter().find(|c| !ALPHABET.contains(**c)) {
        return Some(format!("含有不允许的字符“{c}”（代码中不用 I、O、Z、S、V）"));
    }
    // Characters 9–17 are the organisation code of GB 11714, with its own check character;
    // the last one is computed over the first 17, so both are told at once.
    if let Some(why) = organisation_code_problem(&chars[8..17]) {
        let mut fixed = chars.clone();
        fixed[16] = organisation_check(&chars[8..16]);
        let last = final_check(&fixed);
        return Some(if last == chars[17] {
            why
        } else {
            format!(
                "{why}；第 17 位改成 {} 后，最后一位应为 {last}，这里是 {}（GB 32100）",
                fixed[16], chars[17]
            )
        });
    }
    let expected = final_check(&chars);
    (chars[17] != expected).then(|| {
        format!(
            "校验位不对：按前 17 位，最后一位应为 {expected}，这里是 {}",
            chars[17]
        )
    })
}

/// The 18th character GB 32100 gives for the first 17.
fn final_check(chars: &[char]) -> char {
    let sum: u32 = chars[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| ALPHABET.find(*c).unwrap_or(0) as u32 * w)
        .sum();
    ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize] as char
}

/// GB 11714-1997: eight characters (digits, or capital letters counting 10–35) weighted
/// 3, 7, 9, 10, 5, 8, 4, 2; the check character is 11 − (sum mod 11), written X for 10 and 0
/// for 11.
fn organisation_code_problem(code: &[char]) -> Option<String> {
    let expected = organisation_check(&code[..8]);
    let written: String = code.iter().collect();
    (code[8] != expected).then(|| {
        format!(
            "第 9–17 位是组织机构代码 {}-{}，它的校验位应为 {expected}，这里是 {}（GB 11714）",
            &written[..8],
            code[8],
            code[8]
        )
    })
}

/// The check character of a GB 11714 organisation code's eight characters.
pub fn organisation_check(body: &[char]) -> char {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(36).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap_or('0'),
    }
}

pub fn valid_credit_code(code: &str) -> bool {
    problem(code).is_none()
}

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &site.projects {
        let Some(code) = &p.contractor.credit_code else {
            continue;
        };
        if code.value.trim().is_empty() {
            continue;
        }
        if let Some(why) = problem(code.value.trim()) {
            out.push(
                Diagnostic::new(
                    RULE.rule,
                    &p.file,
                    format!("统一社会信用代码 {} {why}", code.value.trim()),
                )
                .span(code.line, code.col, code.width)
                .field("contractor.credit_code")
                .hint("照营业执照逐位核对；不知道时可以先删掉这一行（此字段选填）"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes() {
        // Published codes of well-known companies.
        assert!(
            valid_credit_code("91110000100017643K"),
            "China Petrochemical"
        );
        assert!(valid_credit_code("91440300708461136T"), "Tencent Shenzhen");
        assert!(
            valid_credit_code("91350100M000100Y43"),
            "the sample in GB 32100-2015 guides"
        );
        assert!(valid_credit_code("914403001922038216"), "Huawei");
    }

    #[test]
    fn every_single_character_change_is_caught() {
        let good = "91440300708461136T";
        for i in 0..18 {
            for c in ALPHABET.chars() {
                let mut chars: Vec<char> = good.chars().collect();
                if chars[i] == c {
                    continue;
                }
                chars[i] = c;
                let bad: String = chars.into_iter().collect();
                assert!(!valid_credit_code(&bad), "{bad}");
            }
        }
    }

    #[test]
    fn explains_each_problem() {
        assert!(problem("9144030070846113").unwrap().contains("18 位"));
        assert!(problem("91440300708461136t").unwrap().contains("大写"));
        assert!(problem("9144030070846113OT").unwrap().contains("不允许"));
        assert!(problem("91440300708461136A").unwrap().contains("应为 T"));
        // The organisation code's own check character (the 17th) changed, and the last one
        // made to fit the new 17: only GB 11714 finds it, and the last must change with it.
        let mut chars: Vec<char> = "91440300708461136T".chars().collect();
        chars[16] = '7';
        chars[17] = final_check(&chars);
        let code: String = chars.into_iter().collect();
        let why = problem(&code).unwrap();
        assert!(
            why.contains("GB 11714") && why.contains("最后一位应为 T，这里是 X（GB 32100）"),
            "{why}"
        );
        // Only the 17th mistyped, the last right for the right 17th: one fix is told.
        let why = problem("91440300708461137T").unwrap();
        assert!(
            why.contains("应为 6，这里是 7（GB 11714）") && !why.contains("GB 32100"),
            "{why}"
        );
        // Both wrong: the message says both fixes, so one run of check is enough.
        let why = problem("91440300708461137A").unwrap();
        assert!(
            why.contains("应为 6，这里是 7（GB 11714）")
                && why.contains("第 17 位改成 6 后，最后一位应为 T，这里是 A（GB 32100）"),
            "{why}"
        );
    }
}
