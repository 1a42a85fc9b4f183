//! The read commands (`ca list`, `ca show`, `cert list`, `cert show`), and the dispatch to the
//! bulk ones ([`crate::revoke`]).

use std::io::{self, Write};

use cloudpki_client::Idempotency;
use cloudpki_model::SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest as SearchRequest;
use cloudpki_model::operations::{
    GetCloudCertificationAuthorityById, GetCloudCertificationAuthorityLeafCertificate,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumber as SearchBySerial,
};

use crate::Context;
use crate::cli::{CaCommand, CertCommand, Command};
use crate::failure::{Failure, OperationInfo, from_client};
use crate::listing::{self, Flow, Listed, Predicate};
use crate::output::{self, Kind, Printer};

/// Runs `command`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Ca(CaCommand::List) => ca_list(context).await,
        Command::Ca(CaCommand::Show { ca }) => ca_show(context, ca).await,
        Command::Ca(CaCommand::Retire { ca, run }) => crate::revoke::retire(context, ca, run).await,
        Command::Cert(CertCommand::List { ca, filters }) => cert_list(context, ca, filters).await,
        Command::Cert(CertCommand::Show { ca, id, serial }) => {
            cert_show(context, ca, id.as_deref(), serial.as_deref()).await
        }
        Command::Cert(CertCommand::Revoke { ca, ids, serials, from, all: _, filters, run }) => {
            crate::revoke::revoke(context, ca, ids, serials, from.as_deref(), filters, run).await
        }
    }
}

/// The end of a listing on stdout: a closed pipe is not an error (`cloudpki ... | head`).
fn finish(printer: Printer) -> Result<(), Failure> {
    match printer.finish() {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::Failed(format!("cannot write the output: {error}"))),
    }
}

async fn ca_list(context: &Context) -> Result<(), Failure> {
    let mut printer = Printer::stdout(context.format, Kind::Authority);
    listing::authorities(context, |listed| {
        match listed {
            Listed::Typed(authority) => printer.push(&authority),
            Listed::Odd(odd) => {
                eprintln!("{}", listing::odd_warning(&odd));
                printer.push(&odd.item);
            }
        }
        if printer.is_broken() { Flow::Stop } else { Flow::Continue }
    })
    .await?;
    finish(printer)
}

async fn ca_show(context: &Context, ca: &str) -> Result<(), Failure> {
    let authority = context
        .client
        .call(&GetCloudCertificationAuthorityById::new(ca))
        .await
        .map_err(|error| {
            not_found(&error, || format!("no certification authority {ca}")).unwrap_or_else(|| {
                from_client(&error, OperationInfo::of::<GetCloudCertificationAuthorityById>(), context.token)
            })
        })?
        .into_entity();
    write_one(context, Kind::Authority, &authority)
}

async fn cert_list(context: &Context, ca: &str, filters: &crate::cli::Filters) -> Result<(), Failure> {
    let predicate = Predicate::new(filters, chrono::Utc::now());
    let mut printer = Printer::stdout(context.format, Kind::Certificate);
    let statuses = predicate.statuses();
    // A certificate the service lists twice (paging under concurrent changes) is written once.
    let mut seen = std::collections::HashSet::new();
    let mut duplicates = 0usize;
    listing::certificates(context, ca, &statuses, |listed| {
        match listed {
            Listed::Typed(certificate) => {
                let first = certificate.id.as_ref().is_none_or(|id| seen.insert(id.clone()));
                if !first {
                    duplicates += 1;
                } else if predicate.matches(&certificate) {
                    printer.push(&certificate);
                }
            }
            Listed::Odd(odd) => {
                if predicate.matches_value(&odd.item) {
                    eprintln!("{}", listing::odd_warning(&odd));
                    printer.push(&odd.item);
                }
            }
        }
        if printer.is_broken() { Flow::Stop } else { Flow::Continue }
    })
    .await?;
    if duplicates > 0 {
        eprintln!("note: the service listed {duplicates} certificate(s) more than once; each is written once");
    }
    finish(printer)
}

async fn cert_show(context: &Context, ca: &str, id: Option<&str>, serial: Option<&str>) -> Result<(), Failure> {
    let certificate = match (id, serial) {
        (Some(id), _) => {
            context.client.call(&GetCloudCertificationAuthorityLeafCertificate::new(ca, id)).await.map_err(|error| {
                not_found(&error, || format!("no certificate {id} in CA {ca}")).unwrap_or_else(|| {
                    from_client(
                        &error,
                        OperationInfo::of::<GetCloudCertificationAuthorityLeafCertificate>(),
                        context.token,
                    )
                })
            })?
        }
        (None, Some(serial)) => context
            .client
            .call_with(&SearchBySerial::new(ca, SearchRequest::new(serial)), Idempotency::Safe)
            .await
            .map_err(|error| {
                not_found(&error, || format!("no certificate with serial number {serial} in CA {ca}"))
                    .unwrap_or_else(|| from_client(&error, OperationInfo::of::<SearchBySerial>(), context.token))
            })?,
        (None, None) => return Err(Failure::Usage("give --id or --serial".to_owned())),
    }
    .into_entity();
    write_one(context, Kind::Certificate, &certificate)
}

/// A 404 as "not found" (exit 1), with the service's words.
pub fn not_found(error: &cloudpki_client::Error, what: impl FnOnce() -> String) -> Option<Failure> {
    (error.status() == Some(http::StatusCode::NOT_FOUND)).then(|| Failure::Failed(format!("{}: {error}", what())))
}

fn write_one<T: serde::Serialize>(context: &Context, kind: Kind, item: &T) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match output::show(context.format, kind, item, &mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::Failed(format!("cannot write the output: {error}"))),
    }
}
