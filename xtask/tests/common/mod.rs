//! Helpers shared by the xtask integration tests: temporary directories, temporary copies of
//! the parts of the workspace that codegen reads and writes, and byte-exact tree snapshots.
#![allow(dead_code, clippy::unwrap_used)] // each test binary uses a different subset

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use xtask::emit::{RUST_DIR, SCHEMA_DIR};

/// The real spec.
pub const SPEC: &str = include_str!("../../../specs/cloudpki.yaml");

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

/// A temporary workspace with what codegen reads and writes, copied from the real one: `specs/`
/// and the generated directories of the model crate.
pub fn workspace_copy(label: &str) -> TempDir {
    let dir = TempDir::new(label);
    let real = xtask::workspace_root();
    for part in ["specs", RUST_DIR, SCHEMA_DIR] {
        copy_tree(&real.join(part), &dir.path().join(part));
    }
    dir
}

/// A temporary workspace whose `specs/` holds exactly `files` (name, text), and whose generated
/// directories start empty.
pub fn workspace_with_specs(label: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new(label);
    fs::create_dir_all(dir.path().join("specs")).unwrap();
    for (name, text) in files {
        fs::write(dir.path().join("specs").join(name), text).unwrap();
    }
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

/// The real spec with the first `from` replaced by `to` (`from` must occur).
pub fn edited(spec: &str, from: &str, to: &str) -> String {
    assert!(spec.contains(from), "the spec no longer contains {from:?}");
    spec.replacen(from, to, 1)
}

/// The real spec as two files: namespace, baseUrl and the types; then the actions.
pub fn split_spec() -> (String, String) {
    let at = SPEC.find("\nactions:\n").expect("the spec has actions") + 1;
    let namespace = SPEC.lines().find(|line| line.starts_with("namespace:")).expect("a namespace line");
    (SPEC[..at].to_owned(), format!("{namespace}\n\n{}", &SPEC[at..]))
}
