//! `cloudpki ca ...`.

pub mod list;
pub mod retire;
pub mod show;

use clap::Subcommand;

use crate::context::Context;
use crate::failure::Failure;

/// `cloudpki ca ...`.
#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// List the tenant's certification authorities.
    List(list::Args),
    /// Show one certification authority.
    Show(show::Args),
    /// Retire a certification authority: pause it, revoke every active leaf certificate, then
    /// revoke the CA certificate (only when no leaf revocation failed). A dry run unless --yes.
    Retire(retire::Args),
}

impl CaCommand {
    /// Runs it.
    ///
    /// # Errors
    ///
    /// See [`Failure`].
    pub async fn run(&self, context: &Context) -> Result<(), Failure> {
        match self {
            CaCommand::List(args) => list::run(context, args).await,
            CaCommand::Show(args) => show::run(context, args).await,
            CaCommand::Retire(args) => retire::run(context, args).await,
        }
    }
}
