//! The public output of a block proof: the twelve felts the Cairo OS writes to its output builtin,
//! which bind the proof to one block of one chain.
//!
//! The OS program writes exactly [`BlockPublicOutput::LEN`] felts, in this order:
//!
//! | index | field | meaning |
//! |---|---|---|
//! | 0 | `os_version` | version of the OS program's output layout (pinned anyway by its program hash) |
//! | 1 | `chain_id` | the chain's id ([`ChainId`]), which the block hash does not commit to |
//! | 2 | `block_number` | height of the proven block (fits in 64 bits) |
//! | 3 | `block_hash` | [`BlockHeader::hash`](crate::BlockHeader::hash) of the proven block |
//! | 4 | `parent_block_hash` | hash of the previous block (0 for genesis) |
//! | 5 | `previous_state_root` | global state root before the block (the parent's `state_root`) |
//! | 6 | `new_state_root` | global state root after the block (the header's `state_root`) |
//! | 7 | `transaction_count` | number of transactions in the block (fits in 64 bits) |
//! | 8 | `transaction_hashes_digest` | [`transaction_hashes_digest`] of the block's transaction hashes |
//! | 9 | `state_diff_commitment` | [`StateDiff::commitment`](crate::StateDiff::commitment) (Starknet's, also in the block hash) |
//! | 10 | `fee_tokens.strk` | the ERC-20 v3 transactions paid their fees in (0: a chain without fees) |
//! | 11 | `fee_tokens.eth` | the ERC-20 older transactions paid their fees in (0: a chain without fees) |
//!
//! The block hash binds every header field, among them Starknet's transaction commitment (over
//! hashes *and signatures*); the digest of field 8 lets a client that holds only the header's
//! transaction hashes check which transactions were proven.
//!
//! The fee tokens are not in the block hash: the OS runs every fee transfer on the token the
//! output names, so a verifier that knows the chain's fee tokens compares them (a proof that
//! moved fees on another contract is a proof about another chain).
//!
//! A light client that pins the OS program hash verifies the proof, decodes this output with
//! [`BlockPublicOutput::from_felts`] and compares it with a block header from the sequencer.

use serde::{Deserialize, Serialize};

use crate::{BlockHeader, ChainId, Felt, transaction_hashes_digest};

/// The output layout this build's OS program writes (`OS_VERSION` in
/// `os-program/os/constants.cairo`): 1 had this chain's own block hash and transaction
/// commitment in fields 3 and 8; 2 has Starknet's block hash and [`transaction_hashes_digest`];
/// 3 adds the fee tokens (fields 10 and 11).
pub const OS_OUTPUT_VERSION: Felt = Felt::THREE;

/// The ERC-20s a chain charges fees in, as the OS's fee transfers use them (the public output's
/// last two fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeTokens {
    /// Charged to v3 transactions (in fri).
    pub strk: Felt,
    /// Charged to v1 transactions (in wei).
    pub eth: Felt,
}

impl FeeTokens {
    /// A chain without fees: no transaction may pay one.
    pub const NONE: FeeTokens = FeeTokens { strk: Felt::ZERO, eth: Felt::ZERO };

    /// The tokens of an executor configured with one fee token for every transaction version
    /// (`executor::ExecutorConfig::fee_token`), or none.
    pub fn single(token: Option<Felt>) -> Self {
        let token = token.unwrap_or(Felt::ZERO);
        FeeTokens { strk: token, eth: token }
    }
}

/// Why a list of felts is not a block public output.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PublicOutputError {
    /// The proof's output has another number of felts than the layout above.
    #[error("block public output has {found} felts, expected {expected}")]
    WrongLength { expected: usize, found: usize },
    /// An integer field (block number, transaction count) does not fit in 64 bits.
    #[error("public output field {field} = {value:#x} does not fit in 64 bits")]
    OutOfRange { field: &'static str, value: Felt },
}

/// The block proof's public output, in the order the OS writes it (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockPublicOutput {
    /// Version of the output layout written by the OS program.
    pub os_version: Felt,
    /// Chain id: binds the proof to one chain, since the block hash does not include it.
    pub chain_id: ChainId,
    /// Height of the proven block.
    pub block_number: u64,
    /// Hash of the proven block.
    pub block_hash: Felt,
    /// Hash of its parent (0 for genesis).
    pub parent_block_hash: Felt,
    /// Global state root before the block.
    pub previous_state_root: Felt,
    /// Global state root after the block.
    pub new_state_root: Felt,
    /// Number of transactions in the block.
    pub transaction_count: u64,
    /// [`transaction_hashes_digest`] of the block's
    /// transaction hashes.
    pub transaction_hashes_digest: Felt,
    /// Commitment to the block's state diff.
    pub state_diff_commitment: Felt,
    /// The tokens the block's fee transfers ran on.
    pub fee_tokens: FeeTokens,
}

impl BlockPublicOutput {
    /// Number of felts the OS writes.
    pub const LEN: usize = 12;

    /// The fields' names, in output order (what [`to_felts`](Self::to_felts) writes; also the
    /// keys a program input naming them uses, as the light client's fixture program does).
    pub const FIELD_NAMES: [&'static str; Self::LEN] = [
        "os_version",
        "chain_id",
        "block_number",
        "block_hash",
        "parent_block_hash",
        "previous_state_root",
        "new_state_root",
        "transaction_count",
        "transaction_hashes_digest",
        "state_diff_commitment",
        "strk_fee_token",
        "eth_fee_token",
    ];

    /// The output that the OS writes for `header`, whose transactions have these hashes, on
    /// chain `chain_id` whose fees are paid in `fee_tokens`, starting from `previous_state_root`
    /// (the parent's state root).
    pub fn for_header(
        header: &BlockHeader,
        transaction_hashes: &[Felt],
        os_version: Felt,
        chain_id: ChainId,
        fee_tokens: FeeTokens,
        previous_state_root: Felt,
    ) -> Self {
        BlockPublicOutput {
            os_version,
            chain_id,
            block_number: header.block_number,
            block_hash: header.hash(),
            parent_block_hash: header.parent_hash,
            previous_state_root,
            new_state_root: header.state_root,
            transaction_count: header.transaction_count,
            transaction_hashes_digest: transaction_hashes_digest(transaction_hashes),
            state_diff_commitment: header.state_diff_commitment,
            fee_tokens,
        }
    }

    /// Decodes the proof's output; the length must be exactly [`Self::LEN`].
    pub fn from_felts(felts: &[Felt]) -> Result<Self, PublicOutputError> {
        let felts: &[Felt; Self::LEN] = felts.try_into().map_err(|_| {
            PublicOutputError::WrongLength { expected: Self::LEN, found: felts.len() }
        })?;
        let as_u64 = |field: &'static str, value: Felt| {
            u64::try_from(value).map_err(|_| PublicOutputError::OutOfRange { field, value })
        };
        Ok(BlockPublicOutput {
            os_version: felts[0],
            chain_id: ChainId(felts[1]),
            block_number: as_u64("block_number", felts[2])?,
            block_hash: felts[3],
            parent_block_hash: felts[4],
            previous_state_root: felts[5],
            new_state_root: felts[6],
            transaction_count: as_u64("transaction_count", felts[7])?,
            transaction_hashes_digest: felts[8],
            state_diff_commitment: felts[9],
            fee_tokens: FeeTokens { strk: felts[10], eth: felts[11] },
        })
    }

    /// The felts in output order; `from_felts(&x.to_felts()) == Ok(x)`.
    pub fn to_felts(&self) -> [Felt; Self::LEN] {
        [
            self.os_version,
            self.chain_id.as_felt(),
            Felt::from(self.block_number),
            self.block_hash,
            self.parent_block_hash,
            self.previous_state_root,
            self.new_state_root,
            Felt::from(self.transaction_count),
            self.transaction_hashes_digest,
            self.state_diff_commitment,
            self.fee_tokens.strk,
            self.fee_tokens.eth,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> BlockPublicOutput {
        BlockPublicOutput {
            os_version: Felt::ONE,
            chain_id: ChainId::DEVNET,
            block_number: 42,
            block_hash: Felt::from(0xb10cu64),
            parent_block_hash: Felt::from(0x9a7eu64),
            previous_state_root: Felt::from(0x1u64),
            new_state_root: Felt::from(0x2u64),
            transaction_count: 3,
            transaction_hashes_digest: Felt::from(0x7c0u64),
            state_diff_commitment: Felt::from(0x5d0u64),
            fee_tokens: FeeTokens { strk: Felt::from(0x57u64), eth: Felt::from(0xe7u64) },
        }
    }

    #[test]
    fn felts_are_in_the_documented_order() {
        let felts = sample().to_felts();
        assert_eq!(felts[0], Felt::ONE);
        assert_eq!(felts[1], ChainId::DEVNET.as_felt());
        assert_eq!(felts[2], Felt::from(42u64));
        assert_eq!(felts[3], Felt::from(0xb10cu64));
        assert_eq!(felts[4], Felt::from(0x9a7eu64));
        assert_eq!(felts[5], Felt::from(0x1u64));
        assert_eq!(felts[6], Felt::from(0x2u64));
        assert_eq!(felts[7], Felt::from(3u64));
        assert_eq!(felts[8], Felt::from(0x7c0u64));
        assert_eq!(felts[9], Felt::from(0x5d0u64));
        assert_eq!(felts[10], Felt::from(0x57u64));
        assert_eq!(felts[11], Felt::from(0xe7u64));
        assert_eq!(BlockPublicOutput::from_felts(&felts), Ok(sample()));
    }

    #[test]
    fn wrong_length_is_refused() {
        let felts = sample().to_felts();
        for len in [0, 11, 13] {
            let mut input = felts.to_vec();
            input.resize(len, Felt::ZERO);
            assert_eq!(
                BlockPublicOutput::from_felts(&input),
                Err(PublicOutputError::WrongLength { expected: 12, found: len })
            );
        }
    }

    #[test]
    fn integers_must_fit_u64() {
        let mut felts = sample().to_felts();
        felts[2] = Felt::from(u64::MAX) + Felt::ONE;
        assert!(matches!(
            BlockPublicOutput::from_felts(&felts),
            Err(PublicOutputError::OutOfRange { field: "block_number", .. })
        ));
        let mut felts = sample().to_felts();
        felts[7] = Felt::MAX;
        assert!(matches!(
            BlockPublicOutput::from_felts(&felts),
            Err(PublicOutputError::OutOfRange { field: "transaction_count", .. })
        ));
    }

    #[test]
    fn for_header_takes_the_header_fields() {
        let hashes = [Felt::from(3u64), Felt::from(4u64)];
        let header = BlockHeader {
            block_number: 5,
            parent_hash: Felt::from(77u64),
            timestamp: 1,
            sequencer_address: Felt::ZERO,
            state_root: Felt::from(88u64),
            transaction_count: 2,
            transaction_commitment: Felt::from(99u64),
            event_count: 0,
            event_commitment: Felt::ZERO,
            receipt_commitment: Felt::ZERO,
            state_diff_commitment: Felt::from(111u64),
            state_diff_length: 0,
            gas_prices: Default::default(),
            l1_da_mode: Default::default(),
            starknet_version: crate::block::StarknetVersion::current(),
        };
        let output = BlockPublicOutput::for_header(
            &header,
            &hashes,
            Felt::ONE,
            ChainId::DEVNET,
            FeeTokens::single(Some(Felt::from(9u64))),
            66u64.into(),
        );
        assert_eq!(output.block_hash, header.hash());
        assert_eq!(output.parent_block_hash, header.parent_hash);
        assert_eq!(output.new_state_root, header.state_root);
        assert_eq!(output.previous_state_root, Felt::from(66u64));
        assert_eq!(output.transaction_count, 2);
        assert_eq!(output.transaction_hashes_digest, transaction_hashes_digest(&hashes));
        assert_eq!(output.state_diff_commitment, header.state_diff_commitment);
        assert_eq!(output.fee_tokens, FeeTokens { strk: Felt::from(9u64), eth: Felt::from(9u64) });
    }

    fn felt() -> impl Strategy<Value = Felt> {
        any::<[u8; 32]>().prop_map(|bytes| Felt::from_bytes_be(&bytes))
    }

    proptest! {
        #[test]
        fn round_trip(head in proptest::collection::vec(felt(), 2), number in any::<u64>(),
                      middle in proptest::collection::vec(felt(), 4), count in any::<u64>(),
                      tail in proptest::collection::vec(felt(), 4)) {
            let mut felts = head.clone();
            felts.push(Felt::from(number));
            felts.extend(&middle);
            felts.push(Felt::from(count));
            felts.extend(&tail);
            let output = BlockPublicOutput::from_felts(&felts).unwrap();
            prop_assert_eq!(output.to_felts().to_vec(), felts);
        }
    }
}
