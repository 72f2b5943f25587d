//! Raw HTTP requests the client libraries would never send: the node answers JSON-RPC errors and
//! keeps serving.

mod common;

use std::time::Duration;

use common::{Devnet, test_config};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// POSTs `body` and returns the parsed JSON answer.
async fn post(url: &str, body: &str) -> Value {
    let address = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8(response).unwrap();
    let (_, payload) = text.split_once("\r\n\r\n").expect("HTTP response with a body");
    serde_json::from_str(payload).unwrap_or_else(|e| panic!("{e}: {payload}"))
}

fn error_code(answer: &Value) -> i64 {
    answer["error"]["code"].as_i64().unwrap_or_else(|| panic!("not an error: {answer}"))
}

fn call(method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_json_rpc_errors() {
    let devnet = Devnet::start(None, test_config(Duration::from_secs(3600), true)).await;
    let url = devnet.url.clone();
    assert_eq!(error_code(&post(&url, "{not json").await), -32700);
    assert_eq!(error_code(&post(&url, &call("starknet_noSuchMethod", json!([]))).await), -32601);
    // Wrong types and shapes: invalid params.
    for (method, params) in [
        ("starknet_getBlockWithTxHashes", json!(["not a block id"])),
        ("starknet_getBlockWithTxHashes", json!({"block_id": {"block_number": "x"}})),
        ("starknet_getStorageAt", json!(["0x1"])),
        ("starknet_getNonce", json!({"block_id": "latest", "contract_address": 5})),
        ("starknet_call", json!([{"contract_address": "0x1"}, "latest"])),
        ("starknet_addInvokeTransaction", json!([7])),
        ("starknet_addInvokeTransaction", json!([{"type": "DEPLOY_ACCOUNT"}])),
        ("starknet_estimateFee", json!({"request": 3, "block_id": "latest"})),
        ("starknet_getEvents", json!({"filter": {"chunk_size": "many"}})),
    ] {
        let answer = post(&url, &call(method, params.clone())).await;
        assert_eq!(error_code(&answer), -32602, "{method} {params}: {answer}");
    }
    // Spec errors by code, as other clients (starknet.py, starknet.js) see them.
    let answer =
        post(&url, &call("starknet_getBlockWithTxs", json!([{"block_number": 999}]))).await;
    assert_eq!(error_code(&answer), 24);
    let answer =
        post(&url, &call("starknet_getStateUpdate", json!({"block_id": "l1_accepted"}))).await;
    assert_eq!(error_code(&answer), 24);
    let answer = post(&url, &call("starknet_getTransactionReceipt", json!(["0x1234"]))).await;
    assert_eq!(error_code(&answer), 29);
    let answer = post(&url, &call("starknet_getClassAt", json!(["latest", "0x1234"]))).await;
    assert_eq!(error_code(&answer), 20);
    // An INVOKE that parses but is structurally wrong (a v1 missing its nonce).
    let invoke = json!({"type": "INVOKE", "version": "0x1", "sender_address": "0x1",
        "calldata": [], "max_fee": "0x0", "signature": []});
    let answer = post(&url, &call("starknet_addInvokeTransaction", json!([invoke]))).await;
    assert_eq!(error_code(&answer), 55, "{answer}");
    let invoke = json!({"type": "INVOKE", "version": "0x2", "sender_address": "0x1"});
    let answer = post(&url, &call("starknet_addInvokeTransaction", json!([invoke]))).await;
    assert_eq!(error_code(&answer), 61, "{answer}");
    // A client-side proof (spec 0.10): this devnet verifies none, so INVALID_PROOF (69).
    let invoke = json!({"type": "INVOKE", "version": "0x3", "proof": "AAAA"});
    let answer = post(&url, &call("starknet_addInvokeTransaction", json!([invoke]))).await;
    assert_eq!(error_code(&answer), 69, "{answer}");
    // A DECLARE whose class is not gzip.
    let declare = json!({"type": "DECLARE", "version": "0x1", "sender_address": "0x1",
        "max_fee": "0x0", "signature": [], "nonce": "0x0",
        "contract_class": {"program": "bm90IGd6aXA=", "entry_points_by_type":
            {"CONSTRUCTOR": [], "EXTERNAL": [], "L1_HANDLER": []}, "abi": []}});
    let answer = post(&url, &call("starknet_addDeclareTransaction", json!([declare]))).await;
    assert_eq!(error_code(&answer), 56, "{answer}");

    // Still serving.
    let answer = post(&url, &call("starknet_specVersion", json!([]))).await;
    assert_eq!(answer["result"], chain::rpc::SpecVersion::LATEST.as_str());
    let answer = post(&url, &call("starknet_blockNumber", json!([]))).await;
    assert_eq!(answer["result"], 0);
    devnet.stop().await;
}
