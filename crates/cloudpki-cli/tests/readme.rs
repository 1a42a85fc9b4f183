//! The README's walkthrough ("Try it without a tenant"), run as written.
//!
//! Conventions in README.md:
//!
//! - A runnable block is a ```` ```sh ```` fence whose preceding line is
//!   `<!-- readme-test: NAME -->`. Every such block, in README order, goes into ONE
//!   `bash -euo pipefail` script, so variables (`CA`, `FAKE_PID`, ...) and the exported
//!   `CLOUDPKI_BASE_URL` / `GRAPH_TOKEN` carry over from block to block. Other code blocks (the
//!   `cargo install` / `cargo build` lines) are not run: the test puts the binaries cargo built
//!   for it first on the PATH instead.
//! - The ```` ```text ```` fence right after a runnable block (blank lines between allowed) is the
//!   output it prints, stdout and stderr together. Each non-blank line of it is checked: it must
//!   be a line of that block's output, in any order (Prometheus families are unordered), except
//!   lines containing `...`, which mark what the README trimmed and are not checked.
//! - Before comparing, both sides are normalized: whitespace runs become one space (table column
//!   widths may vary), an RFC 3339 date-time becomes `<time>` (the fake's dates are relative to
//!   today), an integer right after a date-time at the end of a line becomes `<n>` (the expiry
//!   report's days left), and the port of `127.0.0.1:PORT` / `localhost:PORT` becomes `<port>`.
//!   Everything else (seeded ids, serial numbers, subjects, statuses, counts) must match exactly.
//!
//! The script runs in a temporary directory that is also HOME and TMPDIR (the README's
//! `cd "$(mktemp -d)"` lands there), with a timeout, in its own process group, which is killed at
//! the end whatever happened (the background fake and exporter included).
//!
//! `cloudpki-fake` is a dev-dependency, which cargo builds as a library only: its binary is taken
//! from next to the `cloudpki` binary, where `cargo test --workspace` (CI) or
//! `cargo build -p cloudpki-fake` puts it.

use std::fmt::Write as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"));
const TIMEOUT: Duration = Duration::from_secs(300);
const MARKER: &str = "@@readme-test block: ";

/// A runnable block of the README and the output lines it shows under it.
#[derive(Debug)]
struct Block {
    name: String,
    /// Its line number in README.md (1-based), for messages.
    line: usize,
    code: String,
    expected: Vec<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = lines[i].trim().strip_prefix("<!-- readme-test:").and_then(|rest| rest.strip_suffix("-->"))
        else {
            i += 1;
            continue;
        };
        let name = name.trim().to_owned();
        let line = i + 1;
        assert_eq!(
            lines.get(i + 1).map(|l| l.trim()),
            Some("```sh"),
            "README.md:{line}: `{name}` must be followed by a ```sh block"
        );
        let mut code = String::new();
        i += 2;
        while i < lines.len() && lines[i].trim() != "```" {
            code.push_str(lines[i]);
            code.push('\n');
            i += 1;
        }
        assert!(i < lines.len(), "README.md:{line}: the block `{name}` is not closed");
        i += 1;
        let mut j = i;
        while j < lines.len() && lines[j].trim().is_empty() {
            j += 1;
        }
        let mut expected = Vec::new();
        if lines.get(j).map(|l| l.trim()) == Some("```text") {
            j += 1;
            while j < lines.len() && lines[j].trim() != "```" {
                expected.push(lines[j].to_owned());
                j += 1;
            }
            i = j + 1;
        }
        blocks.push(Block { name, line, code, expected });
    }
    blocks
}

fn is_time(token: &str) -> bool {
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
    let b = token.as_bytes();
    let digits = |range: std::ops::Range<usize>| range.clone().all(|k| b.get(k).is_some_and(u8::is_ascii_digit));
    if b.len() < 20
        || !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10))
        || !(b[10] == b'T' && digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19))
    {
        return false;
    }
    let mut k = 19;
    if b[k] == b'.' {
        k += 1;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
    }
    let rest = &token[k..];
    rest == "Z" || (rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) && rest.as_bytes()[3] == b':')
}

fn mask_ports(token: &str) -> String {
    let mut out = token.to_owned();
    for host in ["127.0.0.1:", "localhost:"] {
        let mut from = 0;
        while let Some(at) = out[from..].find(host).map(|p| p + from) {
            let start = at + host.len();
            let end = out[start..].find(|c: char| !c.is_ascii_digit()).map_or(out.len(), |p| p + start);
            if end > start {
                out.replace_range(start..end, "<port>");
            }
            from = start;
        }
    }
    out
}

fn normalize(line: &str) -> String {
    // A date-time or port anywhere, and in a CSV row in each field on its own.
    let field = |field: &str| if is_time(field) { "<time>".to_owned() } else { mask_ports(field) };
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for (k, token) in tokens.iter().enumerate() {
        let last = k + 1 == tokens.len();
        if last && out.last().is_some_and(|t| t == "<time>") && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push("<n>".to_owned());
        } else {
            out.push(token.split(',').map(field).collect::<Vec<_>>().join(","));
        }
    }
    out.join(" ")
}

/// Where the `cloudpki-fake` binary cargo built is: next to `cloudpki`.
fn fake_binary(cli: &Path) -> PathBuf {
    let fake = cli.with_file_name(format!("cloudpki-fake{}", std::env::consts::EXE_SUFFIX));
    assert!(
        fake.is_file(),
        "{} does not exist: the README test runs the cloudpki-fake binary, which `cargo test -p cloudpki-cli` \
         does not build (a dev-dependency is built as a library). Run `cargo build -p cloudpki-fake` first \
         (`cargo test --workspace`, as CI runs it, builds it too)",
        fake.display()
    );
    fake
}

fn kill_group(pgid: u32) {
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pgid}")]).stderr(Stdio::null()).status();
}

#[test]
fn readme_walkthrough_runs_as_written() {
    let blocks = blocks(README);
    assert!(blocks.len() >= 2, "README.md has no `<!-- readme-test: NAME -->` blocks");
    for (k, block) in blocks.iter().enumerate() {
        assert!(
            !blocks[..k].iter().any(|b| b.name == block.name),
            "README.md:{}: the block name `{}` is used twice",
            block.line,
            block.name
        );
    }

    let cli = PathBuf::from(env!("CARGO_BIN_EXE_cloudpki"));
    let fake = fake_binary(&cli);
    let bin_dir = tempfile::tempdir().expect("a temporary directory");
    // Only these two on the PATH from the build, whatever else target/debug holds.
    std::os::unix::fs::symlink(&cli, bin_dir.path().join("cloudpki")).expect("symlink");
    std::os::unix::fs::symlink(&fake, bin_dir.path().join("cloudpki-fake")).expect("symlink");
    let path = format!("{}:{}", bin_dir.path().display(), std::env::var("PATH").unwrap_or_default());

    let home = tempfile::tempdir().expect("a temporary directory");
    let mut script = String::from("trap 'kill $(jobs -p) 2> /dev/null || true' EXIT\n");
    for block in &blocks {
        let _ = writeln!(script, "printf '\\n%s\\n' '{MARKER}{}'", block.name);
        script.push_str(&block.code);
    }
    let script_path = home.path().join("readme.sh");
    std::fs::write(&script_path, &script).expect("write the script");
    let log_path = home.path().join("readme.log");
    let log = std::fs::File::create(&log_path).expect("create the log");

    let mut child = Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg(&script_path)
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("TMPDIR", home.path())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("CLOUDPKI_BASE_URL")
        .env_remove("GRAPH_TOKEN")
        .env_remove("RUST_LOG")
        .env_remove("AZURE_TENANT_ID")
        .env_remove("AZURE_CLIENT_ID")
        .env_remove("AZURE_CLIENT_SECRET")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log"))
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("bash runs");
    let pgid = child.id();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for bash") {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    kill_group(pgid);
    let _ = child.wait();
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();

    let Some(status) = status else {
        panic!("the README walkthrough did not end within {TIMEOUT:?}; its output so far:\n{output}");
    };
    assert!(status.success(), "the README walkthrough failed ({status}); its output:\n{output}");

    // The output of each block: from its marker to the next.
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in output.lines() {
        if let Some(name) = line.strip_prefix(MARKER) {
            sections.push((name.to_owned(), Vec::new()));
        } else if let Some((_, lines)) = sections.last_mut() {
            lines.push(line.to_owned());
        }
    }

    let mut failures = String::new();
    let mut checked = 0;
    for block in &blocks {
        let actual = sections
            .iter()
            .find(|(name, _)| *name == block.name)
            .map(|(_, lines)| lines.as_slice())
            .unwrap_or_else(|| panic!("no output section for the block `{}`; the output:\n{output}", block.name));
        let normalized: Vec<String> = actual.iter().map(|l| normalize(l)).collect();
        let missing: Vec<&String> = block
            .expected
            .iter()
            .filter(|l| !l.trim().is_empty() && !l.contains("..."))
            .inspect(|_| checked += 1)
            .filter(|l| !normalized.contains(&normalize(l)))
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(
                failures,
                "\nREADME.md:{}: block `{}`: these lines of the README are not in its output:",
                block.line, block.name
            );
            for line in missing {
                let _ = writeln!(failures, "    {line}");
            }
            let _ = writeln!(failures, "  its output:");
            for line in actual {
                let _ = writeln!(failures, "    {line}");
            }
        }
    }
    assert!(failures.is_empty(), "the README shows output its commands do not print:{failures}");
    assert!(checked >= 10, "only {checked} output lines of the README are checked; the ```text blocks are missing?");
}

#[test]
fn normalization() {
    assert_eq!(normalize("a   2027-01-02T14:16:43Z  27"), "a <time> <n>");
    assert_eq!(normalize("x 2026-12-05T20:49:36.123+01:00 y"), "x <time> y");
    assert_eq!(normalize("v 1 2030-11-10T14:39:50Z"), "v 1 <time>");
    assert_eq!(
        normalize("http://127.0.0.1:43053/beta localhost:9/x"),
        "http://127.0.0.1:<port>/beta localhost:<port>/x"
    );
    assert_eq!(normalize("revoked 1, confirmed 0"), "revoked 1, confirmed 0");
    assert_eq!(
        normalize("3af7,Contoso Root CA,root,active,1,2035-10-30T18:38:01Z"),
        "3af7,Contoso Root CA,root,active,1,<time>"
    );
}

#[test]
fn blocks_are_found() {
    let readme = "x\n<!-- readme-test: a -->\n```sh\necho hi\n```\n\n```text\nhi\n... trimmed\n```\n<!-- readme-test: b -->\n```sh\ntrue\n```\n";
    let found = blocks(readme);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].name, "a");
    assert_eq!(found[0].code, "echo hi\n");
    assert_eq!(found[0].expected, ["hi", "... trimmed"]);
    assert!(found[1].expected.is_empty());
}
