//! The watcher's client asks `starknet_specVersion` first and speaks what the sequencer offers
//! (0.10 preferred, 0.9 accepted, others refused), and in 0.10 holds the sequencer to its
//! header's commitments, even those the block hash does not cover.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chain::rpc::SpecVersion;
use common::proxy::{Proxy, Tamper, requested_block};
use common::stand_in::{self, StandInProver};
use common::*;
use proof_store::{FsProofStore, JobIndex, JobStatusKind, ProofStore};
use serde_json::{Value, json};
use service_common::Metrics;
use watcher::{SequencerClient, Watcher, WatcherConfig, WatcherError};

const TIMEOUT: Duration = Duration::from_secs(5);

/// Answers `starknet_specVersion` with `reported` (the first `times` calls; all if `None`).
fn report_version(reported: &'static str, times: Option<usize>) -> (Tamper, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let tamper: Tamper = Arc::new(move |method: &str, _: &Value, answer: Value| {
        if method != "starknet_specVersion" {
            return Ok(answer);
        }
        let call = counter.fetch_add(1, Ordering::SeqCst);
        Ok(if times.is_none_or(|times| call < times) { json!(reported) } else { answer })
    });
    (tamper, asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_speaks_the_version_the_sequencer_offers() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;

    // The devnet's root speaks 0.10: headers carry their commitments.
    let client = SequencerClient::new(&devnet.url, TIMEOUT).unwrap();
    assert_eq!(client.spec_version().await.unwrap(), SpecVersion::V0_10);
    let (block, commitments) = client.block_with_txs(0).await.unwrap();
    let commitments = commitments.expect("a 0.10 header has its commitments");
    assert_eq!(commitments.transaction_count, 0);
    assert!(commitments.state_diff_length > 0, "genesis declares and deploys");

    // Pointed at the 0.9 path, it speaks 0.9 there (a URL with a path is used as given).
    let client = SequencerClient::new(&format!("{}/rpc/v0_9", devnet.url), TIMEOUT).unwrap();
    assert_eq!(client.spec_version().await.unwrap(), SpecVersion::V0_9);
    let (same, commitments) = client.block_with_txs(0).await.unwrap();
    assert_eq!((same.block_hash, commitments), (block.block_hash, None));

    // A node whose root speaks 0.9 (the proxy answers the first question so): the client finds
    // 0.10 at /rpc/v0_10.
    let proxy = Proxy::start(&devnet.url).await;
    let (tamper, asked) = report_version("0.9.0", Some(1));
    proxy.set_tamper(Some(tamper));
    let client = SequencerClient::new(&proxy.url, TIMEOUT).unwrap();
    assert_eq!(client.spec_version().await.unwrap(), SpecVersion::V0_10);
    assert_eq!(asked.load(Ordering::SeqCst), 2, "root, then /rpc/v0_10");
    assert!(client.block_with_txs(0).await.unwrap().1.is_some());

    // One that only speaks 0.9 is spoken to in 0.9.
    let (tamper, _) = report_version("0.9.0", None);
    proxy.set_tamper(Some(tamper));
    let client = SequencerClient::new(&proxy.url, TIMEOUT).unwrap();
    assert_eq!(client.spec_version().await.unwrap(), SpecVersion::V0_9);

    // Another version is refused, by every call.
    let (tamper, _) = report_version("0.8.1", None);
    proxy.set_tamper(Some(tamper));
    let client = SequencerClient::new(&proxy.url, TIMEOUT).unwrap();
    let refused = client.block_number().await;
    assert!(matches!(refused, Err(WatcherError::UnsupportedSpec { .. })), "{refused:?}");

    // A 0.10 header without its commitments is malformed.
    let strip: Tamper = Arc::new(|method: &str, _: &Value, mut answer: Value| {
        if method == "starknet_getBlockWithTxs" {
            answer.as_object_mut().ok_or("not a block")?.remove("receipt_commitment");
        }
        Ok(answer)
    });
    proxy.set_tamper(Some(strip));
    let client = SequencerClient::new(&proxy.url, TIMEOUT).unwrap();
    let malformed = client.block_with_txs(0).await;
    assert!(matches!(malformed, Err(WatcherError::Malformed { .. })), "{malformed:?}");
    devnet.stop().await;
}

/// A sequencer that speaks another spec version stops the watcher at once with the typed error
/// naming the version, counted once: no endless backoff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsupported_version_stops_the_watcher_with_the_error() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    let proxy = Proxy::start(&devnet.url).await;
    let (tamper, _) = report_version("0.8.1", None);
    proxy.set_tamper(Some(tamper));

    let data = dir.path().join("watcher");
    let jobs = JobIndex::open(data.join("jobs")).unwrap();
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(data.join("proofs")).await.unwrap());
    let metrics = Metrics::new();
    let watcher = Watcher::new(
        WatcherConfig::new(&data, stand_in::policy()),
        SequencerClient::new(&proxy.url, TIMEOUT).unwrap(),
        jobs,
        store,
        Arc::new(StandInProver::new()),
        metrics.clone(),
    );
    let stopped =
        tokio::time::timeout(Duration::from_secs(20), watcher.run(std::future::pending()))
            .await
            .expect("the watcher stops by itself");
    match stopped {
        Err(WatcherError::UnsupportedSpec { reported, .. }) => assert_eq!(reported, "0.8.1"),
        other => panic!("expected UnsupportedSpec, got {other:?}"),
    }
    assert_eq!(metric(&metrics, r#"watcher_prover_failures_total{stage="fetch"}"#), 1.0);
    devnet.stop().await;
}

/// A sequencer lying about a block's receipt commitment, which the block hash does not cover:
/// replay compares it and marks the block divergent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_false_receipt_commitment_is_a_divergence() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    devnet.send_load(2).await;
    let latest = devnet.wait_included().await;
    let lied_about = (1..=latest).find(|&n| devnet.transaction_count(n) > 0).unwrap();
    let proxy = Proxy::start(&devnet.url).await;
    proxy.set_tamper(Some(Arc::new(move |method: &str, params: &Value, mut answer: Value| {
        if method == "starknet_getBlockWithTxs" && requested_block(params) == Some(lied_about) {
            answer["receipt_commitment"] = json!("0x1234");
        }
        Ok(answer)
    })));

    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.path().join("proofs")).await.unwrap());
    let options = ServiceOptions::new(
        &proxy.url,
        &dir.path().join("watcher"),
        Arc::new(StandInProver::new()),
        store,
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    wait_progress(&service.progress, 60, "replay past the lie", |p| {
        p.replayed_through.is_some_and(|n| n >= latest)
    })
    .await;
    let job = service.jobs.get(lied_about).unwrap().unwrap();
    assert_eq!(job.status.kind(), JobStatusKind::Divergent, "{job:?}");
    let described = format!("{:?}", job.status);
    assert!(described.contains("receipt_commitment"), "{described}");
    for number in (0..=latest).filter(|&n| n != lied_about) {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_ne!(job.status.kind(), JobStatusKind::Divergent, "block {number}: {job:?}");
    }
    service.stop().await;
    devnet.stop().await;
}
