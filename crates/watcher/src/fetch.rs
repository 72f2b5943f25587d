//! The fetch stage: one block as the sequencer describes it ([`FetchedBlock`]): header fields,
//! transactions, the claimed state update, and the definitions of the classes the block
//! declares that the watcher does not have yet.
//!
//! Nothing here is trusted: replay recomputes the transaction hashes, the state diff, the state
//! root and the block hash from the transactions and compares them with these claims.

use std::collections::{BTreeMap, BTreeSet};

use chain::block::{L1DataAvailabilityMode, StarknetVersion};
use chain::rpc::HeaderCommitments;
use chain::rpc::convert::{state_diff_from_rpc, transaction_from_rpc};
use chain::rpc::types::{self as wire, BlockWithTxs};
use chain::{Felt, GasPrices, StateDiff, Transaction};

use crate::casm::{CompiledSierra, compile_checked};
use crate::client::SequencerClient;
use crate::error::WatcherError;

/// A block as fetched, before replay.
#[derive(Clone, Debug)]
pub struct FetchedBlock {
    pub block_number: u64,
    /// The hash the sequencer reports.
    pub block_hash: Felt,
    pub parent_hash: Felt,
    pub timestamp: u64,
    pub sequencer_address: Felt,
    /// The header's `new_root` (0 when the sequencer leaves commitment to the prover).
    pub new_root: Felt,
    pub gas_prices: GasPrices,
    pub l1_da_mode: L1DataAvailabilityMode,
    pub starknet_version: StarknetVersion,
    /// The header's commitments and counts when the sequencer speaks JSON-RPC 0.10 (`None` in
    /// 0.9); replay checks them.
    pub claimed_commitments: Option<HeaderCommitments>,
    /// Transactions with the hashes the sequencer reports, in block order.
    pub transactions: Vec<(Transaction, Felt)>,
    /// `starknet_getStateUpdate`: the roots and the diff the sequencer claims.
    pub claimed_old_root: Felt,
    pub claimed_new_root: Felt,
    pub claimed_diff: StateDiff,
    /// Class definitions the block needs that `known` did not have, checked against their hash.
    pub new_classes: Vec<(Felt, chain::classes::ContractClass)>,
    /// The Sierra classes of `new_classes`, compiled to the CASM whose compiled class hash the
    /// block's state diff commits to ([`crate::casm`]).
    pub compiled: BTreeMap<Felt, CompiledSierra>,
    /// State that the sequencer's genesis holds and no state update lists (starknet-devnet's
    /// predeployed contracts: [`crate::devnet_genesis`]); empty otherwise. Replay commits it
    /// under block 0's diff.
    pub predeployed: StateDiff,
}

impl FetchedBlock {
    /// Fetches block `block_number`; `known` says which class hashes the watcher already holds.
    pub async fn fetch(
        client: &SequencerClient,
        block_number: u64,
        known: impl Fn(Felt) -> bool,
    ) -> Result<FetchedBlock, WatcherError> {
        let (block, claimed_commitments) = client.block_with_txs(block_number).await?;
        let update = client.state_update(block_number).await?;
        if update.block_hash != block.block_hash {
            return Err(WatcherError::Malformed {
                method: "starknet_getStateUpdate",
                reason: format!(
                    "state update of block {block_number} is for block hash {:#x}, the block is {:#x}",
                    update.block_hash, block.block_hash
                ),
            });
        }
        let claimed_diff = state_diff_from_rpc(&update.state_diff);
        let transactions = block
            .transactions
            .iter()
            .map(transaction_from_rpc)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| WatcherError::Malformed {
                method: "starknet_getBlockWithTxs",
                reason: format!("block {block_number}: {error}"),
            })?;

        // Classes to run: those DECLAREd by the block's transactions and those its diff
        // declares (genesis declares without transactions).
        let mut wanted: BTreeSet<Felt> = claimed_diff.deprecated_declared_classes.clone();
        wanted.extend(claimed_diff.declared_classes.keys());
        wanted.extend(transactions.iter().filter_map(|(tx, _)| match tx {
            Transaction::DeclareV1(declare) => Some(declare.class_hash),
            Transaction::DeclareV3(declare) => Some(declare.class_hash),
            Transaction::DeclareV2(declare) => Some(declare.class_hash),
            _ => None,
        }));
        let mut new_classes = Vec::new();
        let mut compiled = BTreeMap::new();
        for class_hash in wanted.into_iter().filter(|hash| !known(*hash)) {
            let class = client.class(block_number, class_hash).await?;
            if let chain::classes::ContractClass::Sierra(definition) = &class {
                let committed = claimed_diff.declared_classes.get(&class_hash).copied();
                let sierra =
                    compile_checked(client, class_hash, definition.clone(), committed).await?;
                compiled.insert(class_hash, sierra);
            }
            new_classes.push((class_hash, class));
        }

        let header = header_fields(&block)?;
        Ok(FetchedBlock {
            block_number,
            block_hash: block.block_hash,
            parent_hash: block.parent_hash,
            timestamp: block.timestamp,
            sequencer_address: block.sequencer_address,
            new_root: block.new_root,
            gas_prices: header.0,
            l1_da_mode: header.1,
            starknet_version: header.2,
            claimed_commitments,
            transactions,
            claimed_old_root: update.old_root,
            claimed_new_root: update.new_root,
            claimed_diff,
            new_classes,
            compiled,
            predeployed: StateDiff::default(),
        })
    }

    /// Adds `predeployed` (genesis state in no state update) and fetches the classes it declares
    /// that neither `known` nor this block has.
    pub async fn add_predeployed(
        &mut self,
        client: &SequencerClient,
        predeployed: StateDiff,
        known: impl Fn(Felt) -> bool,
    ) -> Result<(), WatcherError> {
        let mut wanted: BTreeSet<Felt> = predeployed.deprecated_declared_classes.clone();
        wanted.extend(predeployed.declared_classes.keys());
        let fetched: BTreeSet<Felt> = self.new_classes.iter().map(|(hash, _)| *hash).collect();
        for class_hash in wanted.into_iter().filter(|h| !known(*h) && !fetched.contains(h)) {
            let class = client.class(self.block_number, class_hash).await?;
            if let chain::classes::ContractClass::Sierra(definition) = &class {
                let committed = predeployed.declared_classes.get(&class_hash).copied();
                let sierra =
                    compile_checked(client, class_hash, definition.clone(), committed).await?;
                self.compiled.insert(class_hash, sierra);
            }
            self.new_classes.push((class_hash, class));
        }
        self.predeployed = predeployed;
        Ok(())
    }
}

fn header_fields(
    block: &BlockWithTxs,
) -> Result<(GasPrices, L1DataAvailabilityMode, StarknetVersion), WatcherError> {
    let malformed = |reason: String| WatcherError::Malformed {
        method: "starknet_getBlockWithTxs",
        reason: format!("block {}: {reason}", block.block_number),
    };
    let price = |name: &str, value: Felt| {
        u128::try_from(value).map_err(|_| malformed(format!("{name} {value:#x} exceeds 128 bits")))
    };
    let gas_prices = GasPrices {
        l1_gas_price_wei: price("l1_gas_price", block.l1_gas_price.price_in_wei)?,
        l1_gas_price_fri: price("l1_gas_price", block.l1_gas_price.price_in_fri)?,
        l1_data_gas_price_wei: price("l1_data_gas_price", block.l1_data_gas_price.price_in_wei)?,
        l1_data_gas_price_fri: price("l1_data_gas_price", block.l1_data_gas_price.price_in_fri)?,
        l2_gas_price_wei: price("l2_gas_price", block.l2_gas_price.price_in_wei)?,
        l2_gas_price_fri: price("l2_gas_price", block.l2_gas_price.price_in_fri)?,
    };
    let l1_da_mode = match block.l1_da_mode {
        wire::L1DataAvailabilityMode::Calldata => L1DataAvailabilityMode::Calldata,
        wire::L1DataAvailabilityMode::Blob => L1DataAvailabilityMode::Blob,
    };
    let version = StarknetVersion::new(&block.starknet_version)
        .map_err(|error| malformed(format!("starknet_version: {error}")))?;
    Ok((gas_prices, l1_da_mode, version))
}
