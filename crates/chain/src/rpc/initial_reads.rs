//! Spec 0.10.3's `INITIAL_READS`: the state values a run fetched from the state it started on
//! (`starknet_simulateTransactions` and `starknet_traceBlockTransactions` with the
//! `RETURN_INITIAL_READS` flag), enough to rebuild the state the run needs and execute it again.
//!
//! Each map is keyed as the spec's entries are; maps keep the answer sorted, so the same run
//! always gives the same JSON.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::Felt;

/// `INITIAL_READS`: what a run read from the state it started on, before any of its own writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitialReads {
    /// `(contract_address, key) -> value` of every storage cell read (or written without being
    /// read first: its value before the write decides whether the write is a change).
    pub storage: BTreeMap<(Felt, Felt), Felt>,
    /// `contract_address -> nonce`.
    pub nonces: BTreeMap<Felt, Felt>,
    /// `contract_address -> class_hash` (0 where no contract was deployed).
    pub class_hashes: BTreeMap<Felt, Felt>,
    /// `class_hash -> is_declared`.
    pub declared_contracts: BTreeMap<Felt, bool>,
}

impl InitialReads {
    /// Adds the reads of a run that came after this one, on the state this one left: a value
    /// this set already holds was read (or written) earlier, so the later read saw this run's
    /// value, not the initial one, and is left out. Runs merged this way give what one cached
    /// state over the whole sequence would have fetched, provided every run records the initial
    /// value of whatever it writes (blockifier's cached state does).
    pub fn merge_later(&mut self, later: &InitialReads) {
        for (key, value) in &later.storage {
            self.storage.entry(*key).or_insert(*value);
        }
        for (address, nonce) in &later.nonces {
            self.nonces.entry(*address).or_insert(*nonce);
        }
        for (address, class_hash) in &later.class_hashes {
            self.class_hashes.entry(*address).or_insert(*class_hash);
        }
        for (class_hash, declared) in &later.declared_contracts {
            self.declared_contracts.entry(*class_hash).or_insert(*declared);
        }
    }
}

/// Felts as the spec writes them: `0x`-prefixed lowercase hex.
fn hex(felt: &Felt) -> String {
    format!("{felt:#x}")
}

impl Serialize for InitialReads {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde_json::json;
        let storage: Vec<_> = self
            .storage
            .iter()
            .map(|((address, key), value)| {
                json!({"contract_address": hex(address), "key": hex(key), "value": hex(value)})
            })
            .collect();
        let nonces: Vec<_> = self
            .nonces
            .iter()
            .map(|(address, nonce)| json!({"contract_address": hex(address), "nonce": hex(nonce)}))
            .collect();
        let class_hashes: Vec<_> = self
            .class_hashes
            .iter()
            .map(|(address, class_hash)| {
                json!({"contract_address": hex(address), "class_hash": hex(class_hash)})
            })
            .collect();
        let declared: Vec<_> = self
            .declared_contracts
            .iter()
            .map(|(class_hash, declared)| {
                json!({"class_hash": hex(class_hash), "is_declared": declared})
            })
            .collect();
        let mut object = serializer.serialize_struct("InitialReads", 4)?;
        object.serialize_field("storage", &storage)?;
        object.serialize_field("nonces", &nonces)?;
        object.serialize_field("class_hashes", &class_hashes)?;
        object.serialize_field("declared_contracts", &declared)?;
        object.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn later_reads_do_not_replace_earlier_ones() {
        let (a, k) = (Felt::from(0xau64), Felt::from(0x1u64));
        let mut first = InitialReads::default();
        first.storage.insert((a, k), Felt::from(5u64));
        first.nonces.insert(a, Felt::ZERO);
        let mut second = InitialReads::default();
        // What the second run read of the cell is the first run's write, not an initial value.
        second.storage.insert((a, k), Felt::from(6u64));
        second.storage.insert((a, Felt::TWO), Felt::from(7u64));
        second.nonces.insert(a, Felt::ONE);
        second.declared_contracts.insert(Felt::from(0xc1u64), false);
        first.merge_later(&second);
        assert_eq!(first.storage[&(a, k)], Felt::from(5u64));
        assert_eq!(first.storage[&(a, Felt::TWO)], Felt::from(7u64));
        assert_eq!(first.nonces[&a], Felt::ZERO);
        assert_eq!(
            serde_json::to_value(&first).unwrap(),
            json!({
                "storage": [
                    {"contract_address": "0xa", "key": "0x1", "value": "0x5"},
                    {"contract_address": "0xa", "key": "0x2", "value": "0x7"},
                ],
                "nonces": [{"contract_address": "0xa", "nonce": "0x0"}],
                "class_hashes": [],
                "declared_contracts": [{"class_hash": "0xc1", "is_declared": false}],
            })
        );
    }
}
