//! The one function every write of the CLI goes through (besides the bulk revocations, which
//! use the client's exactly-once revocation): a dry run that says what would change unless
//! `--yes`, then the request.
//!
//! TODO(client branch): [`send`] switches to the client's write executor (driven by
//! `Operation::SEMANTICS`) when it lands; nothing else changes.

use cloudpki_model::api::Operation;
use serde_json::{Value, json};

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client};
use crate::output::{Format, note, safe};

/// `--yes`: do it (otherwise only say what would be done).
#[derive(Debug, Clone, clap::Args)]
pub struct Confirm {
    /// Do it (without it the command is a dry run that prints what it would change).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// What a write changes, for people (and for JSON output).
#[derive(Debug, Clone)]
pub struct Change {
    /// One line: `pause certification authority X (version 1)`.
    pub what: String,
    /// `property`, `before`, `after` (terminal-safe when shown).
    pub details: Vec<(String, String, String)>,
}

impl Change {
    /// A change described by one line.
    pub fn new(what: impl Into<String>) -> Self {
        Change { what: what.into(), details: Vec::new() }
    }

    /// With one property going from `before` to `after`.
    #[must_use]
    pub fn with(mut self, property: impl Into<String>, before: impl Into<String>, after: impl Into<String>) -> Self {
        self.details.push((property.into(), before.into(), after.into()));
        self
    }

    fn to_json<O: Operation>(&self, dry_run: bool) -> Value {
        let details: Vec<Value> = self
            .details
            .iter()
            .map(|(property, before, after)| json!({"property": property, "before": before, "after": after}))
            .collect();
        json!({"dryRun": dry_run, "operation": O::OPERATION_ID, "change": self.what, "details": details})
    }

    fn to_text(&self) -> String {
        let mut text = format!("{}\n", safe(&self.what));
        let width = self.details.iter().map(|(p, _, _)| p.chars().count()).max().unwrap_or(0);
        for (property, before, after) in &self.details {
            let pad = " ".repeat(width.saturating_sub(property.chars().count()));
            text.push_str(&format!("  {}:{pad} {} -> {}\n", safe(property), safe(before), safe(after)));
        }
        text
    }
}

/// Says what `operation` will change; with `confirm.yes` sends it through [`send`] and returns
/// its answer, otherwise prints the plan on stdout (text, or one JSON object with `-o json` and
/// `-o ndjson`) and returns `None`.
///
/// # Errors
///
/// The request failed (see [`Failure`]).
pub async fn apply<O: Operation>(
    context: &Context,
    confirm: &Confirm,
    change: &Change,
    operation: &O,
) -> Result<Option<O::Output>, Failure> {
    if !confirm.yes {
        let text = match context.format {
            Format::Json | Format::Ndjson => {
                let mut out = Vec::new();
                crate::output::safe::write_json(&mut out, &change.to_json::<O>(true))
                    .map_err(|error| Failure::Failed(error.to_string()))?;
                out.push(b'\n');
                String::from_utf8_lossy(&out).into_owned()
            }
            Format::Table | Format::Csv => format!("would {}", change.to_text()),
        };
        crate::commands::written(crate::output::stream::write_stdout(text.as_bytes()))?;
        note!("dry run: nothing was changed (run again with --yes to do it)");
        return Ok(None);
    }
    note!("{}", change.to_text().trim_end());
    send(context, operation).await.map(Some)
}

/// Sends one write. The only place the CLI sends a write other than a leaf revocation.
///
/// # Errors
///
/// The request failed (see [`Failure`]).
pub async fn send<O: Operation>(context: &Context, operation: &O) -> Result<O::Output, Failure> {
    tracing::debug!(operation = O::OPERATION_ID, "sending a write");
    context
        .client
        .call(operation)
        .await
        .map_err(|error| from_client(&error, OperationInfo::of::<O>(), &context.service))
}

/// How many times [`send_settled`] sends a write whose answers were lost.
pub const ATTEMPTS: u32 = 4;

/// Sends one write; when its answer is lost ([`cloudpki_client::Error::Ambiguous`]), asks
/// `settled` (a read) whether it took effect before sending it again, up to [`ATTEMPTS`] times.
/// `Ok(None)`: the write took effect but its answer was lost.
///
/// # Errors
///
/// The request failed, or no answer after [`ATTEMPTS`] and `settled` still says no.
pub async fn send_settled<O, F, Fut>(context: &Context, operation: &O, settled: F) -> Result<Option<O::Output>, Failure>
where
    O: Operation,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<bool, Failure>>,
{
    for _ in 0..ATTEMPTS {
        tracing::debug!(operation = O::OPERATION_ID, "sending a write");
        match context.client.call(operation).await {
            Ok(output) => return Ok(Some(output)),
            Err(cloudpki_client::Error::Ambiguous { .. }) => {
                if settled().await? {
                    return Ok(None);
                }
            }
            Err(error) => return Err(from_client(&error, OperationInfo::of::<O>(), &context.service)),
        }
    }
    Err(Failure::Failed(format!(
        "{}: no answer after {ATTEMPTS} attempts, and it did not take effect",
        O::OPERATION_ID
    )))
}
