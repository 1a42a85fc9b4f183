//! `cloudpki` end to end: the binary against the fake Cloud PKI (and a few hand-written
//! servers) over real loopback sockets.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use cloudpki_fake::Config;
use common::{Cli, Request, TestFake, issuing_ca, serve};
use serde_json::{Value, json};

const LEAVES: &str = "/deviceManagement/cloudCertificationAuthority";

fn leaves_path(ca: &str) -> String {
    format!("{LEAVES}/{ca}/cloudCertificationAuthorityLeafCertificate")
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

fn status(item: &Value) -> &str {
    item["certificateStatus"].as_str().unwrap_or("")
}

/// Checks that a table's columns are aligned: every header name starts at the same offset as
/// its cells.
fn assert_aligned(table: &str, header: &[&str], rows: usize) {
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), rows + 1, "{table}");
    let names: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(names, header, "{table}");
    let offsets: Vec<usize> = header.iter().map(|name| lines[0].find(name).unwrap()).collect();
    for line in &lines[1..] {
        for offset in &offsets[1..] {
            let before = &line[..*offset];
            assert!(before.ends_with("  ") || before.ends_with(' '), "misaligned: {line:?}\n{table}");
            assert_ne!(line.as_bytes()[*offset], b' ', "misaligned: {line:?}\n{table}");
        }
    }
}

#[test]
fn ca_list_and_show_in_every_format() {
    let fake = TestFake::start(Config::default().with_data(2, 10));
    let truth = fake.wire_items(LEAVES);
    assert_eq!(truth.len(), 3);

    let run = fake.cli().args(["--output", "ndjson", "ca", "list"]).run().expect(0);
    assert_eq!(run.ndjson(), truth, "ndjson is what the service sent");
    assert_eq!(run.stderr, "", "nothing extra on stderr when it is not a terminal");
    let run = fake.cli().args(["-o", "json", "ca", "list"]).run().expect(0);
    assert_eq!(run.json(), Value::Array(truth.clone()));
    let csv = fake.cli().args(["-o", "csv", "ca", "list"]).run().expect(0).csv();
    assert_eq!(csv[0], ["id", "displayName", "type", "status", "version", "validityEnd"]);
    for (row, item) in csv[1..].iter().zip(&truth) {
        assert_eq!(row[0], item["id"].as_str().unwrap());
        assert_eq!(row[1], item["displayName"].as_str().unwrap());
        assert_eq!(row[2], item["cloudCertificationAuthorityType"].as_str().unwrap());
        assert_eq!(row[3], item["certificationAuthorityStatus"].as_str().unwrap());
        assert_eq!(row[4], item["versionNumber"].to_string());
        assert_eq!(row[5], item["validityEndDateTime"].as_str().unwrap());
    }
    assert_eq!(csv.len(), truth.len() + 1);
    let table = fake.cli().args(["ca", "list"]).run().expect(0).stdout;
    assert_aligned(&table, &["id", "displayName", "type", "status", "version", "validityEnd"], 3);

    let id = truth[1]["id"].as_str().unwrap();
    let entity = fake.wire_entity(&format!("{LEAVES}/{id}"));
    let run = fake.cli().args(["-o", "ndjson", "ca", "show", id]).run().expect(0);
    let shown: Vec<_> = run.ndjson().into_iter().map(common::without_context).collect();
    assert_eq!(shown, std::slice::from_ref(&entity));
    assert_eq!(
        common::without_context(fake.cli().args(["-o", "json", "ca", "show", id]).run().expect(0).json()),
        entity
    );
    let csv = fake.cli().args(["-o", "csv", "ca", "show", id]).run().expect(0).csv();
    assert_eq!((csv.len(), csv[1][0].as_str()), (2, id));
    let table = fake.cli().args(["ca", "show", id]).run().expect(0).stdout;
    assert!(table.starts_with("id:") && table.contains(id), "{table}");
    assert!(table.lines().any(|line| line.starts_with("displayName:")), "{table}");

    let run = fake.cli().args(["ca", "show", "no-such-ca"]).run().expect(1);
    assert!(run.stderr.contains("no certification authority no-such-ca"), "{}", run.stderr);
}

#[test]
fn cert_list_and_show_in_every_format_with_filters() {
    let fake = TestFake::start(Config::default().with_data(1, 60));
    let ca = issuing_ca(&fake);
    let truth = fake.wire_items(&leaves_path(&ca));
    assert_eq!(truth.len(), 60);

    // Small pages: the CLI follows next links.
    let run = fake.cli().args(["--page-size", "7", "-o", "ndjson", "cert", "list", "--ca", &ca]).run().expect(0);
    assert_eq!(run.ndjson(), truth, "every certificate once, unchanged, in order");
    let run = fake.cli().args(["-o", "json", "cert", "list", "--ca", &ca]).run().expect(0);
    assert_eq!(run.json(), Value::Array(truth.clone()));
    let csv = fake.cli().args(["-o", "csv", "cert", "list", "--ca", &ca]).run().expect(0).csv();
    assert_eq!(csv[0], ["id", "serial", "status", "subject", "expires"]);
    assert_eq!(csv.len(), 61);
    for (row, item) in csv[1..].iter().zip(&truth) {
        let text = |key: &str| item[key].as_str().unwrap_or("").to_owned();
        assert_eq!(
            row,
            &[
                text("id"),
                text("serialNumber"),
                text("certificateStatus"),
                text("subjectName"),
                text("validityEndDateTime")
            ]
        );
    }
    let table = fake.cli().args(["cert", "list", "--ca", &ca]).run().expect(0).stdout;
    assert_aligned(&table, &["id", "serial", "status", "subject", "expires"], 60);

    // Filters: the status by the service and again here, the others here.
    let pick = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["-o", "ndjson", "cert", "list", "--ca", ca.as_str()];
        all.extend_from_slice(args);
        ids(&fake.cli().args(all).run().expect(0).ndjson())
    };
    let expect = |keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        ids(&truth.iter().filter(|i| keep(i)).cloned().collect::<Vec<_>>())
    };
    let revoked_or_expired = expect(&|i| matches!(status(i), "revoked" | "expired"));
    assert!(!revoked_or_expired.is_empty());
    assert_eq!(pick(&["--status", "revoked", "--status", "expired"]), revoked_or_expired);
    assert_eq!(pick(&["--status", "active"]), expect(&|i| status(i) == "active"));
    assert_eq!(
        pick(&["--subject-contains", "cn=DEVICE-001"]),
        expect(&|i| i["subjectName"].as_str().unwrap().contains("device-001"))
    );
    let now = chrono::Utc::now();
    let within = chrono::Duration::days(300);
    let expiring = expect(&|i| {
        let end = chrono::DateTime::parse_from_rfc3339(i["validityEndDateTime"].as_str().unwrap()).unwrap();
        end > now && end <= now + within
    });
    assert!(!expiring.is_empty() && expiring.len() < 60, "{expiring:?}");
    assert_eq!(pick(&["--expiring-within", "300d"]), expiring);
    let both = expect(&|i| status(i) == "active" && expiring.contains(&i["id"].as_str().unwrap().to_owned()));
    assert_eq!(pick(&["--expiring-within", "300d", "--status", "active"]), both);
    let run = fake.cli().args(["cert", "list", "--ca", &ca, "--subject-contains", "nobody"]).run().expect(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", "no certificates\n"));

    // show, by id and by serial number.
    let item = &truth[3];
    let id = item["id"].as_str().unwrap();
    let serial = item["serialNumber"].as_str().unwrap();
    let entity = fake.wire_entity(&format!("{}/{id}", leaves_path(&ca)));
    for selector in [["--id", id], ["--serial", serial]] {
        let mut args = vec!["-o", "ndjson", "cert", "show", "--ca", ca.as_str()];
        args.extend(selector);
        let shown: Vec<_> =
            fake.cli().args(&args).run().expect(0).ndjson().into_iter().map(common::without_context).collect();
        assert_eq!(shown, std::slice::from_ref(&entity));
        args[1] = "json";
        assert_eq!(common::without_context(fake.cli().args(&args).run().expect(0).json()), entity);
        args[1] = "csv";
        let csv = fake.cli().args(&args).run().expect(0).csv();
        assert_eq!(csv[1][..2], [id.to_owned(), serial.to_owned()]);
        args[1] = "table";
        let table = fake.cli().args(&args).run().expect(0).stdout;
        assert!(table.contains("serialNumber:") && table.contains(serial), "{table}");
    }
    let run = fake.cli().args(["cert", "show", "--ca", &ca, "--id", "no-such-id"]).run().expect(1);
    assert!(run.stderr.contains("no certificate no-such-id"), "{}", run.stderr);
    fake.cli().args(["cert", "show", "--ca", &ca, "--serial", "00"]).run().expect(1);
    fake.cli().args(["cert", "list", "--ca", "no-such-ca"]).run().expect(1);
}

#[test]
fn revoke_is_a_dry_run_unless_yes() {
    let fake = TestFake::start(Config::default().with_data(1, 80));
    let ca = issuing_ca(&fake);
    let truth = fake.wire_items(&leaves_path(&ca));
    let active: Vec<&Value> = truth.iter().filter(|i| status(i) == "active").collect();
    let inactive = truth.iter().find(|i| status(i) == "revoked").unwrap();
    let (a, b, c) =
        (active[0]["id"].as_str().unwrap(), active[1]["id"].as_str().unwrap(), active[2]["id"].as_str().unwrap());
    let b_serial = active[1]["serialNumber"].as_str().unwrap();
    let r = inactive["id"].as_str().unwrap();
    let revoke = |args: &[&str]| -> Cli {
        let mut all = vec!["cert", "revoke", "--ca", ca.as_str()];
        all.extend_from_slice(args);
        fake.cli().args(all)
    };

    // Dry runs: list the targets, say why others are left alone, change nothing.
    let run = revoke(&["--id", a, "--id", r, "--serial", b_serial]).run().expect(0);
    let table: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(table.len(), 3, "{}", run.stdout);
    assert!(table[1].starts_with(a) && table[2].starts_with(b), "{}", run.stdout);
    assert!(run.stderr.contains(&format!("not revoking {r}: its status is revoked")), "{}", run.stderr);
    assert!(run.stderr.contains("dry run: would revoke 2 active certificates"), "{}", run.stderr);

    // --from takes every listing format (and plain lines, and stdin), for the same targets.
    let dir = tempfile::tempdir().unwrap();
    let listed = |format: &str| {
        let text = fake
            .cli()
            .args(["-o", format, "cert", "list", "--ca", &ca, "--subject-contains", "device-00"])
            .run()
            .expect(0)
            .stdout;
        let path = dir.path().join(format!("list.{format}"));
        std::fs::write(&path, text).unwrap();
        path
    };
    let subject_active: Vec<String> = truth
        .iter()
        .filter(|i| status(i) == "active" && i["subjectName"].as_str().unwrap().contains("device-00"))
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(subject_active.len() > 3);
    for format in ["ndjson", "json", "csv", "table"] {
        let path = listed(format);
        let run = revoke(&["--from", path.to_str().unwrap(), "-o", "ndjson"]).run().expect(0);
        assert_eq!(ids(&run.ndjson()), subject_active, "--from {format}");
    }
    let plain = format!("# ids\n{a}\n\n{c}\n");
    let run = revoke(&["--from", "-", "-o", "ndjson"]).stdin(&plain).run().expect(0);
    assert_eq!(ids(&run.ndjson()), [a, c]);
    // The filters select from the whole CA, and narrow down an explicit list.
    let run = revoke(&["--subject-contains", "device-00", "-o", "ndjson"]).run().expect(0);
    assert_eq!(ids(&run.ndjson()), subject_active);
    assert!(run.stderr.contains("not active, left alone"), "{}", run.stderr);
    let run = revoke(&[
        "--id",
        a,
        "--id",
        c,
        "--subject-contains",
        active[0]["subjectName"].as_str().unwrap(),
        "-o",
        "ndjson",
    ])
    .run()
    .expect(0);
    assert_eq!(ids(&run.ndjson()), [a]);
    assert!(run.stderr.contains(&format!("not revoking {c}: the filters leave it out")), "{}", run.stderr);
    let journal = dir.path().join("dry.journal");
    revoke(&["--all", "--journal", journal.to_str().unwrap()]).run().expect(0);
    assert!(!journal.exists(), "a dry run writes no journal");
    let stats = fake.stats();
    assert!(stats.revocations.is_empty(), "a dry run revokes nothing: {:?}", stats.revocations);
    assert_eq!(stats.requests_to("revokeLeafCertificate"), 0);

    // --yes: revoked, each once; the output is the revoked certificates.
    let run = revoke(&["--id", a, "--serial", b_serial, "--id", r, "--yes", "-o", "json"]).run().expect(0);
    let revoked = run.json();
    assert_eq!(
        ids(revoked.as_array().unwrap()).into_iter().collect::<BTreeSet<_>>(),
        [a.to_owned(), b.to_owned()].into()
    );
    assert!(revoked.as_array().unwrap().iter().all(|i| status(i) == "revoked"));
    assert!(run.stderr.contains("revoked 2, confirmed 0, failed 0"), "{}", run.stderr);
    let stats = fake.stats();
    assert_eq!(stats.revocations, BTreeMap::from([(a.to_owned(), 1), (b.to_owned(), 1)]));

    // Some fail: exit 1, and the summary names them.
    let run = revoke(&["--id", c, "--id", "no-such-id", "--yes"]).run().expect(1);
    assert!(run.stderr.contains("revoked 1, confirmed 0, failed 1: no-such-id (not found"), "{}", run.stderr);
    // Again: nothing is active any more, nothing is sent.
    let run = revoke(&["--id", a, "--id", c, "--yes"]).run().expect(0);
    assert!(run.stderr.contains("revoked 0, confirmed 0, failed 0"), "{}", run.stderr);
    let stats = fake.stats();
    assert_eq!(stats.revocations.len(), 3);
    assert!(stats.revoked_more_than_once().is_empty());
}

#[test]
fn retire_pauses_revokes_every_active_leaf_then_the_ca_certificate() {
    let fake = TestFake::start(Config::default().with_data(2, 120));
    let ca = issuing_ca(&fake);
    let active = fake.active_ids(&ca);
    let run = fake.cli().args(["-o", "ndjson", "ca", "retire", &ca]).run().expect(0);
    assert_eq!(ids(&run.ndjson()).into_iter().collect::<BTreeSet<_>>(), active);
    for line in ["would pause the CA", "would then revoke the CA certificate"] {
        assert!(run.stderr.contains(line), "{}", run.stderr);
    }
    let stats = fake.stats();
    assert!(
        stats.revocations.is_empty()
            && stats.ca_status_changes.is_empty()
            && stats.ca_certificate_revocations.is_empty()
    );

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("retire.journal");
    let run = fake.cli().args(["ca", "retire", &ca, "--yes", "--journal", journal.to_str().unwrap()]).run().expect(0);
    assert!(run.stderr.contains(&format!("paused CA {ca}")), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("revoked {}, confirmed 0, failed 0", active.len())), "{}", run.stderr);
    assert!(run.stderr.contains("revoked the CA certificate"), "{}", run.stderr);
    let stats = fake.stats();
    assert_eq!(stats.ca_status_changes.get(&ca), Some(&1));
    assert_eq!(stats.ca_certificate_revocations.get(&ca), Some(&1));
    assert_eq!(stats.revocations.keys().cloned().collect::<BTreeSet<_>>(), active);
    assert!(stats.revoked_more_than_once().is_empty());
    let status = fake.wire_entity(&format!("{LEAVES}/{ca}"))["certificationAuthorityStatus"].clone();
    assert_eq!(status, "revoked");
    // The other issuing CA is untouched.
    assert_eq!(stats.ca_status_changes.len(), 1);

    // Again: already retired, nothing sent.
    let run = fake.cli().args(["ca", "retire", &ca, "--yes"]).run().expect(0);
    assert!(run.stderr.contains("already revoked"), "{}", run.stderr);
    let again = fake.stats();
    assert_eq!(
        (again.ca_status_changes, again.ca_certificate_revocations, again.revocations),
        (stats.ca_status_changes, stats.ca_certificate_revocations, stats.revocations)
    );
}

#[test]
fn exit_codes() {
    let fake = TestFake::start(Config::default().with_data(1, 40));
    let ca = issuing_ca(&fake);
    let a = fake.active_ids(&ca).into_iter().next().unwrap();

    // 2: usage errors.
    for args in [
        vec!["cert", "revoke", "--ca", &ca],
        vec!["cert", "revoke", "--ca", &ca, "--all", "--id", &a],
        vec!["cert", "show", "--ca", &ca],
        vec!["cert", "show", "--ca", &ca],
        vec!["--output", "yaml", "ca", "list"],
        vec!["--retry-delay", "10", "ca", "list"],
        vec!["cert", "list", "--ca", &ca, "--status", "activ"],
        vec!["nonsense"],
    ] {
        fake.cli().args(&args).run().expect(2);
    }
    let run = Cli::new("http://example.com/beta", &fake.token).args(["ca", "list"]).run().expect(2);
    assert!(run.stderr.contains("not loopback"), "{}", run.stderr);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    fake.cli().args(["cert", "revoke", "--ca", &ca, "--from", missing.to_str().unwrap()]).run().expect(2);

    // 3: a token the service refuses (401), a token without the write scope (403).
    let run = fake.cli().token("not-a-token-of-this-tenant").args(["ca", "list"]).run().expect(3);
    assert!(run.stderr.contains("authentication failed") && run.stderr.contains("GRAPH_TOKEN"), "{}", run.stderr);
    let read_only = fake.read_only_token.clone();
    fake.cli().token(&read_only).args(["cert", "list", "--ca", &ca]).run().expect(0);
    fake.cli().token(&read_only).args(["cert", "revoke", "--ca", &ca, "--id", &a]).run().expect(0);
    let run = fake.cli().token(&read_only).args(["cert", "revoke", "--ca", &ca, "--id", &a, "--yes"]).run().expect(3);
    for needle in [
        "permission denied for revokeLeafCertificate",
        "DeviceManagementConfiguration.Read.All",
        "needs a ReadWrite scope",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    // In bulk, the first refusal stops the run: not one request per certificate (the window
    // capped at 16 here, below the 40 targets; it starts at 32 and grows on flat answers).
    let run = fake
        .cli()
        .token(&read_only)
        .args(["--concurrency", "16", "cert", "revoke", "--ca", &ca, "--all", "--yes"])
        .run()
        .expect(3);
    assert!(run.stderr.contains("not attempted"), "{}", run.stderr);
    let stats = fake.stats();
    assert!(stats.revocations.is_empty());
    // About what the client's window had in flight: 16, and the few that started in places the
    // first refusals freed before their outcomes stopped the run.
    assert!(stats.forbidden <= 24, "{} refused revocations of 40 targets", stats.forbidden);
    fake.cli().token(&read_only).args(["ca", "retire", &ca, "--yes"]).run().expect(3);
    assert!(fake.stats().ca_status_changes.is_empty());

    // A journal of another CA is refused before anything is sent.
    let journal = dir.path().join("other.journal");
    std::fs::write(&journal, "ca another-ca\nbegin x\n").unwrap();
    let run = fake
        .cli()
        .args(["cert", "revoke", "--ca", &ca, "--id", &a, "--yes", "--journal", journal.to_str().unwrap()])
        .run()
        .expect(2);
    assert!(run.stderr.contains("belongs to CA another-ca"), "{}", run.stderr);
    assert!(fake.stats().revocations.is_empty());

    // 1: some operation failed.
    fake.cli().args(["cert", "show", "--ca", &ca, "--id", "no-such-id"]).run().expect(1);
    fake.cli().args(["cert", "revoke", "--ca", &ca, "--id", "no-such-id"]).run().expect(1);
}

#[test]
fn bulk_revocation_under_faults_of_every_kind_revokes_each_target_exactly_once() {
    // Every 429 or 503 with `Retry-After: 1` holds the whole client for a second (throttling is
    // the tenant's, not the request's), so the run is sized to stay well within its time limit.
    let faults = "rate=0.05,kinds=all,retry-after=1,slow=20ms".parse().unwrap();
    let fake = TestFake::start(Config::default().with_data(1, 2_500).with_faults(faults));
    let ca = issuing_ca(&fake);
    let targets = fake.active_ids(&ca);
    assert!(targets.len() > 2000, "{}", targets.len());
    let started = Instant::now();
    let run = fake
        .cli()
        .args([
            "--retry-delay",
            "20ms",
            // A write struck before it was applied is re-sent once the settle window has passed
            // (these faults never apply a write late).
            "--settle-window",
            "2s",
            "-o",
            "ndjson",
            "cert",
            "revoke",
            "--ca",
            &ca,
            "--all",
            "--yes",
            "--concurrency",
            "64",
        ])
        .run()
        .expect(0);
    let elapsed = started.elapsed();
    let stats = fake.stats();
    // Exactly once, and nothing else.
    assert!(stats.revoked_more_than_once().is_empty(), "{:?}", stats.revoked_more_than_once());
    assert_eq!(stats.revocations.keys().cloned().collect::<BTreeSet<_>>(), targets, "every target, nothing else");
    assert_eq!(fake.active_ids(&ca), BTreeSet::new());
    let reported: BTreeSet<String> = ids(&run.ndjson()).into_iter().collect();
    assert_eq!(reported, targets);
    // Every kind of fault struck, writes before and after the change.
    for kind in ["429", "429-no-retry-after", "500-broker", "503", "504", "slow", "truncate", "drop"] {
        assert!(stats.faults_of(kind) > 5, "{kind}: {:?}", stats.faults);
    }
    for phase in ["drop:after", "truncate:after", "504:after", "drop:before"] {
        assert!(stats.write_faults.get(phase).is_some_and(|n| *n > 1), "{phase}: {:?}", stats.write_faults);
    }
    let summary = run.stderr.lines().last().unwrap();
    assert!(summary.starts_with("revoked ") && summary.ends_with(", failed 0"), "{}", run.stderr);
    eprintln!("{} revocations under faults in {elapsed:?}: {summary}", targets.len());
}

#[test]
fn a_run_killed_midway_resumes_from_its_journal_revoking_each_once_and_skipping_none() {
    let fake = TestFake::start(Config::default().with_data(1, 3000).with_latency(Duration::from_millis(40)));
    let ca = issuing_ca(&fake);
    let targets = fake.active_ids(&ca);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("revoke.journal");
    // The targets as `cert list` writes them (more than a hundred ids: found in one listing).
    let list = fake.cli().args(["-o", "ndjson", "cert", "list", "--ca", &ca, "--status", "active"]).run().expect(0);
    let from = dir.path().join("targets.ndjson");
    std::fs::write(&from, &list.stdout).unwrap();
    let args = [
        "--base-url",
        &fake.url,
        // The revocations in flight when the run was killed are watched for this long when it
        // resumes (the fake applies a write at once or never).
        "--settle-window",
        "1s",
        "cert",
        "revoke",
        "--ca",
        &ca,
        "--from",
        from.to_str().unwrap(),
        "--yes",
        "--journal",
        journal.to_str().unwrap(),
    ];
    let mut child = std::process::Command::new(common::BIN)
        .env("GRAPH_TOKEN", &fake.token)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        if text.lines().filter(|line| line.starts_with("done ")).count() >= 300 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress:\n{text}");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Let the revocations that were on the wire land, as a real service would.
    std::thread::sleep(Duration::from_millis(300));
    let text = std::fs::read_to_string(&journal).unwrap();
    let begun: BTreeSet<&str> = text.lines().filter_map(|l| l.strip_prefix("begin ")).collect();
    let done: BTreeSet<&str> =
        text.lines().filter_map(|l| l.strip_prefix("done ")).filter_map(|l| l.split(' ').next()).collect();
    assert!(done.len() < targets.len() / 2, "killed midway: {} of {} done", done.len(), targets.len());
    assert!(begun.len() > done.len(), "some revocations were in flight when it was killed");
    let before = fake.stats();
    assert!(before.revocations.len() >= done.len());

    let run = fake.cli().args(&args[2..]).args(["-o", "ndjson"]).run().expect(0);
    assert!(run.stderr.contains("already revoked per the journal, skipped"), "{}", run.stderr);
    let stats = fake.stats();
    assert!(stats.revoked_more_than_once().is_empty(), "revoked twice: {:?}", stats.revoked_more_than_once());
    assert_eq!(stats.revocations.keys().cloned().collect::<BTreeSet<_>>(), targets, "none skipped, nothing else");
    assert_eq!(fake.active_ids(&ca), BTreeSet::new());
    let text = std::fs::read_to_string(&journal).unwrap();
    let done: BTreeSet<&str> =
        text.lines().filter_map(|l| l.strip_prefix("done ")).filter_map(|l| l.split(' ').next()).collect();
    let begun: BTreeSet<&str> = text.lines().filter_map(|l| l.strip_prefix("begin ")).collect();
    let in_doubt: Vec<&&str> = begun.difference(&done).collect();
    assert!(in_doubt.is_empty(), "every begun revocation is done: {in_doubt:?}");
}

/// A leaf certificate page whose next link points at `next`.
fn page_with_next_link(next: &str) -> String {
    json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#collection",
        "value": [{"id": "leaf-1", "serialNumber": "01", "certificateStatus": "active", "subjectName": "CN=one"}],
        "@odata.nextLink": next,
    })
    .to_string()
}

#[test]
fn the_token_never_reaches_a_foreign_next_link_host() {
    // The foreign hosts record any connection at all.
    let other_host = serve("127.0.0.2:0".parse().unwrap(), |_: &Request| (200, "{}".to_owned()))
        .or_else(|_| serve("127.0.0.1:0".parse().unwrap(), |_: &Request| (200, "{}".to_owned())))
        .unwrap();
    let other_port = serve("127.0.0.1:0".parse().unwrap(), |_: &Request| (200, "{}".to_owned())).unwrap();
    let path = "/beta/deviceManagement/cloudCertificationAuthority/ca-1/cloudCertificationAuthorityLeafCertificate";
    let links = [
        format!("http://{}{path}?$skiptoken=a", other_host.0),
        format!("http://{}{path}?$skiptoken=b", other_port.0),
        format!("http://127.0.0.1:1@{}{path}?$skiptoken=c", other_host.0),
        format!("https://{}{path}?$skiptoken=d", other_host.0),
    ];
    let token = "eyJ0eXAiOiJKV1QiLCJhbGciOi.secret-token.never-elsewhere";
    for link in &links {
        let answer = page_with_next_link(link);
        let authority = json!({"id": "ca-1", "versionNumber": 1, "certificationAuthorityStatus": "active"}).to_string();
        let (first, seen) = serve("127.0.0.1:0".parse().unwrap(), move |request: &Request| {
            if request.path.contains("cloudCertificationAuthorityLeafCertificate") {
                (200, answer.clone())
            } else {
                (200, authority.clone())
            }
        })
        .unwrap();
        let base = format!("http://{first}/beta");
        for args in [
            vec!["-o", "ndjson", "cert", "list", "--ca", "ca-1"],
            vec!["cert", "revoke", "--ca", "ca-1", "--all", "--yes"],
            vec!["ca", "retire", "ca-1"],
        ] {
            let run = Cli::new(&base, token).args(&args).run();
            assert_eq!(run.code, Some(1), "{link} {args:?}: {}", run.stderr);
            assert!(run.stderr.contains("refusing to follow next link"), "{}", run.stderr);
        }
        let seen = seen.lock().unwrap();
        assert!(
            seen.requests.iter().all(|head| head.contains(&format!("Bearer {token}"))),
            "the first host got the token"
        );
        assert!(
            seen.requests.iter().all(|head| !head.contains("revokeLeafCertificate")),
            "nothing revoked on a partial listing"
        );
    }
    for (addr, seen) in [other_host, other_port] {
        let seen = seen.lock().unwrap();
        assert_eq!((seen.connections, seen.requests.len()), (0, 0), "{addr} was contacted: {:?}", seen.requests);
    }
}

#[test]
fn listings_are_written_exactly_as_the_service_sent_them() {
    let first = json!({
        "id": "leaf-1", "serialNumber": "0A", "certificateStatus": "aMemberAddedLater",
        "subjectName": "CN=kiosk, O=\"Contoso, Ltd\"", "subjectName@odata.type": "#String",
        "validityEndDateTime": "2016-12-31T23:57:06.8876616-08:00", "revocationDateTime": null,
        "futureProperty": {"nested": [1, 2.5, "x", null], "big": 12345678901234567890u64},
    });
    let odd = json!({"id": "leaf-2", "certificateStatus": 5, "subjectName": "CN=odd"});
    let last = json!({"id": "leaf-3", "serialNumber": "0C", "certificateStatus": "active", "validityEndDateTime": "2030-01-01T00:00:00Z"});
    let pages = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let base = pages.clone();
    let (addr, seen) = serve("127.0.0.1:0".parse().unwrap(), {
        let (first, odd, last) = (first.clone(), odd.clone(), last.clone());
        let served = std::sync::atomic::AtomicUsize::new(0);
        move |request: &Request| {
            let origin = base.lock().unwrap().clone();
            let body = if request.path.contains("skiptoken=2") {
                // The first time, cut short with a length that matches: asked again.
                if served.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                    return (200, json!({"value": [first.clone(), last.clone()]}).to_string()[..40].to_owned());
                }
                // The first one again (paging under concurrent changes): written once.
                json!({"value": [first.clone(), last.clone()]})
            } else {
                json!({"value": [odd.clone(), first.clone()], "@odata.nextLink": format!("{origin}/beta/deviceManagement/cloudCertificationAuthority/ca-1/cloudCertificationAuthorityLeafCertificate?$skiptoken=2")})
            };
            (200, body.to_string())
        }
    })
    .unwrap();
    *pages.lock().unwrap() = format!("http://{addr}");
    let url = format!("http://{addr}/beta");
    let run = Cli::new(&url, "token-1234567890").args(["-o", "ndjson", "cert", "list", "--ca", "ca-1"]).run().expect(0);
    assert_eq!(run.ndjson(), [odd.clone(), first.clone(), last.clone()], "in order, each once, as sent");
    assert!(run.stderr.contains("warning: item leaf-2 is not a valid item"), "{}", run.stderr);
    assert!(run.stderr.contains("more than once"), "{}", run.stderr);
    let run = Cli::new(&url, "token-1234567890").args(["-o", "csv", "cert", "list", "--ca", "ca-1"]).run().expect(0);
    assert_eq!(
        run.csv()[2],
        ["leaf-1", "0A", "aMemberAddedLater", "CN=kiosk, O=\"Contoso, Ltd\"", "2016-12-31T23:57:06.8876616-08:00"]
    );
    let run = Cli::new(&url, "token-1234567890").args(["cert", "list", "--ca", "ca-1"]).run().expect(0);
    assert!(
        run.stdout.lines().nth(2).unwrap().ends_with("2017-01-01T07:57:06Z"),
        "the table shows UTC: {}",
        run.stdout
    );
    // An unreadable item could be a target: a bulk revocation refuses to guess (and a dry run says so).
    let run = Cli::new(&url, "token-1234567890")
        .args(["cert", "revoke", "--ca", "ca-1", "--subject-contains", "odd"])
        .run()
        .expect(1);
    assert!(run.stderr.contains("leaf-2 (the model cannot read it"), "{}", run.stderr);
    let seen = seen.lock().unwrap();
    assert!(seen.requests[0].to_ascii_lowercase().contains("odata.maxpagesize=500"), "{}", seen.requests[0]);
    assert!(seen.requests.iter().all(
        |head| head.contains("Bearer token-1234567890") && head.to_ascii_lowercase().contains("client-request-id")
    ));
}

#[test]
fn a_revocation_answered_with_a_server_error_is_checked_before_it_is_sent_again() {
    // x1: the first revocation fails before it is carried out; x2: after; x3: two 502s first;
    // x4: carried out, answered 200 with a body cut short (its length matching). The first
    // reads of x1 (a 500) and x4 (cut short) fail too: a read is asked again.
    #[derive(Default)]
    struct State {
        revoked: BTreeMap<String, u32>,
        posts: BTreeMap<String, u32>,
        gets: BTreeMap<String, u32>,
    }
    let state = std::sync::Arc::new(std::sync::Mutex::new(State::default()));
    let shared = state.clone();
    let certificate = |id: &str, revoked: bool| {
        json!({"id": id, "serialNumber": "01", "certificateStatus": if revoked { "revoked" } else { "active" }})
            .to_string()
    };
    let error =
        |status: u16| (status, json!({"error": {"code": "InternalServerError", "message": "boom"}}).to_string());
    let (addr, _) = serve("127.0.0.1:0".parse().unwrap(), move |request: &Request| {
        let mut state = shared.lock().unwrap();
        if request.method == "GET" {
            let id = request.path.rsplit('/').next().unwrap().to_owned();
            let gets = state.gets.entry(id.clone()).or_default();
            *gets += 1;
            if id == "x1" && *gets == 1 {
                return error(500);
            }
            if id == "x4" && *gets == 1 {
                return (200, "{\"id\":\"x4\",\"certificateSt".to_owned());
            }
            let revoked = state.revoked.contains_key(&id);
            return (200, certificate(&id, revoked));
        }
        let body: Value = serde_json::from_str(request.body).unwrap();
        let id = body["leafCertificateId"].as_str().unwrap().to_owned();
        let posts = *state.posts.entry(id.clone()).and_modify(|n| *n += 1).or_insert(1);
        let fail_before = (id == "x1" && posts == 1) || (id == "x3" && posts <= 2);
        if fail_before {
            return error(if id == "x3" { 502 } else { 500 });
        }
        *state.revoked.entry(id.clone()).or_default() += 1;
        if id == "x2" && posts == 1 {
            return error(500);
        }
        if id == "x4" {
            return (200, "{\"value\":{\"id\":\"x4\",\"certificateStatus\":\"rev".to_owned());
        }
        (200, certificate(&id, true))
    })
    .unwrap();
    let url = format!("http://{addr}/beta");
    let args = [
        "--retry-delay",
        "1ms",
        "--settle-window",
        "1s",
        "cert",
        "revoke",
        "--ca",
        "ca-1",
        "--id",
        "x1",
        "--id",
        "x2",
        "--id",
        "x3",
        "--id",
        "x4",
        "--yes",
    ];
    let run = Cli::new(&url, "token-1234567890").args(args).run().expect(0);
    assert!(run.stderr.contains("revoked 2, confirmed 2, failed 0"), "{}", run.stderr);
    let state = state.lock().unwrap();
    assert_eq!(
        state.revoked,
        BTreeMap::from([("x1".into(), 1), ("x2".into(), 1), ("x3".into(), 1), ("x4".into(), 1)]),
        "each once"
    );
    assert_eq!(state.posts, BTreeMap::from([("x1".into(), 2), ("x2".into(), 1), ("x3".into(), 3), ("x4".into(), 1)]));
}

#[test]
fn a_service_that_refuses_the_status_filter_is_filtered_here() {
    let items = json!([
        {"id": "a", "certificateStatus": "active"},
        {"id": "r", "certificateStatus": "revoked"},
        {"id": "e", "certificateStatus": "expired"},
    ]);
    let (addr, seen) = serve("127.0.0.1:0".parse().unwrap(), move |request: &Request| {
        if request.path.contains("filter") {
            (400, json!({"error": {"code": "BadRequest", "message": "Filter not supported."}}).to_string())
        } else {
            (200, json!({"value": items.clone()}).to_string())
        }
    })
    .unwrap();
    let url = format!("http://{addr}/beta");
    let args = ["-o", "ndjson", "cert", "list", "--ca", "ca-1", "--status", "revoked", "--status", "expired"];
    let run = Cli::new(&url, "token-1234567890").args(args).run().expect(0);
    assert_eq!(ids(&run.ndjson()), ["r", "e"]);
    assert!(run.stderr.contains("refused the status $filter"), "{}", run.stderr);
    let seen = seen.lock().unwrap();
    assert!(seen.requests[0].contains("certificateStatus%20eq%20%27revoked%27"), "{}", seen.requests[0]);
    assert_eq!(seen.requests.len(), 2);
}
