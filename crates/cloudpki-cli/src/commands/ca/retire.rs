//! `cloudpki ca retire <CA_ID>`: pause the CA, revoke every active leaf certificate, then revoke
//! the CA certificate, only when no leaf revocation failed. A dry run unless `--yes`.
//!
//! TODO(issue 15): the pause and the CA certificate's revocation become the client's bulk
//! operations (pause a CA, retire a CA); their loops here go away.

use cloudpki_model::operations::{
    ChangeCloudCertificationAuthorityStatus, RevokeCloudCertificationAuthorityCertificate,
};
use cloudpki_model::{
    ChangeCloudCertificationAuthorityStatusRequest, CloudCertificationAuthorityStatus as CaStatus,
    RevokeCloudCertificationAuthorityCertificateRequest,
};

use super::show;
use crate::commands::bulk::{self, RunOptions};
use crate::commands::write;
use crate::context::Context;
use crate::failure::Failure;
use crate::listing::Predicate;
use crate::output::{note, safe};

/// `ca retire` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca retire $CA                                   # dry run: what it would do
  cloudpki ca retire $CA --yes --journal retire.journal")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// The bulk-revocation options.
    #[command(flatten)]
    pub run: RunOptions,
}

/// Runs `ca retire`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let (ca, run) = (args.ca.as_str(), &args.run);
    let open = bulk::open_journal(context, ca, run)?;
    let authority = show::read(context, ca).await?;
    let version = authority
        .version_number
        .ok_or_else(|| Failure::Failed(format!("CA {} has no versionNumber: cannot pause or revoke it", safe(ca))))?;
    let status = authority.certification_authority_status.value().cloned();
    note!(
        "CA {} ({}): {}, status {}, version {version}",
        safe(ca),
        safe(authority.display_name.as_deref().unwrap_or("no display name")),
        safe(authority.cloud_certification_authority_type.value().map_or("type not given", |kind| kind.as_str())),
        safe(status.as_ref().map_or("not given", |status| status.as_str())),
    );
    let already_revoked = status == Some(CaStatus::Revoked);
    if !run.yes {
        if already_revoked {
            note!("dry run: the CA certificate is already revoked");
        } else if status == Some(CaStatus::Paused) {
            note!("dry run: the CA is already paused");
        } else {
            note!("dry run: would pause the CA (changeCloudCertificationAuthorityStatus to paused, version {version})");
        }
    } else if already_revoked || status == Some(CaStatus::Paused) {
        note!("the CA is already {}", if already_revoked { "revoked" } else { "paused" });
    } else {
        pause(context, ca, version).await?;
        note!("paused CA {}", safe(ca));
    }
    let plan = bulk::listed_plan(context, ca, &Predicate::default()).await?;
    let all_revoked = match bulk::execute(context, ca, plan, run, open).await {
        Ok(all) => all,
        Err(Failure::Reported) if run.yes => {
            note!(
                "not revoking the CA certificate: some leaf certificates are not revoked; run again{} to finish",
                if run.journal.is_some() { " with the same --journal" } else { "" }
            );
            return Err(Failure::Reported);
        }
        Err(failure) => return Err(failure),
    };
    if !run.yes {
        if !already_revoked {
            note!("dry run: would then revoke the CA certificate (version {version})");
        }
        return Ok(());
    }
    if already_revoked {
        note!("the CA certificate is already revoked");
    } else if all_revoked {
        revoke_authority(context, ca, version).await?;
        note!("revoked the CA certificate of {} (version {version})", safe(ca));
    }
    Ok(())
}

/// Pauses the CA; after a lost answer, reads its status before asking again.
async fn pause(context: &Context, ca: &str, version: i32) -> Result<(), Failure> {
    let body = ChangeCloudCertificationAuthorityStatusRequest::new(CaStatus::Paused, version);
    let operation = ChangeCloudCertificationAuthorityStatus::new(ca, body);
    let answer = write::authority(write::send_observed(context, &operation).await?);
    {
        let now = answer.certification_authority_status.value().cloned();
        if let Some(other) = now.filter(|status| *status != CaStatus::Paused) {
            note!("warning: the service answered the pause with status {}", safe(other.as_str()));
        }
    }
    Ok(())
}

/// Revokes the CA certificate; after a lost answer, reads the CA's status before asking again.
async fn revoke_authority(context: &Context, ca: &str, version: i32) -> Result<(), Failure> {
    let body = RevokeCloudCertificationAuthorityCertificateRequest::new(version);
    let operation = RevokeCloudCertificationAuthorityCertificate::new(ca, body);
    write::send_observed(context, &operation).await.map(|_| ())
}
