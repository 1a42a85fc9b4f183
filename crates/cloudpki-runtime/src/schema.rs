//! The generated `schemars::JsonSchema` impls (feature `schemars`) read the committed schema
//! file of their type (`schema/<Type>.json`, written by `cargo xtask codegen`), so there is one
//! copy of each schema. The file's own `$defs` are left out and each `#/$defs/<Type>` reference
//! is replaced by what the caller's generator gives for that type, so the definitions are
//! registered once and other settings (another definitions path, inlining) are honoured.

use schemars::Schema;
use serde_json::Value;

/// The schema in `file` (a committed schema file) for `schemars`, its references to other types
/// swapped for the schemas paired with them.
pub fn from_file(file: &str, references: &[(&str, Schema)]) -> Schema {
    let mut value: Value = match serde_json::from_str(file) {
        Ok(value) => value,
        Err(error) => {
            return Schema::from(serde_json::Map::from_iter([(
                "$comment".to_owned(),
                Value::String(format!("invalid committed schema file: {error}")),
            )]));
        }
    };
    if let Value::Object(object) = &mut value {
        for key in ["$schema", "$comment", "$defs", "$id", "title"] {
            object.remove(key);
        }
    }
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

/// The page annotations' descriptions (the code generator writes the same text into the
/// `Page_*` schema files; the model crate's tests compare the two).
const PAGE_ANNOTATIONS: [(&str, &str, &str); 3] = [
    ("@odata.context", "string", "The OData context URL of the page, when the service sends it."),
    ("@odata.count", "int64", "The total number of items in the collection, when the request asked for `$count=true`."),
    ("@odata.nextLink", "string", "The URL of the next page; absent on the last page."),
];

impl<T: schemars::JsonSchema> schemars::JsonSchema for crate::Page<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Page_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> Schema {
        let item = T::schema_name();
        let mut properties = serde_json::Map::new();
        for (name, kind, description) in PAGE_ANNOTATIONS {
            let schema = if kind == "int64" {
                serde_json::json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX, "description": description})
            } else {
                serde_json::json!({"type": "string", "description": description})
            };
            properties.insert(name.to_owned(), schema);
        }
        properties.insert(
            "value".to_owned(),
            serde_json::json!({
                "type": "array",
                "items": generator.subschema_for::<T>(),
                "description": format!("The `{item}` items of this page."),
            }),
        );
        Schema::try_from(serde_json::json!({
            "type": "object",
            "description": format!("A page of a collection of `{item}`."),
            "properties": properties,
            "required": ["value"],
            "additionalProperties": true,
        }))
        .unwrap_or_default()
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for crate::SingleEntity<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("SingleEntity_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> Schema {
        let item = T::schema_name();
        let reference = generator.subschema_for::<T>();
        let wrapper_names = serde_json::json!({"anyOf": [{"const": "value"}, {"pattern": "^@"}]});
        Schema::try_from(serde_json::json!({
            "description": format!("One `{item}`: the bare value, or the documented `{{\"value\": ...}}` wrapper."),
            "anyOf": [
                {
                    "type": "object",
                    "title": format!("SingleEntity_{item} (wrapper)"),
                    "description": "The documented wrapper.",
                    "properties": {"value": reference.clone()},
                    "required": ["value"],
                    "propertyNames": wrapper_names,
                    "additionalProperties": true,
                },
                {
                    "description": "The bare value, as the live service sends it: no Graph entity or complex type has a `value` property.",
                    "allOf": [reference],
                    // Never there: written as xtask's `json_schema::no_value` writes it.
                    "properties": {"value": {
                        "description": "No Graph entity or complex type has a `value` property (no value is both a string and an integer).",
                        "allOf": [{"type": "string"}, {"type": "integer"}],
                    }},
                },
            ],
        }))
        .unwrap_or_default()
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for crate::SingleValue<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("SingleValue_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> Schema {
        Schema::try_from(serde_json::json!({
            "type": "object",
            "description": "One value, `{\"value\": ...}`.",
            "properties": {"value": generator.subschema_for::<T>()},
            "required": ["value"],
            "additionalProperties": true,
        }))
        .unwrap_or_default()
    }
}

/// `schemars::JsonSchema` for a generated type, read from its committed schema file (for
/// generated code only): `schemars_impl!(Type, "Type", include_str!("..."), [("#/$defs/X", X)])`.
#[doc(hidden)]
#[macro_export]
macro_rules! schemars_impl {
    ($type:ty, $name:literal, $file:expr, [$(($reference:literal, $dependency:ty)),* $(,)?]) => {
        impl ::schemars::JsonSchema for $type {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed($name)
            }

            #[allow(unused_variables)]
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $crate::__private::schema_from_file(
                    $file,
                    &[$(($reference, generator.subschema_for::<$dependency>())),*],
                )
            }
        }
    };
}
