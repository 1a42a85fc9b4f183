//! Emitters: each reads the [`TypeSet`] and renders files in memory. Nothing here writes to disk.

pub mod json_schema;
pub mod openapi;
pub mod operations;
pub mod rust;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::spec::model::Spec;
use crate::types::TypeSet;

/// Where generated Rust goes, relative to the workspace root.
pub const RUST_DIR: &str = "crates/cloudpki-model/src/generated";

/// Where generated JSON Schema goes, relative to the workspace root.
pub const SCHEMA_DIR: &str = "crates/cloudpki-model/schema";

/// Every generated file, by path relative to the workspace root (ordered, so output and diffs
/// are deterministic).
pub type GeneratedFiles = BTreeMap<PathBuf, String>;

/// Renders every output file for `spec`.
pub fn generate(spec: &Spec) -> Result<GeneratedFiles, String> {
    let types = TypeSet::from_spec(spec);
    let mut files = GeneratedFiles::new();
    for file in rust::emit(&types, operations::emit(spec))? {
        files.insert(PathBuf::from(RUST_DIR).join(file.file_name), file.text);
    }
    let top_level = types.objects.keys().chain(types.enums.keys());
    for rust_name in top_level {
        let schema = json_schema::schema_file(&types, rust_name);
        let text = serde_json::to_string_pretty(&schema)
            .map_err(|e| format!("cannot print the schema of {rust_name}: {e}"))?;
        files.insert(PathBuf::from(SCHEMA_DIR).join(format!("{rust_name}.json")), text + "\n");
    }
    let openapi = serde_json::to_string_pretty(&openapi::document(spec, &types))
        .map_err(|e| format!("cannot print the OpenAPI document: {e}"))?;
    files.insert(PathBuf::from(SCHEMA_DIR).join("openapi.json"), openapi + "\n");
    Ok(files)
}

/// Whether a file found in an output directory was written by this generator (and so may be
/// replaced or removed by it). Files without the marker are never touched.
pub fn is_generated(text: &str) -> bool {
    text.starts_with(rust::GENERATED_HEADER)
        || serde_json::from_str::<serde_json::Value>(text).is_ok_and(|value| {
            [value.get("$comment"), value.get(openapi::GENERATED_EXTENSION)]
                .iter()
                .any(|marker| marker.and_then(|m| m.as_str()) == Some(json_schema::GENERATED_COMMENT))
        })
}
