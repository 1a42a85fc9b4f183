//! Where every write of the CLI goes (besides the bulk revocations, which use the client's
//! exactly-once revocation): a dry run that says what would change unless `--yes`, then the
//! request. Writes with an observable effect ([`ObservedWrite`]: status changes, activate, renew,
//! create, upload, revoke) go through the client's write executor ([`send_observed`]: sent,
//! observed with the read the spec names after an ambiguous outcome, sent again only when the
//! effect stayed invisible through the settle window); idempotent ones (update, delete) through
//! [`send`], which the operation's semantics let retry.

use cloudpki_client::{ObservedWrite, Written};
use cloudpki_model::api::Operation;
use cloudpki_model::{CloudCertificationAuthority, SingleEntity};
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
        // Aligned by what a terminal shows: the escaped name's display width (a property the
        // service added may have any name).
        let shown = |property: &str| crate::output::table::display_width(&safe(property));
        let width = self.details.iter().map(|(property, _, _)| shown(property)).max().unwrap_or(0);
        for (property, before, after) in &self.details {
            let pad = " ".repeat(width.saturating_sub(shown(property)));
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
    if !preview::<O>(context, confirm, change)? {
        return Ok(None);
    }
    send(context, operation).await.map(Some)
}

/// [`apply`] for a write with an observable effect, through the client's write executor
/// ([`send_observed`]).
///
/// # Errors
///
/// The write failed, or never settled (see [`Failure`]).
pub async fn apply_observed<W>(
    context: &Context,
    confirm: &Confirm,
    change: &Change,
    operation: &W,
) -> Result<Option<Written<W::Output, W::Seen>>, Failure>
where
    W: ObservedWrite,
    W::Output: Send,
{
    if !preview::<W>(context, confirm, change)? {
        return Ok(None);
    }
    send_observed(context, operation).await.map(Some)
}

/// The certification authority a CA write ended with: the answer, or what the observing read
/// showed.
pub fn authority(
    written: Written<SingleEntity<CloudCertificationAuthority>, CloudCertificationAuthority>,
) -> CloudCertificationAuthority {
    match written {
        Written::Answered(answer) => answer.into_entity(),
        Written::Observed(seen) => {
            note!("note: the answer was lost; the change was seen by reading the certification authority");
            seen
        }
    }
}

/// Prints the plan (a dry run) and returns `false`, or says what is being done and returns
/// `true` with `--yes`.
fn preview<O: Operation>(context: &Context, confirm: &Confirm, change: &Change) -> Result<bool, Failure> {
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
        return Ok(false);
    }
    note!("{}", change.to_text().trim_end());
    Ok(true)
}

/// Sends one write with an observable effect through the client's write executor.
///
/// # Errors
///
/// The write failed, or never settled (see [`Failure`]).
pub async fn send_observed<W>(context: &Context, operation: &W) -> Result<Written<W::Output, W::Seen>, Failure>
where
    W: ObservedWrite,
    W::Output: Send,
{
    tracing::debug!(operation = W::OPERATION_ID, "sending a write through the executor");
    context
        .client
        .write(operation)
        .await
        .map_err(|error| from_client(&error, OperationInfo::of::<W>(), &context.service))
}

/// Sends one idempotent write (update, delete): the client retries it as its semantics allow.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_align_by_display_width_of_what_is_shown() {
        let change =
            Change::new("update it").with("displayName", "a", "b").with("名前", "c", "d").with("x\u{1b}", "e", "f");
        let text = change.to_text();
        // Every value starts at the same terminal column.
        let starts: Vec<usize> = text
            .lines()
            .skip(1)
            .map(|line| {
                let colon = line.find(':').unwrap_or(0);
                let after_colon = &line[colon + 1..];
                let spaces = after_colon.len() - after_colon.trim_start().len();
                crate::output::table::display_width(&line[..colon]) + 1 + spaces
            })
            .collect();
        assert!(starts.windows(2).all(|pair| pair[0] == pair[1]), "{starts:?}\n{text}");
    }
}
