#![forbid(unsafe_code)]
//! Every fixture payload: valid ones parse, snapshot their typed value and come back as the same
//! JSON value; invalid ones are rejected with an error that names the JSON path.

mod common;

use common::{fixtures, parse};

#[test]
fn valid_payloads_round_trip_losslessly() {
    let valid = fixtures("valid");
    assert!(valid.len() >= 3, "the documented examples are fixtures");
    for fixture in valid {
        let name = fixture.path.file_stem().and_then(|s| s.to_str()).expect("file name").to_owned();
        let parsed = parse(fixture.type_name(), &fixture.payload)
            .unwrap_or_else(|e| panic!("{name}: valid payload rejected: {e}"));
        let original: serde_json::Value = serde_json::from_str(&fixture.payload).expect("fixture payload is JSON");
        assert_eq!(parsed.reserialized, original, "{name}: deserialize then serialize changed the payload");
        insta::with_settings!({ info => &fixture.headers, omit_expression => true }, {
            insta::assert_snapshot!(format!("valid__{name}"), parsed.debug);
        });
    }
}

#[test]
fn invalid_payloads_are_rejected_with_their_json_path() {
    let invalid = fixtures("invalid");
    assert!(!invalid.is_empty());
    for fixture in invalid {
        let name = fixture.path.file_stem().and_then(|s| s.to_str()).expect("file name").to_owned();
        let error = match parse(fixture.type_name(), &fixture.payload) {
            Ok(parsed) => panic!("{name}: invalid payload accepted as {}", parsed.debug),
            Err(error) => error.to_string(),
        };
        let path = fixture.header("error-path");
        assert!(
            error.starts_with(&format!("{path}: ")),
            "{name}: the error should start with the JSON path `{path}`: {error}"
        );
        let decoded = match common::parse(fixture.type_name(), &fixture.payload) {
            Err(decoded) => decoded,
            Ok(_) => unreachable!("rejected above"),
        };
        assert_eq!(decoded.path(), path, "{name}: DecodeError::path() gives the path as data");
        // serde_json's own position (for errors of our readers, the one serde_json gives them on
        // their way out of the value being read), and its category.
        assert!(decoded.line() >= 1, "{name}: no position: {error}");
        assert!(
            error.ends_with(&format!(" at line {} column {}", decoded.line(), decoded.column())),
            "{name}: {error}"
        );
        assert!(decoded.is_data(), "{name}: {error}");
        insta::with_settings!({ info => &fixture.headers, omit_expression => true }, {
            insta::assert_snapshot!(format!("invalid__{name}"), error);
        });
    }
}
