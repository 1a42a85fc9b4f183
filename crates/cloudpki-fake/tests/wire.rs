//! Wire shapes over real sockets: paging, query options, headers, and every operation of the spec
//! sent with the model's generated operations and read back with them.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use cloudpki_fake::Config;
use cloudpki_model::api::{Filter, Operation, RequestOptions, next_page_request};
use cloudpki_model::operations as ops;
use cloudpki_model::{
    CloudCertificationAuthority as Ca, CloudCertificationAuthorityLeafCertificate as Leaf,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus, CloudCertificationAuthorityStatus as CaStatus,
    CloudCertificationAuthorityVersion as Version, CloudCertificationAuthorityVersionStatus as VersionStatus, Page,
    SingleEntity,
};
use common::Api;
use serde_json::Value;

fn leaves_path(ca: &str) -> String {
    format!("/deviceManagement/cloudCertificationAuthority/{ca}/cloudCertificationAuthorityLeafCertificate")
}

#[tokio::test]
async fn pages_follow_maxpagesize_and_opaque_skiptokens_on_the_same_origin() {
    let api = Api::start(Config::default().with_data(1, 50)).await;
    let ca = api.issuing_ca();
    let mut url = api.url(&leaves_path(&ca));
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let answer = api.send("GET", &url, None, &[("prefer", "odata.maxpagesize=7")]).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("preference-applied"), Some("odata.maxpagesize=7"));
        assert!(answer.header("request-id").is_some() && answer.header("date").is_some());
        let page: Page<Leaf> = answer.parse();
        assert!(page.value.len() <= 7);
        assert!(page.odata_context.as_deref().unwrap().ends_with(&format!(
            "/beta/$metadata#deviceManagement/cloudCertificationAuthority('{ca}')/cloudCertificationAuthorityLeafCertificate"
        )));
        ids.extend(page.value.iter().map(|leaf| leaf.id.clone().unwrap()));
        pages += 1;
        match page.next_link() {
            Some(next) => {
                assert!(next.starts_with(&format!("http://{}/beta/", api.fake.addr())), "{next}");
                assert!(next.contains("$skiptoken=") && !next.contains("$skip="), "{next}");
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 8);
    assert_eq!(ids.len(), 50);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 50, "every certificate once");
    let truth: Vec<String> = api.fake.leaf_certificates(&ca).into_iter().map(|leaf| leaf.id.unwrap()).collect();
    assert_eq!(ids, truth);
}

#[tokio::test]
async fn page_sizes_default_and_cap() {
    let api = Api::start(Config::default().with_data(1, 30).with_page_sizes(12, 20)).await;
    let ca = api.issuing_ca();
    let answer = api.get(&leaves_path(&ca)).await;
    assert_eq!(answer.header("preference-applied"), None);
    assert_eq!(answer.parse::<Page<Leaf>>().value.len(), 12);
    let answer = api.send("GET", &leaves_path(&ca), None, &[("prefer", "odata.maxpagesize=500")]).await;
    assert_eq!(answer.header("preference-applied"), Some("odata.maxpagesize=20"));
    assert_eq!(answer.parse::<Page<Leaf>>().value.len(), 20);
}

#[tokio::test]
async fn the_getall_action_pages_with_get_next_links() {
    let api = Api::start(Config::default().with_data(1, 25)).await;
    let ca = api.issuing_ca();
    let operation = ops::GetAllCloudCertificationAuthorityLeafCertificates::new(&ca);
    let options = RequestOptions::default().with_max_page_size(10);
    let base = cloudpki_model::api::BaseUrl::parse(api.fake.base_url()).unwrap();
    let mut request = Some(operation.to_request(&base, &options).unwrap());
    let mut seen = Vec::new();
    while let Some(mut next) = request {
        next.headers_mut().insert("authorization", format!("Bearer {}", api.token).parse().unwrap());
        let response = api.client.execute(reqwest::Request::try_from(next).unwrap()).await.unwrap();
        let status = response.status().as_u16();
        let body = response.bytes().await.unwrap().to_vec();
        let page = ops::GetAllCloudCertificationAuthorityLeafCertificates::parse_response(
            &http::Response::builder().status(status).body(body).unwrap(),
        )
        .unwrap();
        assert!(
            page.odata_context
                .as_deref()
                .unwrap()
                .ends_with("#Collection(microsoft.graph.cloudCertificationAuthorityLeafCertificate)")
        );
        seen.extend(page.value.iter().map(|leaf| leaf.id.clone().unwrap()));
        request = next_page_request(&page, &base, &options).unwrap();
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(api.fake.stats().requests_to("getAllCloudCertificationAuthorityLeafCertificates"), 3);
}

#[tokio::test]
async fn select_keeps_only_those_properties_and_id_and_type() {
    let api = Api::quiet().await;
    let ca = api.issuing_ca();
    let answer = api.get(&format!("{}?$select=serialNumber,certificateStatus", leaves_path(&ca))).await;
    let body = answer.json();
    assert!(
        body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("cloudCertificationAuthorityLeafCertificate(serialNumber,certificateStatus)")
    );
    for item in body["value"].as_array().unwrap() {
        let mut keys: Vec<_> = item.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["@odata.type", "certificateStatus", "id", "serialNumber"]);
    }
    let page: Page<Leaf> = answer.parse();
    assert!(page.value.iter().all(|leaf| leaf.subject_name.is_absent() && leaf.serial_number.is_some()));
    // On a certification authority, activeVersion goes too unless selected.
    let answer = api.get(&format!("/deviceManagement/cloudCertificationAuthority/{ca}?$select=displayName")).await;
    let single: SingleEntity<Ca> = answer.parse();
    assert!(!single.wrapped && single.entity.active_version.is_absent() && single.entity.display_name.is_some());
    let answer = api.get(&format!("{}?$select=teapot", leaves_path(&ca))).await;
    assert_eq!((answer.status, answer.error_code().as_str()), (400, "BadRequest"));
}

#[tokio::test]
async fn filter_on_status_and_anything_else_is_a_400() {
    let api = Api::start(Config::default().with_data(1, 200)).await;
    let ca = api.issuing_ca();
    let truth = api.fake.leaf_certificates(&ca);
    let count =
        |status: LeafStatus| truth.iter().filter(|leaf| leaf.certificate_status == Some(status.clone())).count();
    let options = RequestOptions::default().with_max_page_size(999);
    let active = api
        .call(
            &ops::ListCloudCertificationAuthorityLeafCertificates::new(&ca)
                .filter(Filter::eq("certificateStatus", "active")),
            &options,
        )
        .await
        .unwrap();
    assert_eq!(active.value.len(), count(LeafStatus::Active));
    assert!(active.value.iter().all(|leaf| leaf.certificate_status == Some(LeafStatus::Active)));
    let either = Filter::any_of("certificateStatus", ["revoked", "expired"]).unwrap();
    let answer = api
        .call(&ops::ListCloudCertificationAuthorityLeafCertificates::new(&ca).filter(either), &options)
        .await
        .unwrap();
    assert_eq!(answer.value.len(), count(LeafStatus::Revoked) + count(LeafStatus::Expired));
    let paused = api
        .get("/deviceManagement/cloudCertificationAuthority?$filter=certificationAuthorityStatus%20eq%20'paused'")
        .await;
    assert_eq!(paused.parse::<Page<Ca>>().value.len(), 0);
    for bad in [
        "subjectName eq 'CN=device-0001'",
        "certificateStatus eq 'teapot'",
        "startswith(subjectName,'CN')",
        "certificateStatus eq",
    ] {
        let answer = api.get(&format!("{}?$filter={}", leaves_path(&ca), bad.replace(' ', "%20"))).await;
        assert_eq!(answer.status, 400, "{bad}");
        assert_eq!(answer.error_code(), "BadRequest");
    }
}

#[tokio::test]
async fn count_needs_eventual_consistency() {
    let api = Api::start(Config::default().with_data(1, 40)).await;
    let ca = api.issuing_ca();
    let path = format!("{}?$count=true&$filter=certificateStatus eq 'active'", leaves_path(&ca)).replace(' ', "%20");
    let refused = api.get(&path).await;
    assert_eq!(refused.status, 400);
    refused.error_code();
    let answer =
        api.send("GET", &path, None, &[("consistencylevel", "eventual"), ("prefer", "odata.maxpagesize=5")]).await;
    let page: Page<Leaf> = answer.parse();
    let active = api
        .fake
        .leaf_certificates(&ca)
        .iter()
        .filter(|leaf| leaf.certificate_status == Some(LeafStatus::Active))
        .count();
    assert_eq!(page.odata_count, Some(active as i64));
    let next = page.next_link().unwrap();
    assert!(next.contains("$count=true") && next.contains("$filter="), "options carried: {next}");
}

#[tokio::test]
async fn top_and_skip_limit_the_collection() {
    let api = Api::start(Config::default().with_data(1, 30)).await;
    let ca = api.issuing_ca();
    let truth: Vec<_> = api.fake.leaf_certificates(&ca).into_iter().map(|leaf| leaf.id.unwrap()).collect();
    let first =
        api.send("GET", &format!("{}?$top=9", leaves_path(&ca)), None, &[("prefer", "odata.maxpagesize=4")]).await;
    let mut page: Page<Leaf> = first.parse();
    let mut ids: Vec<_> = page.value.iter().map(|leaf| leaf.id.clone().unwrap()).collect();
    while let Some(next) = page.next_link().map(str::to_owned) {
        page = api.send("GET", &next, None, &[("prefer", "odata.maxpagesize=4")]).await.parse();
        ids.extend(page.value.iter().map(|leaf| leaf.id.clone().unwrap()));
    }
    assert_eq!(ids, truth[..9]);
    let skipped: Page<Leaf> = api.get(&format!("{}?$skip=25", leaves_path(&ca))).await.parse();
    assert_eq!(skipped.value.len(), 5);
    assert_eq!(api.get(&format!("{}?$top=5000", leaves_path(&ca))).await.status, 400);
    assert_eq!(api.get(&format!("{}?$skiptoken=forged", leaves_path(&ca))).await.status, 400);
    assert_eq!(api.get(&format!("{}?$orderby=subjectName", leaves_path(&ca))).await.status, 400);
}

#[tokio::test]
async fn the_tenant_level_leaf_collection_answers_404_like_live_tenants() {
    let api = Api::quiet().await;
    for path in [
        "/deviceManagement/cloudCertificationAuthorityLeafCertificate".to_owned(),
        format!(
            "/deviceManagement/cloudCertificationAuthorityLeafCertificate/{}",
            api.fake.leaf_certificates(&api.issuing_ca())[0].id.clone().unwrap()
        ),
    ] {
        let answer = api.get(&path).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.error_code(), "ResourceNotFound");
    }
    let answer = api.get("/deviceManagement/somethingElse").await;
    assert_eq!(answer.status, 404);
    answer.error_code();
}

#[tokio::test]
async fn entities_look_like_what_the_live_service_sends() {
    let api = Api::start(Config::default().with_data(2, 5)).await;
    let answer = api.get("/deviceManagement/cloudCertificationAuthority").await;
    let body = answer.json();
    let cas = body["value"].as_array().unwrap();
    assert_eq!(cas.len(), 3);
    let root = &cas[0];
    assert_eq!(root["cloudCertificationAuthorityType"], "rootCertificationAuthority");
    assert_eq!(root["scepServerUrl"], Value::Null);
    assert_eq!(root["issuerCommonName"], Value::Null);
    let issuing = &cas[1];
    for ca in [root, issuing] {
        let structural =
            ca.as_object().unwrap().keys().filter(|key| !key.contains('@') && *key != "activeVersion").count();
        assert_eq!(structural, 36, "all 36 properties: {ca}");
        assert_eq!(ca["ocspResponderUri"], "");
        assert_eq!(ca["certificationAuthorityIssuerId"], "");
        assert!(
            ca["certificateDownloadUrl"].as_str().unwrap().starts_with("data:application/x-x509-ca-cert;base64,MII")
        );
        assert!(ca["activeVersion"].is_object() && ca["activeVersion@odata.context"].is_string());
        assert_eq!(ca["@odata.type"], "#microsoft.graph.cloudCertificationAuthority");
        let created = ca["createdDateTime"].as_str().unwrap();
        assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    }
    assert!(issuing["scepServerUrl"].as_str().unwrap().contains("{{CloudPKIFQDN}}"));
    let page: Page<Ca> = answer.parse();
    assert_eq!(page.value[1].certification_authority_status.value(), Some(&CaStatus::Active));
    let ca = page.value[1].id.clone().unwrap();
    let leaf = &api.get(&leaves_path(&ca)).await.json()["value"][0];
    assert_eq!(leaf["keyUsages"], serde_json::json!(["[\"KeyEncipherment\",\"DigitalSignature\"]"]));
    assert_eq!(leaf["certificationAuthorityVersionNumber"], 0);
    assert_eq!(leaf["devicePlatform"], Value::Null);
    assert_eq!(leaf["ocspResponderUri"], "");
    assert_eq!(leaf["issuerId"], ca.as_str());
    let serial = leaf["serialNumber"].as_str().unwrap();
    assert!(serial.len() > 16 && serial.chars().all(|c| c.is_ascii_hexdigit()), "{serial}");
    assert!(leaf["subjectName"].as_str().unwrap().starts_with("CN="));
    let single = api.get(&format!("{}/{}", leaves_path(&ca), leaf["id"].as_str().unwrap())).await.json();
    assert!(single["@odata.context"].as_str().unwrap().ends_with("/$entity"));
    assert_eq!(single["id"], leaf["id"], "bare, as the live service sends it");
    assert!(single.get("value").is_none());
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    let config = Config { addr: "0.0.0.0:0".parse().unwrap(), ..Config::default() };
    let error = cloudpki_fake::Fake::start(config).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn client_request_id_is_echoed() {
    let api = Api::quiet().await;
    let answer = api
        .send("GET", "/deviceManagement/cloudCertificationAuthority", None, &[("client-request-id", "abc-123")])
        .await;
    assert_eq!(answer.header("client-request-id"), Some("abc-123"));
    let error = api
        .send("GET", "/deviceManagement/cloudCertificationAuthority/nope", None, &[("client-request-id", "abc-124")])
        .await;
    assert_eq!(error.status, 404);
    assert_eq!(error.json()["error"]["innerError"]["client-request-id"], "abc-124");
    assert_eq!(error.json()["error"]["innerError"]["request-id"].as_str(), error.header("request-id"));
}

/// Every operation of the registry, sent with the model's operation type and read with it.
#[tokio::test]
async fn every_operation_of_the_spec_is_served_in_shapes_the_model_reads() {
    let api = Api::start(Config::default().with_data(2, 12)).await;
    let options = RequestOptions::default();
    let cas = api.fake.certification_authorities();
    let root = cas[0].id.clone().unwrap();
    let ca = cas[1].id.clone().unwrap();
    let other = cas[2].id.clone().unwrap();
    let leaves = api.fake.leaf_certificates(&ca);
    let active: Vec<&Leaf> = leaves.iter().filter(|leaf| leaf.certificate_status == Some(LeafStatus::Active)).collect();
    let mut done = HashSet::new();
    macro_rules! ok {
        ($operation:expr) => {{
            let operation = $operation;
            let output = api
                .call(&operation, &options)
                .await
                .unwrap_or_else(|error| panic!("{}: {error}", operation_id(&operation)));
            done.insert(operation_id(&operation));
            output
        }};
    }
    fn operation_id<O: Operation>(_: &O) -> &'static str {
        O::OPERATION_ID
    }

    let page = ok!(ops::ListCloudCertificationAuthorities::new());
    assert_eq!(page.value.len(), 3);
    let got = ok!(ops::GetCloudCertificationAuthorityById::new(&ca).expand(["versions"]));
    assert!(!got.wrapped && got.entity.versions.as_ref().is_some_and(|versions| !versions.is_empty()));
    assert_eq!(ok!(ops::GetCloudCertificationAuthority::new(&ca)).entity.id.as_deref(), Some(ca.as_str()));
    assert_eq!(ok!(ops::GetAllCloudCertificationAuthority::new(&ca)).value.len(), 3);
    assert_eq!(ok!(ops::PostCloudCertificationAuthority::new(&ca)).value.len(), 3);
    ok!(ops::PatchCloudCertificationAuthority::new(&ca));
    let created = ok!(ops::CreateCloudCertificationAuthority::new(
        Ca::new().with_display_name("Contoso Kiosk CA").with_validity_period_in_years(3)
    ));
    let created_id = created.entity.id.clone().unwrap();
    ok!(ops::UpdateCloudCertificationAuthority::new(&created_id, Ca::new().with_description("kiosks")));
    let read = ok!(ops::GetCloudCertificationAuthorityById::new(&created_id));
    assert_eq!(read.entity.description.value().map(String::as_str), Some("kiosks"));
    ok!(ops::DeleteCloudCertificationAuthority::new(&created_id));

    let versions = ok!(ops::ListCloudCertificationAuthorityVersions::new(&ca));
    let version_id = versions.value[0].id.clone().unwrap();
    ok!(ops::GetCloudCertificationAuthorityVersionById::new(&ca, &version_id));
    assert_eq!(ok!(ops::GetCloudCertificationAuthorityVersions::new(&ca)).value.len(), versions.value.len());
    let active_version: SingleEntity<Version> = ok!(ops::GetCloudCertificationAuthorityActiveVersion::new(&ca));
    assert_eq!(active_version.entity.certification_authority_version_status.value(), Some(&VersionStatus::Active));
    ok!(ops::GetCloudCertificationAuthorityVersion::new(&ca));
    ok!(ops::Renew::new(&ca));
    let renewed = ok!(ops::ListCloudCertificationAuthorityVersions::new(&ca));
    assert_eq!(renewed.value.len(), versions.value.len() + 1);
    let newest = renewed.value.last().unwrap();
    assert_eq!(newest.certification_authority_version_status.value(), Some(&VersionStatus::Staged));
    let number = *newest.version_number.value().unwrap();
    let activated = ok!(ops::Activate::new(&ca, cloudpki_model::ActivateRequest::new(number)));
    assert_eq!(activated.entity.version_number, Some(number));

    let listed = ok!(ops::ListCloudCertificationAuthorityLeafCertificates::new(&ca));
    assert_eq!(listed.value.len(), 12);
    assert_eq!(ok!(ops::GetAllCloudCertificationAuthorityLeafCertificates::new(&ca)).value.len(), 12);
    let first = active[0].id.clone().unwrap();
    ok!(ops::GetCloudCertificationAuthorityLeafCertificate::new(&ca, &first));
    let serial = active[1].serial_number.clone().unwrap();
    let found = ok!(ops::SearchCloudCertificationAuthorityLeafCertificateBySerialNumber::new(
        &ca,
        cloudpki_model::SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest::new(&serial)
    ));
    assert_eq!(found.entity.serial_number.as_deref(), Some(serial.as_str()));
    let revoked = ok!(ops::RevokeLeafCertificate::new(&ca, cloudpki_model::RevokeLeafCertificateRequest::new(&first)));
    assert_eq!(revoked.entity.certificate_status, Some(LeafStatus::Revoked));
    let by_serial = ok!(ops::RevokeLeafCertificateBySerialNumber::new(
        &ca,
        cloudpki_model::RevokeLeafCertificateBySerialNumberRequest::new(&serial)
    ));
    assert_eq!(by_serial.entity.certificate_status, Some(LeafStatus::Revoked));

    let paused = ok!(ops::ChangeCloudCertificationAuthorityStatus::new(
        &other,
        cloudpki_model::ChangeCloudCertificationAuthorityStatusRequest::default()
            .with_certification_authority_status(CaStatus::Paused)
    ));
    assert_eq!(paused.entity.certification_authority_status.value(), Some(&CaStatus::Paused));
    let revoked_ca = ok!(ops::RevokeCloudCertificationAuthorityCertificate::new(
        &other,
        cloudpki_model::RevokeCloudCertificationAuthorityCertificateRequest::default()
    ));
    assert_eq!(revoked_ca.entity.certification_authority_status.value(), Some(&CaStatus::Revoked));

    let external = ok!(ops::CreateCloudCertificationAuthority::new(
        Ca::new().with_display_name("Fabrikam BYOCA").with_cloud_certification_authority_type(
            cloudpki_model::CloudCertificationAuthorityType::IssuingCertificationAuthorityWithExternalRoot
        )
    ));
    let external_id = external.entity.id.clone().unwrap();
    assert_eq!(external.entity.certification_authority_status.value(), Some(&CaStatus::SigningPending));
    // Not a certificate for the request's key: refused (the whole flow is in tests/certificates.rs).
    let refused = api
        .call(
            &ops::UploadExternallySignedCertificationAuthorityCertificate::new(
                &external_id,
                cloudpki_model::UploadExternallySignedCertificationAuthorityCertificateRequest::default()
                    .with_signed_certificate("MIIBszCCAVmgAwIBAgIQ"),
            ),
            &options,
        )
        .await;
    assert_eq!(refused.unwrap_err().status(), 400);
    done.insert("uploadExternallySignedCertificationAuthorityCertificate");

    // The `$count` routes: a text/plain integer.
    assert_eq!(ok!(ops::CountCloudCertificationAuthorities::new()), 4);
    assert!(ok!(ops::CountCloudCertificationAuthorityVersions::new(&ca)) >= 1);
    let counted = ok!(ops::CountCloudCertificationAuthorityLeafCertificates::new(&ca));
    let counted_active = ok!(ops::CountCloudCertificationAuthorityLeafCertificates::new(&ca)
        .filter(Filter::eq("certificateStatus", cloudpki_model::api::Literal::enum_member("active"))));
    assert_eq!(counted, 12);
    assert!(counted > counted_active && counted_active > 0, "{counted} {counted_active}");

    // The tenant-level collection is declared but answers 404, like live tenants.
    for error in [
        api.call(&ops::ListTenantCloudCertificationAuthorityLeafCertificates::new(), &options).await.map(|_| ()),
        api.call(&ops::GetTenantCloudCertificationAuthorityLeafCertificate::new(&first), &options).await.map(|_| ()),
        api.call(&ops::CountTenantCloudCertificationAuthorityLeafCertificates::new(), &options).await.map(|_| ()),
        api.call(
            &ops::CreateTenantCloudCertificationAuthorityLeafCertificate::new(Leaf::new().with_issuer_id(ca.clone())),
            &options,
        )
        .await
        .map(|_| ()),
        api.call(&ops::UpdateTenantCloudCertificationAuthorityLeafCertificate::new(&first, Leaf::new()), &options)
            .await,
        api.call(&ops::DeleteTenantCloudCertificationAuthorityLeafCertificate::new(&first), &options).await,
        api.call(&ops::GetTenantCloudCertificationAuthorityLeafCertificateVersion::new(&first), &options)
            .await
            .map(|_| ()),
    ] {
        assert_eq!(error.unwrap_err().status(), 404);
    }
    for id in [
        "listTenantCloudCertificationAuthorityLeafCertificates",
        "getTenantCloudCertificationAuthorityLeafCertificate",
        "countTenantCloudCertificationAuthorityLeafCertificates",
        "createTenantCloudCertificationAuthorityLeafCertificate",
        "updateTenantCloudCertificationAuthorityLeafCertificate",
        "deleteTenantCloudCertificationAuthorityLeafCertificate",
        "getTenantCloudCertificationAuthorityLeafCertificateVersion",
    ] {
        done.insert(id);
    }
    let _ = root;

    let all: HashSet<&str> = cloudpki_fake::operations().iter().map(|operation| operation.id).collect();
    let missing: Vec<_> = all.difference(&done).collect();
    assert!(missing.is_empty(), "operations not exercised: {missing:?}");
    let stats = api.fake.stats();
    assert!(all.iter().all(|id| stats.requests_to(id) > 0));
}
