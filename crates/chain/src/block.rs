//! Block headers and the block hash, as Starknet defines them from protocol 0.13.4 on.
//!
//! Every formula here is Starknet's (StarkWare's `starknet_api::block_hash`, block hash version
//! `STARKNET_BLOCK_HASH1`; checked against it and its published vectors in
//! `tests/starknet_block_hash.rs`), and the Cairo OS recomputes each of them:
//!
//! * transaction commitment: the root of the height-64 Poseidon Patricia trie
//!   ([`patricia_root`]) whose leaf `i` is [`transaction_leaf`] `= poseidon_hash_many([tx_hash,
//!   ...signature])` of the block's `i`-th transaction (just `[tx_hash]` for an empty signature:
//!   the `[tx_hash, 0]` leaf is pre-0.13.4);
//! * event commitment: the same trie over the [`event_hash`]es of the events of all receipts in
//!   order, `event_hash = poseidon_hash_many([from_address, transaction_hash, len(keys), ...keys,
//!   len(data), ...data])`;
//! * receipt commitment and state-diff length: [`crate::starknet_commitments`]; state-diff
//!   commitment: [`StateDiff::commitment`](crate::StateDiff::commitment);
//! * block hash: `poseidon_hash_many(` [`BlockHeader::hash_preimage`] `)`, i.e. over
//!   `["STARKNET_BLOCK_HASH1", block_number, state_root, sequencer_address, timestamp,
//!   concatenated_counts, state_diff_commitment, transaction_commitment, event_commitment,
//!   receipt_commitment, gas_prices_hash, starknet_version, 0, parent_hash]`, where
//!   [`BlockHeader::concatenated_counts`] packs `transaction_count`, `event_count`,
//!   `state_diff_length` (64 bits each, most significant first) and the L1 data-availability
//!   mode (bit 63 of the last 64-bit word: 1 for BLOB), [`GasPrices::hash`] is
//!   `poseidon_hash_many(["STARKNET_GAS_PRICES0", l1 wei, l1 fri, l1 data wei, l1 data fri, l2
//!   wei, l2 fri])` and `starknet_version` is the version's short-string felt.
//!
//! The chain id is not in the block hash; the OS writes it to the proof's public output beside
//! the block hash. A header whose sequencer leaves the state commitment to the prover
//! (`--commitment off`) has state root 0, and its hash is over 0.

use serde::{Deserialize, Serialize};
use starknet_crypto::poseidon_hash_many;

use crate::starknet_commitments::{patricia_root, receipt_commitment, state_diff_length};
use crate::{ChainError, Felt, Receipt, StateDiff, short_string};
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
    /// Global state root after this block (see the `state` crate); 0 when the sequencer leaves
    /// the commitment to the prover.
    pub state_root: Felt,
    /// Number of transactions.
    pub transaction_count: u64,
    /// [`transaction_commitment`] of the block's transactions.
    pub transaction_commitment: Felt,
    /// Number of events emitted by the block's transactions.
    pub event_count: u64,
    /// [`event_commitment`] of the block's receipts.
    pub event_commitment: Felt,
    /// [`receipt_commitment`] of the block's receipts.
    pub receipt_commitment: Felt,
    /// [`StateDiff::commitment`] of the block's state diff.
    pub state_diff_commitment: Felt,
    /// [`state_diff_length`] of the block's state diff.
    pub state_diff_length: u64,
    /// Gas prices.
    pub gas_prices: GasPrices,
    /// How the state diff is published on L1.
    pub l1_da_mode: L1DataAvailabilityMode,
    /// Protocol version (0.13.4 or later: the block hash formula of this module).
    pub starknet_version: StarknetVersion,
}

/// `"STARKNET_BLOCK_HASH1"`: the first felt of the block hash preimage (Starknet 0.13.4 on).
pub fn block_hash_domain() -> Felt {
    short_string::encode_const("STARKNET_BLOCK_HASH1")
}

/// `"STARKNET_GAS_PRICES0"`: the first felt of the gas prices hash.
pub fn gas_prices_domain() -> Felt {
    short_string::encode_const("STARKNET_GAS_PRICES0")
}

impl GasPrices {
    /// The six prices in the order Starknet hashes them (and the OS's `BlockInfo` holds them):
    /// L1 gas wei, fri; L1 data gas wei, fri; L2 gas wei, fri.
    pub fn felts(&self) -> [Felt; 6] {
        [
            self.l1_gas_price_wei,
            self.l1_gas_price_fri,
            self.l1_data_gas_price_wei,
            self.l1_data_gas_price_fri,
            self.l2_gas_price_wei,
            self.l2_gas_price_fri,
        ]
        .map(Felt::from)
    }

    /// `poseidon_hash_many(["STARKNET_GAS_PRICES0", ...self.felts()])`.
    pub fn hash(&self) -> Felt {
        let mut preimage = vec![gas_prices_domain()];
        preimage.extend(self.felts());
        poseidon_hash_many(&preimage)
    }
}

/// The counts and commitments a header takes from its block's body: transactions (hash and
/// signature), receipts and state diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyCommitments {
    /// Number of transactions.
    pub transaction_count: u64,
    /// [`transaction_commitment`].
    pub transaction_commitment: Felt,
    /// Number of events.
    pub event_count: u64,
    /// [`event_commitment`].
    pub event_commitment: Felt,
    /// [`receipt_commitment`].
    pub receipt_commitment: Felt,
    /// [`StateDiff::commitment`].
    pub state_diff_commitment: Felt,
    /// [`state_diff_length`].
    pub state_diff_length: u64,
}

impl BodyCommitments {
    /// The values of a block whose transactions are `transactions` (hash and signature, in
    /// order), with these receipts (same order) and this state diff.
    pub fn of_block(
        transactions: &[(Felt, &[Felt])],
        receipts: &[Receipt],
        diff: &StateDiff,
    ) -> Self {
        let (event_commitment, event_count) = event_commitment(receipts);
        BodyCommitments {
            transaction_count: transactions.len() as u64,
            transaction_commitment: transaction_commitment(transactions),
            event_count,
            event_commitment,
            receipt_commitment: receipt_commitment(receipts),
            state_diff_commitment: diff.commitment(),
            state_diff_length: state_diff_length(diff),
        }
    }
}

impl BlockHeader {
    /// A header over a block body's commitments.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        block_number: u64,
        parent_hash: Felt,
        timestamp: u64,
        sequencer_address: Felt,
        state_root: Felt,
        body: BodyCommitments,
        gas_prices: GasPrices,
        l1_da_mode: L1DataAvailabilityMode,
        starknet_version: StarknetVersion,
    ) -> Self {
        BlockHeader {
            block_number,
            parent_hash,
            timestamp,
            sequencer_address,
            state_root,
            transaction_count: body.transaction_count,
            transaction_commitment: body.transaction_commitment,
            event_count: body.event_count,
            event_commitment: body.event_commitment,
            receipt_commitment: body.receipt_commitment,
            state_diff_commitment: body.state_diff_commitment,
            state_diff_length: body.state_diff_length,
            gas_prices,
            l1_da_mode,
            starknet_version,
        }
    }

    /// The header's body commitments.
    pub fn body_commitments(&self) -> BodyCommitments {
        BodyCommitments {
            transaction_count: self.transaction_count,
            transaction_commitment: self.transaction_commitment,
            event_count: self.event_count,
            event_commitment: self.event_commitment,
            receipt_commitment: self.receipt_commitment,
            state_diff_commitment: self.state_diff_commitment,
            state_diff_length: self.state_diff_length,
        }
    }

    /// Starknet's `concatenated_counts`: `transaction_count << 192 | event_count << 128 |
    /// state_diff_length << 64 | da_bit << 63`, with `da_bit` 1 for BLOB.
    pub fn concatenated_counts(&self) -> Felt {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&self.transaction_count.to_be_bytes());
        bytes[8..16].copy_from_slice(&self.event_count.to_be_bytes());
        bytes[16..24].copy_from_slice(&self.state_diff_length.to_be_bytes());
        if self.l1_da_mode == L1DataAvailabilityMode::Blob {
            bytes[24] = 0b1000_0000;
        }
        Felt::from_bytes_be(&bytes)
    }

    /// The felts the block hash is computed over, in order (see the module docs).
    pub fn hash_preimage(&self) -> Vec<Felt> {
        vec![
            block_hash_domain(),
            Felt::from(self.block_number),
            self.state_root,
            self.sequencer_address,
            Felt::from(self.timestamp),
            self.concatenated_counts(),
            self.state_diff_commitment,
            self.transaction_commitment,
            self.event_commitment,
            self.receipt_commitment,
            self.gas_prices.hash(),
            self.starknet_version.as_felt(),
            Felt::ZERO,
            self.parent_hash,
        ]
    }

    /// The block hash: `poseidon_hash_many(self.hash_preimage())`.
    pub fn hash(&self) -> Felt {
        poseidon_hash_many(&self.hash_preimage())
    }
}

/// A transaction's leaf in the transaction commitment: `poseidon_hash_many([transaction_hash,
/// ...signature])`.
pub fn transaction_leaf(transaction_hash: Felt, signature: &[Felt]) -> Felt {
    let mut elements = Vec::with_capacity(1 + signature.len());
    elements.push(transaction_hash);
    elements.extend_from_slice(signature);
    poseidon_hash_many(&elements)
}

/// The transaction commitment of a block's transactions (hash and signature, in order): the
/// Patricia root of their [`transaction_leaf`]s.
pub fn transaction_commitment(transactions: &[(Felt, &[Felt])]) -> Felt {
    let leaves: Vec<Felt> =
        transactions.iter().map(|(hash, signature)| transaction_leaf(*hash, signature)).collect();
    patricia_root(&leaves)
}

/// A digest of a block's transaction hashes alone, `poseidon_hash_many(transaction_hashes)`:
/// this chain's own convention, not Starknet's. The OS writes it to the proof's public output
/// so that a light client holding only the header's transaction hashes (not their signatures,
/// which the transaction commitment also covers) can check which transactions were proven.
pub fn transaction_hashes_digest(transaction_hashes: &[Felt]) -> Felt {
    poseidon_hash_many(transaction_hashes)
}

/// Event hash (Starknet's): `poseidon_hash_many([from_address, transaction_hash, len(keys),
/// ...keys, len(data), ...data])`.
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

/// The event commitment and event count of a block's receipts (in transaction order): the
/// Patricia root of the event hashes.
pub fn event_commitment(receipts: &[Receipt]) -> (Felt, u64) {
    let hashes: Vec<Felt> = receipts
        .iter()
        .flat_map(|receipt| {
            receipt.events.iter().map(|event| event_hash(event, receipt.transaction_hash))
        })
        .collect();
    (patricia_root(&hashes), hashes.len() as u64)
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
            transaction_commitment: transaction_commitment(&[
                (Felt::ONE, &[Felt::TWO][..]),
                (Felt::TWO, &[]),
            ]),
            event_count: 0,
            event_commitment: event_commitment(&[]).0,
            receipt_commitment: Felt::from(0x4444u64),
            state_diff_commitment: Felt::from(0x3333u64),
            state_diff_length: 3,
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
        assert_eq!(preimage.len(), 14);
        assert_eq!(preimage[0], short_string::encode("STARKNET_BLOCK_HASH1").unwrap());
        assert_eq!(preimage[11], short_string::encode("0.14.4").unwrap());
        assert_eq!(preimage[12], Felt::ZERO);
        assert_eq!(preimage[13], header.parent_hash);
        assert_eq!(header.hash(), poseidon_hash_many(&preimage));
    }

    #[test]
    fn concatenated_counts_layout() {
        let mut header = header();
        header.transaction_count = 1;
        header.event_count = 2;
        header.state_diff_length = 3;
        let expected = (Felt::ONE * Felt::TWO.pow(192u32))
            + Felt::TWO * Felt::TWO.pow(128u32)
            + Felt::THREE * Felt::TWO.pow(64u32)
            + Felt::TWO.pow(63u32);
        assert_eq!(header.concatenated_counts(), expected);
        header.l1_da_mode = L1DataAvailabilityMode::Calldata;
        assert_eq!(header.concatenated_counts(), expected - Felt::TWO.pow(63u32));
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
            Box::new(|h| h.receipt_commitment += Felt::ONE),
            Box::new(|h| h.state_diff_commitment += Felt::ONE),
            Box::new(|h| h.state_diff_length += 1),
            Box::new(|h| h.gas_prices.l1_gas_price_wei += 1),
            Box::new(|h| h.gas_prices.l1_gas_price_fri += 1),
            Box::new(|h| h.gas_prices.l1_data_gas_price_wei += 1),
            Box::new(|h| h.gas_prices.l1_data_gas_price_fri += 1),
            Box::new(|h| h.gas_prices.l2_gas_price_wei += 1),
            Box::new(|h| h.gas_prices.l2_gas_price_fri += 1),
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
    fn transaction_commitment_is_order_and_signature_sensitive() {
        let signature = [Felt::THREE];
        let forward = transaction_commitment(&[(Felt::ONE, &signature), (Felt::TWO, &[])]);
        let backward = transaction_commitment(&[(Felt::TWO, &[]), (Felt::ONE, &signature)]);
        let unsigned = transaction_commitment(&[(Felt::ONE, &[]), (Felt::TWO, &[])]);
        assert_ne!(forward, backward);
        assert_ne!(forward, unsigned);
        assert_eq!(transaction_commitment(&[]), Felt::ZERO);
        assert_eq!(transaction_leaf(Felt::ONE, &[]), poseidon_hash_many(&[Felt::ONE]));
    }
}
