//! The operator's whole job end to end, against the fake in-process: every CA operation, the
//! certificate behind the entity, revocation as relying parties see it, tenant-wide views, the
//! exporter, and shell completions.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use cloudpki_fake::Config;
use common::{TestFake, issuing_ca};
use serde_json::Value;
use x509_parser::prelude::FromDer as _;

fn root_ca(fake: &TestFake) -> String {
    fake.handle()
        .certification_authorities()
        .into_iter()
        .find(|ca| {
            ca.cloud_certification_authority_type.value().is_some_and(|t| t.as_str() == "rootCertificationAuthority")
        })
        .and_then(|ca| ca.id)
        .unwrap()
}

fn writes(fake: &TestFake) -> u64 {
    let stats = fake.stats();
    stats
        .requests
        .iter()
        .filter(|(operation, _)| {
            !operation.starts_with("get")
                && !operation.starts_with("list")
                && !operation.starts_with("count")
                && !operation.starts_with("search")
        })
        .map(|(_, count)| *count)
        .sum()
}

fn pem(der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body.as_bytes().chunks(64).map(|chunk| std::str::from_utf8(chunk).unwrap()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

#[test]
fn ca_show_decodes_the_certificate_and_ca_cert_gives_it_with_its_chain() {
    let fake = TestFake::start(Config::default().with_data(2, 5));
    let ca = issuing_ca(&fake);
    let entity = fake.handle().certification_authorities().into_iter().find(|c| c.id.as_deref() == Some(&ca)).unwrap();
    let table = fake.cli().args(["ca", "show", &ca]).run().expect(0).stdout;
    for line in [
        "certificate.subject:",
        "certificate.sha256Fingerprint:",
        "certificate.key:",
        "RSA 2048",
        "activeVersion.versionNumber:",
        "certificate.disagreements:         none",
    ] {
        assert!(table.contains(line), "{line}\n{table}");
    }
    let json = fake.cli().args(["-o", "json", "ca", "show", &ca]).run().expect(0).json();
    let certificate = &json["@cloudpki.certificate"];
    assert_eq!(certificate["sha1Fingerprint"].as_str(), entity.thumbprint.value().map(String::as_str));
    assert_eq!(json["@cloudpki.disagreements"], Value::Array(vec![]));

    let dir = tempfile::tempdir().unwrap();
    let der_path = dir.path().join("ca.cer");
    fake.cli().args(["ca", "cert", &ca, "--format", "der", "--out"]).arg(&der_path).run().expect(0);
    let der = std::fs::read(&der_path).unwrap();
    let (_, parsed) = x509_parser::certificate::X509Certificate::from_der(&der).unwrap();
    assert_eq!(
        parsed.raw_serial_as_string().replace(':', "").to_uppercase().trim_start_matches('0'),
        entity.serial_number.value().unwrap().trim_start_matches('0')
    );
    let chain = fake.cli().args(["ca", "cert", &ca, "--chain"]).run().expect(0).stdout;
    assert_eq!(chain.matches("-----BEGIN CERTIFICATE-----").count(), 2, "{chain}");
    let blocks: Vec<&str> = chain.split("-----END CERTIFICATE-----").collect();
    assert!(blocks[0].contains(&pem(&der).lines().nth(1).unwrap().to_owned()));
    fake.cli().args(["ca", "cert", &ca, "--format", "der", "--chain"]).run().expect(2);
}

#[test]
fn every_ca_write_is_a_dry_run_unless_yes_and_a_root_with_issuing_cas_stays() {
    let fake = TestFake::start(Config::default().with_data(2, 5));
    let ca = issuing_ca(&fake);
    let root = root_ca(&fake);
    let before = writes(&fake);
    for args in [
        vec!["ca", "pause", ca.as_str()],
        vec!["ca", "renew", ca.as_str()],
        vec!["ca", "activate", ca.as_str(), "--version", "1"],
        vec!["ca", "update", ca.as_str(), "--description", "x"],
        vec!["ca", "delete", ca.as_str()],
        vec!["ca", "create", "--name", "New Root", "--type", "root"],
    ] {
        let run = fake.cli().args(&args).run().expect(0);
        assert!(run.stdout.starts_with("would "), "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains("dry run"), "{args:?}: {}", run.stderr);
    }
    let json = fake.cli().args(["-o", "json", "ca", "pause", &ca]).run().expect(0).json();
    assert_eq!(json["dryRun"], true);
    assert_eq!(json["operation"], "changeCloudCertificationAuthorityStatus");
    assert_eq!(writes(&fake), before, "a dry run sends no write");

    let run = fake.cli().args(["ca", "delete", &root, "--yes"]).run().expect(1);
    assert!(run.stderr.contains("still chain to it"), "{}", run.stderr);
    assert_eq!(writes(&fake), before, "refused before anything is sent");

    let paused = fake.cli().args(["-o", "json", "ca", "pause", &ca, "--yes"]).run().expect(0).json();
    assert_eq!(paused["certificationAuthorityStatus"], "paused");
    let resumed = fake.cli().args(["-o", "json", "ca", "resume", &ca, "--yes"]).run().expect(0).json();
    assert_eq!(resumed["certificationAuthorityStatus"], "active");
    fake.cli().args(["ca", "renew", &ca, "--yes"]).run().expect(0);
    let versions = fake.cli().args(["-o", "ndjson", "ca", "versions", &ca]).run().expect(0).ndjson();
    assert_eq!(versions.len(), 2);
    let staged = versions.iter().find(|v| v["certificationAuthorityVersionStatus"] == "staged").unwrap();
    let number = staged["versionNumber"].to_string();
    let one = fake
        .cli()
        .args(["-o", "json", "ca", "versions", &ca, "--id", staged["id"].as_str().unwrap()])
        .run()
        .expect(0)
        .json();
    assert_eq!(one["id"], staged["id"]);
    let active =
        fake.cli().args(["-o", "json", "ca", "activate", &ca, "--version", &number, "--yes"]).run().expect(0).json();
    assert_eq!(active["versionNumber"].to_string(), number);
    let updated = fake
        .cli()
        .args(["-o", "json", "ca", "update", &ca, "--description", "Paris devices", "--yes"])
        .run()
        .expect(0)
        .json();
    assert_eq!(updated["description"], "Paris devices");
    let created = fake
        .cli()
        .args(["-o", "json", "ca", "create", "--name", "Spare", "--type", "issuing", "--yes"])
        .run()
        .expect(0)
        .json();
    let spare = created["id"].as_str().unwrap().to_owned();
    fake.cli().args(["ca", "delete", &spare, "--yes"]).run().expect(0);
    assert!(fake.handle().certification_authorities().iter().all(|c| c.id.as_deref() != Some(spare.as_str())));
}

#[test]
fn bring_your_own_root_end_to_end() {
    let fake = TestFake::start(Config::default().with_data(2, 5));
    let created = fake
        .cli()
        .args([
            "-o",
            "json",
            "ca",
            "create",
            "--name",
            "Fabrikam BYO",
            "--type",
            "external-root",
            "--issuer-common-name",
            "Fabrikam Root",
            "--yes",
        ])
        .run()
        .expect(0)
        .json();
    let ca = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["certificationAuthorityStatus"], "signingPending");
    let dir = tempfile::tempdir().unwrap();
    let csr_path = dir.path().join("byo.csr");
    fake.cli().args(["ca", "csr", &ca, "--out"]).arg(&csr_path).run().expect(0);
    let csr = std::fs::read_to_string(&csr_path).unwrap();
    assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"), "{csr}");
    assert_eq!(fake.cli().args(["ca", "csr", &ca]).run().expect(0).stdout, csr);

    // The on-premises root.
    let root_key = rcgen::KeyPair::generate().unwrap();
    let mut root_params = rcgen::CertificateParams::default();
    root_params.distinguished_name.push(rcgen::DnType::CommonName, "Fabrikam Root");
    root_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    root_params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let root_der = root_params.self_signed(&root_key).unwrap().der().to_vec();
    let issuer = rcgen::Issuer::new(root_params, root_key);
    let root_path = dir.path().join("root.pem");
    std::fs::write(&root_path, pem(&root_der)).unwrap();

    // A CA certificate from that root for another key: refused here, nothing sent.
    let other_key = rcgen::KeyPair::generate().unwrap();
    let mut other = rcgen::CertificateParams::default();
    other.distinguished_name.push(rcgen::DnType::CommonName, "Not the request");
    other.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    let wrong = other.signed_by(&other_key, &issuer).unwrap().der().to_vec();
    let wrong_path = dir.path().join("wrong.cer");
    std::fs::write(&wrong_path, &wrong).unwrap();
    let uploads = |fake: &TestFake| {
        fake.stats().requests.get("uploadExternallySignedCertificationAuthorityCertificate").copied().unwrap_or(0)
    };
    let run = fake
        .cli()
        .args(["ca", "upload-signed", &ca, "--cert"])
        .arg(&wrong_path)
        .arg("--chain")
        .arg(&root_path)
        .arg("--yes")
        .run()
        .expect(2);
    assert!(run.stderr.contains("not for the key of the request"), "{}", run.stderr);
    assert_eq!(uploads(&fake), 0);

    // The right one, DER, with the chain as PEM; without the chain it is refused here too.
    let mut request = rcgen::CertificateSigningRequestParams::from_pem(&csr).unwrap();
    request.params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    request.params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let signed = request.signed_by(&issuer).unwrap().der().to_vec();
    let signed_path = dir.path().join("byo.cer");
    std::fs::write(&signed_path, &signed).unwrap();
    fake.cli().args(["ca", "upload-signed", &ca, "--cert"]).arg(&signed_path).arg("--yes").run().expect(2);
    let dry = fake
        .cli()
        .args(["ca", "upload-signed", &ca, "--cert"])
        .arg(&signed_path)
        .arg("--chain")
        .arg(&root_path)
        .run()
        .expect(0);
    assert!(dry.stdout.contains("trustChainCertificates[0]"), "{}", dry.stdout);
    assert_eq!(uploads(&fake), 0);
    let done = fake
        .cli()
        .args(["-o", "json", "ca", "upload-signed", &ca, "--cert"])
        .arg(&signed_path)
        .arg("--chain")
        .arg(&root_path)
        .arg("--yes")
        .run()
        .expect(0)
        .json();
    assert_eq!(uploads(&fake), 1);
    assert_eq!(done["certificationAuthorityStatus"], "active");
    let shown = fake.cli().args(["-o", "json", "ca", "show", &ca]).run().expect(0).json();
    assert_eq!(shown["@cloudpki.certificate"]["issuer"], "CN=Fabrikam Root");
}

fn first_active(fake: &TestFake, ca: &str) -> (String, String) {
    let certificate = fake
        .certificates(ca)
        .into_iter()
        .find(|c| c.certificate_status.as_ref().is_some_and(|s| s.as_str() == "active"))
        .unwrap();
    (certificate.id.unwrap(), certificate.serial_number.unwrap())
}

#[test]
fn verify_revoked_before_and_after_a_revocation() {
    let fake = TestFake::start(Config::default().with_data(1, 10));
    let ca = issuing_ca(&fake);
    let (id, serial) = first_active(&fake, &ca);
    let run =
        fake.cli().args(["-o", "ndjson", "cert", "verify-revoked", "--ca", &ca, "--serial", &serial]).run().expect(1);
    assert_eq!(run.ndjson()[0]["crl"], "not-revoked");
    let run = fake
        .cli()
        .args(["cert", "revoke", "--ca", &ca, "--id", &id, "--yes", "--verify", "--verify-timeout", "20s"])
        .run()
        .expect(0);
    assert!(run.stdout.contains("listed"), "{}", run.stdout);
    for format in ["ndjson", "csv", "json", "table"] {
        let run = fake.cli().args(["-o", format, "cert", "verify-revoked", "--ca", &ca, "--id", &id]).run().expect(0);
        assert!(run.stdout.contains("listed") && !run.stdout.contains("not-"), "{format}: {}", run.stdout);
    }
    let row =
        &fake.cli().args(["-o", "ndjson", "cert", "verify-revoked", "--ca", &ca, "--id", &id]).run().expect(0).ndjson()
            [0];
    assert!(row["revokedOnCrl"].is_string() && row["nextUpdate"].is_string(), "{row}");
}

#[test]
fn verify_revoked_with_a_crl_delay_says_not_yet_and_when() {
    let fake = TestFake::start(Config::default().with_data(1, 10).with_crl_delay(Duration::from_secs(600)));
    let ca = issuing_ca(&fake);
    let (id, _) = first_active(&fake, &ca);
    fake.cli().args(["cert", "revoke", "--ca", &ca, "--id", &id, "--yes"]).run().expect(0);
    let run = fake.cli().args(["-o", "ndjson", "cert", "verify-revoked", "--ca", &ca, "--id", &id]).run().expect(1);
    let row = &run.ndjson()[0];
    assert_eq!(row["crl"], "not-yet-listed");
    let next: chrono::DateTime<chrono::Utc> = row["nextUpdate"].as_str().unwrap().parse().unwrap();
    assert!(next > chrono::Utc::now() + chrono::Duration::seconds(500), "{row}");
    assert!(run.stderr.contains("look again then"), "{}", run.stderr);
    let (other, _) = first_active(&fake, &ca);
    let run = fake
        .cli()
        .args(["cert", "revoke", "--ca", &ca, "--id", &other, "--yes", "--verify", "--verify-timeout", "2s"])
        .run()
        .expect(1);
    assert!(run.stderr.contains("does not list every revoked certificate"), "{}", run.stderr);
}

#[test]
fn tenant_wide_listing_and_expiry_report() {
    let fake = TestFake::start(Config::default().with_data(2, 20));
    let rows = fake.cli().args(["-o", "csv", "cert", "list"]).run().expect(0).csv();
    assert_eq!(rows[0], ["ca", "id", "serial", "status", "subject", "expires"]);
    let cas: std::collections::BTreeSet<&str> = rows[1..].iter().map(|row| row[0].as_str()).collect();
    assert_eq!(cas.len(), 2);
    assert_eq!(rows.len() - 1, 40);

    let report = fake.cli().args(["-o", "ndjson", "report", "expiry", "--within", "20y"]).run().expect(0).ndjson();
    assert!(report.iter().any(|row| row["what"] == "ca"), "CA certificates are in the report");
    let ends: Vec<&str> = report.iter().map(|row| row["notAfter"].as_str().unwrap()).collect();
    let mut sorted = ends.clone();
    sorted.sort();
    assert_eq!(ends, sorted, "sorted by expiry");
    let csv = fake.cli().args(["-o", "csv", "report", "expiry", "--within", "20y"]).run().expect(0).csv();
    assert_eq!(csv[0], ["what", "ca", "id", "subject", "serial", "status", "expires", "daysLeft"]);
    assert_eq!(csv.len() - 1, report.len());
    let json = fake.cli().args(["-o", "json", "report", "expiry", "--within", "20y"]).run().expect(0).json();
    assert_eq!(json.as_array().unwrap().len(), report.len());
    fake.cli().args(["report", "expiry", "--within", "20y"]).run().expect(0);
    fake.cli().args(["report", "expiry", "--within", "1d", "--fail-within", "20y"]).run().expect(1);
    fake.cli().args(["report", "expiry", "--within", "1d", "--fail-within", "1s"]).run().expect(0);
}

#[test]
fn the_exporter_serves_per_ca_figures_and_keeps_the_last_good_ones() {
    let fake = TestFake::start(Config::default().with_data(2, 10));
    let mut child = Command::new(common::BIN)
        .env("GRAPH_TOKEN", &fake.token)
        .env_remove("RUST_LOG")
        .args([
            "--base-url",
            &fake.url,
            "--max-retries",
            "0",
            "exporter",
            "--listen",
            "127.0.0.1:0",
            "--interval",
            "1s",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|word| word.starts_with("http://")).unwrap().to_owned();
    let scrape = |url: &str| -> prometheus_parse::Scrape {
        let body = reqwest::blocking_get(url);
        prometheus_parse::Scrape::parse(body.lines().map(|l| Ok(l.to_owned()))).unwrap()
    };
    std::thread::sleep(Duration::from_millis(1500));
    let scraped = scrape(&url);
    let names: std::collections::BTreeSet<&str> = scraped.samples.iter().map(|s| s.metric.as_str()).collect();
    for name in [
        "cloudpki_ca_status",
        "cloudpki_ca_certificate_not_after_seconds",
        "cloudpki_leaf_certificates",
        "cloudpki_leaf_certificates_expiring",
        "cloudpki_crl_next_update_seconds",
        "cloudpki_last_poll_success",
    ] {
        assert!(names.contains(name), "{name}: {names:?}");
    }
    for sample in &scraped.samples {
        assert!(
            sample.labels.get("id").is_none() && sample.labels.get("serial").is_none(),
            "no series per certificate"
        );
    }
    let good = scraped.samples.iter().filter(|s| s.metric == "cloudpki_leaf_certificates").count();
    drop(fake);
    std::thread::sleep(Duration::from_millis(2500));
    let after = scrape(&url);
    let value = |scrape: &prometheus_parse::Scrape, name: &str| {
        scrape.samples.iter().find(|s| s.metric == name).map(|s| match s.value {
            prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
            _ => f64::NAN,
        })
    };
    assert_eq!(value(&after, "cloudpki_last_poll_success"), Some(0.0));
    assert_eq!(
        after.samples.iter().filter(|s| s.metric == "cloudpki_leaf_certificates").count(),
        good,
        "last good figures"
    );
    let _ = child.kill();
    let _ = child.wait();
    let refused = Command::new(common::BIN)
        .env("GRAPH_TOKEN", "x")
        .args(["--base-url", "http://127.0.0.1:1/beta", "exporter", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn completions_load_in_bash_and_man_pages_are_written() {
    let script = format!("source <({} completions bash) && complete -p cloudpki", common::BIN);
    let output = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("cloudpki"));
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(common::BIN).args(["man", "--out"]).arg(dir.path()).output().unwrap();
    assert!(output.status.success());
    assert!(dir.path().join("cloudpki-report-expiry.1").exists());
    for command in [
        vec!["ca", "create"],
        vec!["ca", "upload-signed"],
        vec!["cert", "verify-revoked"],
        vec!["report", "expiry"],
        vec!["exporter"],
    ] {
        let output = Command::new(common::BIN).args(&command).arg("--help").output().unwrap();
        assert!(String::from_utf8_lossy(&output.stdout).contains("Examples:"), "{command:?}");
    }
}

mod reqwest {
    /// A GET's body, on a runtime of its own.
    pub fn blocking_get(url: &str) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async { ::reqwest::get(url).await.unwrap().text().await.unwrap() })
    }
}
