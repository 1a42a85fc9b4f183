#![forbid(unsafe_code)]
//! Request building: method, URL, headers and body of both operations, path parameters that are
//! always exactly one segment, and the permissions exposed as data.
#![cfg(feature = "http")]

use cloudpki_model::RevokeLeafCertificateRequest;
use cloudpki_model::api::{BaseUrl, Method, Operation, RequestError, RequestOptions};
use cloudpki_model::operations::{
    DEFAULT_BASE_URL, GetAllCloudCertificationAuthorityLeafCertificates, RevokeLeafCertificate,
};
use proptest::prelude::*;

fn revoke(ca: &str) -> RevokeLeafCertificate {
    let body = RevokeLeafCertificateRequest::new("leaf-1");
    RevokeLeafCertificate::new(ca, body)
}

#[test]
fn revoke_request() {
    let request = revoke("ca-1").to_request(&BaseUrl::default(), &RequestOptions::default()).expect("request");
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri(),
        "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority/ca-1/revokeLeafCertificate"
    );
    assert_eq!(request.headers()["accept"], "application/json");
    assert_eq!(request.headers()["content-type"], "application/json");
    assert!(request.headers().get("prefer").is_none());
    assert_eq!(request.body(), br#"{"leafCertificateId":"leaf-1"}"#);
}

#[test]
fn get_all_request_on_a_national_cloud_with_unknown_enum_members() {
    let base = BaseUrl::parse("https://graph.microsoft.us/beta").expect("valid");
    let request = GetAllCloudCertificationAuthorityLeafCertificates::new("ca-1")
        .to_request(&base, &RequestOptions::include_unknown_enum_members())
        .expect("request");
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri(),
        "https://graph.microsoft.us/beta/deviceManagement/cloudCertificationAuthority/ca-1/getAllCloudCertificationAuthorityLeafCertificates"
    );
    assert_eq!(request.headers()["prefer"], "include-unknown-enum-members");
    assert!(request.headers().get("content-type").is_none());
    assert!(request.body().is_empty());
}

#[test]
fn operations_expose_their_spec_data() {
    assert_eq!(DEFAULT_BASE_URL, "https://graph.microsoft.com/beta");
    assert_eq!(RevokeLeafCertificate::OPERATION_ID, "revokeLeafCertificate");
    assert_eq!(RevokeLeafCertificate::METHOD, Method::Post);
    assert_eq!(
        RevokeLeafCertificate::PATH_TEMPLATE,
        "/deviceManagement/cloudCertificationAuthority/{cloudCertificationAuthorityId}/revokeLeafCertificate"
    );
    let revoke = RevokeLeafCertificate::PERMISSIONS;
    assert_eq!(revoke.delegated_work, ["DeviceManagementConfiguration.Read.All"]);
    assert!(revoke.delegated_personal.is_empty());
    assert_eq!(revoke.application, ["DeviceManagementConfiguration.Read.All"]);
    assert!(revoke.is_flagged(), "a read permission for a write action is flagged");
    assert!(revoke.note.is_some_and(|note| note.contains("read permission")));
    let list = GetAllCloudCertificationAuthorityLeafCertificates::PERMISSIONS;
    assert_eq!(
        list.delegated_work,
        ["DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"]
    );
    assert_eq!(list.application, list.delegated_work);
    assert!(!list.is_flagged());
}

#[test]
fn empty_ids_are_refused() {
    match revoke("").to_request(&BaseUrl::default(), &RequestOptions::default()) {
        Err(RequestError::EmptyPathParameter { name }) => assert_eq!(name, "cloudCertificationAuthorityId"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Decodes `%XX` escapes (a path segment has no `+`: it is sent as `%2B`).
fn percent_decode(segment: &str) -> Vec<u8> {
    cloudpki_model::api::percent::decode_query_component(segment).expect("percent-encoded UTF-8").into_bytes()
}

fn hostile_id() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("/".to_owned()),
        Just("?".to_owned()),
        Just("#".to_owned()),
        Just("%".to_owned()),
        Just("%2F".to_owned()),
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just(" ".to_owned()),
        Just("\\".to_owned()),
        Just("&$filter=x".to_owned()),
        Just("ü".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\r\n".to_owned()),
        "[a-zA-Z0-9-]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 1..8).prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn any_id_is_exactly_one_path_segment(ca in hostile_id()) {
        let base = BaseUrl::default();
        for request in [
            revoke(&ca).to_request(&base, &RequestOptions::default()).expect("request"),
            GetAllCloudCertificationAuthorityLeafCertificates::new(ca.clone()).to_request(&base, &RequestOptions::default()).expect("request"),
        ] {
            let uri = request.uri();
            prop_assert_eq!(uri.host(), Some("graph.microsoft.com"));
            prop_assert_eq!(uri.query(), None);
            prop_assert!(!uri.to_string().contains('#'));
            let segments: Vec<&str> = uri.path().split('/').collect();
            prop_assert_eq!(segments.len(), 6, "{}", uri);
            prop_assert_eq!(&segments[..4], &["", "beta", "deviceManagement", "cloudCertificationAuthority"]);
            prop_assert!(segments[4] != "." && segments[4] != "..");
            prop_assert_eq!(percent_decode(segments[4]), ca.as_bytes().to_vec());
        }
    }
}
