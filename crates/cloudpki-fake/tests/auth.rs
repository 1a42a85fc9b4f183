//! Bearer tokens and scopes.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use cloudpki_fake::auth::{self, Access};
use common::Api;

#[tokio::test]
async fn no_or_foreign_or_expired_token_is_a_401() {
    let api = Api::quiet().await;
    let path = "/deviceManagement/cloudCertificationAuthority";
    let foreign =
        cloudpki_fake::Fake::start(cloudpki_fake::Config { token_secret: b"other".to_vec(), ..Default::default() })
            .await
            .unwrap()
            .issue_token(&auth::ALL_SCOPES);
    let expired = api.fake.issue_token_for(&auth::ALL_SCOPES, Duration::ZERO);
    for token in [None, Some("not-a-jwt"), Some(foreign.as_str()), Some(expired.as_str()), Some("")] {
        let answer = api.try_send("GET", path, None, &[], token).await.unwrap();
        assert_eq!(answer.status, 401, "{token:?}");
        assert_eq!(answer.error_code(), "InvalidAuthenticationToken");
        assert!(answer.header("www-authenticate").is_some());
    }
    let basic = api.try_send("GET", path, None, &[("authorization", "Basic dXNlcjpwYXNz")], None).await.unwrap();
    assert_eq!(basic.status, 401);
    assert_eq!(api.fake.stats().unauthorized, 6);
}

#[tokio::test]
async fn reads_take_any_read_scope_and_writes_need_a_read_write_scope() {
    let api = Api::quiet().await;
    let ca = api.issuing_ca();
    let leaf = api.fake.leaf_certificates(&ca)[0].id.clone().unwrap();
    let list = format!("/deviceManagement/cloudCertificationAuthority/{ca}/cloudCertificationAuthorityLeafCertificate");
    let revoke = format!("/deviceManagement/cloudCertificationAuthority/{ca}/revokeLeafCertificate");
    let body = format!(r#"{{"leafCertificateId":"{leaf}"}}"#);
    for scope in auth::ALL_SCOPES {
        let token = api.fake.issue_token(&[scope]);
        assert_eq!(api.try_send("GET", &list, None, &[], Some(&token)).await.unwrap().status, 200, "{scope} reads");
    }
    for scope in [auth::CONFIGURATION_READ, auth::CLOUD_CA_READ] {
        let token = api.fake.issue_token(&[scope]);
        let answer = api.try_send("POST", &revoke, Some(&body), &[], Some(&token)).await.unwrap();
        assert_eq!(answer.status, 403, "{scope} cannot revoke, whatever the docs list");
        assert_eq!(answer.error_code(), "Forbidden");
        let message = answer.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(auth::CONFIGURATION_READ_WRITE) && message.contains(auth::CLOUD_CA_READ_WRITE),
            "{message}"
        );
    }
    assert_eq!(api.fake.stats().total_revocations(), 0, "a refused write never reaches the store");
    let unrelated = api.fake.issue_token(&["User.Read"]);
    assert_eq!(api.try_send("GET", &list, None, &[], Some(&unrelated)).await.unwrap().status, 403);
    for scope in [auth::CONFIGURATION_READ_WRITE, auth::CLOUD_CA_READ_WRITE] {
        let token = api.fake.issue_token(&[scope]);
        assert_eq!(api.try_send("POST", &revoke, Some(&body), &[], Some(&token)).await.unwrap().status, 200, "{scope}");
    }
    assert_eq!(api.fake.stats().forbidden, 3);
}

#[test]
fn every_operation_is_classified_as_the_service_is_expected_to_enforce_it() {
    let writes = [
        "createCloudCertificationAuthority",
        "updateCloudCertificationAuthority",
        "deleteCloudCertificationAuthority",
        "changeCloudCertificationAuthorityStatus",
        "revokeCloudCertificationAuthorityCertificate",
        "uploadExternallySignedCertificationAuthorityCertificate",
        "patchCloudCertificationAuthority",
        "postCloudCertificationAuthority",
        "activate",
        "renew",
        "revokeLeafCertificate",
        "revokeLeafCertificateBySerialNumber",
        "createTenantCloudCertificationAuthorityLeafCertificate",
        "updateTenantCloudCertificationAuthorityLeafCertificate",
        "deleteTenantCloudCertificationAuthorityLeafCertificate",
    ];
    let operations = cloudpki_fake::operations();
    assert_eq!(operations.len(), 35, "every operation of Microsoft's SDK for the namespace");
    for operation in operations {
        let expected = if writes.contains(&operation.id) { Access::Write } else { Access::Read };
        assert_eq!(operation.access, expected, "{}", operation.id);
    }
}
