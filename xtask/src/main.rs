#![forbid(unsafe_code)]
//! `cargo xtask codegen [--check]`: see the workspace README.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::{CodegenError, Outcome, codegen, workspace_root};

const USAGE: &str = "usage: cargo xtask codegen [--check] [--root DIR]

  codegen          read specs/, validate it, and write crates/cloudpki-model (Rust and JSON Schema)
  codegen --check  write nothing; fail with a diff when a committed generated file is stale
  --root DIR       work on the workspace at DIR instead of this one (the tests use copies)";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut root = workspace_root();
    if let Some(at) = args.iter().position(|arg| arg == "--root")
        && let Some(dir) = args.get(at + 1)
    {
        root = PathBuf::from(dir);
        args.drain(at..at + 2);
    }
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => false,
        ["codegen", "--check"] => true,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match codegen(&root, check) {
        Ok(Outcome::UpToDate) => {
            eprintln!("codegen: generated files are up to date");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Updated(paths)) => {
            for path in paths {
                eprintln!("codegen: updated {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(CodegenError::Spec(report)) => {
            eprint!("{report}");
            ExitCode::FAILURE
        }
        Err(CodegenError::Stale(diff)) => {
            print!("{diff}");
            eprintln!("codegen --check: generated files are stale; run `cargo xtask codegen` and commit the result");
            ExitCode::FAILURE
        }
        Err(CodegenError::Io(message)) => {
            eprintln!("codegen: error: {message}");
            ExitCode::FAILURE
        }
    }
}
