//! Settings of a devnet node.

use std::path::PathBuf;
use std::time::Duration;

use chain::classes::ClassLimits;
use chain::{ChainId, Felt, GasPrices};
use executor::ExecutorConfig;

/// How a node runs.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Chain id (every transaction hash commits to it).
    pub chain_id: ChainId,
    /// Time between blocks; a block is produced at every tick, empty or not.
    pub block_time: Duration,
    /// Whether blocks carry the state root (Starknet's tries, the `state` crate). Off: blocks
    /// report `new_root = 0` and the prover computes the root.
    pub commitment: bool,
    /// Most transactions in one block (the rest wait for the next).
    pub max_block_transactions: usize,
    /// Number of prefunded accounts at genesis.
    pub account_count: u64,
    /// Seed of their keys.
    pub seed: u64,
    /// Address that receives fees.
    pub sequencer_address: Felt,
    /// Whether transactions pay fees, in the genesis ERC-20 ([`crate::genesis::erc20_address`])
    /// to [`NodeConfig::sequencer_address`]. Off (the default, and the profile the OS proves
    /// today): receipts report a zero fee and bounds are not checked.
    pub fees: bool,
    /// Gas prices written into every block and used by fee estimates.
    pub gas_prices: GasPrices,
    /// Most transactions waiting in the mempool; a submission beyond it is refused (memory and
    /// disk stay bounded whatever clients send).
    pub max_mempool_transactions: usize,
    /// How far ahead of an account's nonce a submitted nonce may be: a transaction with nonce
    /// `n` is refused unless `current <= n < current + nonce_window`. Bounds what one account
    /// can park in the mempool, and keeps `getNonce` far from the field's end.
    pub nonce_window: u64,
    /// Most bytes of a declared class as JSON (decompressed program, ABI, entry points);
    /// decompression stops past it. Starknet: 4,089,446.
    pub max_class_bytes: usize,
    /// Most felts of a declared class's bytecode. Starknet: 81,920.
    pub max_bytecode_felts: usize,
    /// Cairo steps allowed to a transaction's validation (`__validate*__`, a DEPLOY_ACCOUNT's
    /// constructor); over it the transaction is rejected. Starknet: 1,000,000.
    pub max_validate_steps: usize,
    /// Cairo steps allowed to a transaction's execution (`__execute__`); over it the transaction
    /// is reverted. Also the limit of `starknet_call`. Starknet: 10,000,000.
    pub max_transaction_steps: usize,
    /// Cairo steps of one block (the sum of its receipts' steps): the producer closes a block
    /// before the transaction that would pass it, and rejects a transaction that alone does.
    /// Bounds what proving one block costs: a 626k-step block took 4.7 GB to prove, so the
    /// default of 2,000,000 keeps a block (with the OS's own steps on top) within a 24 GiB
    /// machine. Starknet's blocks are far larger (its provers are too).
    pub max_block_steps: u64,
    /// Largest request body of `starknet_addDeclareTransaction` and `starknet_estimateFee` (which
    /// carry classes), and so of any HTTP request: bigger bodies get HTTP 413.
    pub max_declare_request_bytes: u32,
    /// Largest `params` of every other method; bigger ones get JSON-RPC error -32007.
    pub max_request_bytes: u32,
    /// The directory `devnet_dump` writes to and `devnet_load` reads from (`--dump-dir`); no
    /// other path is ever opened for them. `None` (the default): both are refused.
    pub dump_dir: Option<PathBuf>,
}

impl NodeConfig {
    /// The class size limits.
    pub fn class_limits(&self) -> ClassLimits {
        ClassLimits {
            max_class_bytes: self.max_class_bytes,
            max_bytecode_felts: self.max_bytecode_felts,
        }
    }

    /// The executor's limits (steps per phase; call depth as Starknet's) and fee token.
    pub fn executor_config(&self) -> ExecutorConfig {
        ExecutorConfig {
            validate_max_steps: self.max_validate_steps,
            execute_max_steps: self.max_transaction_steps,
            fee_token: self.fees.then(|| self.fee_token()),
            ..ExecutorConfig::default()
        }
    }

    /// The token fees are paid in where they are charged: the genesis ERC-20.
    pub fn fee_token(&self) -> Felt {
        crate::genesis::erc20_address(self.account_count, self.seed)
    }
}

impl Default for NodeConfig {
    fn default() -> Self {
        let executor = ExecutorConfig::default();
        NodeConfig {
            chain_id: ChainId::DEVNET,
            block_time: Duration::from_secs(2),
            commitment: true,
            max_block_transactions: 1000,
            account_count: 10,
            seed: 0,
            sequencer_address: Felt::from_hex_unchecked("0x5e9"),
            fees: false,
            // Non-zero prices so clients that scale estimates get non-zero bounds (and, with
            // fees on, pay them).
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
            max_class_bytes: ClassLimits::STARKNET.max_class_bytes,
            max_bytecode_felts: ClassLimits::STARKNET.max_bytecode_felts,
            max_validate_steps: executor.validate_max_steps,
            max_transaction_steps: executor.execute_max_steps,
            max_block_steps: 2_000_000,
            // A class at `max_class_bytes` travels gzipped and base64-encoded (4/3), with its
            // ABI in clear: 8 MiB carries it.
            max_declare_request_bytes: 8 << 20,
            // Starknet's gateway takes 4,000 felts of calldata and 4,000 of signature, about
            // 550 KB as hex strings.
            max_request_bytes: 1 << 20,
            dump_dir: None,
        }
    }
}
