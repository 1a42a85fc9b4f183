#![forbid(unsafe_code)]
//! `cloudpki-fake`: an in-memory Intune Cloud PKI on loopback.
//!
//! Prints the base URL on the first line of stdout, `token: <bearer>` (a token with the scopes
//! of `--print-token`, all by default) on the second, then serves until killed.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::Parser;
use cloudpki_fake::{AlreadyRevoked, Config, Fake, FaultPlan, auth};

/// An in-memory Microsoft Graph (beta) Intune Cloud PKI on loopback, for clients to run against
/// without a tenant.
#[derive(Parser, Debug)]
#[command(name = "cloudpki-fake", version, about)]
struct Args {
    /// Where to listen: a loopback address only (port 0: the system picks one).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
    /// The seed of the data and of the fault decisions.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Issuing certification authorities (one root is added, listed first, without leaf certificates).
    #[arg(long, default_value_t = 2)]
    cas: usize,
    /// Leaf certificates per issuing certification authority.
    #[arg(long, default_value_t = 50)]
    certs: usize,
    /// Faults, e.g. `rate=0.1,kinds=429,429-no-retry-after,500-broker,503,504,slow,truncate,drop`
    /// (also `retry-after=1`, `slow=1s`, `writes=before|after|both`).
    #[arg(long, default_value = "none")]
    faults: String,
    /// At most R requests per second (sliding 1 s window); past it, 429 without Retry-After.
    #[arg(long, value_name = "R")]
    throttle: Option<u32>,
    /// Added to every answer, like a real round trip (e.g. `150ms`).
    #[arg(long, default_value = "0")]
    latency: String,
    /// The page size without `Prefer: odata.maxpagesize`.
    #[arg(long, default_value_t = 100)]
    page_size: usize,
    /// The largest page size a `Prefer: odata.maxpagesize` gets.
    #[arg(long, default_value_t = 999)]
    max_page_size: usize,
    /// The scopes of the token printed on the second line (comma-separated; `all` for every scope).
    #[arg(long, value_name = "SCOPES", default_value = "all")]
    print_token: String,
    /// The instant seeded dates are relative to (RFC 3339; default: today 00:00:00Z).
    #[arg(long)]
    now: Option<String>,
    /// How a revocation of an already revoked certificate is answered: `ok` (200, unchanged) or `error` (400).
    #[arg(long, default_value = "ok")]
    already_revoked: String,
    /// The lifetime of issued tokens (e.g. `1h`).
    #[arg(long, default_value = "1h")]
    token_lifetime: String,
}

fn loopback(addr: &str) -> Result<SocketAddr, String> {
    let resolved: Vec<SocketAddr> =
        addr.to_socket_addrs().map_err(|error| format!("--addr {addr}: {error}"))?.collect();
    match resolved.into_iter().find(|candidate| candidate.ip().is_loopback()) {
        Some(addr) => Ok(addr),
        None => Err(format!("--addr {addr}: refusing a non-loopback address (use 127.0.0.1 or [::1])")),
    }
}

fn config(args: &Args) -> Result<(Config, Vec<String>), String> {
    let faults: FaultPlan = args.faults.parse().map_err(|error| format!("--faults: {error}"))?;
    let latency = cloudpki_fake::parse_duration(&args.latency).map_err(|error| format!("--latency: {error}"))?;
    let token_lifetime =
        cloudpki_fake::parse_duration(&args.token_lifetime).map_err(|error| format!("--token-lifetime: {error}"))?;
    let already_revoked: AlreadyRevoked =
        args.already_revoked.parse().map_err(|error| format!("--already-revoked: {error}"))?;
    let now = match &args.now {
        Some(text) => {
            let instant =
                chrono::DateTime::parse_from_rfc3339(text).map_err(|error| format!("--now {text}: {error}"))?;
            let seconds = u64::try_from(instant.timestamp()).map_err(|_| format!("--now {text}: before 1970"))?;
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
        }
        None => None,
    };
    let scopes: Vec<String> = if args.print_token == "all" {
        auth::ALL_SCOPES.iter().map(|scope| (*scope).to_owned()).collect()
    } else {
        args.print_token.split([',', ' ']).filter(|scope| !scope.is_empty()).map(str::to_owned).collect()
    };
    let config = Config {
        addr: loopback(&args.addr)?,
        seed: args.seed,
        cas: args.cas,
        certs_per_ca: args.certs,
        faults,
        throttle: args.throttle,
        latency,
        default_page_size: args.page_size,
        max_page_size: args.max_page_size,
        token_lifetime,
        now,
        already_revoked,
        ..Config::default()
    };
    Ok((config, scopes))
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let (config, scopes) = match config(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("cloudpki-fake: {message}");
            return ExitCode::from(2);
        }
    };
    let fake = match Fake::start(config).await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("cloudpki-fake: {error}");
            return ExitCode::FAILURE;
        }
    };
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let token = fake.issue_token(&scopes);
    let mut stdout = std::io::stdout().lock();
    let printed = writeln!(stdout, "{}", fake.base_url())
        .and_then(|()| writeln!(stdout, "token: {token}"))
        .and_then(|()| stdout.flush());
    drop(stdout);
    if printed.is_err() {
        return ExitCode::FAILURE;
    }
    eprintln!("cloudpki-fake: serving {} (admin: {}/stats); stop with Ctrl-C", fake.base_url(), fake.admin_url());
    stop_signal().await;
    let stats = fake.stats();
    eprintln!(
        "cloudpki-fake: {} requests, {} revocation requests, {} faults, {} throttled",
        stats.requests.values().sum::<u64>(),
        stats.total_revocations(),
        stats.total_faults(),
        stats.throttled
    );
    fake.shutdown().await;
    ExitCode::SUCCESS
}
