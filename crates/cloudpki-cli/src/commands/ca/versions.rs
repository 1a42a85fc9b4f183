//! `cloudpki ca versions <CA_ID> [--id VERSION_ID]`: the versions of a CA (renewals), or one.

use cloudpki_model::operations::{GetCloudCertificationAuthorityVersionById, ListCloudCertificationAuthorityVersions};
use futures_util::StreamExt;

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client, not_found};
use crate::output::{Kind, Printer, note, show_stdout};

/// `ca versions` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca versions $CA
  cloudpki ca versions $CA --id $VERSION -o json")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// One version, by its id.
    #[arg(long, value_name = "VERSION_ID")]
    pub id: Option<String>,
}

/// Runs `ca versions`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    match &args.id {
        None => list(context, &args.ca).await,
        Some(id) => {
            let version = context
                .client
                .call(&GetCloudCertificationAuthorityVersionById::new(args.ca.clone(), id.clone()))
                .await
                .map_err(|error| {
                    not_found(&error, || format!("no version {id} of certification authority {}", args.ca))
                        .unwrap_or_else(|| {
                            from_client(
                                &error,
                                OperationInfo::of::<GetCloudCertificationAuthorityVersionById>(),
                                &context.service,
                            )
                        })
                })?;
            crate::commands::written(show_stdout(context.format, Kind::Version, &version.into_entity()))
        }
    }
}

/// Lists the versions of `ca` on stdout.
///
/// # Errors
///
/// See [`Failure`].
pub async fn list(context: &Context, ca: &str) -> Result<(), Failure> {
    let mut printer = Printer::stdout(context.format, Kind::Version);
    let operation = OperationInfo::of::<ListCloudCertificationAuthorityVersions>();
    let mut stream = std::pin::pin!(context.client.items(ListCloudCertificationAuthorityVersions::new(ca)));
    while let Some(item) = stream.next().await {
        match item {
            Ok(version) => printer.push::<cloudpki_model::CloudCertificationAuthorityVersion>(&version),
            Err(cloudpki_client::Error::Item(odd)) => {
                note!("{}", crate::listing::odd_warning(&odd));
                printer.push(&odd.item);
            }
            Err(error) => {
                return Err(not_found(&error, || format!("no certification authority {ca}"))
                    .unwrap_or_else(|| from_client(&error, operation, &context.service)));
            }
        }
        if printer.is_broken() {
            break;
        }
    }
    crate::commands::written(printer.finish())
}
