//! The key pool: throwaway PKCS#8 keys made once with `openssl genpkey` (see `keys/README.md`)
//! and compiled in, so the fake gets the same keys on every run without generating any.

use rcgen::{KeyPair, SignatureAlgorithm};

use super::PkiError;

/// The PEM texts of `keys/<prefix>-<nn>.pem`, in order.
macro_rules! pool {
    ($prefix:literal: $($number:literal),+ $(,)?) => {
        &[$(include_str!(concat!("../../keys/", $prefix, "-", $number, ".pem"))),+]
    };
}

/// The RSA 2048-bit keys.
static RSA_2048: &[&str] = pool!("rsa2048": "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11");
/// The RSA 3072-bit keys.
static RSA_3072: &[&str] = pool!("rsa3072": "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11");
/// The RSA 4096-bit keys.
static RSA_4096: &[&str] = pool!("rsa4096": "00", "01", "02", "03", "04", "05", "06", "07");
/// The ECDSA P-256 keys.
static EC_P256: &[&str] = pool!("ecp256": "00", "01", "02", "03");
/// The ECDSA P-384 keys.
static EC_P384: &[&str] = pool!("ecp384": "00", "01", "02", "03");

/// A key algorithm and size, as a CA's `keyPlatform`/key size settings choose them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeyAlgorithm {
    /// RSA with a 2048-bit modulus.
    Rsa2048,
    /// RSA with a 3072-bit modulus.
    Rsa3072,
    /// RSA with a 4096-bit modulus.
    Rsa4096,
    /// ECDSA on NIST P-256 (always signs with SHA-256).
    EcP256,
    /// ECDSA on NIST P-384 (always signs with SHA-384).
    EcP384,
}

/// The hash a CA signs with (Graph's `hashingAlgorithm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

#[allow(dead_code, reason = "descriptive helpers for tests and callers; not every build uses them all")]
impl KeyAlgorithm {
    /// Every algorithm, for tests and for callers that pick by index.
    pub(crate) const ALL: [Self; 5] = [Self::Rsa2048, Self::Rsa3072, Self::Rsa4096, Self::EcP256, Self::EcP384];

    /// The PEM keys of this algorithm's pool.
    fn pool(self) -> &'static [&'static str] {
        match self {
            Self::Rsa2048 => RSA_2048,
            Self::Rsa3072 => RSA_3072,
            Self::Rsa4096 => RSA_4096,
            Self::EcP256 => EC_P256,
            Self::EcP384 => EC_P384,
        }
    }

    /// How many keys the pool holds for this algorithm; [`pool_key`] indexes wrap around it.
    pub(crate) fn pool_size(self) -> usize {
        self.pool().len()
    }

    /// The key size in bits (RSA modulus, or EC field size).
    pub(crate) fn bits(self) -> u32 {
        match self {
            Self::Rsa2048 => 2048,
            Self::Rsa3072 => 3072,
            Self::Rsa4096 => 4096,
            Self::EcP256 => 256,
            Self::EcP384 => 384,
        }
    }

    /// Whether this is an RSA key (whose signatures are deterministic).
    pub(crate) fn is_rsa(self) -> bool {
        matches!(self, Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096)
    }

    /// The signature algorithm a key of this kind signs with: RSA PKCS#1 v1.5 with the given
    /// hash; for EC the hash is fixed by the curve (P-256 with SHA-256, P-384 with SHA-384, the
    /// only pairs ring signs with) and `hash` is ignored.
    pub(crate) fn signature_algorithm(self, hash: Hash) -> &'static SignatureAlgorithm {
        match (self, hash) {
            (Self::EcP256, _) => &rcgen::PKCS_ECDSA_P256_SHA256,
            (Self::EcP384, _) => &rcgen::PKCS_ECDSA_P384_SHA384,
            (_, Hash::Sha256) => &rcgen::PKCS_RSA_SHA256,
            (_, Hash::Sha384) => &rcgen::PKCS_RSA_SHA384,
            (_, Hash::Sha512) => &rcgen::PKCS_RSA_SHA512,
        }
    }
}

/// Key `index` (modulo the pool size) of the algorithm's pool, set to sign with `hash` (see
/// [`KeyAlgorithm::signature_algorithm`]). The same arguments always give the same key. The
/// pool is compiled in and tested, so the error is not expected in practice.
pub(crate) fn pool_key(algorithm: KeyAlgorithm, hash: Hash, index: usize) -> Result<KeyPair, PkiError> {
    let pool = algorithm.pool();
    let pem = pool[index % pool.len()];
    Ok(KeyPair::from_pkcs8_pem_and_sign_algo(pem, algorithm.signature_algorithm(hash))?)
}
