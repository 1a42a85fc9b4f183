//! `cloudpki ca renew <CA_ID>`: a new, staged version with a new key (activate it with
//! `ca activate`).

use cloudpki_model::operations::Renew;

use crate::authority;
use crate::commands::write::{self, Change, Confirm};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::note;

/// `ca renew` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca renew $CA --yes && cloudpki ca versions $CA")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// Dry run unless --yes.
    #[command(flatten)]
    pub confirm: Confirm,
}

/// Runs `ca renew`; the new version is listed on stdout.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let ca = super::show::read(context, &args.ca).await?;
    let change = Change::new(format!("renew certification authority {}: a new staged version", authority::label(&ca)));
    if write::apply_observed(context, &args.confirm, &change, &Renew::new(args.ca.clone())).await?.is_none() {
        return Ok(());
    }
    note!("renewed: the new version is staged; activate it with `cloudpki ca activate {} --version N`", args.ca);
    super::versions::list(context, &args.ca).await
}
