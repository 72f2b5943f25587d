//! Fee fields of v3 transactions: resource bounds, tip and data-availability modes.

use serde::{Deserialize, Serialize};

use crate::{ChainError, Felt, short_string};

/// The most a transaction may spend of one resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResourceBounds {
    /// Maximum amount of the resource (64 bits in the protocol).
    pub max_amount: u64,
    /// Maximum price per unit, in fri (128 bits in the protocol).
    pub max_price_per_unit: u128,
}

/// Resource bounds of a v3 transaction.
///
/// `l1_data_gas` is optional because v3 transactions from before Starknet 0.13.4 (JSON-RPC 0.7)
/// bound only L1 and L2 gas, and their hash covers only those two; current clients always send
/// all three.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResourceBoundsMapping {
    /// Bound on L1 gas.
    pub l1_gas: ResourceBounds,
    /// Bound on L2 gas (Sierra gas).
    pub l2_gas: ResourceBounds,
    /// Bound on L1 blob (data) gas; `None` for pre-0.13.4 transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l1_data_gas: Option<ResourceBounds>,
}

/// Bits of a resource's max amount in its hash encoding.
const MAX_AMOUNT_BITS: u32 = 64;
/// Bits of a resource's max price per unit in its hash encoding.
const MAX_PRICE_PER_UNIT_BITS: u32 = 128;

impl ResourceBounds {
    /// Starknet's encoding of one bound in the transaction hash:
    /// `resource_name << 192 | max_amount << 128 | max_price_per_unit`, where the resource name
    /// is the short string `"L1_GAS"`, `"L2_GAS"` or `"L1_DATA"`.
    pub fn encode(&self, resource_name: Felt) -> Felt {
        let shift = |bits: u32| Felt::TWO.pow(u128::from(bits));
        resource_name * shift(MAX_AMOUNT_BITS + MAX_PRICE_PER_UNIT_BITS)
            + Felt::from(self.max_amount) * shift(MAX_PRICE_PER_UNIT_BITS)
            + Felt::from(self.max_price_per_unit)
    }
}

impl ResourceBoundsMapping {
    /// The encoded bounds in hash order: L1 gas, L2 gas, then L1 data gas when present.
    pub fn encoded(&self) -> Vec<Felt> {
        let mut encoded = vec![
            self.l1_gas.encode(short_string::encode_const("L1_GAS")),
            self.l2_gas.encode(short_string::encode_const("L2_GAS")),
        ];
        if let Some(l1_data_gas) = &self.l1_data_gas {
            encoded.push(l1_data_gas.encode(short_string::encode_const("L1_DATA")));
        }
        encoded
    }
}

/// Where a transaction's nonce or fee state lives (only L1 is used by Starknet today).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataAvailabilityMode {
    /// On L1 (value 0).
    #[default]
    L1,
    /// On L2 (value 1).
    L2,
}

impl DataAvailabilityMode {
    /// The protocol's integer value: L1 = 0, L2 = 1.
    pub fn as_u32(self) -> u32 {
        match self {
            DataAvailabilityMode::L1 => 0,
            DataAvailabilityMode::L2 => 1,
        }
    }
}

impl TryFrom<u64> for DataAvailabilityMode {
    type Error = ChainError;

    fn try_from(value: u64) -> Result<Self, ChainError> {
        match value {
            0 => Ok(DataAvailabilityMode::L1),
            1 => Ok(DataAvailabilityMode::L2),
            other => Err(ChainError::InvalidDataAvailabilityMode(other)),
        }
    }
}

/// Starknet's packing of the two modes into one felt: `nonce_mode << 32 | fee_mode`.
pub fn encode_data_availability_modes(
    nonce_mode: DataAvailabilityMode,
    fee_mode: DataAvailabilityMode,
) -> Felt {
    Felt::from((u64::from(nonce_mode.as_u32()) << 32) | u64::from(fee_mode.as_u32()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_encoding_places_fields() {
        let bound = ResourceBounds { max_amount: 0x1234, max_price_per_unit: 0x5678 };
        let encoded = bound.encode(short_string::encode_const("L1_GAS"));
        // "L1_GAS" = 0x4c315f474153, then 16 hex digits of amount, 32 of price.
        let expected = Felt::from_hex_unchecked(
            "0x4c315f474153000000000000123400000000000000000000000000005678",
        );
        assert_eq!(encoded, expected);
        let mapping = ResourceBoundsMapping { l1_data_gas: None, ..Default::default() };
        assert_eq!(mapping.encoded().len(), 2);
        let mapping = ResourceBoundsMapping { l1_data_gas: Some(bound), ..Default::default() };
        assert_eq!(mapping.encoded().len(), 3);
    }

    #[test]
    fn data_availability_modes() {
        use DataAvailabilityMode::*;
        assert_eq!(encode_data_availability_modes(L1, L1), Felt::ZERO);
        assert_eq!(encode_data_availability_modes(L2, L1), Felt::from(1u64 << 32));
        assert_eq!(encode_data_availability_modes(L1, L2), Felt::ONE);
        assert_eq!(DataAvailabilityMode::try_from(1).unwrap(), L2);
        assert_eq!(
            DataAvailabilityMode::try_from(2),
            Err(ChainError::InvalidDataAvailabilityMode(2))
        );
    }
}
