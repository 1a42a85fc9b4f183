//! What the tests share: a fake on loopback and a small reqwest client over real sockets.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use cloudpki_fake::{Config, Fake, FakeHandle, auth};
use cloudpki_model::api::{BaseUrl, Operation, RequestOptions, ResponseError};
use serde_json::Value;

/// One answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// Parses the body with the model's types (the fake must produce what they accept).
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        cloudpki_model::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The error envelope's code (and checks the envelope's shape).
    pub fn error_code(&self) -> String {
        let body = self.json();
        let error = &body["error"];
        assert!(error["message"].is_string(), "{body}");
        for key in ["date", "request-id", "client-request-id"] {
            assert!(error["innerError"][key].is_string(), "{key} in {body}");
        }
        error["code"].as_str().unwrap().to_owned()
    }
}

pub struct Api {
    pub fake: FakeHandle,
    pub client: reqwest::Client,
    pub token: String,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).pool_max_idle_per_host(8).build().unwrap()
}

impl Api {
    pub async fn start(config: Config) -> Api {
        let fake = Fake::start(config).await.unwrap();
        let token = fake.issue_token(&auth::ALL_SCOPES);
        Api { fake, client: client(), token }
    }

    pub async fn quiet() -> Api {
        Api::start(Config::default()).await
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.fake.base_url()) }
    }

    /// Sends a request; transport errors are returned.
    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
        token: Option<&str>,
    ) -> Result<Answer, reqwest::Error> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_owned());
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Answer { status, headers, body })
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<&str>, headers: &[(&str, &str)]) -> Answer {
        self.try_send(method, path, body, headers, Some(&self.token)).await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: &str) -> Answer {
        self.send("POST", path, Some(body), &[]).await
    }

    /// Sends a generated operation of the model and reads the answer with it.
    pub async fn call<O: Operation>(
        &self,
        operation: &O,
        options: &RequestOptions,
    ) -> Result<O::Output, ResponseError> {
        let base = BaseUrl::parse(self.fake.base_url()).unwrap();
        let mut request = operation.to_request(&base, options).unwrap();
        request.headers_mut().insert("authorization", format!("Bearer {}", self.token).parse().unwrap());
        let request = reqwest::Request::try_from(request).unwrap();
        let response = self.client.execute(request).await.unwrap();
        let mut builder = http::Response::builder().status(response.status().as_u16());
        for (name, value) in response.headers() {
            builder = builder.header(name.as_str(), value.as_bytes());
        }
        let body = response.bytes().await.unwrap().to_vec();
        O::parse_response(&builder.body(body).unwrap())
    }

    /// The id of the first issuing certification authority (the root is listed first).
    pub fn issuing_ca(&self) -> String {
        self.fake.certification_authorities()[1].id.clone().unwrap()
    }
}
