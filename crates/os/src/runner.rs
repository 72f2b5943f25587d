//! [`run_block`]: the executor's run of a block, its state witness, then the OS's proof-mode run
//! in cairo-vm, returning what the prover consumes and the decoded public output.

use std::collections::{BTreeMap, BTreeSet};

use cairo_air::SegmentSizes;
use cairo_vm::types::program::Program;
use chain::block::{L1DataAvailabilityMode, StarknetVersion};
use chain::{BlockPublicOutput, FeeTokens, Felt};
use executor::{
    BlockContext, CallTrace, ClassProvider, ExecutableTransaction, ExecutorConfig,
    transaction::{
        CONSTRUCTOR_SELECTOR, EXECUTE_SELECTOR, TRANSFER_SELECTOR, VALIDATE_DECLARE_SELECTOR,
        VALIDATE_DEPLOY_SELECTOR, VALIDATE_SELECTOR,
    },
};
use state::witness::StateWitness;
use state::{Backend, Snapshot, State, StateReader};

use crate::OsError;
use crate::cairo1::CasmClassInput;
use crate::hints::ClassInput;
use crate::input::{OsInput, PreContract, ReceiptInput, TransactionInput};
use crate::os_run::{OsRun, run_os};
use crate::recording::{RecordedExecution, execute_recorded};

/// The compiled OS program (`os-program/os/main.json`, `cairo-compile --proof_mode`).
pub const OS_PROGRAM_JSON: &str = include_str!("../../../os-program/os/main.json");

/// The block the OS proves: its header fields that are inputs (the rest, roots, counts and
/// commitments, are what the OS computes) and its transactions.
#[derive(Clone, Debug)]
pub struct BlockToProve {
    /// Number, timestamp, sequencer address, chain id and gas prices.
    pub context: BlockContext,
    /// Hash of the parent block.
    pub parent_hash: Felt,
    /// How the state diff is published on L1.
    pub l1_da_mode: L1DataAvailabilityMode,
    /// Protocol version the header declares.
    pub starknet_version: StarknetVersion,
    /// Whether the header carries the state root (its block hash commits to it). A sequencer
    /// that leaves the commitment to the prover (`--commitment off`) puts 0 there and hashes
    /// that: the OS then hashes 0 too, so its block hash is still the chain's, and outputs the
    /// root it computed as the new state root.
    pub header_commits_state_root: bool,
    /// Whether the chain's block hash is starknet-devnet's
    /// (`chain::devnet_block_hash::starknet_devnet_block_hash`, over the block number, the
    /// sequencer address and the transaction count only) rather than Starknet's; the OS computes
    /// that one. Then `context.timestamp` is the one the transactions ran with (starknet-devnet's
    /// previous block's), which its hash does not cover.
    pub starknet_devnet_block_hash: bool,
    /// The ERC-20s the chain charges fees in ([`FeeTokens::NONE`]: no fees), the tokens the
    /// executor's fee transfers ran on (the OS runs them again and outputs these).
    pub fee_tokens: FeeTokens,
    /// The transactions, in block order (all included ones, none rejected).
    pub transactions: Vec<ExecutableTransaction>,
}

/// A finished proof-mode run of the OS over one block.
#[derive(Debug)]
pub struct BlockExecution {
    /// The public output the OS wrote, decoded.
    pub public_output: BlockPublicOutput,
    /// Cairo steps of the run.
    pub steps: usize,
    /// The run, relocated, in the shape the prover consumes.
    pub run: OsRun,
    /// The executor's run of the same block (receipts, state diff) the OS replayed.
    pub executor: std::sync::Arc<executor::BlockExecution>,
}

/// Loads the OS program.
pub fn os_program() -> Result<Program, OsError> {
    Program::from_bytes(OS_PROGRAM_JSON.as_bytes(), Some("main"))
        .map_err(|e| OsError::Program(e.to_string()))
}

/// The OS program's hash as verifiers pin it ([`cairo_air::CairoProgram::hash`]: its
/// bytecode, builtin list and `__end__`); light clients and the service pin this value.
pub fn program_hash() -> Result<chain::Felt, OsError> {
    let program = cairo_air::load_program(OS_PROGRAM_JSON.as_bytes())
        .map_err(|e| OsError::Program(e.to_string()))?;
    Ok(program.hash())
}

/// Runs `block` through the executor and then through the OS, on top of the state after block
/// `parent_block` of `state` (`None`: the empty state, nothing committed yet). Class definitions
/// come from `classes`. The same as [`prepare_block`] then [`PreparedBlock::run`].
pub fn run_block<B: Backend>(
    block: &BlockToProve,
    state: &State<B>,
    parent_block: Option<u64>,
    classes: &dyn ClassProvider,
    config: &ExecutorConfig,
) -> Result<BlockExecution, OsError> {
    prepare_block(block, state, parent_block, classes, config)?.run()
}

/// Everything the OS run of a block needs, built from the executor's run: the hints' input, the
/// classes and the state witness. Nothing in it is trusted by the OS: changing any of it makes
/// [`PreparedBlock::run`] fail or prove another block (a changed transaction).
#[derive(Debug)]
pub struct PreparedBlock {
    /// The block, transactions, call traces and pre-block values the OS's hints serve.
    pub input: OsInput,
    /// The classes the block's calls run.
    pub classes: Vec<ClassInput>,
    /// The definitions of `classes`, in the same order (what a [`crate::BlockWitness`]
    /// carries: a `ClassInput` holds a loaded program, which does not serialize).
    pub class_definitions: Vec<std::sync::Arc<executor::DeprecatedClass>>,
    /// The CASM classes of the Sierra classes the block's calls run.
    pub compiled_classes: Vec<CasmClassInput>,
    /// The Sierra classes of `compiled_classes`, in the same order (their CASM is what a
    /// [`crate::BlockWitness`] carries).
    pub sierra_definitions: Vec<std::sync::Arc<executor::SierraClass>>,
    /// The Merkle-Patricia witness of the touched keys against the previous root.
    pub witness: StateWitness,
    /// The executor's run of the block.
    pub executor: std::sync::Arc<executor::BlockExecution>,
}

impl PreparedBlock {
    /// Runs the OS in proof mode, its memory segments laid out as cairo-vm relocates them.
    pub fn run(self) -> Result<BlockExecution, OsError> {
        self.run_placed(SegmentSizes::cairo_vm_layout)
    }

    /// Runs the OS in proof mode and lays its memory segments out at the bases `place` returns
    /// (by segment index; pointers are relocated with the same table). For adversarial tests: a
    /// prover may lay a run out as it likes, the verifier decides what the statement it gets
    /// proves (segments in the program's order, disjoint, the program's builtin list).
    pub fn run_placed(
        self,
        place: impl FnOnce(&SegmentSizes) -> Vec<usize>,
    ) -> Result<BlockExecution, OsError> {
        let run = run_os(self.input, self.classes, self.compiled_classes, self.witness, place)?;
        let public_output = BlockPublicOutput::from_felts(&run.output())?;
        Ok(BlockExecution { public_output, steps: run.steps(), run, executor: self.executor })
    }
}

/// Runs `block` through the executor (it must include every transaction, reverted ones too) and
/// builds the OS's input and the state witness; see [`run_block`]. The same as
/// [`execute_recorded`] then [`prepare_recorded`].
pub fn prepare_block<B: Backend>(
    block: &BlockToProve,
    state: &State<B>,
    parent_block: Option<u64>,
    classes: &dyn ClassProvider,
    config: &ExecutorConfig,
) -> Result<PreparedBlock, OsError> {
    let snapshot = parent_snapshot(state, parent_block)?;
    let recorded =
        execute_recorded(config, block.context.clone(), &snapshot, classes, &block.transactions)?;
    prepare_recorded(block, state, parent_block, classes, &recorded)
}

/// The state the block starts from: after `parent_block`, or the empty state.
fn parent_snapshot<B: Backend>(
    state: &State<B>,
    parent_block: Option<u64>,
) -> Result<Snapshot<'_, B>, OsError> {
    match parent_block {
        Some(number) => Ok(state.at_block(number)?),
        None => {
            if state.latest()?.is_some() {
                return Err(OsError::Witness(
                    "no parent block given but the state has committed blocks".into(),
                ));
            }
            Ok(state.latest_snapshot()?)
        }
    }
}

/// Builds the OS's input and the state witness of `block` from `recorded`, the executor's run
/// of the same transactions on the state after `parent_block` (a replay's run: the block then
/// executes once). A run of other transactions is refused.
pub fn prepare_recorded<B: Backend>(
    block: &BlockToProve,
    state: &State<B>,
    parent_block: Option<u64>,
    classes: &dyn ClassProvider,
    recorded: &RecordedExecution,
) -> Result<PreparedBlock, OsError> {
    let snapshot = parent_snapshot(state, parent_block)?;
    let prev_state_root = snapshot.roots().global_root();
    let execution = &recorded.execution;
    let same_transactions = execution.outcomes.len() == block.transactions.len()
        && execution.outcomes.iter().zip(&block.transactions).all(|(outcome, tx)| {
            !matches!(outcome, Ok(done) if done.receipt.transaction_hash != tx.transaction_hash)
        });
    if !same_transactions {
        return Err(OsError::Witness(
            "the recorded execution is not of the block's transactions".into(),
        ));
    }
    let mut class_hashes = BTreeSet::new();
    let mut declared = BTreeMap::new();
    let mut sierra_declared = BTreeSet::new();
    let mut transactions = Vec::with_capacity(block.transactions.len());
    let mut tx_calls = Vec::with_capacity(block.transactions.len());
    for (index, (tx, outcome)) in block.transactions.iter().zip(&execution.outcomes).enumerate() {
        let hash = tx.transaction_hash;
        let included = outcome.as_ref().map_err(|error| OsError::RejectedTransaction {
            index,
            hash,
            reason: error.to_string(),
        })?;
        let mut input =
            TransactionInput::from_transaction(tx).ok_or(OsError::UnsupportedTransaction {
                index,
                hash,
                what: "query-only transactions or DECLARE v2",
            })?;
        // The calls the OS runs, in the executor's order: INVOKE `__validate__`, `__execute__`
        // (not for a reverted one: the OS then only bumps the nonce and validates),
        // DEPLOY_ACCOUNT the constructor (none if the class has none), `__validate_deploy__`,
        // DECLARE `__validate_declare__`; then the fee transfer of a transaction that paid a fee.
        let calls = included.calls.clone();
        let expected: &[Felt] = if input.kind == crate::input::TX_INVOKE {
            if included.reverted() {
                input.is_reverted = true;
                &[VALIDATE_SELECTOR]
            } else {
                &[VALIDATE_SELECTOR, EXECUTE_SELECTOR]
            }
        } else if input.kind == crate::input::TX_DEPLOY_ACCOUNT {
            class_hashes.insert(input.class_hash);
            if calls.first().is_some_and(|call| call.selector == CONSTRUCTOR_SELECTOR) {
                &[CONSTRUCTOR_SELECTOR, VALIDATE_DEPLOY_SELECTOR]
            } else {
                &[VALIDATE_DEPLOY_SELECTOR]
            }
        } else if input.version == Felt::THREE {
            // DECLARE v3: the OS writes the class's classes-trie leaf (no code to load).
            sierra_declared.insert(input.class_hash);
            &[VALIDATE_DECLARE_SELECTOR]
        } else {
            // DECLARE v1: the OS also loads the declared class (it checks its class hash).
            if let Some(class) = &tx.declared_class {
                declared.insert(class.class_hash(), class.clone());
            }
            class_hashes.insert(input.class_hash);
            &[VALIDATE_DECLARE_SELECTOR]
        };
        let pays_fee = included.receipt.actual_fee.amount != Felt::ZERO;
        let fee_transfer = pays_fee.then_some(TRANSFER_SELECTOR);
        if pays_fee {
            let token = if input.version == Felt::THREE {
                block.fee_tokens.strk
            } else {
                block.fee_tokens.eth
            };
            let charged_on = calls.last().map(|call| call.contract_address);
            if charged_on != Some(token) {
                return Err(OsError::Witness(format!(
                    "transaction {index}: the executor charged its fee on {charged_on:#x?}, the \
                     block's fee token is {token:#x}"
                )));
            }
        }
        if !calls.iter().map(|call| call.selector).eq(expected.iter().copied().chain(fee_transfer))
        {
            return Err(OsError::Witness(format!(
                "transaction {index}: the executor's calls are not the validation and execution \
                 calls the OS runs"
            )));
        }
        input.receipt = ReceiptInput::of(&included.receipt);
        transactions.push(input);
        tx_calls.push(calls);
    }

    // 2. What the block touches, its pre-block values and the state witness.
    let mut touched = recorded.touched.clone();
    touched.add_diff(&execution.state_diff);
    for trace in tx_calls.iter().flatten() {
        collect_classes(trace, &mut class_hashes);
    }
    // Every class the executor loaded, e.g. a class deployed by the `deploy` syscall without a
    // constructor (no call of it is traced), is loaded by the OS too.
    class_hashes.extend(recorded.loaded.iter().copied());
    // The Sierra classes run their CASM: the OS loads those apart and reads their compiled
    // class hashes in the classes trie (their paths join the witness).
    let sierra_hashes: BTreeSet<Felt> = recorded.sierra.clone();
    let mut cairo_steps_classes = BTreeSet::new();
    if let Some(class_hash) = sierra_declared.iter().find(|hash| sierra_hashes.contains(hash)) {
        return Err(OsError::SierraClass {
            class_hash: *class_hash,
            how: "in the block that declares it",
        });
    }
    for class_hash in &sierra_declared {
        touched.add_class(*class_hash);
    }
    class_hashes.retain(|class_hash| !sierra_hashes.contains(class_hash));
    for class_hash in &sierra_hashes {
        touched.add_class(*class_hash);
    }
    let mut pre_contracts = BTreeMap::new();
    for (address, keys) in &touched.storage {
        let mut storage = BTreeMap::new();
        for key in keys {
            storage.insert(*key, snapshot.storage_at(*address, *key)?);
        }
        let contract = PreContract {
            class_hash: snapshot.class_hash_at(*address)?,
            nonce: snapshot.nonce_at(*address)?,
            storage,
        };
        pre_contracts.insert(*address, contract);
    }
    let witness = StateWitness::build(state, parent_block, &touched)?;
    let mut pre_classes = BTreeMap::new();
    // The classes the block declares (DECLARE v3): their pre-block leaf, which must be 0.
    for class_hash in &sierra_declared {
        let compiled_class_hash = match snapshot.declared_class(*class_hash)? {
            Some(state::DeclaredClass::Sierra { compiled_class_hash }) => compiled_class_hash,
            _ => Felt::ZERO,
        };
        pre_classes.insert(*class_hash, compiled_class_hash);
    }
    let mut compiled_classes = Vec::with_capacity(sierra_hashes.len());
    let mut sierra_definitions = Vec::with_capacity(sierra_hashes.len());
    for class_hash in &sierra_hashes {
        let compiled_class_hash = match snapshot.declared_class(*class_hash)? {
            Some(state::DeclaredClass::Sierra { compiled_class_hash }) => compiled_class_hash,
            _ => Felt::ZERO,
        };
        pre_classes.insert(*class_hash, compiled_class_hash);
        let class = classes
            .sierra_class(*class_hash)?
            .ok_or(OsError::MissingClass { class_hash: *class_hash })?;
        if crate::gas_mode::runs_in_cairo_steps_mode(&class) {
            cairo_steps_classes.insert(*class_hash);
        }
        compiled_classes.push(CasmClassInput::new(*class_hash, class.casm()));
        sierra_definitions.push(class);
    }

    // 3. The classes the OS loads.
    let mut class_inputs = Vec::with_capacity(class_hashes.len());
    let mut class_definitions = Vec::with_capacity(class_hashes.len());
    for class_hash in &class_hashes {
        let class = match declared.get(class_hash) {
            Some(class) => std::sync::Arc::clone(class),
            None => classes
                .class(*class_hash)?
                .ok_or(OsError::MissingClass { class_hash: *class_hash })?,
        };
        class_inputs.push(class_input(&class)?);
        class_definitions.push(class);
    }

    let context = &block.context;
    let prices = &context.gas_prices;
    let mut block_info = vec![
        Felt::from(context.block_number),
        block.parent_hash,
        Felt::from(context.timestamp),
        context.sequencer_address,
        context.chain_id.as_felt(),
        prev_state_root,
    ];
    block_info.extend(prices.felts());
    block_info.extend([
        block.l1_da_mode.as_felt(),
        block.starknet_version.as_felt(),
        Felt::from(u64::from(block.header_commits_state_root)),
        Felt::from(u64::from(block.starknet_devnet_block_hash)),
        block.fee_tokens.strk,
        block.fee_tokens.eth,
        context.old_block_hash.unwrap_or(Felt::ZERO),
    ]);
    let input = OsInput {
        block_info,
        transactions,
        calls: tx_calls,
        pre_contracts,
        pre_classes,
        cairo_steps_classes,
    };
    Ok(PreparedBlock {
        input,
        classes: class_inputs,
        class_definitions,
        compiled_classes,
        sierra_definitions,
        witness,
        executor: std::sync::Arc::clone(execution),
    })
}

/// The OS's view of a class.
pub(crate) fn class_input(class: &executor::DeprecatedClass) -> Result<ClassInput, OsError> {
    let definition = class.definition();
    let invalid = |e: &dyn std::fmt::Display| {
        OsError::Program(format!("class {:#x}: {e}", class.class_hash()))
    };
    let program_json = serde_json::to_vec(&definition.program).map_err(|e| invalid(&e))?;
    let program = Program::from_bytes(&program_json, None).map_err(|e| invalid(&e))?;
    let preimage = class.os_preimage();
    let bytecode_start = preimage.len() - definition.program.data.len();
    let by_type = &definition.entry_points_by_type;
    let external_selectors = by_type.external.iter().map(|e| e.selector).collect();
    let constructor_selectors = by_type.constructor.iter().map(|e| e.selector).collect();
    Ok(ClassInput {
        class_hash: class.class_hash(),
        preimage,
        bytecode_start,
        external_selectors,
        constructor_selectors,
        program,
    })
}

fn collect_classes(trace: &CallTrace, out: &mut BTreeSet<Felt>) {
    out.insert(trace.class_hash);
    for inner in &trace.inner_calls {
        collect_classes(inner, out);
    }
}
