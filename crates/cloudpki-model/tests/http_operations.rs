#![forbid(unsafe_code)]
//! The namespace's routes and actions as requests: typed query options percent-encoded so a
//! value never adds a parameter or leaves its quotes, `ConsistencyLevel: eventual` with `$count`,
//! `Prefer: odata.maxpagesize`, entity bodies for create and update, and `()` for the routes that
//! answer 204. Every operation of the registry carries its spec data.
#![cfg(feature = "http")]

use cloudpki_model::api::{BaseUrl, Filter, Literal, Method, Operation, RequestOptions};
use cloudpki_model::operations::{
    ChangeCloudCertificationAuthorityStatus, CreateCloudCertificationAuthority, DeleteCloudCertificationAuthority,
    GetCloudCertificationAuthorityById, ListCloudCertificationAuthorities,
    ListCloudCertificationAuthorityLeafCertificates, Renew,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumber, UpdateCloudCertificationAuthority,
};
use cloudpki_model::{
    ChangeCloudCertificationAuthorityStatusRequest, CloudCertificationAuthority,
    CloudCertificationAuthorityStatus as Status, SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest,
};

const ROOT: &str = "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority";

fn request<O: Operation>(operation: &O, options: &RequestOptions) -> http::Request<Vec<u8>> {
    operation.to_request(&BaseUrl::default(), options).expect("request")
}

#[test]
fn list_with_query_options() {
    let list = ListCloudCertificationAuthorities::new()
        .select(["id", "displayName", "certificationAuthorityStatus"])
        .filter(Filter::eq("certificationAuthorityStatus", Literal::enum_member("active")))
        .orderby(["displayName desc"])
        .top(50)
        .count(true);
    let request = request(&list, &RequestOptions::default().with_max_page_size(200));
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri().to_string(),
        format!(
            "{ROOT}?%24select=id%2CdisplayName%2CcertificationAuthorityStatus\
             &%24filter=certificationAuthorityStatus%20eq%20%27active%27&%24top=50\
             &%24orderby=displayName%20desc&%24count=true"
        )
    );
    assert_eq!(request.headers()["consistencylevel"], "eventual");
    assert_eq!(request.headers()["prefer"], "odata.maxpagesize=200");
    assert!(request.body().is_empty());
}

#[test]
fn a_filter_value_cannot_add_a_parameter_or_leave_its_quotes() {
    let hostile = "x' or 1 eq 1&$top=1#frag";
    let list = ListCloudCertificationAuthorityLeafCertificates::new("ca-1").filter(Filter::eq("subjectName", hostile));
    let request = request(&list, &RequestOptions::default());
    let query = request.uri().query().expect("a query");
    assert_eq!(query.split('&').count(), 1, "one parameter: {query}");
    assert!(
        request
            .uri()
            .to_string()
            .ends_with("%24filter=subjectName%20eq%20%27x%27%27%20or%201%20eq%201%26%24top%3D1%23frag%27")
    );
    assert!(request.headers().get("consistencylevel").is_none());
    let decoded: String = percent_decode(query.strip_prefix("%24filter=").expect("the filter"));
    assert_eq!(decoded, "subjectName eq 'x'' or 1 eq 1&$top=1#frag'", "the quote is doubled: one literal");
}

fn percent_decode(text: &str) -> String {
    cloudpki_model::api::percent::decode_query_component(text).expect("percent-encoded UTF-8")
}

#[test]
fn get_by_id_create_update_and_delete() {
    let get = request(&GetCloudCertificationAuthorityById::new("ca/1").select(["id"]), &RequestOptions::default());
    assert_eq!(get.uri().to_string(), format!("{ROOT}/ca%2F1?%24select=id"));

    let ca = CloudCertificationAuthority::new().with_display_name("Issuing CA").with_validity_period_in_years(2);
    let create = request(&CreateCloudCertificationAuthority::new(ca.clone()), &RequestOptions::default());
    assert_eq!(create.method(), http::Method::POST);
    assert_eq!(create.uri().to_string(), ROOT);
    assert_eq!(create.headers()["content-type"], "application/json");
    assert_eq!(create.body(), br#"{"displayName":"Issuing CA","validityPeriodInYears":2}"#);

    let update = request(&UpdateCloudCertificationAuthority::new("ca-1", ca), &RequestOptions::default());
    assert_eq!(update.method(), http::Method::PATCH);
    assert_eq!(UpdateCloudCertificationAuthority::METHOD, Method::Patch);

    let delete = request(&DeleteCloudCertificationAuthority::new("ca-1"), &RequestOptions::default());
    assert_eq!(delete.method(), http::Method::DELETE);
    let no_content = http::Response::builder().status(204).body(Vec::new()).expect("response");
    let () = DeleteCloudCertificationAuthority::parse_response(&no_content).expect("204 is success");
    let () = Renew::parse_response(&no_content).expect("renew answers nothing");
    let () = UpdateCloudCertificationAuthority::parse_response(
        &http::Response::builder().status(200).body(br#"{"id":"ca-1"}"#.to_vec()).expect("response"),
    )
    .expect("200 with an entity is success too");
    let not_found =
        http::Response::builder().status(404).body(br#"{"error":{"code":"NotFound","message":"no"}}"#.to_vec());
    assert!(DeleteCloudCertificationAuthority::parse_response(&not_found.expect("response")).is_err());
}

#[test]
fn action_bodies_and_responses() {
    let change = ChangeCloudCertificationAuthorityStatus::new(
        "ca-1",
        ChangeCloudCertificationAuthorityStatusRequest::new(Status::Paused, 3),
    );
    let request = request(&change, &RequestOptions::default());
    assert_eq!(request.uri().to_string(), format!("{ROOT}/ca-1/changeCloudCertificationAuthorityStatus"));
    assert_eq!(request.body(), br#"{"certificationAuthorityStatus":"paused","certificationAuthorityVersion":3}"#);
    assert!(ChangeCloudCertificationAuthorityStatus::PERMISSIONS.is_flagged(), "a write documented with Read.All");

    let search = SearchCloudCertificationAuthorityLeafCertificateBySerialNumber::new(
        "ca-1",
        SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest::new("7a00000001"),
    );
    assert_eq!(request_body(&search), br#"{"certificateSerialNumber":"7a00000001"}"#);
    let found = SearchCloudCertificationAuthorityLeafCertificateBySerialNumber::parse_response(
        &http::Response::builder()
            .status(200)
            .body(br#"{"value":{"id":"l1","serialNumber":"7a00000001","certificateStatus":"active"}}"#.to_vec())
            .expect("response"),
    )
    .expect("wrapped entity");
    assert!(found.wrapped);
    assert_eq!(found.entity.serial_number.as_deref(), Some("7a00000001"));
}

fn request_body<O: Operation>(operation: &O) -> Vec<u8> {
    request(operation, &RequestOptions::default()).into_body()
}

#[test]
fn every_operation_carries_its_spec_data() {
    let mut seen = Vec::new();
    macro_rules! check {
        ($name:literal, $type:ty) => {
            assert_eq!(<$type as Operation>::OPERATION_ID, $name);
            assert!(<$type as Operation>::PATH_TEMPLATE.starts_with("/deviceManagement/"), $name);
            let permissions = <$type as Operation>::PERMISSIONS;
            assert!(!permissions.all().is_empty(), "{} lists permissions", $name);
            assert!(permissions.delegated_personal.is_empty(), "personal accounts are not supported");
            seen.push($name);
        };
    }
    cloudpki_model::for_each_operation!(check);
    assert_eq!(seen.len(), cloudpki_model::registry::OPERATIONS.len());
    assert!(seen.len() >= 25, "every route and action of the namespace: {}", seen.len());
}

/// Every operation says what it means for a retry, and every write names a read-only operation
/// that shows its effect.
#[test]
fn every_operation_carries_its_semantics() {
    use cloudpki_model::api::Semantics;
    let mut semantics = std::collections::BTreeMap::new();
    macro_rules! collect {
        ($name:literal, $type:ty) => {
            semantics.insert(<$type as Operation>::OPERATION_ID, <$type as Operation>::SEMANTICS);
        };
    }
    cloudpki_model::for_each_operation!(collect);
    assert_eq!(semantics.len(), 35);
    for (id, meaning) in &semantics {
        if let Semantics::Write { observed_by, effect } = meaning {
            assert_eq!(semantics.get(observed_by), Some(&Semantics::ReadOnly), "{id} is observed by {observed_by}");
            assert!(!effect.is_empty());
        }
    }
    assert_eq!(
        semantics["revokeLeafCertificate"],
        Semantics::Write {
            observed_by: "getCloudCertificationAuthorityLeafCertificate",
            effect: "certificateStatus is revoked"
        }
    );
    for read in ["searchCloudCertificationAuthorityLeafCertificateBySerialNumber", "getAllCloudCertificationAuthority"]
    {
        assert!(semantics[read].is_read_only(), "{read}: a read-only POST action");
    }
    assert_eq!(semantics["deleteCloudCertificationAuthority"], Semantics::Idempotent);
}
