//! TEST ONLY: a stand-in for the OS and the block prover, which do not exist yet, with fault
//! injection.
//!
//! It proves, with the real `cairo-air` prover at the `test` preset, a run of the light
//! client's fixture program `block_output.cairo`, which copies a block public output from its
//! input to its output. The pipeline then verifies that real proof with `cairo_air` against the
//! fixture's program hash and checks its output against the replayed block, exactly as it will
//! for OS proofs. It proves nothing about the block's execution: it exists so that the service's
//! plumbing (prove on rayon, verify, store, checkpoints, API, light client) is tested end to end.
//!
//! Fault injection: the first `fail_first` attempts fail (retryable), `garbage` makes it return
//! bytes that are no proof, and `delay` makes each proof take longer (to crash mid-proof).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use chain::{BlockPublicOutput, Felt};
use serde_json::Value;
use stark::SecurityPreset;
use watcher::{BlockProver, ProveError, ProvenBlock, ReplayedBlock, Replayer};

/// Output-layout version the stand-in writes.
pub const OS_VERSION: u64 = 1;

pub fn program_json() -> Vec<u8> {
    let path =
        format!("{}/../light-client/tests/programs/block_output.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The program hash the tests pin in place of the OS program hash.
pub fn program_hash() -> Felt {
    cairo_air::load_program(&program_json()).unwrap().hash()
}

/// The policy the tests verify under (the stand-in's hash, `test` proofs accepted).
pub fn policy() -> service_common::VerifyPolicy {
    service_common::VerifyPolicy { min_security_bits: 0, os_program_hash: program_hash() }
}

#[derive(Debug)]
pub struct StandInProver {
    program: Vec<u8>,
    /// Prove calls per block number.
    pub calls: Mutex<BTreeMap<u64, u32>>,
    fail_first: AtomicU32,
    garbage: AtomicBool,
    delay: Duration,
}

impl StandInProver {
    pub fn new() -> Self {
        Self::with(0, Duration::ZERO)
    }

    /// Fails the first `fail_first` attempts; each proof takes at least `delay`.
    pub fn with(fail_first: u32, delay: Duration) -> Self {
        StandInProver {
            program: program_json(),
            calls: Mutex::new(BTreeMap::new()),
            fail_first: AtomicU32::new(fail_first),
            garbage: AtomicBool::new(false),
            delay,
        }
    }

    /// From now on, returns bytes that are not a proof.
    pub fn return_garbage(&self, garbage: bool) {
        self.garbage.store(garbage, Ordering::SeqCst);
    }

    pub fn calls(&self) -> BTreeMap<u64, u32> {
        self.calls.lock().unwrap().clone()
    }
}

impl BlockProver for StandInProver {
    fn prove(&self, block: &ReplayedBlock, _: &Replayer) -> Result<ProvenBlock, ProveError> {
        *self.calls.lock().unwrap().entry(block.block_number()).or_default() += 1;
        std::thread::sleep(self.delay);
        if self
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1))
            .is_ok()
        {
            return Err(ProveError::Failed("injected fault".into()));
        }
        let output = block.expected_public_output(Felt::from(OS_VERSION));
        if self.garbage.load(Ordering::SeqCst) {
            return Ok(ProvenBlock {
                proof: b"WPSTARK\0 not a proof".to_vec(),
                public_output: output.to_felts().to_vec(),
                steps: 1,
            });
        }
        let input: serde_json::Map<String, Value> = BlockPublicOutput::FIELD_NAMES
            .iter()
            .zip(output.to_felts())
            .map(|(name, felt)| (name.to_string(), Value::String(felt.to_hex_string())))
            .collect();
        let execution = cairo_air::run_program(&self.program, Some(&Value::Object(input)))
            .map_err(|error| ProveError::Failed(error.to_string()))?;
        let proof = cairo_air::prove_execution(&execution, &SecurityPreset::Test.options())
            .map_err(|error| ProveError::Failed(error.to_string()))?;
        Ok(ProvenBlock {
            proof,
            public_output: output.to_felts().to_vec(),
            steps: execution.steps() as u64,
        })
    }

    fn version(&self) -> String {
        "stand-in-test-prover".into()
    }
}
