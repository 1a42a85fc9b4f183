#![forbid(unsafe_code)]
//! `cloudpki-fake`: an in-memory Intune Cloud PKI on loopback.
//!
//! Prints the base URL on the first line of stdout, `token: <bearer>` (a token with the scopes
//! of `--print-token`, all by default) on the second, writes `--env-file` if asked, then serves
//! until killed. `--help` documents every fault kind and admin route.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::{CommandFactory as _, FromArgMatches as _, Parser};
use cloudpki_fake::{AlreadyRevoked, Config, Fake, FaultPlan, Wire, auth, parse_duration};

/// An in-memory Microsoft Graph (beta) Intune Cloud PKI on loopback, for clients to run against
/// without a tenant.
#[derive(Parser, Debug)]
#[command(
    name = "cloudpki-fake",
    version,
    about,
    after_help = "See --help for every fault kind with an example, the admin routes and --env-file."
)]
struct Args {
    /// Where to listen: a loopback address only (port 0: the system picks one).
    #[arg(long, default_value = "127.0.0.1:0", value_parser = loopback)]
    addr: SocketAddr,
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
    /// (`kinds=all` for those, `kinds=every` for every kind; options retry-after=1, slow=1s,
    /// writes=before|after|both, late=30s, stale=2s, huge=1GiB). Every kind is listed below.
    #[arg(long, default_value = "none", value_name = "PLAN", value_parser = faults)]
    faults: FaultPlan,
    /// At most R requests per second (sliding 1 s window); past it, 429 without Retry-After.
    #[arg(long, value_name = "R")]
    throttle: Option<u32>,
    /// Added to every answer, like a real round trip (e.g. `150ms`).
    #[arg(long, default_value = "0", value_name = "DURATION", value_parser = duration)]
    latency: Duration,
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
    #[arg(long, value_parser = instant)]
    now: Option<SystemTime>,
    /// How a revocation of an already revoked certificate is answered: 200 unchanged, or 400.
    #[arg(long, value_enum, default_value = "ok")]
    already_revoked: AlreadyRevoked,
    /// The lifetime of issued tokens (e.g. `1h`).
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = duration)]
    token_lifetime: Duration,
    /// The shape of single-entity answers: the live service's (bare) or the doc pages' (`{"value": {...}}`).
    #[arg(long, value_enum, default_value = "live")]
    wire: Wire,
    /// Serve the top-level `/deviceManagement/cloudCertificationAuthorityLeafCertificate`
    /// collection (live tenants answer it 404, and so does the fake without this flag).
    #[arg(long)]
    tenant_leaves: bool,
    /// How long a revocation is held back from the CA's CRL (e.g. `5m`; 0: the next CRL lists it).
    #[arg(long, default_value = "0", value_name = "DURATION", value_parser = duration)]
    crl_delay: Duration,
    /// Once listening, write `CLOUDPKI_BASE_URL=...` and `GRAPH_TOKEN=...` lines to FILE
    /// atomically (shell-sourceable: `set -a; . FILE; set +a`).
    #[arg(long, value_name = "FILE")]
    env_file: Option<PathBuf>,
}

fn loopback(addr: &str) -> Result<SocketAddr, String> {
    let resolved: Vec<SocketAddr> = addr.to_socket_addrs().map_err(|error| error.to_string())?.collect();
    match resolved.into_iter().find(|candidate| candidate.ip().is_loopback()) {
        Some(addr) => Ok(addr),
        None => Err("refusing a non-loopback address (use 127.0.0.1 or [::1])".to_owned()),
    }
}

fn faults(text: &str) -> Result<FaultPlan, cloudpki_fake::ConfigError> {
    text.parse()
}

fn duration(text: &str) -> Result<Duration, cloudpki_fake::ConfigError> {
    parse_duration(text)
}

fn instant(text: &str) -> Result<SystemTime, String> {
    let instant = chrono::DateTime::parse_from_rfc3339(text).map_err(|error| error.to_string())?;
    let seconds = u64::try_from(instant.timestamp()).map_err(|_| "before 1970".to_owned())?;
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

fn config(args: &Args) -> (Config, Vec<String>) {
    let scopes: Vec<String> = if args.print_token == "all" {
        auth::ALL_SCOPES.iter().map(|scope| (*scope).to_owned()).collect()
    } else {
        args.print_token.split([',', ' ']).filter(|scope| !scope.is_empty()).map(str::to_owned).collect()
    };
    let config = Config {
        addr: args.addr,
        seed: args.seed,
        cas: args.cas,
        certs_per_ca: args.certs,
        faults: args.faults.clone(),
        throttle: args.throttle,
        latency: args.latency,
        default_page_size: args.page_size,
        max_page_size: args.max_page_size,
        token_lifetime: args.token_lifetime,
        now: args.now,
        already_revoked: args.already_revoked,
        wire: args.wire,
        tenant_leaves: args.tenant_leaves,
        crl_delay: args.crl_delay,
        ..Config::default()
    };
    (config, scopes)
}

/// The arguments, or exit: `--help` and `--version` as clap prints them, errors on stderr
/// prefixed `cloudpki-fake:` with status 2.
fn arguments() -> Result<Args, ExitCode> {
    let command = Args::command().after_long_help(cloudpki_fake::help::after_long_help());
    let parsed = command.try_get_matches().and_then(|matches| Args::from_arg_matches(&matches));
    parsed.map_err(|error| {
        if error.use_stderr() {
            eprint!("cloudpki-fake: {error}");
            ExitCode::from(2)
        } else {
            let _ = error.print();
            ExitCode::SUCCESS
        }
    })
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
    let args = match arguments() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let (config, scopes) = config(&args);
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
    if let Some(path) = &args.env_file
        && let Err(error) = fake.write_env_file(path, &token)
    {
        eprintln!("cloudpki-fake: --env-file {}: {error}", path.display());
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
