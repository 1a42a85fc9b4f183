//! `cloudpki ca show <CA_ID>`.

use cloudpki_model::CloudCertificationAuthority;
use cloudpki_model::operations::GetCloudCertificationAuthorityById;

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client, not_found};
use crate::output::{Kind, show_stdout};

/// `ca show` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
}

/// Runs `ca show`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let authority = read(context, &args.ca).await?;
    crate::commands::written(show_stdout(context.format, Kind::Authority, &authority))
}

/// Reads one certification authority (a 404 is "no certification authority").
///
/// # Errors
///
/// See [`Failure`].
pub async fn read(context: &Context, ca: &str) -> Result<CloudCertificationAuthority, Failure> {
    context.client.call(&GetCloudCertificationAuthorityById::new(ca)).await.map(|answer| answer.into_entity()).map_err(
        |error| {
            not_found(&error, || format!("no certification authority {ca}")).unwrap_or_else(|| {
                from_client(&error, OperationInfo::of::<GetCloudCertificationAuthorityById>(), &context.service)
            })
        },
    )
}
