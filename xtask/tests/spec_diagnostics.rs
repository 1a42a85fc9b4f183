#![forbid(unsafe_code)]
//! Broken copies of the frozen test specs (`tests/specs/`): each is rejected with
//! `file:line:col: message` diagnostics (all independent problems at once), snapshotted as the
//! user sees them. Problems the loader finds (Graph rules) and those the lowering finds (Rust
//! names) are both reported through the same path: load, then lower.

mod common;

use std::path::PathBuf;

use common::{LEAF, MULTI, edited, multi_file, split_leaf, workspace_with_specs};
use xtask::ir::{ObjectKind, ResponseDef, Shape, TypeDef};
use xtask::spec::load::{LoadError, SourceFile, load_sources};
use xtask::spec::model::{MemberValue, Nullability, OperationKind, QueryOption, RequestBody, ResponseKind};
use xtask::{CodegenError, codegen, emit, model_of};

const LEAF_PATH: &str = "specs/cloudpki.yaml";

/// The leaf spec with `from` replaced by `to` (which must occur).
fn broken(from: &str, to: &str) -> String {
    edited(LEAF, from, to)
}

/// The multi-file spec as `(path, text)`, with each edit `(file, from, to)` applied.
fn multi_with(edits: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    for (file, _, _) in edits {
        assert!(MULTI.iter().any(|(name, _)| name == file), "no spec file {file}");
    }
    MULTI
        .iter()
        .map(|(name, text)| {
            let mut text = (*text).to_owned();
            for (_, from, to) in edits.iter().filter(|(file, _, _)| file == name) {
                text = edited(&text, from, to);
            }
            (format!("specs/{name}"), text)
        })
        .collect()
}

fn sources<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> Vec<SourceFile> {
    files
        .iter()
        .map(|(path, text)| SourceFile { path: PathBuf::from(path.as_ref()), text: text.as_ref().to_owned() })
        .collect()
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

/// Loads and lowers `files`, which must fail; the rendered report.
fn diagnose_files<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> String {
    let loaded = match load_sources(sources(files)) {
        Ok(loaded) => loaded,
        Err(error) => return located(&error),
    };
    match model_of(loaded) {
        Ok(_) => panic!("the broken spec loaded and lowered"),
        Err(error) => located(&error),
    }
}

fn diagnose(text: &str) -> String {
    diagnose_files(&[(LEAF_PATH, text)])
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

/// A broken leaf spec: `from` replaced by `to`.
macro_rules! broken_spec {
    ($name:ident, $from:expr, $to:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(diagnose(&broken($from, $to)));
        }
    };
}

/// A broken multi-file spec: in `file`, `from` replaced by `to`.
macro_rules! broken_multi {
    ($name:ident, $file:expr, $from:expr, $to:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(diagnose_files(&multi_with(&[($file, $from, $to)])));
        }
    };
}

// ---------------------------------------------------------------------------------------------
// The frozen specs load.

#[test]
fn the_leaf_spec_loads_and_lowers() {
    let loaded = load_sources(sources(&[(LEAF_PATH, LEAF)])).unwrap_or_else(|e| panic!("{}", e.render()));
    let spec = &loaded.spec;
    assert_eq!(spec.entities["cloudCertificationAuthorityLeafCertificate"].properties.len(), 21);
    assert_eq!(spec.enums["cloudCertificationAuthorityLeafCertificateStatus"].members.len(), 5);
    assert_eq!(spec.operations.len(), 2);
    assert!(spec.complex_types.is_empty());
    let model = model_of(loaded).unwrap_or_else(|e| panic!("{}", e.render()));
    let names: Vec<&str> = model.types.values().map(TypeDef::rust_name).collect();
    assert_eq!(
        names,
        [
            "CloudCertificationAuthorityLeafCertificate",
            "CloudCertificationAuthorityLeafCertificateStatus",
            "RevokeLeafCertificateRequest"
        ]
    );
    let aliases: Vec<&str> = model.aliases.keys().map(String::as_str).collect();
    assert_eq!(aliases, ["GetAllCloudCertificationAuthorityLeafCertificatesResponse", "RevokeLeafCertificateResponse"]);
}

#[test]
fn the_multi_file_spec_loads_every_v2_construct() {
    let files: Vec<(String, &str)> = MULTI.iter().map(|(name, text)| (format!("specs/{name}"), *text)).collect();
    let loaded = load_sources(sources(&files)).unwrap_or_else(|e| panic!("{}", e.render()));
    let spec = &loaded.spec;
    assert_eq!(spec.enums.len(), 2);
    assert_eq!(spec.complex_types.len(), 1);
    assert_eq!(spec.entities.len(), 3);
    assert_eq!(spec.operations.len(), 8);

    let status = &spec.enums["cloudCertificationAuthorityStatus"];
    assert!(matches!(status.members.last().map(|m| &m.value), Some(MemberValue::Unpublished(_))));
    let authority = &spec.entities["cloudCertificationAuthority"];
    let navigation: Vec<(&str, bool)> = authority.navigation.iter().map(|n| (n.name.as_str(), n.collection)).collect();
    assert_eq!(navigation, [("cloudCertificationAuthorityLeafCertificate", true), ("activeVersion", false)]);
    let usages = authority.properties.iter().find(|p| p.name == "extendedKeyUsages").expect("extendedKeyUsages");
    assert_eq!(usages.nullability, Nullability::NotEstablished);
    assert!(usages.read_only);
    assert!(spec.complex_types.contains_key("extendedKeyUsage"));

    let list = &spec.operations["listCloudCertificationAuthorities"];
    assert_eq!(list.kind, OperationKind::Route);
    assert_eq!(list.query_options.len(), QueryOption::ALL.len());
    assert_eq!(list.response.kind, ResponseKind::Collection);
    let update = &spec.operations["updateCloudCertificationAuthority"];
    assert_eq!(update.response.kind, ResponseKind::None);
    assert!(matches!(update.request_body, Some(RequestBody::Type { .. })));
    let change = &spec.operations["changeCloudCertificationAuthorityStatus"];
    assert_eq!(change.kind, OperationKind::Action);
    assert!(matches!(&change.request_body, Some(RequestBody::Parameters { parameters, .. }) if parameters.len() == 2));

    let model = model_of(loaded).unwrap_or_else(|e| panic!("{}", e.render()));
    let Some(TypeDef::Object(object)) = model.types.get("cloudCertificationAuthority") else { panic!("no object") };
    assert!(matches!(object.kind, ObjectKind::Entity { .. }));
    let active = object.fields.iter().find(|f| f.wire_name == "activeVersion").expect("activeVersion");
    assert!(active.navigation && active.boxed && !active.collection);
    assert!(matches!(model.types.get("extendedKeyUsage"), Some(TypeDef::Object(o)) if o.kind == ObjectKind::Complex));
    let Some(TypeDef::Object(change_body)) = model.types.get("changeCloudCertificationAuthorityStatusRequest") else {
        panic!("no request body type")
    };
    assert_eq!(change_body.constructor.len(), 2);
    assert!(matches!(model.operations["deleteCloudCertificationAuthority"].response, ResponseDef::None { .. }));
    assert!(model.shapes.contains(&Shape::Page("cloudCertificationAuthority".to_owned())));
    // Routes have no response alias; actions do.
    let aliases: Vec<&str> = model.aliases.keys().map(String::as_str).collect();
    assert_eq!(aliases, ["ChangeCloudCertificationAuthorityStatusResponse", "RevokeLeafCertificateResponse"]);
}

#[test]
fn the_leaf_spec_split_in_two_files_generates_the_same() {
    let generate = |files: &[(&str, &str)]| {
        let loaded = load_sources(sources(files)).unwrap_or_else(|e| panic!("{}", e.render()));
        let model = model_of(loaded).unwrap_or_else(|e| panic!("{}", e.render()));
        emit::generate(&model).unwrap_or_else(|e| panic!("{e}"))
    };
    let whole = generate(&[(LEAF_PATH, LEAF)]);
    let (types, operations) = split_leaf();
    let split = generate(&[("specs/a.yaml", &operations), ("specs/b.yaml", &types)]);
    assert!(whole == split, "splitting the spec changed the output");
}

// ---------------------------------------------------------------------------------------------
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
broken_multi!(
    unknown_key_close_to_a_v2_key,
    "operations.yaml",
    "    queryOptions: [select, expand]\n",
    "    queryOption: [select, expand]\n"
);
broken_spec!(unknown_operation_kind, "    kind: action\n", "    kind: actoin\n");
broken_spec!(unknown_response_kind, "      kind: single\n", "      kind: singel\n");

// Wrong value types.
broken_spec!(wrong_value_type, "    evolvable: true\n", "    evolvable: maybe\n");
broken_spec!(yaml_1_1_booleans_are_not_booleans, "    evolvable: true\n", "    evolvable: yes\n");
broken_spec!(integer_expected, "        value: 3\n", "        value: three\n");
broken_spec!(
    list_expected,
    "    members:\n      - name: unknown\n",
    "    members: unknown\n    membersX:\n      - name: unknown\n"
);
broken_spec!(mapping_expected, "      - name: active\n        value: 1\n", "      - active\n      - value: 1\n");
broken_spec!(string_expected, "        type: Edm.String\n", "        type: [Edm.String]\n");
broken_spec!(null_for_a_string, "        type: Edm.String\n", "        type:\n");
broken_spec!(yaml_tags_mean_nothing, "        type: Edm.String\n", "        type: !edm Edm.String\n");
broken_multi!(
    read_only_that_is_not_a_boolean,
    "leaf-certificate.yaml",
    "        readOnly: true\n",
    "        readOnly: sometimes\n"
);

// `nullable`: `true`, `false` or `notEstablished`.
broken_spec!(
    nullable_that_is_not_true_false_or_not_established,
    "        nullable: false\n",
    "        nullable: maybe\n"
);
broken_spec!(yaml_1_1_booleans_are_not_nullable_values, "        nullable: false\n", "        nullable: no\n");
broken_multi!(
    nullable_not_established_misspelled,
    "certification-authority.yaml",
    "        nullable: notEstablished\n",
    "        nullable: not_established\n"
);
broken_spec!(nullable_that_is_a_number, "        nullable: false\n", "        nullable: 0\n");

// Missing keys: at the mapping that lacks them, all in one run.
broken_spec!(missing_required_key, "    key: id\n", "");

#[test]
fn several_missing_keys_are_reported_in_one_run() {
    let text = broken("    key: id\n", "")
        .replacen("        nullable: false\n", "", 1)
        .replacen("    kind: action\n", "", 1)
        .replacen("    method: POST\n", "", 1)
        .replacen("      delegatedPersonal: []\n", "", 1);
    let report = diagnose(&text);
    assert!(report.contains("5 problems"), "{report}");
    insta::assert_snapshot!(report);
}

#[test]
fn a_file_without_namespace() {
    let (types, operations) = split_leaf();
    let operations = operations.replacen("namespace: microsoft.graph\n", "", 1);
    insta::assert_snapshot!(diagnose_files(&[("specs/a.yaml", &types), ("specs/b.yaml", &operations)]));
}

// ---------------------------------------------------------------------------------------------
// Enum members: `value` or `unpublished`.

broken_multi!(
    member_with_both_value_and_unpublished,
    "certification-authority.yaml",
    "      - name: expired\n        unpublished:",
    "      - name: expired\n        value: 4\n        unpublished:"
);
broken_spec!(member_with_neither_value_nor_unpublished, "        value: 3\n", "");
broken_multi!(
    unpublished_note_that_is_empty,
    "certification-authority.yaml",
    "        unpublished: >-\n          The member was added to the metadata after the sentinel; its numeric value is not\n          published.\n",
    "        unpublished: \" \"\n"
);
broken_spec!(duplicate_enum_value, "        value: 3\n", "        value: 2\n");
broken_spec!(duplicate_enum_member, "      - name: expired\n", "      - name: active\n");

// ---------------------------------------------------------------------------------------------
// Operations: kinds, query options, bodies and responses.

broken_multi!(
    query_option_that_does_not_exist,
    "operations.yaml",
    "    queryOptions: [select, expand]\n",
    "    queryOptions: [select, $expand, apply]\n"
);
broken_multi!(
    query_option_listed_twice,
    "operations.yaml",
    "    queryOptions: [select, filter, top, count]\n",
    "    queryOptions: [select, filter, top, count, top]\n"
);
broken_multi!(
    request_body_with_both_parameters_and_type,
    "operations.yaml",
    "      description: The certification authority to create.\n      type: cloudCertificationAuthority\n",
    "      description: The certification authority to create.\n      type: cloudCertificationAuthority\n      \
     parameters:\n        - { name: displayName, type: Edm.String, nullable: true, description: The name. }\n"
);
broken_multi!(
    request_body_with_neither_parameters_nor_type,
    "operations.yaml",
    "      description: The properties to change.\n      type: cloudCertificationAuthority\n",
    "      description: The properties to change.\n"
);
broken_multi!(
    request_body_with_no_parameters,
    "operations.yaml",
    "      parameters:\n        - name: leafCertificateId\n          type: Edm.String\n          nullable: true\n          \
     description: The unique identifier of the leaf certificate to revoke.\n",
    "      parameters: []\n"
);
broken_multi!(
    route_with_parameters,
    "operations.yaml",
    "  - name: changeCloudCertificationAuthorityStatus\n    kind: action\n",
    "  - name: changeCloudCertificationAuthorityStatus\n    kind: route\n"
);
broken_multi!(
    request_body_of_an_enum,
    "operations.yaml",
    "      description: The properties to change.\n      type: cloudCertificationAuthority\n",
    "      description: The properties to change.\n      type: cloudCertificationAuthorityStatus\n"
);
broken_multi!(
    none_response_with_a_type,
    "operations.yaml",
    "      kind: none\n      description: The service answers 204 No Content.\n",
    "      kind: none\n      type: cloudCertificationAuthority\n      description: The service answers 204 No Content.\n"
);
broken_multi!(
    collection_response_of_a_primitive,
    "operations.yaml",
    "      kind: collection\n      type: cloudCertificationAuthority\n",
    "      kind: collection\n      type: Edm.String\n"
);
broken_multi!(
    response_that_is_a_collection_type,
    "operations.yaml",
    "      kind: single\n      type: cloudCertificationAuthority\n      description: The created certification authority.\n",
    "      kind: single\n      type: Collection(cloudCertificationAuthority)\n      description: The created certification authority.\n"
);
broken_multi!(
    response_of_an_enum,
    "operations.yaml",
    "      kind: single\n      type: cloudCertificationAuthority\n      description: The created certification authority.\n",
    "      kind: single\n      type: cloudCertificationAuthorityStatus\n      description: The created certification authority.\n"
);
broken_multi!(
    response_without_a_type,
    "operations.yaml",
    "      kind: single\n      type: cloudCertificationAuthority\n      description: The created certification authority.\n",
    "      kind: single\n      description: The created certification authority.\n"
);

// Navigation properties.

#[test]
fn navigation_to_a_non_entity() {
    let file = "certification-authority.yaml";
    let report = diagnose_files(&multi_with(&[
        (file, "        type: cloudCertificationAuthorityVersion\n", "        type: extendedKeyUsage\n"),
        (
            file,
            "        type: Collection(cloudCertificationAuthorityLeafCertificate)\n",
            "        type: Collection(cloudCertificationAuthorityStatus)\n",
        ),
    ]));
    assert!(report.contains("2 problems"), "{report}");
    insta::assert_snapshot!(report);
}
broken_multi!(
    navigation_to_an_undefined_type,
    "certification-authority.yaml",
    "        type: cloudCertificationAuthorityVersion\n",
    "        type: cloudCertificationAuthorityVersions\n"
);
broken_multi!(
    navigation_named_like_a_property,
    "certification-authority.yaml",
    "      - name: activeVersion\n",
    "      - name: displayName\n"
);
broken_multi!(
    navigation_colliding_with_a_property_after_case_conversion,
    "certification-authority.yaml",
    "      - name: activeVersion\n",
    "      - name: DisplayName\n"
);
broken_multi!(
    navigation_without_a_type,
    "certification-authority.yaml",
    "        type: cloudCertificationAuthorityVersion\n",
    ""
);

// ---------------------------------------------------------------------------------------------
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
broken_spec!(
    duplicate_operation,
    "  - name: getAllCloudCertificationAuthorityLeafCertificates\n",
    "  - name: revokeLeafCertificate\n"
);
broken_spec!(
    duplicate_type,
    "entities:\n",
    "  - name: cloudCertificationAuthorityLeafCertificate\n    description: again\n    evolvable: false\n    members:\n      - name: a\n        value: 0\n        description: a\nentities:\n"
);
broken_spec!(
    duplicate_path_parameter,
    "    pathParameters:\n",
    "    pathParameters:\n      - { name: cloudCertificationAuthorityId, type: Edm.String, description: Again. }\n"
);
broken_spec!(
    duplicate_permission,
    "      delegatedPersonal: []\n",
    "      delegatedPersonal: [User.Read, User.Read]\n"
);
broken_spec!(invalid_identifier, "      - name: thumbprint\n", "      - name: thumb-print\n");
broken_spec!(
    identifier_whose_rust_forms_start_with_a_digit,
    "      - name: thumbprint\n",
    "      - name: _1thumbprint\n"
);
broken_spec!(invalid_operation_name, "  - name: revokeLeafCertificate\n", "  - name: revoke_leaf_certificate\n");
broken_spec!(
    entity_that_contains_itself,
    "      - name: thumbprint\n        type: Edm.String\n",
    "      - name: thumbprint\n        type: cloudCertificationAuthorityLeafCertificate\n"
);

#[test]
fn duplicate_type_across_files() {
    let (types, operations) = split_leaf();
    let enum_again = "enums:\n  - name: cloudCertificationAuthorityLeafCertificateStatus\n    description: again\n    \
                      evolvable: false\n    members:\n      - { name: a, value: 0, description: a }\n";
    let operations = format!("{operations}\n{enum_again}");
    insta::assert_snapshot!(diagnose_files(&[("specs/a.yaml", &types), ("specs/b.yaml", &operations)]));
}

#[test]
fn problems_in_several_files_are_reported_in_one_run() {
    let (types, operations) = split_leaf();
    let types = edited(&types, "        value: 3\n", "        value: three\n");
    let operations = edited(&operations, "    method: POST\n", "    method: SEND\n");
    let report = diagnose_files(&[("specs/a.yaml", &types), ("specs/b.yaml", &operations)]);
    assert!(report.contains("specs/a.yaml:") && report.contains("specs/b.yaml:"), "{report}");
    insta::assert_snapshot!(report);
}

// Rust names (the lowering): collisions after case conversion and with reserved names, each at
// the item that would take the name.

broken_spec!(
    names_collide_after_case_conversion,
    "      - name: thumbprint\n",
    "      - name: Thumbprint\n        type: Edm.String\n        nullable: true\n        description: x\n      - name: thumbprint\n"
);
broken_spec!(member_takes_the_catch_all_variant, "      - name: expired\n", "      - name: other\n");
broken_spec!(field_additional_properties, "      - name: thumbprint\n", "      - name: additionalProperties\n");
broken_spec!(
    type_names_that_differ_only_in_case,
    "entities:\n",
    "  - name: cloudCertificationAuthorityLeafcertificateStatus\n    description: x\n    evolvable: false\n    members:\n      - name: a\n        value: 0\n        description: a\nentities:\n"
);
broken_spec!(
    type_names_that_collide_after_case_conversion,
    "entities:\n",
    "  - name: cloudCertificationAuthorityLeafCertificateSTATUS\n    description: x\n    evolvable: false\n    members:\n      - name: a\n        value: 0\n        description: a\nentities:\n"
);
broken_spec!(
    types_named_like_runtime_types,
    "entities:\n",
    "  - { name: page, description: x, evolvable: true, members: [{ name: a, value: 0, description: a }] }\n  \
     - { name: nullable, description: x, evolvable: true, members: [{ name: a, value: 0, description: a }] }\n  \
     - { name: option, description: x, evolvable: true, members: [{ name: a, value: 0, description: a }] }\n  \
     - { name: string, description: x, evolvable: true, members: [{ name: a, value: 0, description: a }] }\nentities:\n"
);
broken_spec!(
    operation_named_like_another_after_case_conversion,
    "  - name: getAllCloudCertificationAuthorityLeafCertificates\n",
    "  - name: RevokeLeafCertificate\n"
);
broken_spec!(
    action_whose_response_type_is_taken,
    "operations:\n",
    "  - name: revokeLeafCertificateResponse\n    description: x\n    odataType: \"#microsoft.graph.revokeLeafCertificateResponse\"\n    key: id\n    properties:\n      - { name: id, type: Edm.String, nullable: false, description: x }\noperations:\n"
);
broken_spec!(
    action_whose_request_type_is_taken,
    "operations:\n",
    "  - name: revokeLeafCertificateRequest\n    description: x\n    odataType: \"#microsoft.graph.revokeLeafCertificateRequest\"\n    key: id\n    properties:\n      - { name: id, type: Edm.String, nullable: false, description: x }\noperations:\n"
);
broken_spec!(
    path_parameters_colliding_after_case_conversion,
    "/{cloudCertificationAuthorityId}/revokeLeafCertificate\n    pathParameters:\n",
    "/{cloudCertificationAuthorityId}/{cloud_certification_authority_id}/revokeLeafCertificate\n    pathParameters:\n      \
     - { name: cloud_certification_authority_id, type: Edm.String, description: Again. }\n"
);
broken_spec!(
    path_parameter_named_like_an_operation_field,
    "/{cloudCertificationAuthorityId}/revokeLeafCertificate\n    pathParameters:\n",
    "/{cloudCertificationAuthorityId}/{query}/revokeLeafCertificate\n    pathParameters:\n      \
     - { name: query, type: Edm.String, description: The query. }\n"
);
broken_multi!(
    type_named_like_a_module_of_the_model_crate,
    "certification-authority.yaml",
    "complexTypes:\n  - name: extendedKeyUsage\n",
    "complexTypes:\n  - { name: registry, description: x, properties: [] }\n  - name: extendedKeyUsage\n"
);

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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
broken_multi!(
    trojan_source_in_an_unpublished_note_through_an_escape,
    "certification-authority.yaml",
    "        unpublished: >-\n          The member was added to the metadata after the sentinel; its numeric value is not\n          published.\n",
    "        unpublished: \"Not \\u202Epublished.\"\n"
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

// ---------------------------------------------------------------------------------------------
// Files.

#[test]
fn empty_file() {
    insta::assert_snapshot!(diagnose_files(&[("specs/a.yaml", "# nothing yet\n\n"), (LEAF_PATH, LEAF)]));
}

#[test]
fn empty_spec_directory() {
    insta::assert_snapshot!(codegen_report(&[("README.md", b"not a spec\n"), (".cloudpki.yaml", b"hidden\n")]));
}

#[test]
fn file_that_is_not_utf8() {
    let mut bytes = LEAF.as_bytes().to_vec();
    let at = LEAF.find("Status of a leaf").expect("the enum description");
    bytes.insert(at + "Status of a ".len(), 0xFF);
    let report =
        codegen_report(&[("cloudpki.yaml", &bytes), ("other.yaml", b"namespace: microsoft.graph\nbogus: 1\n")]);
    assert!(report.contains("2 problems"), "{report}");
    insta::assert_snapshot!(report);
}

#[test]
fn a_file_of_the_multi_file_spec_that_is_not_utf8() {
    let mut files: Vec<(&str, Vec<u8>)> = MULTI.iter().map(|(name, text)| (*name, text.as_bytes().to_vec())).collect();
    let text = multi_file("leaf-certificate.yaml");
    let at = text.find("Status of a leaf").expect("the enum description");
    if let Some((_, bytes)) = files.iter_mut().find(|(name, _)| *name == "leaf-certificate.yaml") {
        bytes.insert(at, 0xC3);
    }
    let files: Vec<(&str, &[u8])> = files.iter().map(|(name, bytes)| (*name, bytes.as_slice())).collect();
    // The other files still load: the types of the broken file are not reported as undefined.
    let report = codegen_report(&files);
    assert!(report.contains("1 problem in the spec"), "{report}");
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

#[test]
fn problems_in_every_file_of_the_multi_file_spec_are_reported_in_one_run() {
    let report = diagnose_files(&multi_with(&[
        (
            "cloudpki.yaml",
            "baseUrl: https://graph.microsoft.com/beta\n",
            "baseUrl: https://graph.microsoft.com/beta/\n",
        ),
        ("certification-authority.yaml", "        value: 2\n", "        value: 1\n"),
        ("leaf-certificate.yaml", "        type: Collection(Edm.String)\n", "        type: Collection(Edm.Strin)\n"),
        ("operations.yaml", "    method: PATCH\n", "    method: PUT!\n"),
    ]));
    for file in MULTI.iter().map(|(name, _)| name) {
        assert!(report.contains(&format!("specs/{file}:")), "{file}: {report}");
    }
    insta::assert_snapshot!(report);
}

// Operation semantics.
broken_spec!(missing_semantics, "    semantics: idempotent\n", "");
broken_spec!(unknown_semantics, "    semantics: idempotent\n", "    semantics: retryable\n");
broken_spec!(
    a_write_without_its_observer,
    "    semantics: idempotent\n",
    "    semantics: write\n    effect: certificateStatus is revoked\n"
);
broken_spec!(
    a_write_observed_by_an_unknown_operation,
    "    semantics: idempotent\n",
    "    semantics: write\n    observedBy: getLeaf\n    effect: certificateStatus is revoked\n"
);
broken_spec!(
    a_write_observed_by_a_write,
    "    semantics: idempotent\n",
    "    semantics: write\n    observedBy: revokeLeafCertificate\n    effect: certificateStatus is revoked\n"
);
broken_spec!(
    an_observer_on_a_read,
    "    semantics: idempotent\n",
    "    semantics: readOnly\n    observedBy: getAllCloudCertificationAuthorityLeafCertificates\n"
);
