//! Lists a cloud CA's leaf certificates across pages and revokes the ones that match a filter.
//!
//! ```sh
//! export GRAPH_TOKEN=...   # a bearer token with the permissions the operations document
//! cargo run -p cloudpki-model --features http --example list_and_revoke -- <ca-id> --subject-contains CN=kiosk
//! cargo run -p cloudpki-model --features http --example list_and_revoke -- <ca-id> --subject-contains CN=kiosk --revoke
//! ```
//!
//! Without `--revoke` it only prints what it would revoke. `--base-url` picks a national cloud.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use cloudpki_model::api::{BaseUrl, Operation, RequestOptions, next_page_request};
use cloudpki_model::operations::{GetAllCloudCertificationAuthorityLeafCertificates, RevokeLeafCertificate};
use cloudpki_model::{
    CloudCertificationAuthorityLeafCertificate, CloudCertificationAuthorityLeafCertificateStatus as Status,
    RevokeLeafCertificateRequest,
};

struct Args {
    ca_id: String,
    subject_contains: String,
    revoke: bool,
    base_url: BaseUrl,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut ca_id = None;
    let mut subject_contains = None;
    let mut revoke = false;
    let mut base_url = BaseUrl::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--subject-contains" => subject_contains = args.next(),
            "--revoke" => revoke = true,
            "--base-url" => {
                base_url = BaseUrl::parse(&args.next().ok_or("--base-url needs a value")?).map_err(|e| e.to_string())?
            }
            other if ca_id.is_none() && !other.starts_with('-') => ca_id = Some(other.to_owned()),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    Ok(Args {
        ca_id: ca_id.ok_or("usage: list_and_revoke <ca-id> --subject-contains TEXT [--revoke] [--base-url URL]")?,
        subject_contains: subject_contains.ok_or("--subject-contains TEXT is required")?,
        revoke,
        base_url,
    })
}

/// Sends a request with the bearer token and returns the whole response, whatever its status.
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

fn matches(certificate: &CloudCertificationAuthorityLeafCertificate, subject_contains: &str) -> bool {
    let active = certificate.certificate_status == Some(Status::Active);
    let subject = certificate.subject_name.value().is_some_and(|s| s.contains(subject_contains));
    active && subject
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let token = std::env::var("GRAPH_TOKEN").map_err(|_| "set GRAPH_TOKEN to a bearer token")?;
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let options = RequestOptions::include_unknown_enum_members();

    let mut to_revoke = Vec::new();
    let mut request = Some(
        GetAllCloudCertificationAuthorityLeafCertificates::new(args.ca_id.clone())
            .to_request(&args.base_url, &options)
            .map_err(|e| e.to_string())?,
    );
    let mut listed = 0usize;
    while let Some(next) = request {
        let response = send(&agent, &token, next)?;
        let page =
            GetAllCloudCertificationAuthorityLeafCertificates::parse_response(&response).map_err(|e| e.to_string())?;
        for certificate in &page.value {
            listed += 1;
            let id = certificate.id.as_deref().unwrap_or("?");
            let status = certificate.certificate_status.as_ref().map_or("?", |s| s.as_str());
            let subject = certificate.subject_name.value().map_or("", String::as_str);
            let ends = certificate.validity_end_date_time.value().map(|d| d.to_string()).unwrap_or_default();
            println!("{id}  {status:<10} {ends:<34} {subject}");
            if matches(certificate, &args.subject_contains) {
                to_revoke.push(id.to_owned());
            }
        }
        request = next_page_request(&page, &args.base_url, &options).map_err(|e| e.to_string())?;
    }
    println!("{listed} certificates; {} match `{}`", to_revoke.len(), args.subject_contains);

    for id in to_revoke {
        if !args.revoke {
            println!("would revoke {id} (pass --revoke)");
            continue;
        }
        let body = RevokeLeafCertificateRequest::new(id.clone());
        let request = RevokeLeafCertificate::new(args.ca_id.clone(), body)
            .to_request(&args.base_url, &options)
            .map_err(|e| e.to_string())?;
        match RevokeLeafCertificate::parse_response(&send(&agent, &token, request)?) {
            Ok(revoked) => println!(
                "revoked {id}: status {}",
                revoked.entity.certificate_status.as_ref().map_or("?", |s| s.as_str())
            ),
            Err(error) => eprintln!("could not revoke {id}: {error}"),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
