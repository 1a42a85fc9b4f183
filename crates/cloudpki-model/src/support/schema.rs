//! Support for the generated `schemars::JsonSchema` impls (feature `schemars`).
//!
//! `cargo xtask codegen` writes each type's schema as a JSON literal, the same text it writes to
//! `schema/<Type>.json`, with references of the form `#/$defs/<Type>`. At run time the references
//! are replaced by what the caller's generator returns for those types, so the defs are registered
//! and other settings (another definitions path, inlining) are honoured.

use schemars::Schema;
use serde_json::Value;

/// Parses `literal` and swaps each `{"$ref": reference}` for the schema paired with it.
///
/// The literal is written by the generator from a `serde_json::Value`, so it always parses; the
/// generated tests compare every result with the committed schema files.
pub fn from_literal(literal: &str, references: &[(&str, Schema)]) -> Schema {
    let mut value: Value = match serde_json::from_str(literal) {
        Ok(value) => value,
        Err(error) => {
            return Schema::from(serde_json::Map::from_iter([(
                "$comment".to_owned(),
                Value::String(format!("invalid generated schema literal: {error}")),
            )]));
        }
    };
    replace_references(&mut value, references);
    Schema::try_from(value).unwrap_or_default()
}

fn replace_references(value: &mut Value, references: &[(&str, Schema)]) {
    match value {
        Value::Object(object) => {
            let target = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| references.iter().find(|(name, _)| *name == reference).map(|(_, schema)| schema));
            if let Some(schema) = target {
                object.remove("$ref");
                if let Some(replacement) = schema.as_object() {
                    for (key, item) in replacement {
                        object.entry(key.clone()).or_insert_with(|| item.clone());
                    }
                } else if schema.as_bool() == Some(false) {
                    object.insert("not".to_owned(), Value::Object(serde_json::Map::new()));
                }
            } else {
                for item in object.values_mut() {
                    replace_references(item, references);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                replace_references(item, references);
            }
        }
        _ => {}
    }
}
