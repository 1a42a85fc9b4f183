//! Heap used by a parsed page, per item: ours against the plain serde model and
//! `serde_json::Value`, counted by a global allocator (`stats_alloc`, so no unsafe code here).
//! The pages: leaf certificates in both styles (10,000 by default, `CLOUDPKI_BENCH_SIZE`) and
//! certification authorities as the live service lists them (2,000 by default,
//! `CLOUDPKI_BENCH_CA_SIZE`), each checked first to round-trip through our model. Prints a
//! Markdown table.
//!
//! ```sh
//! cargo bench -p cloudpki-model --bench heap
//! CLOUDPKI_BENCH_SIZE=100000 CLOUDPKI_BENCH_CA_SIZE=20000 cargo bench -p cloudpki-model --bench heap
//! ```
//!
//! "Live" is what the parsed page holds once deserialized (the target compares this);
//! "allocated" adds everything allocated and freed on the way (growing vectors, temporaries).
#![forbid(unsafe_code)]

mod common;

use std::alloc::System;

use common::page::{Style, page};
use common::{Ours, OursCa, ca_page, plain, plain_ca};
use serde::Serialize;
use serde::de::DeserializeOwned;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// What deserializing one page cost.
struct Heap {
    /// Bytes held by the result.
    live: f64,
    /// Bytes requested in total (allocations plus growth by reallocation).
    allocated: f64,
    /// Calls to `alloc` and `realloc`.
    calls: f64,
}

fn measure<T: DeserializeOwned>(text: &str) -> Heap {
    let region = Region::new(GLOBAL);
    let parsed: T = serde_json::from_str(text).expect("valid page");
    let stats = region.change();
    drop(parsed);
    // `stats_alloc` counts the growth of a `realloc` as allocated and its shrinking as freed.
    let live = stats.bytes_allocated as f64 - stats.bytes_deallocated as f64;
    let allocated = stats.bytes_allocated as f64;
    Heap { live, allocated, calls: (stats.allocations + stats.reallocations) as f64 }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|text| text.parse().ok()).unwrap_or(default)
}

fn main() {
    let size = env_number("CLOUDPKI_BENCH_SIZE", 10_000);
    let ca_size = env_number("CLOUDPKI_BENCH_CA_SIZE", 2_000);
    println!("Pages of {size} leaf certificates and {ca_size} certification authorities; bytes per item.\n");
    println!("| page | contender | input | live | live / Value | allocated | alloc calls |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut verdicts = Vec::new();
    for style in Style::ALL {
        run_case::<Ours, plain::Page>(style.name(), size, &page(style, size), &mut verdicts);
    }
    run_case::<OursCa, plain_ca::Page>("CA live", ca_size, &ca_page::page(ca_size), &mut verdicts);
    println!();
    for verdict in verdicts {
        println!("- {verdict}");
    }
}

/// Measures ours (`O`), the plain serde model (`P`) and `Value` on one page of `items` items,
/// prints their rows and adds the verdict on the target.
fn run_case<O, P>(name: &str, items: usize, text: &str, verdicts: &mut Vec<String>)
where
    O: DeserializeOwned + Serialize,
    P: DeserializeOwned,
{
    // Not measured: the page really round-trips through our model.
    let ours: O = serde_json::from_str(text).expect("valid page");
    let original: serde_json::Value = serde_json::from_str(text).expect("valid page");
    assert_eq!(serde_json::to_value(&ours).expect("serializes"), original, "{name}: lossless");
    drop((ours, original));

    let n = items as f64;
    let value = measure::<serde_json::Value>(text);
    let rows = [
        ("ours", measure::<O>(text)),
        ("plain serde", measure::<P>(text)),
        ("Value", measure::<serde_json::Value>(text)),
    ];
    for (contender, heap) in &rows {
        println!(
            "| {name} | {contender} | {:.0} | {:.0} | {:.2} | {:.0} | {:.1} |",
            text.len() as f64 / n,
            heap.live / n,
            heap.live / value.live,
            heap.allocated / n,
            heap.calls / n,
        );
    }
    let ratio = rows[0].1.live / value.live;
    verdicts.push(format!(
        "{name}: ours / Value live heap = {ratio:.2} (target <= 0.40: {})",
        if ratio <= 0.4 { "met" } else { "MISSED" }
    ));
}
