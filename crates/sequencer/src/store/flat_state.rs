//! The flat, versioned state the executor reads: every write is kept under its block number,
//! so the state at any block is one reverse range scan away, with or without the commitment.
//!
//! Keys (big-endian, so sled's byte order is (address, key, block) order):
//! `storage`: `address ‖ key ‖ block`; `nonces` and `class_hashes`: `address ‖ block`.
//! A read at block `b` takes the last entry at or below `b` for the prefix.

use chain::{Felt, StateDiff};

use super::codec::{felt_key, key, u64_key};

/// The value of the last entry with `prefix` at or below `block`, if any.
pub fn read_at(tree: &sled::Tree, prefix: &[u8], block: u64) -> Result<Option<Felt>, sled::Error> {
    Ok(last_write_at(tree, prefix, block)?.map(|(_, value)| value))
}

/// The block and value of the last entry with `prefix` at or below `block`, if any.
pub fn last_write_at(
    tree: &sled::Tree,
    prefix: &[u8],
    block: u64,
) -> Result<Option<(u64, Felt)>, sled::Error> {
    let start = key(&[prefix, &u64_key(0)]);
    let end = key(&[prefix, &u64_key(block)]);
    match tree.range(start..=end).next_back() {
        Some(entry) => {
            let (entry_key, value) = entry?;
            let mut block_bytes = [0u8; 8];
            block_bytes.copy_from_slice(&entry_key[entry_key.len() - 8..]);
            Ok(Some((u64::from_be_bytes(block_bytes), Felt::from_bytes_be_slice(&value))))
        }
        None => Ok(None),
    }
}

/// Prefix of a storage cell.
pub fn storage_prefix(address: &Felt, storage_key: &Felt) -> Vec<u8> {
    key(&[&felt_key(address), &felt_key(storage_key)])
}

/// The trees a block's diff goes to. Entries of a block above the latest are invisible to
/// reads, so they are written before the block is published.
pub struct FlatStateWriter<'a> {
    /// `storage` tree.
    pub storage: &'a sled::Tree,
    /// `nonces` tree.
    pub nonces: &'a sled::Tree,
    /// `class_hashes` tree.
    pub class_hashes: &'a sled::Tree,
}

impl FlatStateWriter<'_> {
    /// Writes `diff` as the state change of `block`.
    pub fn write(&self, block: u64, diff: &StateDiff) -> Result<(), sled::Error> {
        let block_key = u64_key(block);
        for (address, entries) in &diff.storage_diffs {
            for (storage_key, value) in entries {
                let k = key(&[&storage_prefix(address, storage_key), &block_key]);
                self.storage.insert(k, &felt_key(value)[..])?;
            }
        }
        for (address, nonce) in &diff.nonces {
            self.nonces.insert(key(&[&felt_key(address), &block_key]), &felt_key(nonce)[..])?;
        }
        let classes = diff.deployed_contracts.iter().chain(&diff.replaced_classes);
        for (address, class_hash) in classes {
            let k = key(&[&felt_key(address), &block_key]);
            self.class_hashes.insert(k, &felt_key(class_hash)[..])?;
        }
        Ok(())
    }

    /// Removes what [`FlatStateWriter::write`] wrote for `block` (an unfinished block).
    pub fn remove(&self, block: u64, diff: &StateDiff) -> Result<(), sled::Error> {
        let block_key = u64_key(block);
        for (address, entries) in &diff.storage_diffs {
            for storage_key in entries.keys() {
                self.storage.remove(key(&[&storage_prefix(address, storage_key), &block_key]))?;
            }
        }
        for address in diff.nonces.keys() {
            self.nonces.remove(key(&[&felt_key(address), &block_key]))?;
        }
        let classes = diff.deployed_contracts.keys().chain(diff.replaced_classes.keys());
        for address in classes {
            self.class_hashes.remove(key(&[&felt_key(address), &block_key]))?;
        }
        Ok(())
    }
}
