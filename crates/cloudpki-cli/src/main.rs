#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]
//! `cloudpki`: the operator CLI for Microsoft Graph (beta) Intune Cloud PKI.
//!
//! ```text
//! cloudpki [--base-url URL] [--max-retries N] [--retry-delay DURATION] [--timeout DURATION]
//!          [--page-size N] [--output table|json|ndjson|csv] [-v|-vv] <command>
//!
//! cloudpki ca list
//! cloudpki ca show <CA_ID>
//! cloudpki ca retire <CA_ID> [--yes] [--journal FILE] [--concurrency N]
//! cloudpki cert list --ca <CA_ID> [--status S]... [--expiring-within 30d] [--subject-contains T]
//! cloudpki cert show --ca <CA_ID> (--id ID | --serial SERIAL)
//! cloudpki cert revoke --ca <CA_ID> (--id ID... | --serial SERIAL... | --from FILE | --all | filters)
//!          [--yes] [--concurrency N] [--journal FILE]
//! ```
//!
//! A thin layer over `cloudpki_client`: what a person types and sees. The modules:
//!
//! - [`cli`]: the global options (`#[derive(Parser)]`); [`commands`]: one module per command,
//!   each with its arguments (`#[derive(Args)]`) and its `run`;
//! - [`context`]: the client the options describe, and the token choice;
//! - [`output`]: table, JSON, NDJSON, CSV, terminal-safe text, stdout and stderr that a closed
//!   pipe cannot fail;
//! - [`listing`]: paging and filters; [`journal`]: the journal's file format and the locks;
//!   [`ids`]: reading ids from a file; [`failure`]: errors and exit statuses.
//!
//! The token comes from `GRAPH_TOKEN`, otherwise (for a Microsoft Graph base URL only) from the
//! Azure credential of the environment; it is never printed. Results go to stdout in the chosen
//! format; progress bars (when stderr is a terminal), notes, logs and summaries go to stderr.
//! Exit status: 0 success, 1 some operations failed, 2 usage error, 3 authentication or
//! permission error, 130 interrupted.

mod authority;
mod cli;
mod commands;
mod context;
mod failure;
mod fetch;
mod ids;
mod journal;
mod listing;
mod output;
mod x509;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::context::Context;
use crate::output::safe::terminal_safe_lines;
use crate::output::stream::stderr_line;

fn main() -> ExitCode {
    let cli = Cli::parse();
    install_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            stderr_line(&format!("error: cannot start the async runtime: {error}"));
            return ExitCode::from(failure::EXIT_FAILED);
        }
    };
    let result = match cli.command.run_offline() {
        Some(result) => result,
        None => runtime.block_on(async {
            let context = Context::new(&cli.settings())?;
            cli.command.run(&context).await
        }),
    };
    // In-flight work (a journal writer, a pending read) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let Some(message) = failure.message() {
                // The service's words are escaped where they enter a message; this is the last
                // guard, keeping only the message's own line breaks.
                stderr_line(&format!("error: {}", terminal_safe_lines(message)));
            }
            failure.exit_code()
        }
    }
}

/// Logs on stderr: `RUST_LOG` when set, else `-v` (this CLI and the client at debug) or `-vv`
/// (trace); nothing without either. Other crates stay at `warn` unless `RUST_LOG` asks for more.
fn install_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let from_env = std::env::var("RUST_LOG").ok().filter(|value| !value.trim().is_empty());
    let filter = match (from_env, verbose) {
        (Some(value), _) => EnvFilter::try_new(value).unwrap_or_else(|error| {
            stderr_line(&format!("warning: RUST_LOG is not a valid filter ({error}); logging warnings only"));
            EnvFilter::new("warn")
        }),
        (None, 0) => return,
        (None, 1) => EnvFilter::new("warn,cloudpki=debug,cloudpki_client=debug"),
        (None, _) => EnvFilter::new("warn,cloudpki=trace,cloudpki_client=trace"),
    };
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
}
