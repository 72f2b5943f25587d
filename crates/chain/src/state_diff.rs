//! State diffs: what a block (or a transaction) changed, in a canonical order, and Starknet's
//! state-diff commitment.
//!
//! Maps are `BTreeMap`s keyed by felts, so iteration is in ascending numeric order; that order is
//! the canonical one. The commitment is Starknet's (`starknet_api::block_hash::state_diff_hash`):
//! `poseidon_hash_many(` [`StateDiff::commitment_preimage`] `)` over the flattening
//!
//! ```text
//! "STARKNET_STATE_DIFF0",
//! n_updated,   (address, class_hash)*                 deployed_contracts and replaced_classes
//!                                                     together, by address
//! n_declared,  (class_hash, compiled_class_hash)*     declared_classes, by class hash
//! n_deprecated, class_hash*                           deprecated_declared_classes, ascending
//! 1, 0                                                Starknet's placeholders
//! n_storage,   (address, n_entries, (key, value)*)*   storage_diffs, by address then key
//! n_nonces,    (address, nonce)*                      nonces, by address
//! ```
//!
//! Contracts whose storage map is empty are skipped (and not counted) so equal diffs have equal
//! commitments however they were built. A contract is never both deployed and replaced in one
//! diff ([`StateDiff::merge`] folds a replacement into the deployment).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use starknet_crypto::poseidon_hash_many;

use crate::{Felt, short_string};

/// Changes to the state: storage, nonces, class hashes of contracts, declared classes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDiff {
    /// New storage values: contract address → storage key → value (0 deletes).
    pub storage_diffs: BTreeMap<Felt, BTreeMap<Felt, Felt>>,
    /// New nonces: contract address → nonce.
    pub nonces: BTreeMap<Felt, Felt>,
    /// Newly deployed contracts: address → class hash.
    pub deployed_contracts: BTreeMap<Felt, Felt>,
    /// Contracts whose class was replaced: address → new class hash.
    pub replaced_classes: BTreeMap<Felt, Felt>,
    /// Newly declared Sierra classes: class hash → compiled class hash.
    pub declared_classes: BTreeMap<Felt, Felt>,
    /// Newly declared deprecated (Cairo 0) classes.
    pub deprecated_declared_classes: BTreeSet<Felt>,
}

/// `"STARKNET_STATE_DIFF0"`: domain separator and version of the state-diff commitment.
pub fn state_diff_domain() -> Felt {
    short_string::encode_const("STARKNET_STATE_DIFF0")
}

impl StateDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.storage_diffs.values().all(BTreeMap::is_empty)
            && self.nonces.is_empty()
            && self.deployed_contracts.is_empty()
            && self.replaced_classes.is_empty()
            && self.declared_classes.is_empty()
            && self.deprecated_declared_classes.is_empty()
    }

    /// Records a storage write.
    pub fn set_storage(&mut self, address: Felt, key: Felt, value: Felt) {
        self.storage_diffs.entry(address).or_default().insert(key, value);
    }

    /// Applies `later` on top of `self` (later writes win), e.g. to fold per-transaction diffs
    /// into a block diff.
    pub fn merge(&mut self, later: &StateDiff) {
        for (address, entries) in &later.storage_diffs {
            let target = self.storage_diffs.entry(*address).or_default();
            target.extend(entries.iter().map(|(key, value)| (*key, *value)));
        }
        self.nonces.extend(later.nonces.iter().map(|(a, n)| (*a, *n)));
        self.deployed_contracts.extend(later.deployed_contracts.iter().map(|(a, c)| (*a, *c)));
        for (address, class_hash) in &later.replaced_classes {
            // A contract deployed and then replaced in the same diff is simply deployed with the
            // final class.
            match self.deployed_contracts.get_mut(address) {
                Some(deployed) => *deployed = *class_hash,
                None => {
                    self.replaced_classes.insert(*address, *class_hash);
                }
            }
        }
        self.declared_classes.extend(later.declared_classes.iter().map(|(c, k)| (*c, *k)));
        self.deprecated_declared_classes.extend(later.deprecated_declared_classes.iter().copied());
    }

    /// The felts the commitment is computed over (see the module docs).
    pub fn commitment_preimage(&self) -> Vec<Felt> {
        let mut out = vec![state_diff_domain()];
        let mut updated = self.deployed_contracts.clone();
        updated.extend(self.replaced_classes.iter().map(|(address, class)| (*address, *class)));
        push_pairs(&mut out, &updated);
        push_pairs(&mut out, &self.declared_classes);
        out.push(Felt::from(self.deprecated_declared_classes.len()));
        out.extend(self.deprecated_declared_classes.iter().copied());
        out.push(Felt::ONE);
        out.push(Felt::ZERO);
        let contracts: Vec<_> =
            self.storage_diffs.iter().filter(|(_, entries)| !entries.is_empty()).collect();
        out.push(Felt::from(contracts.len()));
        for (address, entries) in contracts {
            out.push(*address);
            push_pairs(&mut out, entries);
        }
        push_pairs(&mut out, &self.nonces);
        out
    }

    /// The state-diff commitment: `poseidon_hash_many(self.commitment_preimage())`.
    pub fn commitment(&self) -> Felt {
        poseidon_hash_many(&self.commitment_preimage())
    }
}

fn push_pairs(out: &mut Vec<Felt>, map: &BTreeMap<Felt, Felt>) {
    out.push(Felt::from(map.len()));
    for (key, value) in map {
        out.push(*key);
        out.push(*value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn felt(value: u64) -> Felt {
        Felt::from(value)
    }

    #[test]
    fn preimage_layout() {
        let mut diff = StateDiff::default();
        diff.set_storage(felt(9), felt(2), felt(20));
        diff.set_storage(felt(9), felt(1), felt(10));
        diff.nonces.insert(felt(9), felt(1));
        diff.deployed_contracts.insert(felt(9), felt(77));
        diff.deprecated_declared_classes.insert(felt(77));
        diff.replaced_classes.insert(felt(3), felt(78));
        let expected = vec![
            state_diff_domain(),
            felt(2),
            felt(3),
            felt(78),
            felt(9),
            felt(77), // deployed and replaced, by address
            felt(0),  // declared
            felt(1),
            felt(77), // deprecated declared
            felt(1),
            felt(0), // placeholders
            felt(1),
            felt(9),
            felt(2),
            felt(1),
            felt(10),
            felt(2),
            felt(20), // storage, sorted keys
            felt(1),
            felt(9),
            felt(1), // nonces
        ];
        assert_eq!(diff.commitment_preimage(), expected);
        assert_eq!(diff.commitment(), poseidon_hash_many(&expected));
    }

    #[test]
    fn canonical_regardless_of_insertion_order_and_empty_maps() {
        let mut a = StateDiff::default();
        a.set_storage(felt(1), felt(5), felt(6));
        a.set_storage(Felt::ZERO - Felt::ONE, felt(5), felt(6));
        let mut b = StateDiff::default();
        b.set_storage(Felt::ZERO - Felt::ONE, felt(5), felt(6));
        b.set_storage(felt(1), felt(5), felt(6));
        b.storage_diffs.insert(felt(3), BTreeMap::new());
        assert_eq!(a.commitment(), b.commitment());
        // Ascending numeric order: the largest felt comes last.
        assert_eq!(a.commitment_preimage()[7], felt(1));
        assert_eq!(a.commitment_preimage()[11], Felt::ZERO - Felt::ONE);
        let mut c = a.clone();
        c.set_storage(felt(1), felt(5), felt(7));
        assert_ne!(a.commitment(), c.commitment());
    }

    #[test]
    fn merge_later_wins_and_folds_replacements() {
        let mut block = StateDiff::default();
        block.set_storage(felt(1), felt(1), felt(1));
        block.deployed_contracts.insert(felt(1), felt(100));
        let mut later = StateDiff::default();
        later.set_storage(felt(1), felt(1), felt(2));
        later.replaced_classes.insert(felt(1), felt(200));
        later.replaced_classes.insert(felt(2), felt(300));
        block.merge(&later);
        assert_eq!(block.storage_diffs[&felt(1)][&felt(1)], felt(2));
        assert_eq!(block.deployed_contracts[&felt(1)], felt(200));
        assert_eq!(block.replaced_classes.len(), 1);
        assert_eq!(block.replaced_classes[&felt(2)], felt(300));
        assert!(!block.is_empty());
        assert!(StateDiff::default().is_empty());
    }
}
