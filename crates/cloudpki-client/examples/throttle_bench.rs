//! The adaptive window against a throttle: bulk revocation of `30 x R` leaf certificates
//! against an in-process `cloudpki-fake` that answers 429 without `Retry-After` past `R`
//! requests per second, with a round trip of `L`, beside a fixed concurrency of 16.
//!
//! ```text
//! cargo run --release -p cloudpki-client --example throttle_bench -- [R:L ...] [--fixed-only|--adaptive-only]
//! cargo run --release -p cloudpki-client --example throttle_bench -- 20:150ms 20:400ms 20:1s 100:150ms 100:400ms 100:1s
//! ```
//!
//! Prints one Markdown table row per run: the floor (`30 s`: the targets at exactly R per
//! second), the wall time and its ratio to the floor, the throttled answers per revocation (the
//! fake's count), and whether each target was revoked exactly once (the fake's
//! per-certificate revocation count). With `THROTTLE_BENCH_TRACE=1` set, every 250 ms of a run
//! goes to stderr: the window, the requests in flight, revocations done and throttled answers.

use std::time::{Duration, Instant};

use cloudpki_client::bulk::{BulkOptions, CancellationToken, NoHooks, Target};
use cloudpki_client::{Client, StaticToken, WindowConfig};
use cloudpki_fake::{Config, Fake};

/// The tests' helpers: the same choice of CA and targets as the tests make.
#[path = "../tests/common.rs"]
mod common;

struct Run {
    rate: u32,
    latency: Duration,
    fixed: Option<usize>,
}

async fn run(spec: &Run) -> String {
    let targets = 30 * spec.rate as usize;
    let config =
        Config::default().with_data(2, targets * 12 / 10 + 50).with_throttle(spec.rate).with_latency(spec.latency);
    let fake = Fake::start(config).await.expect("the fake starts");
    let token = fake.issue_token(&cloudpki_fake::auth::ALL_SCOPES);
    let (ca, ids) = common::active_leaves(&fake, targets);
    let window = match spec.fixed {
        Some(n) => WindowConfig::fixed(n),
        None => WindowConfig::default(),
    };
    let client = Client::builder()
        .base_url(fake.base_url())
        .token_source(StaticToken::new(token))
        .window(window)
        .build()
        .expect("a client");
    fake.reset_stats();
    let started = Instant::now();
    let (options, cancel) = (BulkOptions::default(), CancellationToken::new());
    let revoking = client.revoke_many(&ca, ids.iter().map(Target::id), &options, &NoHooks, &cancel);
    let report = if std::env::var_os("THROTTLE_BENCH_TRACE").is_some() {
        // Every 250 ms on stderr: time, window, in flight, revocations done, throttled answers.
        let mut revoking = std::pin::pin!(revoking);
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                report = &mut revoking => break report,
                _ = tick.tick() => {
                    let stats = fake.stats();
                    eprintln!(
                        "{:6.2} s  window {:6.1}  in flight {:4}  revoked {:5}  throttled {:4}",
                        started.elapsed().as_secs_f64(),
                        client.limiter().window(),
                        client.limiter().in_flight(),
                        stats.total_revocations(),
                        stats.throttled,
                    );
                }
            }
        }
    } else {
        revoking.await
    };
    let wall = started.elapsed().as_secs_f64();
    let stats = fake.stats();
    let never = ids.iter().filter(|id| stats.revocations_of(id) == 0).count();
    let twice = ids.iter().filter(|id| stats.revocations_of(id) > 1).count();
    let once = if never == 0 && twice == 0 && report.done() == targets {
        "yes".to_owned()
    } else {
        format!("NO: {never} never, {twice} more than once; the client reported {} of {targets} done", report.done())
    };
    #[allow(clippy::cast_precision_loss)]
    let throttled_per = stats.throttled as f64 / targets as f64;
    let floor = 30.0;
    let row = format!(
        "| {} | {} ms | {} | {} | {:.1} s | {:.2}x | {} | {:.3} | {} | {:.0} |",
        spec.rate,
        spec.latency.as_millis(),
        targets,
        spec.fixed.map_or("adaptive".to_owned(), |n| format!("fixed {n}")),
        wall,
        wall / floor,
        stats.throttled,
        throttled_per,
        once,
        client.limiter().window(),
    );
    fake.shutdown().await;
    row
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut specs = Vec::new();
    let (mut adaptive, mut fixed) = (true, true);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--fixed-only" => adaptive = false,
            "--adaptive-only" => fixed = false,
            other => {
                let Some((rate, latency)) = other.split_once(':') else {
                    eprintln!("usage: throttle_bench [R:LATENCY ...] [--fixed-only|--adaptive-only]");
                    std::process::exit(2);
                };
                let rate: u32 = rate.parse().expect("R is a number");
                let latency = cloudpki_fake::parse_duration(latency).expect("a latency such as 150ms");
                specs.push((rate, latency));
            }
        }
    }
    if specs.is_empty() {
        for rate in [20, 100] {
            for ms in [150, 400, 1000] {
                specs.push((rate, Duration::from_millis(ms)));
            }
        }
    }
    println!(
        "| R (req/s) | round trip | targets | window | wall | / floor (30 s) | throttled | throttled per revocation | each revoked once | final window |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (rate, latency) in specs {
        if adaptive {
            println!("{}", run(&Run { rate, latency, fixed: None }).await);
        }
        if fixed {
            println!("{}", run(&Run { rate, latency, fixed: Some(16) }).await);
        }
    }
}
