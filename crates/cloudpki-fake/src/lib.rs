#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]
//! An in-memory Microsoft Graph (beta) Intune Cloud PKI on loopback, to run clients against
//! without a tenant.
//!
//! - **Every operation of the spec** (all 35 of Microsoft's beta SDK for the namespace), each
//!   served by the handler its generated operation type names (`cloudpki_model::for_each_operation!`
//!   over a `Served` impl per type: an operation added or renamed in the spec fails to compile
//!   until it has one), answered with the model's own types in the live service's wire shapes:
//!   single entities bare with `@odata.context` ([`Wire::Live`]; [`Wire::Docs`] serves the doc
//!   pages' `{"value": {...}}` instead), pages with `@odata.context`, `@odata.nextLink` and
//!   `@odata.count`, `$count` as a `text/plain` integer, and what the live service sends (`""`
//!   for `ocspResponderUri` and `certificationAuthorityIssuerId`, the literal `{{CloudPKIFQDN}}`
//!   in `scepServerUrl`, JSON-encoded `keyUsages`, `certificationAuthorityVersionNumber` 0,
//!   `activeVersion` without `$expand`). The top-level leaf certificate collection answers 404,
//!   like live tenants, unless [`Config::tenant_leaves`]. Whether an operation reads or writes
//!   comes from its semantics in the spec (`Operation::SEMANTICS`).
//! - **Real certificates**: every CA's certificate is a real X.509 certificate made from a pool
//!   of throwaway keys (`keys/`), RSA-signed and so a function of the seed; the entity's
//!   `certificateDownloadUrl`, `thumbprint`, `serialNumber`, `subjectName`, validity, key size and
//!   hashing algorithm agree with it. A CA with an external root waits with a real PKCS#10
//!   request; the upload action accepts only a CA certificate for its key with a chain that
//!   verifies. Each CA publishes a real, signed CRL at its `certificateRevocationListUrl` (on
//!   `localhost`, another origin than the base URL, without a token), holding revocations back
//!   for [`Config::crl_delay`].
//! - **Seeded data** ([`Config::seed`], [`Config::cas`], [`Config::certs_per_ca`]): one root and
//!   issuing certification authorities with leaf certificates (GUID ids, hex serial numbers
//!   unique per CA, `CN=device-0042` subjects, mostly active, some revoked or expired). Each CA
//!   draws from a random stream of its own, so ids do not depend on `certs_per_ca`, and the first
//!   CAs keep theirs when `cas` grows.
//! - **Paging**: `Prefer: odata.maxpagesize=N` (echoed in `Preference-Applied`, capped at
//!   [`Config::max_page_size`]), [`Config::default_page_size`] otherwise, next links on the
//!   request's origin with an opaque `$skiptoken` (keyset: a listing of active certificates
//!   stays complete while they are being revoked); `$top`, `$skip`, `$select` (those properties,
//!   plus `id` and `@odata.type`), `$expand`, `$filter` on the status property (`eq`, `ne`,
//!   `and`, `or`, parentheses; anything else is a 400), `$count=true` (400 without
//!   `ConsistencyLevel: eventual`). `$orderby` and `$search` answer 400.
//! - **Auth**: bearer tokens the fake issues ([`FakeHandle::issue_token`], `POST /_fake/token`),
//!   HS256-signed, carrying scopes; 401 without a valid one, 403 naming the accepted scopes
//!   otherwise. Writes need a ReadWrite scope although the docs list only a Read one for several
//!   write actions (see [`auth`]).
//! - **Faults** ([`FaultPlan`], [`FaultKind`]), **throttle** ([`Config::throttle`]) and
//!   **latency** ([`Config::latency`]) per run. Besides the transient failures (429, 503, the
//!   query broker's 500, 504, slow, truncated, dropped; ambiguous ones on writes strike before or
//!   after the change), hostile and ambiguous answers on demand: writes applied late (answered
//!   late or never), applied then answered 5xx, writes that leave reads stale, absurd
//!   `Retry-After` values, next links that loop, a streamed body of gigabytes, error text with
//!   terminal escapes and bidi overrides, a redirect to another loopback host.
//!   `cloudpki-fake --help` ([`help::after_long_help`]) lists every kind with an example.
//! - **Pipeline**: every operation is served by tower layers, outermost first: context (ids,
//!   counting, the body read), latency, bearer auth, throttle, faults, then its handler.
//! - **Stats** ([`Stats`], [`FakeHandle::stats`], `GET /_fake/stats`): requests per operation,
//!   revocation requests per certificate, faults per kind.
//!
//! # Revoking a certificate that is already revoked
//!
//! The service's answer is not documented. The fake answers 200 with the certificate unchanged
//! (its first `revocationDateTime` kept), or 400 with [`AlreadyRevoked::BadRequest`]; either
//! way the request counts in [`Stats::revocations`], so a duplicate is visible.
//!
//! # Admin routes (no auth, no faults, not counted)
//!
//! - `GET /_fake/stats`: [`Stats`] as JSON; `POST /_fake/stats/reset`.
//! - `POST /_fake/token` with `{"scopes": [...], "lifetime_seconds": N}` (both optional; all
//!   scopes by default), or `?scopes=a,b`: `{"access_token": ..., "token_type": "Bearer", ...}`.
//! - `GET /_fake/state[?ca=ID]`: the store's certification authorities and leaf certificates,
//!   the ground truth to compare a listing with.
//! - `GET http://localhost:PORT/CloudPKI/{tenant}/{ca}/{name}.crl` (or `.crt`): a CA's CRL or
//!   certificate, DER.
//!
//! # Scripts
//!
//! The binary prints the base URL on its first line and `token: ...` on its second;
//! `--env-file FILE` also writes `CLOUDPKI_BASE_URL=...` and `GRAPH_TOKEN=...` to FILE
//! atomically once it listens ([`FakeHandle::write_env_file`]).
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use cloudpki_fake::{Config, Fake, FaultPlan};
//!
//! let fake = Fake::start(Config::default().with_data(2, 500).with_faults("rate=0.1".parse().unwrap())).await?;
//! let token = fake.issue_token(&cloudpki_fake::auth::ALL_SCOPES);
//! println!("{} {token}", fake.base_url()); // http://127.0.0.1:PORT/beta
//! let stats = fake.stats();
//! assert!(stats.revoked_more_than_once().is_empty());
//! fake.shutdown().await;
//! # let _ = FaultPlan::none();
//! # Ok(())
//! # }
//! ```

mod admin;
pub mod auth;
mod authority;
mod cdp;
mod config;
mod envfile;
mod error;
mod faults;
mod handlers;
pub mod help;
mod misbehave;
mod odata;
mod operations;
mod parse;
mod pipeline;
mod pki;
mod plan;
mod respond;
mod rng;
mod routes;
mod server;
mod state;
mod stats;
mod store;
mod trap;

pub use config::{AlreadyRevoked, Config, Wire};
pub use operations::{OperationInfo, operations};
pub use parse::{ConfigError, parse_duration};
pub use plan::{FaultKind, FaultPlan, WritePhase};
pub use server::{Fake, FakeHandle};
pub use stats::Stats;
