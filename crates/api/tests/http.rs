//! The HTTP routes on the JSON-RPC port: raw proofs, health, Prometheus metrics, and shutdown.

mod common;

use std::time::Duration;

use api::metrics::Stage;
use common::*;

#[tokio::test]
async fn proofs_route_serves_the_stored_bytes() {
    let server = TestServer::start(standard_policy()).await;
    let proof = golden_standard_proof();
    server.store_proof(7, &proof).await;

    let reply = server.get("/proofs/7").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, proof, "bytes equal the stored bytes");
    assert_eq!(reply.header("content-type"), Some("application/octet-stream"));
    assert_eq!(reply.header("x-block-hash"), Some(hash(7).to_string().as_str()));

    assert_eq!(server.get("/proofs/8").await.status, 404, "unknown block");
    server.replay(8).await;
    assert_eq!(server.get("/proofs/8").await.status, 404, "not proven yet");
    assert_eq!(server.get("/proofs/seven").await.status, 400);
    assert_eq!(server.get("/proofs/-7").await.status, 400);
    assert_eq!(server.get("/proofs/99999999999999999999999").await.status, 400);
    assert_eq!(http_request(server.address, "DELETE", "/proofs/7").await.status, 405);
}

#[tokio::test]
async fn health_reports_the_checkpoint() {
    let server = TestServer::start(standard_policy()).await;
    server.store_proof(0, &golden_test_proof()).await;
    server.jobs.set_last_seen_head(4).await.unwrap();
    let reply = server.get("/health").await;
    assert_eq!(reply.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["stored_through"], 0);
    assert_eq!(body["last_seen_head"], 4);
}

#[tokio::test]
async fn health_names_a_stuck_operation_and_readiness_fails_while_liveness_holds() {
    let config = api::ApiConfig { stall_after: Duration::from_millis(50), ..Default::default() };
    let server = TestServer::start_with(standard_policy(), config).await;
    let health = server.metrics.health();
    health.failing("proof store", Stage::Store, &"No space left on device (os error 28)");
    // Failing, but not for long yet: still ready, the failure listed.
    let reply = server.get("/health").await;
    assert_eq!(reply.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["failing"][0]["operation"], "proof store");

    tokio::time::sleep(Duration::from_millis(80)).await;
    health.failing("proof store", Stage::Store, &"No space left on device (os error 28)");
    for path in ["/health", "/readyz"] {
        let reply = server.get(path).await;
        assert_eq!(reply.status, 503, "{path}");
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["status"], "stalled");
        let stall = &body["failing"][0];
        assert_eq!(stall["stage"], "store");
        assert_eq!(stall["failures"], 2);
        assert!(stall["last_error"].as_str().unwrap().contains("No space left"), "{body}");
    }
    assert_eq!(server.get("/livez").await.status, 200);

    health.recovered("proof store");
    assert_eq!(server.get("/readyz").await.status, 200);
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text() {
    let server = TestServer::start(standard_policy()).await;
    server.metrics.block_seen();
    server.metrics.block_seen();
    server.metrics.block_seen();
    server.metrics.block_replayed();
    server.metrics.block_proven(50_000, Duration::from_secs(2));
    server.metrics.failure(Stage::Prove);
    server.metrics.set_lag(2);

    let reply = server.get("/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").unwrap().starts_with("text/plain"));
    let text = String::from_utf8(reply.body).unwrap();
    let lines = text.lines().map(|line| Ok(line.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text format");

    let value = |name: &str, label: Option<(&str, &str)>| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .map(|s| s.value.clone())
            .unwrap_or_else(|| panic!("{name} missing in\n{text}"))
    };
    use prometheus_parse::Value::{Counter, Gauge};
    assert_eq!(value("watcher_prover_blocks_seen_total", None), Counter(3.0));
    assert_eq!(value("watcher_prover_blocks_replayed_total", None), Counter(1.0));
    assert_eq!(value("watcher_prover_blocks_proven_total", None), Counter(1.0));
    assert_eq!(value("watcher_prover_divergent_blocks_total", None), Counter(0.0));
    assert_eq!(value("watcher_prover_proven_steps_total", None), Counter(50_000.0));
    assert_eq!(value("watcher_prover_lag_blocks", None), Gauge(2.0));
    assert_eq!(value("watcher_prover_steps_per_second", None), Gauge(25_000.0));
    assert_eq!(value("watcher_prover_failures_total", Some(("stage", "prove"))), Counter(1.0));
    assert_eq!(value("watcher_prover_failures_total", Some(("stage", "store"))), Counter(0.0));
    match value("watcher_prover_prove_seconds", None) {
        prometheus_parse::Value::Histogram(buckets) => {
            let le_5 = buckets.iter().find(|b| b.less_than == 5.0).unwrap();
            let le_1 = buckets.iter().find(|b| b.less_than == 1.0).unwrap();
            assert_eq!((le_1.count, le_5.count), (0.0, 1.0));
        }
        other => panic!("prove seconds is not a histogram: {other:?}"),
    }
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let mut server = TestServer::start(standard_policy()).await;
    assert_eq!(server.get("/health").await.status, 200);
    let address = server.address;
    server.stop().await;
    assert!(tokio::net::TcpStream::connect(address).await.is_err(), "listener is closed");
}
