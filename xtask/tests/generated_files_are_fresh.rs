#![forbid(unsafe_code)]
//! In the style of rust-analyzer's `ensure_file_contents`: fails when a committed generated file
//! differs from what `cargo xtask codegen` would write now (the message carries the diff).

use xtask::{CodegenError, Outcome, codegen, workspace_root};

#[test]
fn committed_generated_files_are_up_to_date() {
    match codegen(&workspace_root(), true) {
        Ok(Outcome::UpToDate) => {}
        Ok(Outcome::Updated(paths)) => panic!("--check must not write, but it updated {paths:?}"),
        Err(CodegenError::Stale(diff)) => {
            panic!("generated files are stale; run `cargo xtask codegen` and commit the result:\n{diff}")
        }
        Err(CodegenError::Spec(report)) => panic!("the committed spec does not load:\n{report}"),
        Err(CodegenError::Io(message)) => panic!("{message}"),
    }
}
