//! `cloudpki ca create`: a root CA, an issuing CA under the tenant's root, or an issuing CA
//! whose root is the operator's own (it then waits with a CSR: see `ca csr` and
//! `ca upload-signed`); from flags, or `--from FILE` (a JSON entity; flags override it).

use std::path::PathBuf;

use cloudpki_model::operations::CreateCloudCertificationAuthority;
use cloudpki_model::{
    CloudCertificationAuthority as Authority, CloudCertificationAuthorityCertificateKeySize as KeySize,
    CloudCertificationAuthorityHashingAlgorithm as Hashing, CloudCertificationAuthorityType as CaType,
};

use crate::commands::write::{self, Change, Confirm};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Kind, show_stdout};

/// The kind of CA to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Type {
    /// A root CA (`rootCertificationAuthority`).
    Root,
    /// An issuing CA under the tenant's root (`issuingCertificationAuthority`).
    Issuing,
    /// An issuing CA under the operator's own root
    /// (`issuingCertificationAuthorityWithExternalRoot`).
    ExternalRoot,
}

impl Type {
    fn wire(self) -> CaType {
        match self {
            Type::Root => CaType::RootCertificationAuthority,
            Type::Issuing => CaType::IssuingCertificationAuthority,
            Type::ExternalRoot => CaType::IssuingCertificationAuthorityWithExternalRoot,
        }
    }
}

/// `ca create` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca create --name 'Contoso Root' --type root --validity-years 10 --yes
  cloudpki ca create --name 'Contoso BYO' --type external-root --issuer-common-name 'Contoso On-Prem Root' --yes
  cloudpki ca create --from ca.json          # dry run: what it would create")]
pub struct Args {
    /// A JSON file of the entity to create (`-` reads stdin); the flags override its properties.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The display name.
    #[arg(long, value_name = "NAME", required_unless_present = "from")]
    pub name: Option<String>,
    /// The kind of CA.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<Type>,
    /// A description.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Years of validity of its certificate.
    #[arg(long, value_name = "YEARS", value_parser = clap::value_parser!(i32).range(1..=25))]
    pub validity_years: Option<i32>,
    /// The key size, as the service spells it (rsa2048, rsa3072, rsa4096, eCP256, ...).
    #[arg(long, value_name = "SIZE", value_parser = parse_key_size)]
    pub key_size: Option<String>,
    /// The hashing algorithm (sha256, sha384, sha512).
    #[arg(long, value_name = "ALGORITHM", value_parser = parse_hashing)]
    pub hash: Option<String>,
    /// The common name of the external root (with --type external-root).
    #[arg(long, value_name = "NAME")]
    pub issuer_common_name: Option<String>,
    /// Role scope tag ids (repeatable).
    #[arg(long = "role-scope-tag", value_name = "ID")]
    pub role_scope_tags: Vec<String>,
    /// Dry run unless --yes.
    #[command(flatten)]
    pub confirm: Confirm,
}

fn member(members: &[&str], text: &str, what: &str) -> Result<String, String> {
    members
        .iter()
        .find(|member| member.eq_ignore_ascii_case(text))
        .map(|member| (*member).to_owned())
        .ok_or_else(|| format!("unknown {what} `{text}` (known: {})", members.join(", ")))
}

fn parse_key_size(text: &str) -> Result<String, String> {
    member(KeySize::MEMBERS, text, "key size")
}

fn parse_hashing(text: &str) -> Result<String, String> {
    member(Hashing::MEMBERS, text, "hashing algorithm")
}

/// A certification authority entity from `--from FILE` (JSON; `-` reads stdin).
///
/// # Errors
///
/// The file cannot be read or is not a CA entity.
pub fn read_authority(path: &std::path::Path) -> Result<Authority, Failure> {
    let text = crate::ids::read_text(path).map_err(Failure::Usage)?;
    cloudpki_model::from_str::<Authority>(&text)
        .map_err(|error| Failure::Usage(format!("--from {}: not a certification authority: {error}", path.display())))
}

/// The entity the arguments describe.
///
/// # Errors
///
/// `--from` cannot be read or is not a CA entity.
pub fn body(args: &Args) -> Result<Authority, Failure> {
    let mut entity = match &args.from {
        Some(path) => read_authority(path)?,
        None => Authority::new(),
    };
    if let Some(name) = &args.name {
        entity = entity.with_display_name(name.clone());
    }
    if let Some(kind) = args.kind {
        entity = entity.with_cloud_certification_authority_type(kind.wire());
    }
    if let Some(description) = &args.description {
        entity = entity.with_description(description.clone());
    }
    if let Some(years) = args.validity_years {
        entity = entity.with_validity_period_in_years(years);
    }
    if let Some(size) = &args.key_size {
        entity = entity.with_certificate_key_size(KeySize::parse_lenient(size));
    }
    if let Some(hash) = &args.hash {
        entity = entity.with_cloud_certification_authority_hashing_algorithm(Hashing::parse_lenient(hash));
    }
    if let Some(name) = &args.issuer_common_name {
        entity = entity.with_issuer_common_name(name.clone());
    }
    if !args.role_scope_tags.is_empty() {
        entity = entity.with_role_scope_tag_ids(args.role_scope_tags.clone());
    }
    if entity.display_name.as_deref().is_none_or(|name| name.trim().is_empty()) {
        return Err(Failure::Usage("a certification authority needs a display name (--name)".to_owned()));
    }
    Ok(entity)
}

/// Runs `ca create`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let entity = body(args)?;
    let mut change = Change::new(format!(
        "create certification authority \"{}\"",
        entity.display_name.as_deref().unwrap_or_default()
    ));
    let value = serde_json::to_value(&entity).unwrap_or_default();
    if let Some(members) = value.as_object() {
        for (property, new) in members {
            let shown = new.as_str().map_or_else(|| new.to_string(), str::to_owned);
            change = change.with(property.clone(), "-", shown);
        }
    }
    let Some(created) =
        write::apply_observed(context, &args.confirm, &change, &CreateCloudCertificationAuthority::new(entity)).await?
    else {
        return Ok(());
    };
    crate::commands::written(show_stdout(context.format, Kind::Authority, &write::authority(created)))
}
