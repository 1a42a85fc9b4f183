#![forbid(unsafe_code)]
//! Property tests (proptest) of every public type:
//!
//! 1. arbitrary typed values survive serialize-then-deserialize unchanged (through JSON text,
//!    compact and pretty, and through `serde_json::Value`);
//! 2. arbitrary valid JSON payloads survive deserialize-then-serialize as the same
//!    `serde_json::Value`, date-time text byte for byte;
//! 3. everything serialized validates against the type's committed JSON Schema
//!    (`schema/<Type>.json`, draft 2020-12, formats checked).
//!
//! 256 cases per property by default (`PROPTEST_CASES=N` changes it); the strategies are in
//! `tests/strategies/mod.rs`.

mod common;
mod strategies;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::LazyLock;

use cloudpki_model::{
    CloudCertificationAuthorityLeafCertificate as Entity, CloudCertificationAuthorityLeafCertificateStatus as Status,
    DateTimeOffset, GetAllCloudCertificationAuthorityLeafCertificatesResponse as Page, Nullable,
    RevokeLeafCertificateRequest, RevokeLeafCertificateResponse,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use strategies::Floats;

/// The committed schema files, compiled once.
static VALIDATORS: LazyLock<BTreeMap<&'static str, jsonschema::Validator>> = LazyLock::new(|| {
    common::TYPE_NAMES
        .iter()
        .map(|&name| {
            let validator = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&common::schema_file(name))
                .unwrap_or_else(|e| panic!("schema/{name}.json does not compile: {e}"));
            (name, validator)
        })
        .collect()
});

/// Fails the case unless `instance` validates against `schema/<type_name>.json`.
fn validates(type_name: &str, instance: &Value) -> Result<(), TestCaseError> {
    let validator = &VALIDATORS[type_name];
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{e} at {}", e.instance_path())).collect();
    prop_assert!(errors.is_empty(), "rejected by schema/{type_name}.json: {errors:#?}\n{instance:#}");
    Ok(())
}

/// Property 1 (and 3): `value` comes back equal through text (compact and pretty) and through
/// `serde_json::Value`, and what it serializes to validates against its schema.
fn typed_round_trip<T>(type_name: &str, value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value)?;
    let back: T = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    prop_assert_eq!(&back, value, "through {}", text);

    let pretty = serde_json::to_string_pretty(value)?;
    let back: T = serde_json::from_str(&pretty).map_err(|e| TestCaseError::fail(format!("{e}: {pretty}")))?;
    prop_assert_eq!(&back, value);

    let tree = serde_json::to_value(value)?;
    let back: T = serde_json::from_value(tree.clone()).map_err(|e| TestCaseError::fail(format!("{e}: {tree}")))?;
    prop_assert_eq!(&back, value);
    // The text and the tree are the same JSON.
    prop_assert_eq!(&serde_json::from_str::<Value>(&text)?, &tree);
    validates(type_name, &tree)
}

/// Property 1 for arbitrary floats: through `serde_json::Value` only (see `strategies`, "Numbers").
fn tree_round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let tree = serde_json::to_value(value)?;
    let back: T = serde_json::from_value(tree.clone()).map_err(|e| TestCaseError::fail(format!("{e}: {tree}")))?;
    prop_assert_eq!(&back, value);
    Ok(())
}

/// Property 2 (and 3): the payload `json`, written as text spelled by `seed`, deserializes as a
/// `T` that serializes back to the same JSON value (and the same text, for its text); returns
/// the typed value for further checks.
fn payload_round_trip<T>(type_name: &str, json: &Value, seed: u64) -> Result<T, TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = strategies::write_json(json, seed);
    let expected: Value = serde_json::from_str(&text)?;
    // The writer's spelling does not change the value (floats are decimal: see `strategies`).
    prop_assert_eq!(&expected, json, "written as {}", text);
    let typed: T =
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("valid payload rejected: {e}: {text}")))?;
    let serialized = serde_json::to_value(&typed)?;
    prop_assert_eq!(&serialized, &expected, "from {}", text);
    let written = serde_json::to_string(&typed)?;
    prop_assert_eq!(&serde_json::from_str::<Value>(&written)?, &expected, "written as {}", written);
    // The same through the bytes API, and from a `serde_json::Value`.
    let from_bytes: T = serde_json::from_slice(text.as_bytes())?;
    prop_assert_eq!(&from_bytes, &typed);
    let from_tree: T = serde_json::from_value(expected.clone())?;
    prop_assert_eq!(&from_tree, &typed);
    validates(type_name, &serialized)?;
    Ok(typed)
}

/// The date-time properties of `entity` hold exactly the text of the payload `json`.
fn date_times_are_kept(entity: &Entity, json: &Value) -> Result<(), TestCaseError> {
    let fields: [(&str, &Nullable<DateTimeOffset>); 3] = [
        ("validityStartDateTime", &entity.validity_start_date_time),
        ("validityEndDateTime", &entity.validity_end_date_time),
        ("revocationDateTime", &entity.revocation_date_time),
    ];
    for (name, field) in fields {
        match (json.get(name), field) {
            (None, Nullable::Absent) | (Some(Value::Null), Nullable::Null) => {}
            (Some(Value::String(text)), Nullable::Value(value)) => {
                prop_assert_eq!(&value.to_string(), text);
                prop_assert_eq!(&value.to_text(), text);
                prop_assert_eq!(&serde_json::to_string(value)?, &serde_json::to_string(text)?);
            }
            (json, field) => prop_assert!(false, "{name}: {json:?} read as {field:?}"),
        }
    }
    Ok(())
}

proptest! {
    // 256 cases unless PROPTEST_CASES says otherwise.
    #![proptest_config(ProptestConfig::default())]

    // --- 1 and 3: typed values ---------------------------------------------------------------

    #[test]
    fn entity_values_round_trip(value in strategies::entity(Floats::Decimal)) {
        typed_round_trip("CloudCertificationAuthorityLeafCertificate", &value)?;
    }

    #[test]
    fn status_values_round_trip(value in strategies::status()) {
        typed_round_trip("CloudCertificationAuthorityLeafCertificateStatus", &value)?;
        // The lenient parse of the text gives the value back; the strict one only for known members.
        prop_assert_eq!(&Status::from_wire(value.as_str()), &value);
        prop_assert_eq!(Status::try_parse(value.as_str()).is_ok(), value.is_known());
    }

    #[test]
    fn page_values_round_trip(value in strategies::page(Floats::Decimal)) {
        typed_round_trip("GetAllCloudCertificationAuthorityLeafCertificatesResponse", &value)?;
    }

    #[test]
    fn revoke_request_values_round_trip(value in strategies::revoke_request(Floats::Decimal)) {
        typed_round_trip("RevokeLeafCertificateRequest", &value)?;
    }

    #[test]
    fn revoke_response_values_round_trip(value in strategies::revoke_response(Floats::Decimal)) {
        typed_round_trip("RevokeLeafCertificateResponse", &value)?;
    }

    #[test]
    fn values_with_any_float_round_trip_through_json_values(
        entity in strategies::entity(Floats::Any),
        page in strategies::page(Floats::Any),
    ) {
        tree_round_trip(&entity)?;
        tree_round_trip(&page)?;
    }

    #[test]
    fn date_times_round_trip(text in strategies::date_time_text()) {
        let value = DateTimeOffset::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(value.to_string(), text.clone());
        let json = serde_json::to_string(&value)?;
        prop_assert_eq!(serde_json::from_str::<DateTimeOffset>(&json)?, value);
        // The instant agrees with chrono's own RFC 3339 parser (which accepts every text here).
        let chrono = chrono::DateTime::parse_from_rfc3339(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(value.instant(), chrono);
        prop_assert_eq!(*value.instant().offset(), *chrono.offset());
    }

    #[test]
    fn date_times_from_chrono_round_trip(
        // 0000-01-02 to 9999-12-30, so that the local date stays within 0000..=9999.
        seconds in -62_167_132_800_i64..=253_402_214_399,
        nanosecond in prop_oneof![Just(0_u32), 0_u32..1_000_000_000, (0_u32..10_000_000).prop_map(|n| n * 100)],
        offset_minutes in -1439_i32..=1439,
        utc in any::<bool>(),
    ) {
        let instant = chrono::DateTime::from_timestamp(seconds, nanosecond).ok_or_else(|| TestCaseError::reject("out of range"))?;
        let value = if utc {
            DateTimeOffset::from(instant)
        } else {
            let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).ok_or_else(|| TestCaseError::reject("offset"))?;
            DateTimeOffset::from(instant.with_timezone(&offset))
        };
        prop_assert_eq!(value.to_utc(), instant);
        let text = value.to_string();
        let parsed = DateTimeOffset::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed, value);
        prop_assert_eq!(serde_json::from_value::<DateTimeOffset>(serde_json::to_value(value)?)?, value);
    }

    // --- 2 and 3: JSON payloads --------------------------------------------------------------

    #[test]
    fn entity_payloads_round_trip(json in strategies::entity_json(Floats::Decimal), seed in any::<u64>()) {
        let entity: Entity = payload_round_trip("CloudCertificationAuthorityLeafCertificate", &json, seed)?;
        date_times_are_kept(&entity, &json)?;
    }

    #[test]
    fn status_payloads_round_trip(json in strategies::status_json(), seed in any::<u64>()) {
        let status: Status = payload_round_trip("CloudCertificationAuthorityLeafCertificateStatus", &json, seed)?;
        prop_assert_eq!(Some(status.as_str()), json.as_str());
    }

    #[test]
    fn page_payloads_round_trip(json in strategies::page_json(Floats::Decimal), seed in any::<u64>()) {
        let page: Page = payload_round_trip("GetAllCloudCertificationAuthorityLeafCertificatesResponse", &json, seed)?;
        let items = json["value"].as_array().map(Vec::as_slice).unwrap_or_default();
        prop_assert_eq!(page.value.len(), items.len());
        for (entity, item) in page.value.iter().zip(items) {
            date_times_are_kept(entity, item)?;
        }
    }

    #[test]
    fn revoke_request_payloads_round_trip(json in strategies::revoke_request_json(Floats::Decimal), seed in any::<u64>()) {
        payload_round_trip::<RevokeLeafCertificateRequest>("RevokeLeafCertificateRequest", &json, seed)?;
    }

    #[test]
    fn revoke_response_payloads_round_trip(json in strategies::revoke_response_json(Floats::Decimal), seed in any::<u64>()) {
        let response: RevokeLeafCertificateResponse = payload_round_trip("RevokeLeafCertificateResponse", &json, seed)?;
        date_times_are_kept(&response.value, &json["value"])?;
    }

    #[test]
    fn payloads_with_any_float_serialize_to_the_value_they_were_read_from(
        json in strategies::page_json(Floats::Any),
        seed in any::<u64>(),
    ) {
        // Text -> typed -> value equals text -> value (both read the number the same way), even
        // for floats that do not survive a second trip through text.
        let text = strategies::write_json(&json, seed);
        let expected: Value = serde_json::from_str(&text)?;
        let page: Page = serde_json::from_str(&text)?;
        prop_assert_eq!(serde_json::to_value(&page)?, expected);
    }

    #[test]
    fn known_keys_in_additional_properties_are_not_written(
        mut entity in strategies::entity(Floats::Decimal),
        key in proptest::sample::select(Entity::PROPERTY_NAMES.to_vec()),
        extra in strategies::json_value(Floats::Decimal),
    ) {
        // Documented: keys of modelled properties in `additional_properties` are skipped when
        // writing (set the field instead); the output is still valid, without duplicate keys.
        let expected = serde_json::to_value(&entity)?;
        entity.additional_properties.insert(key.to_owned(), extra);
        let text = serde_json::to_string(&entity)?;
        prop_assert_eq!(serde_json::from_str::<Value>(&text)?, expected);
        serde_json::from_str::<Entity>(&text)?;
    }
}

#[test]
fn the_json_strategies_cover_every_modelled_property() {
    let names = |properties: &[(&'static str, strategies::Kind)]| -> Vec<&'static str> {
        properties.iter().map(|&(name, _)| name).collect()
    };
    assert_eq!(names(strategies::ENTITY_PROPERTIES), Entity::PROPERTY_NAMES);
    assert_eq!(names(strategies::PAGE_PROPERTIES), Page::PROPERTY_NAMES);
    assert_eq!(names(strategies::REVOKE_REQUEST_PROPERTIES), RevokeLeafCertificateRequest::PROPERTY_NAMES);
    assert_eq!(names(strategies::REVOKE_RESPONSE_PROPERTIES), RevokeLeafCertificateResponse::PROPERTY_NAMES);
}

/// Fuzz finding 1 (`leaf_certificate`, first minute): a number in an unknown property that
/// `serde_json`'s default float parser (not correctly rounded) reads as a neighbour of the
/// nearest `f64`; written out as its shortest text and read again, it becomes the nearest one,
/// so the typed value differs after a text round trip.
///
/// `serde_json`'s `float_roundtrip` feature fixes it. Note that this test cannot fail here:
/// `jsonschema`, a dev-dependency, enables that feature, so every test build of this crate has
/// it, while the library as a user builds it does not until `crates/cloudpki-model/Cargo.toml`
/// enables it. The fuzz crate (which has no `jsonschema`) enables it and keeps these numbers as
/// a seed (`fuzz/seeds/leaf_certificate/finding-1-float.json`).
#[test]
fn float_in_unknown_property_survives_a_text_round_trip() {
    for number in ["1844674472036854775808", "1.947700395895162e-169", "-1.490143767845386e+129"] {
        let payload = format!(r#"{{"@odata.type":"x","nested":[1,{number}]}}"#);
        let entity: Entity = serde_json::from_str(&payload).expect("valid payload");
        let text = serde_json::to_string(&entity).expect("serializes");
        let again: Entity = serde_json::from_str(&text).expect("its own output parses");
        assert_eq!(again, entity, "{payload} written as {text}");
    }
}
