//! The reports `check_block` gives the page for what it can be handed: a valid proof of another
//! program, garbage, and headers or felts that are not. (A
//! verified OS block proof in a real browser: `scripts/browser-test.sh`.)

use serde_json::{Value, json};
use web_verifier::{MIN_SECURITY_BITS, PINNED_OS_PROGRAM_HASH, Report, check_block};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../cairo-air/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap()
}

fn header(number: u64) -> String {
    json!({
        "status": "ACCEPTED_ON_L2",
        "block_hash": format!("{:#x}", 1000 + number),
        "parent_hash": format!("{:#x}", 999 + number),
        "block_number": number,
        "new_root": "0x5",
        "timestamp": 1,
        "sequencer_address": "0x1",
        "l1_gas_price": { "price_in_fri": "0x1", "price_in_wei": "0x1" },
        "l2_gas_price": { "price_in_fri": "0x1", "price_in_wei": "0x1" },
        "l1_data_gas_price": { "price_in_fri": "0x1", "price_in_wei": "0x1" },
        "l1_da_mode": "BLOB",
        "starknet_version": "0.14.0",
        "transactions": []
    })
    .to_string()
}

fn reason(report: &Report) -> &str {
    match report {
        Report::Rejected { reason, os_program_hash, min_security_bits } => {
            assert_eq!(os_program_hash, PINNED_OS_PROGRAM_HASH);
            assert_eq!(*min_security_bits, MIN_SECURITY_BITS);
            reason
        }
        Report::Verified { .. } => panic!("verified: {report:?}"),
    }
}

#[test]
fn a_valid_proof_of_another_program_is_rejected_naming_both_programs() {
    let proof = fixture("fibonacci-10-standard.proof");
    let report = check_block(&proof, &header(1), Some(&header(0)), "0x534e", None);
    let reason = reason(&report);
    assert!(reason.starts_with("proof is for program"), "{reason}");
    assert!(reason.contains(PINNED_OS_PROGRAM_HASH.trim_start_matches("0x")), "{reason}");
}

#[test]
fn garbage_is_rejected_with_the_cause() {
    let report = check_block(b"not a proof", &header(1), Some(&header(0)), "0x534e", None);
    assert!(reason(&report).starts_with("proof does not verify: "), "{report:?}");
}

#[test]
fn inputs_that_are_not_headers_or_felts_are_named() {
    let proof = fixture("fibonacci-10-standard.proof");
    let cases = [
        (
            check_block(&proof, "{}", None, "0x1", None),
            "the sequencer's header is not a block header",
        ),
        (
            check_block(&proof, &header(1), Some("[1]"), "0x1", None),
            "the sequencer's parent header is not a block header",
        ),
        (check_block(&proof, &header(1), None, "chain", None), "the chain id \"chain\""),
        (
            check_block(&proof, &header(1), None, "0x1", Some("root")),
            "the trusted previous root \"root\"",
        ),
    ];
    for (report, expected) in cases {
        assert!(reason(&report).starts_with(expected), "{report:?}");
    }
}

#[test]
fn reports_serialize_with_their_verdict() {
    let report = check_block(b"", &header(1), None, "0x1", None);
    let json: Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["verdict"], "rejected");
    assert_eq!(json["os_program_hash"], PINNED_OS_PROGRAM_HASH);
    let exported: Value = serde_json::from_str(&web_verifier::bindings::verify_block(
        b"",
        &header(1),
        None,
        "0x1",
        None,
    ))
    .unwrap();
    assert_eq!(exported, json, "the JavaScript export answers the same report");
}

/// The native time of `check_block` on a real OS block proof, to compare with the browser's
/// (benches/RESULTS.md). `WEB_VERIFIER_PROOF`, `WEB_VERIFIER_HEADER`, `WEB_VERIFIER_PARENT`
/// (files: the proof, the two `starknet_getBlockWithTxHashes` results) and
/// `WEB_VERIFIER_CHAIN_ID`; run with `cargo test --release -p web-verifier --test reports --
/// --ignored --nocapture`.
#[test]
#[ignore = "a measurement; needs a proof and headers from a running demo"]
fn measure_check_block() {
    let read = |var: &str| std::fs::read(std::env::var(var).expect(var)).unwrap();
    let proof = read("WEB_VERIFIER_PROOF");
    let header = String::from_utf8(read("WEB_VERIFIER_HEADER")).unwrap();
    let parent = String::from_utf8(read("WEB_VERIFIER_PARENT")).unwrap();
    let chain_id = std::env::var("WEB_VERIFIER_CHAIN_ID").unwrap();
    let mut times = Vec::new();
    for _ in 0..11 {
        let started = std::time::Instant::now();
        let report = check_block(&proof, &header, Some(&parent), &chain_id, None);
        times.push(started.elapsed());
        assert!(report.is_verified(), "{report:?}");
    }
    times.sort();
    println!("check_block on a {} byte proof: median {:?}", proof.len(), times[times.len() / 2]);
}
