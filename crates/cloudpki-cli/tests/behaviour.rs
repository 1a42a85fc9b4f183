//! `cloudpki` end to end, the CLI's own job: a closed pipe, hostile text, the per-CA lock, the
//! journal checked in a dry run, the token choice, base URL hints, logs.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cloudpki_fake::Config;
use common::{BIN, Cli, Request, TestFake, issuing_ca, serve};
use serde_json::{Value, json};

/// The characters that must never reach a terminal raw.
fn hostile(c: char) -> bool {
    c.is_control() && c != '\n'
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `cloudpki --base-url URL args...` with `GRAPH_TOKEN=token`, as a std command (for pipes).
fn command(fake: &TestFake, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.env("GRAPH_TOKEN", &fake.token).env_remove("CLOUDPKI_BASE_URL").env_remove("RUST_LOG");
    command.arg("--base-url").arg(&fake.url).args(args);
    command
}

/// Waits for `child` at most 60 s.
fn wait(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the CLI did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_pipe_closed_early_ends_quietly_with_0() {
    let fake = TestFake::start(Config::default().with_data(1, 3000));
    let ca = issuing_ca(&fake);
    for format in ["ndjson", "table", "csv", "json"] {
        // `cloudpki ... | head -1`, stderr piped on its own.
        let mut child = command(&fake, &["-o", format, "--page-size", "100", "cert", "list", "--ca", &ca])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{format}: a first line");
        drop(stdout);
        let status = wait(&mut child);
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        assert_eq!((status.code(), stderr.as_str()), (Some(0), ""), "{format}");

        // `cloudpki ... 2>&1 | head -1`: stdout and stderr one pipe, closed after a line.
        let (reader, writer) = std::io::pipe().unwrap();
        let mut child = command(&fake, &["-o", format, "--page-size", "100", "cert", "list", "--ca", &ca])
            .stdout(writer.try_clone().unwrap())
            .stderr(writer)
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(reader);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        drop(reader);
        assert_eq!(wait(&mut child).code(), Some(0), "{format}, 2>&1");
    }

    // Both already closed: every write fails, and still no panic. A listing ends with 0, a
    // failure keeps its own status, a note on stderr is dropped.
    for (args, code) in [
        (vec!["cert", "list", "--ca", ca.as_str()], 0),
        (vec!["cert", "list", "--ca", ca.as_str(), "--subject-contains", "nobody"], 0),
        (vec!["-o", "json", "cert", "revoke", "--ca", ca.as_str(), "--all"], 0),
        (vec!["ca", "show", "no-such-ca"], 1),
        (vec!["ca", "list", "--no-such-option"], 2),
        (vec!["--help"], 0),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut child = command(&fake, &args).stdout(writer.try_clone().unwrap()).stderr(writer).spawn().unwrap();
        assert_eq!(wait(&mut child).code(), Some(code), "{args:?}");
    }
}

#[test]
fn hostile_text_from_the_service_never_reaches_the_terminal_raw() {
    // Errors: the fake's hostile-text fault (a 400 whose code and message hold escapes).
    let faults = "rate=1,kinds=hostile-text".parse().unwrap();
    let fake = TestFake::start(Config::default().with_data(1, 5).with_faults(faults));
    let ca = issuing_ca(&fake);
    for args in [
        vec!["ca", "list"],
        vec!["ca", "show", ca.as_str()],
        vec!["cert", "list", "--ca", ca.as_str()],
        vec!["cert", "revoke", "--ca", ca.as_str(), "--all", "--yes"],
        vec!["cert", "revoke", "--ca", ca.as_str(), "--id", "x", "--id", "y"],
    ] {
        let run = fake.cli().args(&args).run();
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.chars().any(hostile), "{args:?}: raw control text: {:?}", run.stderr);
        assert!(run.stderr.contains("\\u{1b}[2J"), "{args:?}: escaped, visible: {}", run.stderr);
        assert!(run.stderr.contains("\\u{202e}"), "{args:?}: {}", run.stderr);
        assert!(!run.stdout.chars().any(hostile), "{args:?}: {:?}", run.stdout);
    }

    // A table of values the service controls: escaped; JSON: the same values.
    let evil = "CA\u{1b}]0;owned\u{7}\u{202e}ti\u{2066}x\u{9b}31m\u{7f}";
    let items = json!([
        {"id": "ca\u{1b}[2J-1", "displayName": evil, "cloudCertificationAuthorityType": "rootCertificationAuthority",
         "certificationAuthorityStatus": "active\u{202e}", "versionNumber": 1},
    ]);
    let listed = items.clone();
    let (addr, _) =
        serve("127.0.0.1:0".parse().unwrap(), move |_: &Request| (200, json!({"value": listed.clone()}).to_string()))
            .unwrap();
    let url = format!("http://{addr}/beta");
    let table = Cli::new(&url, "token-1234567890").args(["ca", "list"]).run().expect(0).stdout;
    assert!(!table.chars().any(hostile), "{table:?}");
    assert!(table.contains("CA\\u{1b}]0;owned\\u{7}\\u{202e}ti\\u{2066}x\\u{9b}31m\\u{7f}"), "{table}");
    let run = Cli::new(&url, "token-1234567890").args(["-o", "ndjson", "ca", "list"]).run().expect(0);
    assert!(!run.stdout.chars().any(hostile), "JSON escapes them: {:?}", run.stdout);
    assert_eq!(Value::Array(run.ndjson()), items, "the same JSON values");
    let run = Cli::new(&url, "token-1234567890").args(["-o", "csv", "ca", "list"]).run().expect(0);
    assert_eq!(run.csv()[1][1], evil, "CSV to a pipe is the exact data");
}

#[test]
fn two_runs_on_one_ca_are_refused_whatever_their_journals() {
    let fake = TestFake::start(Config::default().with_data(1, 400).with_latency(Duration::from_millis(40)));
    let ca = issuing_ca(&fake);
    let dir = tempfile::tempdir().unwrap();
    let locks = dir.path().join("locks");
    std::fs::create_dir(&locks).unwrap();
    let (first, second) = (dir.path().join("first.journal"), dir.path().join("second.journal"));
    let mut child =
        command(&fake, &["cert", "revoke", "--ca", &ca, "--all", "--yes", "--concurrency", "1", "--journal"])
            .arg(&first)
            .env("XDG_RUNTIME_DIR", &locks)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&first).unwrap_or_default().contains("\nbegin ") {
        assert!(Instant::now() < deadline, "the first run did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    for journal in [Some(&second), None] {
        let mut args = vec!["cert", "revoke", "--ca", ca.as_str(), "--all", "--yes"];
        if let Some(journal) = journal {
            args.extend(["--journal", journal.to_str().unwrap()]);
        }
        let output = command(&fake, &args).env("XDG_RUNTIME_DIR", &locks).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&format!("another cloudpki run is changing CA {ca}")), "{stderr}");
    }
    assert!(!second.exists(), "refused before the journal is opened");
    // A dry run needs no lock.
    fake.cli().args(["cert", "revoke", "--ca", &ca, "--all", "--journal", second.to_str().unwrap()]).run().expect(0);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(fake.stats().revoked_more_than_once().is_empty());
    // Once it has ended, the CA is free again; the revocation the killed run may have sent is
    // watched for through the settle window (short here) before it is sent again.
    let run = fake
        .cli()
        .args(["--settle-window", "1s", "cert", "revoke", "--ca", &ca, "--all", "--yes", "--journal"])
        .args([&first]);
    run.run().expect(0);
}

#[test]
fn a_journal_that_cannot_be_written_fails_a_dry_run_first() {
    let fake = TestFake::start(Config::default().with_data(1, 5));
    let ca = issuing_ca(&fake);
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-such-dir").join("revoke.journal");
    for args in [
        vec!["cert", "revoke", "--ca", ca.as_str(), "--all"],
        vec!["ca", "retire", ca.as_str()],
        vec!["cert", "revoke", "--ca", ca.as_str(), "--all", "--yes"],
    ] {
        let run = fake.cli().args(&args).args(["--journal", nowhere.to_str().unwrap()]).run().expect(2);
        assert!(
            run.stderr.contains("cannot write the journal") || run.stderr.contains("cannot open the journal"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(fake.stats().requests.values().sum::<u64>(), 0, "failed before anything was sent");
    // A writable one: checked, and a dry run leaves no file behind.
    let fine = dir.path().join("fine.journal");
    fake.cli().args(["cert", "revoke", "--ca", &ca, "--all", "--journal", fine.to_str().unwrap()]).run().expect(0);
    assert!(!fine.exists());
}

#[test]
fn the_token_choice_and_base_url_mistakes() {
    let fake = TestFake::start(Config::default().with_data(1, 5));
    let run = |env: Option<&str>, url: &str| {
        let mut command = assert_cmd::Command::new(BIN);
        command.env_remove("CLOUDPKI_BASE_URL").env_remove("GRAPH_TOKEN").args(["--base-url", url, "ca", "list"]);
        if let Some(token) = env {
            command.env("GRAPH_TOKEN", token);
        }
        let output = command.output().unwrap();
        (output.status.code(), String::from_utf8(output.stderr).unwrap())
    };
    for empty in ["", "   "] {
        let (code, stderr) = run(Some(empty), &fake.url);
        assert_eq!(code, Some(3), "{stderr}");
        assert!(stderr.contains("GRAPH_TOKEN is empty"), "{stderr}");
    }
    // No GRAPH_TOKEN and not Microsoft Graph: never an Azure credential's token.
    let (code, stderr) = run(None, &fake.url);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("set GRAPH_TOKEN"), "{stderr}");
    assert_eq!(fake.stats().requests.values().sum::<u64>(), 0);

    // A base URL without its version.
    let root = fake.url.trim_end_matches("/beta").to_owned();
    for url in [root.clone(), format!("{root}/")] {
        let (code, stderr) = run(Some(&fake.token), &url);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(&format!("did you mean {root}/beta?")), "{stderr}");
    }

    // Nothing listens: said at once, with the URL.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/beta");
    let started = Instant::now();
    let run = Cli::new(&url, "token-1234567890").args(["--max-retries", "0", "ca", "list"]).run().expect(1);
    assert!(run.stderr.contains(&format!("cannot reach the service at {url}")), "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

#[test]
fn verbose_logs_go_to_stderr_without_the_token() {
    let fake = TestFake::start(Config::default().with_data(1, 5));
    for flag in ["-v", "-vv"] {
        let run = fake.cli().args([flag, "-o", "ndjson", "ca", "list"]).run().expect(0);
        assert!(run.stderr.contains("client settings"), "{flag}: {}", run.stderr);
        assert_eq!(run.ndjson().len(), 2, "stdout is the data only");
    }
    let run = fake.cli().args(["-o", "ndjson", "ca", "list"]).run().expect(0);
    assert_eq!(run.stderr, "");
}
