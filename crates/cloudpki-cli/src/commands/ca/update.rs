//! `cloudpki ca update <CA_ID>`: change the writable properties (display name, description,
//! validity in years, role scope tags), from flags or `--from FILE`.

use std::path::PathBuf;

use cloudpki_model::CloudCertificationAuthority as Authority;
use cloudpki_model::operations::UpdateCloudCertificationAuthority;
use serde_json::Value;

use super::create::read_authority;
use crate::commands::write::{self, Change, Confirm};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Kind, note, show_stdout};

/// `ca update` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca update $CA --description 'Devices of the Paris office'          # dry run
  cloudpki ca update $CA --name 'Contoso Issuing 2' --yes")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// A JSON file of the properties to change (`-` reads stdin); the flags override it.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// A new display name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// A new description.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// New years of validity.
    #[arg(long, value_name = "YEARS", value_parser = clap::value_parser!(i32).range(1..=25))]
    pub validity_years: Option<i32>,
    /// New role scope tag ids (repeatable; replaces the list).
    #[arg(long = "role-scope-tag", value_name = "ID")]
    pub role_scope_tags: Vec<String>,
    /// Dry run unless --yes.
    #[command(flatten)]
    pub confirm: Confirm,
}

fn patch(args: &Args) -> Result<Authority, Failure> {
    let mut entity = match &args.from {
        Some(path) => read_authority(path)?,
        None => Authority::new(),
    };
    if let Some(name) = &args.name {
        entity = entity.with_display_name(name.clone());
    }
    if let Some(description) = &args.description {
        entity = entity.with_description(description.clone());
    }
    if let Some(years) = args.validity_years {
        entity = entity.with_validity_period_in_years(years);
    }
    if !args.role_scope_tags.is_empty() {
        entity = entity.with_role_scope_tag_ids(args.role_scope_tags.clone());
    }
    Ok(entity)
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None => "-".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// Runs `ca update`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let entity = patch(args)?;
    let wanted = serde_json::to_value(&entity).unwrap_or_default();
    let Some(wanted) = wanted.as_object().filter(|members| !members.is_empty()) else {
        return Err(Failure::Usage(
            "nothing to change: give --name, --description, --validity-years, --role-scope-tag or --from".to_owned(),
        ));
    };
    let current = super::show::read(context, &args.ca).await?;
    let before = serde_json::to_value(&current).unwrap_or_default();
    let mut change = Change::new(format!("update certification authority {}", crate::authority::label(&current)));
    for (property, after) in wanted {
        if before.get(property) != Some(after) {
            change = change.with(property.clone(), shown(before.get(property)), shown(Some(after)));
        }
    }
    if change.details.is_empty() {
        note!("nothing to change: the certification authority already has these values");
        return Ok(());
    }
    let operation = UpdateCloudCertificationAuthority::new(args.ca.clone(), entity);
    if write::apply(context, &args.confirm, &change, &operation).await?.is_none() {
        return Ok(());
    }
    let updated = super::show::read(context, &args.ca).await?;
    crate::commands::written(show_stdout(context.format, Kind::Authority, &updated))
}
