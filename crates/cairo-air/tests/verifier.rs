//! The verifier's acceptance policy and its handling of hostile proof files, on real Cairo
//! proofs; plus the golden proofs committed under `tests/fixtures/`.

mod common;

use cairo_air::{
    CairoPolicy, CairoVerifyError, ProgramPin, load_program, prove_execution, run_program,
    verify_proof,
};
use common::{fibonacci, program};
use stark::{AcceptancePolicy, SecurityPreset, VerifierError};
use starknet_types_core::felt::Felt;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn insecure() -> CairoPolicy {
    CairoPolicy { acceptance: AcceptancePolicy::insecure(), program: ProgramPin::Any }
}

fn test_proof() -> Vec<u8> {
    prove_execution(&fibonacci(10), &SecurityPreset::Test.options()).unwrap()
}

#[test]
fn flipped_bytes_across_the_whole_proof_are_rejected() {
    let proof = test_proof();
    // About 300 positions spread over the file, header and body alike.
    let step = (proof.len() / 300).max(1);
    for pos in (0..proof.len()).step_by(step).chain([proof.len() - 1]) {
        let mut bad = proof.clone();
        bad[pos] ^= 0x04;
        assert!(verify_proof(&bad, &insecure()).is_err(), "flip at {pos}/{} accepted", proof.len());
    }
}

#[test]
fn truncated_empty_and_garbage_inputs_are_rejected_without_panic() {
    let proof = test_proof();
    for cut in [0, 1, 8, 10, 64, proof.len() / 3, proof.len() - 1] {
        assert!(matches!(
            verify_proof(&proof[..cut], &insecure()),
            Err(CairoVerifyError::Decode(_))
        ));
    }
    assert!(verify_proof(b"not a proof at all", &insecure()).is_err());
    let mut trailing = proof.clone();
    trailing.extend_from_slice(&[0, 0, 0]);
    assert!(verify_proof(&trailing, &insecure()).is_err());
}

#[test]
fn altered_output_is_rejected() {
    // An honest proof file whose public output is then changed. (A run whose trace does not
    // produce the claimed output is covered by the soundness tests.)
    let execution = fibonacci(10);
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let mut envelope = stark::ProofEnvelope::from_bytes(&proof).unwrap();
    let mut public = cairo_air::CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
    public.output[1] += stark::Felt::one();
    envelope.public_input = public.to_bytes();
    assert!(matches!(
        verify_proof(&envelope.to_bytes(), &insecure()),
        Err(CairoVerifyError::Rejected(_))
    ));
}

#[test]
fn another_program_is_rejected() {
    let execution = fibonacci(10);
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let policy = CairoPolicy {
        acceptance: AcceptancePolicy::insecure(),
        program: ProgramPin::Hash(load_program(&program("factorial")).unwrap().hash()),
    };
    assert!(matches!(verify_proof(&proof, &policy), Err(CairoVerifyError::ProgramMismatch { .. })));
    let right = CairoPolicy {
        acceptance: AcceptancePolicy::insecure(),
        program: ProgramPin::Hash(load_program(&program("fibonacci")).unwrap().hash()),
    };
    verify_proof(&proof, &right).unwrap();
}

#[test]
fn options_below_policy_are_rejected() {
    let proof = test_proof();
    let err = verify_proof(&proof, &CairoPolicy::default()).unwrap_err();
    assert!(matches!(err, CairoVerifyError::Rejected(VerifierError::InsufficientSecurity { .. })));
    let strict = CairoPolicy {
        acceptance: AcceptancePolicy { min_security_bits: 110 },
        program: ProgramPin::Any,
    };
    let standard = prove_execution(&fibonacci(10), &SecurityPreset::Standard.options()).unwrap();
    verify_proof(&standard, &CairoPolicy::default()).unwrap();
    assert!(
        verify_proof(&standard, &strict).is_err(),
        "100-bit proof accepted under a 110-bit policy"
    );
}

#[test]
fn proofs_are_deterministic() {
    assert_eq!(test_proof(), test_proof());
}

/// Golden proofs: made by `regenerate_golden_proofs`, verified on every run, so a change of
/// the format or the protocol cannot go unnoticed.
#[test]
fn golden_proofs_verify() {
    for (name, policy, expected_output) in [
        ("fibonacci-10-test.proof", insecure(), vec![Felt::from(10u64), Felt::from(89u64)]),
        (
            "fibonacci-10-standard.proof",
            CairoPolicy::default(),
            vec![Felt::from(10u64), Felt::from(89u64)],
        ),
        // Uses the range_check builtin: three components.
        (
            "range_checks-3-standard.proof",
            CairoPolicy::default(),
            vec![Felt::from(3u64), Felt::from(62035u64)],
        ),
        // Uses the pedersen builtin: a component with periodic columns.
        ("pedersen_hashes-1-test.proof", insecure(), pedersen_hashes_1_output()),
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let statement = verify_proof(&bytes, &policy).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(statement.output, expected_output, "{name}");
    }
}

/// What `pedersen_hashes` outputs for `n = 1`: `H(0, 1)`, then the hashes of its edge pairs.
fn pedersen_hashes_1_output() -> Vec<Felt> {
    use starknet_crypto::pedersen_hash;
    let two = Felt::from(2u64);
    let (t251, t248, t196) = (two.pow(251u64), two.pow(248u64), two.pow(196u64));
    let mut out = vec![pedersen_hash(&Felt::ZERO, &Felt::ONE)];
    for (x, y) in [
        (Felt::ZERO, Felt::ZERO),
        (-Felt::ONE, -Felt::ONE),
        (Felt::ONE, -Felt::ONE),
        (t251, t251 + Felt::from(12345u64)),
        (t248 - Felt::ONE, t248),
        (-t196, t251 + t196 - Felt::ONE),
    ] {
        out.push(pedersen_hash(&x, &y));
    }
    out
}

/// The prover is deterministic, and the golden `test`-preset proofs are what it makes today:
/// a change that moves a single proof byte (a constraint reordered, a table moved, a transcript
/// step) shows here even when the old proofs still verify. (The `standard` ones are left to
/// `golden_proofs_verify`: their grinding makes them slow to redo on every run.)
#[test]
fn golden_test_proofs_are_reproduced() {
    let options = SecurityPreset::Test.options();
    let fibonacci = prove_execution(&fibonacci(10), &options).unwrap();
    let execution = run_program(&program("pedersen_hashes"), Some(&serde_json::json!({ "n": 1 })))
        .expect("pedersen_hashes runs");
    let pedersen = prove_execution(&execution, &options).unwrap();
    for (name, bytes) in
        [("fibonacci-10-test.proof", fibonacci), ("pedersen_hashes-1-test.proof", pedersen)]
    {
        let golden = std::fs::read(fixture(name)).unwrap();
        assert!(bytes == golden, "{name}: the prover no longer makes the golden proof");
    }
}

#[test]
#[ignore = "rewrites tests/fixtures; run after an intended format or protocol change"]
fn regenerate_golden_proofs() {
    let execution = fibonacci(10);
    for (name, preset) in [
        ("fibonacci-10-test.proof", SecurityPreset::Test),
        ("fibonacci-10-standard.proof", SecurityPreset::Standard),
    ] {
        std::fs::write(fixture(name), prove_execution(&execution, &preset.options()).unwrap())
            .unwrap();
    }
    let execution = run_program(&program("range_checks"), Some(&serde_json::json!({ "n": 3 })))
        .expect("range_checks runs");
    let bytes = prove_execution(&execution, &SecurityPreset::Standard.options()).unwrap();
    std::fs::write(fixture("range_checks-3-standard.proof"), bytes).unwrap();
    let execution = run_program(&program("pedersen_hashes"), Some(&serde_json::json!({ "n": 1 })))
        .expect("pedersen_hashes runs");
    let bytes = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    std::fs::write(fixture("pedersen_hashes-1-test.proof"), bytes).unwrap();
}

mod hostile_bytes {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn proof() -> &'static [u8] {
        static PROOF: OnceLock<Vec<u8>> = OnceLock::new();
        PROOF.get_or_init(test_proof)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Random multi-byte corruption and truncation: always rejected, never a panic.
        #[test]
        fn random_corruption_is_rejected(
            edits in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..6),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let mut bytes = proof().to_vec();
            for (pos, mask) in edits {
                let i = pos % bytes.len();
                bytes[i] ^= mask;
            }
            if let Some(c) = cut {
                bytes.truncate(c % bytes.len());
            }
            let outcome = std::panic::catch_unwind(|| verify_proof(&bytes, &insecure()));
            prop_assert!(outcome.is_ok(), "the verifier panicked");
            prop_assert!(outcome.unwrap().is_err(), "a corrupted proof verified");
        }
    }
}
