//! The service end to end over loopback: an in-process devnet with real transactions, the
//! watcher (real sled job index and state copy, real filesystem store) and the query API.
//! Proofs come from the test-only stand-in prover (see `common/stand_in.rs`): real `cairo-air`
//! proofs of a fixture program, since the OS program does not exist yet.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::stand_in::{self, StandInProver};
use common::*;
use jsonrpsee::rpc_params;
use light_client::{LightClientOptions, light_verify_with};
use proof_store::{Felt32, FsProofStore, JobStatus, JobStatusKind, ProofKey, ProofStore};
use watcher::UnavailableProver;

fn felt32(felt: chain::Felt) -> Felt32 {
    Felt32(felt.to_bytes_be())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_with_transactions_are_replayed_proven_stored_and_served() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(300)).await;
    devnet.send_load(6).await;
    let last = devnet.wait_included().await;

    let prover = Arc::new(StandInProver::new());
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.path().join("proofs")).await.unwrap());
    let options = ServiceOptions::new(
        &devnet.url,
        &dir.path().join("watcher"),
        prover.clone(),
        store.clone(),
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    let progress = wait_progress(&service.progress, 60, "proofs through the load", |p| {
        p.proven_through.is_some_and(|through| through >= last)
    })
    .await;
    assert_eq!(progress.blocks_divergent, 0, "{progress:?}");
    assert!(progress.transactions_replayed >= 6, "{progress:?}");

    let mut with_transactions = None;
    for number in 0..=last {
        let (hash, root) = devnet.block(number);
        let job = service.jobs.get(number).unwrap().expect("a job per block");
        assert_eq!(job.status, JobStatus::Stored, "block {number}");
        assert_eq!(job.block_hash, felt32(hash), "block {number}");
        assert_eq!(job.state_root, Some(felt32(root)), "replay's root is the sequencer's");
        let stored = store.get(&ProofKey::new(number, felt32(hash)).unwrap()).await.unwrap();
        assert!(stored.is_some(), "proof of block {number} stored");
        if devnet.transaction_count(number) > 0 {
            with_transactions = Some(number);
        }
    }
    // Exactly once: no block was proven twice.
    assert!(prover.calls().values().all(|&calls| calls == 1), "{:?}", prover.calls());

    // The API serves the state root, the status and the proof.
    let block = with_transactions.expect("the load landed in some block");
    let (hash, root) = devnet.block(block);
    let answer = service.api("prover_getStateRoot", rpc_params![block]).await;
    assert_eq!(answer["state_root"], felt32(root).to_string());
    assert_eq!(answer["proven"], true);
    let status = service.api("prover_getProofStatus", rpc_params![block]).await;
    assert_eq!(status["status"], "proven", "{status}");
    let proof = service.api("prover_getProof", rpc_params![block]).await;
    assert_eq!(proof["block_hash"], felt32(hash).to_string());

    // The light client accepts it against the sequencer's header...
    let options = LightClientOptions { min_security_bits: 0, ..Default::default() };
    let hash_pin = stand_in::program_hash();
    let verified = light_verify_with(&service.api_url, &devnet.url, block, hash_pin, options)
        .await
        .expect("light client accepts the proof");
    assert_eq!(verified.output.block_number, block);
    // ...but not against another header (block 1's proof claimed for block 2).
    let other =
        light_verify_with(&service.api_url, &devnet.url, block, chain::Felt::ONE, options).await;
    assert!(other.is_err(), "a wrong OS hash pin must fail");

    // A tampered proof does not verify.
    let hex_proof = proof["proof"].as_str().unwrap();
    let mut bytes = hex::decode(&hex_proof[2..]).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    let tampered = format!("0x{}", hex::encode(&bytes));
    let verdict = service.api("prover_verifyProof", rpc_params![None::<u64>, tampered]).await;
    assert_eq!(verdict["valid"], false, "{verdict}");

    assert!(metric(&service.metrics, "watcher_prover_blocks_proven_total") >= (last + 1) as f64);
    assert_eq!(metric(&service.metrics, "watcher_prover_divergent_blocks_total"), 0.0);
    service.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_prover_jobs_fail_clearly_and_state_roots_are_served() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(300)).await;
    devnet.send_load(3).await;
    let last = devnet.wait_included().await;
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.path().join("proofs")).await.unwrap());
    let options = ServiceOptions::new(
        &devnet.url,
        &dir.path().join("watcher"),
        Arc::new(UnavailableProver::new("proving is off in this test (replay only)")),
        store.clone(),
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    let jobs = service.jobs.clone();
    wait_for(60, "every block handled", || {
        let jobs = jobs.clone();
        async move {
            (0..=last).all(|number| {
                jobs.get(number)
                    .unwrap()
                    .is_some_and(|job| job.status.kind() == JobStatusKind::Failed)
            })
        }
    })
    .await;
    let progress = service.progress.borrow().clone();
    assert!(progress.prover_unavailable.is_some(), "{progress:?}");
    for number in 0..=last {
        let job = service.jobs.get(number).unwrap().unwrap();
        match &job.status {
            JobStatus::Failed { reason } => {
                assert!(reason.starts_with("prover unavailable: "), "{reason}")
            }
            other => panic!("block {number}: {other:?}"),
        }
        let root = service.api("prover_getStateRoot", rpc_params![number]).await;
        assert_eq!(root["state_root"], felt32(devnet.block(number).1).to_string());
        assert_eq!(root["proven"], false);
    }
    let status = service.api("prover_getProofStatus", rpc_params![last]).await;
    assert_eq!(status["status"], "failed");
    assert!(status["reason"].as_str().unwrap().contains("prover unavailable"), "{status}");
    assert!(store.list(None, 10).await.unwrap().is_empty(), "nothing is pretended proven");
    service.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_without_losing_or_repeating_a_proof() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    devnet.send_load(4).await;
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.path().join("proofs")).await.unwrap());
    let watcher_dir = dir.path().join("watcher");

    // First run: slow proofs, stopped while some are in flight or queued.
    let first = Arc::new(StandInProver::with(0, Duration::from_millis(300)));
    let mut options = ServiceOptions::new(
        &devnet.url,
        &watcher_dir,
        first.clone(),
        store.clone(),
        stand_in::policy(),
    );
    options.workers = 1;
    let service = Service::start(options).await;
    wait_progress(&service.progress, 60, "a first proof", |p| p.blocks_proven >= 2).await;
    service.stop().await;
    let stored_before = store.list(None, 1000).await.unwrap().len();

    // Second run on the same directories, with more blocks produced meanwhile.
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    let second = Arc::new(StandInProver::new());
    let options = ServiceOptions::new(
        &devnet.url,
        &watcher_dir,
        second.clone(),
        store.clone(),
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    wait_progress(&service.progress, 60, "catch-up", |p| {
        p.proven_through.is_some_and(|through| through >= last)
    })
    .await;

    let keys = store.list(None, 1000).await.unwrap();
    assert!(keys.len() > stored_before);
    let mut numbers: Vec<u64> = keys.iter().map(|key| key.block_number()).collect();
    numbers.dedup();
    assert_eq!(numbers.len(), keys.len(), "one proof per block: {keys:?}");
    let (first, second) = (first.calls(), second.calls());
    for number in 0..=last {
        let calls =
            first.get(&number).copied().unwrap_or(0) + second.get(&number).copied().unwrap_or(0);
        assert_eq!(calls, 1, "block {number} proven {calls} times ({first:?} / {second:?})");
        let key = ProofKey::new(number, felt32(devnet.block(number).0)).unwrap();
        let proof = store.get(&key).await.unwrap().expect("stored").bytes;
        let policy = stand_in::policy().cairo_policy();
        assert!(cairo_air::verify_proof(&proof, &policy).is_ok(), "block {number} verifies");
    }
    service.stop().await;
    devnet.stop().await;
}
