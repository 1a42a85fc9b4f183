//! Helpers shared by the xtask integration tests: the frozen test specs, temporary directories,
//! temporary workspaces, and byte-exact tree snapshots.
//!
//! The tests never read the production spec (`specs/` at the workspace root), which grows with
//! the API: they run on frozen specs of their own under `tests/specs/`, so that editing the
//! production spec cannot break them. Only `generated_files_are_fresh.rs` looks at the real
//! workspace.
#![allow(dead_code, clippy::unwrap_used)] // each test binary uses a different subset

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use xtask::emit::{RUST_DIR, SCHEMA_DIR};

/// The frozen leaf-only spec: `specs/cloudpki.yaml` as committed at fdf290d (format v2), one file.
pub const LEAF: &str = include_str!("../specs/leaf/cloudpki.yaml");

/// The file name the leaf spec has in a workspace's `specs/`.
pub const LEAF_FILE: &str = "cloudpki.yaml";

/// The frozen multi-file spec (`tests/specs/multi/`), by file name: every construct of format v2.
pub const MULTI: &[(&str, &str)] = &[
    ("certification-authority.yaml", include_str!("../specs/multi/certification-authority.yaml")),
    ("cloudpki.yaml", include_str!("../specs/multi/cloudpki.yaml")),
    ("leaf-certificate.yaml", include_str!("../specs/multi/leaf-certificate.yaml")),
    ("operations.yaml", include_str!("../specs/multi/operations.yaml")),
];

/// The text of the multi-file spec's file `name`.
pub fn multi_file(name: &str) -> &'static str {
    MULTI.iter().find(|(file, _)| *file == name).map(|(_, text)| *text).unwrap_or_else(|| panic!("no {name}"))
}

/// A directory under the system temp dir, removed (with everything in it) when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory whose name contains `label`.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = format!("xtask-test-{label}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(unique);
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Copies the directory tree `from` to `to` (files and directories only).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let file_type = entry.file_type().unwrap();
        if file_type.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if file_type.is_file() {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Replaces everything in `root/specs` with `files` (name, text).
pub fn write_specs(root: &Path, files: &[(&str, &str)]) {
    let dir = root.join("specs");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
}

/// A temporary workspace laid out like the real one, with the real generated directories of the
/// model crate copied in (whatever they hold now), and `specs/` holding exactly `files` (the real
/// spec files are not copied: the frozen spec takes their place).
pub fn workspace_copy(label: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new(label);
    let real = xtask::workspace_root();
    for part in [RUST_DIR, SCHEMA_DIR] {
        copy_tree(&real.join(part), &dir.path().join(part));
    }
    write_specs(dir.path(), files);
    dir
}

/// A temporary workspace whose `specs/` holds exactly `files` (name, text), and whose generated
/// directories start empty.
pub fn workspace_with_specs(label: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new(label);
    write_specs(dir.path(), files);
    dir
}

/// Every file under `root/dir`, by path relative to `root`, with its bytes.
pub fn snapshot_tree(root: &Path, dir: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &root.join(dir), &mut out);
    out
}

/// `spec` with the first `from` replaced by `to` (`from` must occur).
pub fn edited(spec: &str, from: &str, to: &str) -> String {
    assert!(spec.contains(from), "the spec no longer contains {from:?}");
    spec.replacen(from, to, 1)
}

/// The leaf spec as two files: namespace, baseUrl and the types; then the operations.
pub fn split_leaf() -> (String, String) {
    let at = LEAF.find("\noperations:\n").expect("the spec has operations") + 1;
    let namespace = LEAF.lines().find(|line| line.starts_with("namespace:")).expect("a namespace line");
    (LEAF[..at].to_owned(), format!("{namespace}\n\n{}", &LEAF[at..]))
}
