//! [`OsProver`]: the real block prover. The `os` crate runs the Cairo OS program over the block
//! in cairo-vm proof mode (re-executing every transaction against a Merkle witness of the state
//! after the parent block), and `cairo-air` proves that run. The pipeline then verifies the
//! proof against the pinned OS program hash like any other.
//!
//! What the OS does not prove yet is refused with [`ProveError::Unsupported`] (permanent, the
//! job ends `failed` with the reason): genesis (its state is the chain's definition, made by
//! system deployments, not by transactions). The block hash the OS computes is the flavor's
//! (Starknet's, or starknet-devnet's, which commits to none of the block's contents: then the
//! proof's transaction hashes digest, state-diff commitment and roots bind it). Fees are charged
//! in the OS. Blocks with reverted transactions are proven (the
//! OS takes the executor's reverted flag on trust: README.md, trust assumptions).

use chain::{Felt, Transaction};
use executor::{BlockContext, ExecutableTransaction};
use os::BlockWitness;
use stark::SecurityPreset;

use crate::budget::ProveBudget;
use crate::flavor::SequencerFlavor;
use crate::prover::{BlockProver, ProveError, ProvenBlock};
use crate::replay::{ReplayedBlock, Replayer};

/// Proves blocks with the bundled OS program at a security preset, within a budget.
#[derive(Clone, Debug)]
pub struct OsProver {
    preset: SecurityPreset,
    budget: ProveBudget,
}

impl OsProver {
    /// A prover with the budget of one worker on this machine
    /// ([`ProveBudget::for_this_machine`]).
    pub fn new(preset: SecurityPreset) -> Self {
        Self::with_budget(preset, ProveBudget::for_this_machine(1))
    }

    /// A prover that refuses blocks over `budget` ([`ProveError::OverBudget`]).
    pub fn with_budget(preset: SecurityPreset, budget: ProveBudget) -> Self {
        OsProver { preset, budget }
    }

    /// The program hash proofs of this prover carry (what verifiers pin).
    pub fn program_hash() -> Result<Felt, ProveError> {
        os::program_hash()
            .map_err(|error| ProveError::Unavailable(format!("the bundled OS program: {error}")))
    }
}

impl OsProver {
    /// The OS input of `block` in serializable form (executor run, state witness against the
    /// parent's root, class definitions, the output its proof must have): what a coordinator
    /// stores for the workers of a cluster. Built from replay's recorded run of the block (the
    /// block is not executed again); CPU work (the state witness).
    pub fn witness(
        &self,
        block: &ReplayedBlock,
        replayer: &Replayer,
    ) -> Result<BlockWitness, ProveError> {
        let number = block.block_number();
        if number == 0 {
            return Err(ProveError::Unsupported(
                "genesis is the chain's definition (system deployments), not proven".into(),
            ));
        }
        self.budget
            .check_steps("the block's transactions", block.execution_steps)
            .map_err(ProveError::OverBudget)?;
        let mut transactions = Vec::with_capacity(block.transactions.len());
        for (transaction, _) in &block.transactions {
            let executable = match transaction {
                // The OS recomputes the class hash of the declared definition in Cairo; the
                // definition is the one replay fetched and checked against that hash.
                Transaction::DeclareV1(declare) => {
                    let class =
                        executor::ClassProvider::class(replayer.classes(), declare.class_hash)
                            .map_err(|error| {
                                ProveError::Failed(format!("declared class: {error}"))
                            })?
                            .ok_or_else(|| {
                                ProveError::Failed(format!(
                                    "the definition of declared class {:#x} is missing",
                                    declare.class_hash
                                ))
                            })?;
                    ExecutableTransaction::declare(declare.clone(), class, block.chain_id)
                }
                // The OS writes the class's classes-trie leaf; the executor runs the declaration
                // with the definition replay fetched and compiled.
                Transaction::DeclareV3(declare) => {
                    let class = executor::ClassProvider::sierra_class(
                        replayer.classes(),
                        declare.class_hash,
                    )
                    .map_err(|error| ProveError::Failed(format!("declared class: {error}")))?
                    .ok_or_else(|| {
                        ProveError::Failed(format!(
                            "the definition of declared class {:#x} is missing",
                            declare.class_hash
                        ))
                    })?;
                    ExecutableTransaction::declare_sierra(declare.clone(), class, block.chain_id)
                }
                Transaction::DeclareV2(declare) => {
                    return Err(ProveError::Unsupported(format!(
                        "DECLARE v2 of Sierra class {:#x}: the OS declares Sierra classes with \
                         DECLARE v3 only",
                        declare.class_hash
                    )));
                }
                other => ExecutableTransaction::new(other.clone(), block.chain_id),
            };
            transactions.push(executable);
        }
        let header = &block.header;
        let to_prove = os::BlockToProve {
            context: BlockContext {
                block_number: number,
                timestamp: block.execution_timestamp,
                sequencer_address: header.sequencer_address,
                chain_id: block.chain_id,
                gas_prices: header.gas_prices,
                old_block_hash: block.old_block_hash,
            },
            parent_hash: header.parent_hash,
            l1_da_mode: header.l1_da_mode,
            starknet_version: header.starknet_version.clone(),
            // Replay checked a nonzero header root against its own; 0 means the sequencer
            // leaves the commitment to us (the OS hashes 0 as it did and outputs the root).
            header_commits_state_root: header.state_root != Felt::ZERO,
            starknet_devnet_block_hash: block.flavor == SequencerFlavor::StarknetDevnet,
            fee_tokens: block.fee_tokens,
            transactions,
        };
        // Replay's run of the block, recorded, is the OS's input: the block executes once.
        let parent = Some(number - 1);
        let prepared = match &block.recorded {
            Some(recorded) => os::prepare_recorded(
                &to_prove,
                replayer.state(),
                parent,
                replayer.classes(),
                recorded,
            ),
            None => os::prepare_block(
                &to_prove,
                replayer.state(),
                parent,
                replayer.classes(),
                replayer.executor_config(),
            ),
        }
        .map_err(os_error)?;
        // Verification takes the proof's own output-layout version, pinned by the program hash.
        let os_version = chain::public_output::OS_OUTPUT_VERSION;
        Ok(BlockWitness::new(
            number,
            block.block_hash,
            block.expected_public_output(os_version),
            block.execution_steps,
            prepared,
        ))
    }

    /// Runs the OS over `witness` and proves the run, within this prover's budget; needs
    /// nothing but the witness (a cluster's worker).
    pub fn prove_witness(&self, witness: &BlockWitness) -> Result<ProvenBlock, ProveError> {
        self.budget
            .check_steps("the block's transactions", witness.execution_steps)
            .map_err(ProveError::OverBudget)?;
        let execution = witness.run().map_err(os_error)?;
        let cairo = execution
            .run
            .to_cairo_execution()
            .map_err(|error| ProveError::Failed(format!("OS run: {error}")))?;
        self.budget
            .check_steps("the OS run", cairo.steps() as u64)
            .map_err(ProveError::OverBudget)?;
        let footprint = cairo_air::ProverFootprint::estimate(&cairo, &self.preset.options());
        self.budget.check_memory(footprint.peak_bytes).map_err(|reason| {
            ProveError::OverBudget(format!("{reason} (the OS run has {} steps)", cairo.steps()))
        })?;
        let proof = cairo_air::prove_execution(&cairo, &self.preset.options())
            .map_err(|error| ProveError::Failed(format!("prover: {error}")))?;
        Ok(ProvenBlock {
            proof,
            public_output: execution.public_output.to_felts().to_vec(),
            steps: execution.steps as u64,
        })
    }
}

fn os_error(error: os::OsError) -> ProveError {
    match error {
        os::OsError::UnsupportedTransaction { .. }
        | os::OsError::SierraClass { .. }
        | os::OsError::Cairo1Unsupported { .. } => ProveError::Unsupported(error.to_string()),
        // A witness written by another release: no attempt of this build can read it.
        os::OsError::WitnessVersion { .. } => ProveError::Unsupported(error.to_string()),
        other => ProveError::Failed(format!("OS run: {other}")),
    }
}

impl BlockProver for OsProver {
    /// The embedded pipeline takes the same road as a cluster's worker, without serializing:
    /// [`OsProver::witness`], then [`OsProver::prove_witness`].
    fn prove(&self, block: &ReplayedBlock, replayer: &Replayer) -> Result<ProvenBlock, ProveError> {
        let witness = self.witness(block, replayer)?;
        self.prove_witness(&witness)
    }

    fn version(&self) -> String {
        format!("watcher-prover-os-{}-{:?}", env!("CARGO_PKG_VERSION"), self.preset).to_lowercase()
    }
}
