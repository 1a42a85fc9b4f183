#![forbid(unsafe_code)]
//! Broken copies of the real spec: each is rejected with `file:line:col: message` diagnostics
//! (all independent problems at once), snapshotted as the user sees them.

mod common;

use std::path::PathBuf;

use common::{SPEC, edited, split_spec, workspace_with_specs};
use xtask::spec::load::{LoadError, SourceFile, load_sources};
use xtask::{CodegenError, codegen};

const SPEC_PATH: &str = "specs/cloudpki.yaml";

/// The real spec with `from` replaced by `to` (which must occur).
fn broken(from: &str, to: &str) -> String {
    edited(SPEC, from, to)
}

/// Checks that every diagnostic is located (`file:line:col: message`, line and column from 1)
/// and shows its source line with a caret, then renders them all.
fn located(error: &LoadError) -> String {
    assert!(!error.diagnostics.is_empty());
    for diagnostic in &error.diagnostics {
        let header = diagnostic.to_string();
        let file = diagnostic.file.display().to_string();
        let location = header.strip_prefix(&format!("{file}:")).expect("starts with the file");
        let mut parts = location.splitn(3, ':');
        let line: usize = parts.next().and_then(|n| n.parse().ok()).expect("a line number");
        let column: usize = parts.next().and_then(|n| n.parse().ok()).expect("a column");
        assert!(line >= 1 && column >= 1, "{header}");
        let source = error.sources.iter().find(|s| s.path == diagnostic.file).expect("the source is kept");
        let rendered = diagnostic.render(&source.text);
        assert!(rendered.lines().any(|l| l.trim_start().starts_with('|') && l.contains('^')), "no caret:\n{rendered}");
    }
    error.render()
}

fn diagnose_files(files: &[(&str, &str)]) -> String {
    let sources =
        files.iter().map(|(path, text)| SourceFile { path: PathBuf::from(path), text: (*text).to_owned() }).collect();
    match load_sources(sources) {
        Ok(_) => panic!("the broken spec loaded"),
        Err(error) => located(&error),
    }
}

fn diagnose(text: &str) -> String {
    diagnose_files(&[(SPEC_PATH, text)])
}

/// What `cargo xtask codegen` reports for a workspace whose `specs/` holds `files`.
fn codegen_report(files: &[(&str, &[u8])]) -> String {
    let workspace = workspace_with_specs("diagnostics", &[]);
    for (name, bytes) in files {
        std::fs::write(workspace.path().join("specs").join(name), bytes).expect("write a spec file");
    }
    match codegen(workspace.path(), false) {
        Err(CodegenError::Spec(report)) => report,
        other => panic!("expected spec diagnostics, got {other:?}"),
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

#[test]
fn the_real_spec_split_in_two_files_loads_the_same() {
    let whole = load_sources(vec![SourceFile { path: PathBuf::from(SPEC_PATH), text: SPEC.to_owned() }])
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let (types, actions) = split_spec();
    let split = load_sources(vec![
        SourceFile { path: PathBuf::from("specs/a.yaml"), text: actions },
        SourceFile { path: PathBuf::from("specs/b.yaml"), text: types },
    ])
    .unwrap_or_else(|e| panic!("{}", e.render()));
    assert_eq!(whole, split);
}

// YAML syntax.
broken_spec!(yaml_syntax_error, "  - name: revokeLeafCertificate\n", "  - name: \"revokeLeafCertificate\n");
broken_spec!(yaml_tab_indentation, "    key: id\n", "\tkey: id\n");
broken_spec!(yaml_duplicate_key, "    evolvable: true\n", "    evolvable: true\n    evolvable: false\n");
broken_spec!(
    yaml_second_document,
    "baseUrl: https://graph.microsoft.com/beta\n",
    "baseUrl: https://graph.microsoft.com/beta\n---\n"
);

// Unknown keys.
broken_spec!(unknown_key, "    evolvable: true\n", "    evolvable: true\n    flags: 3\n");
broken_spec!(unknown_key_close_to_a_known_one, "    odataType: ", "    odataTyp: ");

// Wrong value types.
broken_spec!(wrong_value_type, "        nullable: false\n", "        nullable: maybe\n");
broken_spec!(yaml_1_1_booleans_are_not_booleans, "        nullable: false\n", "        nullable: no\n");
broken_spec!(integer_expected, "        value: 3\n", "        value: three\n");
broken_spec!(
    list_expected,
    "    members:\n      - name: unknown\n",
    "    members: unknown\n    membersX:\n      - name: unknown\n"
);
broken_spec!(mapping_expected, "      - name: active\n        value: 1\n", "      - active\n      - value: 1\n");
broken_spec!(string_expected, "        type: Edm.String\n", "        type: [Edm.String]\n");
broken_spec!(null_for_a_string, "        type: Edm.String\n", "        type:\n");
broken_spec!(unknown_response_kind, "      kind: single\n", "      kind: singel\n");
broken_spec!(yaml_tags_mean_nothing, "        type: Edm.String\n", "        type: !edm Edm.String\n");

// Missing keys: at the mapping that lacks them, all in one run.
broken_spec!(missing_required_key, "    key: id\n", "");

#[test]
fn several_missing_keys_are_reported_in_one_run() {
    let text = broken("    key: id\n", "")
        .replacen("        nullable: false\n", "", 1)
        .replacen("    method: POST\n", "", 1)
        .replacen("      delegatedPersonal: []\n", "", 1);
    let report = diagnose(&text);
    assert!(report.contains("4 problems"), "{report}");
    insta::assert_snapshot!(report);
}

#[test]
fn a_file_without_namespace() {
    let (types, actions) = split_spec();
    let actions = actions.replacen("namespace: microsoft.graph\n", "", 1);
    insta::assert_snapshot!(diagnose_files(&[("specs/a.yaml", &types), ("specs/b.yaml", &actions)]));
}

// References and names.
broken_spec!(
    undefined_type,
    "        type: cloudCertificationAuthorityLeafCertificateStatus\n",
    "        type: cloudCertificationAuthorityLeafCertificateState\n"
);
broken_spec!(
    response_of_an_undefined_type,
    "      type: cloudCertificationAuthorityLeafCertificate\n",
    "      type: leafCertificate\n"
);
broken_spec!(
    generated_type_used_as_a_property_type,
    "        type: cloudCertificationAuthorityLeafCertificateStatus\n",
    "        type: revokeLeafCertificateResponse\n"
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
    identifier_whose_rust_forms_start_with_a_digit,
    "      - name: thumbprint\n",
    "      - name: _1thumbprint\n"
);
broken_spec!(
    names_collide_after_case_conversion,
    "      - name: thumbprint\n",
    "      - name: Thumbprint\n        type: Edm.String\n        nullable: true\n        description: x\n      - name: thumbprint\n"
);
broken_spec!(member_takes_the_catch_all_variant, "      - name: expired\n", "      - name: other\n");
broken_spec!(
    type_names_that_differ_only_in_case,
    "entities:\n",
    "  - name: cloudCertificationAuthorityLeafCertificateSTATUS\n    description: x\n    evolvable: false\n    members:\n      - name: a\n        value: 0\n        description: a\nentities:\n"
);
broken_spec!(
    action_whose_response_type_is_taken,
    "actions:\n",
    "  - name: revokeLeafCertificateResponse\n    description: x\n    odataType: \"#microsoft.graph.revokeLeafCertificateResponse\"\n    key: id\n    properties:\n      - { name: id, type: Edm.String, nullable: false, description: x }\nactions:\n"
);
broken_spec!(
    entity_that_contains_itself,
    "      - name: thumbprint\n        type: Edm.String\n",
    "      - name: thumbprint\n        type: cloudCertificationAuthorityLeafCertificate\n"
);

#[test]
fn duplicate_type_across_files() {
    let (types, actions) = split_spec();
    let enum_again = "enums:\n  - name: cloudCertificationAuthorityLeafCertificateStatus\n    description: again\n    \
                      evolvable: false\n    members:\n      - { name: a, value: 0, description: a }\n";
    let actions = format!("{actions}\n{enum_again}");
    insta::assert_snapshot!(diagnose_files(&[("specs/a.yaml", &types), ("specs/b.yaml", &actions)]));
}

#[test]
fn problems_in_several_files_are_reported_in_one_run() {
    let (types, actions) = split_spec();
    let types = edited(&types, "        value: 3\n", "        value: three\n");
    let actions = edited(&actions, "    method: POST\n", "    method: SEND\n");
    let report = diagnose_files(&[("specs/a.yaml", &types), ("specs/b.yaml", &actions)]);
    assert!(report.contains("specs/a.yaml:") && report.contains("specs/b.yaml:"), "{report}");
    insta::assert_snapshot!(report);
}

// Paths and methods.
broken_spec!(
    undeclared_path_parameter,
    "/{cloudCertificationAuthorityId}/revokeLeafCertificate",
    "/{authorityId}/revokeLeafCertificate"
);
broken_spec!(
    declared_but_unused_path_parameter,
    "/{cloudCertificationAuthorityId}/revokeLeafCertificate",
    "/default/revokeLeafCertificate"
);
broken_spec!(
    path_parameter_that_is_not_a_whole_segment,
    "/{cloudCertificationAuthorityId}/revokeLeafCertificate",
    "/ca-{cloudCertificationAuthorityId}/revokeLeafCertificate"
);
broken_spec!(not_an_http_method, "    method: POST\n", "    method: FETCH\n");

// Characters: in the text, or through an escape in a value; and descriptions that rustdoc would
// turn into code.
broken_spec!(trojan_source, "Status of a leaf certificate", "Status of a \u{202E}leaf certificate");
broken_spec!(trojan_source_in_a_name, "      - name: thumbprint\n", "      - name: thumb\u{2066}print\u{2069}\n");
broken_spec!(
    trojan_source_through_an_escape,
    "description: The name of the issuing certification authority. Read-only.\n",
    "description: \"The name of the issuing \\u202Ecertification authority. Read-only.\"\n"
);
broken_spec!(
    trojan_source_in_a_name_through_an_escape,
    "      - name: thumbprint\n",
    "      - name: \"thumb\\u2067print\"\n"
);
broken_spec!(control_character_in_a_description, "The SHA-1 digest", "The SHA-1 \u{7}digest");
broken_spec!(
    control_characters_through_escapes,
    "description: The name of the issuing certification authority. Read-only.\n",
    "description: \"The name of the issuing\\r certification\\x1B[2J authority\\0. Read-only.\"\n"
);
broken_spec!(line_separator, "The SHA-1 digest", "The SHA-1\u{2028}digest");
broken_spec!(
    code_fence_in_a_description,
    "description: The name of the issuing certification authority. Read-only.\n",
    "description: |\n          The name of the issuing certification authority.\n          ```\n          std::process::exit(1);\n          ```\n"
);
broken_spec!(
    tab_in_a_description,
    "description: The name of the issuing certification authority. Read-only.\n",
    "description: \"The name of the issuing certification authority.\\n\\n\\tstd::process::exit(1);\"\n"
);
broken_spec!(
    empty_description,
    "description: The name of the issuing certification authority. Read-only.\n",
    "description: \"  \"\n"
);

// Files.
#[test]
fn empty_file() {
    insta::assert_snapshot!(diagnose_files(&[("specs/a.yaml", "# nothing yet\n\n"), (SPEC_PATH, SPEC)]));
}

#[test]
fn empty_spec_directory() {
    insta::assert_snapshot!(codegen_report(&[("README.md", b"not a spec\n"), (".cloudpki.yaml", b"hidden\n")]));
}

#[test]
fn file_that_is_not_utf8() {
    let mut bytes = SPEC.as_bytes().to_vec();
    let at = SPEC.find("Status of a leaf").expect("the enum description");
    bytes.insert(at + "Status of a ".len(), 0xFF);
    let report =
        codegen_report(&[("cloudpki.yaml", &bytes), ("other.yaml", b"namespace: microsoft.graph\nbogus: 1\n")]);
    assert!(report.contains("2 problems"), "{report}");
    insta::assert_snapshot!(report);
}

#[test]
fn several_independent_problems_are_reported_in_one_run() {
    let text = broken("    method: POST\n", "    method: post\n")
        .replacen("      - name: thumbprint\n", "      - name: thumb print\n", 1)
        .replacen("        type: Edm.DateTimeOffset\n", "        type: Edm.DateTime\n", 1);
    let report = diagnose(&text);
    assert!(report.contains("3 problems"), "{report}");
    insta::assert_snapshot!(report);
}
