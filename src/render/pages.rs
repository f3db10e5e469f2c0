//! The page table: every page of the site, with its address, title, section, template and
//! description, in one place. The renderer, the navigation (and its `aria-current`), the search
//! index and the sitemap are all made from it.

use serde::Serialize;

/// A top-level section of the column.
#[derive(Debug, PartialEq, Eq)]
pub struct Section {
    /// For templates and styles: `projects`.
    pub key: &'static str,
    /// Address below the site root: `projects/` (empty for the overview).
    pub path: &'static str,
    /// Its name: the navigation label, the list page's title and the column meta tag.
    pub name: &'static str,
    /// The template of its own page.
    pub template: &'static str,
    /// What its page holds, for the description meta tag.
    pub description: &'static str,
    /// The template of each of its records' pages, and what search calls them.
    pub records: Option<(&'static str, &'static str)>,
    /// Listed in the navigation.
    pub in_nav: bool,
}

pub const HOME: &Section = &Section {
    key: "home",
    path: "",
    name: "首页",
    template: "index.html",
    description: "",
    records: None,
    in_nav: true,
};
pub const PROJECTS: &Section = &Section {
    key: "projects",
    path: "projects/",
    name: "项目清单",
    template: "projects.html",
    description: "全部扶持项目的承办单位、资金、完成时限和进度",
    records: Some(("project.html", "项目")),
    in_nav: true,
};
pub const FUNDS: &Section = &Section {
    key: "funds",
    path: "funds/",
    name: "资金安排",
    template: "funds.html",
    description: "资金来源、板块分配、项目扶持和拨付情况",
    records: None,
    in_nav: true,
};
pub const DOCUMENTS: &Section = &Section {
    key: "documents",
    path: "documents/",
    name: "政策文件",
    template: "documents.html",
    description: "实施方案、资金与项目管理制度、决策文件和报告",
    records: Some(("document.html", "政策文件")),
    in_nav: true,
};
pub const NOTICES: &Section = &Section {
    key: "notices",
    path: "notices/",
    name: "采购公告",
    template: "notices.html",
    description: "招标、中标、合同等采购信息",
    records: Some(("notice.html", "采购公告")),
    in_nav: true,
};
pub const SUPERVISION: &Section = &Section {
    key: "supervision",
    path: "supervision/",
    name: "监督举报",
    template: "supervision.html",
    description: "征求意见窗口、纪检监察和审计举报窗口",
    records: None,
    in_nav: true,
};
pub const DATA: &Section = &Section {
    key: "data",
    path: "data/",
    name: "开放数据",
    template: "data.html",
    description: "项目、进度、资金拨付和采购公告的数据下载",
    records: None,
    in_nav: true,
};
pub const CHANGES: &Section = &Section {
    key: "changes",
    path: "changes/",
    name: "更正记录",
    template: "changes.html",
    description: "已公开记录的每一次更正和撤回：日期、原因、改了什么",
    records: None,
    in_nav: false,
};
pub const SEARCH: &Section = &Section {
    key: "search",
    path: "search/",
    name: "搜索",
    template: "search.html",
    description: "搜索项目、文件和公告",
    records: None,
    in_nav: false,
};

impl Section {
    /// The kind of column it is, for the `ColumnType` meta tag government-site tools read
    /// (政府网站网页设计规范): the overview is the column's home page, projects and their monthly
    /// progress are work news (工作动态), documents are policy (政策文件), notices are
    /// announcements (通知公告).
    pub fn column_type(&self) -> &'static str {
        match self.key {
            "home" => "首页",
            "projects" => "工作动态",
            "documents" => "政策文件",
            "notices" => "通知公告",
            "funds" => "资金信息",
            "supervision" => "互动交流",
            "data" | "changes" => "数据发布",
            "search" => "站内搜索",
            _ => "专题专栏",
        }
    }
}

/// Every section, in navigation order.
pub const SECTIONS: &[&Section] = &[
    HOME,
    PROJECTS,
    FUNDS,
    DOCUMENTS,
    NOTICES,
    SUPERVISION,
    DATA,
    CHANGES,
    SEARCH,
];

/// What search calls a section's own page.
pub const SECTION_KIND: &str = "栏目";

/// One page of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// A section's own page (the overview, a list, the funds page …).
    Section(&'static Section),
    /// The page of the n-th record (in model order) of a section with records.
    Record(&'static Section, usize),
    NotFound,
}

impl Page {
    /// Every page, in a fixed order (their search ids): the overview, then each list followed
    /// by its records, then the other sections, then the 404 page.
    pub fn all(projects: usize, documents: usize, notices: usize) -> Vec<Page> {
        let mut pages = vec![Page::Section(HOME)];
        for (section, n) in [
            (PROJECTS, projects),
            (DOCUMENTS, documents),
            (NOTICES, notices),
        ] {
            pages.push(Page::Section(section));
            pages.extend((0..n).map(|i| Page::Record(section, i)));
        }
        pages.extend([FUNDS, SUPERVISION, DATA, CHANGES, SEARCH].map(Page::Section));
        pages.push(Page::NotFound);
        pages
    }

    /// The section it belongs to (none for the 404 page).
    pub fn section(self) -> Option<&'static Section> {
        match self {
            Page::Section(s) | Page::Record(s, _) => Some(s),
            Page::NotFound => None,
        }
    }

    pub fn template(self) -> &'static str {
        match self {
            Page::Section(s) => s.template,
            Page::Record(s, _) => s.records.map_or(s.template, |(t, _)| t),
            Page::NotFound => "404.html",
        }
    }

    /// What search lists it as.
    pub fn kind(self) -> &'static str {
        match self {
            Page::Record(s, _) => s.records.map_or(SECTION_KIND, |(_, k)| k),
            _ => SECTION_KIND,
        }
    }

    /// Pages that search finds (not the 404 and search pages themselves).
    pub fn searchable(self) -> bool {
        !matches!(self, Page::NotFound | Page::Section(SEARCH))
    }
}

/// An entry of the navigation.
#[derive(Serialize, Debug)]
pub struct NavItem {
    pub key: &'static str,
    pub path: &'static str,
    pub name: &'static str,
    /// A section with pages of its own records (projects, documents, notices).
    pub records: bool,
}

/// The navigation, for templates.
pub fn nav() -> Vec<NavItem> {
    SECTIONS
        .iter()
        .filter(|s| s.in_nav)
        .map(|s| NavItem {
            key: s.key,
            path: s.path,
            name: s.name,
            records: s.records.is_some(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_one_place() {
        let pages = Page::all(2, 1, 0);
        assert_eq!(pages.len(), 1 + 1 + 2 + 1 + 1 + 1 + 5 + 1);
        assert_eq!(pages[0], Page::Section(HOME));
        assert_eq!(pages[2].template(), "project.html");
        assert_eq!(pages[2].kind(), "项目");
        assert!(!Page::Section(SEARCH).searchable() && !Page::NotFound.searchable());
        let keys: Vec<&str> = SECTIONS.iter().map(|s| s.key).collect();
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(keys, unique);
        assert_eq!(nav().len(), 7);
    }
}
