//! `cloudpki ca activate <CA_ID> --version N`: make a version (a renewed, staged one) the
//! active one; the version active before is retired.

use cloudpki_model::ActivateRequest;
use cloudpki_model::operations::Activate;

use crate::authority;
use crate::commands::write::{self, Change, Confirm};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Kind, show_stdout};

/// `ca activate` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca versions $CA                      # which versions there are
  cloudpki ca activate $CA --version 2 --yes")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// The version number to activate.
    #[arg(long, value_name = "N")]
    pub version: i32,
    /// Dry run unless --yes.
    #[command(flatten)]
    pub confirm: Confirm,
}

/// Runs `ca activate`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let ca = super::show::read(context, &args.ca).await?;
    let current = ca.version_number.map_or_else(|| "-".to_owned(), |n| n.to_string());
    let change =
        Change::new(format!("activate version {} of certification authority {}", args.version, authority::label(&ca)))
            .with("versionNumber", current, args.version.to_string());
    let operation = Activate::new(args.ca.clone(), ActivateRequest::new(args.version));
    let Some(answer) = write::apply_observed(context, &args.confirm, &change, &operation).await? else { return Ok(()) };
    crate::commands::written(show_stdout(context.format, Kind::Authority, &write::authority(answer)))
}
