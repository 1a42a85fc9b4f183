//! Listing leaf certificates and certification authorities: paging through the client's
//! streams, the filters (by the service where the route accepts `$filter`, and here again),
//! items the model cannot read, and a spinner on stderr.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cloudpki_client::Error;
use cloudpki_model::api::{Filter, Literal};
use cloudpki_model::operations::{ListCloudCertificationAuthorities, ListCloudCertificationAuthorityLeafCertificates};
use cloudpki_model::{
    CloudCertificationAuthority, CloudCertificationAuthorityLeafCertificate as Certificate, ItemError,
};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client, not_found};
use crate::output::{note, safe};

/// A listed item: typed, or as sent when the model could not read it.
pub enum Listed<T> {
    /// Read by the model.
    Typed(T),
    /// Not a valid item: kept exactly as sent, with why.
    Odd(Box<ItemError>),
}

/// Whether to go on listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Next item.
    Continue,
    /// Stop (stdout is closed).
    Stop,
}

/// The client-side filters.
#[derive(Clone, Debug, Default)]
pub struct Predicate {
    statuses: HashSet<String>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    subject: Option<String>,
}

/// The properties the filters look at.
struct View<'a> {
    status: Option<&'a str>,
    subject: Option<&'a str>,
    end: Option<DateTime<Utc>>,
}

impl Predicate {
    /// Certificates with one of `statuses` (any when empty), whose validity ends within
    /// `expiring_within` of `now`, whose subject contains `subject_contains` (case-insensitive).
    pub fn new(
        statuses: &[String],
        expiring_within: Option<Duration>,
        subject_contains: Option<&str>,
        now: DateTime<Utc>,
    ) -> Self {
        let window = expiring_within.map(|within| {
            let within = chrono::Duration::from_std(within).unwrap_or(chrono::Duration::MAX);
            (now, now.checked_add_signed(within).unwrap_or(DateTime::<Utc>::MAX_UTC))
        });
        Predicate {
            statuses: statuses.iter().cloned().collect(),
            window,
            subject: subject_contains.map(str::to_lowercase),
        }
    }

    /// The statuses the service is asked to filter on.
    pub fn statuses(&self) -> Vec<String> {
        let mut statuses: Vec<String> = self.statuses.iter().cloned().collect();
        statuses.sort();
        statuses
    }

    fn matches_view(&self, view: &View<'_>) -> bool {
        if !self.statuses.is_empty() && !view.status.is_some_and(|status| self.statuses.contains(status)) {
            return false;
        }
        if let Some((now, until)) = self.window
            && !view.end.is_some_and(|end| end > now && end <= until)
        {
            return false;
        }
        if let Some(text) = &self.subject
            && !view.subject.is_some_and(|subject| subject.to_lowercase().contains(text.as_str()))
        {
            return false;
        }
        true
    }

    /// Whether a certificate passes.
    pub fn matches(&self, certificate: &Certificate) -> bool {
        self.matches_view(&View {
            status: certificate.certificate_status.as_ref().map(|status| status.as_str()),
            subject: certificate.subject_name.value().map(String::as_str),
            end: certificate.validity_end_date_time.value().map(|end| end.to_utc()),
        })
    }

    /// Whether an item the model could not read passes, judged from its JSON.
    pub fn matches_value(&self, item: &Value) -> bool {
        self.matches_view(&View {
            status: item.get("certificateStatus").and_then(Value::as_str),
            subject: item.get("subjectName").and_then(Value::as_str),
            end: item
                .get("validityEndDateTime")
                .and_then(Value::as_str)
                .and_then(|text| cloudpki_model::DateTimeOffset::parse(text).ok())
                .map(|end| end.to_utc()),
        })
    }
}

/// A spinner on stderr when it is a terminal, hidden otherwise.
pub fn spinner(context: &Context, message: String) -> ProgressBar {
    if !context.progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {human_pos} listed ({per_sec:0}, {elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// What a listing saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Items listed.
    pub listed: usize,
    /// Items the model could not read.
    pub odd: usize,
}

/// Lists the leaf certificates of `ca`, asking the service to filter on `statuses` (when
/// given; if it refuses the `$filter` before the first item, the listing starts again
/// unfiltered). Calls `each` for each item, in order.
///
/// # Errors
///
/// The listing failed (after the client's retries).
pub async fn certificates(
    context: &Context,
    ca: &str,
    statuses: &[String],
    mut each: impl FnMut(Listed<Certificate>) -> Flow,
) -> Result<Seen, Failure> {
    let bar = spinner(context, format!("certificates of CA {ca}:"));
    let mut filter = Filter::any_of("certificateStatus", statuses.iter().map(|s| Literal::enum_member(s)));
    let operation = OperationInfo::of::<ListCloudCertificationAuthorityLeafCertificates>();
    let mut seen = Seen::default();
    'attempt: loop {
        let mut list = ListCloudCertificationAuthorityLeafCertificates::new(ca);
        if let Some(filter) = &filter {
            list = list.filter(filter.clone());
        }
        let mut stream = std::pin::pin!(context.client.items(list));
        while let Some(item) = stream.next().await {
            let listed = match item {
                Ok(certificate) => Listed::Typed(certificate),
                Err(Error::Item(odd)) => {
                    seen.odd += 1;
                    Listed::Odd(odd)
                }
                Err(error) => {
                    if seen.listed == 0 && filter.is_some() && error.status() == Some(http::StatusCode::BAD_REQUEST) {
                        bar.suspend(|| {
                            note!(
                                "note: the service refused the status $filter ({}); filtering here only",
                                safe(&error.to_string())
                            )
                        });
                        filter = None;
                        continue 'attempt;
                    }
                    bar.finish_and_clear();
                    return Err(not_found(&error, || format!("no certification authority {ca}"))
                        .unwrap_or_else(|| from_client(&error, operation, &context.service)));
                }
            };
            seen.listed += 1;
            bar.inc(1);
            if each(listed) == Flow::Stop {
                break;
            }
        }
        break;
    }
    bar.finish_and_clear();
    Ok(seen)
}

/// Lists the certification authorities of the tenant.
///
/// # Errors
///
/// The listing failed.
pub async fn authorities(
    context: &Context,
    mut each: impl FnMut(Listed<CloudCertificationAuthority>) -> Flow,
) -> Result<Seen, Failure> {
    let bar = spinner(context, "certification authorities:".to_owned());
    let operation = OperationInfo::of::<ListCloudCertificationAuthorities>();
    let mut seen = Seen::default();
    let mut stream = std::pin::pin!(context.client.certification_authorities());
    while let Some(item) = stream.next().await {
        let listed = match item {
            Ok(authority) => Listed::Typed(authority),
            Err(Error::Item(odd)) => {
                seen.odd += 1;
                Listed::Odd(odd)
            }
            Err(error) => {
                bar.finish_and_clear();
                return Err(from_client(&error, operation, &context.service));
            }
        };
        seen.listed += 1;
        bar.inc(1);
        if each(listed) == Flow::Stop {
            break;
        }
    }
    bar.finish_and_clear();
    Ok(seen)
}

/// The warning for an item the model could not read.
pub fn odd_warning(odd: &ItemError) -> String {
    let id = odd.item.get("id").and_then(Value::as_str).unwrap_or("?");
    format!("warning: item {} is not a valid item ({}); written as sent", safe(id), safe(&odd.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(status: &str, subject: &str, end: &str) -> Certificate {
        serde_json::from_value(serde_json::json!({
            "id": "x", "certificateStatus": status, "subjectName": subject, "validityEndDateTime": end
        }))
        .unwrap()
    }

    #[test]
    fn filters() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let statuses = ["active".to_owned(), "expired".to_owned()];
        let predicate = Predicate::new(&statuses, Some(Duration::from_secs(30 * 86_400)), Some("KIOSK"), now);
        assert!(predicate.matches(&certificate("active", "CN=kiosk-1", "2026-01-15T00:00:00+02:00")));
        assert!(!predicate.matches(&certificate("revoked", "CN=kiosk-1", "2026-01-15T00:00:00Z")));
        assert!(!predicate.matches(&certificate("active", "CN=desk", "2026-01-15T00:00:00Z")));
        assert!(!predicate.matches(&certificate("active", "CN=kiosk", "2025-12-31T23:59:59Z")), "already expired");
        assert!(!predicate.matches(&certificate("active", "CN=kiosk", "2026-02-01T00:00:01Z")), "too late");
        assert!(predicate.matches(&certificate("active", "CN=kiosk", "2026-01-31T00:00:00Z")));
        let odd = serde_json::json!({"certificateStatus": "active", "subjectName": "CN=Kiosk", "validityEndDateTime": "2026-01-02T00:00:00Z", "x": 5});
        assert!(predicate.matches_value(&odd));
        assert!(Predicate::default().matches_value(&serde_json::json!({})));
    }
}
