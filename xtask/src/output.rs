//! Compares rendered files with what is on disk, and writes them all-or-nothing.
//!
//! Everything is rendered in memory before this module runs, so a broken spec never reaches it.
//! The generator owns exactly the files that carry its marker (the first line of a `.rs` file, a
//! `$comment` in a `.json` file): it replaces them, and removes those the spec no longer
//! produces. A file without the marker is never written, replaced or removed; one standing where
//! a generated file should go is an error.
//!
//! Writing puts every new text in a temporary file beside its target first (`.<name>.<pid>.codegen-tmp`);
//! only when all are written does it swap them in, keeping a copy of each file it replaces or
//! removes (`.<name>.<pid>.codegen-old`) until the end, so that a failure half-way puts every
//! file back as it was.

use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::{self, GeneratedFiles};

/// The suffix of the temporary files new texts are written to before they replace their targets.
pub const TEMPORARY_SUFFIX: &str = "codegen-tmp";

/// The suffix of the copies of replaced or removed files, kept until everything is in place.
pub const BACKUP_SUFFIX: &str = "codegen-old";

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

/// Compares `files` (relative to `root`) with the disk. A file at the path of a generated file
/// that does not carry the generator's marker is an error: it is not the generator's to replace.
pub fn plan(root: &Path, files: &GeneratedFiles) -> Result<Plan, String> {
    let mut plan = Plan::default();
    let mut not_owned = Vec::new();
    for (path, text) in files {
        let old = read_if_exists(&root.join(path))?;
        if let Some(old) = &old
            && old != text
            && !emit::is_generated(old)
        {
            not_owned.push(path.display().to_string());
        }
        if old.as_deref() != Some(text.as_str()) {
            plan.writes.push((path.clone(), old, text.clone()));
        }
    }
    if !not_owned.is_empty() {
        return Err(format!(
            "{} {} where the generator writes, but {} not written by it (no generator marker); move {} away \
             and run codegen again",
            not_owned.join(", "),
            if not_owned.len() == 1 { "exists" } else { "exist" },
            if not_owned.len() == 1 { "it was" } else { "they were" },
            if not_owned.len() == 1 { "it" } else { "them" },
        ));
    }
    for dir in [emit::RUST_DIR, emit::SCHEMA_DIR] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else { continue };
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {dir}: {e}"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let working_file = name.ends_with(TEMPORARY_SUFFIX) || name.ends_with(BACKUP_SUFFIX);
            if !working_file && entry.file_type().map_err(|e| format!("cannot list {dir}: {e}"))?.is_file() {
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

/// `.<name>.<pid>.<suffix>` beside `target`.
fn sibling(target: &Path, suffix: &str) -> Result<PathBuf, String> {
    let dir = target.parent().ok_or_else(|| format!("{} has no parent directory", target.display()))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(dir.join(format!(".{name}.{}.{suffix}", std::process::id())))
}

/// One change made to the disk, and how to undo it.
enum Step {
    /// `target` was created; undo: remove it.
    Created { target: PathBuf },
    /// `target` was replaced; its old bytes are in `backup`; undo: put the backup back.
    Replaced { target: PathBuf, backup: PathBuf },
    /// `target` was moved to `backup`; undo: move it back.
    Removed { target: PathBuf, backup: PathBuf },
}

/// Applies `plan` under `root`, all or nothing: every new text is written to a temporary file
/// first; only when all are written are they swapped in and stale generated files removed. If
/// any step fails, everything done so far is undone, so the files are as they were.
pub fn apply(root: &Path, plan: &Plan) -> Result<(), String> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let staging = stage(root, plan, &mut staged);
    if let Err(error) = staging {
        for (temporary, _) in &staged {
            let _ = fs::remove_file(temporary);
        }
        return Err(error);
    }
    let mut journal = Vec::new();
    if let Err(error) = swap(root, plan, &staged, &mut journal) {
        let mut problems = vec![error];
        problems.extend(undo(&journal));
        for (temporary, _) in &staged {
            let _ = fs::remove_file(temporary);
        }
        return Err(problems.join("; "));
    }
    let mut leftovers = Vec::new();
    for step in &journal {
        if let Step::Replaced { backup, .. } | Step::Removed { backup, .. } = step
            && let Err(e) = fs::remove_file(backup)
        {
            leftovers.push(format!("{}: {e}", backup.display()));
        }
    }
    if leftovers.is_empty() {
        Ok(())
    } else {
        Err(format!("the generated files are in place, but copies of the old ones remain: {}", leftovers.join(", ")))
    }
}

/// Writes every new text to its temporary file.
fn stage(root: &Path, plan: &Plan, staged: &mut Vec<(PathBuf, PathBuf)>) -> Result<(), String> {
    for (path, _, text) in &plan.writes {
        let target = root.join(path);
        let temporary = sibling(&target, TEMPORARY_SUFFIX)?;
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&temporary, text).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        staged.push((temporary, target));
    }
    Ok(())
}

/// Puts the staged files in place and moves stale ones aside, recording each step.
fn swap(root: &Path, plan: &Plan, staged: &[(PathBuf, PathBuf)], journal: &mut Vec<Step>) -> Result<(), String> {
    for (temporary, target) in staged {
        if fs::symlink_metadata(target).is_ok() {
            let backup = sibling(target, BACKUP_SUFFIX)?;
            fs::copy(target, &backup).map_err(|e| format!("cannot keep a copy of {}: {e}", target.display()))?;
            if let Err(e) = fs::rename(temporary, target) {
                let _ = fs::remove_file(&backup);
                return Err(format!("cannot replace {}: {e}", target.display()));
            }
            journal.push(Step::Replaced { target: target.clone(), backup });
        } else {
            fs::rename(temporary, target).map_err(|e| format!("cannot create {}: {e}", target.display()))?;
            journal.push(Step::Created { target: target.clone() });
        }
    }
    for (path, _) in &plan.removals {
        let target = root.join(path);
        let backup = sibling(&target, BACKUP_SUFFIX)?;
        fs::rename(&target, &backup).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        journal.push(Step::Removed { target, backup });
    }
    Ok(())
}

/// Undoes `journal`, last step first; returns what could not be undone.
fn undo(journal: &[Step]) -> Vec<String> {
    let mut problems = Vec::new();
    for step in journal.iter().rev() {
        let (result, target) = match step {
            Step::Created { target } => (fs::remove_file(target), target),
            Step::Replaced { target, backup } | Step::Removed { target, backup } => {
                (fs::rename(backup, target), target)
            }
        };
        if let Err(e) = result {
            problems.push(format!("could not restore {}: {e}", target.display()));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory for one test, removed at the end.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let path = std::env::temp_dir().join(format!("xtask-output-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).expect("create the scratch directory");
            Scratch(path)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
            .expect("list")
            .map(|entry| {
                let entry = entry.expect("entry");
                let bytes = fs::read(entry.path()).unwrap_or_default();
                (entry.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_failure_half_way_puts_everything_back() {
        let scratch = Scratch::new("rollback");
        let root = &scratch.0;
        let dir = root.join("out");
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(dir.join("a.rs"), "old a").expect("write");
        fs::write(dir.join("c.rs"), "old c, to be removed").expect("write");
        // `b.rs` is a directory: keeping a copy of it fails after `a.rs` was already replaced.
        fs::create_dir_all(dir.join("b.rs")).expect("mkdir");
        fs::write(dir.join("b.rs").join("inside"), "x").expect("write");
        let before = listing(&dir);
        let plan = Plan {
            writes: vec![
                (PathBuf::from("out/a.rs"), Some("old a".into()), "new a".into()),
                (PathBuf::from("out/b.rs"), Some(String::new()), "new b".into()),
                (PathBuf::from("out/new.rs"), None, "new file".into()),
            ],
            removals: vec![(PathBuf::from("out/c.rs"), "old c, to be removed".into())],
        };
        let error = apply(root, &plan).expect_err("b.rs cannot be replaced");
        assert!(error.contains("b.rs"), "{error}");
        assert_eq!(listing(&dir), before, "every file is as it was, and no working file is left");
    }

    #[test]
    fn a_failure_while_staging_changes_nothing() {
        let scratch = Scratch::new("staging");
        let root = &scratch.0;
        fs::create_dir_all(root.join("out")).expect("mkdir");
        fs::write(root.join("out/a.rs"), "old a").expect("write");
        fs::write(root.join("blocker"), "a file where a directory should be").expect("write");
        let before = listing(&root.join("out"));
        let plan = Plan {
            writes: vec![
                (PathBuf::from("out/a.rs"), Some("old a".into()), "new a".into()),
                (PathBuf::from("blocker/b.rs"), None, "new b".into()),
            ],
            removals: Vec::new(),
        };
        assert!(apply(root, &plan).is_err());
        assert_eq!(listing(&root.join("out")), before);
    }

    #[test]
    fn a_complete_run_leaves_no_working_files() {
        let scratch = Scratch::new("complete");
        let root = &scratch.0;
        fs::create_dir_all(root.join("out")).expect("mkdir");
        fs::write(root.join("out/a.rs"), "old a").expect("write");
        fs::write(root.join("out/c.rs"), "old c").expect("write");
        let plan = Plan {
            writes: vec![
                (PathBuf::from("out/a.rs"), Some("old a".into()), "new a".into()),
                (PathBuf::from("out/b.rs"), None, "new b".into()),
            ],
            removals: vec![(PathBuf::from("out/c.rs"), "old c".into())],
        };
        apply(root, &plan).expect("apply");
        let expected = vec![("a.rs".to_owned(), b"new a".to_vec()), ("b.rs".to_owned(), b"new b".to_vec())];
        assert_eq!(listing(&root.join("out")), expected);
    }
}
