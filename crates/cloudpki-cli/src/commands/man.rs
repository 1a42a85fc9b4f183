//! `cloudpki man --out DIR`: a man page per command (`cloudpki.1`, `cloudpki-ca-show.1`, ...).

use std::path::PathBuf;

use clap::CommandFactory;

use crate::failure::Failure;
use crate::output::note;

/// `man` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki man --out target/man && man -l target/man/cloudpki-report-expiry.1")]
pub struct Args {
    /// The directory to write the pages to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Writes the pages.
///
/// # Errors
///
/// The directory cannot be written (exit 2).
pub fn run(args: &Args) -> Result<(), Failure> {
    std::fs::create_dir_all(&args.out)
        .map_err(|error| Failure::Usage(format!("--out {}: {error}", args.out.display())))?;
    let command = crate::cli::Cli::command();
    clap_mangen::generate_to(command, &args.out)
        .map_err(|error| Failure::Usage(format!("--out {}: {error}", args.out.display())))?;
    let count = std::fs::read_dir(&args.out).map(|entries| entries.count()).unwrap_or(0);
    note!("wrote {count} man page(s) to {}", args.out.display());
    Ok(())
}
