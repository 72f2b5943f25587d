//! Starknet's Patricia root of block commitments, receipt hash and commitment, and state-diff
//! length (Starknet 0.13.2 and later), which the block hash ([`crate::block`]) commits to.
//!
//! Computed **as Starknet defines them** (the formulas of StarkWare's `starknet_api::block_hash`),
//! from the block's receipts and state diff:
//!
//! * receipt hash: `poseidon_hash_many([transaction_hash, actual_fee, messages_hash,
//!   revert_reason_hash, 0, l1_gas, l1_data_gas])`, where `messages_hash =
//!   poseidon_hash_many([n_messages, (from_address, to_address, len(payload), ...payload)*])`,
//!   `revert_reason_hash` is the Starknet Keccak of the revert reason's bytes (0 when the
//!   transaction succeeded), and the L2 gas slot is 0 as Starknet hashes it (0.13.2 to 0.14);
//! * receipt commitment: the root of a Patricia-Merkle trie of height 64 keyed by the
//!   transaction's index, its leaves the receipt hashes, hashed with Poseidon ([`patricia_root`];
//!   an empty block has root 0); the transaction and event commitments use the same trie;
//! * state-diff length: deployed contracts + replaced classes + declared classes + deprecated
//!   declared classes + nonce updates + storage entries (Starknet's `ThinStateDiff::len`, whose
//!   deployed contracts include replaced classes).
//!
//! Both are header fields bound by the block hash, and the OS recomputes both: the state-diff
//! length from the squashed state diff, the receipt hashes from the transaction hash it computes
//! and from receipt fields it takes from its input without proving them (actual fee, messages
//! hash, revert reason hash, L1 gas, L1 data gas: the trust assumptions of the OS README).

use starknet_crypto::{poseidon_hash, poseidon_hash_many};

use crate::{ExecutionStatus, Felt, Receipt, StateDiff};

/// Height of the Patricia tries of Starknet's block commitments (keys are 64-bit indices).
const TRIE_HEIGHT: u32 = 64;

/// The root of Starknet's height-64 Patricia-Merkle trie (Poseidon) whose leaf `i` is
/// `values[i]`; 0 for no values.
///
/// A node's hash is: a leaf's value; `poseidon(left, right)` for a node with two children; and
/// for an edge of `length` bits with path `path` down to `child`, `poseidon(child, path) +
/// length`. Keys are consecutive from 0, so every edge here is a run of zero bits.
pub fn patricia_root(values: &[Felt]) -> Felt {
    if values.is_empty() {
        return Felt::ZERO;
    }
    subtree_hash(values, 0, TRIE_HEIGHT)
}

/// Hash of the subtree whose leaves are `values`, keyed `first_key..first_key + len`: they share
/// their bits above `height`, and `height` bits remain below this node.
fn subtree_hash(values: &[Felt], first_key: u64, height: u32) -> Felt {
    if height == 0 {
        return values[0];
    }
    let last_key = first_key + (values.len() as u64 - 1);
    // Bit `level - 1` of `key`, for `level` in `1..=height`.
    let bit = |key: u64, level: u32| (key >> (level - 1)) & 1;
    if bit(first_key, height) != bit(last_key, height) {
        // Two children: the keys are consecutive, so the right one starts at the first key
        // with this bit set.
        let first_right = (last_key >> (height - 1)) << (height - 1);
        let split = (first_right - first_key) as usize;
        let left = subtree_hash(&values[..split], first_key, height - 1);
        let right = subtree_hash(&values[split..], first_right, height - 1);
        return poseidon_hash(left, right);
    }
    // An edge over the bits all keys share (zeros when the keys run from 0).
    let mut level = height;
    while level > 0 && bit(first_key, level) == bit(last_key, level) {
        level -= 1;
    }
    let length = height - level;
    let mask = if length == 64 { u64::MAX } else { (1u64 << length) - 1 };
    let path = if level == 64 { 0 } else { (first_key >> level) & mask };
    let child = subtree_hash(values, first_key, level);
    poseidon_hash(child, Felt::from(path)) + Felt::from(length)
}

/// Starknet's hash of a receipt's L2 -> L1 messages: `poseidon_hash_many([n_messages,
/// (from_address, to_address, len(payload), ...payload)*])`.
pub fn messages_hash(receipt: &Receipt) -> Felt {
    let mut messages = vec![Felt::from(receipt.messages_sent.len())];
    for message in &receipt.messages_sent {
        messages.push(message.from_address);
        messages.push(message.to_address);
        messages.push(Felt::from(message.payload.len()));
        messages.extend_from_slice(&message.payload);
    }
    poseidon_hash_many(&messages)
}

/// The Starknet Keccak of a receipt's revert reason, 0 when the transaction succeeded.
pub fn revert_reason_hash(receipt: &Receipt) -> Felt {
    match &receipt.execution_status {
        ExecutionStatus::Succeeded => Felt::ZERO,
        ExecutionStatus::Reverted { reason } => {
            starknet_core::utils::starknet_keccak(reason.as_bytes())
        }
    }
}

/// Starknet's receipt hash (see the module docs).
pub fn receipt_hash(receipt: &Receipt) -> Felt {
    let resources = &receipt.execution_resources;
    poseidon_hash_many(&[
        receipt.transaction_hash,
        receipt.actual_fee.amount,
        messages_hash(receipt),
        revert_reason_hash(receipt),
        Felt::ZERO,
        Felt::from(resources.l1_gas),
        Felt::from(resources.l1_data_gas),
    ])
}

/// Starknet's receipt commitment of a block's receipts, in transaction order.
pub fn receipt_commitment(receipts: &[Receipt]) -> Felt {
    let hashes: Vec<Felt> = receipts.iter().map(receipt_hash).collect();
    patricia_root(&hashes)
}

/// Starknet's state-diff length (see the module docs).
pub fn state_diff_length(diff: &StateDiff) -> u64 {
    let storage_entries: usize = diff.storage_diffs.values().map(|entries| entries.len()).sum();
    (diff.deployed_contracts.len()
        + diff.replaced_classes.len()
        + diff.declared_classes.len()
        + diff.deprecated_declared_classes.len()
        + diff.nonces.len()
        + storage_entries) as u64
}

#[cfg(test)]
mod tests {
    //! Vectors from StarkWare's `starknet_api` (`block_hash/*_test.rs`, regression tests).

    use super::*;
    use crate::receipt::{ExecutionResources, Fee, FeeUnit, MessageToL1};
    use crate::{Event, TransactionKind};

    fn felt(hex: &str) -> Felt {
        Felt::from_hex(hex).unwrap()
    }

    #[test]
    fn patricia_root_of_three_event_hashes() {
        let hashes: Vec<Felt> = (0u64..3)
            .map(|seed| {
                let event = Event {
                    from_address: Felt::from(seed + 8),
                    keys: vec![Felt::from(seed), Felt::from(seed + 1)],
                    data: (seed + 2..seed + 5).map(Felt::from).collect(),
                };
                crate::block::event_hash(&event, felt("0x1234"))
            })
            .collect();
        assert_eq!(
            hashes[2],
            felt("0x367807f532742a4dcbe2d8a47b974b22dd7496faa75edc64a3a5fdb6709057")
        );
        assert_eq!(
            patricia_root(&hashes),
            felt("0x069bb140ddbbeb01d81c7201ecfb933031306e45dab9c77ff9f9ba3cd4c2b9c3")
        );
    }

    #[test]
    fn patricia_root_small_cases() {
        assert_eq!(patricia_root(&[]), Felt::ZERO);
        let leaf = Felt::from(7u64);
        assert_eq!(patricia_root(&[leaf]), poseidon_hash(leaf, Felt::ZERO) + Felt::from(64u64));
        // Two leaves: an edge of 63 zero bits to a binary node.
        let (a, b) = (Felt::from(1u64), Felt::from(2u64));
        assert_eq!(
            patricia_root(&[a, b]),
            poseidon_hash(poseidon_hash(a, b), Felt::ZERO) + Felt::from(63u64)
        );
    }

    /// The same trie built bottom-up, one level at a time: nodes are `(key, hash, edge path,
    /// edge length)`, a lone child's edge grows by one bit per level.
    fn bottom_up_root(values: &[Felt]) -> Felt {
        type Node = (u64, Felt, u64, u32);
        let seal = |(_, hash, path, length): Node| match length {
            0 => hash,
            _ => poseidon_hash(hash, Felt::from(path)) + Felt::from(length),
        };
        let mut nodes: Vec<Node> =
            values.iter().enumerate().map(|(key, value)| (key as u64, *value, 0, 0)).collect();
        for _ in 0..TRIE_HEIGHT {
            let mut parents = Vec::new();
            let mut index = 0;
            while index < nodes.len() {
                let (key, hash, path, length) = nodes[index];
                if key % 2 == 0 && nodes.get(index + 1).is_some_and(|next| next.0 == key + 1) {
                    let hash = poseidon_hash(seal(nodes[index]), seal(nodes[index + 1]));
                    parents.push((key / 2, hash, 0, 0));
                    index += 2;
                } else {
                    parents.push((key / 2, hash, path | ((key & 1) << length), length + 1));
                    index += 1;
                }
            }
            nodes = parents;
        }
        seal(nodes[0])
    }

    #[test]
    fn patricia_root_agrees_with_a_bottom_up_build() {
        for count in 1..=40u64 {
            let values: Vec<Felt> = (0..count).map(|i| Felt::from(1000 + i * 7)).collect();
            assert_eq!(patricia_root(&values), bottom_up_root(&values), "{count} leaves");
        }
    }

    fn message(seed: u64) -> MessageToL1 {
        MessageToL1 {
            from_address: Felt::from(seed),
            to_address: Felt::from(seed + 1),
            payload: vec![Felt::from(seed + 2), Felt::from(seed + 3)],
        }
    }

    #[test]
    fn receipt_hash_and_commitment_vectors() {
        let receipt = Receipt {
            transaction_hash: Felt::from(1234u64),
            kind: TransactionKind::Invoke,
            actual_fee: Fee { amount: Felt::from(99804u64), unit: FeeUnit::Fri },
            execution_status: ExecutionStatus::Reverted { reason: "aborted".into() },
            events: vec![],
            messages_sent: vec![message(34), message(56)],
            execution_resources: ExecutionResources {
                l1_gas: 16580,
                l1_data_gas: 32,
                // Starknet hashes the L2 gas slot as 0; it must not change the hash.
                l2_gas: 5,
                ..Default::default()
            },
            contract_address: None,
        };
        assert_eq!(
            receipt_hash(&receipt),
            felt("0x6276abf21e7c68b2eecfdc8a845b11b44401901f5f040efe10c60d625049646")
        );
        assert_eq!(
            receipt_commitment(&[receipt]),
            felt("0x31963cb891ebb825e83514deb748c89b6967b5368cbc48a9b56193a1464ca87")
        );
        assert_eq!(receipt_commitment(&[]), Felt::ZERO);
    }

    #[test]
    fn revert_reason_hash_vector() {
        assert_eq!(
            starknet_core::utils::starknet_keccak(b"ABC"),
            felt("0x01629b9dda060bb30c7908346f6af189c16773fa148d3366701fbaa35d54f3c8")
        );
    }

    #[test]
    fn state_diff_length_counts_every_entry() {
        let mut diff = StateDiff::default();
        diff.deployed_contracts.insert(Felt::ZERO, Felt::ONE);
        diff.deployed_contracts.insert(Felt::TWO, Felt::THREE);
        diff.set_storage(Felt::from(4u64), Felt::from(5u64), Felt::from(6u64));
        diff.set_storage(Felt::from(4u64), Felt::from(7u64), Felt::from(8u64));
        diff.set_storage(Felt::from(9u64), Felt::from(10u64), Felt::from(11u64));
        diff.declared_classes.insert(Felt::from(12u64), Felt::from(13u64));
        diff.declared_classes.insert(Felt::from(14u64), Felt::from(15u64));
        diff.deprecated_declared_classes.insert(Felt::from(16u64));
        diff.nonces.insert(Felt::from(17u64), Felt::from(18u64));
        diff.replaced_classes.insert(Felt::from(19u64), Felt::from(20u64));
        assert_eq!(state_diff_length(&diff), 10);
        assert_eq!(state_diff_length(&StateDiff::default()), 0);
    }
}
