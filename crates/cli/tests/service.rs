//! `watcher-prover run` through the binary: a devnet (`watcher-prover devnet`) with load
//! (`watcher-prover load`), the service proving its blocks with the bundled OS (at the `test`
//! preset, for speed) into a filesystem store, killed with SIGKILL in the middle of its work,
//! restarted on the same data directory, and stopped with SIGTERM. Afterwards every block has
//! exactly one stored proof, each proof verifies against the OS program hash, and no block was
//! proven more than once besides the one in flight at the kill.

use e2e::*;
use serde_json::{Value, json};

fn latest_proven(api: &str) -> Option<u64> {
    rpc(api, "prover_latestProvenBlock", json!([]))["result"]["block_number"].as_u64()
}

/// A hex felt, normalized (no leading zeros).
fn chain_felt(hex: &str) -> String {
    let digits = hex.trim_start_matches("0x").trim_start_matches('0');
    format!("0x{digits}")
}

#[test]
fn sigkill_and_restart_lose_and_repeat_no_proof() {
    let dir = tempfile::tempdir().unwrap();
    let (devnet, rpc_url) = start_devnet(&dir.path().join("devnet"));
    send_load(&rpc_url, "10", "2s", "fib,erc20");

    let data_dir = dir.path().join("service");
    let (service, api) = start_service(&rpc_url, &data_dir, &[]);
    wait_until(120, "a first proof", || latest_proven(&api).is_some_and(|n| n >= 2));
    let mut service = service;
    service.kill().unwrap(); // SIGKILL: no chance to checkpoint anything
    service.wait().unwrap();

    let (service, api) = start_service(&rpc_url, &data_dir, &[]);
    let head = rpc(&rpc_url, "starknet_blockNumber", json!([]))["result"].as_u64().unwrap();
    wait_until(240, "catch-up after the restart", || {
        latest_proven(&api).is_some_and(|n| n >= head)
    });
    let mut statuses = Vec::new();
    for number in 0..=head {
        let status = rpc(&api, "prover_getProofStatus", json!([number]))["result"].clone();
        if status["status"] == "proven" {
            // The service's own verifier, pinned to the OS program it proves with.
            let verdict = rpc(&api, "prover_verifyProof", json!({ "block_number": number }));
            assert_eq!(verdict["result"]["valid"], true, "block {number}: {verdict}");
            assert_eq!(verdict["result"]["block"]["block_number"], number);
        }
        statuses.push(status);
    }
    // Genesis gets no job (the OS proves transactions, genesis is the chain's definition).
    let genesis = rpc(&api, "prover_getProofStatus", json!([0]));
    assert!(genesis["error"].is_object(), "genesis has no job: {genesis}");
    terminate(service, "watcher-prover run");
    terminate(devnet, "devnet");

    // Every other block is proven, exactly once.
    for (number, status) in statuses.iter().enumerate().skip(1) {
        assert_eq!(status["status"], "proven", "block {number}: {status}");
        let attempts = status["attempts"].as_u64().unwrap();
        assert!((1..=2).contains(&attempts), "block {number}: {status}");
    }
    let retried = statuses.iter().filter(|status| status["attempts"] == 2).count();
    assert!(retried <= 3, "only blocks in flight at the kill are proven again: {statuses:?}");

    // One proof per block on disk, each verifying against the OS program hash the binary pins.
    let os_hash = String::from_utf8(bin().arg("os-hash").output().unwrap().stdout).unwrap();
    let proofs = data_dir.join("proofs/proofs/v1");
    let mut blocks = Vec::new();
    for entry in std::fs::read_dir(&proofs).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(stem) = name.strip_suffix(".proof") {
            blocks.push(stem[..12].parse::<u64>().unwrap());
            let verified = bin()
                .arg("verify")
                .arg(proofs.join(&name))
                .args(["--min-security", "0"])
                .output()
                .unwrap();
            assert!(
                verified.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&verified.stderr)
            );
            let metadata: Value = serde_json::from_slice(
                &std::fs::read(proofs.join(format!("{name}.json"))).unwrap(),
            )
            .unwrap();
            let pinned = chain_felt(os_hash.trim());
            assert_eq!(chain_felt(metadata["os_program_hash"].as_str().unwrap()), pinned, "{name}");
        }
    }
    blocks.sort();
    let expected: Vec<u64> = (1..=head).collect();
    let mut unique = blocks.clone();
    unique.dedup();
    assert_eq!(unique.len(), blocks.len(), "a block with two proofs: {blocks:?}");
    assert!(expected.iter().all(|n| blocks.contains(n)), "missing proofs: {blocks:?}");
    assert!(!os_hash.trim().is_empty());
}
