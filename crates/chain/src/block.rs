//! Block headers and this chain's block-level commitments.
//!
//! All three formulas here are **this chain's own conventions** (not Starknet's), chosen so the
//! Cairo OS can recompute them with a single `poseidon_hash_many` each, over felts only:
//!
//! * transaction commitment: `poseidon_hash_many([tx_hash_0, ..., tx_hash_{n-1}])`
//!   (an empty block commits to `poseidon_hash_many([])`);
//! * event commitment: `poseidon_hash_many([event_hash_0, ...])` over the events of all receipts
//!   in order, with `event_hash = poseidon_hash_many([from_address, transaction_hash,
//!   len(keys), ...keys, len(data), ...data])` (the layout of Starknet 0.13.2's event hash);
//! * block hash: `poseidon_hash_many(` [`BlockHeader::hash_preimage`] `)`, i.e. over
//!   `["WP_BLOCK_V0", block_number, parent_hash, timestamp, sequencer_address, state_root,
//!   transaction_count, transaction_commitment, event_count, event_commitment,
//!   state_diff_commitment, l1_gas_price_wei, l1_gas_price_fri, l1_data_gas_price_wei,
//!   l1_data_gas_price_fri, l2_gas_price_wei, l2_gas_price_fri, l1_da_mode, starknet_version]`
//!   where `"WP_BLOCK_V0"` and `starknet_version` are short-string felts and `l1_da_mode` is
//!   0 for CALLDATA and 1 for BLOB. The chain id is not in the block hash; the OS writes it to
//!   the proof's public output beside the block hash.

use serde::{Deserialize, Serialize};
use starknet_crypto::poseidon_hash_many;

use crate::{ChainError, Felt, Receipt, short_string};

/// Gas prices of a block, in wei and in fri, for each resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GasPrices {
    /// L1 gas price in wei.
    pub l1_gas_price_wei: u128,
    /// L1 gas price in fri.
    pub l1_gas_price_fri: u128,
    /// L1 data (blob) gas price in wei.
    pub l1_data_gas_price_wei: u128,
    /// L1 data (blob) gas price in fri.
    pub l1_data_gas_price_fri: u128,
    /// L2 gas price in wei.
    pub l2_gas_price_wei: u128,
    /// L2 gas price in fri.
    pub l2_gas_price_fri: u128,
}

/// How the block's state diff is published on L1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum L1DataAvailabilityMode {
    /// As calldata (hash value 0).
    #[default]
    Calldata,
    /// As EIP-4844 blobs (hash value 1).
    Blob,
}

impl L1DataAvailabilityMode {
    /// The felt the block hash commits to.
    pub fn as_felt(self) -> Felt {
        match self {
            L1DataAvailabilityMode::Calldata => Felt::ZERO,
            L1DataAvailabilityMode::Blob => Felt::ONE,
        }
    }
}

/// A Starknet version string such as `"0.13.4"`, guaranteed to fit in a short-string felt so the
/// block hash can commit to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StarknetVersion {
    text: String,
    felt: Felt,
}

impl StarknetVersion {
    /// The protocol version this chain's blocks declare: the version whose rules the executor
    /// runs (blockifier's newest versioned constants; the executor's tests keep the two equal).
    /// Clients read it to choose protocol rules, e.g. the compiled class hash of a DECLARE
    /// (Blake2s from 0.14.1, Poseidon before).
    pub const CURRENT: &'static str = "0.14.4";

    /// Validates and wraps a version string.
    pub fn new(text: &str) -> Result<Self, ChainError> {
        Ok(StarknetVersion { text: text.to_owned(), felt: short_string::encode(text)? })
    }

    /// [`Self::CURRENT`].
    pub fn current() -> Self {
        StarknetVersion {
            text: Self::CURRENT.to_owned(),
            felt: short_string::encode_const(Self::CURRENT),
        }
    }

    /// The version text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The version as a short-string felt.
    pub fn as_felt(&self) -> Felt {
        self.felt
    }
}

impl TryFrom<String> for StarknetVersion {
    type Error = ChainError;

    fn try_from(text: String) -> Result<Self, ChainError> {
        StarknetVersion::new(&text)
    }
}

impl From<StarknetVersion> for String {
    fn from(version: StarknetVersion) -> String {
        version.text
    }
}

/// A block header. Every field is committed to by [`BlockHeader::hash`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockHeader {
    /// Height; genesis is 0.
    pub block_number: u64,
    /// Hash of the previous block (0 for genesis).
    pub parent_hash: Felt,
    /// Unix time in seconds.
    pub timestamp: u64,
    /// Address that receives fees.
    pub sequencer_address: Felt,
    /// Global state root after this block (see the `state` crate).
    pub state_root: Felt,
    /// Number of transactions.
    pub transaction_count: u64,
    /// [`transaction_commitment`] of the block's transaction hashes.
    pub transaction_commitment: Felt,
    /// Number of events emitted by the block's transactions.
    pub event_count: u64,
    /// [`event_commitment`] of the block's receipts.
    pub event_commitment: Felt,
    /// [`StateDiff::commitment`](crate::StateDiff::commitment) of the block's state diff.
    pub state_diff_commitment: Felt,
    /// Gas prices.
    pub gas_prices: GasPrices,
    /// How the state diff is published on L1.
    pub l1_da_mode: L1DataAvailabilityMode,
    /// Protocol version.
    pub starknet_version: StarknetVersion,
}

/// `"WP_BLOCK_V0"`: domain separator and version of this chain's block hash.
pub fn block_hash_domain() -> Felt {
    short_string::encode_const("WP_BLOCK_V0")
}

impl BlockHeader {
    /// The felts the block hash is computed over, in order (see the module docs).
    pub fn hash_preimage(&self) -> Vec<Felt> {
        let prices = &self.gas_prices;
        vec![
            block_hash_domain(),
            Felt::from(self.block_number),
            self.parent_hash,
            Felt::from(self.timestamp),
            self.sequencer_address,
            self.state_root,
            Felt::from(self.transaction_count),
            self.transaction_commitment,
            Felt::from(self.event_count),
            self.event_commitment,
            self.state_diff_commitment,
            Felt::from(prices.l1_gas_price_wei),
            Felt::from(prices.l1_gas_price_fri),
            Felt::from(prices.l1_data_gas_price_wei),
            Felt::from(prices.l1_data_gas_price_fri),
            Felt::from(prices.l2_gas_price_wei),
            Felt::from(prices.l2_gas_price_fri),
            self.l1_da_mode.as_felt(),
            self.starknet_version.as_felt(),
        ]
    }

    /// The block hash: `poseidon_hash_many(self.hash_preimage())`.
    pub fn hash(&self) -> Felt {
        poseidon_hash_many(&self.hash_preimage())
    }
}

/// The transaction commitment: `poseidon_hash_many(transaction_hashes)`.
pub fn transaction_commitment(transaction_hashes: &[Felt]) -> Felt {
    poseidon_hash_many(transaction_hashes)
}

/// Event hash (the layout of Starknet 0.13.2's): `poseidon_hash_many([from_address, transaction_hash,
/// len(keys), ...keys, len(data), ...data])`.
pub fn event_hash(event: &crate::Event, transaction_hash: Felt) -> Felt {
    let mut elements = Vec::with_capacity(4 + event.keys.len() + event.data.len());
    elements.push(event.from_address);
    elements.push(transaction_hash);
    elements.push(Felt::from(event.keys.len()));
    elements.extend_from_slice(&event.keys);
    elements.push(Felt::from(event.data.len()));
    elements.extend_from_slice(&event.data);
    poseidon_hash_many(&elements)
}

/// The event commitment and event count of a block's receipts (in transaction order).
pub fn event_commitment(receipts: &[Receipt]) -> (Felt, u64) {
    let hashes: Vec<Felt> = receipts
        .iter()
        .flat_map(|receipt| {
            receipt.events.iter().map(|event| event_hash(event, receipt.transaction_hash))
        })
        .collect();
    (poseidon_hash_many(&hashes), hashes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> BlockHeader {
        BlockHeader {
            block_number: 7,
            parent_hash: Felt::from(0x1111u64),
            timestamp: 1_700_000_000,
            sequencer_address: Felt::from(0x5eu64),
            state_root: Felt::from(0x2222u64),
            transaction_count: 2,
            transaction_commitment: transaction_commitment(&[Felt::ONE, Felt::TWO]),
            event_count: 0,
            event_commitment: event_commitment(&[]).0,
            state_diff_commitment: Felt::from(0x3333u64),
            gas_prices: GasPrices {
                l1_gas_price_wei: 1,
                l2_gas_price_fri: 2,
                ..Default::default()
            },
            l1_da_mode: L1DataAvailabilityMode::Blob,
            starknet_version: StarknetVersion::current(),
        }
    }

    #[test]
    fn block_hash_is_poseidon_over_documented_preimage() {
        let header = header();
        let preimage = header.hash_preimage();
        assert_eq!(preimage.len(), 19);
        assert_eq!(preimage[0], short_string::encode("WP_BLOCK_V0").unwrap());
        assert_eq!(preimage[18], short_string::encode("0.14.4").unwrap());
        assert_eq!(header.hash(), poseidon_hash_many(&preimage));
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = header();
        let base_hash = base.hash();
        type Mutation = Box<dyn Fn(&mut BlockHeader)>;
        let mutations: Vec<Mutation> = vec![
            Box::new(|h| h.block_number += 1),
            Box::new(|h| h.parent_hash += Felt::ONE),
            Box::new(|h| h.timestamp += 1),
            Box::new(|h| h.sequencer_address += Felt::ONE),
            Box::new(|h| h.state_root += Felt::ONE),
            Box::new(|h| h.transaction_count += 1),
            Box::new(|h| h.transaction_commitment += Felt::ONE),
            Box::new(|h| h.event_count += 1),
            Box::new(|h| h.event_commitment += Felt::ONE),
            Box::new(|h| h.state_diff_commitment += Felt::ONE),
            Box::new(|h| h.gas_prices.l1_gas_price_fri += 1),
            Box::new(|h| h.gas_prices.l1_data_gas_price_wei += 1),
            Box::new(|h| h.gas_prices.l2_gas_price_wei += 1),
            Box::new(|h| h.l1_da_mode = L1DataAvailabilityMode::Calldata),
            Box::new(|h| h.starknet_version = StarknetVersion::new("0.13.4").unwrap()),
        ];
        for (index, mutate) in mutations.iter().enumerate() {
            let mut changed = base.clone();
            mutate(&mut changed);
            assert_ne!(changed.hash(), base_hash, "mutation {index} did not change the hash");
        }
    }

    #[test]
    fn version_must_fit_a_felt() {
        assert!(StarknetVersion::new(&"1".repeat(32)).is_err());
        let json = serde_json::to_string(&StarknetVersion::current()).unwrap();
        assert_eq!(json, "\"0.14.4\"");
        assert!(serde_json::from_str::<StarknetVersion>("\"é\"").is_err());
    }

    #[test]
    fn transaction_commitment_is_order_sensitive() {
        let forward = transaction_commitment(&[Felt::ONE, Felt::TWO]);
        let backward = transaction_commitment(&[Felt::TWO, Felt::ONE]);
        assert_ne!(forward, backward);
        assert_eq!(transaction_commitment(&[]), poseidon_hash_many(&[]));
    }
}
