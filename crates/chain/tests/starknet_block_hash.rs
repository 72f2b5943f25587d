//! The block hash and the block commitments are Starknet's (0.13.4 on): the regression vectors
//! of StarkWare's `starknet_api` (`block_hash/*_test.rs`, 0.20.0-rc.1) as published vectors, and
//! `starknet_api` itself as the oracle on pseudo-random blocks.

use chain::block::{BodyCommitments, L1DataAvailabilityMode, StarknetVersion, transaction_leaf};
use chain::receipt::{ExecutionResources, Fee, FeeUnit};
use chain::{
    BlockHeader, Event, ExecutionStatus, Felt, GasPrices, MessageToL1, Receipt, StateDiff,
    TransactionKind, transaction_commitment,
};
use indexmap::IndexMap;
use starknet_api::block::{
    BlockHash, BlockNumber, BlockTimestamp, GasPrice, GasPricePerToken,
    StarknetVersion as ApiVersion,
};
use starknet_api::block_hash::block_hash_calculator::{
    PartialBlockHashComponents, TransactionHashingData, TransactionOutputForHash,
    calculate_block_commitments, calculate_block_hash,
};
use starknet_api::core::{
    ClassHash, CompiledClassHash, ContractAddress, EthAddress, GlobalRoot, Nonce,
    SequencerContractAddress,
};
use starknet_api::data_availability::L1DataAvailabilityMode as ApiDaMode;
use starknet_api::execution_resources::{GasAmount, GasVector};
use starknet_api::state::{StorageKey, ThinStateDiff};
use starknet_api::transaction::fields::{Fee as ApiFee, TransactionSignature};
use starknet_api::transaction::{
    Event as ApiEvent, EventContent, EventData, EventKey, L2ToL1Payload, MessageToL1 as ApiMessage,
    RevertedTransactionExecutionStatus, TransactionExecutionStatus, TransactionHash,
};

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).unwrap()
}

fn message(seed: u64) -> MessageToL1 {
    MessageToL1 {
        from_address: Felt::from(seed),
        to_address: Felt::from(seed + 1),
        payload: vec![Felt::from(seed + 2), Felt::from(seed + 3)],
    }
}

/// `test_utils::get_transaction_output` of `starknet_api`, as this chain's receipt.
fn vector_receipt(transaction_hash: Felt) -> Receipt {
    Receipt {
        transaction_hash,
        kind: TransactionKind::Invoke,
        actual_fee: Fee { amount: Felt::from(99804u64), unit: FeeUnit::Fri },
        execution_status: ExecutionStatus::Reverted { reason: "aborted".into() },
        events: vec![],
        messages_sent: vec![message(34), message(56)],
        execution_resources: ExecutionResources {
            l1_gas: 16580,
            l1_data_gas: 32,
            ..Default::default()
        },
        contract_address: None,
    }
}

/// `test_utils::get_state_diff` of `starknet_api`; its deployed contract 19 is a replaced class
/// here (Starknet's deployed contracts include replaced classes).
fn vector_state_diff() -> StateDiff {
    let mut diff = StateDiff::default();
    diff.deployed_contracts.insert(Felt::ZERO, Felt::ONE);
    diff.deployed_contracts.insert(Felt::TWO, Felt::THREE);
    diff.replaced_classes.insert(Felt::from(19u64), Felt::from(20u64));
    diff.set_storage(Felt::from(4u64), Felt::from(5u64), Felt::from(6u64));
    diff.set_storage(Felt::from(4u64), Felt::from(7u64), Felt::from(8u64));
    diff.set_storage(Felt::from(9u64), Felt::from(10u64), Felt::from(11u64));
    diff.declared_classes.insert(Felt::from(12u64), Felt::from(13u64));
    diff.declared_classes.insert(Felt::from(14u64), Felt::from(15u64));
    diff.deprecated_declared_classes.insert(Felt::from(16u64));
    diff.nonces.insert(Felt::from(17u64), Felt::from(18u64));
    diff
}

#[test]
fn published_transaction_vectors() {
    let signature = [Felt::TWO, Felt::THREE];
    assert_eq!(
        transaction_leaf(Felt::ONE, &signature),
        felt("0x2f0d8840bcf3bc629598d8a6cc80cb7c0d9e52d93dab244bbf9cd0dca0ad082")
    );
    assert_eq!(
        transaction_leaf(Felt::ONE, &[]),
        felt("0x579e8877c7755365d5ec1ec7d3a94a457eff5d1f40482bbe9729c064cdead2")
    );
    assert_eq!(
        transaction_commitment(&[(Felt::ONE, &signature), (Felt::ONE, &signature)]),
        felt("0x0282b635972328bd1cfa86496fe920d20bd9440cd78ee8dc90ae2b383d664dcf")
    );
}

#[test]
fn published_state_diff_vector() {
    let diff = vector_state_diff();
    assert_eq!(
        diff.commitment(),
        felt("0x0281f5966e49ad7dad9323826d53d1d27c0c4e6ebe5525e2e2fbca549bfa0a67")
    );
    assert_eq!(chain::starknet_commitments::state_diff_length(&diff), 10);
}

fn counts_header(transactions: u64, events: u64, diff_length: u64) -> BlockHeader {
    BlockHeader {
        block_number: 0,
        parent_hash: Felt::ZERO,
        timestamp: 0,
        sequencer_address: Felt::ZERO,
        state_root: Felt::ZERO,
        transaction_count: transactions,
        transaction_commitment: Felt::ZERO,
        event_count: events,
        event_commitment: Felt::ZERO,
        receipt_commitment: Felt::ZERO,
        state_diff_commitment: Felt::ZERO,
        state_diff_length: diff_length,
        gas_prices: GasPrices::default(),
        l1_da_mode: L1DataAvailabilityMode::Blob,
        starknet_version: StarknetVersion::current(),
    }
}

#[test]
fn published_concatenated_counts_vector() {
    assert_eq!(
        counts_header(4, 3, 2).concatenated_counts(),
        felt("0x0000000000000004000000000000000300000000000000028000000000000000")
    );
}

/// `test_block_hash_regression` of `starknet_api`, version 0.13.4.
#[test]
fn published_block_hash_vector() {
    let signature = [Felt::TWO, Felt::THREE];
    let receipts = [vector_receipt(Felt::ONE)];
    let header = BlockHeader::new(
        1,
        Felt::from(11u64),
        4,
        Felt::THREE,
        Felt::TWO,
        BodyCommitments::of_block(&[(Felt::ONE, &signature)], &receipts, &vector_state_diff()),
        GasPrices {
            l1_gas_price_wei: 7,
            l1_gas_price_fri: 6,
            l1_data_gas_price_wei: 9,
            l1_data_gas_price_fri: 10,
            l2_gas_price_wei: 12,
            l2_gas_price_fri: 11,
        },
        L1DataAvailabilityMode::Blob,
        StarknetVersion::new("0.13.4").unwrap(),
    );
    assert_eq!(
        header.hash(),
        felt("0x3d6174623c812f5dc03fa3faa07c42c06fd90ad425629ee5f39e149df65c3ca")
    );
}

/// A splitmix64 generator: reproducible pseudo-random blocks without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn felt(&mut self) -> Felt {
        Felt::from(self.next())
    }

    fn felts(&mut self, max_len: u64) -> Vec<Felt> {
        (0..self.below(max_len + 1)).map(|_| self.felt()).collect()
    }
}

struct Block {
    header: BlockHeader,
    transactions: Vec<(Felt, Vec<Felt>)>,
    receipts: Vec<Receipt>,
    diff: StateDiff,
}

fn random_block(rng: &mut Rng) -> Block {
    let n_transactions = rng.below(40);
    let transactions: Vec<(Felt, Vec<Felt>)> =
        (0..n_transactions).map(|_| (rng.felt(), rng.felts(3))).collect();
    let receipts: Vec<Receipt> = transactions
        .iter()
        .map(|(hash, _)| Receipt {
            transaction_hash: *hash,
            kind: TransactionKind::Invoke,
            actual_fee: Fee { amount: Felt::from(rng.next()), unit: FeeUnit::Fri },
            execution_status: if rng.below(4) == 0 {
                ExecutionStatus::Reverted { reason: format!("reason {}", rng.next()) }
            } else {
                ExecutionStatus::Succeeded
            },
            events: (0..rng.below(4))
                .map(|_| Event {
                    from_address: Felt::from(rng.below(1 << 40)),
                    keys: rng.felts(3),
                    data: rng.felts(4),
                })
                .collect(),
            messages_sent: (0..rng.below(3))
                .map(|_| MessageToL1 {
                    from_address: Felt::from(rng.below(1 << 40)),
                    to_address: Felt::from(rng.below(1 << 40)),
                    payload: rng.felts(3),
                })
                .collect(),
            execution_resources: ExecutionResources {
                l1_gas: rng.below(1 << 20),
                l1_data_gas: rng.below(1 << 20),
                l2_gas: rng.below(1 << 20),
                ..Default::default()
            },
            contract_address: None,
        })
        .collect();
    let mut diff = StateDiff::default();
    let address = |rng: &mut Rng| Felt::from(rng.below(1 << 40));
    for _ in 0..rng.below(5) {
        diff.deployed_contracts.insert(address(rng), rng.felt());
    }
    for _ in 0..rng.below(3) {
        let replaced = address(rng);
        if !diff.deployed_contracts.contains_key(&replaced) {
            diff.replaced_classes.insert(replaced, rng.felt());
        }
    }
    for _ in 0..rng.below(3) {
        diff.declared_classes.insert(rng.felt(), rng.felt());
    }
    for _ in 0..rng.below(3) {
        diff.deprecated_declared_classes.insert(rng.felt());
    }
    for _ in 0..rng.below(5) {
        diff.nonces.insert(address(rng), rng.felt());
    }
    for _ in 0..rng.below(6) {
        let contract = address(rng);
        for _ in 0..1 + rng.below(4) {
            diff.set_storage(contract, Felt::from(rng.below(1 << 40)), rng.felt());
        }
    }
    let signed: Vec<(Felt, &[Felt])> =
        transactions.iter().map(|(hash, signature)| (*hash, signature.as_slice())).collect();
    let header = BlockHeader::new(
        rng.below(1 << 30),
        rng.felt(),
        rng.below(1 << 32),
        Felt::from(rng.below(1 << 40)),
        rng.felt(),
        BodyCommitments::of_block(&signed, &receipts, &diff),
        GasPrices {
            l1_gas_price_wei: rng.next().into(),
            l1_gas_price_fri: rng.next().into(),
            l1_data_gas_price_wei: rng.next().into(),
            l1_data_gas_price_fri: rng.next().into(),
            l2_gas_price_wei: rng.next().into(),
            l2_gas_price_fri: rng.next().into(),
        },
        if rng.below(2) == 0 {
            L1DataAvailabilityMode::Blob
        } else {
            L1DataAvailabilityMode::Calldata
        },
        StarknetVersion::current(),
    );
    Block { header, transactions, receipts, diff }
}

fn contract(address: &Felt) -> ContractAddress {
    ContractAddress::from(u128::try_from(*address).unwrap())
}

/// The block as `starknet_api` takes it.
fn oracle_hash(block: &Block) -> Felt {
    let transactions: Vec<TransactionHashingData> = block
        .transactions
        .iter()
        .zip(&block.receipts)
        .map(|((hash, signature), receipt)| TransactionHashingData {
            transaction_signature: TransactionSignature(signature.clone().into()),
            transaction_hash: TransactionHash(*hash),
            transaction_output: TransactionOutputForHash {
                actual_fee: ApiFee(u128::try_from(receipt.actual_fee.amount).unwrap()),
                events: receipt
                    .events
                    .iter()
                    .map(|event| ApiEvent {
                        from_address: contract(&event.from_address),
                        content: EventContent {
                            keys: event.keys.iter().copied().map(EventKey).collect(),
                            data: EventData(event.data.clone()),
                        },
                    })
                    .collect(),
                execution_status: match &receipt.execution_status {
                    ExecutionStatus::Succeeded => TransactionExecutionStatus::Succeeded,
                    ExecutionStatus::Reverted { reason } => {
                        TransactionExecutionStatus::Reverted(RevertedTransactionExecutionStatus {
                            revert_reason: reason.clone(),
                        })
                    }
                },
                gas_consumed: GasVector {
                    l1_gas: GasAmount(receipt.execution_resources.l1_gas),
                    l1_data_gas: GasAmount(receipt.execution_resources.l1_data_gas),
                    l2_gas: GasAmount(receipt.execution_resources.l2_gas),
                },
                messages_sent: receipt
                    .messages_sent
                    .iter()
                    .map(|message| ApiMessage {
                        from_address: contract(&message.from_address),
                        to_address: EthAddress::try_from(message.to_address).unwrap(),
                        payload: L2ToL1Payload(message.payload.clone()),
                    })
                    .collect(),
            },
        })
        .collect();
    let diff = &block.diff;
    let thin = ThinStateDiff {
        deployed_contracts: diff
            .deployed_contracts
            .iter()
            .chain(&diff.replaced_classes)
            .map(|(address, class)| (contract(address), ClassHash(*class)))
            .collect(),
        storage_diffs: diff
            .storage_diffs
            .iter()
            .map(|(address, entries)| {
                let entries: IndexMap<StorageKey, Felt> = entries
                    .iter()
                    .map(|(key, value)| (StorageKey::from(u128::try_from(*key).unwrap()), *value))
                    .collect();
                (contract(address), entries)
            })
            .collect(),
        class_hash_to_compiled_class_hash: diff
            .declared_classes
            .iter()
            .map(|(class, compiled)| (ClassHash(*class), CompiledClassHash(*compiled)))
            .collect(),
        deprecated_declared_classes: diff
            .deprecated_declared_classes
            .iter()
            .rev()
            .copied()
            .map(ClassHash)
            .collect(),
        nonces: diff
            .nonces
            .iter()
            .map(|(address, nonce)| (contract(address), Nonce(*nonce)))
            .collect(),
    };
    let header = &block.header;
    let da_mode = match header.l1_da_mode {
        L1DataAvailabilityMode::Blob => ApiDaMode::Blob,
        L1DataAvailabilityMode::Calldata => ApiDaMode::Calldata,
    };
    let version = ApiVersion::try_from(header.starknet_version.as_str().to_owned()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let (commitments, _) =
        runtime.block_on(calculate_block_commitments(&transactions, thin, da_mode, &version));
    let price = |wei: u128, fri: u128| GasPricePerToken {
        price_in_wei: GasPrice(wei),
        price_in_fri: GasPrice(fri),
    };
    let prices = &header.gas_prices;
    let components = PartialBlockHashComponents {
        header_commitments: commitments,
        block_number: BlockNumber(header.block_number),
        l1_gas_price: price(prices.l1_gas_price_wei, prices.l1_gas_price_fri),
        l1_data_gas_price: price(prices.l1_data_gas_price_wei, prices.l1_data_gas_price_fri),
        l2_gas_price: price(prices.l2_gas_price_wei, prices.l2_gas_price_fri),
        sequencer: SequencerContractAddress(contract(&header.sequencer_address)),
        timestamp: BlockTimestamp(header.timestamp),
        starknet_version: version,
    };
    let hash = calculate_block_hash(
        &components,
        GlobalRoot(header.state_root),
        BlockHash(header.parent_hash),
    )
    .unwrap();
    // The parts too, so a disagreement names its commitment.
    let ours = header.body_commitments();
    assert_eq!(ours.transaction_commitment, components.header_commitments.transaction_commitment.0);
    assert_eq!(ours.event_commitment, components.header_commitments.event_commitment.0);
    assert_eq!(ours.receipt_commitment, components.header_commitments.receipt_commitment.0);
    assert_eq!(ours.state_diff_commitment, components.header_commitments.state_diff_commitment.0.0);
    assert_eq!(header.concatenated_counts(), components.header_commitments.concatenated_counts);
    hash.0
}

#[test]
fn block_hash_agrees_with_starknet_api() {
    let mut rng = Rng(0x5eed_b10c);
    for index in 0..60 {
        let block = random_block(&mut rng);
        assert_eq!(block.header.hash(), oracle_hash(&block), "block {index}");
    }
}

#[test]
fn each_header_group_changes_the_hash() {
    let block = random_block(&mut Rng(7));
    let base = block.header.hash();
    type Mutation = fn(&mut BlockHeader);
    let groups: [(&str, Mutation); 6] = [
        ("counts", |h| h.state_diff_length += 1),
        ("gas prices", |h| h.gas_prices.l2_gas_price_wei += 1),
        ("receipt commitment", |h| h.receipt_commitment += Felt::ONE),
        ("version", |h| h.starknet_version = StarknetVersion::new("0.14.0").unwrap()),
        ("parent", |h| h.parent_hash += Felt::ONE),
        ("data availability", |h| {
            h.l1_da_mode = match h.l1_da_mode {
                L1DataAvailabilityMode::Blob => L1DataAvailabilityMode::Calldata,
                L1DataAvailabilityMode::Calldata => L1DataAvailabilityMode::Blob,
            }
        }),
    ];
    for (group, mutate) in groups {
        let mut changed = block.header.clone();
        mutate(&mut changed);
        assert_ne!(changed.hash(), base, "{group}");
    }
}
