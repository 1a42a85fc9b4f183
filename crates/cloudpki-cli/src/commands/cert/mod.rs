//! `cloudpki cert ...`.

pub mod list;
pub mod revoke;
pub mod search;
pub mod show;
pub mod verify_revoked;

use clap::Subcommand;

use crate::context::Context;
use crate::failure::Failure;

/// `cloudpki cert ...`.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// List the leaf certificates of a certification authority, optionally filtered.
    List(list::Args),
    /// Show one leaf certificate, by id or by serial number.
    Show(show::Args),
    /// Revoke leaf certificates: by id, by serial number, from a file, or every certificate the
    /// filters match (only active ones are revoked). A dry run listing what it would revoke
    /// unless --yes.
    ///
    /// Filters given with --id, --serial or --from narrow those down; without them, they select
    /// from the whole CA (--all: every active certificate).
    Revoke(revoke::Args),
    /// Find a leaf certificate by serial number (the service's search action).
    Search(search::Args),
    /// Check that the CA's CRL (what relying parties download) lists revoked certificates.
    VerifyRevoked(verify_revoked::Args),
}

impl CertCommand {
    /// Runs it.
    ///
    /// # Errors
    ///
    /// See [`Failure`].
    pub async fn run(&self, context: &Context) -> Result<(), Failure> {
        match self {
            CertCommand::List(args) => list::run(context, args).await,
            CertCommand::Show(args) => show::run(context, args).await,
            CertCommand::Revoke(args) => revoke::run(context, args).await,
            CertCommand::Search(args) => search::run(context, args).await,
            CertCommand::VerifyRevoked(args) => verify_revoked::run(context, args).await,
        }
    }
}
