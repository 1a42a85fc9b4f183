#![forbid(unsafe_code)]
//! What `cargo xtask codegen` does to the files, on temporary copies of the workspace layout
//! (the real generated directories, with a frozen test spec in place of the real `specs/`): a
//! broken spec changes nothing; files of types gone from the spec are removed, files the
//! generator does not own are never touched; `--check` names the stale files; no working files
//! are left; and the binary itself exits non-zero on every failure.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{LEAF, LEAF_FILE, MULTI, TempDir, edited, multi_file, snapshot_tree, workspace_copy, write_specs};
use xtask::emit::{RUST_DIR, SCHEMA_DIR};
use xtask::{CodegenError, Outcome, codegen};

const SPEC_FILE: &str = "specs/cloudpki.yaml";

/// A workspace copy with the frozen leaf spec, whose generated files are fresh for it.
fn fresh_workspace(label: &str) -> TempDir {
    fresh_workspace_with(label, &[(LEAF_FILE, LEAF)])
}

/// A workspace copy whose `specs/` holds `files`, with fresh generated files.
fn fresh_workspace_with(label: &str, files: &[(&str, &str)]) -> TempDir {
    let workspace = workspace_copy(label, files);
    if let Err(error) = codegen(workspace.path(), false) {
        panic!("the frozen spec does not generate: {error:?}");
    }
    workspace
}

fn write_spec(root: &Path, text: impl AsRef<[u8]>) {
    fs::write(root.join(SPEC_FILE), text).expect("write the spec");
}

/// Runs the built `xtask` binary on the workspace at `root`, from `cwd`.
fn run_binary(root: &Path, cwd: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).arg("--root").arg(root).current_dir(cwd);
    command.output().expect("run the xtask binary")
}

/// Every working file (`.<name>.<pid>.codegen-tmp`, `.codegen-old`) under `root/crates`.
fn working_files(root: &Path) -> Vec<PathBuf> {
    snapshot_tree(root, "crates")
        .into_keys()
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.ends_with(".codegen-tmp") || name.ends_with(".codegen-old")
        })
        .collect()
}

/// A way to break the workspace: what it is, and what it does to the root.
type Breakage = (&'static str, Box<dyn Fn(&Path)>);

/// Ways to break the spec, each applied to a fresh workspace copy.
fn breakages() -> Vec<Breakage> {
    vec![
        (
            "YAML syntax",
            Box::new(|root: &Path| {
                write_spec(root, edited(LEAF, "  - name: revokeLeafCertificate\n", "  - name: [\n"))
            }),
        ),
        (
            "undefined type",
            Box::new(|root: &Path| {
                write_spec(root, edited(LEAF, "        type: Edm.DateTimeOffset\n", "        type: Edm.DateTime\n"));
            }),
        ),
        ("missing key", Box::new(|root: &Path| write_spec(root, edited(LEAF, "    key: id\n", "")))),
        (
            "trojan source through an escape",
            Box::new(|root: &Path| {
                let description = "description: The SHA-1 digest (thumbprint) of the certificate. Read-only.\n";
                write_spec(root, edited(LEAF, description, "description: \"The SHA-1 \\u202Edigest\"\n"));
            }),
        ),
        (
            "a Rust name collision (the lowering)",
            Box::new(|root: &Path| {
                write_spec(root, edited(LEAF, "      - name: thumbprint\n", "      - name: additionalProperties\n"));
            }),
        ),
        (
            "several problems in two files",
            Box::new(|root: &Path| {
                write_spec(root, edited(LEAF, "    method: POST\n", "    method: SEND\n"));
                fs::write(root.join("specs/more.yaml"), "namespace: microsoft.graph\nenums: 3\n").expect("write");
            }),
        ),
        (
            "not UTF-8",
            Box::new(|root: &Path| {
                let mut bytes = LEAF.as_bytes().to_vec();
                bytes.extend_from_slice(b"# \xC3\x28\n");
                write_spec(root, bytes);
            }),
        ),
        ("no spec file", Box::new(|root: &Path| fs::remove_file(root.join(SPEC_FILE)).expect("remove the spec"))),
        ("no specs directory", Box::new(|root: &Path| fs::remove_dir_all(root.join("specs")).expect("remove specs/"))),
    ]
}

#[test]
fn a_broken_spec_changes_no_file() {
    for (what, breakage) in breakages() {
        let workspace = fresh_workspace("broken");
        let root = workspace.path();
        // A hand-made file in each output directory, which must survive too.
        fs::write(root.join(RUST_DIR).join("hand_made.rs"), "// mine\n").expect("write");
        fs::write(root.join(SCHEMA_DIR).join("HandMade.json"), "{}\n").expect("write");
        let before = snapshot_tree(root, "crates");
        breakage(root);
        for check in [false, true] {
            match codegen(root, check) {
                Err(CodegenError::Spec(report)) => {
                    assert!(report.contains("nothing was generated"), "{what}: {report}");
                }
                other => panic!("{what}: expected spec diagnostics, got {other:?}"),
            }
            assert!(snapshot_tree(root, "crates") == before, "{what}: a generated file changed");
        }
        let output = run_binary(root, root, &["codegen"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains("specs"), "{what}: the report names the place: {stderr}");
        assert!(snapshot_tree(root, "crates") == before, "{what}: the binary changed a generated file");
        assert_eq!(working_files(root), Vec::<PathBuf>::new(), "{what}");
    }
}

/// The spec of the issue: an entity named `operations` (the model crate's module), a path
/// parameter named `body` (the operation's own field) and path parameters `caId` and `ca_id`
/// (one Rust field) in one action. Refused, each problem at its place, and nothing written:
/// the whole workspace tree is the same before and after, through the library and the binary.
#[test]
fn a_spec_whose_names_collide_in_rust_is_refused_with_every_place_and_writes_nothing() {
    let workspace = fresh_workspace_with("collisions", MULTI);
    let root = workspace.path();
    let authority = edited(
        multi_file("certification-authority.yaml"),
        "entities:\n",
        "entities:\n  - name: operations\n    description: An entity named like the generated operations module.\n    \
         odataType: \"#microsoft.graph.operations\"\n    key: id\n    properties:\n      \
         - { name: id, type: Edm.String, nullable: false, description: The key. }\n",
    );
    let operations = edited(
        multi_file("operations.yaml"),
        "    path: /deviceManagement/cloudCertificationAuthority/{cloudCertificationAuthorityId}/revokeLeafCertificate\n    \
         pathParameters:\n      - name: cloudCertificationAuthorityId\n        type: Edm.String\n        \
         description: The unique identifier of the cloud certification authority.\n",
        "    path: /deviceManagement/cloudCertificationAuthority/{caId}/{ca_id}/{body}/revokeLeafCertificate\n    \
         pathParameters:\n      - { name: caId, type: Edm.String, description: The certification authority. }\n      \
         - { name: ca_id, type: Edm.String, description: The same in snake case. }\n      \
         - { name: body, type: Edm.String, description: Named like the field that holds the request body. }\n",
    );
    let files: Vec<(&str, &str)> = MULTI
        .iter()
        .map(|(name, text)| match *name {
            "certification-authority.yaml" => (*name, authority.as_str()),
            "operations.yaml" => (*name, operations.as_str()),
            _ => (*name, *text),
        })
        .collect();
    write_specs(root, &files);
    let before = snapshot_tree(root, "");
    assert!(before.keys().any(|path| path.starts_with(RUST_DIR)), "the workspace has generated files");

    let mut reports = Vec::new();
    for check in [false, true] {
        match codegen(root, check) {
            Err(CodegenError::Spec(report)) => reports.push(report),
            other => panic!("expected spec diagnostics, got {other:?}"),
        }
        assert!(snapshot_tree(root, "") == before, "codegen(check: {check}) changed the workspace");
    }
    assert_eq!(reports[0], reports[1]);
    let report = &reports[0];
    assert!(report.contains("3 problems"), "{report}");
    for expected in [
        "specs/certification-authority.yaml:42:11: entity `operations` would be the generated module `operations`",
        "specs/operations.yaml:151:17: path parameter `ca_id` of operation `revokeLeafCertificate` would be the Rust field `ca_id`",
        "specs/operations.yaml:152:17: path parameter `body` of operation `revokeLeafCertificate` would be the Rust field `body`",
    ] {
        assert!(report.contains(expected), "{expected}\nnot in\n{report}");
    }

    let output = run_binary(root, root, &["codegen"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, *report);
    assert!(snapshot_tree(root, "") == before, "the binary changed the workspace");

    // Messages that point at another item name its file as the loader read it.
    let root_prefix = format!("{}/", root.display());
    insta::assert_snapshot!(report.replace(&root_prefix, "<workspace>/"));
}

#[test]
fn the_binary_reports_file_line_column_and_a_caret() {
    let workspace = fresh_workspace("binary-report");
    let root = workspace.path();
    write_spec(root, edited(LEAF, "    method: POST\n", "    method: FETCH\n"));
    let output = run_binary(root, root, &["codegen"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("specs/cloudpki.yaml:157:13: `FETCH` is not an HTTP method"), "{stderr}");
    assert!(stderr.contains("157 |     method: FETCH\n"), "{stderr}");
    assert!(stderr.contains("^"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn the_binary_exit_status() {
    let workspace = fresh_workspace("binary-status");
    let root = workspace.path();
    assert_eq!(run_binary(root, root, &["codegen"]).status.code(), Some(0));
    assert_eq!(run_binary(root, root, &["codegen", "--check"]).status.code(), Some(0));
    assert_eq!(run_binary(root, root, &["codegen", "--frobnicate"]).status.code(), Some(2));
    write_spec(root, edited(LEAF, "The SHA-1 digest", "The SHA-256 digest"));
    let stale = run_binary(root, root, &["codegen", "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&stale.stdout);
    assert!(
        diff.contains("+++ b/crates/cloudpki-model/src/generated/cloud_certification_authority_leaf_certificate.rs")
    );
    let missing_root = root.join("no-such-workspace");
    assert_eq!(run_binary(&missing_root, root, &["codegen"]).status.code(), Some(1));
}

#[test]
fn files_of_removed_types_are_removed_and_hand_made_files_are_untouched() {
    let workspace = fresh_workspace("removal");
    let root = workspace.path();
    let request_rs = Path::new(RUST_DIR).join("revoke_leaf_certificate_request.rs");
    let request_json = Path::new(SCHEMA_DIR).join("RevokeLeafCertificateRequest.json");
    assert!(root.join(&request_rs).is_file() && root.join(&request_json).is_file());
    // Hand-made files without the marker, some of them looking a lot like generated ones.
    let hand_made: Vec<(PathBuf, &[u8])> = vec![
        (Path::new(RUST_DIR).join("hand_made.rs"), b"// not generated\npub struct Mine;\n"),
        (Path::new(RUST_DIR).join("notes.txt"), b"notes\n"),
        (Path::new(SCHEMA_DIR).join("Mine.json"), b"{\"$comment\": \"mine\", \"type\": \"object\"}\n"),
        (Path::new(SCHEMA_DIR).join("Broken.json"), b"{ not json"),
        (Path::new(SCHEMA_DIR).join("Binary.json"), b"\xFF\xFE\x00"),
    ];
    for (path, bytes) in &hand_made {
        fs::write(root.join(path), bytes).expect("write");
    }
    let body_start = LEAF.find("    requestBody:\n").expect("a request body");
    let body_end = LEAF.find("    response:\n      kind: single\n").expect("the response after it");
    write_spec(root, format!("{}{}", &LEAF[..body_start], &LEAF[body_end..]));

    let outcome = codegen(root, false).unwrap_or_else(|e| panic!("{e:?}"));
    let Outcome::Updated(changed) = outcome else { panic!("nothing changed") };
    assert!(changed.contains(&request_rs) && changed.contains(&request_json), "{changed:?}");
    assert!(!root.join(&request_rs).exists(), "{} is still there", request_rs.display());
    assert!(!root.join(&request_json).exists(), "{} is still there", request_json.display());
    let mod_rs = fs::read_to_string(root.join(RUST_DIR).join("mod.rs")).expect("mod.rs");
    assert!(!mod_rs.contains("revoke_leaf_certificate_request"), "{mod_rs}");
    for (path, bytes) in &hand_made {
        assert_eq!(fs::read(root.join(path)).expect("still there"), *bytes, "{} changed", path.display());
    }
    assert_eq!(working_files(root), Vec::<PathBuf>::new());
    assert!(matches!(codegen(root, true), Ok(Outcome::UpToDate)));
}

#[test]
fn a_hand_made_file_where_a_generated_file_goes_is_not_replaced() {
    let workspace = fresh_workspace("not-owned");
    let root = workspace.path();
    let target = root.join(SCHEMA_DIR).join("CloudCertificationAuthorityLeafCertificate.json");
    fs::write(&target, "{\"title\": \"my own\"}\n").expect("write");
    write_spec(root, edited(LEAF, "The SHA-1 digest", "The SHA-256 digest"));
    let before = snapshot_tree(root, "crates");
    for check in [false, true] {
        match codegen(root, check) {
            Err(CodegenError::Io(message)) => {
                assert!(message.contains("CloudCertificationAuthorityLeafCertificate.json"), "{message}");
                assert!(message.contains("not written by it"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(snapshot_tree(root, "crates") == before, "a file changed");
    }
}

#[test]
fn check_on_a_stale_tree_names_the_file_and_writes_nothing() {
    let workspace = fresh_workspace("stale");
    let root = workspace.path();
    let stray = Path::new(SCHEMA_DIR).join("RemovedType.json");
    let generated_json = fs::read_to_string(root.join(SCHEMA_DIR).join("RevokeLeafCertificateRequest.json"))
        .expect("a generated schema file");
    fs::write(root.join(&stray), generated_json).expect("a stale generated file");
    write_spec(root, edited(LEAF, "The SHA-1 digest", "The SHA-256 digest"));
    let before = snapshot_tree(root, "crates");
    let Err(CodegenError::Stale(diff)) = codegen(root, true) else { panic!("--check passed on a stale tree") };
    let entity_rs = "crates/cloudpki-model/src/generated/cloud_certification_authority_leaf_certificate.rs";
    assert!(diff.contains(&format!("--- a/{entity_rs}\n+++ b/{entity_rs}\n")), "{diff}");
    assert!(diff.contains("+    /// The SHA-256 digest"), "{diff}");
    assert!(diff.contains("--- a/crates/cloudpki-model/schema/RemovedType.json"), "{diff}");
    assert!(snapshot_tree(root, "crates") == before, "--check wrote something");

    let Ok(Outcome::Updated(changed)) = codegen(root, false) else { panic!("codegen failed") };
    assert!(changed.contains(&stray), "{changed:?}");
    assert!(!root.join(&stray).exists());
    assert!(matches!(codegen(root, true), Ok(Outcome::UpToDate)));
    assert_eq!(working_files(root), Vec::<PathBuf>::new());
}

#[test]
fn generation_from_scratch_creates_the_directories() {
    for (label, files) in [("leaf", &[(LEAF_FILE, LEAF)][..]), ("multi", MULTI)] {
        let workspace = TempDir::new("scratch");
        let root = workspace.path();
        write_specs(root, files);
        let Ok(Outcome::Updated(created)) = codegen(root, false) else { panic!("{label}: codegen failed") };
        assert!(created.iter().any(|p| p.starts_with(RUST_DIR)) && created.iter().any(|p| p.starts_with(SCHEMA_DIR)));
        assert!(matches!(codegen(root, true), Ok(Outcome::UpToDate)), "{label}");
        // A copy of the real layout ends up with exactly the same files: whatever the real
        // generated directories held that this spec does not make is removed.
        let fresh = fresh_workspace_with("scratch-compare", files);
        let scratch = snapshot_tree(root, "crates");
        let copy = snapshot_tree(fresh.path(), "crates");
        assert_eq!(scratch.keys().collect::<Vec<_>>(), copy.keys().collect::<Vec<_>>(), "{label}");
        assert!(scratch == copy, "{label}: the files differ");
        assert_eq!(working_files(root), Vec::<PathBuf>::new());
    }
}

#[test]
fn the_multi_file_spec_generates_a_file_per_type_and_no_body_type_for_routes() {
    let workspace = TempDir::new("multi-files");
    let root = workspace.path();
    write_specs(root, MULTI);
    assert!(matches!(codegen(root, false), Ok(Outcome::Updated(_))));
    let files = snapshot_tree(root, "crates");
    let rust: Vec<String> = files
        .keys()
        .filter_map(|path| path.strip_prefix(RUST_DIR).ok())
        .map(|name| name.display().to_string())
        .collect();
    assert_eq!(
        rust,
        [
            "change_cloud_certification_authority_status_request.rs",
            "cloud_certification_authority.rs",
            "cloud_certification_authority_leaf_certificate.rs",
            "cloud_certification_authority_leaf_certificate_status.rs",
            "cloud_certification_authority_status.rs",
            "cloud_certification_authority_version.rs",
            "extended_key_usage.rs",
            "mod.rs",
            "operations.rs",
            "registry.rs",
            "revoke_leaf_certificate_request.rs",
        ]
    );
    assert!(files.contains_key(&Path::new(SCHEMA_DIR).join("openapi.json")));
    assert!(files.contains_key(&Path::new(SCHEMA_DIR).join("Page_CloudCertificationAuthority.json")));
}
