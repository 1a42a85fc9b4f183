//! `cloudpki cert search --ca <CA_ID> --serial S`: the leaf certificate with that serial
//! number (`searchCloudCertificationAuthorityLeafCertificateBySerialNumber`, a read).

use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Certificate;
use cloudpki_model::SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest as SearchRequest;
use cloudpki_model::operations::SearchCloudCertificationAuthorityLeafCertificateBySerialNumber as SearchBySerial;

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client, not_found};
use crate::output::{Kind, show_stdout};

/// `cert search` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki cert search --ca $CA --serial $SERIAL
  cloudpki cert search --ca $CA --serial $SERIAL -o json")]
pub struct Args {
    /// The certification authority's id.
    #[arg(long, value_name = "CA_ID")]
    pub ca: String,
    /// The serial number (hex, as the service lists it).
    #[arg(long, value_name = "SERIAL")]
    pub serial: String,
}

/// The certificate of `ca` with serial number `serial`.
///
/// # Errors
///
/// Not found (exit 1), or the search failed.
pub async fn find(context: &Context, ca: &str, serial: &str) -> Result<Certificate, Failure> {
    context
        .client
        .call(&SearchBySerial::new(ca, SearchRequest::new(serial)))
        .await
        .map(|answer| answer.into_entity())
        .map_err(|error| {
            not_found(&error, || format!("no certificate with serial number {serial} in CA {ca}"))
                .unwrap_or_else(|| from_client(&error, OperationInfo::of::<SearchBySerial>(), &context.service))
        })
}

/// Runs `cert search`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let certificate = find(context, &args.ca, &args.serial).await?;
    crate::commands::written(show_stdout(context.format, Kind::Certificate, &certificate))
}
