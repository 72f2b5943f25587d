//! The `prover_` JSON-RPC methods over real HTTP on loopback: happy path and error path of
//! each, with a sled job index and a filesystem proof store in a temp dir.

mod common;

use api::{ProofStatus, ProverApiClient, VerifyPolicy, codes};
use chain::Felt;
use common::*;
use jsonrpsee::core::ClientError;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::rpc_params;
use proof_store::{JobStatus, JobStatusKind, ProofKey, ProofStore};
use serde_json::Value;

/// The JSON-RPC error code of a failed call.
fn code<T: std::fmt::Debug>(result: Result<T, ClientError>) -> i32 {
    match result {
        Err(ClientError::Call(error)) => error.code(),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

fn error_data<T: std::fmt::Debug>(result: Result<T, ClientError>) -> String {
    match result {
        Err(ClientError::Call(error)) => error.data().map(|d| d.get().to_owned()).unwrap(),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

#[tokio::test]
async fn get_proof_returns_the_stored_bytes_and_metadata() {
    let server = TestServer::start(standard_policy()).await;
    let proof = golden_test_proof();
    server.store_proof(3, &proof).await;

    let response = server.client.get_proof(3, None).await.unwrap();
    assert_eq!(response.block_number, 3);
    assert_eq!(response.block_hash, hash(3));
    assert_eq!(response.proof, format!("0x{}", hex::encode(&proof)));
    assert_eq!(response.metadata.proof_size, proof.len() as u64);
    assert_eq!(response.metadata.proof_sha256, proof_store::sha256_hex(&proof));
    assert_eq!(response.metadata.trace_steps, 4096);
    // Metadata written without the proof's format version: the API reads it from the bytes.
    assert_eq!(response.metadata.proof_format_version, Some(cairo_air::PROOF_FORMAT_VERSION));
    assert_eq!(response.metadata.proof_format_version, cairo_air::proof_format_version(&proof));
}

#[tokio::test]
async fn a_proof_removed_by_the_age_limit_is_reported_expired() {
    let config = api::ApiConfig {
        proof_max_age: Some(std::time::Duration::from_secs(86_400)),
        ..api::ApiConfig::default()
    };
    let server = TestServer::start_with(standard_policy(), config).await;
    server.store_proof(3, &golden_test_proof()).await;
    server.store.expire(&ProofKey::new(3, hash(3)).unwrap()).await.unwrap();

    let expired = server.client.get_proof(3, None).await;
    assert_eq!(error_data(server.client.get_proof(3, None).await), "\"expired\"");
    assert_eq!(code(expired), codes::PROOF_NOT_AVAILABLE);
    let reply = server.get("/proofs/3").await;
    assert_eq!(reply.status, 410, "{reply:?}");
    // The job record still says what happened to the block.
    let status = server.client.get_proof_status(3).await.unwrap();
    assert_eq!(status.status, ProofStatus::Proven);
}

#[tokio::test]
async fn get_proof_errors() {
    let server = TestServer::start(standard_policy()).await;
    assert_eq!(code(server.client.get_proof(9, None).await), codes::BLOCK_NOT_FOUND);
    server.replay(4).await;
    let not_yet = server.client.get_proof(4, None).await;
    assert_eq!(error_data(server.client.get_proof(4, None).await), "\"replayed\"");
    assert_eq!(code(not_yet), codes::PROOF_NOT_AVAILABLE);
    // Wrong parameter types are invalid params, not a crash: the server answers afterwards.
    let bad: Result<Value, _> = server.client.request("prover_getProof", rpc_params!["four"]).await;
    assert_eq!(code(bad), codes::INVALID_PARAMS);
    let negative: Result<Value, _> =
        server.client.request("prover_getProof", rpc_params![-1]).await;
    assert_eq!(code(negative), codes::INVALID_PARAMS);
    let missing: Result<Value, _> = server.client.request("prover_getProof", rpc_params![]).await;
    assert_eq!(code(missing), codes::INVALID_PARAMS);
    let unknown: Result<Value, _> = server.client.request("prover_nope", rpc_params![]).await;
    assert_eq!(code(unknown), -32601);
    assert_eq!(code(server.client.get_proof(9, None).await), codes::BLOCK_NOT_FOUND);
}

#[tokio::test]
async fn proof_status_maps_every_pipeline_status() {
    let server = TestServer::start(standard_policy()).await;
    let jobs = &server.jobs;
    server.enqueue(1).await;
    server.replay(2).await;
    server.replay(3).await;
    jobs.transition(3, hash(3), JobStatus::Proving).await.unwrap();
    server.replay(4).await;
    jobs.transition(4, hash(4), JobStatus::Proving).await.unwrap();
    jobs.transition(4, hash(4), JobStatus::Proven).await.unwrap();
    server.store_proof(5, &golden_test_proof()).await;
    server.replay(6).await;
    jobs.transition(6, hash(6), JobStatus::Failed { reason: "prover ran out of memory".into() })
        .await
        .unwrap();
    server.enqueue(7).await;
    jobs.transition(7, hash(7), JobStatus::Divergent { evidence: "root 0x1 != 0x2".into() })
        .await
        .unwrap();

    let expected = [
        (1, ProofStatus::Pending, JobStatusKind::Pending),
        (2, ProofStatus::Replayed, JobStatusKind::Replayed),
        (3, ProofStatus::Proving, JobStatusKind::Proving),
        (4, ProofStatus::Proving, JobStatusKind::Proven),
        (5, ProofStatus::Proven, JobStatusKind::Stored),
        (
            6,
            ProofStatus::Failed { reason: "prover ran out of memory".into() },
            JobStatusKind::Failed,
        ),
        (
            7,
            ProofStatus::Divergent { evidence: "root 0x1 != 0x2".into() },
            JobStatusKind::Divergent,
        ),
    ];
    for (block, status, stage) in expected {
        let response = server.client.get_proof_status(block).await.unwrap();
        assert_eq!(response.status, status, "block {block}");
        assert_eq!(response.stage, stage, "block {block}");
        assert_eq!(response.block_hash, hash(block));
        assert_eq!(response.parent_hash, hash(block - 1));
    }
    assert_eq!(server.client.get_proof_status(3).await.unwrap().attempts, 1);

    // The wire shape: status at the top level, with its reason.
    let raw: Value = server.client.request("prover_getProofStatus", rpc_params![6]).await.unwrap();
    assert_eq!(raw["status"], "failed");
    assert_eq!(raw["reason"], "prover ran out of memory");
    assert_eq!(raw["stage"], "failed");

    assert_eq!(code(server.client.get_proof_status(99).await), codes::BLOCK_NOT_FOUND);
}

#[tokio::test]
async fn state_root_is_served_from_replay_before_the_proof() {
    let server = TestServer::start(standard_policy()).await;
    server.enqueue(1).await;
    let pending = server.client.get_state_root(1).await;
    assert_eq!(code(pending), codes::STATE_ROOT_NOT_AVAILABLE);
    assert_eq!(code(server.client.get_state_root(2).await), codes::BLOCK_NOT_FOUND);

    server.jobs.mark_replayed(1, hash(1), root(1)).await.unwrap();
    let replayed = server.client.get_state_root(1).await.unwrap();
    assert_eq!(
        (replayed.state_root, replayed.block_hash, replayed.proven),
        (root(1), hash(1), false)
    );

    server.store_proof(2, &golden_test_proof()).await;
    let proven = server.client.get_state_root(2).await.unwrap();
    assert_eq!((proven.state_root, proven.proven), (root(2), true));
}

#[tokio::test]
async fn latest_proven_block_follows_the_stored_proofs() {
    let server = TestServer::start(standard_policy()).await;
    assert_eq!(server.client.latest_proven_block().await.unwrap(), None);
    server.store_proof(1, &golden_test_proof()).await;
    server.store_proof(2, &golden_test_proof()).await;
    server.replay(3).await;
    let latest = server.client.latest_proven_block().await.unwrap().unwrap();
    assert_eq!(
        (latest.block_number, latest.block_hash, latest.state_root),
        (2, hash(2), Some(root(2)))
    );
}

#[tokio::test]
async fn list_proofs_pages_and_marks_canonical_proofs() {
    let server = TestServer::start(standard_policy()).await;
    let proof = golden_test_proof();
    for n in 1..=5 {
        server.store_proof(n, &proof).await;
    }
    // A proof of a block that a reorg replaced: stored, but the index names another hash.
    let orphan = ProofKey::new(3, hash(1003)).unwrap();
    server.store.put(&orphan, &proof, &metadata(&orphan, &proof)).await.unwrap();

    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = server.client.list_proofs(after, Some(2)).await.unwrap();
        pages += 1;
        assert!(page.proofs.len() <= 2);
        seen.extend(page.proofs.iter().map(|p| (p.block_number, p.block_hash, p.canonical)));
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    let mut expected: Vec<_> = (1..=5).map(|n| (n, hash(n), true)).collect();
    expected.insert(2, (3, hash(1003), false));
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);

    // The replaced block's proof is still served when asked for by hash.
    let replaced = server.client.get_proof(3, Some(hash(1003))).await.unwrap();
    assert_eq!((replaced.block_number, replaced.block_hash), (3, hash(1003)));
    assert_eq!(server.client.get_proof(3, None).await.unwrap().block_hash, hash(3));
    assert_eq!(code(server.client.get_proof(3, Some(hash(9999))).await), codes::BLOCK_NOT_FOUND);

    let all = server.client.list_proofs(None, None).await.unwrap();
    assert_eq!((all.proofs.len(), all.next_after), (6, None));
    let tail = server.client.list_proofs(Some(4), Some(10)).await.unwrap();
    assert_eq!(tail.proofs.iter().map(|p| p.block_number).collect::<Vec<_>>(), vec![5]);

    assert_eq!(code(server.client.list_proofs(None, Some(0)).await), codes::INVALID_PARAMS);
    assert_eq!(code(server.client.list_proofs(None, Some(1001)).await), codes::INVALID_PARAMS);
}

#[tokio::test]
async fn verify_proof_accepts_a_real_proof_and_rejects_a_flipped_byte() {
    let server = TestServer::start(standard_policy()).await;
    let proof = golden_standard_proof();
    server.store_proof(1, &proof).await;

    let stored = server.client.verify_proof(Some(1), None).await.unwrap();
    assert!(stored.valid, "{:?}", stored.reason);
    assert_eq!(stored.program_hash, Some(fibonacci_hash()));
    assert!(stored.security_bits.unwrap() >= 100);
    assert_eq!(stored.output, Some(vec![Felt::from(10u64), Felt::from(89u64)]));
    assert_eq!(stored.block, None, "two felts are not a block public output");

    let supplied = format!("0x{}", hex::encode(&proof));
    assert!(server.client.verify_proof(None, Some(supplied)).await.unwrap().valid);

    let mut flipped = proof.clone();
    flipped[proof.len() / 2] ^= 0x01;
    let rejected = server
        .client
        .verify_proof(None, Some(format!("0x{}", hex::encode(&flipped))))
        .await
        .unwrap();
    assert!(!rejected.valid);
    assert!(rejected.reason.is_some() && rejected.program_hash.is_none());

    // The server's policy refuses `test` proofs (8 bits) although they are genuine.
    let weak = format!("0x{}", hex::encode(golden_test_proof()));
    let weak = server.client.verify_proof(None, Some(weak)).await.unwrap();
    assert!(!weak.valid);
    assert!(weak.reason.unwrap().contains("security"));
}

#[tokio::test]
async fn verify_proof_pins_the_os_program() {
    let other_program =
        VerifyPolicy { min_security_bits: 0, os_program_hash: Felt::from(12345u64) };
    let server = TestServer::start(other_program).await;
    let result = server
        .client
        .verify_proof(None, Some(format!("0x{}", hex::encode(golden_test_proof()))))
        .await
        .unwrap();
    assert!(!result.valid);
    assert!(result.reason.unwrap().contains("program"), "reason names the program mismatch");

    let insecure_ok =
        TestServer::start(VerifyPolicy { min_security_bits: 0, os_program_hash: fibonacci_hash() })
            .await;
    let result = insecure_ok
        .client
        .verify_proof(None, Some(format!("0x{}", hex::encode(golden_test_proof()))))
        .await
        .unwrap();
    assert!(result.valid, "{:?}", result.reason);
}

#[tokio::test]
async fn verify_proof_bad_requests() {
    let server = TestServer::start(standard_policy()).await;
    let client = &server.client;
    assert_eq!(code(client.verify_proof(None, None).await), codes::INVALID_PARAMS);
    assert_eq!(
        code(client.verify_proof(Some(1), Some("0x00".into())).await),
        codes::INVALID_PARAMS
    );
    assert_eq!(code(client.verify_proof(None, Some("abcd".into())).await), codes::INVALID_PARAMS);
    assert_eq!(code(client.verify_proof(None, Some("0xabc".into())).await), codes::INVALID_PARAMS);
    assert_eq!(code(client.verify_proof(Some(8), None).await), codes::BLOCK_NOT_FOUND);
    // Garbage that is valid hex is a verification failure, not an error.
    let garbage = client.verify_proof(None, Some("0xdeadbeef".into())).await.unwrap();
    assert!(!garbage.valid);
    // Named parameters work too.
    let mut params = jsonrpsee::core::params::ObjectParams::new();
    params.insert("proof", "0x00").unwrap();
    let named: Value = client.request("prover_verifyProof", params).await.unwrap();
    assert_eq!(named["valid"], false);
}

#[tokio::test]
async fn os_program_hash_is_the_pinned_one() {
    let server = TestServer::start(standard_policy()).await;
    assert_eq!(server.client.get_os_program_hash().await.unwrap(), fibonacci_hash());
    let raw: Value = server.client.request("prover_getOsProgramHash", rpc_params![]).await.unwrap();
    assert_eq!(raw, Value::String(fibonacci_hash().to_hex_string()));
}

#[tokio::test]
async fn internal_errors_keep_their_details_to_the_logs() {
    let server = TestServer::start(standard_policy()).await;
    // The index says block 2 is stored, but the store has no proof for it.
    server.replay(2).await;
    for status in [JobStatus::Proving, JobStatus::Proven, JobStatus::Stored] {
        server.jobs.transition(2, hash(2), status).await.unwrap();
    }
    match server.client.get_proof(2, None).await {
        Err(ClientError::Call(error)) => {
            assert_eq!(error.code(), codes::INTERNAL_ERROR);
            assert_eq!(error.message(), "internal error");
            assert!(error.data().is_none());
        }
        other => panic!("expected an internal error, got {other:?}"),
    }
    let reply = server.get("/proofs/2").await;
    assert_eq!((reply.status, reply.body.as_slice()), (500, &b"internal error\n"[..]));
    // The server keeps serving.
    assert_eq!(code(server.client.get_proof(3, None).await), codes::BLOCK_NOT_FOUND);
}
