//! Which sequencer implementation is followed ([`SequencerFlavor`]), for the few places where
//! one that is not Starknet's own departs from the protocol in what it publishes or how it
//! executes, and replay must do the same to agree with it.
//!
//! Everything else (transaction hashes, the state diff, the header's commitments and counts in
//! JSON-RPC 0.10, fees, events, revert reasons) is compared the same way for every flavor.

use std::fmt;
use std::str::FromStr;

use chain::{BlockHeader, Felt};

/// The sequencer implementation behind the RPC URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SequencerFlavor {
    /// Starknet's protocol: the block hash is Starknet's (0.13.4 on) over the header, and a
    /// block executes with its own header's timestamp. Our devnet and Starknet's nodes.
    #[default]
    Starknet,
    /// starknet-devnet (0.10.x):
    /// * its block hash is its own ([`chain::devnet_block_hash`]), over the block number, the
    ///   sequencer address and the transaction count only; the header's commitments, which
    ///   replay compares one by one, are Starknet's;
    /// * it executes a block's transactions with the timestamp of the block before (its block
    ///   context's timestamp is set when the previous block closes; the header then gets the
    ///   time the block closed).
    StarknetDevnet,
}

impl SequencerFlavor {
    /// The names accepted by [`FromStr`] (and the CLI's `--sequencer-flavor`).
    pub const NAMES: [&'static str; 2] = ["starknet", "starknet-devnet"];

    /// The hash this flavor gives the block whose header replay rebuilt.
    pub fn block_hash(self, header: &BlockHeader) -> Felt {
        match self {
            SequencerFlavor::Starknet => header.hash(),
            SequencerFlavor::StarknetDevnet => {
                chain::devnet_block_hash::starknet_devnet_block_hash(
                    header.block_number,
                    header.sequencer_address,
                    header.transaction_count,
                )
            }
        }
    }

    /// The timestamp the block's transactions ran with: the header's, or (starknet-devnet) the
    /// parent block's; genesis runs nothing.
    pub fn execution_timestamp(self, header_timestamp: u64, parent_timestamp: u64) -> u64 {
        match self {
            SequencerFlavor::Starknet => header_timestamp,
            SequencerFlavor::StarknetDevnet => parent_timestamp,
        }
    }

    /// The ABI length a DECLARE of `abi` is priced by, when this flavor does not take the
    /// declared text's: starknet-devnet prices its compact JSON re-serialization
    /// (`starknet-devnet-types`' `ClassInfo`).
    pub fn priced_abi_length(self, abi: &str) -> Option<usize> {
        match self {
            SequencerFlavor::Starknet => None,
            SequencerFlavor::StarknetDevnet => {
                serde_json::from_str::<serde_json::Value>(abi).ok().map(|abi| abi.to_string().len())
            }
        }
    }
}

impl fmt::Display for SequencerFlavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SequencerFlavor::Starknet => Self::NAMES[0],
            SequencerFlavor::StarknetDevnet => Self::NAMES[1],
        })
    }
}

/// A name that is none of [`SequencerFlavor::NAMES`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown sequencer flavor {0:?} (expected one of: starknet, starknet-devnet)")]
pub struct UnknownFlavor(pub String);

impl FromStr for SequencerFlavor {
    type Err = UnknownFlavor;

    fn from_str(name: &str) -> Result<Self, UnknownFlavor> {
        match name {
            "starknet" => Ok(SequencerFlavor::Starknet),
            "starknet-devnet" => Ok(SequencerFlavor::StarknetDevnet),
            other => Err(UnknownFlavor(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for name in SequencerFlavor::NAMES {
            assert_eq!(name.parse::<SequencerFlavor>().unwrap().to_string(), name);
        }
        assert_eq!("devnet".parse::<SequencerFlavor>(), Err(UnknownFlavor("devnet".into())));
    }

    #[test]
    fn starknet_devnet_executes_with_the_parent_timestamp() {
        assert_eq!(SequencerFlavor::Starknet.execution_timestamp(20, 10), 20);
        assert_eq!(SequencerFlavor::StarknetDevnet.execution_timestamp(20, 10), 10);
    }
}
