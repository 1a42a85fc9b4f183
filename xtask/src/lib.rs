#![forbid(unsafe_code)]
//! `cargo xtask codegen`: reads `specs/`, validates it into a typed model, and renders the Rust
//! and JSON Schema of `crates/cloudpki-model` from that model.
//!
//! The pipeline is `spec::load` (YAML → checked [`spec::model::Spec`], Graph names only) →
//! [`lower`] (→ [`ir::Model`]: every Rust name, module and schema file decided, collisions
//! reported) → `emit::*` (files in memory, reading only the model) → [`output`] (check or write).

pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod names;
pub mod output;
pub mod spec;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Why codegen did not finish.
#[derive(Debug)]
pub enum CodegenError {
    /// The spec has problems; the rendered text lists them all.
    Spec(String),
    /// `--check` found stale files; the text is a unified diff.
    Stale(String),
    /// Reading or writing files failed, or the generator produced something it cannot print.
    Io(String),
}

/// What a run did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything on disk was already up to date.
    UpToDate,
    /// Files were written or removed (their paths, relative to the root).
    Updated(Vec<PathBuf>),
}

/// Loads and lowers the spec files in `dir`: the model, or every problem found, each at its
/// place.
pub fn load_model(dir: &Path) -> Result<ir::Model, spec::load::LoadError> {
    let loaded = spec::load::load_dir(dir)?;
    model_of(loaded)
}

/// Lowers an already-loaded spec.
pub fn model_of(loaded: spec::load::Loaded) -> Result<ir::Model, spec::load::LoadError> {
    lower::lower(&loaded.spec).map_err(|diagnostics| spec::load::LoadError { diagnostics, sources: loaded.sources })
}

/// Loads `root/specs`, renders everything, then checks (`check == true`) or writes under `root`.
pub fn codegen(root: &Path, check: bool) -> Result<Outcome, CodegenError> {
    let spec_dir = root.join("specs");
    let model = load_model(&spec_dir).map_err(|error| {
        let mut error = error;
        // Paths relative to the workspace, in the headers and in messages that name another
        // place.
        let prefix = format!("{}/", root.display());
        for diagnostic in &mut error.diagnostics {
            if let Ok(relative) = diagnostic.file.strip_prefix(root) {
                diagnostic.file = relative.to_path_buf();
            }
            diagnostic.message = diagnostic.message.replace(&prefix, "");
        }
        for source in &mut error.sources {
            if let Ok(relative) = source.path.strip_prefix(root) {
                source.path = relative.to_path_buf();
            }
        }
        CodegenError::Spec(error.render())
    })?;
    let files = emit::generate(&model).map_err(CodegenError::Io)?;
    let plan = output::plan(root, &files).map_err(CodegenError::Io)?;
    if plan.is_empty() {
        return Ok(Outcome::UpToDate);
    }
    if check {
        return Err(CodegenError::Stale(plan.diff()));
    }
    output::apply(root, &plan).map_err(CodegenError::Io)?;
    let mut changed: Vec<PathBuf> = plan.writes.iter().map(|(path, _, _)| path.clone()).collect();
    changed.extend(plan.removals.iter().map(|(path, _)| path.clone()));
    Ok(Outcome::Updated(changed))
}
