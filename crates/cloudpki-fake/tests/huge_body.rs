//! `huge-body`: a page far larger than any real one, streamed: the fake's memory does not grow
//! with it. Alone in its test binary, so the resident set size is this test's.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use cloudpki_fake::{Config, FaultKind, FaultPlan};
use common::Api;

/// This process's resident set size in bytes (`VmRSS` in `/proc/self/status`), if known.
fn resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[tokio::test]
async fn a_huge_body_is_streamed_without_a_length_and_without_the_memory() {
    const READ: u64 = 64 << 20;
    let plan = FaultPlan::new(1.0, &[FaultKind::HugeBody]).with_huge_size(1 << 30);
    let api = Api::start(Config::default().with_faults(plan)).await;
    let before = resident();
    let mut response = tokio::time::timeout(
        Duration::from_secs(10),
        api.client.get(api.url("/deviceManagement/cloudCertificationAuthority")).bearer_auth(&api.token).send(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-length").is_none(), "chunked");
    let mut read = 0u64;
    let mut start = Vec::new();
    let reading = async {
        while read < READ {
            let chunk = response.chunk().await.unwrap().unwrap();
            if start.len() < 64 {
                start.extend_from_slice(&chunk[..chunk.len().min(64)]);
            }
            read += chunk.len() as u64;
        }
    };
    tokio::time::timeout(Duration::from_secs(60), reading).await.unwrap();
    drop(response);
    assert!(start.starts_with(b"{\"@odata.context\":"), "{}", String::from_utf8_lossy(&start));
    if let (Some(before), Some(after)) = (before, resident()) {
        let grown = after.saturating_sub(before);
        assert!(grown < 48 << 20, "the fake grew by {} MiB for {} MiB sent", grown >> 20, read >> 20);
    }
    assert_eq!(api.fake.stats().faults_of("huge-body"), 1);
}
