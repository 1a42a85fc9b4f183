//! One module per command; each holds its arguments (`#[derive(Args)]`) and its `run`.
//!
//! - [`ca`]: `ca list`, `ca show`, `ca retire`
//! - [`cert`]: `cert list`, `cert show`, `cert revoke`
//! - [`bulk`]: what `cert revoke` and `ca retire` share (the run options, the plan, the
//!   journal, the summary)

pub mod bulk;
pub mod ca;
pub mod cert;

use clap::Subcommand;

use crate::context::Context;
use crate::failure::Failure;

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Certification authorities.
    #[command(subcommand)]
    Ca(ca::CaCommand),
    /// Leaf certificates of a certification authority.
    #[command(subcommand)]
    Cert(cert::CertCommand),
}

impl Command {
    /// Runs the command.
    ///
    /// # Errors
    ///
    /// See [`Failure`].
    pub async fn run(&self, context: &Context) -> Result<(), Failure> {
        match self {
            Command::Ca(command) => command.run(context).await,
            Command::Cert(command) => command.run(context).await,
        }
    }
}

/// The end of a write to stdout: a closed pipe was already turned into a quiet stop, any other
/// failure is one.
pub(crate) fn written(result: std::io::Result<()>) -> Result<(), Failure> {
    result.map_err(|error| Failure::Failed(format!("cannot write the output: {error}")))
}
