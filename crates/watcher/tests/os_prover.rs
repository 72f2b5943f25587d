//! The real prover in the pipeline: devnet blocks with transactions are run through the bundled
//! Cairo OS (`os` crate), proven by `cairo-air` (at the `test` preset, to keep CI fast),
//! verified against the OS program hash and the replayed block, stored, and accepted by the
//! light client against the sequencer's header. Genesis is refused as not provable. A sequencer
//! that leaves the state commitment to the prover gets its blocks proven too.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chain::Felt;
use common::*;
use jsonrpsee::rpc_params;
use light_client::{LightClientError, LightClientOptions, light_verify_range, light_verify_with};
use proof_store::{FsProofStore, JobStatus, ProofStore};
use stark::SecurityPreset;
use watcher::OsProver;
use watcher::budget::ProveBudget;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devnet_blocks_are_proven_by_the_os_and_pass_the_light_client() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(500)).await;
    let (service, block, os_hash) = prove_a_loaded_block(&devnet, dir.path()).await;
    let genesis = service.jobs.get(0).unwrap().unwrap();
    match &genesis.status {
        JobStatus::Failed { reason } => assert!(reason.contains("genesis"), "{reason}"),
        other => panic!("genesis: {other:?}"),
    }

    let options = LightClientOptions { min_security_bits: 0, ..Default::default() };
    let verified = light_verify_with(&service.api_url, &devnet.url, block, os_hash, options)
        .await
        .expect("the light client accepts the OS proof");
    assert_eq!(verified.output.block_number, block);
    assert!(verified.output.transaction_count > 0);
    service.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_of_a_sequencer_without_commitment_are_proven_with_the_computed_root() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let config = sequencer::NodeConfig {
        block_time: Duration::from_millis(500),
        account_count: 3,
        commitment: false,
        ..sequencer::NodeConfig::default()
    };
    let devnet = Devnet::start_with(&dir.path().join("devnet"), free_addr(), config).await;
    let (service, block, os_hash) = prove_a_loaded_block(&devnet, dir.path()).await;
    let job = service.jobs.get(block).unwrap().unwrap();
    let computed_root = job.state_root.expect("replay's root");

    // The headers carry no root: the light client needs the previous root it trusts. The
    // watcher's replayed root of the parent (what a light client following the chain would
    // have verified one block earlier) anchors it.
    let unanchored = LightClientOptions { min_security_bits: 0, ..Default::default() };
    let error = light_verify_with(&service.api_url, &devnet.url, block, os_hash, unanchored)
        .await
        .unwrap_err();
    assert!(
        matches!(error, light_client::LightClientError::UnanchoredPreviousRoot { .. }),
        "{error}"
    );
    let parent_root = service.api("prover_getStateRoot", rpc_params![block - 1]).await;
    let parent_root = Felt::from_hex(parent_root["state_root"].as_str().unwrap()).unwrap();
    let anchored = LightClientOptions {
        min_security_bits: 0,
        trusted_previous_root: Some(parent_root),
        ..Default::default()
    };
    let verified = light_verify_with(&service.api_url, &devnet.url, block, os_hash, anchored)
        .await
        .expect("the light client accepts the proof with the trusted previous root");
    assert!(!verified.header_commits_state_root);
    assert_eq!(verified.output.block_hash, devnet.block(block).0, "the chain's own block hash");
    assert_ne!(verified.output.new_state_root, Felt::ZERO);
    assert_eq!(
        proof_store::Felt32(verified.output.new_state_root.to_bytes_be()),
        computed_root,
        "the proven root is replay's"
    );
    let wrong = LightClientOptions {
        min_security_bits: 0,
        trusted_previous_root: Some(parent_root + Felt::ONE),
        ..Default::default()
    };
    assert!(light_verify_with(&service.api_url, &devnet.url, block, os_hash, wrong).await.is_err());
    // This chain charges no fees: a client that pins a fee token refuses the proof.
    let fees_pinned = |token| LightClientOptions {
        fee_tokens: Some(chain::FeeTokens::single(token)),
        ..anchored
    };
    light_verify_with(&service.api_url, &devnet.url, block, os_hash, fees_pinned(None))
        .await
        .expect("the proof's fee tokens are none");
    let error = light_verify_with(
        &service.api_url,
        &devnet.url,
        block,
        os_hash,
        fees_pinned(Some(Felt::ONE)),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LightClientError::FeeTokensMismatch { .. }), "{error}");

    // Following the chain: one trusted root, then each proven root anchors the next block.
    let jobs = service.jobs.clone();
    wait_for(120, "the next block stored", || {
        let jobs = jobs.clone();
        async move { jobs.get(block + 1).unwrap().is_some_and(|job| job.status == JobStatus::Stored) }
    })
    .await;
    let range =
        light_verify_range(&service.api_url, &devnet.url, block, block + 1, os_hash, anchored)
            .await
            .expect("the range verifies from one trusted root");
    assert_eq!(range.len(), 2);
    assert_eq!(range[1].output.previous_state_root, range[0].output.new_state_root);
    let broken =
        light_verify_range(&service.api_url, &devnet.url, block, block + 1, os_hash, wrong)
            .await
            .unwrap_err();
    assert!(
        matches!(broken, light_client::LightClientError::InRange { block_number, .. } if block_number == block),
        "{broken}"
    );
    service.stop().await;
    devnet.stop().await;
}

/// Sends load to `devnet`, runs the service with the OS prover (at the `test` preset) until the
/// first block with transactions is settled, and checks that it was stored. Returns the
/// service, the block and the OS program hash.
async fn prove_a_loaded_block(devnet: &Devnet, dir: &std::path::Path) -> (Service, u64, Felt) {
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    let block = (1..=last).find(|&n| devnet.transaction_count(n) > 0).expect("a block with load");

    let os_hash = OsProver::program_hash().unwrap();
    let policy = service_common::VerifyPolicy { min_security_bits: 0, os_program_hash: os_hash };
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.join("proofs")).await.unwrap());
    let prover = Arc::new(OsProver::new(SecurityPreset::Test));
    let mut options = ServiceOptions::new(&devnet.url, &dir.join("watcher"), prover, store, policy);
    options.workers = 1;
    let service = Service::start(options).await;
    let jobs = service.jobs.clone();
    wait_for(240, "the block with transactions proven", || {
        let jobs = jobs.clone();
        async move {
            jobs.get(block).unwrap().is_some_and(|job| {
                matches!(
                    job.status.kind(),
                    proof_store::JobStatusKind::Stored | proof_store::JobStatusKind::Failed
                )
            })
        }
    })
    .await;
    let job = service.jobs.get(block).unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Stored, "{job:?}");
    (service, block, os_hash)
}

/// A block over the prover's budget (here a budget of 1 MiB: every block) is parked `failed`
/// with the reason, without being proven, and the pipeline goes on to the next blocks; after
/// the operator raises the budget, `--retry-failed` proves them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_over_the_budget_are_parked_and_proven_after_the_budget_is_raised() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(500)).await;
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    let block = (1..=last).find(|&n| devnet.transaction_count(n) > 0).expect("a block with load");

    let os_hash = OsProver::program_hash().unwrap();
    let policy = service_common::VerifyPolicy { min_security_bits: 0, os_program_hash: os_hash };
    let (url, data) = (devnet.url.clone(), dir.path().to_owned());
    let options = |budget: ProveBudget, retry_failed: bool| {
        let (url, data) = (url.clone(), data.clone());
        async move {
            let store: Arc<dyn ProofStore> =
                Arc::new(FsProofStore::open(data.join("proofs")).await.unwrap());
            let prover = Arc::new(OsProver::with_budget(SecurityPreset::Test, budget));
            let mut options =
                ServiceOptions::new(&url, &data.join("watcher"), prover, store, policy);
            options.workers = 1;
            options.retry_failed = retry_failed;
            options
        }
    };
    let tiny = ProveBudget { max_steps: u64::MAX, max_memory_bytes: 1 << 20 };
    let service = Service::start(options(tiny, false).await).await;
    wait_progress(&service.progress, 120, "every block settled", |p| {
        p.settled_through.is_some_and(|n| n >= last)
    })
    .await;
    let job = service.jobs.get(block).unwrap().unwrap();
    match &job.status {
        JobStatus::Failed { reason } => {
            assert!(reason.contains("over the prover's budget"), "{reason}");
            assert!(reason.contains("GiB, more than the limit of 0.0 GiB"), "{reason}");
        }
        other => panic!("block {block}: {other:?}"),
    }
    assert_eq!(job.attempts, 1, "a block over budget is not retried by itself");
    service.stop().await;

    let raised = ProveBudget::for_this_machine(1);
    let service = Service::start(options(raised, true).await).await;
    wait_for(240, "the parked block proven", || async {
        service.jobs.get(block).unwrap().is_some_and(|job| job.status == JobStatus::Stored)
    })
    .await;
    service.stop().await;
    devnet.stop().await;
}
