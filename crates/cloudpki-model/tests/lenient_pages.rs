#![forbid(unsafe_code)]
//! One odd item never costs the caller the whole page: read as `LenientPage<T>`, a page whose
//! items include `null` for a non-nullable property and a wrongly typed one gives every good
//! item, an error with its full JSON path for each odd one, and writes back exactly what came.
//! The strict `Page<T>` rejects the same page, naming the first odd item.

use cloudpki_model::{
    CloudCertificationAuthority, CloudCertificationAuthorityLeafCertificate as Certificate, LenientPage, Page,
};

const PAGE: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.cloudCertificationAuthorityLeafCertificate)",
  "value": [
    {"id": "a", "certificateStatus": "active", "serialNumber": "01"},
    {"id": "b", "certificateStatus": null, "serialNumber": "02"},
    {"id": "c", "certificateStatus": "revoked", "serialNumber": "03"},
    {"id": "d", "certificationAuthorityVersionNumber": "one"},
    {"id": "e", "validityEndDateTime": "2026-07-20T13:52:25Z"}
  ],
  "@odata.nextLink": "https://graph.microsoft.com/beta/next"
}"#;

#[test]
fn a_lenient_page_keeps_the_good_items_and_names_the_odd_ones() {
    let page: LenientPage<Certificate> = serde_json::from_str(PAGE).expect("every item is JSON");
    assert_eq!(
        serde_json::to_value(&page).expect("serializes"),
        serde_json::from_str::<serde_json::Value>(PAGE).expect("JSON"),
        "odd items are written back as they came"
    );
    assert_eq!(page.next_link(), Some("https://graph.microsoft.com/beta/next"));
    let (items, errors) = page.into_parts();
    let ids: Vec<&str> = items.iter().filter_map(|c| c.id.as_deref()).collect();
    assert_eq!(ids, ["a", "c", "e"]);
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].index, 1);
    assert!(errors[0].message.starts_with("$.value[1].certificateStatus: "), "{}", errors[0].message);
    assert_eq!(errors[0].item["id"], "b");
    assert_eq!(errors[1].index, 3);
    assert!(errors[1].message.starts_with("$.value[3].certificationAuthorityVersionNumber: "), "{}", errors[1].message);
}

#[test]
fn a_strict_page_rejects_the_same_page_at_the_first_odd_item() {
    let error = cloudpki_model::from_str::<Page<Certificate>>(PAGE).expect_err("strict");
    assert_eq!(error.path(), "$.value[1].certificateStatus");
    assert!(error.is_data());
}

#[test]
fn lenient_reading_works_for_every_paged_type() {
    let text = r#"{"value":[{"id":"x","versionNumber":null},{"id":"y","displayName":"Issuing CA"}]}"#;
    let (items, errors) =
        serde_json::from_str::<LenientPage<CloudCertificationAuthority>>(text).expect("JSON").into_parts();
    assert_eq!(items.len(), 1);
    assert!(errors[0].message.starts_with("$.value[0].versionNumber: "), "{}", errors[0].message);
    // Broken JSON is still an error for the page: there is no page to speak of.
    assert!(serde_json::from_str::<LenientPage<CloudCertificationAuthority>>(r#"{"value":[{"id":"x"},{"#).is_err());
}
