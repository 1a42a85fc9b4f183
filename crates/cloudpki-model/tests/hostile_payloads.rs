#![forbid(unsafe_code)]
//! Hostile payloads get an error (or, for merely large valid ones, a value), never a panic, a
//! stack overflow or a hang, and every error names the JSON path of the offending value:
//! `$.value[0].certificationAuthorityVersionNumber: invalid value: ...`.
//!
//! What the messages look like, and where they cannot name a path:
//!
//! - Errors found while reading a value (wrong type, out of range, bad date-time, invalid UTF-8,
//!   too deep, truncated) start with the path of that value, then `serde_json`'s message and
//!   position (` at line 1 column 42`).
//! - A syntax error in the object itself (truncated before a key, a missing `,`) names the
//!   object: `$: EOF while parsing an object at line 1 column 9`, `$.value[0]: expected ...`.
//! - Bytes after a complete value (`{...} x`) are found by `serde_json` once the model has its
//!   value, outside the model's code: the error is `serde_json`'s own `trailing characters at
//!   line 1 column 12`, with no path.
//! - The model adds the path by rebuilding each error through `serde::de::Error::custom`, which
//!   keeps the line and column but makes every error a data error: `classify()` says
//!   `Category::Data` (and `is_eof()` is false) even for truncated input. Callers that need to
//!   tell "send more bytes" from "bad payload" cannot use `is_eof()` on these errors.
//!
//! # Duplicate keys
//!
//! A property name that appears twice in an object the model reads (a modelled property, an
//! unknown one or an annotation, however its name is escaped) is rejected with
//! ``$.<key>: duplicate property `<key>` ``: which value should win is not defined (RFC 8259,
//! section 4), so the model does not guess. Inside the value of an unknown property, which the
//! model keeps as a `serde_json::Value`, `serde_json` keeps the last one (tested below).
//!
//! Every test runs on a thread with a 1 MiB stack (half of a test thread's default), debug
//! builds included: `serde_json` stops at 128 levels of nesting, which take between 256 and
//! 512 KiB of stack in a debug build (measured with this file), less when optimized.

use std::fmt::Debug;

use cloudpki_model::{
    CloudCertificationAuthorityLeafCertificate as Entity, CloudCertificationAuthorityLeafCertificateStatus as Status,
    GetAllCloudCertificationAuthorityLeafCertificatesResponse as Page, Nullable, RevokeLeafCertificateRequest,
    RevokeLeafCertificateResponse,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

mod common;

/// 50 MiB.
const LARGE: usize = 50 << 20;

/// The longest error message the model makes, whatever the payload (long keys and messages are
/// shortened; see the runtime's `path` module).
const MAX_ERROR_LEN: usize = 1024;

/// Runs `test` on a thread with a 1 MiB stack, so that a stack overflow in debug builds would
/// show here rather than depend on the test harness's stack size.
fn on_small_stack(test: impl FnOnce() + Send + 'static) {
    let thread = std::thread::Builder::new().stack_size(1 << 20).spawn(test).expect("spawn a test thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

/// The error of parsing `payload` (bytes) as a `T`, which must fail.
fn rejected<T: DeserializeOwned + Debug>(payload: impl AsRef<[u8]>) -> serde_json::Error {
    let payload = payload.as_ref();
    match serde_json::from_slice::<T>(payload) {
        Ok(value) => panic!("accepted as {value:?}: {}", String::from_utf8_lossy(&payload[..payload.len().min(200)])),
        Err(error) => {
            let message = error.to_string();
            assert!(message.len() <= MAX_ERROR_LEN, "a {}-byte error: {}", message.len(), &message[..200]);
            error
        }
    }
}

/// The message of the error of parsing `payload` as a `T`, which must start with `path: `.
fn error_at<T: DeserializeOwned + Debug>(payload: impl AsRef<[u8]>, path: &str) -> String {
    let error = rejected::<T>(payload);
    let message = error.to_string();
    assert!(message.starts_with(&format!("{path}: ")), "expected an error at `{path}`, got: {message}");
    assert!(error.line() >= 1, "no position: {message}");
    message
}

/// The message of the error of parsing `payload` as a single-entity body, which must start with
/// `path: `. Such a body is read whole before it is typed (to tell the wrapper from the bare
/// entity), so errors of the typed entity name their path and have the position of the end of
/// the body.
fn single_entity_error_at(payload: impl AsRef<[u8]>, path: &str) -> String {
    let error = rejected::<RevokeLeafCertificateResponse>(payload);
    let message = error.to_string();
    assert!(message.starts_with(&format!("{path}: ")), "expected an error at `{path}`, got: {message}");
    assert!(error.line() >= 1, "no position: {message}");
    message
}

/// Parses `payload` as a `T`, which must succeed, and checks that it comes back as the same JSON.
fn accepted<T: DeserializeOwned + Serialize + Debug>(payload: &str) -> T {
    let value: T = serde_json::from_str(payload).unwrap_or_else(|e| panic!("rejected: {e}"));
    let original: serde_json::Value = serde_json::from_str(payload).expect("payload is JSON");
    assert_eq!(serde_json::to_value(&value).expect("serializes"), original);
    value
}

// --- Deep nesting -----------------------------------------------------------------------------

/// `depth` levels of `[` (or of `{"a":`), closed again: valid JSON, far deeper than 128.
fn nested(depth: usize, object: bool) -> String {
    if object {
        format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
    } else {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }
}

#[test]
fn deep_nesting_in_an_unknown_property_is_an_error() {
    on_small_stack(|| {
        for object in [false, true] {
            let deep = nested(100_000, object);
            let message = error_at::<Entity>(format!(r#"{{"id":"a","x":{deep}}}"#), "$.x");
            assert!(message.starts_with("$.x: recursion limit exceeded at line 1 column "), "{message}");
            let message = error_at::<Page>(format!(r#"{{"value":[{{"x":{deep}}}]}}"#), "$.value[0].x");
            assert!(message.contains("recursion limit exceeded"), "{message}");
            error_at::<Page>(format!(r#"{{"value":[],"@odata.x":{deep}}}"#), "$['@odata.x']");
            error_at::<RevokeLeafCertificateRequest>(format!(r#"{{"x":{deep}}}"#), "$.x");
            // The same nesting is fine at a depth `serde_json` accepts, and is kept.
            let shallow = nested(100, object);
            let entity: Entity = accepted(&format!(r#"{{"x":{shallow}}}"#));
            assert_eq!(entity.additional_properties.len(), 1);
        }
    });
}

#[test]
fn deep_nesting_elsewhere_is_a_type_error() {
    on_small_stack(|| {
        let deep = nested(100_000, false);
        let message = error_at::<Entity>(format!(r#"{{"keyUsages":{deep}}}"#), "$.keyUsages[0]");
        assert!(message.contains("invalid type: sequence, expected a string"), "{message}");
        error_at::<Entity>(&deep, "$");
        error_at::<Page>(format!(r#"{{"value":{deep}}}"#), "$.value[0]");
        error_at::<Status>(&deep, "$");
        // `a` is an unknown property of an entity: its value is read as JSON, until too deep.
        let message = error_at::<Entity>(nested(100_000, true), "$.a");
        assert!(message.contains("recursion limit exceeded"), "{message}");
    });
}

// --- Large strings ------------------------------------------------------------------------------

#[test]
fn a_50_mb_string_is_a_valid_string() {
    on_small_stack(|| {
        let large = "a".repeat(LARGE);
        let payload = format!(r#"{{"subjectName":"{large}"}}"#);
        let entity: Entity = serde_json::from_str(&payload).expect("a long string is valid");
        assert_eq!(entity.subject_name.value().map(String::len), Some(LARGE));
        assert_eq!(serde_json::to_string(&entity).expect("serializes"), payload);

        let payload = format!(r#"{{"value":[],"unknown":"{large}"}}"#);
        let page: Page = serde_json::from_str(&payload).expect("a long string is valid");
        assert_eq!(page.additional_properties["unknown"].as_str().map(str::len), Some(LARGE));

        // An unknown enum member is kept, however long.
        let status: Status = serde_json::from_str(&format!("\"{large}\"")).expect("an unknown member is kept");
        assert_eq!(status.as_str().len(), LARGE);
    });
}

#[test]
fn a_50_mb_invalid_date_time_fails_with_a_short_error() {
    on_small_stack(|| {
        // Rejected by its length before any parsing; the message shows its first 48 bytes.
        let payload = format!(r#"{{"validityStartDateTime":"{}"}}"#, "9".repeat(LARGE));
        let message = error_at::<Entity>(&payload, "$.validityStartDateTime");
        assert!(
            message.starts_with(&format!(
                "$.validityStartDateTime: invalid value: string of {LARGE} bytes starting with \"{}\", expected an \
                 Edm.DateTimeOffset (RFC 3339 date-time with 0 to 9 fractional digits), too long ({LARGE} bytes; \
                 an Edm.DateTimeOffset has at most 35) at line 1 column ",
                "9".repeat(48)
            )),
            "{message}"
        );
    });
}

/// Found with the 50 MB payloads (not by the fuzzer, whose inputs are at most 4 KiB): errors
/// quoted whole keys and strings, so one 50 MB key made a 50 MB error (100 MB for a duplicate)
/// that was copied again at every level of the path, seconds of work in debug builds. Keys and
/// messages are now shortened (the runtime's `path` module).
#[test]
fn errors_about_50_mb_keys_and_strings_are_short() {
    on_small_stack(|| {
        let large = "k".repeat(LARGE);
        let key = "k".repeat(64);
        let message =
            error_at::<Page>(format!(r#"{{"value":[{{"{large}":1e400}}]}}"#), &format!("$.value[0]['{key}…']"));
        assert!(message.contains("number out of range"), "{message}");
        let message = error_at::<Entity>(format!(r#"{{"{large}":1,"{large}":2}}"#), &format!("$['{key}…']"));
        assert!(message.contains(&format!("duplicate property `{key}…`")), "{message}");

        // serde's `invalid type: string "..."` quotes the string: its middle is left out.
        let payload = format!(r#"{{"value":[{{"certificationAuthorityVersionNumber":"{}"}}]}}"#, "s".repeat(LARGE));
        let message = error_at::<Page>(&payload, "$.value[0].certificationAuthorityVersionNumber");
        assert!(message.contains("invalid type: string \"sss"), "{message}");
        assert!(message.contains(" bytes not shown) …"), "{message}");
        assert!(message.contains("sss\", expected i32 at line 1 column "), "{message}");
    });
}

// --- Numbers ------------------------------------------------------------------------------------

#[test]
fn numbers_out_of_range_are_errors() {
    on_small_stack(|| {
        const PATH: &str = "$.certificationAuthorityVersionNumber";
        let version = |number: &str| format!(r#"{{"certificationAuthorityVersionNumber":{number}}}"#);
        for (number, expected) in [
            ("2147483648", "invalid value: integer `2147483648`, expected i32"),
            ("-2147483649", "invalid value: integer `-2147483649`, expected i32"),
            ("9223372036854775808", "invalid value: integer `9223372036854775808`, expected i32"),
            // Beyond u64, serde_json reads a float.
            ("18446744073709551616", "invalid type: floating point `1.8446744073709552e+19`, expected i32"),
            ("1e10", "invalid type: floating point `10000000000.0`, expected i32"),
            ("1.5", "invalid type: floating point `1.5`, expected i32"),
            // JSON Schema calls these integers; the model does not, as it could not write them
            // back as they were (an `i32` has no `1.0` or `-0`).
            ("1.0", "invalid type: floating point `1.0`, expected i32"),
            ("-0", "invalid type: floating point `-0.0`, expected i32"),
            // Beyond f64: a syntax error of serde_json, still at the value's path.
            ("1e400", "number out of range"),
            ("-1e400", "number out of range"),
        ] {
            let message = error_at::<Entity>(version(number), PATH);
            assert!(message.starts_with(&format!("{PATH}: {expected} at line 1 column ")), "{number}: {message}");
        }
        let message = error_at::<Page>(
            format!(r#"{{"value":[{{}},{}]}}"#, version("2147483648")),
            "$.value[1].certificationAuthorityVersionNumber",
        );
        assert!(message.contains("invalid value: integer `2147483648`, expected i32"), "{message}");
        // The edges are accepted.
        let entity: Entity = accepted(&version("2147483647"));
        assert_eq!(entity.certification_authority_version_number, Nullable::Value(i32::MAX));
        let entity: Entity = accepted(&version("-2147483648"));
        assert_eq!(entity.certification_authority_version_number, Nullable::Value(i32::MIN));

        const COUNT: &str = "$['@odata.count']";
        let count = |number: &str| format!(r#"{{"value":[],"@odata.count":{number}}}"#);
        for (number, expected) in [
            ("9223372036854775808", "invalid value: integer `9223372036854775808`, expected i64"),
            ("18446744073709551615", "invalid value: integer `18446744073709551615`, expected i64"),
            ("-9223372036854775809", "invalid type: floating point `-9.223372036854776e+18`, expected i64"),
            ("1e400", "number out of range"),
            ("2.0", "invalid type: floating point `2.0`, expected i64"),
        ] {
            let message = error_at::<Page>(count(number), COUNT);
            assert!(message.starts_with(&format!("{COUNT}: {expected} at line 1 column ")), "{number}: {message}");
        }
        let page: Page = accepted(&count("9223372036854775807"));
        assert_eq!(page.odata_count, Some(i64::MAX));
        let page: Page = accepted(&count("-9223372036854775808"));
        assert_eq!(page.odata_count, Some(i64::MIN));

        // In an unknown property, any number serde_json can read is kept; beyond f64 it cannot.
        let page: Page = accepted(r#"{"value":[],"big":18446744073709551616,"small":-9223372036854775809}"#);
        assert_eq!(page.additional_properties.len(), 2);
        error_at::<Page>(r#"{"value":[],"big":1e400}"#, "$.big");
    });
}

// --- Invalid UTF-8 ------------------------------------------------------------------------------

#[test]
fn invalid_utf8_is_an_error_at_its_path() {
    on_small_stack(|| {
        // A lone continuation byte, a truncated sequence, an overlong `/`, a UTF-16 surrogate
        // encoded in UTF-8, a code point beyond U+10FFFF.
        for bad in [&b"\x80"[..], b"\xC3", b"\xC0\xAF", b"\xED\xA0\x80", b"\xF4\x90\x80\x80", b"\xFF"] {
            let with = |before: &[u8], after: &[u8]| [before, bad, after].concat();
            for (payload, path) in [
                (with(br#"{"subjectName":""#, br#""}"#), "$.subjectName"),
                (with(br#"{"id":"a","x":{"y":[""#, br#""]}}"#), "$.x"),
                (with(br#"{"certificateStatus":""#, br#""}"#), "$.certificateStatus"),
                (with(br#"{"validityEndDateTime":"2026-07-20T13:52:25"#, br#"Z"}"#), "$.validityEndDateTime"),
                (with(br#"{"keyUsages":["ok",""#, br#""]}"#), "$.keyUsages[1]"),
                // In a key: the object is what cannot be read.
                (with(br#"{""#, br#"":1}"#), "$"),
            ] {
                let message = error_at::<Entity>(&payload, path);
                assert!(message.contains("invalid unicode code point at line 1 column "), "{message}");
            }
            let message = error_at::<Page>(with(br#"{"value":[{"id":""#, br#""}]}"#), "$.value[0].id");
            assert!(message.contains("invalid unicode code point"), "{message}");
            let message = error_at::<Status>(with(br#"""#, br#"""#), "$");
            assert!(message.contains("invalid unicode code point"), "{message}");
            let message = error_at::<RevokeLeafCertificateRequest>(
                with(br#"{"leafCertificateId":""#, br#""}"#),
                "$.leafCertificateId",
            );
            assert!(message.contains("invalid unicode code point"), "{message}");
        }
        // Escapes that are not Unicode scalar values: lone surrogates.
        for escape in [r"\ud800", r"\udc00", r"\ud800\u0041"] {
            error_at::<Entity>(format!(r#"{{"id":"{escape}"}}"#), "$.id");
            error_at::<Entity>(format!(r#"{{"x":"{escape}"}}"#), "$.x");
        }
    });
}

// --- Date-times ---------------------------------------------------------------------------------

#[test]
fn invalid_date_times_are_errors_at_their_path() {
    on_small_stack(|| {
        for (text, reason) in [
            ("2024-02-30T00:00:00Z", "day 30 does not exist in 2024-02"),
            ("2023-02-29T00:00:00Z", "day 29 does not exist in 2023-02"),
            ("2026-07-20T13:52:25.12345678901234567890Z", "too long (41 bytes; an Edm.DateTimeOffset has at most 35)"),
            ("2026-07-20T13:52:25.1234567890Z", "more than 9 fractional digits (found 10)"),
            ("2026-07-20T24:00:00Z", "hour 24 is out of range (expected 00 to 23)"),
            ("2016-12-31T23:59:60Z", "second 60 is out of range (expected 00 to 59; leap seconds are not accepted)"),
            ("2026-07-20T13:52:25", "expected `.`, `Z`, `z`, `+` or `-` at byte 19, found end of input"),
            ("2026-07-20 13:52:25Z", "expected `T` or `t` at byte 10, found ` `"),
            ("2026-07-20T13:52:25+24:00", "offset hour 24 is out of range (expected 00 to 23)"),
            ("", "empty string"),
        ] {
            for property in ["validityStartDateTime", "validityEndDateTime", "revocationDateTime"] {
                let message = error_at::<Entity>(format!(r#"{{"{property}":"{text}"}}"#), &format!("$.{property}"));
                assert!(message.contains(&format!("string \"{text}\"")), "{message}");
                assert!(
                    message.contains(&format!("0 to 9 fractional digits), {reason} at line 1 column ")),
                    "{message}"
                );
            }
            let message = error_at::<Page>(
                format!(
                    r#"{{"value":[{{"revocationDateTime":"2026-07-20T13:52:25Z"}},{{"revocationDateTime":"{text}"}}]}}"#
                ),
                "$.value[1].revocationDateTime",
            );
            assert!(message.contains(reason), "{message}");
        }
        // Not a string at all.
        let message = error_at::<Entity>(r#"{"revocationDateTime":20240101}"#, "$.revocationDateTime");
        assert!(message.contains("invalid type: integer `20240101`, expected an Edm.DateTimeOffset"), "{message}");
    });
}

// --- Duplicate keys -----------------------------------------------------------------------------

#[test]
fn duplicate_keys_are_rejected() {
    on_small_stack(|| {
        for (payload, path, key) in [
            (r#"{"id":"a","id":"a"}"#, "$.id", "id"),
            (r#"{"id":"a","id":"b"}"#, "$.id", "id"),
            (r#"{"subjectName":null,"subjectName":null}"#, "$.subjectName", "subjectName"),
            (
                r#"{"certificateStatus":"active","x":1,"certificateStatus":"revoked"}"#,
                "$.certificateStatus",
                "certificateStatus",
            ),
            // However the name is spelled.
            (r#"{"id":"a","\u0069d":"a"}"#, "$.id", "id"),
            (r#"{"x":1,"x":1}"#, "$.x", "x"),
            (r#"{"x":1,"\u0078":{}}"#, "$.x", "x"),
            (r#"{"@odata.type":"a","@odata.type":"a"}"#, "$['@odata.type']", "@odata.type"),
            (r#"{"":1,"":2}"#, "$['']", ""),
        ] {
            let message = error_at::<Entity>(payload, path);
            assert!(message.starts_with(&format!("{path}: duplicate property `{key}` at line 1 column ")), "{message}");
        }
        error_at::<Page>(r#"{"value":[],"value":[]}"#, "$.value");
        error_at::<Page>(r#"{"value":[],"@odata.count":1,"@odata.count":1}"#, "$['@odata.count']");
        error_at::<Page>(r#"{"value":[{"id":"a"},{"id":"a","id":"b"}]}"#, "$.value[1].id");
        error_at::<RevokeLeafCertificateRequest>(
            r#"{"leafCertificateId":null,"leafCertificateId":"a"}"#,
            "$.leafCertificateId",
        );

        // Inside the value of an unknown property (a `serde_json::Value`), the last one wins.
        let entity: Entity = serde_json::from_str(r#"{"x":{"a":1,"a":2}}"#).expect("serde_json keeps the last");
        assert_eq!(entity.additional_properties["x"], serde_json::json!({"a": 2}));
    });
}

// --- Truncated JSON and trailing garbage --------------------------------------------------------

/// The documented example page, trimmed.
const PAGE: &str = r##"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#x","@odata.count":1,"value":[{"@odata.type":"#microsoft.graph.cloudCertificationAuthorityLeafCertificate","id":"976c94f8-94f8-976c-f894-6c97f8946c97","subjectName":null,"certificateStatus":"active","validityStartDateTime":"2016-12-31T23:59:36.3292251-08:00","keyUsages":["Key Usages value"],"certificationAuthorityVersionNumber":1,"x":{"y":[1,2.5,true,null]}}]}"##;

#[test]
fn every_truncation_is_an_error_at_a_path() {
    on_small_stack(|| {
        accepted::<Page>(PAGE);
        for end in 0..PAGE.len() {
            let error = rejected::<Page>(&PAGE.as_bytes()[..end]);
            let message = error.to_string();
            // The path of what was being read when the input ended: `$`, `$.value[0]`,
            // `$.value[0].validityStartDateTime`, `$.value[0].x`, ...
            assert!(message.starts_with('$'), "{end}: {message}");
            assert!(message.contains(" at line 1 column "), "{end}: {message}");
            assert_eq!(error.line(), 1, "{end}: {message}");
            // See the module documentation: the re-wrapped error is a data error.
            assert_eq!(error.classify(), Category::Data, "{end}: {message}");
        }
        assert_eq!(error_at::<Page>(b"", "$").to_string(), "$: EOF while parsing a value at line 1 column 0");
        let message = error_at::<Page>(r#"{"value":[{"id":"a","#, "$.value[0]");
        assert!(message.starts_with("$.value[0]: EOF while parsing a value at line 1 column "), "{message}");
        let message = error_at::<Entity>(r#"{"validityStartDateTime":"2016-12-3"#, "$.validityStartDateTime");
        assert!(message.contains("EOF while parsing a string"), "{message}");
        error_at::<Status>(r#""acti"#, "$");
    });
}

#[test]
fn every_truncation_is_an_end_of_input_at_a_path_as_data() {
    on_small_stack(|| {
        for end in 0..PAGE.len() {
            let text = rejected::<Page>(&PAGE.as_bytes()[..end]).to_string();
            let error = match cloudpki_model::from_slice::<Page>(&PAGE.as_bytes()[..end]) {
                Err(error) => error,
                Ok(page) => panic!("{end}: accepted as {page:?}"),
            };
            // serde_json's own category and position, untouched on the way up.
            assert!(error.is_eof(), "{end}: {error}");
            assert_eq!((error.line(), error.column()), (1, end), "{end}: {error}");
            // The same path and message as the one written into the text.
            assert_eq!(error.to_string(), text, "{end}");
        }
    });
}

#[test]
fn syntax_errors_inside_a_value_are_errors_at_its_path() {
    on_small_stack(|| {
        for (payload, path) in [
            (r#"{"id":"a" "x":1}"#, "$"),
            (r#"{"id":"a",}"#, "$"),
            (r#"{"id":'a'}"#, "$.id"),
            (r#"{"id":"a\q"}"#, "$.id"),
            ("{\"id\":\"a\u{1}\"}", "$.id"),
            // Where the next element should start.
            (r#"{"value":[{"id":"a"}{"id":"b"}]}"#, "$.value[1]"),
            (r#"{"value":[{"keyUsages":["a",]}]}"#, "$.value[0].keyUsages[1]"),
            (r#"{"value":[{"x":[1 2]}]}"#, "$.value[0].x"),
            (r#"{"value":[{"x":tru}]}"#, "$.value[0].x"),
            (r#"{"value":[],"x":NaN}"#, "$.x"),
            (r#"{"value":[],"x":01}"#, "$.x"),
            ("\u{feff}{\"value\":[]}", "$"),
            (r#"{1:2}"#, "$"),
        ] {
            let message = rejected::<Page>(payload).to_string();
            assert!(message.starts_with(&format!("{path}: ")), "{payload}: {message}");
            // Kept as data: serde_json's own syntax error, the same path and message.
            let error = match cloudpki_model::from_str::<Page>(payload) {
                Err(error) => error,
                Ok(page) => panic!("{payload}: accepted as {page:?}"),
            };
            assert!(error.is_syntax(), "{payload}: {error}");
            assert_eq!((error.path(), error.to_string()), (path, message), "{payload}");
        }
    });
}

#[test]
fn trailing_garbage_is_serde_json_s_own_error() {
    on_small_stack(|| {
        for payload in [
            r#"{"value":[]} x"#,
            r#"{"value":[]}}"#,
            r#"{"value":[]}{"value":[]}"#,
            r#"{"value":[]},"#,
            "{\"value\":[]}\u{0}",
        ] {
            let error = rejected::<Page>(payload);
            // Found by serde_json after the model's value is complete: no path to name.
            assert!(error.to_string().starts_with("trailing characters at line 1 column "), "{payload}: {error}");
            assert_eq!(error.classify(), Category::Syntax);
        }
        let error = rejected::<Status>(r#""active" "revoked""#);
        assert_eq!(error.to_string(), "trailing characters at line 1 column 10");
        // Trailing invalid UTF-8 too.
        let error = rejected::<Entity>(b"{}\xff");
        assert_eq!(error.to_string(), "trailing characters at line 1 column 3");
        // Whitespace is not garbage.
        accepted::<Page>("\n\t {\"value\":[]} \r\n ");
    });
}

// --- Single-entity responses ({"value": ...} or bare) -------------------------------------------

/// The checks above for `SingleEntity<T>` (`RevokeLeafCertificateResponse` and the other
/// single-entity responses), which reads the body as a `serde_json::Value` before deciding
/// between the wrapper and the bare entity. They held while the response was a generated object
/// type.
#[test]
fn single_entity_errors_name_the_path_of_the_value() {
    on_small_stack(|| {
        for object in [false, true] {
            let deep = nested(100_000, object);
            let message =
                error_at::<RevokeLeafCertificateResponse>(format!(r#"{{"value":{{"x":{deep}}}}}"#), "$.value.x");
            assert!(message.contains("recursion limit exceeded"), "{message}");
            error_at::<RevokeLeafCertificateResponse>(format!(r#"{{"x":{deep}}}"#), "$.x");
        }
        let message = error_at::<RevokeLeafCertificateResponse>(r#"{"value":{"x":1e400}}"#, "$.value.x");
        assert!(message.contains("number out of range"), "{message}");
        let message = single_entity_error_at(r#"{"value":{"id":5}}"#, "$.value.id");
        assert!(message.contains("invalid type: integer `5`, expected a string"), "{message}");
        let message = error_at::<RevokeLeafCertificateResponse>(b"{\"value\":{\"id\":\"\xff\"}}", "$.value.id");
        assert!(message.contains("invalid unicode code point"), "{message}");
    });
}

#[test]
fn single_entity_duplicate_keys_are_rejected() {
    on_small_stack(|| {
        error_at::<RevokeLeafCertificateResponse>(r#"{"value":{},"value":{}}"#, "$.value");
        error_at::<RevokeLeafCertificateResponse>(r#"{"value":{"x":1,"x":2}}"#, "$.value.x");
        error_at::<RevokeLeafCertificateResponse>(r#"{"value":{"id":"a","id":"b"}}"#, "$.value.id");
        error_at::<RevokeLeafCertificateResponse>(
            r#"{"@odata.context":"a","@odata.context":"b","value":{}}"#,
            "$['@odata.context']",
        );
        // The bare entity too.
        error_at::<RevokeLeafCertificateResponse>(r#"{"id":"a","id":"b"}"#, "$.id");
    });
}

// --- Every registry type ------------------------------------------------------------------------

/// Checks that parsing `payload` as the registry type `type_name` fails with a short error that
/// names a JSON path (or is serde_json's own `trailing characters`).
fn rejected_with_a_path(type_name: &str, payload: &str, what: &str) {
    match common::parse(type_name, payload) {
        Ok(parsed) => panic!("{type_name}: {what} accepted as {}", parsed.debug),
        Err(error) => {
            let message = error.to_string();
            assert!(message.len() <= MAX_ERROR_LEN, "{type_name}: {what}: a {}-byte error", message.len());
            assert!(
                message.starts_with('$') || message.starts_with("trailing characters at line "),
                "{type_name}: {what}: the error names no JSON path: {message}"
            );
            assert!(error.path().starts_with('$') || error.path().is_empty(), "{type_name}: {}", error.path());
        }
    }
}

#[test]
fn deep_nesting_is_an_error_for_every_registry_type() {
    on_small_stack(|| {
        for object in [false, true] {
            let deep = nested(100_000, object);
            for type_name in common::type_names() {
                rejected_with_a_path(type_name, &deep, "deep nesting");
                rejected_with_a_path(type_name, &format!(r#"{{"x":{deep}}}"#), "deep nesting in a property");
            }
        }
    });
}

#[test]
fn every_truncated_fixture_is_an_error_at_a_path() {
    on_small_stack(|| {
        for fixture in common::fixtures("valid") {
            let payload = fixture.payload.trim_end();
            // Every cut in the first 512 bytes, then about 256 more spread over the rest.
            let stride = (payload.len() / 256).max(1);
            let ends = (0..payload.len().min(512)).chain((512..payload.len()).step_by(stride));
            for end in ends.filter(|end| payload.is_char_boundary(*end)) {
                let what = format!("{} cut at byte {end}", fixture.path.display());
                rejected_with_a_path(fixture.type_name(), &payload[..end], &what);
            }
            rejected_with_a_path(fixture.type_name(), &format!("{payload} x"), "trailing garbage");
        }
    });
}
