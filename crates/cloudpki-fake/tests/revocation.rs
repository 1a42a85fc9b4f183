//! Revocation and the other state changes, over real sockets, counted in the stats.
#![allow(clippy::unwrap_used)]

mod common;

use cloudpki_fake::{AlreadyRevoked, Config};
use cloudpki_model::{
    CloudCertificationAuthority as Ca, CloudCertificationAuthorityLeafCertificate as Leaf,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus, CloudCertificationAuthorityStatus as CaStatus,
    Page, SingleEntity,
};
use common::Api;

fn action(ca: &str, name: &str) -> String {
    format!("/deviceManagement/cloudCertificationAuthority/{ca}/{name}")
}

fn first_active(api: &Api, ca: &str) -> Leaf {
    api.fake.leaf_certificates(ca).into_iter().find(|leaf| leaf.certificate_status == Some(LeafStatus::Active)).unwrap()
}

#[tokio::test]
async fn revoking_changes_the_state_and_counts_every_request() {
    let api = Api::quiet().await;
    let ca = api.issuing_ca();
    let leaf = first_active(&api, &ca);
    let id = leaf.id.clone().unwrap();
    let body = format!(r#"{{"leafCertificateId":"{id}"}}"#);
    let answer = api.post(&action(&ca, "revokeLeafCertificate"), &body).await;
    assert_eq!(answer.status, 200);
    let revoked: SingleEntity<Leaf> = answer.parse();
    assert!(!revoked.wrapped, "the live service sends a single entity bare");
    assert_eq!(revoked.entity.certificate_status, Some(LeafStatus::Revoked));
    let when = revoked.entity.revocation_date_time.value().unwrap().to_string();
    assert!(when.ends_with('Z') && !when.contains('.'), "{when}");
    assert!(
        answer.json()["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("#microsoft.graph.cloudCertificationAuthorityLeafCertificate")
    );

    // The store and a listing agree.
    let read: SingleEntity<Leaf> =
        api.get(&format!("{}/{id}", action(&ca, "cloudCertificationAuthorityLeafCertificate"))).await.parse();
    assert_eq!(read.entity.certificate_status, Some(LeafStatus::Revoked));
    assert_eq!(api.fake.stats().revocations_of(&id), 1);

    // A second revocation: 200 with the entity unchanged, but counted.
    let again: SingleEntity<Leaf> = api.post(&action(&ca, "revokeLeafCertificate"), &body).await.parse();
    assert_eq!(again.entity.revocation_date_time.value().unwrap().to_string(), when);
    let stats = api.fake.stats();
    assert_eq!(stats.revocations_of(&id), 2);
    assert_eq!(stats.repeated_revocations.get(&id), Some(&1));
    assert_eq!(stats.revoked_more_than_once().len(), 1);
    assert_eq!(stats.total_revocations(), 2);
}

#[tokio::test]
async fn an_already_revoked_certificate_can_be_refused_instead() {
    let api = Api::start(Config { already_revoked: AlreadyRevoked::BadRequest, ..Config::default() }).await;
    let ca = api.issuing_ca();
    let id = first_active(&api, &ca).id.unwrap();
    let body = format!(r#"{{"leafCertificateId":"{id}"}}"#);
    assert_eq!(api.post(&action(&ca, "revokeLeafCertificate"), &body).await.status, 200);
    let again = api.post(&action(&ca, "revokeLeafCertificate"), &body).await;
    assert_eq!((again.status, again.error_code().as_str()), (400, "BadRequest"));
    assert_eq!(api.fake.stats().revocations_of(&id), 2);
}

#[tokio::test]
async fn revocation_errors_are_envelopes_and_not_counted() {
    let api = Api::quiet().await;
    let ca = api.issuing_ca();
    let other_ca = api.fake.certification_authorities()[2].id.clone().unwrap();
    let foreign = first_active(&api, &other_ca).id.unwrap();
    for (body, status) in [
        (r#"{"leafCertificateId":null}"#.to_owned(), 400),
        ("{}".to_owned(), 400),
        ("not json".to_owned(), 400),
        (r#"{"leafCertificateId":42}"#.to_owned(), 400),
        (r#"{"leafCertificateId":"00000000-0000-4000-8000-000000000000"}"#.to_owned(), 404),
        (format!(r#"{{"leafCertificateId":"{foreign}"}}"#), 404),
    ] {
        let answer = api.post(&action(&ca, "revokeLeafCertificate"), &body).await;
        assert_eq!(answer.status, status, "{body}");
        answer.error_code();
    }
    let answer = api
        .post(&action("no-such-ca", "revokeLeafCertificate"), &format!(r#"{{"leafCertificateId":"{foreign}"}}"#))
        .await;
    assert_eq!(answer.status, 404);
    assert_eq!(api.fake.stats().total_revocations(), 0);
}

#[tokio::test]
async fn search_and_revoke_by_serial_number() {
    let api = Api::quiet().await;
    let ca = api.issuing_ca();
    let leaf = first_active(&api, &ca);
    let serial = leaf.serial_number.clone().unwrap();
    let body = format!(r#"{{"certificateSerialNumber":"{serial}"}}"#);
    let found: SingleEntity<Leaf> =
        api.post(&action(&ca, "searchCloudCertificationAuthorityLeafCertificateBySerialNumber"), &body).await.parse();
    assert_eq!(found.entity.id, leaf.id);
    // Serial numbers match case-insensitively.
    let lower = format!(r#"{{"certificateSerialNumber":"{}"}}"#, serial.to_lowercase());
    let found: SingleEntity<Leaf> =
        api.post(&action(&ca, "searchCloudCertificationAuthorityLeafCertificateBySerialNumber"), &lower).await.parse();
    assert_eq!(found.entity.id, leaf.id);
    let missing = api
        .post(
            &action(&ca, "searchCloudCertificationAuthorityLeafCertificateBySerialNumber"),
            r#"{"certificateSerialNumber":"00"}"#,
        )
        .await;
    assert_eq!((missing.status, missing.error_code().as_str()), (404, "ResourceNotFound"));

    let revoked: SingleEntity<Leaf> =
        api.post(&action(&ca, "revokeLeafCertificateBySerialNumber"), &body).await.parse();
    assert_eq!(revoked.entity.certificate_status, Some(LeafStatus::Revoked));
    assert_eq!(api.fake.stats().revocations_of(leaf.id.as_deref().unwrap()), 1);
    let missing =
        api.post(&action(&ca, "revokeLeafCertificateBySerialNumber"), r#"{"certificateSerialNumber":"00"}"#).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_listing_of_active_certificates_stays_complete_while_they_are_revoked() {
    let api = Api::start(Config::default().with_data(1, 120)).await;
    let ca = api.issuing_ca();
    let active: Vec<String> = api
        .fake
        .leaf_certificates(&ca)
        .into_iter()
        .filter(|leaf| leaf.certificate_status == Some(LeafStatus::Active))
        .map(|leaf| leaf.id.unwrap())
        .collect();
    let mut url = api.url(&format!(
        "{}?$filter=certificateStatus%20eq%20'active'",
        action(&ca, "cloudCertificationAuthorityLeafCertificate")
    ));
    let mut seen = Vec::new();
    loop {
        let page: Page<Leaf> = api.send("GET", &url, None, &[("prefer", "odata.maxpagesize=10")]).await.parse();
        for leaf in &page.value {
            let id = leaf.id.clone().unwrap();
            let answer =
                api.post(&action(&ca, "revokeLeafCertificate"), &format!(r#"{{"leafCertificateId":"{id}"}}"#)).await;
            assert_eq!(answer.status, 200);
            seen.push(id);
        }
        match page.next_link() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, active, "keyset paging: revoking what was listed skips nothing");
    let stats = api.fake.stats();
    assert!(stats.revoked_more_than_once().is_empty());
    assert_eq!(stats.total_revocations(), active.len() as u64);
}

#[tokio::test]
async fn retiring_a_ca_pauses_it_and_revokes_its_certificate() {
    let api = Api::quiet().await;
    let ca = api.issuing_ca();
    let paused: SingleEntity<Ca> = api
        .post(&action(&ca, "changeCloudCertificationAuthorityStatus"), r#"{"certificationAuthorityStatus":"paused"}"#)
        .await
        .parse();
    assert_eq!(paused.entity.certification_authority_status.value(), Some(&CaStatus::Paused));
    let listed: Page<Ca> = api
        .get("/deviceManagement/cloudCertificationAuthority?$filter=certificationAuthorityStatus%20eq%20'paused'%20or%20certificationAuthorityStatus%20eq%20'revoked'")
        .await
        .parse();
    assert_eq!(listed.value.len(), 1);
    for bad in [
        r#"{"certificationAuthorityStatus":"revoked"}"#,
        r#"{"certificationAuthorityStatus":"active","certificationAuthorityVersion":99}"#,
        "{}",
    ] {
        let answer = api.post(&action(&ca, "changeCloudCertificationAuthorityStatus"), bad).await;
        assert_eq!(answer.status, 400, "{bad}");
    }
    let revoked: SingleEntity<Ca> = api
        .post(&action(&ca, "revokeCloudCertificationAuthorityCertificate"), r#"{"certificationAuthorityVersion":null}"#)
        .await
        .parse();
    assert_eq!(revoked.entity.certification_authority_status.value(), Some(&CaStatus::Revoked));
    let stats = api.fake.stats();
    assert_eq!(stats.ca_certificate_revocations.get(&ca), Some(&1));
    assert_eq!(stats.ca_status_changes.get(&ca), Some(&1));
    let answer = api
        .post(&action(&ca, "changeCloudCertificationAuthorityStatus"), r#"{"certificationAuthorityStatus":"active"}"#)
        .await;
    assert_eq!(answer.status, 400, "a revoked CA stays revoked");
}

#[tokio::test]
async fn the_root_cannot_be_deleted_while_issuing_cas_remain() {
    let api = Api::start(Config::default().with_data(1, 3)).await;
    let cas = api.fake.certification_authorities();
    let (root, issuing) = (cas[0].id.clone().unwrap(), cas[1].id.clone().unwrap());
    let path = |id: &str| format!("/deviceManagement/cloudCertificationAuthority/{id}");
    assert_eq!(api.send("DELETE", &path(&root), None, &[]).await.status, 400);
    assert_eq!(api.send("DELETE", &path(&issuing), None, &[]).await.status, 204);
    assert_eq!(api.get(&path(&issuing)).await.status, 404);
    assert_eq!(api.send("DELETE", &path(&root), None, &[]).await.status, 204);
    let page: Page<Ca> = api.get("/deviceManagement/cloudCertificationAuthority").await.parse();
    assert!(page.value.is_empty());
}

#[tokio::test]
async fn patch_changes_writable_properties_only() {
    let api = Api::quiet().await;
    let ca = api.issuing_ca();
    let path = format!("/deviceManagement/cloudCertificationAuthority/{ca}");
    let answer = api
        .send("PATCH", &path, Some(r#"{"displayName":"Renamed","description":null,"serialNumber":"FF"}"#), &[])
        .await;
    assert_eq!(answer.status, 204);
    let read: SingleEntity<Ca> = api.get(&path).await.parse();
    assert_eq!(read.entity.display_name.as_deref(), Some("Renamed"));
    assert!(read.entity.description.is_null());
    assert_ne!(read.entity.serial_number.value().map(String::as_str), Some("FF"), "read-only properties are ignored");
    assert_eq!(api.send("PATCH", &path, Some(r#"{"displayName":""}"#), &[]).await.status, 400);
    assert_eq!(api.send("PUT", &path, Some("{}"), &[]).await.status, 405);
}

#[tokio::test]
async fn a_stale_fault_keeps_reads_on_the_old_state_for_its_window() {
    let plan: cloudpki_fake::FaultPlan = "rate=1,kinds=stale,stale=700ms".parse().unwrap();
    let api = Api::start(Config::default().with_data(1, 10).with_faults(plan)).await;
    let ca = api.issuing_ca();
    let leaf = first_active(&api, &ca);
    let id = leaf.id.clone().unwrap();
    let answer = api.post(&action(&ca, "revokeLeafCertificate"), &format!(r#"{{"leafCertificateId":"{id}"}}"#)).await;
    assert_eq!(answer.status, 200);
    let revoked: SingleEntity<Leaf> = answer.parse();
    assert_eq!(revoked.entity.certificate_status, Some(LeafStatus::Revoked), "the write itself is answered");
    let path =
        format!("/deviceManagement/cloudCertificationAuthority/{ca}/cloudCertificationAuthorityLeafCertificate/{id}");
    let stale: SingleEntity<Leaf> = api.get(&path).await.parse();
    assert_eq!(stale.entity.certificate_status, Some(LeafStatus::Active), "a read inside the window is stale");
    let listed = |page: Page<Leaf>| page.value.iter().any(|l| l.id == leaf.id);
    let active = format!(
        "/deviceManagement/cloudCertificationAuthority/{ca}/cloudCertificationAuthorityLeafCertificate?$filter=certificateStatus%20eq%20'active'"
    );
    assert!(listed(api.get(&active).await.parse()), "a listing inside the window is stale, its filter too");
    assert_eq!(
        api.fake.leaf_certificates(&ca).iter().find(|l| l.id == leaf.id).unwrap().certificate_status,
        Some(LeafStatus::Revoked)
    );
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let fresh: SingleEntity<Leaf> = api.get(&path).await.parse();
    assert_eq!(fresh.entity.certificate_status, Some(LeafStatus::Revoked), "then it is current");
    assert!(!listed(api.get(&active).await.parse()), "and so are listings");
    assert_eq!(api.fake.stats().revocations.get(&id).copied(), Some(1));
}
