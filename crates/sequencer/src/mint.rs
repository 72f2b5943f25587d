//! `devnet_mint`: credits an address with the fee token through a real transaction.
//!
//! starknet-devnet mints with a transaction from its "chargeable account" on the token's
//! ERC-20, in a block of its own; so does this devnet. The genesis minter
//! ([`crate::genesis::Genesis::minter`], which holds every token no prefunded account holds)
//! signs an INVOKE v3 calling the genesis ERC-20's `transfer(recipient, amount)`, the node
//! admits it like any submitted transaction and produces a block at once (with whatever else
//! was waiting; more than one if those fill it). So a mint is an ordinary transaction of an
//! ordinary block: the watcher replays it identically and the OS proves it, where a balance
//! written outside a transaction could be neither. Its fee (with `--fees on`) is paid by the
//! minter.
//!
//! This chain has one fee token (the genesis ERC-20, WTK), which pays fees in both units, so
//! `WEI` and `FRI` mint the same token.

use std::fmt;

use chain::signature::sign_hash;
use chain::{Felt, InvokeV3, ResourceBounds, ResourceBoundsMapping, Transaction};
use num_bigint::BigUint;

use crate::SequencerError;
use crate::genesis::balance_key;
use crate::node::Node;
use crate::signing::single_call_calldata;

/// An amount of the fee token: a Cairo `Uint256`, as its two 128-bit words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenAmount {
    /// The low 128 bits.
    pub low: u128,
    /// The high 128 bits.
    pub high: u128,
}

impl TokenAmount {
    /// The amount of `value`, or `None` above `2^256 - 1`.
    pub fn from_biguint(value: &BigUint) -> Option<TokenAmount> {
        if value.bits() > 256 {
            return None;
        }
        let mut digits = value.to_u64_digits();
        digits.resize(4, 0);
        let word = |low: u64, high: u64| u128::from(low) | (u128::from(high) << 64);
        Some(TokenAmount { low: word(digits[0], digits[1]), high: word(digits[2], digits[3]) })
    }

    /// The amount as a number.
    pub fn to_biguint(self) -> BigUint {
        (BigUint::from(self.high) << 128u32) | BigUint::from(self.low)
    }
}

/// Decimal, as starknet-devnet writes balances.
impl fmt::Display for TokenAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_biguint())
    }
}

/// What a mint did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minted {
    /// The minter's transaction.
    pub transaction_hash: Felt,
    /// The block that includes it.
    pub block_number: u64,
    /// The recipient's balance after that block.
    pub new_balance: TokenAmount,
}

/// L2 gas a mint may use: a transfer takes far less (about 2 million with validation).
const MINT_L2_GAS: u64 = 10_000_000;
/// L1 data gas a mint may use (two balances and a nonce change).
const MINT_L1_DATA_GAS: u64 = 10_000;

impl Node {
    /// Transfers `amount` of the fee token from the minter to `recipient` in a new block (the
    /// next one, unless transactions that were waiting fill it), and returns the recipient's
    /// balance after that block. Holds the production lock throughout, so mints are serialized
    /// (each takes the minter's next nonce) and no timed block interleaves.
    pub fn mint(&self, recipient: Felt, amount: TokenAmount) -> Result<Minted, SequencerError> {
        let production = self.lock_production()?;
        let minter = self.genesis.minter.clone();
        let latest = self.latest_block()?.header.block_number;
        if self.store.class_hash_at(&minter.address, latest)? == Felt::ZERO {
            return Err(SequencerError::MinterMissing(minter.address));
        }
        let transfer = starknet_core::utils::get_selector_from_name("transfer")
            .map_err(|error| SequencerError::Executor(error.to_string()))?;
        let data = [recipient, Felt::from(amount.low), Felt::from(amount.high)];
        let mut invoke = InvokeV3 {
            sender_address: minter.address,
            calldata: single_call_calldata(self.genesis.erc20_address, transfer, &data),
            nonce: self.next_nonce(&minter.address)?,
            resource_bounds: self.mint_bounds(),
            ..InvokeV3::default()
        };
        let hash = Transaction::InvokeV3(invoke.clone()).hash(self.config.chain_id);
        invoke.signature = sign_hash(&minter.private_key, &hash)
            .map_err(|error| SequencerError::Executor(error.to_string()))?
            .to_vec();
        self.submit(Transaction::InvokeV3(invoke), None)?;
        self.produce_block_locked(&production)?;
        // Under load, transactions that arrived first may fill the block (transactions or
        // steps); the mint is then in one of the next.
        while self.mempool()?.contains(&hash) {
            if self.produce_block_locked(&production)?.transaction_hashes.is_empty() {
                break;
            }
        }
        let (Some(included), Some(receipt)) =
            (self.store.transaction(&hash)?, self.store.receipt(&hash)?)
        else {
            let reason = self.store.rejection(&hash)?.unwrap_or_else(|| "not included".into());
            return Err(SequencerError::ValidationFailure(format!(
                "the mint was dropped: {reason}"
            )));
        };
        if let chain::ExecutionStatus::Reverted { reason } = receipt.execution_status {
            return Err(SequencerError::MintReverted { transaction_hash: hash, reason });
        }
        let block_number = included.block_number;
        let new_balance = self.token_balance(&recipient, block_number)?;
        Ok(Minted { transaction_hash: hash, block_number, new_balance })
    }

    /// The fee-token balance of `owner` after block `block`.
    pub fn token_balance(&self, owner: &Felt, block: u64) -> Result<TokenAmount, SequencerError> {
        let token = self.genesis.erc20_address;
        let key = balance_key(*owner)?;
        let word = |key: Felt| -> Result<u128, SequencerError> {
            let value = self.store.storage_at(&token, &key, block)?;
            u128::try_from(value.to_biguint())
                .map_err(|_| SequencerError::corrupt("storage", "a balance word over 128 bits"))
        };
        Ok(TokenAmount { low: word(key)?, high: word(key + Felt::ONE)? })
    }

    /// Bounds at the block's prices, so a devnet with fees admits the mint too.
    fn mint_bounds(&self) -> ResourceBoundsMapping {
        let prices = &self.config.gas_prices;
        let bound =
            |max_amount, max_price_per_unit| ResourceBounds { max_amount, max_price_per_unit };
        ResourceBoundsMapping {
            l1_gas: bound(0, prices.l1_gas_price_fri),
            l2_gas: bound(MINT_L2_GAS, prices.l2_gas_price_fri),
            l1_data_gas: Some(bound(MINT_L1_DATA_GAS, prices.l1_data_gas_price_fri)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_convert_both_ways_within_256_bits() {
        let max = (BigUint::from(1u8) << 256u32) - 1u8;
        let amount = TokenAmount::from_biguint(&max).unwrap();
        assert_eq!(amount, TokenAmount { low: u128::MAX, high: u128::MAX });
        assert_eq!(amount.to_biguint(), max);
        assert_eq!(TokenAmount::from_biguint(&(max + 1u8)), None);
        let small = TokenAmount::from_biguint(&BigUint::from(42u8)).unwrap();
        assert_eq!(small, TokenAmount { low: 42, high: 0 });
        let high = TokenAmount { low: 1, high: 2 };
        assert_eq!(TokenAmount::from_biguint(&high.to_biguint()), Some(high));
        assert_eq!(high.to_string(), "680564733841876926926749214863536422913");
    }
}
