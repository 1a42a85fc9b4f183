//! Broken copies of the real spec: each is rejected with `file:line:col: message` diagnostics
//! (all independent problems at once), snapshotted as the user sees them.

use std::path::PathBuf;

use xtask::spec::load::{SourceFile, load_sources};

const SPEC: &str = include_str!("../../specs/cloudpki.yaml");
const SPEC_PATH: &str = "specs/cloudpki.yaml";

/// The real spec with `from` replaced by `to` (which must occur).
fn broken(from: &str, to: &str) -> String {
    assert!(SPEC.contains(from), "the spec no longer contains {from:?}");
    SPEC.replacen(from, to, 1)
}

fn diagnose(text: &str) -> String {
    let source = SourceFile { path: PathBuf::from(SPEC_PATH), text: text.to_owned() };
    match load_sources(vec![source]) {
        Ok(_) => panic!("the broken spec loaded"),
        Err(error) => {
            for diagnostic in &error.diagnostics {
                let line = diagnostic.to_string();
                let location = line.strip_prefix(&format!("{SPEC_PATH}:")).expect("starts with the file");
                let mut parts = location.splitn(3, ':');
                let line_number: usize = parts.next().and_then(|n| n.parse().ok()).expect("a line number");
                let column: usize = parts.next().and_then(|n| n.parse().ok()).expect("a column");
                assert!(line_number >= 1 && column >= 1, "{line}");
            }
            error.render()
        }
    }
}

macro_rules! broken_spec {
    ($name:ident, $from:expr, $to:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(diagnose(&broken($from, $to)));
        }
    };
}

#[test]
fn the_real_spec_loads() {
    let source = SourceFile { path: PathBuf::from(SPEC_PATH), text: SPEC.to_owned() };
    let spec = load_sources(vec![source]).unwrap_or_else(|e| panic!("{}", e.render()));
    let entity = &spec.entities["cloudCertificationAuthorityLeafCertificate"];
    assert_eq!(entity.properties.len(), 21);
    assert_eq!(spec.enums["cloudCertificationAuthorityLeafCertificateStatus"].members.len(), 5);
    assert_eq!(spec.actions.len(), 2);
}

broken_spec!(yaml_syntax_error, "  - name: revokeLeafCertificate\n", "  - name: \"revokeLeafCertificate\n");
broken_spec!(unknown_key, "    evolvable: true\n", "    evolvable: true\n    flags: 3\n");
broken_spec!(wrong_value_type, "        nullable: false\n", "        nullable: maybe\n");
broken_spec!(missing_required_key, "    key: id\n", "");
broken_spec!(
    undefined_type,
    "        type: cloudCertificationAuthorityLeafCertificateStatus\n",
    "        type: cloudCertificationAuthorityLeafCertificateState\n"
);
broken_spec!(duplicate_property, "      - name: issuerName\n", "      - name: issuerId\n");
broken_spec!(duplicate_enum_member, "      - name: expired\n", "      - name: active\n");
broken_spec!(duplicate_enum_value, "        value: 3\n", "        value: 2\n");
broken_spec!(
    duplicate_action,
    "  - name: getAllCloudCertificationAuthorityLeafCertificates\n",
    "  - name: revokeLeafCertificate\n"
);
broken_spec!(
    duplicate_type,
    "entities:\n",
    "  - name: cloudCertificationAuthorityLeafCertificate\n    description: again\n    evolvable: false\n    members:\n      - name: a\n        value: 0\n        description: a\nentities:\n"
);
broken_spec!(invalid_identifier, "      - name: thumbprint\n", "      - name: thumb-print\n");
broken_spec!(
    undeclared_path_parameter,
    "/{cloudCertificationAuthorityId}/revokeLeafCertificate",
    "/{authorityId}/revokeLeafCertificate"
);
broken_spec!(not_an_http_method, "    method: POST\n", "    method: FETCH\n");
broken_spec!(
    names_collide_after_case_conversion,
    "      - name: thumbprint\n",
    "      - name: Thumbprint\n        type: Edm.String\n        nullable: true\n        description: x\n      - name: thumbprint\n"
);
broken_spec!(trojan_source, "Status of a leaf certificate", "Status of a \u{202E}leaf certificate");
broken_spec!(member_takes_the_catch_all_variant, "      - name: expired\n", "      - name: other\n");

#[test]
fn several_independent_problems_are_reported_in_one_run() {
    let text = broken("    method: POST\n", "    method: post\n")
        .replacen("      - name: thumbprint\n", "      - name: thumb print\n", 1)
        .replacen("        type: Edm.DateTimeOffset\n", "        type: Edm.DateTime\n", 1);
    let report = diagnose(&text);
    assert!(report.contains("3 problems"), "{report}");
    insta::assert_snapshot!(report);
}
