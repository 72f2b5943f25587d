//! Chain identifiers: short-string felts that every transaction hash commits to.

use serde::{Deserialize, Serialize};

use crate::{ChainError, Felt, short_string};

/// A chain id, the felt of a short string such as `SN_MAIN`.
///
/// The bundled devnet uses [`ChainId::DEVNET`] = `"SN_WATCHER_DEVNET"`: a name of its own so a
/// transaction signed for this devnet is not valid on Starknet mainnet/sepolia or on other
/// devnets (which commonly reuse `SN_SEPOLIA`), and the other way round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChainId(pub Felt);

impl ChainId {
    /// `"SN_WATCHER_DEVNET"`, the bundled devnet's chain id.
    pub const DEVNET_NAME: &'static str = "SN_WATCHER_DEVNET";
    /// `0x534e5f574154434845525f4445564e4554` = `"SN_WATCHER_DEVNET"`.
    pub const DEVNET: ChainId =
        ChainId(Felt::from_hex_unchecked("0x534e5f574154434845525f4445564e4554"));
    /// Starknet mainnet, `"SN_MAIN"`.
    pub const MAINNET: ChainId = ChainId(Felt::from_hex_unchecked("0x534e5f4d41494e"));
    /// Starknet sepolia testnet, `"SN_SEPOLIA"`.
    pub const SEPOLIA: ChainId = ChainId(Felt::from_hex_unchecked("0x534e5f5345504f4c4941"));

    /// The chain id of a short-string name.
    pub fn from_name(name: &str) -> Result<Self, ChainError> {
        short_string::encode(name).map(ChainId)
    }

    /// The chain id as a felt.
    pub fn as_felt(&self) -> Felt {
        self.0
    }

    /// The short-string name, when the felt is one.
    pub fn name(&self) -> Result<String, ChainError> {
        short_string::decode(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devnet_constant_matches_name() {
        assert_eq!(ChainId::from_name(ChainId::DEVNET_NAME).unwrap(), ChainId::DEVNET);
        assert_eq!(ChainId::DEVNET.name().unwrap(), "SN_WATCHER_DEVNET");
        assert_eq!(ChainId::from_name("SN_MAIN").unwrap(), ChainId::MAINNET);
        assert_eq!(ChainId::SEPOLIA.name().unwrap(), "SN_SEPOLIA");
    }
}
