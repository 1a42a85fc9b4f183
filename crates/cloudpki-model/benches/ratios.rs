//! The targets of BENCHMARKS.md, measured in one run: on the same page (10,000 certificates by
//! default), each contender is timed in turn, round after round, and the medians are compared.
//! Prints a Markdown table.
//!
//! ```sh
//! cargo bench -p cloudpki-model --bench ratios
//! CLOUDPKI_BENCH_SIZE=1000 CLOUDPKI_BENCH_ROUNDS=51 cargo bench -p cloudpki-model --bench ratios
//! ```
//!
//! Deserializing includes dropping the result; serializing writes into a reused `Vec<u8>`.
#![forbid(unsafe_code)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::page::{Style, page};
use common::{Ours, plain};
use serde::de::IgnoredAny;

/// One timed thing: a name and a closure returning something to keep alive until timed.
struct Contender<'a> {
    name: &'static str,
    run: Box<dyn FnMut() -> usize + 'a>,
    times: Vec<Duration>,
}

impl<'a> Contender<'a> {
    fn new(name: &'static str, run: impl FnMut() -> usize + 'a) -> Self {
        Contender { name, run: Box::new(run), times: Vec::new() }
    }

    fn median(&self) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        times[times.len() / 2]
    }
}

/// Runs every contender once per round (after `warm_up` untimed rounds).
fn measure(contenders: &mut [Contender<'_>], warm_up: usize, rounds: usize) {
    for round in 0..warm_up + rounds {
        for contender in contenders.iter_mut() {
            let start = Instant::now();
            black_box((contender.run)());
            let elapsed = start.elapsed();
            if round >= warm_up {
                contender.times.push(elapsed);
            }
        }
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|text| text.parse().ok()).unwrap_or(default)
}

fn main() {
    let size = env_number("CLOUDPKI_BENCH_SIZE", 10_000);
    let rounds = env_number("CLOUDPKI_BENCH_ROUNDS", 21);
    println!("Page of {size} certificates, median of {rounds} rounds (each contender once per round).\n");
    println!("| style | operation | contender | median | MB/s | / plain serde | / Value | / IgnoredAny |");
    println!("|---|---|---|---:|---:|---:|---:|---:|");
    let mut verdicts = Vec::new();
    for style in Style::ALL {
        let text = page(style, size);
        let megabytes = text.len() as f64 / 1e6;

        // Not timed: the page really round-trips through our model (and not through the plain one).
        let ours: Ours = serde_json::from_str(&text).expect("valid page");
        let original: serde_json::Value = serde_json::from_str(&text).expect("valid page");
        assert_eq!(serde_json::to_value(&ours).expect("serializes"), original, "lossless");
        let plain: plain::Page = serde_json::from_str(&text).expect("valid page");
        let value = original;

        let mut de = [
            Contender::new("ours", || serde_json::from_str::<Ours>(&text).expect("valid").value.len()),
            Contender::new("plain serde", || serde_json::from_str::<plain::Page>(&text).expect("valid").value.len()),
            Contender::new("Value", || {
                serde_json::from_str::<serde_json::Value>(&text).expect("valid").is_object().into()
            }),
            Contender::new("IgnoredAny", || {
                serde_json::from_str::<IgnoredAny>(&text).expect("valid");
                0
            }),
        ];
        measure(&mut de, 3, rounds);
        let mut buffers = [
            Vec::with_capacity(2 * text.len()),
            Vec::with_capacity(2 * text.len()),
            Vec::with_capacity(2 * text.len()),
        ];
        let [b0, b1, b2] = &mut buffers;
        let mut ser = [
            Contender::new("ours", || {
                b0.clear();
                serde_json::to_writer(&mut *b0, &ours).expect("serializes");
                b0.len()
            }),
            Contender::new("plain serde", || {
                b1.clear();
                serde_json::to_writer(&mut *b1, &plain).expect("serializes");
                b1.len()
            }),
            Contender::new("Value", || {
                b2.clear();
                serde_json::to_writer(&mut *b2, &value).expect("serializes");
                b2.len()
            }),
        ];
        measure(&mut ser, 3, rounds);

        for (operation, contenders) in [("deserialize", &de[..]), ("serialize", &ser[..])] {
            let plain_time = contenders[1].median().as_secs_f64();
            let value_time = contenders[2].median().as_secs_f64();
            let ignored_time = contenders.get(3).map(|c| c.median().as_secs_f64());
            for contender in contenders {
                let time = contender.median().as_secs_f64();
                let ignored = ignored_time.map_or_else(|| "".to_owned(), |t| format!("{:.2}", time / t));
                println!(
                    "| {} | {operation} | {} | {:.2} ms | {:.0} | {:.2} | {:.2} | {ignored} |",
                    style.name(),
                    contender.name,
                    time * 1e3,
                    megabytes / time,
                    time / plain_time,
                    time / value_time,
                );
            }
            let ours_time = contenders[0].median().as_secs_f64();
            let (value_target, what) = if operation == "deserialize" { (0.33, "3x") } else { (0.5, "2x") };
            verdicts.push(format!(
                "{} {operation}: ours / plain serde = {:.2} (target <= 1.00: {}), ours / Value = {:.2} (target <= {value_target:.2}, {what} faster: {})",
                style.name(),
                ours_time / plain_time,
                met(ours_time / plain_time <= 1.0),
                ours_time / value_time,
                met(ours_time / value_time <= value_target),
            ));
            if let Some(ignored) = ignored_time {
                verdicts.push(format!(
                    "{} {operation}: ours / IgnoredAny = {:.2} (stretch <= 2.00: {})",
                    style.name(),
                    ours_time / ignored,
                    met(ours_time / ignored <= 2.0)
                ));
            }
        }
    }
    println!();
    for verdict in verdicts {
        println!("- {verdict}");
    }
}

fn met(yes: bool) -> &'static str {
    if yes { "met" } else { "MISSED" }
}
