//! `cloudpki ca retire <CA_ID>`: pause the CA, revoke every active leaf certificate, list them
//! again until a listing shows none (`Client::revoke_remaining_leaves`), then revoke the CA
//! certificate, only when no leaf revocation failed. A dry run unless `--yes`.
//!
//! Every write is the client's ([`cloudpki_client::Client::pause_ca`], its bulk revocation,
//! [`cloudpki_client::Client::revoke_ca_certificate`]): nothing here retries or re-sends.

use cloudpki_client::bulk::{CancellationToken, NoHooks, Outcome};
use cloudpki_model::CloudCertificationAuthorityStatus as CaStatus;
use cloudpki_model::operations::{
    ChangeCloudCertificationAuthorityStatus, RevokeCloudCertificationAuthorityCertificate,
};

use super::show;
use crate::commands::bulk::{self, RunOptions};
use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client};
use crate::listing::Predicate;
use crate::output::{note, safe};

/// `ca retire` arguments.
#[derive(Debug, clap::Args)]
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
        ca_step(context, ca, true).await?;
        note!("paused CA {}", safe(ca));
    }
    let plan = bulk::listed_plan(context, ca, &Predicate::default()).await?;
    let all_revoked = match bulk::execute(context, ca, plan, run, open, bulk::Relist::UntilNoneActive).await {
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
        ca_step(context, ca, false).await?;
        note!("revoked the CA certificate of {} (version {version})", safe(ca));
    }
    Ok(())
}

/// One CA step (pause, or revoke the CA certificate) through the client's write executor: a
/// lost answer is settled by reading the CA, never by sending blindly again.
async fn ca_step(context: &Context, ca: &str, pause: bool) -> Result<(), Failure> {
    let cancel = CancellationToken::new();
    let (outcome, operation) = if pause {
        (
            context.client.pause_ca(ca, &NoHooks, &cancel).await,
            OperationInfo::of::<ChangeCloudCertificationAuthorityStatus>(),
        )
    } else {
        (
            context.client.revoke_ca_certificate(ca, &NoHooks, &cancel).await,
            OperationInfo::of::<RevokeCloudCertificationAuthorityCertificate>(),
        )
    };
    match outcome {
        Outcome::Done { observed: true, .. } => {
            note!("{}: the answer was lost; reading the CA showed it done (not sent again)", operation.id);
            Ok(())
        }
        outcome if outcome.is_done() => Ok(()),
        Outcome::Failed(error) => Err(from_client(&error, operation, &context.service)),
        other => Err(Failure::Failed(format!("{}: {}", operation.id, safe(&other.to_string())))),
    }
}
