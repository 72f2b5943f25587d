//! Shared fixtures of the executor's integration tests: the cairo-lang vectors, a key, calldata
//! encoding, and a small devnet (bundled classes, genesis contracts, a deployed account) over an
//! in-memory `state::State`.
#![allow(dead_code)]

use std::sync::Arc;

use chain::{ChainId, DeployAccountV1, Felt, InvokeV1, Transaction};
use executor::{
    BlockContext, BlockExecution, BundledClasses, ClassCache, ExecutableTransaction, Executor,
};
use serde_json::Value;
use state::{MemoryBackend, State};

/// `os-program/contracts/vectors.json`, computed with cairo-lang 0.14.0.1.
pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../../../../os-program/contracts/vectors.json")).unwrap()
}

/// A 0x-hex felt of the vectors.
pub fn felt(value: &Value) -> Felt {
    Felt::from_hex(value.as_str().expect("hex string")).expect("felt")
}

/// A list of 0x-hex felts.
pub fn felts(value: &Value) -> Vec<Felt> {
    value.as_array().expect("array").iter().map(felt).collect()
}

/// The vectors' chain, `SN_DEVNET`.
pub fn chain_id() -> ChainId {
    ChainId(felt(&vectors()["chain_id"]["value"]))
}

/// The vectors' test key.
pub fn private_key() -> Felt {
    felt(&vectors()["keys"]["private_key"])
}

/// Its public key.
pub fn public_key() -> Felt {
    chain::signature::public_key(&private_key())
}

/// `get_selector_from_name`.
pub fn selector(name: &str) -> Felt {
    starknet_core::utils::get_selector_from_name(name).unwrap()
}

/// The legacy (Cairo 0) multicall encoding of `__execute__`'s calldata.
pub fn multicall(calls: &[(Felt, Felt, Vec<Felt>)]) -> Vec<Felt> {
    let mut out = vec![Felt::from(calls.len())];
    let mut data = Vec::new();
    for (to, selector, calldata) in calls {
        out.extend([*to, *selector, Felt::from(data.len()), Felt::from(calldata.len())]);
        data.extend_from_slice(calldata);
    }
    out.push(Felt::from(data.len()));
    out.extend(data);
    out
}

/// The block of the vectors' execution session.
pub fn session_block() -> BlockContext {
    let block = &vectors()["execution"]["block"];
    let mut context = BlockContext::new(
        chain_id(),
        u64::try_from(felt(&block["block_number"])).unwrap(),
        u64::try_from(felt(&block["block_timestamp"])).unwrap(),
    );
    context.sequencer_address = felt(&block["sequencer_address"]);
    context
}

/// The ERC-20 constructor calldata of the vectors (1e24 tokens to the account).
pub fn erc20_calldata() -> Vec<Felt> {
    felts(&vectors()["addresses"]["erc20"]["constructor_calldata"])
}

/// The vectors' DEPLOY_ACCOUNT v1 (signed).
pub fn deploy_account_tx() -> Transaction {
    let v = &vectors()["transactions"]["deploy_account_v1"];
    Transaction::DeployAccountV1(DeployAccountV1 {
        class_hash: felt(&v["class_hash"]),
        contract_address_salt: felt(&v["contract_address_salt"]),
        constructor_calldata: felts(&v["constructor_calldata"]),
        max_fee: felt(&v["max_fee"]),
        signature: felts(&v["signature"]),
        nonce: felt(&v["nonce"]),
        is_query: false,
    })
}

/// A devnet in memory: bundled classes, the vectors' genesis contracts, the deployed account.
pub struct Devnet {
    pub bundled: BundledClasses,
    pub classes: ClassCache,
    pub state: State<MemoryBackend>,
    pub executor: Executor,
    pub next_block: u64,
    pub account: Felt,
    pub erc20: Felt,
    pub fibonacci: Felt,
    pub factorial: Felt,
}

impl Devnet {
    /// Block 0 declares the bundled classes (fibonacci only if `declare_fibonacci`) and deploys
    /// the ERC-20, fibonacci (if declared) and factorial; block 1 deploys the account with the
    /// vectors' DEPLOY_ACCOUNT.
    pub fn new(declare_fibonacci: bool) -> Self {
        let bundled = BundledClasses::load().unwrap();
        let classes = ClassCache::with_bundled(&bundled);
        let state = State::new(MemoryBackend::new());
        let executor = Executor::default();
        let addresses = &vectors()["addresses"];
        let (diff, erc20, fibonacci, factorial) = {
            let snapshot = state.latest_snapshot().unwrap();
            let mut block = executor.begin_block(session_block(), &snapshot, &classes).unwrap();
            for class in bundled.all() {
                if declare_fibonacci || !Arc::ptr_eq(class, &bundled.fibonacci) {
                    block.declare_system_class(Arc::clone(class)).unwrap();
                }
            }
            let erc20 = block
                .deploy_system_contract(bundled.erc20.class_hash(), Felt::ONE, &erc20_calldata())
                .unwrap()
                .address;
            let fibonacci = if declare_fibonacci {
                block
                    .deploy_system_contract(bundled.fibonacci.class_hash(), Felt::TWO, &[])
                    .unwrap()
                    .address
            } else {
                felt(&addresses["fibonacci"]["address"])
            };
            let factorial = block
                .deploy_system_contract(bundled.factorial.class_hash(), Felt::THREE, &[])
                .unwrap()
                .address;
            let (diff, _) = block.finish().unwrap();
            (diff, erc20, fibonacci, factorial)
        };
        state.commit_block(0, &diff).unwrap();
        let mut devnet = Devnet {
            bundled,
            classes,
            state,
            executor,
            next_block: 1,
            account: felt(&addresses["account"]["address"]),
            erc20,
            fibonacci,
            factorial,
        };
        let deploy = ExecutableTransaction::new(deploy_account_tx(), chain_id());
        let block = devnet.execute(&[deploy]);
        assert!(block.outcomes[0].as_ref().unwrap().receipt.succeeded());
        devnet
    }

    /// The context of the next block (from block 10 on, with a made-up hash of the block ten
    /// below to store: these tests keep no headers).
    pub fn context(&self) -> BlockContext {
        let mut context = session_block();
        context.block_number = self.next_block;
        context.old_block_hash = self
            .next_block
            .checked_sub(executor::STORED_BLOCK_HASH_BUFFER)
            .map(|old| Felt::from(0xb10c_0000 + old));
        context
    }

    /// Executes `txs` as the next block and commits its diff.
    pub fn execute(&mut self, txs: &[ExecutableTransaction]) -> BlockExecution {
        let execution = {
            let snapshot = self.state.latest_snapshot().unwrap();
            self.executor.execute_block(self.context(), &snapshot, &self.classes, txs).unwrap()
        };
        self.state.commit_block(self.next_block, &execution.state_diff).unwrap();
        self.next_block += 1;
        execution
    }

    /// A signed INVOKE v1 of `calls` from the account.
    pub fn invoke(&self, calls: &[(Felt, Felt, Vec<Felt>)], nonce: u64) -> ExecutableTransaction {
        let mut tx = Transaction::InvokeV1(InvokeV1 {
            sender_address: self.account,
            calldata: multicall(calls),
            max_fee: Felt::ZERO,
            signature: vec![],
            nonce: Felt::from(nonce),
            is_query: false,
        });
        let hash = tx.hash(chain_id());
        tx.set_signature(chain::signature::sign_hash(&private_key(), &hash).unwrap().to_vec());
        ExecutableTransaction::new(tx, chain_id())
    }

    /// A view call on the latest state.
    pub fn call(&self, contract: Felt, name: &str, calldata: &[Felt]) -> Vec<Felt> {
        let snapshot = self.state.latest_snapshot().unwrap();
        self.executor
            .call(&self.context(), &snapshot, &self.classes, contract, selector(name), calldata)
            .unwrap()
    }

    /// The ERC-20 balance (low word) of `owner`.
    pub fn balance(&self, owner: Felt) -> Felt {
        let balance = self.call(self.erc20, "balance_of", &[owner]);
        assert_eq!(balance.len(), 2);
        assert_eq!(balance[1], Felt::ZERO);
        balance[0]
    }

    /// The account's nonce on the latest state.
    pub fn nonce(&self) -> Felt {
        use state::StateReader;
        self.state.latest_snapshot().unwrap().nonce_at(self.account).unwrap()
    }

    /// The global state root of the latest block.
    pub fn root(&self) -> Felt {
        let (_, roots) = self.state.latest().unwrap().unwrap();
        state::hash::global_root(roots.contracts_root, roots.classes_root)
    }
}
