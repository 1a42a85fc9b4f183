//! The `cloudpki-fake` binary: base URL on the first line, a token on the second, admin routes.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use cloudpki_fake::Stats;
use cloudpki_model::{CloudCertificationAuthority, CloudCertificationAuthorityLeafCertificate, Page};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Running, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudpki-fake"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap();
    let token = lines.next().unwrap().unwrap();
    (Running(child), base, token.strip_prefix("token: ").unwrap().to_owned())
}

#[tokio::test]
async fn the_binary_prints_its_base_url_first_then_a_token() {
    let (_running, base, token) = start(&["--seed", "3", "--cas", "1", "--certs", "30"]);
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/beta"), "{base}");
    let client = reqwest::Client::new();
    let get = |url: String| {
        let request = client.get(url).bearer_auth(&token);
        async move { request.send().await.unwrap() }
    };
    let cas: Page<CloudCertificationAuthority> = cloudpki_model::from_slice(
        &get(format!("{base}/deviceManagement/cloudCertificationAuthority")).await.bytes().await.unwrap(),
    )
    .unwrap();
    assert_eq!(cas.value.len(), 2);
    let ca = cas.value[1].id.clone().unwrap();
    let answer = get(format!(
        "{base}/deviceManagement/cloudCertificationAuthority/{ca}/cloudCertificationAuthorityLeafCertificate"
    ))
    .await;
    let leaves: Page<CloudCertificationAuthorityLeafCertificate> =
        cloudpki_model::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert_eq!(leaves.value.len(), 30);

    let origin = base.trim_end_matches("/beta");
    let stats: Stats = serde_json::from_slice(
        &client.get(format!("{origin}/_fake/stats")).send().await.unwrap().bytes().await.unwrap(),
    )
    .unwrap();
    assert_eq!(stats.requests_to("listCloudCertificationAuthorities"), 1);
    assert_eq!(stats.requests_to("listCloudCertificationAuthorityLeafCertificates"), 1);

    let issued = client
        .post(format!("{origin}/_fake/token"))
        .body(r#"{"scopes":["DeviceManagementConfiguration.Read.All"]}"#)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let issued: serde_json::Value = serde_json::from_slice(&issued).unwrap();
    let read_only = issued["access_token"].as_str().unwrap();
    let refused = client
        .post(format!("{base}/deviceManagement/cloudCertificationAuthority/{ca}/revokeLeafCertificate"))
        .bearer_auth(read_only)
        .body(format!(r#"{{"leafCertificateId":"{}"}}"#, leaves.value[0].id.as_deref().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let state = client.get(format!("{origin}/_fake/state?ca={ca}")).send().await.unwrap().bytes().await.unwrap();
    let state: serde_json::Value = serde_json::from_slice(&state).unwrap();
    assert_eq!(state["certificationAuthorities"][0]["leafCertificates"].as_array().unwrap().len(), 30);
}

#[tokio::test]
async fn the_same_seed_serves_the_same_data() {
    let body = |args: &[&str]| {
        let (running, base, token) = start(args);
        async move {
            let text = reqwest::Client::new()
                .get(format!("{base}/deviceManagement/cloudCertificationAuthority"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            drop(running);
            // The CRLs and CA certificates are published on `localhost` at the same port.
            let port = base.trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().to_owned();
            text.replace(&base, "BASE").replace(&format!("http://localhost:{port}/"), "CDP/")
        }
    };
    let args = ["--seed", "11", "--now", "2026-07-20T00:00:00Z"];
    assert_eq!(body(&args).await, body(&args).await);
    assert_ne!(body(&args).await, body(&["--seed", "12", "--now", "2026-07-20T00:00:00Z"]).await);
}

#[test]
fn non_loopback_addresses_and_bad_flags_are_refused() {
    for args in [
        &["--addr", "0.0.0.0:0"][..],
        &["--addr", "192.168.1.10:8080"],
        &["--faults", "rate=0.1,kinds=teapot"],
        &["--latency", "soon"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_cloudpki-fake")).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("cloudpki-fake:"), "{args:?}");
    }
}

#[tokio::test]
async fn the_env_file_is_written_whole_once_listening() {
    let directory = std::env::temp_dir().join(format!("cloudpki-fake-env-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("fake.env");
    let _ = std::fs::remove_file(&path);
    let (_running, base, token) = start(&["--cas", "1", "--certs", "3", "--env-file", path.to_str().unwrap()]);
    // The file may land just after stdout's two lines: wait for it, boundedly.
    let started = std::time::Instant::now();
    while !path.exists() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "no env file");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, format!("CLOUDPKI_BASE_URL={base}\nGRAPH_TOKEN={token}\n"));
    let leftovers: Vec<_> = std::fs::read_dir(&directory).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("fake.env")], "no temporary file is left behind");
    // Shell-sourceable, and the token works.
    let sourced = Command::new("sh")
        .arg("-c")
        .arg(format!("set -a; . '{}'; set +a; printf '%s %s' \"$CLOUDPKI_BASE_URL\" \"$GRAPH_TOKEN\"", path.display()))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(sourced.stdout).unwrap(), format!("{base} {token}"));
    let answer = reqwest::Client::new()
        .get(format!("{base}/deviceManagement/cloudCertificationAuthority"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let _ = std::fs::remove_dir_all(&directory);
}

#[test]
fn help_documents_every_fault_kind_with_an_example_and_the_admin_routes() {
    let output = Command::new(env!("CARGO_BIN_EXE_cloudpki-fake")).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for kind in cloudpki_fake::FaultKind::EVERY {
        assert!(help.contains(&format!("  {kind} ")), "{kind} is not described");
        assert!(help.contains(&format!("e.g. --faults {}", kind.example())), "{kind} has no example");
    }
    for needle in [
        "/_fake/stats",
        "/_fake/stats/reset",
        "/_fake/token",
        "lifetime_seconds",
        "/_fake/state",
        "--env-file",
        "--wire",
        "--tenant-leaves",
        "--crl-delay",
    ] {
        assert!(help.contains(needle), "{needle}");
    }
}

#[test]
fn new_flags_take_typed_values() {
    for args in [
        &["--wire", "docs", "--help"][..],
        &["--already-revoked", "error", "--crl-delay", "5m", "--tenant-leaves", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_cloudpki-fake")).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
    }
    for args in [
        &["--wire", "xml"][..],
        &["--crl-delay", "5"],
        &["--already-revoked", "maybe"],
        &["--faults", "rate=1,huge=lots"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_cloudpki-fake")).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("cloudpki-fake: "), "{args:?}");
    }
}
