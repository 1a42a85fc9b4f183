//! Compares rendered files with what is on disk, and writes them all-or-nothing.
//!
//! Everything is rendered in memory before this module runs, so a broken spec never reaches it.
//! Writing puts every new text in a temporary file beside its target first and only then renames
//! them into place; files the generator owns (they carry its marker) but no longer produces are
//! removed; any other file is left alone.

use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::{self, GeneratedFiles};

/// What it takes to bring the disk in line with the rendered files.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to create or replace: path relative to the root, old text (if any), new text.
    pub writes: Vec<(PathBuf, Option<String>, String)>,
    /// Generated files the spec no longer produces, with their text.
    pub removals: Vec<(PathBuf, String)>,
}

impl Plan {
    /// Whether the disk is already up to date.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.removals.is_empty()
    }

    /// A unified diff of every change, as `cargo xtask codegen --check` prints it.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for (path, old, new) in &self.writes {
            let old = old.as_deref().unwrap_or("");
            out.push_str(&unified_diff(path, old, new));
        }
        for (path, old) in &self.removals {
            out.push_str(&unified_diff(path, old, ""));
        }
        out
    }
}

fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Compares `files` (relative to `root`) with the disk.
pub fn plan(root: &Path, files: &GeneratedFiles) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for (path, text) in files {
        let old = read_if_exists(&root.join(path))?;
        if old.as_deref() != Some(text.as_str()) {
            plan.writes.push((path.clone(), old, text.clone()));
        }
    }
    for dir in [emit::RUST_DIR, emit::SCHEMA_DIR] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else { continue };
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {dir}: {e}"))?;
            if entry.file_type().map_err(|e| format!("cannot list {dir}: {e}"))?.is_file() {
                found.push(PathBuf::from(dir).join(entry.file_name()));
            }
        }
        found.sort();
        for path in found {
            if files.contains_key(&path) {
                continue;
            }
            if let Some(text) = read_if_exists(&root.join(&path)).ok().flatten()
                && emit::is_generated(&text)
            {
                plan.removals.push((path, text));
            }
        }
    }
    Ok(plan)
}

fn read_if_exists(path: &Path) -> Result<Option<String>, String> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Applies `plan` under `root`: every new text goes to a temporary file first; only when all are
/// written are they renamed into place, then stale generated files are removed.
pub fn apply(root: &Path, plan: &Plan) -> Result<(), String> {
    let mut staged = Vec::new();
    let result = (|| {
        for (path, _, text) in &plan.writes {
            let target = root.join(path);
            let dir = target.parent().ok_or_else(|| format!("{} has no parent directory", target.display()))?;
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let temporary = dir.join(format!(".{file_name}.codegen-tmp"));
            fs::write(&temporary, text).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
            staged.push((temporary, target));
        }
        Ok(())
    })();
    if let Err(error) = result {
        for (temporary, _) in &staged {
            let _ = fs::remove_file(temporary);
        }
        return Err(error);
    }
    for (temporary, target) in &staged {
        fs::rename(temporary, target).map_err(|e| format!("cannot replace {}: {e}", target.display()))?;
    }
    for (path, _) in &plan.removals {
        fs::remove_file(root.join(path)).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    Ok(())
}
