//! [`BlockWitness`]: everything a stateless prover needs to run the OS over one block, fixed
//! once the block is replayed, serialized so that it can wait in an object store.
//!
//! It is a [`PreparedBlock`] without the executor's run (the OS input, with the executor's
//! call traces, the state witness against the parent's root and the class definitions the
//! block's calls load) plus what the proof of the block must say (the expected public output,
//! computed by replay). A worker holding only the witness runs the OS ([`BlockWitness::run`]),
//! proves the run and checks the proof's output against [`BlockWitness::expected_output`]:
//! no sequencer, no state database. Nothing in the witness is trusted by the OS (see
//! [`PreparedBlock`]); the expected output is the replaying side's word, as in the embedded
//! pipeline.
//!
//! # Format
//!
//! JSON with a `format_version` field ([`WITNESS_FORMAT_VERSION`]); [`BlockWitness::from_bytes`]
//! reads that field first and refuses another version with [`OsError::WitnessVersion`]
//! instead of misreading it. Serializing is deterministic (ordered maps, classes by hash), so
//! the same block gives the same bytes and a retried write is idempotent.

use std::sync::Arc;

use cairo_air::SegmentSizes;
use chain::{BlockPublicOutput, Felt};
use executor::DeprecatedClass;
use serde::{Deserialize, Serialize};
use starknet_core::types::contract::legacy::LegacyContractClass;
use state::witness::StateWitness;

use crate::OsError;
use crate::cairo1::CasmClassInput;
use crate::input::OsInput;
use crate::os_run::{OsRun, run_os};
use crate::runner::{PreparedBlock, class_input};
use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;

/// The witness format this build writes and reads. 2: Starknet's Pedersen tries in the state
/// witness, no `pre_classes` or `hinted_class_hash` in the OS input (Cairo 0 classes are in no
/// trie; the OS computes their class hashes). 3: each transaction's receipt fields
/// (`TransactionInput::receipt`) for Starknet's receipt commitment, the CASM of the Sierra
/// classes the block runs (`casm_classes`) and their pre-block compiled class hashes
/// (`input.pre_classes`). 4: no messages hash in the receipt fields (the OS computes it from the
/// messages the contracts sent). 5: the public output's fee tokens, `block_info`'s block-hash
/// formula and fee tokens, `input.cairo_steps_classes`. 6: `block_info`'s old block hash (the
/// block-hash contract's write), the call traces' block and class hashes read.
pub const WITNESS_FORMAT_VERSION: u32 = 6;

/// One block's OS input, serializable (see the module docs).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockWitness {
    /// [`WITNESS_FORMAT_VERSION`] when written by this build.
    pub format_version: u32,
    /// The block this witness proves.
    pub block_number: u64,
    /// Its hash, as the sequencer reports it (the job's and the proof's key).
    pub block_hash: Felt,
    /// The output a proof of this block must have (its `os_version` is the one of the OS that
    /// replay expects; a verifier pins the OS by its program hash).
    pub expected_output: BlockPublicOutput,
    /// Cairo steps the executor ran for the block: a worker checks its budget before the OS
    /// run.
    pub execution_steps: u64,
    /// What the OS's hints serve.
    pub input: OsInput,
    /// The Merkle-Patricia witness of the touched keys against the parent's root.
    pub state: StateWitness,
    /// The class definitions the OS loads, ordered by class hash.
    pub classes: Vec<LegacyContractClass>,
    /// The CASM of the Sierra classes the block runs, by Sierra class hash (ascending).
    pub casm_classes: Vec<(Felt, CasmContractClass)>,
}

/// What [`BlockWitness::run`] returns: the OS's proof-mode run over the witness.
#[derive(Debug)]
pub struct WitnessRun {
    /// The public output the OS wrote, decoded.
    pub public_output: BlockPublicOutput,
    /// Cairo steps of the run.
    pub steps: usize,
    /// The run, relocated, in the shape the prover consumes.
    pub run: OsRun,
}

/// Only `format_version`, read before the rest so that another version is named, not misread.
#[derive(Deserialize)]
struct FormatProbe {
    format_version: u32,
}

impl BlockWitness {
    /// The witness of a prepared block (see [`crate::prepare_block`]).
    pub fn new(
        block_number: u64,
        block_hash: Felt,
        expected_output: BlockPublicOutput,
        execution_steps: u64,
        prepared: PreparedBlock,
    ) -> Self {
        let mut classes: Vec<(Felt, LegacyContractClass)> = prepared
            .class_definitions
            .iter()
            .map(|class| (class.class_hash(), class.definition().as_ref().clone()))
            .collect();
        classes.sort_by_key(|(hash, _)| *hash);
        BlockWitness {
            format_version: WITNESS_FORMAT_VERSION,
            block_number,
            block_hash,
            expected_output,
            execution_steps,
            input: prepared.input,
            state: prepared.witness,
            classes: classes.into_iter().map(|(_, class)| class).collect(),
            casm_classes: prepared
                .sierra_definitions
                .iter()
                .map(|class| (class.class_hash(), class.casm().as_ref().clone()))
                .collect(),
        }
    }

    /// The serialized witness (JSON).
    pub fn to_bytes(&self) -> Result<Vec<u8>, OsError> {
        serde_json::to_vec(self).map_err(|error| OsError::WitnessDecode(error.to_string()))
    }

    /// Reads a serialized witness, refusing a format this build does not know.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, OsError> {
        let probe: FormatProbe = serde_json::from_slice(bytes)
            .map_err(|error| OsError::WitnessDecode(format!("no format_version: {error}")))?;
        if probe.format_version != WITNESS_FORMAT_VERSION {
            return Err(OsError::WitnessVersion {
                found: probe.format_version,
                supported: WITNESS_FORMAT_VERSION,
            });
        }
        serde_json::from_slice(bytes).map_err(|error| OsError::WitnessDecode(error.to_string()))
    }

    /// Runs the OS over the witness in proof mode (CPU work: call it off the async workers).
    pub fn run(&self) -> Result<WitnessRun, OsError> {
        let mut classes = Vec::with_capacity(self.classes.len());
        for definition in &self.classes {
            let class = DeprecatedClass::from_legacy(Arc::new(definition.clone()))?;
            classes.push(class_input(&class)?);
        }
        let compiled_classes = self
            .casm_classes
            .iter()
            .map(|(class_hash, casm)| CasmClassInput::new(*class_hash, &Arc::new(casm.clone())))
            .collect();
        let run = run_os(
            self.input.clone(),
            classes,
            compiled_classes,
            self.state.clone(),
            SegmentSizes::cairo_vm_layout,
        )?;
        let public_output = BlockPublicOutput::from_felts(&run.output())?;
        Ok(WitnessRun { public_output, steps: run.steps(), run })
    }
}
