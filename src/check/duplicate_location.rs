//! `duplicate-village` and `duplicate-route` (R9): the same administrative village may not
//! receive direct central support twice; the same logistics route may not have more than one
//! company directly supported by central funds.

use std::collections::BTreeMap;

use super::Check;
use crate::derive::Derived;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::rules;

pub const VILLAGE: Check = Check {
    rule: rules::DUPLICATE_VILLAGE,
    run: villages,
};
pub const ROUTE: Check = Check {
    rule: rules::DUPLICATE_ROUTE,
    run: routes,
};

/// Village and route names compared without spaces and with one kind of dash and bracket.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '-' | '－' | '–' | '‐' | '―' | '~' | '～' | '至' => '—',
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// Centrally funded projects, in id order.
fn central_projects(site: &Site) -> Vec<&Project> {
    let Some(p) = &site.programme else {
        return Vec::new();
    };
    let mut list: Vec<&Project> = site
        .projects
        .iter()
        .filter(|x| x.funding.has_central(p))
        .collect();
    list.sort_by(|a, b| a.id.cmp(&b.id));
    list
}

fn villages(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<String, (&Project, u32)> = BTreeMap::new();
    let mut out = Vec::new();
    for p in central_projects(site) {
        for loc in &p.locations {
            let Some(v) = loc.village.as_ref().filter(|v| !v.value.trim().is_empty()) else {
                continue;
            };
            match seen.get(&normalize(&v.value)) {
                Some((first, line)) if first.id != p.id => out.push(
                    Diagnostic::new(
                        VILLAGE.rule,
                        &p.file,
                        format!(
                            "行政村“{}”已由项目“{}”（{}:{line}）获得中央财政资金直接支持，同一行政村只能支持一次",
                            v.value,
                            text(&first.name).unwrap_or(&first.id),
                            first.file
                        ),
                    )
                    .span(v.line, v.col, v.width)
                    .field(format!("{}.village", loc.path)),
                ),
                Some(_) => {}
                None => {
                    seen.insert(normalize(&v.value), (p, v.line));
                }
            }
        }
    }
    out
}

fn routes(site: &Site, _: &Derived) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<String, (&Project, u32)> = BTreeMap::new();
    let mut out = Vec::new();
    let company = |p: &Project| text(&p.contractor.name).map(normalize).unwrap_or_default();
    for p in central_projects(site) {
        for loc in &p.locations {
            let Some(r) = loc.route.as_ref().filter(|r| !r.value.trim().is_empty()) else {
                continue;
            };
            match seen.get(&normalize(&r.value)) {
                Some((first, line)) if company(first) != company(p) => out.push(
                    Diagnostic::new(
                        ROUTE.rule,
                        &p.file,
                        format!(
                            "物流线路“{}”已由“{}”承办的项目（{}:{line}）获得中央财政资金支持，同一条线路只能支持一家企业",
                            r.value,
                            text(&first.contractor.name).unwrap_or(""),
                            first.file
                        ),
                    )
                    .span(r.line, r.col, r.width)
                    .field(format!("{}.route", loc.path)),
                ),
                Some(_) => {}
                None => {
                    seen.insert(normalize(&r.value), (p, r.line));
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

    fn project(contractor: &str, source: &str, village: &str, route: &str) -> String {
        format!(
            "+++\n[contractor]\nname = \"{contractor}\"\n[funding]\n{source} = 10\n[[locations]]\nvillage = \"{village}\"\nroute = \"{route}\"\n+++\nx\n"
        )
    }

    fn findings(b: &str) -> Vec<Diagnostic> {
        let (s, _) = site(&[
            ("config.toml", ""),
            (
                "content/programme.toml",
                "[[sources]]\nid = \"central\"\n[[sources]]\nid = \"county\"\n",
            ),
            (
                "content/projects/a/index.md",
                &project("甲公司", "central", "大桥镇大桥村", "县城—大桥镇"),
            ),
            ("content/projects/b/index.md", b),
        ]);
        let ctx = crate::check::testing::at(&s, "2022-01-01");
        let mut d = villages(&s, &ctx);
        d.extend(routes(&s, &ctx));
        d
    }

    #[test]
    fn same_village_twice_with_central_funds() {
        let d = findings(&project(
            "乙公司",
            "central",
            "大桥镇 大桥村",
            "县城—东坪镇",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].rule, d[0].file.as_str(), d[0].line),
            ("duplicate-village", "content/projects/b/index.md", Some(7))
        );
        assert!(d[0].message.contains("content/projects/a/index.md:7"));
        assert!(
            findings(&project("乙公司", "county", "大桥镇大桥村", "县城-大桥镇")).is_empty(),
            "county funds are not restricted"
        );
    }

    #[test]
    fn same_route_for_another_company_but_not_the_same_one() {
        let d = findings(&project("乙公司", "central", "东坪镇东坪村", "县城-大桥镇"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].rule, d[0].line), ("duplicate-route", Some(8)));
        assert!(
            findings(&project(
                "甲公司",
                "central",
                "东坪镇东坪村",
                "县城 — 大桥镇"
            ))
            .is_empty()
        );
    }
}
