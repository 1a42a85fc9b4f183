//! A bulk revocation with a chosen retry policy, for `benchmarks/issue11.sh`.
//!
//! ```text
//! GRAPH_TOKEN=... cargo run --release -p cloudpki-client --example bulk_bench -- \
//!     <BASE_URL> <CA_ID> <IDS_FILE> [--policy kiota|default] [--concurrency N]
//! ```
//!
//! Revokes every id of `IDS_FILE` (one per line) through `Client::revoke_many`, `N` at a time
//! (default 16, the CLI's default), and prints one line of JSON: the policy, the concurrency, the
//! revocations that succeeded and failed (after the policy's retries), the wall time and the
//! throttled answers the client saw. Exit status 1 when some revocations failed.

use std::time::Instant;

use cloudpki_client::{Client, RetryPolicy, StaticToken};

fn usage() -> ! {
    eprintln!("usage: bulk_bench <BASE_URL> <CA_ID> <IDS_FILE> [--policy kiota|default] [--concurrency N]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut positional = Vec::new();
    let mut policy_name = "kiota".to_owned();
    let mut concurrency = 16usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--policy" => policy_name = args.next().unwrap_or_else(|| usage()),
            "--concurrency" => {
                concurrency = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
            }
            _ => positional.push(arg),
        }
    }
    let [base_url, ca, file] = positional.as_slice() else { usage() };
    let policy = match policy_name.as_str() {
        "kiota" => RetryPolicy::kiota(),
        "default" => RetryPolicy::default(),
        _ => usage(),
    };
    let token = std::env::var("GRAPH_TOKEN").unwrap_or_else(|_| usage());
    let text = std::fs::read_to_string(file).unwrap_or_else(|error| {
        eprintln!("{file}: {error}");
        std::process::exit(2)
    });
    let ids: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let client = match Client::builder()
        .base_url(base_url.clone())
        .retry_policy(policy)
        .token_source(StaticToken::new(token))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2)
        }
    };
    let targets = ids.len();
    let started = Instant::now();
    let (mut revoked, mut failed) = (0usize, 0usize);
    client
        .revoke_many(
            ca,
            ids,
            concurrency,
            |_| false,
            |_, result| match result {
                Ok(_) => revoked += 1,
                Err(_) => failed += 1,
            },
        )
        .await;
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "policy": policy_name,
            "concurrency": concurrency,
            "targets": targets,
            "revoked": revoked,
            "failed": failed,
            "wallSeconds": wall,
            "throttledSeen": client.pacer().throttled(),
        })
    );
    if failed > 0 {
        std::process::exit(1);
    }
}
