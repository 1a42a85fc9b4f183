//! Heap used by a parsed page, per certificate: ours against the plain serde model and
//! `serde_json::Value`, counted by a global allocator (`stats_alloc`, so no unsafe code here).
//! Prints a Markdown table.
//!
//! ```sh
//! cargo bench -p cloudpki-model --bench heap
//! CLOUDPKI_BENCH_SIZE=100000 cargo bench -p cloudpki-model --bench heap
//! ```
//!
//! "Live" is what the parsed page holds once deserialized (the target compares this);
//! "allocated" adds everything allocated and freed on the way (growing vectors, temporaries).
#![forbid(unsafe_code)]

mod common;

use std::alloc::System;

use common::page::{Style, page};
use common::{Ours, plain};
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

fn main() {
    let size = std::env::var("CLOUDPKI_BENCH_SIZE").ok().and_then(|text| text.parse().ok()).unwrap_or(10_000_usize);
    println!("Page of {size} certificates; bytes per certificate.\n");
    println!("| style | contender | input | live | live / Value | allocated | alloc calls |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut verdicts = Vec::new();
    for style in Style::ALL {
        let text = page(style, size);
        let n = size as f64;
        let value = measure::<serde_json::Value>(&text);
        let rows = [
            ("ours", measure::<Ours>(&text)),
            ("plain serde", measure::<plain::Page>(&text)),
            ("Value", measure::<serde_json::Value>(&text)),
        ];
        for (name, heap) in &rows {
            println!(
                "| {} | {name} | {:.0} | {:.0} | {:.2} | {:.0} | {:.1} |",
                style.name(),
                text.len() as f64 / n,
                heap.live / n,
                heap.live / value.live,
                heap.allocated / n,
                heap.calls / n,
            );
        }
        let ratio = rows[0].1.live / value.live;
        verdicts.push(format!(
            "{}: ours / Value live heap = {ratio:.2} (target <= 0.40: {})",
            style.name(),
            if ratio <= 0.4 { "met" } else { "MISSED" }
        ));
    }
    println!();
    for verdict in verdicts {
        println!("- {verdict}");
    }
}
