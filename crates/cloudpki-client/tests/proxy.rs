//! A proxy in the environment never sees a loopback request. Environment variables are
//! process-wide (and setting them is `unsafe` in edition 2024), so the listing runs in a child
//! process of this test binary, started with `HTTP_PROXY` and friends pointing at a listener
//! that counts connections.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cloudpki_fake::Config;
use futures_util::TryStreamExt as _;

const CHILD: &str = "CLOUDPKI_CLIENT_PROXY_CHILD";

#[test]
fn a_loopback_base_url_never_goes_through_a_proxy() {
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", proxy.local_addr().expect("an address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    std::thread::spawn(move || {
        for socket in proxy.incoming() {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    let mut child = std::process::Command::new(std::env::current_exe().expect("this test binary"));
    child.args(["child_lists_with_a_proxy_in_the_environment", "--exact", "--nocapture"]).env(CHILD, "1");
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        child.env(name, &url);
    }
    child.env_remove("NO_PROXY").env_remove("no_proxy");
    let mut child = child.spawn().expect("the child starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the child ends in time");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the listing succeeded in the child");
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing connected to the proxy");
}

/// Runs only as the child of the test above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_lists_with_a_proxy_in_the_environment() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    assert!(std::env::var("HTTP_PROXY").is_ok_and(|p| p.starts_with("http://127.0.0.1:")));
    let fake = common::fake(Config::default().with_data(1, 10)).await;
    let client = common::builder(&fake).build().expect("a client");
    let cas: Vec<_> = tokio::time::timeout(Duration::from_secs(30), client.certification_authorities().try_collect())
        .await
        .expect("in time")
        .expect("the listing succeeds");
    assert!(!cas.is_empty());
    fake.shutdown().await;
}
