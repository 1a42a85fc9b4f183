//! `cloudpki ca ...`: every operation on certification authorities, one module each.

pub mod activate;
pub mod cert;
pub mod create;
pub mod csr;
pub mod delete;
pub mod list;
pub mod renew;
pub mod retire;
pub mod show;
pub mod status;
pub mod update;
pub mod upload;
pub mod versions;

use clap::Subcommand;
use cloudpki_model::CloudCertificationAuthorityStatus as CaStatus;

use crate::context::Context;
use crate::failure::Failure;

/// `cloudpki ca ...`.
#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// List the tenant's certification authorities.
    #[command(after_help = "Examples:\n  cloudpki ca list\n  cloudpki ca list -o csv > cas.csv")]
    List(list::Args),
    /// Show one certification authority and its decoded certificate, flagging any property that
    /// disagrees with the certificate.
    Show(show::Args),
    /// Create a certification authority: root, issuing, or issuing under your own root. A dry
    /// run unless --yes.
    Create(create::Args),
    /// Change a certification authority's writable properties. A dry run unless --yes.
    Update(update::Args),
    /// Delete a certification authority (a root only once no issuing CA chains to it). A dry run
    /// unless --yes.
    Delete(delete::Args),
    /// Pause a certification authority (it stops issuing). A dry run unless --yes.
    Pause(status::Args),
    /// Resume a paused certification authority. A dry run unless --yes.
    Resume(status::Args),
    /// Activate a version of a certification authority (after `ca renew`). A dry run unless
    /// --yes.
    Activate(activate::Args),
    /// Renew a certification authority: a new staged version. A dry run unless --yes.
    Renew(renew::Args),
    /// List the versions of a certification authority, or show one with --id.
    Versions(versions::Args),
    /// The certificate signing request of a CA with an external root, as PEM.
    Csr(csr::Args),
    /// Upload the certificate your own root signed for a CA with an external root, with its
    /// chain (checked locally first). A dry run unless --yes.
    UploadSigned(upload::Args),
    /// The CA certificate (PEM or DER), optionally with its chain.
    Cert(cert::Args),
    /// Retire a certification authority: pause it, revoke every active leaf certificate (listing
    /// again until none shows), then revoke the CA certificate (only when no leaf revocation
    /// failed). A dry run unless --yes.
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
            CaCommand::Create(args) => create::run(context, args).await,
            CaCommand::Update(args) => update::run(context, args).await,
            CaCommand::Delete(args) => delete::run(context, args).await,
            CaCommand::Pause(args) => status::run(context, args, CaStatus::Paused).await,
            CaCommand::Resume(args) => status::run(context, args, CaStatus::Active).await,
            CaCommand::Activate(args) => activate::run(context, args).await,
            CaCommand::Renew(args) => renew::run(context, args).await,
            CaCommand::Versions(args) => versions::run(context, args).await,
            CaCommand::Csr(args) => csr::run(context, args).await,
            CaCommand::UploadSigned(args) => upload::run(context, args).await,
            CaCommand::Cert(args) => cert::run(context, args).await,
            CaCommand::Retire(args) => retire::run(context, args).await,
        }
    }
}
