//! A certification authority's keys and certificates as the store keeps them: which pool key
//! each version uses, its real certificate (or, for an external root, its PKCS#10 request), and
//! the CRL it publishes. The X.509 work itself is [`crate::pki`]'s; this module maps Graph's
//! settings (key size, hashing algorithm) onto it and turns its failures into Graph errors.

use chrono::{DateTime, Utc};
use cloudpki_model::{
    CloudCertificationAuthorityCertificateKeySize as KeySize, CloudCertificationAuthorityHashingAlgorithm as Hashing,
};

use crate::error::ApiError;
use crate::pki::{self, CaSpec, Hash, Issued, KeyAlgorithm, Revoked, Subject};
use crate::rng::Rng;

/// Where the fake's seeded subjects live (every seeded and created CA shares them).
const ORGANIZATION: &str = "Contoso Ltd";
const ORGANIZATION_UNIT: &str = "Security";

/// One key of the pool, with the hash it signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyRef {
    algorithm: KeyAlgorithm,
    hash: Hash,
    index: usize,
}

impl KeyRef {
    /// The pool key `index` for a CA's settings, and the hashing algorithm it really signs with
    /// (an elliptic curve fixes its hash: P-256 signs with SHA-256, P-384 with SHA-384).
    ///
    /// # Errors
    ///
    /// A key size or hashing algorithm the fake cannot sign with (400).
    pub(crate) fn for_settings(size: &KeySize, hashing: &Hashing, index: usize) -> Result<(KeyRef, Hashing), ApiError> {
        let algorithm = match size {
            KeySize::Rsa2048 => KeyAlgorithm::Rsa2048,
            KeySize::Rsa3072 => KeyAlgorithm::Rsa3072,
            KeySize::Rsa4096 => KeyAlgorithm::Rsa4096,
            KeySize::ECp256 => KeyAlgorithm::EcP256,
            KeySize::ECp384 => KeyAlgorithm::EcP384,
            other => {
                return Err(ApiError::bad_request(&format!(
                    "The certificate key size '{}' is not supported.",
                    other.as_str()
                )));
            }
        };
        let (hash, hashing) = match (algorithm, hashing) {
            (KeyAlgorithm::EcP256, _) => (Hash::Sha256, Hashing::Sha256),
            (KeyAlgorithm::EcP384, _) => (Hash::Sha384, Hashing::Sha384),
            (_, Hashing::Sha256) => (Hash::Sha256, Hashing::Sha256),
            (_, Hashing::Sha384) => (Hash::Sha384, Hashing::Sha384),
            (_, Hashing::Sha512) => (Hash::Sha512, Hashing::Sha512),
            (_, other) => {
                return Err(ApiError::bad_request(&format!(
                    "The hashing algorithm '{}' is not supported.",
                    other.as_str()
                )));
            }
        };
        Ok((KeyRef { algorithm, hash, index }, hashing))
    }

    /// The same key, another index of its pool (a renewal's new key).
    pub(crate) fn with_index(self, index: usize) -> KeyRef {
        KeyRef { index, ..self }
    }

    /// The pool index.
    pub(crate) fn index(self) -> usize {
        self.index
    }

    /// The key pair.
    pub(crate) fn load(self) -> Result<rcgen::KeyPair, ApiError> {
        pki::pool_key(self.algorithm, self.hash, self.index).map_err(internal)
    }
}

/// What one version of a CA holds: its key, and its certificate or (waiting for an external
/// root) the request to sign.
#[derive(Clone, Debug)]
pub(crate) struct VersionKeys {
    pub(crate) key: KeyRef,
    pub(crate) certificate: Option<Issued>,
    pub(crate) csr: Option<String>,
}

/// The subject every CA of the fake has: its name under Contoso's organization.
pub(crate) fn subject(common_name: &str) -> Subject {
    Subject {
        common_name: common_name.to_owned(),
        organization: Some(ORGANIZATION.to_owned()),
        organization_unit: Some(ORGANIZATION_UNIT.to_owned()),
        locality: Some("Redmond".to_owned()),
        state: Some("Washington".to_owned()),
        country: Some("US".to_owned()),
    }
}

/// A CA certificate serial number: 19 bytes, the first `0x3A` (positive, no DER sign octet, so
/// `serialNumber` is the hex of exactly these bytes).
pub(crate) fn serial(rng: &mut Rng) -> Vec<u8> {
    let mut bytes = vec![0x3A];
    while bytes.len() < 19 {
        bytes.extend(rng.next_u64().to_be_bytes());
    }
    bytes.truncate(19);
    bytes
}

/// What a new version's certificate is made of.
pub(crate) struct Certify<'a> {
    pub(crate) subject: &'a Subject,
    pub(crate) serial: &'a [u8],
    pub(crate) not_before: DateTime<Utc>,
    pub(crate) not_after: DateTime<Utc>,
    pub(crate) key: KeyRef,
    /// The issuer's certificate and key (`None`: self-signed, a root).
    pub(crate) issuer: Option<(&'a Issued, KeyRef)>,
}

/// A version's real certificate.
pub(crate) fn certify(what: &Certify<'_>) -> Result<Issued, ApiError> {
    let spec = CaSpec {
        subject: what.subject,
        serial: what.serial,
        not_before: what.not_before,
        not_after: what.not_after,
        // No CRL distribution point: the fake's CDP URL holds its port, and a certificate is a
        // function of the seed alone. Where the CRL is, the entity's
        // `certificateRevocationListUrl` says.
        crl_url: None,
    };
    let key = what.key.load()?;
    match what.issuer {
        None => pki::root_certificate(&spec, &key).map_err(internal),
        Some((issuer, issuer_key)) => {
            let issuer_key = issuer_key.load()?;
            pki::issuing_certificate(&spec, &key, &issuer.signer(&issuer_key)).map_err(internal)
        }
    }
}

/// The PKCS#10 request of a version waiting for an external root.
pub(crate) fn request(subject: &Subject, key: KeyRef) -> Result<String, ApiError> {
    pki::csr_pem(subject, &key.load()?).map_err(internal)
}

/// The public key (SubjectPublicKeyInfo, DER) an uploaded certificate must carry.
pub(crate) fn public_key(key: KeyRef) -> Result<Vec<u8>, ApiError> {
    use rcgen::PublicKeyData as _;
    Ok(key.load()?.subject_public_key_info())
}

/// A CRL signed with `keys` (which must have a certificate) listing `revoked` (serial hex and
/// revocation time); entries whose serial is not hex are left out.
pub(crate) fn crl(
    keys: &VersionKeys,
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
    revoked: &[(String, DateTime<Utc>)],
) -> Result<Vec<u8>, ApiError> {
    let Some(certificate) = &keys.certificate else {
        return Err(ApiError::not_found("The certification authority has no certificate yet, hence no CRL."));
    };
    let serials: Vec<(Vec<u8>, DateTime<Utc>)> = revoked
        .iter()
        .filter_map(|(serial, at)| pki::parse_serial_hex(serial).ok().map(|bytes| (bytes, *at)))
        .collect();
    let entries: Vec<Revoked<'_>> = serials.iter().map(|(serial, at)| Revoked { serial, revoked_at: *at }).collect();
    let key = keys.key.load()?;
    let number = u64::try_from(this_update.timestamp()).unwrap_or_default();
    pki::crl_der(&certificate.signer(&key), number, this_update, next_update, &entries).map_err(internal)
}

fn internal(error: impl std::fmt::Display) -> ApiError {
    ApiError::internal(&format!("certificate material: {error}"))
}
