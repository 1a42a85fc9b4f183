#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]
//! `cloudpki`: the operator CLI for Microsoft Graph (beta) Intune Cloud PKI.
//!
//! ```text
//! cloudpki [--base-url URL] [--max-retries N] [--retry-delay DURATION] [--timeout DURATION]
//!          [--page-size N] [--output table|json|ndjson|csv] <command>
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
//! The token comes from `GRAPH_TOKEN`, otherwise from the Azure credential of the environment
//! (`cloudpki_client::AzureCredential::from_environment`); it is never printed. Results go to
//! stdout in the chosen format; progress bars (when stderr is a terminal), notes and summaries go
//! to stderr. Exit status: 0 success, 1 some operations failed, 2 usage error, 3 authentication
//! or permission error, 130 interrupted.

mod cli;
mod commands;
mod duration;
mod failure;
mod ids;
mod journal;
mod listing;
mod output;
mod revoke;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use cloudpki_client::{AzureCredential, Client, RetryPolicy, StaticToken};

use crate::cli::Cli;
use crate::failure::{Failure, TokenOrigin};

/// What every command works with.
pub struct Context {
    /// The client.
    pub client: Client,
    /// Where its token comes from (for error messages).
    pub token: TokenOrigin,
    /// The output format.
    pub format: cli::Format,
    /// Whether to draw progress bars (stderr is a terminal).
    pub progress: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(failure::EXIT_FAILED);
        }
    };
    let result = runtime.block_on(async {
        let context = context(&cli)?;
        commands::run(&context, &cli.command).await
    });
    // In-flight work (a journal writer, a pending read) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let Some(message) = failure.message() {
                eprintln!("error: {message}");
            }
            failure.exit_code()
        }
    }
}

/// The client the global options describe.
fn context(cli: &Cli) -> Result<Context, Failure> {
    let global = &cli.global;
    let retry = RetryPolicy::default().with_max_retries(global.max_retries).with_base_delay(global.retry_delay);
    let builder = Client::builder()
        .base_url(global.base_url.clone())
        .retry_policy(retry)
        .timeout(global.timeout)
        .page_size(global.page_size);
    let from_env = std::env::var("GRAPH_TOKEN").ok().map(|token| token.trim().to_owned()).filter(|t| !t.is_empty());
    let (builder, token) = match from_env {
        Some(token) => {
            let token = token.strip_prefix("Bearer ").map(str::to_owned).unwrap_or(token);
            (builder.token_source(StaticToken::new(token)), TokenOrigin::Environment)
        }
        None => {
            let credential = AzureCredential::from_environment().map_err(|error| {
                Failure::Auth(format!(
                    "no GRAPH_TOKEN, and no Azure credential: {error}\nset GRAPH_TOKEN, or AZURE_TENANT_ID, \
                     AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or sign in with `az login`"
                ))
            })?;
            (builder.token_source(credential), TokenOrigin::AzureCredential)
        }
    };
    let client = builder.build().map_err(|error| match error {
        cloudpki_client::Error::Auth(message) => Failure::Auth(message),
        other => Failure::Usage(format!("--base-url: {other}")),
    })?;
    Ok(Context { client, token, format: global.output, progress: std::io::stderr().is_terminal() })
}
