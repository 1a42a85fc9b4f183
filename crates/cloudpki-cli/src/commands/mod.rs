//! One module per command; each holds its arguments (`#[derive(Args)]`) and its `run`.
//!
//! - [`ca`]: `ca list`, `ca show`, `ca retire`
//! - [`cert`]: `cert list`, `cert show`, `cert revoke`
//! - [`bulk`]: what `cert revoke` and `ca retire` share (the run options, the plan, the
//!   journal, the summary)

pub mod bulk;
pub mod ca;
pub mod cert;
pub mod completions;
pub mod exporter;
pub mod man;
pub mod report;
pub mod write;

use std::time::Duration;

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
    /// Tenant-wide reports.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Serve Prometheus metrics of the tenant's CAs (loopback unless --allow-remote).
    Exporter(exporter::Args),
    /// The shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Man pages, one per command.
    Man(man::Args),
}

impl Command {
    /// Runs the commands that need no service (completions, man pages); `None` for the others.
    pub fn run_offline(&self) -> Option<Result<(), Failure>> {
        match self {
            Command::Completions(args) => Some(completions::run(args)),
            Command::Man(args) => Some(man::run(args)),
            _ => None,
        }
    }

    /// Runs the command.
    ///
    /// # Errors
    ///
    /// See [`Failure`].
    pub async fn run(&self, context: &Context) -> Result<(), Failure> {
        match self {
            Command::Ca(command) => command.run(context).await,
            Command::Cert(command) => command.run(context).await,
            Command::Report(command) => command.run(context).await,
            Command::Exporter(args) => exporter::run(context, args).await,
            Command::Completions(args) => completions::run(args),
            Command::Man(args) => man::run(args),
        }
    }
}

/// The end of a write to stdout: a closed pipe was already turned into a quiet stop, any other
/// failure is one.
pub(crate) fn written(result: std::io::Result<()>) -> Result<(), Failure> {
    result.map_err(|error| Failure::Failed(format!("cannot write the output: {error}")))
}

/// A duration on the command line, as `humantime` reads it: `100ms`, `2s`, `30d`, `2w`,
/// `1h 30m`, `1h30m`.
///
/// # Errors
///
/// Not a duration (a number without a unit, an unknown unit).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|error| format!("`{text}` is not a duration ({error}; e.g. 100ms, 2s, 30d, 1h30m)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("100ms"), Ok(Duration::from_millis(100)));
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        for bad in ["", "10", "fast", "1..2s", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
