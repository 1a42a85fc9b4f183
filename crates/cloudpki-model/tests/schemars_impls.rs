#![forbid(unsafe_code)]
//! With the `schemars` feature, `schemars::schema_for!` on each generated type gives exactly the
//! committed schema file (less the file's ownership `$comment`).
#![cfg(feature = "schemars")]

mod common;

use cloudpki_model::{
    CloudCertificationAuthorityLeafCertificate, CloudCertificationAuthorityLeafCertificateStatus,
    GetAllCloudCertificationAuthorityLeafCertificatesResponse, RevokeLeafCertificateRequest,
    RevokeLeafCertificateResponse,
};
use common::{TYPE_NAMES, schema_file};

fn committed(type_name: &str) -> serde_json::Value {
    let mut schema = schema_file(type_name);
    schema.as_object_mut().expect("schema is an object").remove("$comment");
    schema
}

#[test]
fn schema_for_matches_the_committed_files() {
    let generated = [
        (
            "CloudCertificationAuthorityLeafCertificate",
            schemars::schema_for!(CloudCertificationAuthorityLeafCertificate),
        ),
        (
            "CloudCertificationAuthorityLeafCertificateStatus",
            schemars::schema_for!(CloudCertificationAuthorityLeafCertificateStatus),
        ),
        (
            "GetAllCloudCertificationAuthorityLeafCertificatesResponse",
            schemars::schema_for!(GetAllCloudCertificationAuthorityLeafCertificatesResponse),
        ),
        ("RevokeLeafCertificateRequest", schemars::schema_for!(RevokeLeafCertificateRequest)),
        ("RevokeLeafCertificateResponse", schemars::schema_for!(RevokeLeafCertificateResponse)),
    ];
    assert_eq!(generated.len(), TYPE_NAMES.len());
    for (type_name, schema) in generated {
        assert_eq!(
            schema.as_value(),
            &committed(type_name),
            "schema_for!({type_name}) differs from schema/{type_name}.json"
        );
    }
}
