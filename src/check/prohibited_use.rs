//! `prohibited-use`: central funds may not pay for what the programme forbids (R8: land
//! acquisition and demolition, staff costs, buying traffic on trading platforms).

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const RULE: Check = Check {
    rule: rules::PROHIBITED_USE,
    run,
};

fn run(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let Some(p) = &site.programme else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for project in &site.projects {
        for d in &project.disbursements {
            let (Some(purpose), Some(source)) = (&d.purpose, text(&d.source)) else {
                continue;
            };
            if !p.is_central(source) {
                continue;
            }
            for banned in p
                .prohibited_uses
                .iter()
                .filter(|b| !b.value.trim().is_empty())
            {
                if purpose.value.contains(banned.value.trim()) {
                    out.push(
                        Diagnostic::new(
                            RULE.rule,
                            &project.file,
                            format!(
                                "中央财政资金不得用于“{}”（{}:{}），这笔拨付的用途是“{}”",
                                banned.value, p.file, banned.line, purpose.value
                            ),
                        )
                        .span(purpose.line, purpose.col, purpose.width)
                        .field(format!("{}.purpose", d.path))
                        .hint("这笔支出应改由其他资金（如县级配套资金）承担，source 和用途写实"),
                    );
                }
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
}
