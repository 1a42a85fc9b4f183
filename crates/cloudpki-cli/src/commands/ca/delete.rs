//! `cloudpki ca delete <CA_ID>`: the last step of retiring a CA. A root is refused while
//! issuing CAs still chain to it.

use cloudpki_model::operations::DeleteCloudCertificationAuthority;

use crate::authority;
use crate::commands::write::{self, Change, Confirm};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::note;

/// `ca delete` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca delete $CA            # dry run: what it would delete
  cloudpki ca delete $CA --yes")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// Dry run unless --yes.
    #[command(flatten)]
    pub confirm: Confirm,
}

/// Runs `ca delete`.
///
/// # Errors
///
/// See [`Failure`]; a root with issuing CAs chained to it fails (exit 1) before anything is
/// sent.
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let ca = super::show::read(context, &args.ca).await?;
    if authority::is_root(&ca) {
        let cas = authority::all(context).await?;
        let chained = authority::chained_to(&ca, &cas);
        if !chained.is_empty() {
            let names: Vec<String> = chained.iter().map(|other| authority::label(other)).collect();
            return Err(Failure::Failed(format!(
                "refusing to delete root {}: {} issuing CA(s) still chain to it: {}\nretire and delete them first",
                authority::label(&ca),
                chained.len(),
                names.join(", ")
            )));
        }
    }
    let change = Change::new(format!("delete certification authority {}", authority::label(&ca))).with(
        "certificationAuthorityStatus",
        authority::status(&ca),
        "(deleted)",
    );
    if write::apply(context, &args.confirm, &change, &DeleteCloudCertificationAuthority::new(args.ca.clone()))
        .await?
        .is_some()
    {
        note!("deleted certification authority {}", authority::label(&ca));
    }
    Ok(())
}
