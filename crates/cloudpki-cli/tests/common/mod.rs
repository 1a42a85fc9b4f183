//! Helpers of the end-to-end tests: the fake service in-process on loopback, the `cloudpki`
//! binary run against it, and tiny hand-written HTTP servers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudpki_fake::{Config, Fake, FakeHandle, Stats, auth};
use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Certificate;
use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_cloudpki");

/// The first issuing CA of the seeded data (the root is listed first and has no leaves).
pub fn issuing_ca(fake: &TestFake) -> String {
    fake.handle()
        .certification_authorities()
        .into_iter()
        .find(|ca| {
            ca.cloud_certification_authority_type.value().is_some_and(|t| t.as_str() == "issuingCertificationAuthority")
        })
        .and_then(|ca| ca.id)
        .expect("an issuing CA")
}

/// A fake on its own runtime, shut down when dropped.
pub struct TestFake {
    handle: Option<FakeHandle>,
    runtime: tokio::runtime::Runtime,
    /// A token with every scope.
    pub token: String,
    /// A token with only `DeviceManagementConfiguration.Read.All`.
    pub read_only_token: String,
    /// The base URL (`http://127.0.0.1:PORT/beta`).
    pub url: String,
}

impl TestFake {
    /// Starts a fake.
    pub fn start(config: Config) -> TestFake {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        let handle = runtime.block_on(Fake::start(config)).expect("the fake starts");
        let token = handle.issue_token(&auth::ALL_SCOPES);
        let read_only_token = handle.issue_token(&[auth::CONFIGURATION_READ]);
        let url = handle.base_url().to_owned();
        TestFake { handle: Some(handle), runtime, token, read_only_token, url }
    }

    /// The fake's handle.
    pub fn handle(&self) -> &FakeHandle {
        self.handle.as_ref().expect("running")
    }

    /// What it saw.
    pub fn stats(&self) -> Stats {
        self.handle().stats()
    }

    /// The ground truth: the leaf certificates of `ca` as the store has them.
    pub fn certificates(&self, ca: &str) -> Vec<Certificate> {
        self.handle().leaf_certificates(ca)
    }

    /// The ids of the active certificates of `ca`.
    pub fn active_ids(&self, ca: &str) -> BTreeSet<String> {
        self.certificates(ca)
            .into_iter()
            .filter(|c| c.certificate_status.as_ref().is_some_and(|s| s.as_str() == "active"))
            .filter_map(|c| c.id)
            .collect()
    }

    /// `cloudpki --base-url URL` with the all-scopes token.
    pub fn cli(&self) -> Cli {
        Cli::new(&self.url, &self.token)
    }
}

impl Drop for TestFake {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.runtime.block_on(handle.shutdown());
        }
    }
}

/// A run of the binary.
pub struct Run {
    /// The exit status.
    pub code: Option<i32>,
    /// Stdout.
    pub stdout: String,
    /// Stderr.
    pub stderr: String,
}

impl Run {
    /// Stdout's lines as JSON values (ndjson).
    pub fn ndjson(&self) -> Vec<Value> {
        self.stdout.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect()
    }

    /// Stdout as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).expect("JSON")
    }

    /// Stdout as CSV records (header first).
    pub fn csv(&self) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(self.stdout.as_bytes());
        reader.records().map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect()).collect()
    }

    /// Asserts the exit status, showing the output otherwise.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

/// A `cloudpki` command line being built.
pub struct Cli {
    command: assert_cmd::Command,
    secrets: Vec<String>,
}

impl Cli {
    /// `cloudpki --base-url URL` with `GRAPH_TOKEN=token`.
    pub fn new(url: &str, token: &str) -> Cli {
        let mut command = assert_cmd::Command::new(BIN);
        command
            .env("GRAPH_TOKEN", token)
            .env_remove("CLOUDPKI_BASE_URL")
            .env_remove("RUST_LOG")
            .arg("--base-url")
            .arg(url);
        command.timeout(Duration::from_secs(120));
        Cli { command, secrets: vec![token.to_owned()] }
    }

    /// With another token.
    pub fn token(mut self, token: &str) -> Cli {
        self.command.env("GRAPH_TOKEN", token);
        self.secrets.push(token.to_owned());
        self
    }

    /// More arguments.
    pub fn args<I, S>(mut self, args: I) -> Cli
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    /// One more argument.
    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Cli {
        self.command.arg(arg);
        self
    }

    /// Stdin.
    pub fn stdin(mut self, text: &str) -> Cli {
        self.command.write_stdin(text.to_owned());
        self
    }

    /// Runs it; asserts that no token appears in its output.
    pub fn run(mut self) -> Run {
        let output = self.command.output().expect("the binary runs");
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        };
        for secret in &self.secrets {
            if secret.len() > 8 {
                assert!(
                    !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                    "the token was printed"
                );
            }
        }
        run
    }
}

/// What a hand-written server saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Connections accepted.
    pub connections: usize,
    /// Raw request heads (request line and headers).
    pub requests: Vec<String>,
}

/// A request a hand-written server got.
pub struct Request<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path and query.
    pub path: &'a str,
    /// The body.
    pub body: &'a str,
}

/// What a hand-written server answers: status and JSON body.
type Answer = dyn Fn(&Request<'_>) -> (u16, String) + Send + Sync;

/// A tiny HTTP/1.1 server on `addr` that records every connection and request and answers
/// each with `answer(request)` as `(status, JSON body)`. Runs until the process ends.
pub fn serve(
    addr: SocketAddr,
    answer: impl Fn(&Request<'_>) -> (u16, String) + Send + Sync + 'static,
) -> std::io::Result<(SocketAddr, Arc<Mutex<Seen>>)> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let answer: Arc<Answer> = Arc::new(answer);
    let recorded = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            if let Ok(mut seen) = recorded.lock() {
                seen.connections += 1;
            }
            let (recorded, answer) = (recorded.clone(), answer.clone());
            std::thread::spawn(move || handle(stream, &recorded, &*answer));
        }
    });
    Ok((local, seen))
}

fn handle(stream: TcpStream, seen: &Mutex<Seen>, answer: &Answer) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(stream) => stream,
        Err(_) => return,
    });
    let mut stream = stream;
    loop {
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let mut words = head.split_whitespace();
        let (method, path) = (words.next().unwrap_or("GET"), words.next().unwrap_or("/"));
        if let Ok(mut seen) = seen.lock() {
            seen.requests.push(head.clone());
        }
        let body = String::from_utf8_lossy(&body);
        let (status, body) = answer(&Request { method, path, body: &body });
        let response = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nrequest-id: test-request\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

impl TestFake {
    /// A GET of `path_and_query` (after the base URL) with the all-scopes token: the JSON body.
    pub fn get(&self, path_and_query: &str) -> Value {
        let url = format!("{}{path_and_query}", self.url);
        self.get_url(&url)
    }

    fn get_url(&self, url: &str) -> Value {
        self.runtime.block_on(async {
            let response = reqwest::Client::new().get(url).bearer_auth(&self.token).send().await.expect("GET");
            assert!(response.status().is_success(), "GET {url}: {}", response.status());
            let bytes = response.bytes().await.expect("a body");
            serde_json::from_slice(&bytes).expect("JSON")
        })
    }

    /// Every item of a collection as the service sends it, page after page.
    pub fn wire_items(&self, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut page = self.get(path);
        loop {
            items.extend(page["value"].as_array().expect("a page").iter().cloned());
            match page.get("@odata.nextLink").and_then(Value::as_str) {
                Some(next) => page = self.get_url(next),
                None => return items,
            }
        }
    }

    /// One entity as the service sends it (unwrapped from `{"value": {...}}`).
    /// The entity at `path` as the service sends it, less its `@odata.context` (which names the
    /// request that read it: a read by id and a search by serial number differ there only).
    pub fn wire_entity(&self, path: &str) -> Value {
        let body = self.get(path);
        let mut entity = match body.get("value") {
            Some(entity) if entity.is_object() => entity.clone(),
            _ => body,
        };
        if let Some(members) = entity.as_object_mut() {
            members.remove("@odata.context");
        }
        entity
    }
}

/// `value` less its `@odata.context` and the CLI's own annotations (`@cloudpki.*`, which
/// `ca show` adds: the decoded certificate).
pub fn without_context(mut value: Value) -> Value {
    if let Some(members) = value.as_object_mut() {
        members.remove("@odata.context");
        members.retain(|key, _| !key.starts_with("@cloudpki."));
    }
    value
}
