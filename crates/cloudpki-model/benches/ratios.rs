//! The targets of BENCHMARKS.md, measured in one run: on the same page, each contender is timed
//! in turn, round after round, and the medians are compared. The pages: leaf certificates in
//! both styles (10,000 by default, `CLOUDPKI_BENCH_SIZE`) and certification authorities as the
//! live service lists them (2,000 by default, `CLOUDPKI_BENCH_CA_SIZE`; about the same number of
//! bytes). Prints a Markdown table.
//!
//! ```sh
//! cargo bench -p cloudpki-model --bench ratios
//! CLOUDPKI_BENCH_SIZE=1000 CLOUDPKI_BENCH_CA_SIZE=200 CLOUDPKI_BENCH_ROUNDS=51 cargo bench -p cloudpki-model --bench ratios
//! ```
//!
//! Deserializing includes dropping the result; serializing writes into a reused `Vec<u8>`.
//! Before timing, every page is checked to round-trip through our model (same JSON value back).
#![forbid(unsafe_code)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::page::{Style, page};
use common::{Ours, OursCa, ca_page, plain, plain_ca};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

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
    let ca_size = env_number("CLOUDPKI_BENCH_CA_SIZE", 2_000);
    let rounds = env_number("CLOUDPKI_BENCH_ROUNDS", 21);
    println!(
        "Pages of {size} leaf certificates and {ca_size} certification authorities, median of {rounds} rounds (each contender once per round).\n"
    );
    println!("| page | operation | contender | median | per item | MB/s | / plain serde | / Value | / IgnoredAny |");
    println!("|---|---|---|---:|---:|---:|---:|---:|---:|");
    let mut verdicts = Vec::new();
    for style in Style::ALL {
        let case = Case { name: style.name(), items: size, text: page(style, size) };
        run_case::<Ours, plain::Page>(&case, rounds, &mut verdicts);
    }
    let case = Case { name: "CA live", items: ca_size, text: ca_page::page(ca_size) };
    run_case::<OursCa, plain_ca::Page>(&case, rounds, &mut verdicts);
    println!();
    for verdict in verdicts {
        println!("- {verdict}");
    }
}

/// One page under test.
struct Case {
    /// Its name in the table: `live`, `docs` (leaf certificates) or `CA live`.
    name: &'static str,
    /// How many items its `value` has.
    items: usize,
    /// The page, compact JSON.
    text: String,
}

/// Times ours (`O`), the plain serde model (`P`), `Value` and `IgnoredAny` on one page, prints
/// their rows and adds the verdicts on the targets.
fn run_case<O, P>(case: &Case, rounds: usize, verdicts: &mut Vec<String>)
where
    O: DeserializeOwned + Serialize,
    P: DeserializeOwned + Serialize,
{
    let text = case.text.as_str();
    let megabytes = text.len() as f64 / 1e6;

    // Not timed: the page really round-trips through our model (and not through the plain one).
    let ours: O = serde_json::from_str(text).expect("valid page");
    let original: serde_json::Value = serde_json::from_str(text).expect("valid page");
    assert_eq!(serde_json::to_value(&ours).expect("serializes"), original, "{}: lossless", case.name);
    let plain: P = serde_json::from_str(text).expect("valid page");
    assert_ne!(serde_json::to_value(&plain).expect("serializes"), original, "{}: the plain model is lossy", case.name);
    let value = original;

    let mut de = [
        Contender::new("ours", || {
            let page: O = serde_json::from_str(text).expect("valid");
            black_box(&page);
            1
        }),
        Contender::new("plain serde", || {
            let page: P = serde_json::from_str(text).expect("valid");
            black_box(&page);
            1
        }),
        Contender::new("Value", || serde_json::from_str::<serde_json::Value>(text).expect("valid").is_object().into()),
        Contender::new("IgnoredAny", || {
            serde_json::from_str::<IgnoredAny>(text).expect("valid");
            0
        }),
    ];
    measure(&mut de, 3, rounds);
    let mut buffers =
        [Vec::with_capacity(2 * text.len()), Vec::with_capacity(2 * text.len()), Vec::with_capacity(2 * text.len())];
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
                "| {} | {operation} | {} | {:.2} ms | {:.2} µs | {:.0} | {:.2} | {:.2} | {ignored} |",
                case.name,
                contender.name,
                time * 1e3,
                time * 1e6 / case.items as f64,
                megabytes / time,
                time / plain_time,
                time / value_time,
            );
        }
        let ours_time = contenders[0].median().as_secs_f64();
        let (value_target, what) = if operation == "deserialize" { (0.33, "3x") } else { (0.5, "2x") };
        verdicts.push(format!(
            "{} {operation}: ours / plain serde = {:.2} (target <= 1.00: {}), ours / Value = {:.2} (target <= {value_target:.2}, {what} faster: {})",
            case.name,
            ours_time / plain_time,
            met(ours_time / plain_time <= 1.0),
            ours_time / value_time,
            met(ours_time / value_time <= value_target),
        ));
        if let Some(ignored) = ignored_time {
            verdicts.push(format!(
                "{} {operation}: ours / IgnoredAny = {:.2} (stretch <= 2.00: {})",
                case.name,
                ours_time / ignored,
                met(ours_time / ignored <= 2.0)
            ));
        }
    }
}

fn met(yes: bool) -> &'static str {
    if yes { "met" } else { "MISSED" }
}
