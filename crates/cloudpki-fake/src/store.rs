//! The tenant in memory: certification authorities, their versions and leaf certificates, seeded
//! deterministically, and every change the operations make. Entities are kept as the model's
//! types, so what is served has the spec's wire shapes.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration as Days, Timelike, Utc};
use cloudpki_model::{
    CloudCertificationAuthority as Ca, CloudCertificationAuthorityCertificateKeySize as KeySize,
    CloudCertificationAuthorityHashingAlgorithm as Hashing, CloudCertificationAuthorityKeyPlatformType as KeyPlatform,
    CloudCertificationAuthorityLeafCertificate as Leaf, CloudCertificationAuthorityLeafCertificateStatus as LeafStatus,
    CloudCertificationAuthorityStatus as CaStatus, CloudCertificationAuthorityType as CaType,
    CloudCertificationAuthorityVersion as Version, CloudCertificationAuthorityVersionStatus as VersionStatus,
    CloudCertificationAuthorityVersionUsage as Usage, DateTimeOffset, ExtendedKeyUsage, Nullable,
};
use serde_json::{Value, json};

use crate::authority::{self, Certify, KeyRef, VersionKeys};
use crate::error::ApiError;
use crate::rng::{Rng, mix};

/// `@odata.type` of each entity.
pub(crate) const CA_TYPE: &str = "#microsoft.graph.cloudCertificationAuthority";
pub(crate) const LEAF_TYPE: &str = "#microsoft.graph.cloudCertificationAuthorityLeafCertificate";
pub(crate) const VERSION_TYPE: &str = "#microsoft.graph.cloudCertificationAuthorityVersion";

/// The path of the fake's CRL distribution points and CA certificates below its CDP origin
/// (the live service's is `http://primary-cdp.manage.microsoft.com/CloudPKI`).
pub(crate) const CDP_PATH: &str = "/CloudPKI";

/// One certification authority and what hangs off it.
#[derive(Clone, Debug)]
pub(crate) struct CaRecord {
    /// A key that only grows (paging across deletions).
    pub(crate) seq: u64,
    /// The entity, without `activeVersion` (added when served).
    pub(crate) entity: Ca,
    pub(crate) versions: Vec<Version>,
    pub(crate) leaves: Vec<Leaf>,
    /// The key and certificate (or request) of each version, by version number.
    pub(crate) keys: BTreeMap<i32, VersionKeys>,
    leaf_by_id: HashMap<String, usize>,
    leaf_by_serial: HashMap<String, usize>,
}

impl CaRecord {
    pub(crate) fn id(&self) -> &str {
        self.entity.id.as_deref().unwrap_or_default()
    }

    pub(crate) fn status(&self) -> Option<&CaStatus> {
        self.entity.certification_authority_status.value()
    }

    pub(crate) fn is_type(&self, kind: &CaType) -> bool {
        self.entity.cloud_certification_authority_type.value() == Some(kind)
    }

    pub(crate) fn leaf_index(&self, id: &str) -> Option<usize> {
        self.leaf_by_id.get(id).copied()
    }

    pub(crate) fn leaf_index_by_serial(&self, serial: &str) -> Option<usize> {
        self.leaf_by_serial.get(&serial.trim().to_ascii_uppercase()).copied()
    }

    /// The key and certificate of the active version.
    pub(crate) fn active_keys(&self) -> Option<&VersionKeys> {
        self.keys.get(&self.entity.version_number?)
    }

    /// The version the CA's `versionNumber` names.
    pub(crate) fn active_version(&self) -> Option<&Version> {
        let number = self.entity.version_number?;
        self.versions.iter().find(|version| version.version_number.value() == Some(&number))
    }

    /// The entity as served: `activeVersion` included (with its context annotation), and
    /// `versions` when expanded.
    pub(crate) fn rendered(&self, service_root: &str, expand_versions: bool) -> Ca {
        let mut entity = self.entity.clone();
        let id = self.id().to_owned();
        match self.active_version() {
            Some(version) => {
                entity.additional_properties.insert(
                    "activeVersion@odata.context",
                    json!(format!("{service_root}/$metadata#deviceManagement/cloudCertificationAuthority('{id}')/activeVersion/$entity")),
                );
                entity.active_version = Nullable::Value(Box::new(version.clone()));
            }
            None => entity.active_version = Nullable::Null,
        }
        if expand_versions {
            entity.additional_properties.insert(
                "versions@odata.context",
                json!(format!(
                    "{service_root}/$metadata#deviceManagement/cloudCertificationAuthority('{id}')/versions"
                )),
            );
            entity.versions = Some(self.versions.clone());
        }
        entity
    }

    fn push_leaf(&mut self, leaf: Leaf) {
        let index = self.leaves.len();
        if let Some(id) = &leaf.id {
            self.leaf_by_id.insert(id.clone(), index);
        }
        if let Some(serial) = &leaf.serial_number {
            self.leaf_by_serial.insert(serial.to_ascii_uppercase(), index);
        }
        self.leaves.push(leaf);
    }
}

/// The properties of a leaf certificate that describe its subject rather than the certificate:
/// what a create or an update of the top-level collection may set.
pub(crate) const LEAF_DESCRIPTIVE: [&str; 8] = [
    "subjectName",
    "deviceName",
    "deviceId",
    "devicePlatform",
    "userPrincipalName",
    "userId",
    "keyUsages",
    "extendedKeyUsages",
];

/// An entity as reads still see it for a while after a write.
#[derive(Clone, Debug)]
pub(crate) enum Stale {
    Leaf(Box<Leaf>),
    Ca(Box<Ca>),
}

/// What a leaf revocation did.
#[derive(Clone, Debug)]
pub(crate) struct Revocation {
    pub(crate) leaf: Leaf,
    /// Whether the status changed (false: it was already revoked).
    pub(crate) changed: bool,
}

/// The whole tenant.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) tenant_id: String,
    pub(crate) cas: Vec<CaRecord>,
    /// `http://localhost:PORT`: where the CRLs and CA certificates are published (another
    /// origin than the Graph base URL, as the live service's CDP host is another host).
    pub(crate) cdp: String,
    next_seq: u64,
    /// The next pool key index for a key made through the API.
    next_key: usize,
    /// What reads still see after a write that drew the `stale` fault: the entity as it was,
    /// by id, until an instant (eventual consistency).
    stale: HashMap<String, (std::time::Instant, Stale)>,
    rng: Rng,
}

/// A date-time as the live service writes it: whole seconds, `Z`.
pub(crate) fn wire_time(instant: DateTime<Utc>) -> DateTimeOffset {
    DateTimeOffset::from(instant.with_nanosecond(0).unwrap_or(instant))
}

fn e_tag(instant: DateTime<Utc>) -> String {
    let text = wire_time(instant).to_string().replace(':', "%3A");
    format!("W/\"datetime'{text}'\"")
}

fn url_name(name: &str) -> String {
    name.replace(' ', "%20")
}

struct CaSeed<'a> {
    name: String,
    kind: CaType,
    root: Option<&'a CaRecord>,
    /// The pool index of the key of its first version.
    key_index: usize,
    created: DateTime<Utc>,
    years: i32,
    key_size: KeySize,
    hashing: Hashing,
    platform: KeyPlatform,
    status: CaStatus,
    versions: u8,
    tags: Vec<String>,
    description: Option<String>,
}

impl Store {
    /// The tenant of `seed`: one root, then `issuing` issuing certification authorities with
    /// `per_ca` leaf certificates each, dated relative to `now`, publishing CRLs under `cdp`.
    ///
    /// Each CA draws from a stream of its own (the seed and its position), and so do its leaf
    /// certificates, so a CA's id and its certificates' ids do not depend on `per_ca`, and the
    /// first CAs keep theirs when `issuing` grows.
    pub(crate) fn seeded(
        seed: u64,
        issuing: usize,
        per_ca: usize,
        now: DateTime<Utc>,
        cdp: &str,
    ) -> Result<Store, ApiError> {
        let stream = |position: u64, purpose: u64| Rng::new(mix(mix(seed) ^ mix(position ^ (purpose << 32))));
        let mut store = Store {
            tenant_id: Rng::new(seed).guid(),
            cas: Vec::new(),
            cdp: cdp.to_owned(),
            next_seq: 1,
            next_key: 0,
            stale: HashMap::new(),
            rng: Rng::new(seed ^ 0xC0FFEE),
        };
        let mut rng = stream(0, 1);
        let root_created = now - Days::days(400) - Days::seconds(rng.below(86_400) as i64);
        let key_base = usize::try_from(seed % 1024).unwrap_or_default();
        let root = store.build_ca(
            &mut rng,
            CaSeed {
                name: "Contoso Root CA".to_owned(),
                kind: CaType::RootCertificationAuthority,
                root: None,
                key_index: key_base,
                created: root_created,
                years: 10,
                key_size: KeySize::Rsa4096,
                hashing: Hashing::Sha512,
                platform: KeyPlatform::HardwareSecurityModule,
                status: CaStatus::Active,
                versions: 1,
                tags: vec!["0".to_owned()],
                description: Some("Two-tier Cloud PKI root".to_owned()),
            },
        )?;
        store.insert(root);
        const SIZES: [KeySize; 3] = [KeySize::Rsa2048, KeySize::Rsa3072, KeySize::Rsa4096];
        const HASHES: [Hashing; 3] = [Hashing::Sha256, Hashing::Sha384, Hashing::Sha512];
        for index in 0..issuing {
            let position = index as u64 + 1;
            let mut rng = stream(position, 1);
            let created = root_created + Days::days(10 + index as i64) + Days::seconds(rng.below(86_400) as i64);
            let mut ca = store.build_ca(
                &mut rng,
                CaSeed {
                    name: format!("Contoso Issuing CA {}", index + 1),
                    kind: CaType::IssuingCertificationAuthority,
                    root: store.cas.first(),
                    // Two versions each, three sizes: distinct keys of a size for the first CAs.
                    key_index: key_base + 1 + 2 * (index / 3),
                    created,
                    years: 5,
                    key_size: SIZES[index % 3].clone(),
                    hashing: HASHES[index % 3].clone(),
                    platform: if index % 2 == 0 { KeyPlatform::Software } else { KeyPlatform::HardwareSecurityModule },
                    status: CaStatus::Active,
                    versions: if index % 2 == 1 { 2 } else { 1 },
                    tags: if index % 2 == 0 { vec!["0".to_owned()] } else { vec!["0".to_owned(), "3".to_owned()] },
                    description: (index % 3 != 1)
                        .then(|| format!("Issues device and user certificates ({})", index + 1)),
                },
            )?;
            seed_leaves(&mut stream(position, 2), &mut ca, per_ca, now);
            store.insert(ca);
        }
        Ok(store)
    }

    /// `{cdp}/CloudPKI/{tenant}/{ca}/{name}.{extension}`: a CA's CRL (`crl`) or certificate (`crt`).
    fn published(&self, ca_id: &str, name: &str, extension: &str) -> String {
        format!("{}{CDP_PATH}/{}/{ca_id}/{}.{extension}", self.cdp, self.tenant_id, url_name(name))
    }

    fn insert(&mut self, mut record: CaRecord) {
        record.seq = self.next_seq;
        self.next_seq += 1;
        self.cas.push(record);
    }

    /// A CA with `seed.versions` versions, each with a real certificate from its pool key
    /// (signed by `seed.root`'s active version, or self-signed), or, for an external root, a
    /// PKCS#10 request waiting to be signed.
    fn build_ca(&self, rng: &mut Rng, seed: CaSeed<'_>) -> Result<CaRecord, ApiError> {
        let id = rng.guid();
        let tenant = &self.tenant_id;
        let name = seed.name;
        let start = seed.created;
        let end = start + Days::days(365 * i64::from(seed.years) + i64::from(seed.years / 4));
        let modified = start + Days::days(30) + Days::seconds(rng.below(86_400) as i64);
        let external = seed.kind == CaType::IssuingCertificationAuthorityWithExternalRoot;
        let subject = authority::subject(&name);
        let crl = self.published(&id, &name, "crl");
        let (key, hashing) = KeyRef::for_settings(&seed.key_size, &seed.hashing, seed.key_index)?;
        let issuer = match seed.root {
            Some(root) => {
                let keys = root.active_keys().filter(|keys| keys.certificate.is_some());
                Some(keys.ok_or_else(|| ApiError::bad_request("The root certification authority has no certificate."))?)
            }
            None => None,
        };
        let mut versions = Vec::new();
        let mut keys = BTreeMap::new();
        for number in 1..=seed.versions {
            let last = number == seed.versions;
            let (version_start, version_end) = if last {
                (start, end)
            } else {
                let earlier = start - Days::days(730);
                (earlier, earlier + Days::days(365 * i64::from(seed.years)))
            };
            let version_key = key.with_index(key.index() + usize::from(number - 1));
            let serial = authority::serial(rng);
            let version_keys = if external {
                VersionKeys {
                    key: version_key,
                    certificate: None,
                    csr: Some(authority::request(&subject, version_key)?),
                }
            } else {
                let certificate = authority::certify(&Certify {
                    subject: &subject,
                    serial: &serial,
                    not_before: version_start,
                    not_after: version_end,
                    key: version_key,
                    issuer: issuer.as_ref().and_then(|keys| keys.certificate.as_ref().map(|c| (c, keys.key))),
                })?;
                VersionKeys { key: version_key, certificate: Some(certificate), csr: None }
            };
            let status = match (external, last) {
                (true, _) => VersionStatus::SigningPending,
                (false, true) => VersionStatus::Active,
                (false, false) => VersionStatus::Retired,
            };
            let mut version = Version::new()
                .with_id(rng.guid())
                .with_certificate_revocation_list_url(crl.clone())
                .with_certification_authority_id(id.clone())
                .with_certification_authority_version_status(status)
                .with_key_platform(seed.platform.clone())
                .with_last_modified_date_time(wire_time(if last { modified } else { start }))
                .with_ocsp_responder_uri("")
                .with_subject_name(subject.graph_text())
                .with_usage(Usage::new().with_issued_staged_leaf_certificate_count(0))
                .with_version_number(i32::from(number));
            show_certificate(&mut version, &version_keys);
            version.decommission_date_time = if last { Nullable::Null } else { Nullable::Value(wire_time(start)) };
            version.additional_properties.insert("@odata.type", json!(VERSION_TYPE));
            versions.push(version);
            keys.insert(i32::from(number), version_keys);
        }
        let mut entity = Ca::new()
            .with_id(id.clone())
            .with_display_name(name.clone())
            .with_certificate_revocation_list_url(crl.clone())
            .with_ocsp_responder_uri("")
            .with_certification_authority_status(if external { CaStatus::SigningPending } else { seed.status })
            .with_e_tag(e_tag(modified))
            .with_last_modified_date_time(wire_time(modified))
            .with_role_scope_tag_ids(seed.tags)
            .with_created_date_time(wire_time(start))
            .with_certification_authority_issuer_id("")
            .with_cloud_certification_authority_type(seed.kind.clone())
            .with_validity_period_in_years(seed.years)
            .with_organization_name(subject.organization.clone().unwrap_or_default())
            .with_organization_unit(subject.organization_unit.clone().unwrap_or_default())
            .with_country_name(subject.country.clone().unwrap_or_default())
            .with_state_name(subject.state.clone().unwrap_or_default())
            .with_locality_name(subject.locality.clone().unwrap_or_default())
            .with_certificate_key_size(seed.key_size)
            .with_cloud_certification_authority_hashing_algorithm(hashing)
            .with_subject_name(subject.graph_text())
            .with_common_name(name.clone())
            .with_version_number(i32::from(seed.versions))
            .with_key_platform(seed.platform.clone())
            .with_geographic_region("northAmerica");
        entity.description = seed.description.map_or(Nullable::Null, Nullable::Value);
        if let Some(active) = keys.get(&i32::from(seed.versions)) {
            show_ca_certificate(&mut entity, active);
        }
        match &issuer {
            None => {
                entity.scep_server_url = Nullable::Null;
                entity.certification_authority_issuer_uri = Nullable::Null;
                entity.issuer_common_name = Nullable::Null;
                entity.root_certificate_common_name =
                    if external { Nullable::Null } else { Nullable::Value(name.clone()) };
                entity.extended_key_usages = Nullable::Value(vec![
                    ExtendedKeyUsage::new().with_name("Any Purpose").with_object_identifier("2.5.29.37.0"),
                ]);
            }
            Some(_) => {
                let root = seed.root.map(|root| &root.entity);
                let root_name = root.and_then(|root| root.display_name.clone()).unwrap_or_default();
                let root_id = root.and_then(|root| root.id.clone()).unwrap_or_default();
                entity.certification_authority_issuer_uri =
                    Nullable::Value(self.published(&root_id, &root_name, "crt"));
                entity.issuer_common_name = Nullable::Value(root_name.clone());
                entity.root_certificate_common_name = Nullable::Value(root_name);
            }
        }
        if seed.kind != CaType::RootCertificationAuthority {
            entity.scep_server_url = Nullable::Value(format!(
                "https://{{{{CloudPKIFQDN}}}}/TrafficGateway/PassThroughRoutingService/CloudPki/CloudPkiService/Scep/{tenant}/{id}"
            ));
            entity.extended_key_usages = Nullable::Value(vec![
                ExtendedKeyUsage::new().with_name("Client Authentication").with_object_identifier("1.3.6.1.5.5.7.3.2"),
                ExtendedKeyUsage::new().with_name("Server Authentication").with_object_identifier("1.3.6.1.5.5.7.3.1"),
            ]);
        }
        entity.additional_properties.insert("@odata.type", json!(CA_TYPE));
        for version in &mut versions {
            version.certification_authority_issuer_uri = entity.certification_authority_issuer_uri.clone();
            version.scep_server_url = entity.scep_server_url.clone();
        }
        Ok(CaRecord {
            seq: 0,
            entity,
            versions,
            leaves: Vec::new(),
            keys,
            leaf_by_id: HashMap::new(),
            leaf_by_serial: HashMap::new(),
        })
    }

    pub(crate) fn ca_index(&self, id: &str) -> Result<usize, ApiError> {
        self.cas.iter().position(|ca| ca.id() == id).ok_or_else(|| ApiError::ca_not_found(id))
    }

    pub(crate) fn ca(&self, id: &str) -> Result<&CaRecord, ApiError> {
        self.ca_index(id).map(|index| &self.cas[index])
    }

    fn ca_mut(&mut self, id: &str) -> Result<&mut CaRecord, ApiError> {
        let index = self.ca_index(id)?;
        Ok(&mut self.cas[index])
    }

    /// Reads of `before`'s entity see `before` until `window` has passed.
    pub(crate) fn hold_stale(&mut self, id: String, before: Stale, window: std::time::Duration) {
        let now = std::time::Instant::now();
        self.stale.retain(|_, (until, _)| *until > now);
        self.stale.insert(id, (now + window, before));
    }

    /// The leaf as reads see it: a stale copy while one is held, else `leaf` itself.
    pub(crate) fn seen_leaf<'a>(&'a self, leaf: &'a Leaf) -> &'a Leaf {
        match leaf.id.as_ref().and_then(|id| self.stale.get(id)) {
            Some((until, Stale::Leaf(before))) if *until > std::time::Instant::now() => before,
            _ => leaf,
        }
    }

    /// The CA entity reads see while a stale copy is held.
    pub(crate) fn stale_ca(&self, id: &str) -> Option<&Ca> {
        match self.stale.get(id) {
            Some((until, Stale::Ca(before))) if *until > std::time::Instant::now() => Some(before),
            _ => None,
        }
    }

    /// Where the leaf `id` is: its CA's index and its own.
    pub(crate) fn find_leaf(&self, id: &str) -> Option<(usize, usize)> {
        self.cas.iter().enumerate().find_map(|(ca, record)| record.leaf_index(id).map(|leaf| (ca, leaf)))
    }

    /// `POST .../cloudCertificationAuthorityLeafCertificate`: a leaf certificate of the CA named by
    /// `issuerId`, with a fresh id and serial number, valid for a year from `now` (read-only
    /// properties of the body are ignored, but the descriptive ones a client sets are kept).
    pub(crate) fn create_leaf(&mut self, body: &Leaf, now: DateTime<Utc>) -> Result<Leaf, ApiError> {
        let Some(issuer) = body.issuer_id.value().filter(|id| !id.trim().is_empty()) else {
            return Err(ApiError::bad_request(
                "The property 'issuerId' is required: it names the issuing certification authority.",
            ));
        };
        let index = self.ca_index(issuer)?;
        if !self.cas[index].is_type(&CaType::IssuingCertificationAuthority)
            && !self.cas[index].is_type(&CaType::IssuingCertificationAuthorityWithExternalRoot)
        {
            return Err(ApiError::bad_request("Only an issuing certification authority issues leaf certificates."));
        }
        let mut rng = self.rng.clone();
        let ca = &mut self.cas[index];
        let crl = ca.entity.certificate_revocation_list_url.value().cloned().unwrap_or_default();
        let mut leaf = Leaf::new()
            .with_id(rng.guid())
            .with_issuer_id(ca.id().to_owned())
            .with_issuer_name(ca.entity.display_name.clone().unwrap_or_default())
            .with_certificate_status(LeafStatus::Active)
            .with_validity_start_date_time(wire_time(now))
            .with_validity_end_date_time(wire_time(now + Days::days(365)))
            .with_crl_distribution_point_url(crl.clone())
            .with_certification_authority_issuer_uri(format!("{}.crt", crl.strip_suffix(".crl").unwrap_or(&crl)))
            .with_ocsp_responder_uri("")
            .with_thumbprint(rng.hex(40))
            .with_serial_number(format!("6F{}", rng.hex(36)))
            .with_certification_authority_version_number(ca.entity.version_number.unwrap_or(1));
        leaf.subject_name = body.subject_name.clone();
        leaf.device_name = body.device_name.clone();
        leaf.device_id = body.device_id.clone();
        leaf.device_platform = body.device_platform.clone();
        leaf.user_principal_name = body.user_principal_name.clone();
        leaf.user_id = body.user_id.clone();
        leaf.key_usages = body.key_usages.clone();
        leaf.extended_key_usages = body.extended_key_usages.clone();
        leaf.revocation_date_time = Nullable::Null;
        leaf.additional_properties.insert("@odata.type", json!(LEAF_TYPE));
        ca.push_leaf(leaf.clone());
        self.rng = rng;
        Ok(leaf)
    }

    /// `PATCH .../cloudCertificationAuthorityLeafCertificate/{id}`: the descriptive properties a
    /// create may set ([`LEAF_DESCRIPTIVE`]) change (absent: unchanged, `null`: cleared); the
    /// certificate's own (status, serial number, validity, issuer) are ignored, as read-only.
    pub(crate) fn update_leaf(&mut self, id: &str, patch: &serde_json::Map<String, Value>) -> Result<(), ApiError> {
        let (ca, index) = self
            .find_leaf(id)
            .ok_or_else(|| ApiError::not_found(format!("The leaf certificate with id '{id}' was not found.")))?;
        let leaf = &mut self.cas[ca].leaves[index];
        let mut value = serde_json::to_value(&*leaf).map_err(|error| ApiError::internal(&error.to_string()))?;
        let Some(object) = value.as_object_mut() else { return Err(ApiError::internal("the leaf is not an object")) };
        for (key, new) in patch.iter().filter(|(key, _)| LEAF_DESCRIPTIVE.contains(&key.as_str())) {
            object.insert(key.clone(), new.clone());
        }
        *leaf = serde_json::from_value(value).map_err(|error| {
            ApiError::bad_request(&format!(
                "The request body is not a valid cloudCertificationAuthorityLeafCertificate: {error}"
            ))
        })?;
        Ok(())
    }

    /// `DELETE .../cloudCertificationAuthorityLeafCertificate/{id}`.
    pub(crate) fn delete_leaf(&mut self, id: &str) -> Result<(), ApiError> {
        let (ca, leaf) = self
            .find_leaf(id)
            .ok_or_else(|| ApiError::not_found(format!("The leaf certificate with id '{id}' was not found.")))?;
        let record = &mut self.cas[ca];
        record.leaves.remove(leaf);
        let leaves = std::mem::take(&mut record.leaves);
        record.leaf_by_id.clear();
        record.leaf_by_serial.clear();
        for leaf in leaves {
            record.push_leaf(leaf);
        }
        Ok(())
    }

    /// The CA `ca_id`'s CRL at `now` (DER, signed by its active version): every leaf revoked
    /// at least `delay` ago (the service publishes on an interval) and, for a root, every
    /// issuing CA whose certificate it revoked; `nextUpdate` is when the revocations held back
    /// now are listed (`delay` on, one day when nothing is held back).
    pub(crate) fn crl(&self, ca_id: &str, now: DateTime<Utc>, delay: std::time::Duration) -> Result<Vec<u8>, ApiError> {
        let ca = self.ca(ca_id)?;
        let delay = Days::from_std(delay).unwrap_or(Days::days(1));
        let this_update = now.with_nanosecond(0).unwrap_or(now);
        let listed = |at: DateTime<Utc>| at + delay <= this_update;
        let mut revoked: Vec<(String, DateTime<Utc>)> = ca
            .leaves
            .iter()
            .filter(|leaf| leaf.certificate_status == Some(LeafStatus::Revoked))
            .filter_map(|leaf| Some((leaf.serial_number.clone()?, leaf.revocation_date_time.value()?.to_utc())))
            .filter(|(_, at)| listed(*at))
            .collect();
        if ca.is_type(&CaType::RootCertificationAuthority) {
            revoked.extend(
                self.cas
                    .iter()
                    .filter(|other| {
                        other.is_type(&CaType::IssuingCertificationAuthority)
                            && other.status() == Some(&CaStatus::Revoked)
                    })
                    .filter_map(|other| {
                        Some((
                            other.entity.serial_number.value()?.clone(),
                            other.entity.last_modified_date_time.value()?.to_utc(),
                        ))
                    })
                    .filter(|(_, at)| listed(*at)),
            );
        }
        let next_update = this_update + if delay > Days::zero() { delay } else { Days::days(1) };
        let keys = ca
            .active_keys()
            .ok_or_else(|| ApiError::not_found("The certification authority has no active version."))?;
        authority::crl(keys, this_update, next_update, &revoked)
    }

    /// The CA `ca_id`'s certificate (DER), as its `.crt` publication serves it.
    pub(crate) fn certificate_der(&self, ca_id: &str) -> Result<Vec<u8>, ApiError> {
        let ca = self.ca(ca_id)?;
        ca.active_keys()
            .and_then(|keys| keys.certificate.as_ref())
            .map(|certificate| certificate.der.clone())
            .ok_or_else(|| ApiError::not_found("The certification authority has no certificate yet."))
    }

    /// Revokes the leaf at `index` of `ca_id` (every call reaches the store: the caller counts
    /// it).
    pub(crate) fn revoke_leaf(
        &mut self,
        ca_id: &str,
        index: usize,
        now: DateTime<Utc>,
    ) -> Result<Revocation, ApiError> {
        let ca = self.ca_mut(ca_id)?;
        let leaf = ca.leaves.get_mut(index).ok_or_else(|| ApiError::leaf_not_found(""))?;
        let changed = leaf.certificate_status != Some(LeafStatus::Revoked);
        if changed {
            leaf.certificate_status = Some(LeafStatus::Revoked);
            leaf.revocation_date_time = Nullable::Value(wire_time(now));
        }
        Ok(Revocation { leaf: leaf.clone(), changed })
    }

    /// Creates a certification authority from a POST body (read-only properties are ignored).
    pub(crate) fn create_ca(&mut self, body: &Ca, now: DateTime<Utc>) -> Result<Ca, ApiError> {
        let Some(name) = body.display_name.clone().filter(|name| !name.trim().is_empty()) else {
            return Err(ApiError::bad_request("The property 'displayName' is required."));
        };
        let kind =
            body.cloud_certification_authority_type.value().cloned().unwrap_or(CaType::IssuingCertificationAuthority);
        let years = body.validity_period_in_years.unwrap_or(match kind {
            CaType::RootCertificationAuthority => 10,
            _ => 5,
        });
        if !(1..=25).contains(&years) {
            return Err(ApiError::bad_request("The property 'validityPeriodInYears' must be between 1 and 25."));
        }
        let root =
            match kind {
                CaType::RootCertificationAuthority | CaType::IssuingCertificationAuthorityWithExternalRoot => None,
                CaType::IssuingCertificationAuthority => {
                    let root = self.cas.iter().position(|ca| {
                        ca.is_type(&CaType::RootCertificationAuthority) && ca.status() == Some(&CaStatus::Active)
                    });
                    Some(root.ok_or_else(|| {
                        ApiError::bad_request("An issuing certification authority needs an active root.")
                    })?)
                }
                _ => return Err(ApiError::bad_request("The property 'cloudCertificationAuthorityType' is not valid.")),
            };
        let mut rng = self.rng.clone();
        let key_index = self.next_key;
        let record = self.build_ca(
            &mut rng,
            CaSeed {
                name,
                kind: kind.clone(),
                root: root.and_then(|index| self.cas.get(index)),
                key_index,
                created: now,
                years,
                key_size: body.certificate_key_size.value().cloned().unwrap_or(KeySize::Rsa2048),
                hashing: body
                    .cloud_certification_authority_hashing_algorithm
                    .value()
                    .cloned()
                    .unwrap_or(Hashing::Sha256),
                platform: body.key_platform.value().cloned().unwrap_or(KeyPlatform::Software),
                status: CaStatus::Active,
                versions: 1,
                tags: body.role_scope_tag_ids.value().cloned().unwrap_or_else(|| vec!["0".to_owned()]),
                description: body.description.value().cloned(),
            },
        )?;
        let mut record = record;
        self.rng = rng;
        self.next_key += 1;
        if kind == CaType::IssuingCertificationAuthorityWithExternalRoot {
            record.entity.issuer_common_name = body.issuer_common_name.clone();
        }
        for (key, value) in &body.additional_properties {
            if !key.starts_with('@') && !record.entity.additional_properties.contains_key(key) {
                record.entity.additional_properties.insert(key, value.clone());
            }
        }
        let entity = record.entity.clone();
        self.insert(record);
        Ok(entity)
    }

    /// Applies a PATCH body: the writable properties present in it (absent: unchanged, `null`:
    /// cleared); read-only ones are ignored, as the service does.
    pub(crate) fn update_ca(
        &mut self,
        id: &str,
        patch: &serde_json::Map<String, Value>,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        const WRITABLE: [&str; 5] =
            ["displayName", "description", "roleScopeTagIds", "issuerCommonName", "validityPeriodInYears"];
        let ca = self.ca_mut(id)?;
        let mut value = serde_json::to_value(&ca.entity).map_err(|error| ApiError::internal(&error.to_string()))?;
        let Some(object) = value.as_object_mut() else { return Err(ApiError::internal("the entity is not an object")) };
        for (key, new) in patch {
            if WRITABLE.contains(&key.as_str()) {
                if key == "displayName" && new.as_str().is_none_or(|name| name.trim().is_empty()) {
                    return Err(ApiError::bad_request("The property 'displayName' cannot be empty."));
                }
                object.insert(key.clone(), new.clone());
            }
        }
        object.insert("lastModifiedDateTime".to_owned(), json!(wire_time(now).to_string()));
        object.insert("eTag".to_owned(), json!(e_tag(now)));
        ca.entity = serde_json::from_value(value).map_err(|error| {
            ApiError::bad_request(&format!("The request body is not a valid cloudCertificationAuthority: {error}"))
        })?;
        Ok(())
    }

    pub(crate) fn delete_ca(&mut self, id: &str) -> Result<(), ApiError> {
        let index = self.ca_index(id)?;
        if self.cas[index].is_type(&CaType::RootCertificationAuthority)
            && self.cas.iter().any(|ca| ca.is_type(&CaType::IssuingCertificationAuthority))
        {
            return Err(ApiError::bad_request(
                "A root certification authority cannot be deleted while issuing certification authorities chain to it.",
            ));
        }
        self.cas.remove(index);
        Ok(())
    }

    pub(crate) fn change_ca_status(
        &mut self,
        id: &str,
        status: Option<&CaStatus>,
        version: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<Ca, ApiError> {
        let ca = self.ca_mut(id)?;
        check_version(ca, version)?;
        let Some(status) = status else {
            return Err(ApiError::bad_request("The parameter 'certificationAuthorityStatus' is required."));
        };
        if !matches!(status, CaStatus::Active | CaStatus::Paused) {
            return Err(ApiError::bad_request(&format!(
                "The status cannot be changed to '{}': only 'active' and 'paused' can be set.",
                status.as_str()
            )));
        }
        match ca.status() {
            Some(CaStatus::Revoked) => return Err(ApiError::bad_request("The certification authority is revoked.")),
            Some(CaStatus::SigningPending) => {
                return Err(ApiError::bad_request("The certification authority waits for its signed certificate."));
            }
            _ => {}
        }
        let version_status = if *status == CaStatus::Paused { VersionStatus::Paused } else { VersionStatus::Active };
        ca.entity.certification_authority_status = Nullable::Value(status.clone());
        touch(ca, now);
        set_active_version_status(ca, version_status);
        Ok(ca.entity.clone())
    }

    pub(crate) fn revoke_ca_certificate(
        &mut self,
        id: &str,
        version: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<(Ca, bool), ApiError> {
        let ca = self.ca_mut(id)?;
        check_version(ca, version)?;
        let changed = ca.status() != Some(&CaStatus::Revoked);
        if changed {
            ca.entity.certification_authority_status = Nullable::Value(CaStatus::Revoked);
            touch(ca, now);
            set_active_version_status(ca, VersionStatus::Revoked);
        }
        Ok((ca.entity.clone(), changed))
    }

    /// `uploadExternallySignedCertificationAuthorityCertificate`: accepted only for a CA with an
    /// external root waiting for its certificate, and only a CA certificate for its request's key
    /// whose chain verifies up to a self-signed root (PEM or base64 DER, as operators paste
    /// either); anything else is a 400 naming what is wrong.
    pub(crate) fn upload_signed(
        &mut self,
        id: &str,
        signed: Option<&str>,
        chain: &[&str],
        version: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<Ca, ApiError> {
        let ca = self.ca_mut(id)?;
        check_version(ca, version)?;
        let Some(signed) = signed.map(str::trim).filter(|text| !text.is_empty()) else {
            return Err(ApiError::bad_request("The parameter 'signedCertificate' is required."));
        };
        if !ca.is_type(&CaType::IssuingCertificationAuthorityWithExternalRoot)
            || ca.status() != Some(&CaStatus::SigningPending)
        {
            return Err(ApiError::bad_request(
                "The certification authority does not wait for an externally signed certificate.",
            ));
        }
        let number = version.or(ca.entity.version_number).unwrap_or(1);
        let Some(keys) = ca.keys.get_mut(&number).filter(|keys| keys.certificate.is_none()) else {
            return Err(ApiError::bad_request(&format!("Version {number} does not wait for a signed certificate.")));
        };
        let expected = authority::public_key(keys.key)?;
        let uploaded = crate::pki::check_upload(&expected, signed, chain)
            .map_err(|error| ApiError::bad_request(&format!("The signed certificate was not accepted: {error}")))?;
        keys.certificate = Some(uploaded.certificate);
        let keys = keys.clone();
        ca.entity.certification_authority_status = Nullable::Value(CaStatus::Active);
        if let Some(root) = uploaded.chain.last() {
            let root_name = crate::pki::Subject::from_graph_text(&root.subject_text)
                .map_or_else(|_| root.subject_text.clone(), |subject| subject.common_name);
            ca.entity.root_certificate_common_name = Nullable::Value(root_name);
        }
        show_ca_certificate(&mut ca.entity, &keys);
        touch(ca, now);
        if let Some(version) = ca.versions.iter_mut().find(|v| v.version_number.value() == Some(&number)) {
            show_certificate(version, &keys);
            version.certification_authority_version_status = Nullable::Value(VersionStatus::Active);
            version.last_modified_date_time = Nullable::Value(wire_time(now));
        }
        Ok(ca.entity.clone())
    }

    /// `renew`: a new, staged version with a new key and a real certificate from the same issuer
    /// (activate it with `activate`). A CA with an external root is renewed by the operator's
    /// own PKI, so it is refused.
    pub(crate) fn renew(&mut self, id: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        let mut rng = self.rng.clone();
        let index = self.ca_index(id)?;
        let ca = &self.cas[index];
        if matches!(ca.status(), Some(CaStatus::Revoked | CaStatus::SigningPending)) {
            return Err(ApiError::bad_request("The certification authority cannot be renewed in its current status."));
        }
        if ca.is_type(&CaType::IssuingCertificationAuthorityWithExternalRoot) {
            return Err(ApiError::bad_request(
                "A certification authority with an external root is renewed by signing a new request on that root.",
            ));
        }
        let (Some(template), Some(current)) = (ca.versions.last().cloned(), ca.active_keys().cloned()) else {
            return Err(ApiError::internal("no version"));
        };
        let number =
            ca.versions.iter().filter_map(|version| version.version_number.value().copied()).max().unwrap_or(0) + 1;
        let years = i64::from(ca.entity.validity_period_in_years.unwrap_or(5));
        let name = ca.entity.common_name.value().cloned().unwrap_or_default();
        let issuer = if ca.is_type(&CaType::RootCertificationAuthority) {
            None
        } else {
            let root = self.cas.iter().find(|other| other.is_type(&CaType::RootCertificationAuthority));
            let root = root.ok_or_else(|| ApiError::bad_request("The root certification authority is gone."))?;
            Some(root.active_keys().cloned().ok_or_else(|| ApiError::internal("no root key"))?)
        };
        let key = current.key.with_index(current.key.index() + 1);
        let certificate = authority::certify(&Certify {
            subject: &authority::subject(&name),
            serial: &authority::serial(&mut rng),
            not_before: now,
            not_after: now + Days::days(365 * years),
            key,
            issuer: issuer.as_ref().and_then(|keys| keys.certificate.as_ref().map(|c| (c, keys.key))),
        })?;
        let keys = VersionKeys { key, certificate: Some(certificate), csr: None };
        let mut version = template
            .with_id(rng.guid())
            .with_version_number(number)
            .with_certification_authority_version_status(VersionStatus::Staged)
            .with_last_modified_date_time(wire_time(now))
            .with_usage(Usage::new().with_issued_staged_leaf_certificate_count(0));
        show_certificate(&mut version, &keys);
        version.decommission_date_time = Nullable::Null;
        let ca = &mut self.cas[index];
        ca.versions.push(version);
        ca.keys.insert(number, keys);
        touch(ca, now);
        self.rng = rng;
        Ok(())
    }

    /// `activate`: the given (or the newest) version becomes the active one; the one active
    /// before is retired.
    pub(crate) fn activate(&mut self, id: &str, version: Option<i32>, now: DateTime<Utc>) -> Result<Ca, ApiError> {
        let ca = self.ca_mut(id)?;
        let number = match version {
            Some(number) => number,
            None => ca.versions.iter().filter_map(|version| version.version_number.value().copied()).max().unwrap_or(1),
        };
        if !ca.versions.iter().any(|version| version.version_number.value() == Some(&number)) {
            return Err(ApiError::bad_request(&format!("The certification authority has no version {number}.")));
        }
        if matches!(ca.status(), Some(CaStatus::Revoked)) {
            return Err(ApiError::bad_request("The certification authority is revoked."));
        }
        let current = ca.entity.version_number;
        for version in &mut ca.versions {
            let this = version.version_number.value().copied();
            if this == Some(number) {
                version.certification_authority_version_status = Nullable::Value(VersionStatus::Active);
                version.last_modified_date_time = Nullable::Value(wire_time(now));
            } else if this == current && current != Some(number) {
                version.certification_authority_version_status = Nullable::Value(VersionStatus::Retired);
                version.decommission_date_time = Nullable::Value(wire_time(now));
                version.last_modified_date_time = Nullable::Value(wire_time(now));
            }
        }
        if let Some(keys) = ca.keys.get(&number).cloned() {
            show_ca_certificate(&mut ca.entity, &keys);
        }
        ca.entity.version_number = Some(number);
        if ca.status() == Some(&CaStatus::Paused) {
            set_active_version_status(ca, VersionStatus::Paused);
        }
        touch(ca, now);
        Ok(ca.entity.clone())
    }
}

/// The certificate fields an entity shows (the CA and each version have the same ones), from
/// its real certificate, or nulls and its request while it waits for an external root.
struct Shown {
    request: Nullable<String>,
    download_url: Nullable<String>,
    serial_number: Nullable<String>,
    thumbprint: Nullable<String>,
    start: Nullable<DateTimeOffset>,
    end: Nullable<DateTimeOffset>,
}

impl Shown {
    fn of(keys: &VersionKeys) -> Shown {
        let request = keys.csr.clone().map_or(Nullable::Null, Nullable::Value);
        match &keys.certificate {
            Some(certificate) => Shown {
                request,
                download_url: Nullable::Value(certificate.data_url()),
                serial_number: Nullable::Value(certificate.serial_hex.clone()),
                thumbprint: Nullable::Value(certificate.thumbprint.clone()),
                start: Nullable::Value(wire_time(certificate.not_before)),
                end: Nullable::Value(wire_time(certificate.not_after)),
            },
            None => Shown {
                request,
                download_url: Nullable::Null,
                serial_number: Nullable::Null,
                thumbprint: Nullable::Null,
                start: Nullable::Null,
                end: Nullable::Null,
            },
        }
    }
}

/// Writes [`Shown`] into a CA or a version (their fields have the same names).
macro_rules! show {
    ($entity:expr, $keys:expr) => {{
        let shown = Shown::of($keys);
        let entity = $entity;
        entity.certificate_signing_request = shown.request;
        entity.certificate_download_url = shown.download_url;
        entity.serial_number = shown.serial_number;
        entity.thumbprint = shown.thumbprint;
        entity.validity_start_date_time = shown.start;
        entity.validity_end_date_time = shown.end;
    }};
}

/// A version's certificate fields.
fn show_certificate(version: &mut Version, keys: &VersionKeys) {
    show!(version, keys);
}

/// The CA's certificate fields, from its active version's.
fn show_ca_certificate(entity: &mut Ca, keys: &VersionKeys) {
    show!(entity, keys);
}

fn check_version(ca: &CaRecord, version: Option<i32>) -> Result<(), ApiError> {
    match version {
        Some(number) if !ca.versions.iter().any(|version| version.version_number.value() == Some(&number)) => {
            Err(ApiError::bad_request(&format!("The certification authority has no version {number}.")))
        }
        _ => Ok(()),
    }
}

fn touch(ca: &mut CaRecord, now: DateTime<Utc>) {
    ca.entity.last_modified_date_time = Nullable::Value(wire_time(now));
    ca.entity.e_tag = Nullable::Value(e_tag(now));
}

fn active_version_mut(ca: &mut CaRecord) -> Option<&mut Version> {
    let number = ca.entity.version_number?;
    ca.versions.iter_mut().find(|version| version.version_number.value() == Some(&number))
}

fn set_active_version_status(ca: &mut CaRecord, status: VersionStatus) {
    if let Some(version) = active_version_mut(ca) {
        version.certification_authority_version_status = Nullable::Value(status);
    }
}

/// The leaf certificates of one issuing certification authority: mostly active, some revoked,
/// some expired; about one in twelve active ones expires within 30 days.
fn seed_leaves(rng: &mut Rng, ca: &mut CaRecord, count: usize, now: DateTime<Utc>) {
    let ca_id = ca.id().to_owned();
    let ca_name = ca.entity.display_name.clone().unwrap_or_default();
    let crl = ca.entity.certificate_revocation_list_url.value().cloned().unwrap_or_default();
    let aia = format!("{}.crt", crl.strip_suffix(".crl").unwrap_or(&crl));
    let width = count.to_string().len().max(4);
    let serial_prefix = rng.hex(6);
    for index in 0..count {
        let number = index + 1;
        let device = format!("device-{number:0width$}");
        let user = rng.below(5) == 0;
        let roll = rng.below(100);
        let jitter = Days::seconds(rng.below(86_400) as i64);
        let (status, start) = match roll {
            0..=7 => (LeafStatus::Revoked, now - Days::days(1 + rng.below(300) as i64) - jitter),
            8..=14 => (LeafStatus::Expired, now - Days::days(366 + rng.below(300) as i64) - jitter),
            _ => (LeafStatus::Active, now - Days::days(rng.below(360) as i64) - jitter),
        };
        let end = start + Days::days(365);
        let mut leaf = Leaf::new()
            .with_id(rng.guid())
            .with_subject_name(if user {
                format!("CN=user{number:0width$}@contoso.com")
            } else {
                format!("CN={device}")
            })
            .with_issuer_id(ca_id.clone())
            .with_issuer_name(ca_name.clone())
            .with_certificate_status(status.clone())
            .with_validity_start_date_time(wire_time(start))
            .with_validity_end_date_time(wire_time(end))
            .with_crl_distribution_point_url(crl.clone())
            .with_certification_authority_issuer_uri(aia.clone())
            .with_ocsp_responder_uri("")
            .with_thumbprint(rng.hex(40))
            .with_serial_number(format!("6F{serial_prefix}{}{number:08X}", rng.hex(22)))
            .with_device_name(device)
            .with_device_id(rng.guid())
            .with_key_usages(vec!["[\"KeyEncipherment\",\"DigitalSignature\"]".to_owned()])
            .with_extended_key_usages(vec!["[\"1.3.6.1.5.5.7.3.2\"]".to_owned()])
            .with_certification_authority_version_number(0);
        leaf.revocation_date_time = if status == LeafStatus::Revoked {
            let lived = (now - start).num_seconds().max(1) as u64;
            Nullable::Value(wire_time(start + Days::seconds(rng.below(lived) as i64)))
        } else {
            Nullable::Null
        };
        if user {
            leaf.user_principal_name = Nullable::Value(format!("user{number:0width$}@contoso.com"));
            leaf.user_id = Nullable::Value(rng.guid());
        } else {
            leaf.user_principal_name = Nullable::Null;
            leaf.user_id = Nullable::Null;
        }
        leaf.device_platform = Nullable::Null;
        leaf.additional_properties.insert("@odata.type", json!(LEAF_TYPE));
        ca.push_leaf(leaf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-07-20T00:00:00Z").unwrap().to_utc()
    }

    fn seeded(seed: u64, issuing: usize, per_ca: usize) -> Store {
        Store::seeded(seed, issuing, per_ca, now(), "http://localhost:1").unwrap()
    }

    #[test]
    fn ids_do_not_depend_on_how_many_certificates_or_cas_there_are() {
        let small = seeded(3, 2, 5);
        let large = seeded(3, 4, 60);
        for (a, b) in small.cas.iter().zip(&large.cas) {
            assert_eq!(a.id(), b.id());
            assert_eq!(a.entity.thumbprint, b.entity.thumbprint, "the same certificate");
            for (x, y) in a.leaves.iter().zip(&b.leaves) {
                assert_eq!(x.id, y.id);
                assert_eq!(x.serial_number, y.serial_number);
            }
        }
        assert_eq!(small.tenant_id, large.tenant_id);
    }

    #[test]
    fn every_ca_entity_agrees_with_its_certificate() {
        use x509_parser::prelude::FromDer as _;
        let store = seeded(5, 3, 2);
        for ca in &store.cas {
            let keys = ca.active_keys().unwrap();
            let certificate = keys.certificate.as_ref().unwrap();
            let (_, parsed) = x509_parser::certificate::X509Certificate::from_der(&certificate.der).unwrap();
            let entity = &ca.entity;
            assert_eq!(entity.certificate_download_url.value(), Some(&certificate.data_url()));
            assert_eq!(entity.thumbprint.value(), Some(&crate::pki::sha1_hex(&certificate.der)));
            assert_eq!(entity.serial_number.value(), Some(&crate::pki::hex_upper(parsed.raw_serial())));
            assert_eq!(
                entity.validity_end_date_time.value().unwrap().to_utc().timestamp(),
                parsed.validity().not_after.timestamp()
            );
            let bits = match entity.certificate_key_size.value().unwrap() {
                KeySize::Rsa2048 => 2048,
                KeySize::Rsa3072 => 3072,
                _ => 4096,
            };
            assert_eq!(parsed.public_key().parsed().unwrap().key_size(), bits, "{:?}", ca.entity.display_name);
            let version = ca.active_version().unwrap();
            assert_eq!(version.thumbprint, entity.thumbprint);
        }
        let root = &store.cas[0].active_keys().unwrap().certificate.as_ref().unwrap().der;
        let (_, root) = x509_parser::certificate::X509Certificate::from_der(root).unwrap();
        for issuing in &store.cas[1..] {
            let der = &issuing.active_keys().unwrap().certificate.as_ref().unwrap().der;
            let (_, parsed) = x509_parser::certificate::X509Certificate::from_der(der).unwrap();
            parsed.verify_signature(Some(root.public_key())).unwrap();
        }
    }

    #[test]
    fn crls_list_revocations_once_the_delay_has_passed() {
        use x509_parser::prelude::FromDer as _;
        let mut store = seeded(2, 1, 30);
        let id = store.cas[1].id().to_owned();
        let index =
            store.cas[1].leaves.iter().position(|leaf| leaf.certificate_status == Some(LeafStatus::Active)).unwrap();
        let revoked_at = Utc::now();
        store.revoke_leaf(&id, index, revoked_at).unwrap();
        let serial = store.cas[1].leaves[index].serial_number.clone().unwrap();
        let listed = |der: &[u8]| {
            let (_, crl) = x509_parser::revocation_list::CertificateRevocationList::from_der(der).unwrap();
            crl.iter_revoked_certificates().any(|entry| crate::pki::hex_upper(entry.raw_serial()) == serial)
        };
        let delay = std::time::Duration::from_secs(60);
        assert!(!listed(&store.crl(&id, revoked_at, delay).unwrap()), "held back");
        assert!(listed(&store.crl(&id, revoked_at + Days::seconds(61), delay).unwrap()));
        assert!(listed(&store.crl(&id, revoked_at + Days::seconds(1), std::time::Duration::ZERO).unwrap()));
    }

    #[test]
    fn the_same_seed_gives_the_same_tenant() {
        let a = seeded(9, 3, 40);
        let b = seeded(9, 3, 40);
        let c = seeded(10, 3, 40);
        let json = |store: &Store| {
            serde_json::to_string(&store.cas.iter().map(|ca| (&ca.entity, &ca.leaves)).collect::<Vec<_>>()).unwrap()
        };
        assert_eq!(json(&a), json(&b));
        assert_ne!(json(&a), json(&c));
        assert_eq!(a.cas.len(), 4);
        assert!(a.cas[0].leaves.is_empty(), "the root issues no leaf certificates");
        for ca in &a.cas[1..] {
            assert_eq!(ca.leaves.len(), 40);
            let serials: std::collections::HashSet<_> =
                ca.leaves.iter().map(|leaf| leaf.serial_number.clone()).collect();
            assert_eq!(serials.len(), 40, "serial numbers are unique per CA");
        }
    }

    #[test]
    fn statuses_are_mixed_and_dates_agree_with_them() {
        let store = seeded(1, 2, 500);
        let leaves: Vec<_> = store.cas.iter().flat_map(|ca| &ca.leaves).collect();
        let count =
            |status: LeafStatus| leaves.iter().filter(|leaf| leaf.certificate_status == Some(status.clone())).count();
        let (active, revoked, expired) =
            (count(LeafStatus::Active), count(LeafStatus::Revoked), count(LeafStatus::Expired));
        assert!(active > 700 && revoked > 40 && expired > 40, "{active} {revoked} {expired}");
        for leaf in leaves {
            let end = leaf.validity_end_date_time.value().unwrap().to_utc();
            let text = leaf.validity_end_date_time.value().unwrap().to_string();
            assert!(text.ends_with('Z') && !text.contains('.'), "{text}");
            match leaf.certificate_status {
                Some(LeafStatus::Expired) => assert!(end < now()),
                Some(LeafStatus::Active) => assert!(end > now() && leaf.revocation_date_time.is_null()),
                Some(LeafStatus::Revoked) => assert!(leaf.revocation_date_time.is_value()),
                _ => unreachable!(),
            }
        }
    }
}
