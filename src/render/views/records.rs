//! Documents and procurement notices: their pages, their lists, and the windows each notice
//! had to meet.

use serde::Serialize;

use super::{Builder, ChangeView, DateView, Labelled, ProjectRef, WithdrawnView, opt_date, owned};
use crate::derive::{Lateness, WindowKind};
use crate::markdown;
use crate::model::*;

#[derive(Serialize, Clone, Debug)]
pub struct DocRef {
    pub id: String,
    pub url: Option<String>,
    pub title: String,
    pub number: Option<String>,
    pub issued: Option<DateView>,
}

#[derive(Serialize, Debug, Clone)]
pub struct DocumentView {
    pub id: String,
    pub url: String,
    pub kind: Labelled,
    pub title: String,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub issued: Option<DateView>,
    pub published: Option<DateView>,
    pub body_html: String,
    pub summary: String,
    /// Projects this decision approved.
    pub projects: Vec<ProjectRef>,
    /// How it was published late, if it was (R6).
    pub late: Option<String>,
    /// The marker lists show when it was published late.
    pub marker: Option<&'static str>,
    /// For a draft: how long comments are taken, and whether they still are.
    pub draft: Option<DraftView>,
    /// Withdrawn (SPEC §7): it stays published, marked 已撤回.
    pub withdrawn: Option<WithdrawnView>,
    /// 更正记录, newest first.
    pub corrections: Vec<ChangeView>,
}

/// A draft's comment window.
#[derive(Serialize, Debug, Clone)]
pub struct DraftView {
    pub until: DateView,
    /// Comments are still taken on the as-of date.
    pub open: bool,
    /// 征求意见中 or 征求意见已结束.
    pub state: &'static str,
}

/// Documents of one kind, for the list page.
#[derive(Serialize, Debug)]
pub struct DocumentGroup {
    pub kind: Labelled,
    pub items: Vec<DocumentView>,
}

#[derive(Serialize, Debug)]
pub struct NoticeView {
    pub id: String,
    pub url: String,
    pub kind: Labelled,
    pub title: String,
    pub project: Option<ProjectRef>,
    pub event_label: String,
    pub event: Option<DateView>,
    pub published: Option<DateView>,
    pub public_until: Option<DateView>,
    pub supplier: Option<String>,
    pub amount: Option<super::Amount>,
    pub body_html: String,
    /// Whether any window was missed.
    pub late: bool,
    /// The marker lists show when a window was missed.
    pub marker: Option<&'static str>,
    pub windows: Vec<WindowView>,
    /// Withdrawn (SPEC §7): it stays published, marked 已撤回.
    pub withdrawn: Option<WithdrawnView>,
    /// 更正记录, newest first.
    pub corrections: Vec<ChangeView>,
}

/// One R7 window of a notice, as the public reads it.
#[derive(Serialize, Debug)]
pub struct WindowView {
    pub met: bool,
    pub text: String,
}

/// Documents are sorted by kind already; this cuts the list where the kind changes.
pub(super) fn group_documents(docs: &[DocumentView]) -> Vec<DocumentGroup> {
    let mut groups: Vec<DocumentGroup> = Vec::new();
    for d in docs {
        match groups.last_mut() {
            Some(g) if g.kind.key == d.kind.key => g.items.push(d.clone()),
            _ => groups.push(DocumentGroup {
                kind: d.kind.clone(),
                items: vec![d.clone()],
            }),
        }
    }
    groups
}

pub(super) fn notice_kind(n: &Notice) -> Labelled {
    let k = val(&n.kind).copied();
    Labelled {
        key: k.map_or("", NoticeKind::key).into(),
        label: k.map_or("公告", NoticeKind::label).into(),
    }
}

impl Builder<'_> {
    pub(super) fn documents(&self) -> Vec<DocumentView> {
        let mut docs: Vec<(&Document, &crate::derive::DocumentFacts)> = self
            .site
            .documents
            .iter()
            .zip(&self.derived.documents)
            .filter(|(_, f)| f.public)
            .collect();
        docs.sort_by_key(|(d, _)| {
            (
                val(&d.kind).copied(),
                std::cmp::Reverse(val(&d.issued).copied()),
                d.id.clone(),
            )
        });
        docs.into_iter()
            .map(|(d, f)| {
                let kind = val(&d.kind).copied().unwrap_or(DocKind::Other);
                let late = f.publication.filter(|x| x.is_late()).map(|x| {
                    format!(
                        "{}：成文于 {}，应于 {} 前公开，实际 {} 公开",
                        Lateness::PublicationLate.marker(),
                        x.created.chinese(),
                        x.due.chinese(),
                        x.published.chinese()
                    )
                });
                DocumentView {
                    id: d.id.clone(),
                    url: format!("documents/{}/", d.id),
                    kind: Labelled {
                        key: kind.key().into(),
                        label: kind.label().into(),
                    },
                    title: owned(&d.title).unwrap_or_default(),
                    number: owned(&d.number),
                    issuer: owned(&d.issuer),
                    issued: opt_date(&d.issued),
                    published: opt_date(&d.published),
                    body_html: markdown::to_html(&d.body.markdown, 2),
                    summary: markdown::summary(&d.body.markdown, 80),
                    projects: self
                        .site
                        .decided_by(&d.id)
                        .filter(|p| crate::derive::is_public(&p.published, self.as_of))
                        .map(|p| self.project_ref(p))
                        .collect(),
                    marker: late.as_ref().map(|_| Lateness::PublicationLate.marker()),
                    late,
                    draft: (kind == DocKind::Draft)
                        .then(|| val(&d.comment_until).copied())
                        .flatten()
                        .map(|until| {
                            let open = self.as_of <= until;
                            DraftView {
                                until: super::date(until),
                                open,
                                state: if open {
                                    "征求意见中"
                                } else {
                                    "征求意见已结束"
                                },
                            }
                        }),
                    withdrawn: self.withdrawn(&d.disclosure),
                    corrections: self.changes_of(&[crate::ledger::Key {
                        kind: crate::ledger::Kind::Document,
                        id: d.id.clone(),
                    }]),
                }
            })
            .collect()
    }

    pub(super) fn notices(&self) -> Vec<NoticeView> {
        let mut list: Vec<(&Notice, &crate::derive::NoticeFacts)> = self
            .site
            .notices
            .iter()
            .zip(&self.derived.notices)
            .filter(|(_, f)| f.public)
            .collect();
        list.sort_by_key(|(n, _)| (std::cmp::Reverse(val(&n.published).copied()), n.id.clone()));
        list.into_iter()
            .map(|(n, f)| {
                let kind = val(&n.kind).copied();
                let project = text(&n.project)
                    .and_then(|id| self.site.project(id))
                    .filter(|p| crate::derive::is_public(&p.published, self.as_of))
                    .map(|p| self.project_ref(p));
                let windows: Vec<WindowView> = f
                    .windows
                    .iter()
                    .map(|w| {
                        let text = match (w.kind, w.met()) {
                            (WindowKind::PublishBy, true) => {
                                format!(
                                    "{}：应于 {} 前公开，{} 公开，符合",
                                    w.rule,
                                    w.required.chinese(),
                                    w.actual.chinese()
                                )
                            }
                            (WindowKind::PublishBy, false) => format!(
                                "未满足“{}”：应于 {} 前公开，实际 {} 公开",
                                w.rule,
                                w.required.chinese(),
                                w.actual.chinese()
                            ),
                            (WindowKind::DisplayUntil, true) => {
                                format!(
                                    "{}：应公示至 {}，公示至 {}，符合",
                                    w.rule,
                                    w.required.chinese(),
                                    w.actual.chinese()
                                )
                            }
                            (WindowKind::DisplayUntil, false) => format!(
                                "未满足“{}”：应公示至 {}，实际只到 {}",
                                w.rule,
                                w.required.chinese(),
                                w.actual.chinese()
                            ),
                        };
                        WindowView { met: w.met(), text }
                    })
                    .collect();
                let late = f.missed_a_window();
                NoticeView {
                    id: n.id.clone(),
                    url: format!("notices/{}/", n.id),
                    kind: notice_kind(n),
                    title: owned(&n.title).unwrap_or_default(),
                    project,
                    event_label: kind.map_or("日期", NoticeKind::event_label).into(),
                    event: opt_date(&n.event),
                    published: opt_date(&n.published),
                    public_until: opt_date(&n.public_until),
                    supplier: owned(&n.supplier),
                    amount: val(&n.amount).map(|m| self.amount(*m)),
                    body_html: markdown::to_html(&n.body.markdown, 2),
                    late,
                    marker: late.then(|| Lateness::NoticeWindow.marker()),
                    windows,
                    withdrawn: self.withdrawn(&n.disclosure),
                    corrections: self.changes_of(&[crate::ledger::Key {
                        kind: crate::ledger::Kind::Notice,
                        id: n.id.clone(),
                    }]),
                }
            })
            .collect()
    }
}
