//! `cloudpki cert show --ca <CA_ID> (--id ID | --serial SERIAL)`.

use cloudpki_model::SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest as SearchRequest;
use cloudpki_model::operations::{
    GetCloudCertificationAuthorityLeafCertificate,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumber as SearchBySerial,
};

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client, not_found};
use crate::output::{Kind, show_stdout};

/// `cert show` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The certification authority's id.
    #[arg(long, value_name = "CA_ID")]
    pub ca: String,
    /// The certificate's id.
    #[arg(long, value_name = "ID", required_unless_present = "serial", conflicts_with = "serial")]
    pub id: Option<String>,
    /// The certificate's serial number.
    #[arg(long, value_name = "SERIAL")]
    pub serial: Option<String>,
}

/// Runs `cert show`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let ca = args.ca.as_str();
    let certificate = match (args.id.as_deref(), args.serial.as_deref()) {
        (Some(id), _) => {
            context.client.call(&GetCloudCertificationAuthorityLeafCertificate::new(ca, id)).await.map_err(|error| {
                not_found(&error, || format!("no certificate {id} in CA {ca}")).unwrap_or_else(|| {
                    from_client(
                        &error,
                        OperationInfo::of::<GetCloudCertificationAuthorityLeafCertificate>(),
                        &context.service,
                    )
                })
            })?
        }
        (None, Some(serial)) => {
            context.client.call(&SearchBySerial::new(ca, SearchRequest::new(serial))).await.map_err(|error| {
                not_found(&error, || format!("no certificate with serial number {serial} in CA {ca}"))
                    .unwrap_or_else(|| from_client(&error, OperationInfo::of::<SearchBySerial>(), &context.service))
            })?
        }
        (None, None) => return Err(Failure::Usage("give --id or --serial".to_owned())),
    }
    .into_entity();
    crate::commands::written(show_stdout(context.format, Kind::Certificate, &certificate))
}
