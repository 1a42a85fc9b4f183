//! One poll of the tenant: the figures the exporter serves, gathered CA by CA (a page of leaf
//! certificates in memory at a time), and nothing per certificate.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::authority;
use crate::context::Context;
use crate::failure::Failure;
use crate::listing::{self, Flow, Listed};

/// The windows of `cloudpki_leaf_certificates_expiring`, in days.
pub const WINDOWS_DAYS: [i64; 3] = [7, 30, 90];

/// The figures of one CA.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaFigures {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its status, as the service spells it.
    pub status: String,
    /// Its certificate's not-after (decoded), if it has one.
    pub not_after: Option<DateTime<Utc>>,
    /// Leaf certificates per status.
    pub leaves: BTreeMap<String, u64>,
    /// Active leaf certificates ending within each of [`WINDOWS_DAYS`].
    pub expiring: [u64; 3],
    /// Its CRL's `nextUpdate`, when the CRL was fetched and verified.
    pub crl_next_update: Option<DateTime<Utc>>,
    /// Whether the CRL was fetched and verified.
    pub crl_ok: bool,
}

/// The figures of one successful poll.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Per CA.
    pub cas: Vec<CaFigures>,
    /// When they were gathered.
    pub at: DateTime<Utc>,
}

/// Polls the tenant.
///
/// # Errors
///
/// A listing failed (the CRLs' failures are figures, not errors).
pub async fn poll(context: &Context) -> Result<Figures, Failure> {
    let now = Utc::now();
    let mut figures = Figures { cas: Vec::new(), at: now };
    for ca in authority::all(context).await? {
        let mut row = CaFigures {
            id: authority::id(&ca).to_owned(),
            name: ca.display_name.clone().unwrap_or_default(),
            status: authority::status(&ca).to_owned(),
            ..CaFigures::default()
        };
        if let Ok(der) = authority::certificate_der(&ca) {
            row.not_after = crate::x509::summarize(&der).ok().map(|summary| summary.not_after);
            match authority::verified_crl(&ca, &der, crate::fetch::DEFAULT_TIMEOUT).await {
                Ok(crl) => {
                    row.crl_ok = true;
                    row.crl_next_update = crl.next_update;
                }
                Err(error) => tracing::debug!(ca = %row.id, %error, "no CRL"),
            }
        }
        let limits = WINDOWS_DAYS.map(|days| now + chrono::Duration::days(days));
        listing::certificates(context, &row.id.clone(), &[], |listed| {
            if let Listed::Typed(certificate) = listed {
                let status = certificate.certificate_status.as_ref().map_or("unknown", |status| status.as_str());
                *row.leaves.entry(status.to_owned()).or_default() += 1;
                if status == "active"
                    && let Some(end) = certificate.validity_end_date_time.value().map(|end| end.to_utc())
                {
                    for (count, limit) in row.expiring.iter_mut().zip(limits) {
                        if end > now && end <= limit {
                            *count += 1;
                        }
                    }
                }
            }
            Flow::Continue
        })
        .await?;
        figures.cas.push(row);
    }
    Ok(figures)
}
