//! `cloudpki ca list`: the tenant's certification authorities.

use crate::context::Context;
use crate::failure::Failure;
use crate::listing::{self, Flow, Listed};
use crate::output::{Kind, Printer, note};

/// `ca list` takes no arguments of its own.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `ca list`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, _args: &Args) -> Result<(), Failure> {
    let mut printer = Printer::stdout(context.format, Kind::Authority);
    listing::authorities(context, |listed| {
        match listed {
            Listed::Typed(authority) => printer.push(&authority),
            Listed::Odd(odd) => {
                note!("{}", listing::odd_warning(&odd));
                printer.push(&odd.item);
            }
        }
        if printer.is_broken() { Flow::Stop } else { Flow::Continue }
    })
    .await?;
    crate::commands::written(printer.finish())
}
