#![forbid(unsafe_code)]
//! The committed JSON Schema files agree with the Rust types: every valid fixture validates
//! against its type's schema (draft 2020-12, formats on), every invalid one that JSON Schema can
//! see fails it, and each file is a valid draft 2020-12 schema.

mod common;

use common::{fixtures, schema_file, schema_stem, type_names};

fn validator(type_name: &str) -> jsonschema::Validator {
    let schema = schema_file(type_name);
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the schema of {type_name} does not compile: {e}"))
}

#[test]
fn every_schema_file_is_a_valid_draft_2020_12_schema() {
    for type_name in type_names() {
        let stem = schema_stem(type_name);
        let schema = schema_file(type_name);
        if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("schema/{stem}.json is not a valid draft 2020-12 schema: {error}");
        }
        assert_eq!(schema["title"], stem);
    }
}

#[test]
fn valid_fixtures_validate_against_their_schema() {
    for fixture in fixtures("valid") {
        let instance: serde_json::Value = serde_json::from_str(&fixture.payload).expect("payload is JSON");
        let validator = validator(fixture.type_name());
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: rejected by its schema: {errors:#?}", fixture.path.display());
    }
}

#[test]
fn invalid_fixtures_fail_their_schema() {
    for fixture in fixtures("invalid") {
        let instance: serde_json::Value = serde_json::from_str(&fixture.payload).expect("payload is JSON");
        let validator = validator(fixture.type_name());
        match fixture.header("schema-rejects") {
            "yes" => assert!(
                !validator.is_valid(&instance),
                "{}: the schema accepts what the Rust type rejects",
                fixture.path.display()
            ),
            reason => {
                assert!(reason.starts_with("no: "), "{}: say why JSON Schema cannot see it", fixture.path.display())
            }
        }
    }
}
