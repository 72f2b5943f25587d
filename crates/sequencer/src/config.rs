//! Settings of a devnet node.

use std::time::Duration;

use chain::{ChainId, Felt, GasPrices};

/// How a node runs.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Chain id (every transaction hash commits to it).
    pub chain_id: ChainId,
    /// Time between blocks; a block is produced at every tick, empty or not.
    pub block_time: Duration,
    /// Whether blocks carry the state root (Poseidon tries of the `state` crate). Off: blocks
    /// report `new_root = 0` and the prover computes the root.
    pub commitment: bool,
    /// Most transactions in one block (the rest wait for the next).
    pub max_block_transactions: usize,
    /// Number of prefunded accounts at genesis.
    pub account_count: u64,
    /// Seed of their keys.
    pub seed: u64,
    /// Address that receives fees (fees are zero on the devnet).
    pub sequencer_address: Felt,
    /// Gas prices written into every block and used by fee estimates.
    pub gas_prices: GasPrices,
    /// Most transactions waiting in the mempool; a submission beyond it is refused (memory and
    /// disk stay bounded whatever clients send).
    pub max_mempool_transactions: usize,
    /// How far ahead of an account's nonce a submitted nonce may be: a transaction with nonce
    /// `n` is refused unless `current <= n < current + nonce_window`. Bounds what one account
    /// can park in the mempool, and keeps `getNonce` far from the field's end.
    pub nonce_window: u64,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            chain_id: ChainId::DEVNET,
            block_time: Duration::from_secs(2),
            commitment: true,
            max_block_transactions: 1000,
            account_count: 10,
            seed: 0,
            sequencer_address: Felt::from_hex_unchecked("0x5e9"),
            // Non-zero prices so clients that scale estimates get non-zero bounds; fees actually
            // charged are zero.
            gas_prices: GasPrices {
                l1_gas_price_wei: 1_000_000_000,
                l1_gas_price_fri: 1_000_000_000,
                l1_data_gas_price_wei: 1_000,
                l1_data_gas_price_fri: 1_000,
                l2_gas_price_wei: 1_000,
                l2_gas_price_fri: 1_000,
            },
            max_mempool_transactions: 10_000,
            nonce_window: 64,
        }
    }
}
