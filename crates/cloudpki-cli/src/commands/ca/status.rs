//! `cloudpki ca pause <CA_ID>` and `cloudpki ca resume <CA_ID>`: the CA's status, through
//! `changeCloudCertificationAuthorityStatus` on its current version.

use cloudpki_model::operations::ChangeCloudCertificationAuthorityStatus;
use cloudpki_model::{ChangeCloudCertificationAuthorityStatusRequest, CloudCertificationAuthorityStatus as CaStatus};

use crate::authority;
use crate::commands::write::{self, Change, Confirm};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Kind, note, show_stdout};

/// `ca pause` and `ca resume` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca pause $CA             # dry run
  cloudpki ca pause $CA --yes
  cloudpki ca resume $CA --yes")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// Dry run unless --yes.
    #[command(flatten)]
    pub confirm: Confirm,
}

/// Runs `ca pause` (`paused`) or `ca resume` (`active`).
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args, to: CaStatus) -> Result<(), Failure> {
    let ca = super::show::read(context, &args.ca).await?;
    let now = authority::status(&ca).to_owned();
    if now == to.as_str() {
        note!("certification authority {} is already {now}", authority::label(&ca));
        return crate::commands::written(show_stdout(context.format, Kind::Authority, &ca));
    }
    let version = ca.version_number.unwrap_or(1);
    let change = Change::new(format!(
        "change the status of certification authority {} (version {version})",
        authority::label(&ca)
    ))
    .with("certificationAuthorityStatus", now, to.as_str());
    let request = ChangeCloudCertificationAuthorityStatusRequest::new(to, version);
    let operation = ChangeCloudCertificationAuthorityStatus::new(args.ca.clone(), request);
    let Some(answer) = write::apply_observed(context, &args.confirm, &change, &operation).await? else { return Ok(()) };
    crate::commands::written(show_stdout(context.format, Kind::Authority, &write::authority(answer)))
}
