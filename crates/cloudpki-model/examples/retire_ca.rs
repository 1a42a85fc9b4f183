//! Retires a cloud certification authority, the documented sequence: pause it, revoke every
//! active leaf certificate (across every page), then revoke the CA's own certificate.
//!
//! ```sh
//! export GRAPH_TOKEN=...   # a bearer token with DeviceManagementConfiguration.ReadWrite.All
//! cargo run -p cloudpki-model --features http --example retire_ca -- <ca-id>            # dry run
//! cargo run -p cloudpki-model --features http --example retire_ca -- <ca-id> --execute  # for real
//! ```
//!
//! Without `--execute` it only reads: it prints the CA, then what it would pause and revoke.
//! `--base-url` picks a national cloud (or a local test server). Deleting the CA afterwards is
//! left to the operator (a root cannot go while issuing CAs remain).
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use cloudpki_model::api::{BaseUrl, Operation, RequestOptions, next_page_request};
use cloudpki_model::operations::{
    ChangeCloudCertificationAuthorityStatus, GetAllCloudCertificationAuthorityLeafCertificates,
    GetCloudCertificationAuthorityById, RevokeCloudCertificationAuthorityCertificate, RevokeLeafCertificate,
};
use cloudpki_model::{
    ChangeCloudCertificationAuthorityStatusRequest, CloudCertificationAuthorityLeafCertificateStatus as LeafStatus,
    CloudCertificationAuthorityStatus as CaStatus, RevokeCloudCertificationAuthorityCertificateRequest,
    RevokeLeafCertificateRequest,
};

/// What to retire, and where.
pub struct Args {
    /// The CA's id.
    pub ca_id: String,
    /// Send the writes (otherwise a dry run).
    pub execute: bool,
    /// The service root.
    pub base_url: BaseUrl,
}

/// What a run did (or, dry, would do).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Leaf certificates listed.
    pub listed: usize,
    /// Active ones revoked (or to revoke).
    pub revoked: Vec<String>,
    /// Ones whose revocation failed, with why.
    pub failed: Vec<(String, String)>,
    /// Whether the CA was paused and its certificate revoked.
    pub ca_retired: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut ca_id = None;
    let mut execute = false;
    let mut base_url = BaseUrl::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--execute" => execute = true,
            "--base-url" => {
                base_url = BaseUrl::parse(&args.next().ok_or("--base-url needs a value")?).map_err(|e| e.to_string())?
            }
            other if ca_id.is_none() && !other.starts_with('-') => ca_id = Some(other.to_owned()),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    Ok(Args { ca_id: ca_id.ok_or("usage: retire_ca <ca-id> [--execute] [--base-url URL]")?, execute, base_url })
}

/// Sends `request` with the bearer token and returns the whole response, whatever its status.
fn send(
    agent: &ureq::Agent,
    token: &str,
    mut request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, String> {
    let value = http::HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| e.to_string())?;
    request.headers_mut().insert(http::header::AUTHORIZATION, value);
    let response = agent.run(request).map_err(|e| e.to_string())?;
    let (parts, mut body) = response.into_parts();
    Ok(http::Response::from_parts(parts, body.read_to_vec().map_err(|e| e.to_string())?))
}

/// Sends `operation` and reads its answer.
fn call<O: Operation>(agent: &ureq::Agent, token: &str, args: &Args, operation: &O) -> Result<O::Output, String> {
    let request = operation.to_request(&args.base_url, &RequestOptions::default()).map_err(|e| e.to_string())?;
    O::parse_response(&send(agent, token, request)?).map_err(|e| format!("{}: {e}", O::OPERATION_ID))
}

/// The retirement sequence; progress goes to `out`.
///
/// # Errors
///
/// Reading the CA, pausing it, listing, or revoking its certificate failed (a failed leaf
/// revocation is recorded in the summary, and stops the CA's own revocation).
pub fn run(args: &Args, token: &str, out: &mut impl Write) -> Result<Summary, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let io = |e: std::io::Error| e.to_string();
    let ca = call(&agent, token, args, &GetCloudCertificationAuthorityById::new(args.ca_id.clone()))?.into_entity();
    let version = ca.version_number.ok_or("the CA has no versionNumber")?;
    let name = ca.display_name.as_deref().unwrap_or("?");
    let status = ca.certification_authority_status.value().map_or("?", |s| s.as_str());
    writeln!(out, "CA {} ({name}), version {version}, status {status}", args.ca_id).map_err(io)?;

    if args.execute {
        let pause = ChangeCloudCertificationAuthorityStatusRequest::new(CaStatus::Paused, version);
        let paused =
            call(&agent, token, args, &ChangeCloudCertificationAuthorityStatus::new(args.ca_id.clone(), pause))?;
        let now = paused.entity.certification_authority_status.value().map_or("?", |s| s.as_str());
        writeln!(out, "paused: status {now}").map_err(io)?;
    } else {
        writeln!(out, "would pause the CA").map_err(io)?;
    }

    // Every page first, then the revocations: revoking while paging could move items between
    // pages.
    let mut summary = Summary::default();
    let mut active = Vec::new();
    let options = RequestOptions::default();
    let list = GetAllCloudCertificationAuthorityLeafCertificates::new(args.ca_id.clone());
    let mut request = Some(list.to_request(&args.base_url, &options).map_err(|e| e.to_string())?);
    while let Some(next) = request {
        let page = GetAllCloudCertificationAuthorityLeafCertificates::parse_response(&send(&agent, token, next)?)
            .map_err(|e| e.to_string())?;
        for certificate in &page.value {
            summary.listed += 1;
            if certificate.certificate_status == Some(LeafStatus::Active)
                && let Some(id) = &certificate.id
            {
                active.push(id.clone());
            }
        }
        request = next_page_request(&page, &args.base_url, &options).map_err(|e| e.to_string())?;
    }
    writeln!(out, "{} leaf certificates, {} active", summary.listed, active.len()).map_err(io)?;

    for id in active {
        if !args.execute {
            writeln!(out, "would revoke {id}").map_err(io)?;
            summary.revoked.push(id);
            continue;
        }
        let revoke = RevokeLeafCertificate::new(args.ca_id.clone(), RevokeLeafCertificateRequest::new(id.clone()));
        match call(&agent, token, args, &revoke) {
            Ok(_) => {
                writeln!(out, "revoked {id}").map_err(io)?;
                summary.revoked.push(id);
            }
            Err(error) => {
                writeln!(out, "could not revoke {id}: {error}").map_err(io)?;
                summary.failed.push((id, error));
            }
        }
    }

    if !args.execute {
        writeln!(out, "would revoke the CA certificate (version {version}); pass --execute").map_err(io)?;
    } else if summary.failed.is_empty() {
        let body = RevokeCloudCertificationAuthorityCertificateRequest::new(version);
        call(&agent, token, args, &RevokeCloudCertificationAuthorityCertificate::new(args.ca_id.clone(), body))?;
        writeln!(out, "revoked the CA certificate (version {version})").map_err(io)?;
        summary.ca_retired = true;
    } else {
        writeln!(out, "{} revocations failed: the CA certificate is left as is; run again", summary.failed.len())
            .map_err(io)?;
    }
    Ok(summary)
}

#[allow(dead_code)] // The tests include this file for `run`.
fn main() -> ExitCode {
    let result = parse_args().and_then(|args| {
        let token = std::env::var("GRAPH_TOKEN").map_err(|_| "set GRAPH_TOKEN to a bearer token".to_owned())?;
        run(&args, &token, &mut std::io::stdout())
    });
    match result {
        Ok(summary) if summary.failed.is_empty() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
