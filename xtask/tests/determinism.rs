#![forbid(unsafe_code)]
//! Generating is a pure function of the spec: the same bytes every time, whatever the working
//! directory, the environment, or the order and names of the spec files. On the frozen test
//! specs (`tests/specs/`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{LEAF, MULTI, TempDir, snapshot_tree, split_leaf, workspace_with_specs};
use xtask::spec::load::{SourceFile, load_sources};
use xtask::{Outcome, codegen, emit, model_of};

fn generate<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> emit::GeneratedFiles {
    let sources = files
        .iter()
        .map(|(path, text)| SourceFile { path: PathBuf::from(path.as_ref()), text: text.as_ref().to_owned() })
        .collect();
    let loaded = load_sources(sources).unwrap_or_else(|e| panic!("{}", e.render()));
    let model = model_of(loaded).unwrap_or_else(|e| panic!("{}", e.render()));
    emit::generate(&model).unwrap_or_else(|e| panic!("{e}"))
}

/// The multi-file spec as `(specs/<name>, text)`, in the given order of its files.
fn multi(order: &[usize], rename: impl Fn(&str) -> String) -> Vec<(String, &'static str)> {
    order.iter().map(|&i| MULTI[i]).map(|(name, text)| (format!("specs/{}", rename(name)), text)).collect()
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    for files in [vec![("specs/cloudpki.yaml".to_owned(), LEAF)], multi(&[0, 1, 2, 3], str::to_owned)] {
        let first = generate(&files);
        let second = generate(&files);
        assert!(!first.is_empty());
        assert!(first == second);
    }
}

#[test]
fn the_order_and_names_of_spec_files_do_not_matter() {
    let whole = generate(&[("specs/cloudpki.yaml", LEAF)]);
    let (types, operations) = split_leaf();
    let types_first = generate(&[("specs/a.yaml", &types), ("specs/b.yaml", &operations)]);
    let operations_first = generate(&[("specs/a.yaml", &operations), ("specs/b.yaml", &types)]);
    assert!(whole == types_first, "splitting the spec changed the output");
    assert!(types_first == operations_first, "the order of the files changed the output");

    let reference = generate(&multi(&[0, 1, 2, 3], str::to_owned));
    let reversed = generate(&multi(&[3, 2, 1, 0], |name| format!("z-{name}")));
    let shuffled = generate(&multi(&[2, 0, 3, 1], |name| name.replace('-', "_")));
    assert!(reference == reversed && reference == shuffled, "the order or names of the files changed the output");

    // The same through the directory loader, whose order is the file names'.
    let run = |files: &[(&str, &str)]| {
        let workspace = workspace_with_specs("file-order", files);
        assert!(matches!(codegen(workspace.path(), false), Ok(Outcome::Updated(_))));
        snapshot_tree(workspace.path(), "crates")
    };
    let a = run(&[("a_types.yaml", &types), ("b_operations.yaml", &operations)]);
    let b = run(&[("a_operations.yaml", &operations), ("b_types.yaml", &types)]);
    assert!(a == b, "renaming the spec files changed the output");
    let renamed: Vec<(String, &str)> =
        MULTI.iter().map(|(name, text)| (format!("{}-{name}", name.len()), *text)).collect();
    let renamed: Vec<(&str, &str)> = renamed.iter().map(|(name, text)| (name.as_str(), *text)).collect();
    assert!(run(MULTI) == run(&renamed), "renaming the spec files changed the output");
}

/// Runs the built binary on `root` from `cwd`; `configure` sets up its environment.
fn run_binary(root: &Path, cwd: &Path, configure: impl FnOnce(&mut Command)) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.arg("codegen").arg("--root").arg(root).current_dir(cwd);
    configure(&mut command);
    let output = command.output().expect("run the xtask binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_binary_writes_the_same_bytes_whatever_the_directory_and_environment() {
    let first = workspace_with_specs("determinism-1", MULTI);
    let second = workspace_with_specs("determinism-2", MULTI);
    let elsewhere = TempDir::new("determinism-cwd");
    run_binary(first.path(), first.path(), |_| {});
    run_binary(second.path(), elsewhere.path(), |command| {
        command
            .env_clear()
            .env("LANG", "tr_TR.UTF-8") // dotless i: case conversions must not depend on the locale
            .env("LC_ALL", "tr_TR.UTF-8")
            .env("TZ", "Pacific/Kiritimati")
            .env("RUST_LOG", "trace")
            .env("RUST_BACKTRACE", "full")
            .env("HOME", elsewhere.path())
            .env("COLUMNS", "20")
            .env("TERM", "dumb")
            .env("CLICOLOR_FORCE", "1")
            .env("SOURCE_DATE_EPOCH", "0");
    });
    let first_files = snapshot_tree(first.path(), "crates");
    let second_files = snapshot_tree(second.path(), "crates");
    assert!(!first_files.is_empty());
    assert_eq!(
        first_files.keys().collect::<Vec<_>>(),
        second_files.keys().collect::<Vec<_>>(),
        "different files were written"
    );
    for (path, bytes) in &first_files {
        assert!(second_files.get(path) == Some(bytes), "{} differs between the runs", path.display());
    }
    // And what the library generates in this process is what the binary wrote.
    let in_process = generate(&multi(&[0, 1, 2, 3], str::to_owned));
    assert_eq!(in_process.len(), first_files.len());
    for (path, text) in &in_process {
        assert!(first_files.get(path).map(Vec::as_slice) == Some(text.as_bytes()), "{} differs", path.display());
    }
}
