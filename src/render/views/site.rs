//! What every page shows of the site: its names, its publisher (the footer government sites
//! must carry) and the complaint channels.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Builder, DateView, date, owned};
use crate::check::registration;
use crate::model::{ChannelKind, text};

#[derive(Serialize, Debug)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub programme: String,
    pub unit: String,
    pub base_url: Option<String>,
    /// The host of `base_url`, for the `SiteDomain` meta tag.
    pub domain: Option<String>,
    pub as_of: DateView,
    pub progress_due_day: u32,
    pub publication_working_days: u32,
    /// The licence of the open data.
    pub data_license: String,
    /// OCDS ocid prefix.
    pub ocid_prefix: String,
    /// How many yuan one unit is (10000 for 万元).
    #[serde(skip)]
    pub yuan_per_unit: Decimal,
    pub publisher: PublisherView,
    pub channels: Vec<ChannelGroup>,
    /// The publication ledger's head and size (SPEC §7), when the site keeps one.
    pub ledger: Option<super::LedgerSummary>,
}

#[derive(Serialize, Debug)]
pub struct PublisherView {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub site_code: Option<String>,
    pub icp: Option<String>,
    /// Where a reader checks the ICP registration.
    pub icp_url: &'static str,
    pub police_record: Option<String>,
    /// Where a reader checks the public-security registration, when its number is well-formed.
    pub police_url: Option<String>,
    /// The 党政机关网站标识, when the site has one.
    pub conac: Option<ConacView>,
    /// The "我为政府网站找错" entry.
    pub error_report_url: String,
}

/// The 党政机关网站标识: a link to the registration office's verification page, with the
/// image the office issued when the site publishes one (gongkai ships none).
#[derive(Serialize, Debug)]
pub struct ConacView {
    pub url: String,
    /// Path of the image below the site root.
    pub image: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct ChannelGroup {
    pub key: &'static str,
    pub label: &'static str,
    pub items: Vec<ChannelView>,
}

#[derive(Serialize, Debug)]
pub struct ChannelView {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
}

impl Builder<'_> {
    pub(super) fn site_view(&self, base_url: Option<&str>) -> SiteView {
        let c = &self.site.config;
        let p = &c.publisher;
        let ctx = &self.derived.ctx;
        SiteView {
            title: owned(&c.title).unwrap_or_default(),
            description: owned(&c.description).unwrap_or_default(),
            programme: owned(&self.programme().name).unwrap_or_default(),
            unit: self.unit.clone(),
            base_url: base_url.map(|u| u.trim_end_matches('/').to_string()),
            domain: base_url
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| u.host_str().map(str::to_string)),
            as_of: date(self.as_of),
            progress_due_day: ctx.progress_due_day,
            publication_working_days: ctx.publication_working_days,
            data_license: owned(&c.data.license).unwrap_or_else(|| {
                format!(
                    "本专栏的开放数据可以自由下载、复制、使用和转载，请注明来源：{}",
                    owned(&p.name).unwrap_or_default()
                )
            }),
            ocid_prefix: owned(&c.data.ocid_prefix).unwrap_or_else(|| "ocds-gongkai".into()),
            yuan_per_unit: crate::money::yuan_per_unit(&self.unit).unwrap_or(Decimal::from(10_000)),
            publisher: PublisherView {
                name: owned(&p.name).unwrap_or_default(),
                phone: owned(&p.phone),
                email: owned(&p.email),
                address: owned(&p.address),
                site_code: owned(&p.site_code),
                icp: owned(&p.icp),
                icp_url: registration::ICP_URL,
                police_record: owned(&p.police_record),
                police_url: text(&p.police_record)
                    .and_then(registration::police_digits)
                    .map(registration::police_url),
                conac: text(&p.conac_id).map(|id| ConacView {
                    url: registration::conac_url(id),
                    image: owned(&p.conac_image).map(|i| i.trim_start_matches('/').to_string()),
                }),
                error_report_url: owned(&p.error_report_url)
                    .unwrap_or_else(|| registration::error_report_url(text(&p.site_code))),
            },
            channels: ChannelKind::ALL
                .iter()
                .map(|k| ChannelGroup {
                    key: k.key(),
                    label: k.label(),
                    items: c
                        .channels
                        .of(*k)
                        .iter()
                        .map(|ch| ChannelView {
                            name: owned(&ch.name).unwrap_or_default(),
                            phone: owned(&ch.phone),
                            email: owned(&ch.email),
                            url: owned(&ch.url),
                            address: owned(&ch.address),
                            note: owned(&ch.note),
                        })
                        .collect(),
                })
                .collect(),
            ledger: self.ledger_summary(),
        }
    }
}
