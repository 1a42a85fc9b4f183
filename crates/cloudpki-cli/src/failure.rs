//! Why a command failed, and its exit status; client errors as messages for people (the
//! service's words terminal-safe, the base URL of a service that cannot be reached, the
//! documented permissions of a refused operation).

use std::fmt;
use std::process::ExitCode;

use cloudpki_client::Error;
use cloudpki_model::api::{Operation, Permissions};

use crate::output::safe;

/// Exit status: some operations failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit status: usage error (clap's too).
pub const EXIT_USAGE: u8 = 2;
/// Exit status: authentication or permission error.
pub const EXIT_AUTH: u8 = 3;
/// Exit status: interrupted (Ctrl-C).
pub const EXIT_INTERRUPTED: u8 = 130;

/// A command that could not finish.
#[derive(Debug)]
pub enum Failure {
    /// The command line or an input file cannot be used (exit 2).
    Usage(String),
    /// Authentication or permissions (exit 3).
    Auth(String),
    /// Something failed (exit 1).
    Failed(String),
    /// Some operations failed; the summary already named them (exit 1, nothing more to print).
    Reported,
    /// Stopped by Ctrl-C; what was done is already reported (exit 130).
    Interrupted,
}

impl Failure {
    /// The process's exit status.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Auth(_) => EXIT_AUTH,
            Failure::Failed(_) | Failure::Reported => EXIT_FAILED,
            Failure::Interrupted => EXIT_INTERRUPTED,
        })
    }

    /// The message for stderr, if any is left to print.
    pub fn message(&self) -> Option<&str> {
        match self {
            Failure::Usage(message) | Failure::Auth(message) | Failure::Failed(message) => Some(message),
            Failure::Reported | Failure::Interrupted => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().unwrap_or("failed"))
    }
}

/// Where the token came from, for the messages of authentication errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenOrigin {
    /// `GRAPH_TOKEN`.
    Environment,
    /// An `azure_identity` credential.
    AzureCredential,
}

/// The service a run talks to, for error messages.
#[derive(Clone, Debug)]
pub struct Service {
    /// The base URL, as given.
    pub base_url: String,
    /// Where the token comes from.
    pub token: TokenOrigin,
}

/// What an operation is, for error messages: its id and documented permissions.
#[derive(Clone, Copy, Debug)]
pub struct OperationInfo {
    /// The Graph operation id.
    pub id: &'static str,
    /// Whether it changes something.
    pub writes: bool,
    /// Its documented permissions.
    pub permissions: Permissions,
}

impl OperationInfo {
    /// The information of `O`.
    pub fn of<O: Operation>() -> Self {
        OperationInfo {
            id: O::OPERATION_ID,
            writes: O::METHOD != cloudpki_model::api::Method::Get,
            permissions: O::PERMISSIONS,
        }
    }
}

/// Turns a client error of `operation` into a failure, naming the documented permissions of the
/// operation when the service refused the token (403), and the base URL when the service cannot
/// be reached.
pub fn from_client(error: &Error, operation: OperationInfo, service: &Service) -> Failure {
    if let Some(message) = auth_message(error, operation, service) {
        return Failure::Auth(message);
    }
    let text = safe(&error.to_string()).into_owned();
    match error {
        Error::InsecureBaseUrl(_) | Error::Request(cloudpki_model::api::RequestError::InvalidBaseUrl { .. }) => {
            Failure::Usage(text)
        }
        Error::Transport { message, .. } => Failure::Failed(format!(
            "{}: cannot reach the service at {}: {}\nis the service running, and is --base-url right?",
            operation.id,
            safe(&service.base_url),
            safe(message)
        )),
        _ => Failure::Failed(format!("{}: {text}", operation.id)),
    }
}

/// A 404 as "not found" (exit 1), with the service's words.
pub fn not_found(error: &Error, what: impl FnOnce() -> String) -> Option<Failure> {
    (error.status() == Some(http::StatusCode::NOT_FOUND))
        .then(|| Failure::Failed(format!("{}: {}", safe(&what()), safe(&error.to_string()))))
}

/// The message of an authentication or permission failure, `None` for other errors.
pub fn auth_message(error: &Error, operation: OperationInfo, service: &Service) -> Option<String> {
    let shown = safe(&error.to_string()).into_owned();
    let from = match service.token {
        TokenOrigin::Environment => "the token in GRAPH_TOKEN",
        TokenOrigin::AzureCredential => "the token of the Azure credential",
    };
    match error.status() {
        Some(status) if status == http::StatusCode::FORBIDDEN => {
            let mut message = format!(
                "permission denied for {}: {shown}\n{from} lacks a permission this operation needs; {}",
                operation.id,
                describe_permissions(&operation.permissions)
            );
            let documented_read_only =
                operation.permissions.all().iter().all(|permission| !permission.contains("ReadWrite"));
            if operation.writes && documented_read_only {
                message.push_str(
                    "\nnote: this is a write: it needs a ReadWrite scope (DeviceManagementConfiguration.ReadWrite.All, \
                     or DeviceManagementCloudCA.ReadWrite.All) although the documentation lists only Read.All",
                );
            }
            Some(message)
        }
        Some(status) if status == http::StatusCode::UNAUTHORIZED => Some(format!(
            "authentication failed for {}: {shown}\n{from} was refused: expired, for another tenant, or not issued \
             for https://graph.microsoft.com (scope {})",
            operation.id,
            cloudpki_client::GRAPH_SCOPE
        )),
        _ => match error {
            Error::Auth(message) => Some(format!(
                "could not get a token: {}\nset GRAPH_TOKEN, or AZURE_TENANT_ID, AZURE_CLIENT_ID and \
                 AZURE_CLIENT_SECRET (or a workload or managed identity), or sign in with `az login`",
                safe(message)
            )),
            _ => None,
        },
    }
}

/// "documented permissions: delegated ..., application ...".
fn describe_permissions(permissions: &Permissions) -> String {
    let mut parts = Vec::new();
    if !permissions.delegated_work.is_empty() {
        parts.push(format!("delegated (work or school) {}", permissions.delegated_work.join(" or ")));
    }
    if !permissions.application.is_empty() {
        parts.push(format!("application {}", permissions.application.join(" or ")));
    }
    if parts.is_empty() {
        "the documentation names no permission for it".to_owned()
    } else {
        format!("documented permissions: {}", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudpki_model::api::GraphError;
    use cloudpki_model::operations::{GetCloudCertificationAuthorityById, RevokeLeafCertificate};

    fn graph(status: u16) -> Error {
        let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::IM_A_TEAPOT);
        let body = br#"{"error":{"code":"Forbidden","message":"nope"}}"#;
        Error::Graph {
            error: Box::new(GraphError::from_parts(status, &http::HeaderMap::new(), body)),
            request_id: Some("req-1".to_owned()),
            client_request_id: "c-1".to_owned(),
            attempts: 1,
        }
    }

    fn service(token: TokenOrigin) -> Service {
        Service { base_url: "http://127.0.0.1:1/beta".to_owned(), token }
    }

    #[test]
    fn a_403_names_the_documented_permissions_and_the_write_scope() {
        let failure =
            from_client(&graph(403), OperationInfo::of::<RevokeLeafCertificate>(), &service(TokenOrigin::Environment));
        let Failure::Auth(message) = &failure else { panic!("{failure:?}") };
        assert!(message.contains("revokeLeafCertificate"), "{message}");
        assert!(message.contains("DeviceManagementConfiguration.Read.All"), "{message}");
        assert!(message.contains("needs a ReadWrite scope"), "{message}");
        assert_eq!(failure.exit_code(), ExitCode::from(3));
        let read = from_client(
            &graph(403),
            OperationInfo::of::<GetCloudCertificationAuthorityById>(),
            &service(TokenOrigin::Environment),
        );
        assert!(!read.to_string().contains("needs a ReadWrite scope"), "{read}");
    }

    #[test]
    fn the_service_words_are_terminal_safe_and_a_refused_connection_names_the_url() {
        let status = http::StatusCode::BAD_REQUEST;
        let body = "{\"error\":{\"code\":\"Bad\\u001b[2J\",\"message\":\"evil \\u202e\\u001b]0;title\\u0007\"}}";
        let error = Error::Graph {
            error: Box::new(GraphError::from_parts(status, &http::HeaderMap::new(), body.as_bytes())),
            request_id: None,
            client_request_id: "c-1".to_owned(),
            attempts: 1,
        };
        let failure =
            from_client(&error, OperationInfo::of::<RevokeLeafCertificate>(), &service(TokenOrigin::Environment));
        let message = failure.to_string();
        assert!(message.contains("evil"), "{message}");
        assert!(
            !message.contains('\u{1b}') && !message.contains('\u{202e}') && !message.contains('\u{7}'),
            "{message:?}"
        );
        let refused =
            Error::Transport { message: "connection refused".to_owned(), client_request_id: "c-2".to_owned() };
        let failure =
            from_client(&refused, OperationInfo::of::<RevokeLeafCertificate>(), &service(TokenOrigin::Environment));
        assert!(failure.to_string().contains("cannot reach the service at http://127.0.0.1:1/beta"), "{failure}");
    }

    #[test]
    fn other_errors_fail_with_1() {
        let failure =
            from_client(&graph(404), OperationInfo::of::<RevokeLeafCertificate>(), &service(TokenOrigin::Environment));
        assert!(matches!(failure, Failure::Failed(_)));
        let failure = from_client(
            &graph(401),
            OperationInfo::of::<RevokeLeafCertificate>(),
            &service(TokenOrigin::AzureCredential),
        );
        assert!(matches!(failure, Failure::Auth(_)));
    }
}
