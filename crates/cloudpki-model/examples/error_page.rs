//! Times reading a page whose last item is wrong (an error path at the very end), against the
//! same page valid: in keep mode (`cloudpki_model::from_str`, the path as data, what the HTTP
//! layer and the client use) and through `serde_json::from_str` (the path written into the
//! message). The pages are the benches' (`benches/common`): leaf certificates (`live` style,
//! 10,000 by default, `CLOUDPKI_BENCH_SIZE`) and certification authorities (2,000 by default,
//! `CLOUDPKI_BENCH_CA_SIZE`); the median of `CLOUDPKI_BENCH_ROUNDS` rounds (21 by default),
//! every contender once per round.
//!
//! ```sh
//! cargo run --release -p cloudpki-model --example error_page
//! ```
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // A measurement: panicking is fine.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::page::{Style, page};
use common::{Ours, OursCa, ca_page};
use serde::de::DeserializeOwned;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|text| text.parse().ok()).unwrap_or(default)
}

/// `text` with `key` of the last item of `value` set to `bad`.
fn spoiled(text: &str, key: &str, bad: serde_json::Value) -> String {
    let mut page: serde_json::Value = serde_json::from_str(text).expect("a page");
    let items = page["value"].as_array_mut().expect("value");
    let last = items.last_mut().expect("an item");
    last[key] = bad;
    serde_json::to_string(&page).expect("serializes")
}

/// One timed thing.
struct Contender<'a> {
    name: String,
    run: Box<dyn FnMut() -> usize + 'a>,
    times: Vec<Duration>,
}

fn median(times: &[Duration]) -> Duration {
    let mut times = times.to_vec();
    times.sort();
    times[times.len() / 2]
}

/// The four contenders for the page type `T`.
fn contenders<'a, T: DeserializeOwned + 'a>(name: &str, valid: &'a str, bad: &'a str) -> Vec<Contender<'a>> {
    let contender = |what: &str, run: Box<dyn FnMut() -> usize + 'a>| Contender {
        name: format!("| {name} | {what} |"),
        run,
        times: Vec::new(),
    };
    vec![
        contender(
            "valid, serde_json::from_str",
            Box::new(move || usize::from(serde_json::from_str::<T>(valid).is_ok())),
        ),
        contender("valid, keep mode", Box::new(move || usize::from(cloudpki_model::from_str::<T>(valid).is_ok()))),
        contender(
            "last item bad, serde_json::from_str",
            Box::new(move || serde_json::from_str::<T>(bad).err().expect("refused").to_string().len()),
        ),
        contender(
            "last item bad, keep mode",
            Box::new(move || cloudpki_model::from_str::<T>(bad).err().expect("refused").to_string().len()),
        ),
    ]
}

fn main() {
    let size = env_number("CLOUDPKI_BENCH_SIZE", 10_000);
    let ca_size = env_number("CLOUDPKI_BENCH_CA_SIZE", 2_000);
    let rounds = env_number("CLOUDPKI_BENCH_ROUNDS", 21).max(1);
    let leaves = page(Style::Live, size);
    let bad_leaves = spoiled(&leaves, "certificateStatus", serde_json::json!(5));
    let cas = ca_page::page(ca_size);
    let bad_cas = spoiled(&cas, "versionNumber", serde_json::json!("x"));
    println!("{}", cloudpki_model::from_str::<Ours>(&bad_leaves).expect_err("refused"));
    println!("{}", serde_json::from_str::<Ours>(&bad_leaves).expect_err("refused"));
    println!("{}\n", cloudpki_model::from_str::<OursCa>(&bad_cas).expect_err("refused"));
    let mut all = contenders::<Ours>(&format!("{size} leaves"), &leaves, &bad_leaves);
    all.extend(contenders::<OursCa>(&format!("{ca_size} CAs"), &cas, &bad_cas));
    for round in 0..3 + rounds {
        for contender in &mut all {
            let start = Instant::now();
            black_box((contender.run)());
            if round >= 3 {
                contender.times.push(start.elapsed());
            }
        }
    }
    println!("| page | read | median |\n|---|---|---:|");
    for contender in &all {
        println!("{} {:.2} ms |", contender.name, median(&contender.times).as_secs_f64() * 1e3);
    }
}
