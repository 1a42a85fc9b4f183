//! `cloudpki completions <SHELL>`: the shell completion script on stdout.

use clap::CommandFactory;

use crate::failure::Failure;

/// `completions` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  source <(cloudpki completions bash)
  cloudpki completions zsh > \"${fpath[1]}/_cloudpki\"
  cloudpki completions fish > ~/.config/fish/completions/cloudpki.fish")]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Writes the script.
///
/// # Errors
///
/// Writing failed.
pub fn run(args: &Args) -> Result<(), Failure> {
    let mut command = crate::cli::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "cloudpki", &mut out);
    crate::commands::written(crate::output::stream::write_stdout(&out))
}
