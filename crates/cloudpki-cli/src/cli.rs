//! The command line: the global options in one `#[derive(Parser)]`; each command's arguments
//! live in its module under [`crate::commands`].

use std::time::Duration;

use clap::Parser;

use crate::commands::{Command, parse_duration};
use crate::context::Settings;
use crate::output::Format;

/// The exit statuses, shown after `--help` (and in the README).
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0    success
  1    some operations failed (the summary names them, with the service's request-id)
  2    usage error: the command line, --base-url, an input file or the journal cannot be used
  3    authentication or permission error (no or empty GRAPH_TOKEN, a refused token, a 403)
  130  interrupted (Ctrl-C)

Environment:
  GRAPH_TOKEN        a bearer token; needed for any base URL that is not Microsoft Graph
  CLOUDPKI_BASE_URL  the default of --base-url
  RUST_LOG           log filter (tracing-subscriber syntax), as -v and -vv, on stderr";

/// Operate Microsoft Intune Cloud PKI through Microsoft Graph (beta): inventories, expiry
/// reports, bulk revocation, retiring a certification authority.
///
/// The bearer token comes from GRAPH_TOKEN when it is set (set and empty is an error);
/// otherwise from the Azure credential the environment describes (AZURE_TENANT_ID +
/// AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, workload identity, managed identity, or a signed-in
/// Azure CLI / Azure Developer CLI), and then only for a Microsoft Graph base URL. It is never
/// printed, and never sent to a host other than the base URL's.
#[derive(Debug, Parser)]
#[command(name = "cloudpki", version, max_term_width = 110, after_help = EXIT_STATUS_HELP)]
pub struct Cli {
    /// The Graph service root, with its version (a national cloud, or a local fake: plain http
    /// only to loopback).
    #[arg(long, global = true, value_name = "URL", env = "CLOUDPKI_BASE_URL",
          default_value = cloudpki_model::operations::DEFAULT_BASE_URL, help_heading = "Global options")]
    pub base_url: String,

    /// Retries of a request after the first attempt (throttling, 5xx, transport failures).
    #[arg(long, global = true, value_name = "N", default_value_t = 8, help_heading = "Global options")]
    pub max_retries: u32,

    /// The first backoff delay when the service gives no Retry-After (doubled per retry, with
    /// jitter), e.g. 100ms, 2s.
    #[arg(long, global = true, value_name = "DURATION", default_value = "100ms", value_parser = parse_duration,
          help_heading = "Global options")]
    pub retry_delay: Duration,

    /// The timeout of one attempt, e.g. 30s.
    #[arg(long, global = true, value_name = "DURATION", default_value = "60s", value_parser = parse_duration,
          help_heading = "Global options")]
    pub timeout: Duration,

    /// Items per page asked of the service (Prefer: odata.maxpagesize).
    #[arg(long, global = true, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..), help_heading = "Global options")]
    pub page_size: u32,

    /// At most N requests in flight. Without it the client finds the service's limit itself: its
    /// window of requests in flight grows while latency stays flat and nothing is throttled, and
    /// shrinks on throttling (429, the query broker's 500) or climbing latency.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096),
          help_heading = "Global options")]
    pub concurrency: Option<u32>,

    /// After a write whose outcome was lost (a timeout, a dropped connection, a 5xx), how long
    /// the effect is watched for before the write may be sent again: long enough for an attempt
    /// the service is still processing to land (Graph's front end gives up after about 100 s).
    #[arg(long, global = true, value_name = "DURATION", default_value = "120s", value_parser = parse_duration,
          help_heading = "Global options")]
    pub settle_window: Duration,

    /// The output format on stdout: aligned columns, a JSON array, one JSON object per line
    /// (exactly what the service sent), or CSV with a header.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Format::Table,
          help_heading = "Global options")]
    pub output: Format,

    /// Logs on stderr: -v for requests and decisions, -vv for every attempt (RUST_LOG, when set,
    /// decides instead). The token is never logged.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The settings of the client and the output.
    pub fn settings(&self) -> Settings {
        Settings {
            base_url: self.base_url.clone(),
            max_retries: self.max_retries,
            retry_delay: self.retry_delay,
            timeout: self.timeout,
            page_size: self.page_size,
            concurrency: self.concurrency,
            settle_window: self.settle_window,
            format: self.output,
        }
    }
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
    fn the_help_documents_the_exit_statuses() {
        let help = Cli::command().render_long_help().to_string();
        for line in [
            "0    success",
            "1    some operations failed",
            "2    usage error",
            "3    authentication",
            "130  interrupted",
        ] {
            assert!(help.contains(line), "{line}: {help}");
        }
    }
}
