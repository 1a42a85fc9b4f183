//! `cloudpki report ...`: tenant-wide reports.

pub mod expiry;

use clap::Subcommand;

use crate::context::Context;
use crate::failure::Failure;

/// `cloudpki report ...`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// What ends soon: active leaf certificates and the CA certificates themselves (their real
    /// not-after, decoded from the certificate), sorted by expiry.
    Expiry(expiry::Args),
}

impl ReportCommand {
    /// Runs it.
    ///
    /// # Errors
    ///
    /// See [`Failure`].
    pub async fn run(&self, context: &Context) -> Result<(), Failure> {
        match self {
            ReportCommand::Expiry(args) => expiry::run(context, args).await,
        }
    }
}
