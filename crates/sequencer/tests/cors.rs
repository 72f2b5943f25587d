//! Browsers on another origin (the query API's web page) can call the devnet: a real preflight
//! and a real POST over loopback, as a browser sends them, on each path.

mod common;

use std::time::Duration;

use chain::rpc::SpecVersion;
use common::{Devnet, test_config};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The page's origin (any other would do).
const ORIGIN: &str = "http://127.0.0.1:8081";

/// A raw HTTP/1.1 exchange: status, headers (lower-case names) and body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

async fn exchange(url: &str, request: String) -> Answer {
    let address = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8(response).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Answer { status, headers, body: body.to_owned() }
}

async fn preflight(url: &str, path: &str) -> Answer {
    let host = url.trim_start_matches("http://");
    let request = format!(
        "OPTIONS {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {ORIGIN}\r\n\
         Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\
         Connection: close\r\n\r\n"
    );
    exchange(url, request).await
}

async fn post(url: &str, path: &str, body: &str) -> Answer {
    let host = url.trim_start_matches("http://");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {ORIGIN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(url, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_and_post_from_another_origin() {
    let devnet = Devnet::start(None, test_config(Duration::from_secs(3600), true)).await;
    let paths = [
        ("/", SpecVersion::V0_10),
        ("/rpc/v0_10", SpecVersion::V0_10),
        ("/rpc/v0_9", SpecVersion::V0_9),
    ];
    for (path, version) in paths {
        let answer = preflight(&devnet.url, path).await;
        assert!((200..300).contains(&answer.status), "preflight {path}: {}", answer.status);
        assert_eq!(answer.header("access-control-allow-origin"), Some("*"), "{path}");
        let methods = answer.header("access-control-allow-methods").unwrap_or_default();
        assert!(methods.contains("POST"), "{path}: {methods}");
        let headers = answer.header("access-control-allow-headers").unwrap_or_default();
        assert!(headers.to_ascii_lowercase().contains("content-type"), "{path}: {headers}");

        let body = r#"{"jsonrpc":"2.0","id":1,"method":"starknet_getBlockWithTxHashes","params":[{"block_number":0}]}"#;
        let answer = post(&devnet.url, path, body).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        assert_eq!(answer.header("access-control-allow-origin"), Some("*"), "{path}");
        let json: Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(json["result"]["block_number"], 0, "{path}: {json}");
        let has_commitments = json["result"].get("event_commitment").is_some();
        assert_eq!(has_commitments, version == SpecVersion::V0_10, "{path}: {json}");

        let body = r#"{"jsonrpc":"2.0","id":2,"method":"starknet_specVersion","params":[]}"#;
        let json: Value = serde_json::from_str(&post(&devnet.url, path, body).await.body).unwrap();
        assert_eq!(json["result"], version.as_str(), "{path}");
    }

    // A path that serves nothing: 404, still readable by the page.
    let answer = post(&devnet.url, "/rpc/v0_8", "{}").await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    assert!(answer.body.contains("/rpc/v0_9"), "{}", answer.body);
    devnet.stop().await;
}
