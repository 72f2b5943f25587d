//! What a transaction executes in: the block ([`BlockContext`]), the executor's limits
//! ([`ExecutorConfig`]), and the transaction fields the `get_tx_info` syscall returns.

use chain::{ChainId, Felt, GasPrices};

/// The block-hash contract's address: its storage maps a block number to that block's hash
/// ([`BlockContext::old_block_hash`]).
pub const BLOCK_HASH_CONTRACT: Felt = Felt::ONE;
/// How far below the running block the hash a block stores is (blockifier's
/// `STORED_BLOCK_HASH_BUFFER`): the `get_block_hash` syscall serves blocks at least this far back.
pub const STORED_BLOCK_HASH_BUFFER: u64 = 10;

/// The block under construction, as the `get_block_*` syscalls and fee estimates see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockContext {
    /// Block number (`get_block_number`).
    pub block_number: u64,
    /// Unix timestamp in seconds (`get_block_timestamp`).
    pub timestamp: u64,
    /// The sequencer's address (`get_sequencer_address`).
    pub sequencer_address: Felt,
    /// The chain id every transaction hash commits to (`get_tx_info().chain_id`).
    pub chain_id: ChainId,
    /// Gas prices, for fee estimates.
    pub gas_prices: GasPrices,
    /// The hash of block `block_number - 10`, which a block writes at that block's number in
    /// the storage of the block-hash contract (address 1) before its transactions, for the
    /// `get_block_hash` syscall (Starknet's protocol: blockifier's `pre_process_block`).
    /// Required from block 10 on ([`crate::BlockExecutor`] refuses a block without it); `None`
    /// below, and for queries (calls, estimates), which run on the block as it is.
    pub old_block_hash: Option<Felt>,
}

impl BlockContext {
    /// A block on `chain_id` with zero gas prices and sequencer address 0.
    pub fn new(chain_id: ChainId, block_number: u64, timestamp: u64) -> Self {
        BlockContext {
            block_number,
            timestamp,
            sequencer_address: Felt::ZERO,
            chain_id,
            gas_prices: GasPrices::default(),
            old_block_hash: None,
        }
    }
}

/// Limits of the executor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutorConfig {
    /// Cairo steps allowed to the validation phase of a transaction (`__validate*__`, and the
    /// constructor of a DEPLOY_ACCOUNT); exceeding them rejects the transaction. Starknet: 10^6.
    pub validate_max_steps: usize,
    /// Cairo steps allowed to the execution phase (`__execute__`); exceeding them reverts the
    /// transaction. Also the limit of a read-only call. Starknet: 10^7.
    pub execute_max_steps: usize,
    /// Deepest chain of nested `call_contract`s (Starknet: 50).
    pub max_call_depth: usize,
    /// The ERC-20 that fees are paid in, or `None` to charge none (receipts then report a zero
    /// fee). With a token, it is both the STRK (v3) and the ETH (v1) fee token: every
    /// transaction of a block, reverted ones included, pays its actual fee to the block's
    /// sequencer address with the token's `transfer(recipient, amount: u256)`, and admission
    /// checks the resource bounds against the block's gas prices and the sender's balance,
    /// read from the token's `ERC20_balances` storage (the layout of Starknet's fee tokens).
    pub fee_token: Option<Felt>,
    /// The ERC-20 that v1 transactions pay in, where it is not `fee_token` (Starknet's and
    /// starknet-devnet's ETH beside their STRK); ignored without `fee_token`.
    pub eth_fee_token: Option<Felt>,
}

impl ExecutorConfig {
    /// The tokens fees are charged in ([`chain::FeeTokens::NONE`] without fees): `fee_token`
    /// for v3 transactions, `eth_fee_token` (or `fee_token`) for v1 ones.
    pub fn fee_tokens(&self) -> chain::FeeTokens {
        match self.fee_token {
            Some(strk) => chain::FeeTokens { strk, eth: self.eth_fee_token.unwrap_or(strk) },
            None => chain::FeeTokens::NONE,
        }
    }
}

impl Default for ExecutorConfig {
    fn default() -> Self {
        ExecutorConfig {
            validate_max_steps: 1_000_000,
            execute_max_steps: 10_000_000,
            max_call_depth: 50,
            fee_token: None,
            eth_fee_token: None,
        }
    }
}
