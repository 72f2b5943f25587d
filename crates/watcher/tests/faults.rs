//! Fault tests of the service over loopback: the sequencer going away and coming back, a
//! sequencer answering nonsense, a sequencer lying about a state update, a reorg, the S3 store
//! going away and coming back, and a failing prover. Everything is real (devnet, jsonrpsee
//! proxy, sled, filesystem and S3 stores) except the prover, which is the test-only stand-in
//! with fault injection.

mod common;

#[path = "../../proof-store/tests/common/mod.rs"]
mod s3;

use std::sync::Arc;
use std::time::Duration;

use common::proxy::{Proxy, Tamper, requested_block};
use common::stand_in::{self, StandInProver};
use common::*;
use proof_store::{Felt32, FsProofStore, JobStatus, JobStatusKind, ProofStore};
use serde_json::{Value, json};
use watcher::{SequencerClient, UnavailableProver, WatcherError};

fn felt32(felt: chain::Felt) -> Felt32 {
    Felt32(felt.to_bytes_be())
}

async fn fs_store(dir: &std::path::Path) -> Arc<dyn ProofStore> {
    Arc::new(FsProofStore::open(dir.join("proofs")).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sequencer_goes_away_and_comes_back() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let options = ServiceOptions::new(
        &format!("http://{addr}"),
        &dir.path().join("watcher"),
        Arc::new(UnavailableProver::new("proving is off in this test (replay only)")),
        fs_store(dir.path()).await,
        stand_in::policy(),
    );
    // Started before the sequencer exists: it backs off instead of failing.
    let service = Service::start(options).await;
    wait_for(10, "failed polls", || async {
        metric(&service.metrics, "watcher_prover_failures_total{stage=\"fetch\"}") >= 2.0
    })
    .await;
    assert!(!service.progress.borrow().sequencer_reachable);

    let devnet_dir = dir.path().join("devnet");
    let devnet = Devnet::start(&devnet_dir, addr, 0, Duration::from_millis(200)).await;
    devnet.send_load(2).await;
    let first = devnet.wait_included().await;
    wait_progress(&service.progress, 30, "replay after start", |p| {
        p.replayed_through.is_some_and(|n| n >= first)
    })
    .await;

    // Down: polls fail, nothing crashes; back on the same data and port: catch up.
    devnet.stop().await;
    let failures = metric(&service.metrics, "watcher_prover_failures_total{stage=\"fetch\"}");
    wait_for(10, "failed polls while down", || async {
        metric(&service.metrics, "watcher_prover_failures_total{stage=\"fetch\"}") > failures
    })
    .await;
    let devnet = Devnet::start(&devnet_dir, addr, 0, Duration::from_millis(200)).await;
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    wait_progress(&service.progress, 30, "catch-up", |p| {
        p.replayed_through.is_some_and(|n| n >= last) && p.sequencer_reachable
    })
    .await;
    for number in 0..=last {
        let job = service.jobs.get(number).unwrap().expect("every block has a job");
        assert_eq!(job.block_hash, felt32(devnet.block(number).0));
        assert_eq!(job.state_root, Some(felt32(devnet.block(number).1)), "block {number}: {job:?}");
    }
    service.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_answers_are_typed_errors_and_the_service_recovers() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    let proxy = Proxy::start(&devnet.url).await;
    let garbage: Tamper = Arc::new(|method: &str, params: &Value, answer: Value| {
        Ok(match method {
            "starknet_getBlockWithTxs" => json!({ "block_number": "not a number", "junk": [1, 2] }),
            // Another block than the one asked for.
            "starknet_getBlockWithTxHashes" => {
                let mut answer = answer;
                answer["block_number"] = json!(requested_block(params).unwrap_or(0) + 7);
                answer
            }
            "starknet_blockNumber" | "starknet_specVersion" => answer,
            _ => json!("garbage"),
        })
    });
    proxy.set_tamper(Some(garbage));

    // The client reports each as a typed error naming the method.
    let client = SequencerClient::new(&proxy.url, Duration::from_secs(5)).unwrap();
    for result in
        [client.block_with_txs(0).await.map(|_| ()), client.block_hash(0).await.map(|_| ())]
    {
        assert!(matches!(result, Err(WatcherError::Malformed { .. })), "{result:?}");
    }
    assert!(matches!(client.chain_id().await, Err(WatcherError::Malformed { .. })));

    let options = ServiceOptions::new(
        &proxy.url,
        &dir.path().join("watcher"),
        Arc::new(UnavailableProver::new("proving is off in this test (replay only)")),
        fs_store(dir.path()).await,
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    wait_for(10, "failed polls", || async {
        metric(&service.metrics, "watcher_prover_failures_total{stage=\"fetch\"}") >= 3.0
    })
    .await;
    assert!(service.progress.borrow().replayed_through.is_none());
    let error = service.progress.borrow().last_error.clone().unwrap_or_default();
    assert!(error.contains("malformed"), "{error}");

    proxy.set_tamper(None);
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    wait_progress(&service.progress, 30, "recovery", |p| {
        p.replayed_through.is_some_and(|n| n >= last)
    })
    .await;
    assert_eq!(service.progress.borrow().blocks_divergent, 0);
    service.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_sequencer_gets_its_block_marked_divergent_and_the_service_goes_on() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    devnet.send_load(2).await;
    let lied_about = devnet.wait_included().await;
    assert!(
        devnet.transaction_count(lied_about) > 0 || devnet.transaction_count(lied_about - 1) > 0
    );
    // The first block with transactions.
    let lied_about = (1..=lied_about).find(|&n| devnet.transaction_count(n) > 0).unwrap();

    let proxy = Proxy::start(&devnet.url).await;
    let lie: Tamper = Arc::new(move |method: &str, params: &Value, mut answer: Value| {
        if method == "starknet_getStateUpdate" && requested_block(params) == Some(lied_about) {
            // Claim one more storage write than the transactions made.
            answer["state_diff"]["storage_diffs"]
                .as_array_mut()
                .ok_or("no storage diffs")?
                .push(json!({ "address": "0x1234", "storage_entries": [{ "key": "0x1", "value": "0x99" }] }));
        }
        Ok(answer)
    });
    proxy.set_tamper(Some(lie));

    let options = ServiceOptions::new(
        &proxy.url,
        &dir.path().join("watcher"),
        Arc::new(StandInProver::new()),
        fs_store(dir.path()).await,
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    devnet.send_load(1).await;
    let last = devnet.wait_included().await;
    // Every block after the lie stored (the devnet keeps producing empty blocks, so counts of
    // proofs do not say which).
    let jobs = service.jobs.clone();
    wait_for(60, "proofs beyond the lie", || {
        let jobs = jobs.clone();
        async move {
            (lied_about + 1..=last).all(|number| {
                jobs.get(number).unwrap().is_some_and(|job| job.status == JobStatus::Stored)
            })
        }
    })
    .await;

    let job = service.jobs.get(lied_about).unwrap().unwrap();
    let JobStatus::Divergent { evidence } = &job.status else {
        panic!("block {lied_about}: {:?}", job.status)
    };
    let evidence: Value = serde_json::from_str(evidence).unwrap();
    let entries = &evidence["state_diff"]["entries"];
    assert_eq!(entries[0]["entry"], "storage 0x1234 0x1", "{evidence}");
    assert_eq!(entries[0]["claimed"], "0x99");
    assert_eq!(entries[0]["replayed"], Value::Null);
    // Replay's own root is served, and it is the honest one.
    assert_eq!(job.state_root, Some(felt32(devnet.block(lied_about).1)));
    assert_eq!(metric(&service.metrics, "watcher_prover_divergent_blocks_total"), 1.0);
    let status = service.api("prover_getProofStatus", jsonrpsee::rpc_params![lied_about]).await;
    assert_eq!(status["status"], "divergent", "{status}");
    // The service went on: the blocks after it are proven.
    for number in lied_about + 1..=last {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Stored, "block {number}");
    }
    service.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorg_replaces_blocks_and_they_are_processed_again() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    // Two chains with different genesis (another seed, so other accounts).
    let first =
        Devnet::start(&dir.path().join("a"), free_addr(), 0, Duration::from_millis(200)).await;
    let second =
        Devnet::start(&dir.path().join("b"), free_addr(), 1, Duration::from_millis(200)).await;
    let proxy = Proxy::start(&first.url).await;
    let options = ServiceOptions::new(
        &proxy.url,
        &dir.path().join("watcher"),
        Arc::new(StandInProver::new()),
        fs_store(dir.path()).await,
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    wait_progress(&service.progress, 30, "proofs of the first chain", |p| {
        p.proven_through.is_some_and(|n| n >= 2)
    })
    .await;
    let replaced = service.jobs.get(1).unwrap().unwrap().block_hash;
    assert_eq!(replaced, felt32(first.block(1).0));

    proxy.set_upstream(&second.url);
    wait_progress(&service.progress, 30, "the reorg", |p| p.reorgs >= 1).await;
    let target = second.latest();
    wait_progress(&service.progress, 30, "proofs of the second chain", |p| {
        p.proven_through.is_some_and(|n| n >= target)
    })
    .await;
    for number in 0..=target {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.block_hash, felt32(second.block(number).0), "block {number}");
        assert_eq!(job.status, JobStatus::Stored);
        assert_eq!(job.state_root, Some(felt32(second.block(number).1)));
    }
    // The replaced block's proof stays stored under its own key, not canonical.
    let keys = service.store.list(None, 1000).await.unwrap();
    assert!(keys.iter().any(|key| key.block_number() == 1 && key.block_hash() == replaced));
    service.stop().await;
    first.stop().await;
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_goes_away_and_proofs_wait_for_it() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(300)).await;
    let s3_data = tempfile::tempdir().unwrap();
    std::fs::create_dir(s3_data.path().join(s3::BUCKET)).unwrap();
    let s3_addr = s3::free_loopback_addr();
    let store: Arc<dyn ProofStore> =
        Arc::new(s3::s3_store(&format!("http://{s3_addr}"), "chain").await);
    let options = ServiceOptions::new(
        &devnet.url,
        &dir.path().join("watcher"),
        Arc::new(StandInProver::new()),
        store.clone(),
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    // Proven and verified, but the store is unreachable: the jobs wait in `proven`.
    wait_for(30, "store failures", || async {
        metric(&service.metrics, "watcher_prover_failures_total{stage=\"store\"}") >= 2.0
    })
    .await;
    let waiting = service.jobs.get(0).unwrap().unwrap();
    assert_eq!(waiting.status.kind(), JobStatusKind::Proven);
    assert!(service.progress.borrow().proven_through.is_none());

    let server = s3::S3TestServer::start(s3_data.path(), s3_addr).await.unwrap();
    let head = devnet.latest();
    wait_progress(&service.progress, 60, "proofs stored after the outage", |p| {
        p.proven_through.is_some_and(|n| n >= head)
    })
    .await;
    for number in 0..=head {
        let key = proof_store::ProofKey::new(number, felt32(devnet.block(number).0)).unwrap();
        let stored = store.get(&key).await.unwrap().expect("stored in S3");
        assert!(cairo_air::verify_proof(&stored.bytes, &stand_in::policy().cairo_policy()).is_ok());
    }
    service.stop().await;
    server.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prover_failures_are_retried_and_bad_proofs_never_stored() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(300)).await;
    // Two injected failures: the first two attempts (of block 0, or of blocks 0 and 1) fail,
    // and are retried until stored.
    let prover = Arc::new(StandInProver::with(2, Duration::ZERO));
    let options = |retry_failed| {
        let (prover, dir) = (prover.clone(), dir.path().to_owned());
        let url = devnet.url.clone();
        async move {
            let store = fs_store(&dir).await;
            let watcher_dir = dir.join("watcher");
            let mut options =
                ServiceOptions::new(&url, &watcher_dir, prover, store, stand_in::policy());
            options.workers = 1;
            options.retry_failed = retry_failed;
            options
        }
    };
    let service = Service::start(options(false).await).await;
    wait_progress(&service.progress, 30, "blocks 0 and 1 stored", |p| {
        p.proven_through.is_some_and(|n| n >= 1)
    })
    .await;
    let mut retries = 0;
    for number in 0..=1 {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Stored);
        if job.attempts > 1 {
            assert!(job.last_error.as_deref().unwrap().contains("injected fault"), "{job:?}");
        }
        retries += job.attempts - 1;
    }
    assert_eq!(retries, 2, "each injected failure cost one more attempt");

    // Garbage from the prover is caught by verification and never reaches the store.
    prover.return_garbage(true);
    let jobs = service.jobs.clone();
    let given_up = || {
        let failed = jobs.by_status(JobStatusKind::Failed).unwrap();
        failed.into_iter().filter(|job| job.attempts == 3).collect::<Vec<_>>()
    };
    wait_for(30, "a block given up on", || async { !given_up().is_empty() }).await;
    let failed = given_up();
    let JobStatus::Failed { reason } = &failed[0].status else { unreachable!() };
    let given_up_block = failed[0].block_number;
    assert!(reason.contains("rejected by the verifier"), "{reason}");
    let stored = service.store.list(None, 1000).await.unwrap();
    assert!(stored.iter().all(|key| key.block_number() < failed[0].block_number));
    let failed: Vec<u64> = given_up().iter().map(|job| job.block_number).collect();
    drop(jobs); // sled allows one open handle set per database: the restart opens it again
    service.stop().await;

    // The operator fixes the prover and restarts with --retry-failed: the failed blocks are
    // replayed and proven again, and stored.
    prover.return_garbage(false);
    let service = Service::start(options(true).await).await;
    let jobs = service.jobs.clone();
    wait_for(60, "the retried blocks stored", || async {
        failed.iter().all(|&n| jobs.get(n).unwrap().unwrap().status == JobStatus::Stored)
    })
    .await;
    let retried = service.jobs.get(given_up_block).unwrap().unwrap();
    assert!(retried.last_error.as_deref().unwrap().contains("rejected by the verifier"));
    let stored = service.store.list(None, 1000).await.unwrap();
    assert!(stored.iter().any(|key| key.block_number() == given_up_block));
    service.stop().await;
    devnet.stop().await;
}
