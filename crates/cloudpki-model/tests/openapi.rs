#![forbid(unsafe_code)]
//! `schema/openapi.json` is a valid OpenAPI 3.1 document (checked against the official OAS 3.1
//! JSON Schema, vendored in tests/vendor/), its components are the committed JSON Schemas, and the
//! documented payloads validate against its operations' schemas.

mod common;

use std::path::Path;

use common::{fixtures, schema_file};
use serde_json::{Value, json};

fn read_json(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .expect("JSON")
}

fn openapi() -> Value {
    read_json("schema/openapi.json")
}

#[test]
fn is_a_valid_openapi_3_1_document() {
    let oas_schema = read_json("tests/vendor/oas-3.1-schema-2022-10-07.json");
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&oas_schema)
        .expect("the official OAS 3.1 schema compiles");
    let document = openapi();
    let errors: Vec<String> =
        validator.iter_errors(&document).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "openapi.json is not valid OpenAPI 3.1: {errors:#?}");
    for (pointer, broken) in [("/info", Value::Null), ("/openapi", json!("3.0.0")), ("/paths", json!({"no-slash": {}}))]
    {
        let mut copy = document.clone();
        *copy.pointer_mut(pointer).expect("pointer exists") = broken;
        assert!(!validator.is_valid(&copy), "the validator must reject a document with a broken {pointer}");
    }
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], "https://graph.microsoft.com/beta");
}

#[test]
fn components_are_the_committed_json_schemas() {
    let document = openapi();
    let aliases: Vec<&str> = cloudpki_model::registry::ALIASES.iter().map(|(name, _)| *name).collect();
    let mut compared = 0;
    for (name, stem) in cloudpki_model::registry::TYPES {
        if aliases.contains(name) {
            continue; // a Rust type alias: its shape is the component
        }
        compared += 1;
        let type_name = *stem;
        let mut file = schema_file(type_name);
        let object = file.as_object_mut().expect("object");
        for key in ["$schema", "$comment", "$id", "title", "$defs"] {
            object.remove(key);
        }
        let text = serde_json::to_string(&file).expect("JSON").replace("#/$defs/", "#/components/schemas/");
        let expected: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(document["components"]["schemas"][type_name], expected, "component {type_name}");
    }
    let components = document["components"]["schemas"].as_object().expect("components");
    assert_eq!(components.len(), compared + 1, "every component is a registry type, and ODataError");
}

#[test]
fn operations_carry_ids_parameters_bodies_responses_and_scopes() {
    let document = openapi();
    let mut operation_ids = Vec::new();
    for item in document["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            operation_ids.push(operation["operationId"].as_str().expect("operationId").to_owned());
            assert!(operation["security"].as_array().is_some_and(|s| !s.is_empty()), "{operation}");
            assert!(operation["responses"]["default"].is_object());
        }
    }
    operation_ids.sort();
    let mut expected: Vec<String> =
        cloudpki_model::registry::OPERATIONS.iter().map(|(name, _)| (*name).to_owned()).collect();
    expected.sort();
    assert_eq!(operation_ids, expected, "every operation of the spec, once");
    let revoke = &document["paths"]["/deviceManagement/cloudCertificationAuthority/{cloudCertificationAuthorityId}/revokeLeafCertificate"]
        ["post"];
    assert_eq!(revoke["operationId"], "revokeLeafCertificate");
    assert_eq!(revoke["parameters"][0]["name"], "cloudCertificationAuthorityId");
    assert_eq!(revoke["parameters"][0]["in"], "path");
    assert_eq!(
        revoke["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RevokeLeafCertificateRequest"
    );
    assert_eq!(
        revoke["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ODataError"
    );
    assert_eq!(revoke["security"], json!([{"oauth2": ["DeviceManagementConfiguration.Read.All"]}]));
    assert!(revoke["x-permissions"]["note"].is_string());
    let list = &document["paths"]["/deviceManagement/cloudCertificationAuthority/{cloudCertificationAuthorityId}/getAllCloudCertificationAuthorityLeafCertificates"]
        ["post"];
    assert_eq!(list["operationId"], "getAllCloudCertificationAuthorityLeafCertificates");
    assert!(list.get("requestBody").is_none());
    assert_eq!(
        list["security"],
        json!([{"oauth2": ["DeviceManagementConfiguration.Read.All"]}, {"oauth2": ["DeviceManagementConfiguration.ReadWrite.All"]}])
    );
}

/// A validator for the schema at `pointer` inside the OpenAPI document (its `$ref`s resolve
/// against the document's components).
fn validator_at(pointer: &str) -> jsonschema::Validator {
    let mut document = openapi();
    let schema = document.pointer(pointer).cloned().expect("schema exists");
    let root = document.as_object_mut().expect("object");
    root.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    root.insert("allOf".into(), json!([schema]));
    jsonschema::draft202012::options().should_validate_formats(true).build(&document).expect("schema compiles")
}

#[test]
fn documented_payloads_validate_against_the_operations() {
    let error = validator_at("/components/schemas/ODataError");
    let mut checked = 0;
    let mut counted = 0;
    for (operation_id, response) in cloudpki_model::registry::OPERATIONS {
        if response.is_empty() {
            continue;
        }
        let (path, method, item) = document_operation(operation_id);
        let escaped = path.replace('~', "~0").replace('/', "~1");
        let responses = item["responses"].as_object().expect("responses");
        let status = responses.keys().find(|s| s.starts_with('2')).expect("a 2xx response");
        if *response == "u64" {
            // `$count`: a bare integer as text/plain.
            let count =
                validator_at(&format!("/paths/{escaped}/{method}/responses/{status}/content/text~1plain/schema"));
            assert!(count.is_valid(&json!(42)) && count.is_valid(&json!(0)), "{operation_id}");
            assert!(!count.is_valid(&json!(-1)) && !count.is_valid(&json!("42")), "{operation_id}");
            counted += 1;
            continue;
        }
        let validator =
            validator_at(&format!("/paths/{escaped}/{method}/responses/{status}/content/application~1json/schema"));
        let aliases: Vec<&str> = cloudpki_model::registry::ALIASES
            .iter()
            .filter(|(_, shape)| shape == response)
            .map(|(name, _)| *name)
            .collect();
        for fixture in fixtures("valid") {
            if fixture.type_name() == *response || aliases.contains(&fixture.type_name()) {
                let payload: Value = serde_json::from_str(&fixture.payload).expect("JSON");
                assert!(validator.is_valid(&payload), "{operation_id}: {}", fixture.path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
    assert!(error.is_valid(&read_json("tests/recorded/error-403.json")));
    assert!(!error.is_valid(&json!({"code": "x"})));
    let list_200 = validator_at(
        "/paths/~1deviceManagement~1cloudCertificationAuthority~1{cloudCertificationAuthorityId}~1getAllCloudCertificationAuthorityLeafCertificates/post/responses/200/content/application~1json/schema",
    );
    assert!(!list_200.is_valid(&json!({"value": [{"certificateStatus": 1}]})));
    assert_eq!(counted, 4, "the four $count routes");
    // The bare branch of a single-entity answer has no `value` property, so a wrapper whose
    // entity is mistyped is not taken for a bare entity with an unknown `value`.
    let revoke_200 = validator_at(
        "/paths/~1deviceManagement~1cloudCertificationAuthority~1{cloudCertificationAuthorityId}~1revokeLeafCertificate/post/responses/200/content/application~1json/schema",
    );
    assert!(!revoke_200.is_valid(&json!({"value": {"subjectName": ["CN=x"]}})));
    assert!(revoke_200.is_valid(&json!({"value": {"subjectName": "CN=x"}})));
    assert!(revoke_200.is_valid(&json!({"@odata.context": "c", "subjectName": "CN=x"})));
}

/// The path, method and operation object of `operation_id`.
fn document_operation(operation_id: &str) -> (String, String, Value) {
    let document = openapi();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if operation["operationId"] == operation_id {
                return (path.clone(), method.clone(), operation.clone());
            }
        }
    }
    panic!("no operation {operation_id}")
}
