//! The command line, as clap reads it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::duration::parse_duration;

/// Operate Microsoft Intune Cloud PKI through Microsoft Graph (beta): inventories, expiry
/// reports, bulk revocation, retiring a certification authority.
///
/// The bearer token comes from GRAPH_TOKEN when it is set; otherwise from the Azure credential
/// the environment describes (AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, workload
/// identity, managed identity, or a signed-in Azure CLI / Azure Developer CLI). It is never
/// printed, and never sent to a host other than the base URL's.
///
/// Exit status: 0 success, 1 some operations failed (the summary names them), 2 usage error,
/// 3 authentication or permission error, 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "cloudpki", version, max_term_width = 110)]
pub struct Cli {
    /// The global options.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The Graph service root (a national cloud, or a local fake: plain http only to loopback).
    #[arg(long, global = true, value_name = "URL", env = "CLOUDPKI_BASE_URL",
          default_value = cloudpki_model::operations::DEFAULT_BASE_URL)]
    pub base_url: String,

    /// Retries of a request after the first attempt (throttling, 5xx, transport failures).
    #[arg(long, global = true, value_name = "N", default_value_t = 8)]
    pub max_retries: u32,

    /// The first backoff delay when the service gives no Retry-After (doubled per retry, with
    /// jitter), e.g. 100ms, 2s.
    #[arg(long, global = true, value_name = "DURATION", default_value = "100ms", value_parser = parse_duration)]
    pub retry_delay: Duration,

    /// The timeout of one attempt, e.g. 30s.
    #[arg(long, global = true, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Items per page asked of the service (Prefer: odata.maxpagesize).
    #[arg(long, global = true, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: u32,

    /// The output format on stdout: aligned columns, a JSON array, one JSON object per line
    /// (exactly what the service sent), or CSV with a header.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// A JSON array of the objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// CSV with a header line, the table's columns.
    Csv,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Certification authorities.
    #[command(subcommand)]
    Ca(CaCommand),
    /// Leaf certificates of a certification authority.
    #[command(subcommand)]
    Cert(CertCommand),
}

/// `cloudpki ca ...`.
#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// List the tenant's certification authorities.
    List,
    /// Show one certification authority.
    Show {
        /// The certification authority's id.
        #[arg(value_name = "CA_ID")]
        ca: String,
    },
    /// Retire a certification authority: pause it, revoke every active leaf certificate, then
    /// revoke the CA certificate (only when no leaf revocation failed). A dry run unless --yes.
    Retire {
        /// The certification authority's id.
        #[arg(value_name = "CA_ID")]
        ca: String,
        /// The bulk-revocation options.
        #[command(flatten)]
        run: RunOptions,
    },
}

/// `cloudpki cert ...`.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// List the leaf certificates of a certification authority, optionally filtered.
    List {
        /// The certification authority's id.
        #[arg(long, value_name = "CA_ID")]
        ca: String,
        /// The filters.
        #[command(flatten)]
        filters: Filters,
    },
    /// Show one leaf certificate, by id or by serial number.
    Show {
        /// The certification authority's id.
        #[arg(long, value_name = "CA_ID")]
        ca: String,
        /// The certificate's id.
        #[arg(long, value_name = "ID", required_unless_present = "serial", conflicts_with = "serial")]
        id: Option<String>,
        /// The certificate's serial number.
        #[arg(long, value_name = "SERIAL")]
        serial: Option<String>,
    },
    /// Revoke leaf certificates: by id, by serial number, from a file, or every certificate the
    /// filters match (only active ones are revoked). A dry run listing what it would revoke
    /// unless --yes.
    ///
    /// Filters given with --id, --serial or --from narrow those down; without them, they select
    /// from the whole CA (--all: every active certificate).
    #[command(group(clap::ArgGroup::new("selection").required(true).multiple(true)
        .args(["ids", "serials", "from", "all", "statuses", "expiring_within", "subject_contains"])))]
    Revoke {
        /// The certification authority's id.
        #[arg(long, value_name = "CA_ID")]
        ca: String,
        /// Certificate ids (repeatable).
        #[arg(long = "id", value_name = "ID", num_args = 1..)]
        ids: Vec<String>,
        /// Serial numbers (repeatable).
        #[arg(long = "serial", value_name = "SERIAL", num_args = 1..)]
        serials: Vec<String>,
        /// A file of certificate ids: one per line, or what `cert list` writes as ndjson, json or
        /// csv (its `id`); `-` reads stdin.
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// Every active certificate of the CA.
        #[arg(long, conflicts_with_all = ["ids", "serials", "from"])]
        all: bool,
        /// The filters.
        #[command(flatten)]
        filters: Filters,
        /// The bulk-revocation options.
        #[command(flatten)]
        run: RunOptions,
    },
}

/// Which certificates a listing keeps.
#[derive(Debug, Args, Clone, Default)]
pub struct Filters {
    /// Only certificates with this status (repeatable; filtered by the service and again here).
    #[arg(long = "status", value_name = "STATUS", value_parser = parse_status)]
    pub statuses: Vec<String>,
    /// Only certificates whose validity ends within this long from now and has not ended yet,
    /// e.g. 30d, 12h, 2w.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub expiring_within: Option<Duration>,
    /// Only certificates whose subject name contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub subject_contains: Option<String>,
}

/// How a bulk revocation runs.
#[derive(Debug, Args, Clone)]
pub struct RunOptions {
    /// Do it (otherwise only list what would be done).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Revocations in flight at once (the client's shared pacer slows all of them down when the
    /// service throttles).
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// A journal of the revocations: a run stopped midway and started again with the same
    /// journal revokes each certificate once and skips none.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
}

/// A leaf certificate status, as the service spells it.
fn parse_status(text: &str) -> Result<String, String> {
    use cloudpki_model::CloudCertificationAuthorityLeafCertificateStatus as Status;
    Status::MEMBERS
        .iter()
        .find(|member| member.eq_ignore_ascii_case(text))
        .map(|member| (*member).to_owned())
        .ok_or_else(|| format!("unknown status `{text}` (known: {})", Status::MEMBERS.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn statuses_are_checked() {
        assert_eq!(parse_status("Active").as_deref(), Ok("active"));
        assert!(parse_status("activ").is_err());
    }
}
