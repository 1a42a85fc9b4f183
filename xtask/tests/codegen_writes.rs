#![forbid(unsafe_code)]
//! What `cargo xtask codegen` does to the files, on temporary copies of the workspace: a broken
//! spec changes nothing; files of types gone from the spec are removed, files the generator does
//! not own are never touched; `--check` names the stale files; no working files are left; and
//! the binary itself exits non-zero on every failure.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{SPEC, TempDir, edited, snapshot_tree, workspace_copy};
use xtask::emit::{RUST_DIR, SCHEMA_DIR};
use xtask::{CodegenError, Outcome, codegen};

const SPEC_FILE: &str = "specs/cloudpki.yaml";

/// A workspace copy whose generated files are fresh for the real spec (the committed ones may be
/// mid-change in a working tree).
fn fresh_workspace(label: &str) -> TempDir {
    let workspace = workspace_copy(label);
    if let Err(error) = codegen(workspace.path(), false) {
        panic!("the real spec does not generate: {error:?}");
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
                write_spec(root, edited(SPEC, "  - name: revokeLeafCertificate\n", "  - name: [\n"))
            }),
        ),
        (
            "undefined type",
            Box::new(|root: &Path| {
                write_spec(root, edited(SPEC, "        type: Edm.DateTimeOffset\n", "        type: Edm.Date\n"));
            }),
        ),
        ("missing key", Box::new(|root: &Path| write_spec(root, edited(SPEC, "    key: id\n", "")))),
        (
            "trojan source through an escape",
            Box::new(|root: &Path| {
                let description = "description: The SHA-1 digest (thumbprint) of the certificate. Read-only.\n";
                write_spec(root, edited(SPEC, description, "description: \"The SHA-1 \\u202Edigest\"\n"));
            }),
        ),
        (
            "several problems in two files",
            Box::new(|root: &Path| {
                write_spec(root, edited(SPEC, "    method: POST\n", "    method: SEND\n"));
                fs::write(root.join("specs/more.yaml"), "namespace: microsoft.graph\nenums: 3\n").expect("write");
            }),
        ),
        (
            "not UTF-8",
            Box::new(|root: &Path| {
                let mut bytes = SPEC.as_bytes().to_vec();
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

#[test]
fn the_binary_reports_file_line_column_and_a_caret() {
    let workspace = fresh_workspace("binary-report");
    let root = workspace.path();
    write_spec(root, edited(SPEC, "    method: POST\n", "    method: FETCH\n"));
    let output = run_binary(root, root, &["codegen"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("specs/cloudpki.yaml:155:13: `FETCH` is not an HTTP method"), "{stderr}");
    assert!(stderr.contains("155 |     method: FETCH\n"), "{stderr}");
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
    write_spec(root, edited(SPEC, "The SHA-1 digest", "The SHA-256 digest"));
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
    let body_start = SPEC.find("    requestBody:\n").expect("a request body");
    let body_end = SPEC.find("    response:\n      kind: single\n").expect("the response after it");
    write_spec(root, format!("{}{}", &SPEC[..body_start], &SPEC[body_end..]));

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
    write_spec(root, edited(SPEC, "The SHA-1 digest", "The SHA-256 digest"));
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
    write_spec(root, edited(SPEC, "The SHA-1 digest", "The SHA-256 digest"));
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
    let workspace = TempDir::new("scratch");
    let root = workspace.path();
    common::copy_tree(&xtask::workspace_root().join("specs"), &root.join("specs"));
    let Ok(Outcome::Updated(created)) = codegen(root, false) else { panic!("codegen failed") };
    assert!(created.iter().any(|p| p.starts_with(RUST_DIR)) && created.iter().any(|p| p.starts_with(SCHEMA_DIR)));
    let fresh = fresh_workspace("scratch-compare");
    assert!(snapshot_tree(root, "crates") == snapshot_tree(fresh.path(), "crates"));
    assert_eq!(working_files(root), Vec::<PathBuf>::new());
}
