//! The web pages on the API's port: the status page and `/status.json` from a real job index,
//! the block page, the embedded assets (the WebAssembly verifier among them) and the sequencer
//! relay against a real JSON-RPC server on loopback. The pages in a browser, with a real demo
//! behind them: `scripts/browser-test.sh`.

mod common;

use std::net::SocketAddr;

use common::*;
use jsonrpsee::RpcModule;
use jsonrpsee::server::{Server, ServerHandle};
use proof_store::JobStatus;
use serde_json::{Value, json};

fn html(reply: &HttpReply) -> String {
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
    let policy = reply.header("content-security-policy").expect("pages carry a CSP");
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';"), "{policy}");
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    String::from_utf8(reply.body.clone()).unwrap()
}

/// Blocks 0 and 1 proven, 2 replayed, 3 failed with a hostile reason, 4 pending; head 5.
async fn chain(server: &TestServer) {
    let proof = golden_standard_proof();
    server.store_proof(0, &proof).await;
    server.store_proof(1, &proof).await;
    server.replay(2).await;
    server.replay(3).await;
    let reason = "OS run failed: <script>alert('x')</script>".to_owned();
    server.jobs.transition(3, hash(3), JobStatus::Failed { reason }).await.unwrap();
    server.enqueue(4).await;
    server.jobs.set_last_seen_head(5).await.unwrap();
}

#[tokio::test]
async fn status_page_shows_heights_queue_chart_failures_and_blocks() {
    let server = TestServer::start(standard_policy()).await;
    let empty = html(&server.get("/").await);
    assert!(empty.contains("No block seen yet."), "{empty}");

    chain(&server).await;
    let reply = server.get("/").await;
    assert_eq!(reply.status, 200);
    let page = html(&reply);
    for expected in [
        "id=\"chain-head\">5<",
        "id=\"replayed-height\">2<",
        "id=\"proven-height\">1<",
        "id=\"proof-lag\">4<",
        "id=\"queue\">1 · 1 · 0<",
        "<tr data-block=\"1\" data-status=\"proven\">",
        "<tr data-block=\"3\" data-status=\"failed\">",
        "<a href=\"/block/3\">3</a>",
        "http-equiv=\"refresh\"",
    ] {
        assert!(page.contains(expected), "{expected:?} missing from\n{page}");
    }
    // Two blocks were stored just now: one bar of height 2.
    assert_eq!(page.matches("<rect").count(), 1, "{page}");
    assert!(page.contains("<title>2</title>"));
    // A reason is text, never markup.
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<script>alert"));

    let reply = server.get("/status.json").await;
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let status: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(status["chain_head"], 5);
    assert_eq!(status["proven_height"], 1);
    assert_eq!(status["proven_through"], 1);
    assert_eq!(status["queue"], json!({ "pending": 1, "replayed": 1, "proving": 0 }));
    assert_eq!(status["problems"][0]["block_number"], 3);
    assert_eq!(status["problems"][0]["status"], "failed");
    assert_eq!(status["recent"][0]["block_number"], 4, "highest first");
    assert_eq!(status["proven_per_minute"].as_array().unwrap().len(), 60);
}

#[tokio::test]
async fn block_page_shows_the_proof_and_loads_the_verifier_only_when_there_is_one() {
    let config = api::ApiConfig {
        sequencer_url: Some("http://127.0.0.1:9/".to_owned()),
        ..Default::default()
    };
    let server = TestServer::start_with(standard_policy(), config).await;
    chain(&server).await;

    let page = html(&server.get("/block/1").await);
    let proof_size = golden_standard_proof().len();
    for expected in [
        "<h1>Block 1</h1>".to_owned(),
        format!("{proof_size} bytes"),
        "href=\"/proofs/1\"".to_owned(),
        format!("<code>{}</code>", hash(1)),
        "data-block=\"1\" data-sequencer=\"http://127.0.0.1:9/\"".to_owned(),
        "<script type=\"module\" src=\"/assets/block.js\"></script>".to_owned(),
        "id=\"verdict\">checking…".to_owned(),
    ] {
        assert!(page.contains(&expected), "{expected:?} missing from\n{page}");
    }

    let replayed = html(&server.get("/block/2").await);
    assert!(replayed.contains("id=\"verdict\">not proven yet"), "{replayed}");
    assert!(!replayed.contains("block.js"), "nothing to verify, no script");
    let failed = html(&server.get("/block/3").await);
    assert!(failed.contains("&lt;script&gt;"), "{failed}");

    let unknown = server.get("/block/99").await;
    assert_eq!(unknown.status, 404);
    assert!(html(&unknown).contains("has not seen this block"));
    assert_eq!(server.get("/block/one").await.status, 400);
    assert_eq!(server.get("/block/").await.status, 400);
    assert_eq!(http_request(server.address, "POST", "/block/1").await.status, 405);
}

#[tokio::test]
async fn assets_include_the_webassembly_verifier() {
    let server = TestServer::start(standard_policy()).await;
    let wasm = server.get("/assets/web_verifier_bg.wasm").await;
    assert_eq!(wasm.status, 200, "the build script built the verifier (wasm32 target installed?)");
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(&wasm.body[..4], b"\0asm");
    let glue = server.get("/assets/web_verifier.js").await;
    assert_eq!(glue.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(String::from_utf8_lossy(&glue.body).contains("verify_block"));
    let script = server.get("/assets/block.js").await;
    assert!(String::from_utf8_lossy(&script.body).contains("web_verifier.js"));
    assert_eq!(server.get("/assets/style.css").await.status, 200);
    assert_eq!(server.get("/assets/nothing.js").await.status, 404);
}

/// A stand-in sequencer: headers of blocks 0 to 2 and a chain id, over real JSON-RPC.
async fn sequencer() -> (SocketAddr, ServerHandle) {
    let server = Server::builder().build("127.0.0.1:0").await.unwrap();
    let address = server.local_addr().unwrap();
    let mut module = RpcModule::new(());
    module
        .register_method("starknet_getBlockWithTxHashes", |params, _, _| {
            let (block,): (Value,) = params.parse()?;
            let number = block["block_number"].as_u64().unwrap_or(u64::MAX);
            if number > 2 {
                return Err(jsonrpsee::types::ErrorObjectOwned::owned(
                    24,
                    "Block not found",
                    None::<()>,
                ));
            }
            Ok(json!({ "block_number": number, "block_hash": format!("{:#x}", 100 + number) }))
        })
        .unwrap();
    module.register_method("starknet_chainId", |_, _, _| "0x534e").unwrap();
    (address, server.start(module))
}

#[tokio::test]
async fn relay_fetches_the_sequencers_headers_and_reports_failures() {
    let without = TestServer::start(standard_policy()).await;
    assert_eq!(without.get("/relay/block/1").await.status, 404, "no sequencer configured");

    let (address, handle) = sequencer().await;
    let config =
        api::ApiConfig { sequencer_url: Some(format!("http://{address}")), ..Default::default() };
    let server = TestServer::start_with(standard_policy(), config).await;
    let reply = server.get("/relay/block/2").await;
    assert_eq!(reply.status, 200);
    let relayed: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(relayed["header"]["block_hash"], "0x66");
    assert_eq!(relayed["parent"]["block_number"], 1);
    assert_eq!(relayed["chain_id"], "0x534e");
    let genesis: Value = serde_json::from_slice(&server.get("/relay/block/0").await.body).unwrap();
    assert_eq!(genesis["parent"], Value::Null);

    let missing = server.get("/relay/block/7").await;
    assert_eq!(missing.status, 502);
    assert!(String::from_utf8_lossy(&missing.body).contains("starknet_getBlockWithTxHashes"));
    assert_eq!(server.get("/relay/block/x").await.status, 400);

    handle.stop().unwrap();
    handle.stopped().await;
    assert_eq!(server.get("/relay/block/1").await.status, 502, "sequencer down");
}
