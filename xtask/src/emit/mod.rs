//! Emitters: each reads the lowered [`Model`] and renders files in memory. Nothing here writes
//! to disk, and nothing here reads the spec.

pub mod json_schema;
pub mod openapi;
pub mod operations;
pub mod registry;
pub mod rust;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::ir::Model;

/// Where generated Rust goes, relative to the workspace root.
pub const RUST_DIR: &str = "crates/cloudpki-model/src/generated";

/// Where generated JSON Schema goes, relative to the workspace root.
pub const SCHEMA_DIR: &str = "crates/cloudpki-model/schema";

/// Every generated file, by path relative to the workspace root (ordered, so output and diffs
/// are deterministic).
pub type GeneratedFiles = BTreeMap<PathBuf, String>;

/// Renders every output file for `model`.
pub fn generate(model: &Model) -> Result<GeneratedFiles, String> {
    let mut files = GeneratedFiles::new();
    for file in rust::emit(model)? {
        files.insert(PathBuf::from(RUST_DIR).join(file.file_name), file.text);
    }
    for file in json_schema::files(model) {
        let text = serde_json::to_string_pretty(&file.schema)
            .map_err(|e| format!("cannot print the schema of {}: {e}", file.stem))?;
        files.insert(PathBuf::from(SCHEMA_DIR).join(format!("{}.json", file.stem)), text + "\n");
    }
    let openapi = serde_json::to_string_pretty(&openapi::document(model))
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
