//! Bearer tokens the fake issues (HS256 JWTs carrying scopes) and the scope each operation
//! needs.
//!
//! The documentation lists only `DeviceManagementConfiguration.Read.All` for several write
//! actions (revoke, revoke by serial number, change status, revoke the CA certificate, upload,
//! the patch and post actions); the spec flags it. The fake does what the real service is
//! expected to do instead: every operation that changes something needs a ReadWrite scope
//! ([`WRITE_SCOPES`]), every read accepts any of [`READ_SCOPES`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use cloudpki_model::api::Semantics;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// `DeviceManagementConfiguration.Read.All`.
pub const CONFIGURATION_READ: &str = "DeviceManagementConfiguration.Read.All";
/// `DeviceManagementConfiguration.ReadWrite.All`.
pub const CONFIGURATION_READ_WRITE: &str = "DeviceManagementConfiguration.ReadWrite.All";
/// `DeviceManagementCloudCA.Read.All`.
pub const CLOUD_CA_READ: &str = "DeviceManagementCloudCA.Read.All";
/// `DeviceManagementCloudCA.ReadWrite.All`.
pub const CLOUD_CA_READ_WRITE: &str = "DeviceManagementCloudCA.ReadWrite.All";

/// Every scope the fake knows (a token with all of them can do everything).
pub const ALL_SCOPES: [&str; 4] = [CONFIGURATION_READ, CONFIGURATION_READ_WRITE, CLOUD_CA_READ, CLOUD_CA_READ_WRITE];
/// The scopes a read accepts (any one of them).
pub const READ_SCOPES: [&str; 4] = ALL_SCOPES;
/// The scopes a write accepts (any one of them).
pub const WRITE_SCOPES: [&str; 2] = [CONFIGURATION_READ_WRITE, CLOUD_CA_READ_WRITE];

/// Whether an operation reads or changes the tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Access {
    /// Reads: any of [`READ_SCOPES`].
    Read,
    /// Changes something: any of [`WRITE_SCOPES`].
    Write,
}

impl Access {
    /// The access an operation needs, from its semantics in the spec: anything but a read-only
    /// operation changes the tenant (whatever scope its documentation lists; several write
    /// actions are documented with a read scope only).
    #[must_use]
    pub fn of(semantics: Semantics) -> Access {
        if semantics.is_read_only() { Access::Read } else { Access::Write }
    }

    /// The scopes that grant it (any one is enough).
    #[must_use]
    pub fn accepted_scopes(self) -> &'static [&'static str] {
        match self {
            Access::Read => &READ_SCOPES,
            Access::Write => &WRITE_SCOPES,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Claims {
    aud: String,
    iss: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    scp: String,
    jti: String,
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenError {
    Missing,
    Malformed,
    BadSignature,
    Expired,
}

impl TokenError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            TokenError::Missing => "Access token is empty.",
            TokenError::Malformed => "IDX14100: JWT is not well formed.",
            TokenError::BadSignature => "Access token validation failure. Invalid signature.",
            TokenError::Expired => "Lifetime validation failed, the token is expired.",
        }
    }
}

/// Issues and checks tokens.
#[derive(Debug)]
pub(crate) struct Tokens {
    secret: Vec<u8>,
    lifetime: Duration,
    issued: AtomicU64,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs())
}

impl Tokens {
    pub(crate) fn new(secret: Vec<u8>, lifetime: Duration) -> Self {
        Tokens { secret, lifetime, issued: AtomicU64::new(0) }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }

    /// A token carrying `scopes`, valid for `lifetime` (the configured one when `None`).
    pub(crate) fn issue(&self, scopes: &[&str], lifetime: Option<Duration>) -> String {
        let now = unix_now();
        let serial = self.issued.fetch_add(1, Ordering::Relaxed);
        let claims = Claims {
            aud: "https://graph.microsoft.com".to_owned(),
            iss: "cloudpki-fake".to_owned(),
            iat: now,
            nbf: now.saturating_sub(300),
            exp: now + lifetime.unwrap_or(self.lifetime).as_secs(),
            scp: scopes.join(" "),
            jti: format!("fake-{serial}"),
        };
        let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = b64(&serde_json::to_vec(&claims).unwrap_or_default());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = b64(&mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// The scopes of a valid token.
    pub(crate) fn verify(&self, authorization: Option<&str>) -> Result<Vec<String>, TokenError> {
        let value = authorization.map(str::trim).filter(|value| !value.is_empty()).ok_or(TokenError::Missing)?;
        let (scheme, token) = value.split_once(' ').ok_or(TokenError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TokenError::Malformed);
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(TokenError::Missing);
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let signature =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature).map_err(|_| TokenError::BadSignature)?;
        let payload =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
        if claims.exp <= unix_now() {
            return Err(TokenError::Expired);
        }
        Ok(claims.scp.split_whitespace().map(str::to_owned).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_scopes_and_are_checked() {
        let tokens = Tokens::new(b"k".to_vec(), Duration::from_secs(60));
        let token = tokens.issue(&[CONFIGURATION_READ], None);
        assert_eq!(tokens.verify(Some(&format!("Bearer {token}"))).unwrap(), [CONFIGURATION_READ]);
        assert_eq!(tokens.verify(None), Err(TokenError::Missing));
        assert_eq!(tokens.verify(Some("Basic abc")), Err(TokenError::Malformed));
        let other = Tokens::new(b"other".to_vec(), Duration::from_secs(60)).issue(&ALL_SCOPES, None);
        assert_eq!(tokens.verify(Some(&format!("Bearer {other}"))), Err(TokenError::BadSignature));
        let expired = tokens.issue(&ALL_SCOPES, Some(Duration::ZERO));
        assert_eq!(tokens.verify(Some(&format!("Bearer {expired}"))), Err(TokenError::Expired));
    }
}
