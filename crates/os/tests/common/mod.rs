//! Shared fixtures of the OS tests: a chain in memory (bundled classes, an account, the ERC-20,
//! fibonacci and factorial deployed at genesis), signed transactions, and the block header the
//! chain computes for a block, to compare with the OS's public output.
#![allow(dead_code)]

pub mod casm_class;

use chain::block::{L1DataAvailabilityMode, StarknetVersion};
use chain::{
    BlockHeader, BlockPublicOutput, BodyCommitments, ChainId, DeployAccountV1, DeployAccountV3,
    FeeTokens, Felt, InvokeV1, InvokeV3, Receipt, ResourceBounds, ResourceBoundsMapping, StateDiff,
    Transaction,
};
use executor::{
    BlockContext, BundledClasses, ClassCache, ExecutableTransaction, Executor, ExecutorConfig,
};
use os::{BlockExecution, BlockToProve, OsError};
use state::{MemoryBackend, State};

/// The chain the tests run on.
pub const CHAIN_ID: ChainId = ChainId::DEVNET;
/// A test key (worth nothing).
pub const PRIVATE_KEY: Felt =
    Felt::from_hex_unchecked("0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc");

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

/// A chain in memory, its last block's hash and the header the chain computed for it.
pub struct Chain {
    pub bundled: BundledClasses,
    pub classes: ClassCache,
    pub state: State<MemoryBackend>,
    pub config: ExecutorConfig,
    /// The last committed block.
    pub head: u64,
    pub head_hash: Felt,
    /// Every committed block's hash, by number (what blocks from 10 on store at address 1).
    pub hashes: Vec<Felt>,
    pub accounts: Vec<Felt>,
    pub nonces: Vec<u64>,
    pub erc20: Felt,
    pub fibonacci: Felt,
    pub factorial: Felt,
    /// The Universal Deployer (`os-program/contracts/udc.cairo`).
    pub udc: Felt,
}

/// What the chain computed for a block, next to what the OS proved.
pub struct Proven {
    pub header: BlockHeader,
    pub previous_state_root: Felt,
    /// The fee tokens the block was run with.
    pub fee_tokens: FeeTokens,
    pub os: BlockExecution,
}

impl Proven {
    /// The public output the OS must write for this block.
    pub fn expected_output(&self) -> BlockPublicOutput {
        let hashes: Vec<Felt> =
            self.os.executor.included().map(|e| e.receipt.transaction_hash).collect();
        BlockPublicOutput::for_header(
            &self.header,
            &hashes,
            chain::public_output::OS_OUTPUT_VERSION,
            CHAIN_ID,
            self.fee_tokens,
            self.previous_state_root,
        )
    }
}

impl Chain {
    /// Genesis (block 0): the bundled classes declared, `n_accounts` accounts (the test key),
    /// the ERC-20 (supply minted to account 0), fibonacci and factorial.
    pub fn new(n_accounts: usize) -> Self {
        let bundled = BundledClasses::load().unwrap();
        let classes = ClassCache::with_bundled(&bundled);
        let state = State::new(MemoryBackend::new());
        let executor = Executor::default();
        let public_key = chain::signature::public_key(&PRIVATE_KEY);
        let snapshot = state.latest_snapshot().unwrap();
        let mut block = executor
            .begin_block(BlockContext::new(CHAIN_ID, 0, 1_700_000_000), &snapshot, &classes)
            .unwrap();
        for class in bundled.all() {
            block.declare_system_class(class.clone()).unwrap();
        }
        let accounts: Vec<Felt> = (0..n_accounts)
            .map(|salt| {
                block
                    .deploy_system_contract(
                        bundled.account.class_hash(),
                        Felt::from(salt as u64 + 0x5eed),
                        &[public_key],
                    )
                    .unwrap()
                    .address
            })
            .collect();
        let erc20_calldata = [
            chain::short_string::encode_const("Watcher Token"),
            chain::short_string::encode_const("WTK"),
            Felt::from(18u64),
            Felt::from(10u128.pow(24)),
            Felt::ZERO,
            accounts[0],
        ];
        let erc20 = block
            .deploy_system_contract(bundled.erc20.class_hash(), Felt::ONE, &erc20_calldata)
            .unwrap()
            .address;
        let fibonacci = block
            .deploy_system_contract(bundled.fibonacci.class_hash(), Felt::TWO, &[])
            .unwrap()
            .address;
        let factorial = block
            .deploy_system_contract(bundled.factorial.class_hash(), Felt::THREE, &[])
            .unwrap()
            .address;
        let udc_class = std::sync::Arc::new(
            executor::DeprecatedClass::from_json(include_str!(
                "../../../../os-program/contracts/udc.json"
            ))
            .unwrap(),
        );
        classes.insert(udc_class.clone());
        block.declare_system_class(udc_class.clone()).unwrap();
        let udc = block
            .deploy_system_contract(udc_class.class_hash(), Felt::from(4u64), &[])
            .unwrap()
            .address;
        let (diff, _) = block.finish().unwrap();
        state.commit_block(0, &diff).unwrap();
        Chain {
            bundled,
            classes,
            state,
            config: ExecutorConfig::default(),
            head: 0,
            head_hash: Felt::from(0x6e6e5150u64),
            hashes: vec![Felt::from(0x6e6e5150u64)],
            nonces: vec![0; n_accounts],
            accounts,
            erc20,
            fibonacci,
            factorial,
            udc,
        }
    }

    /// The context of the next block.
    pub fn next_context(&self) -> BlockContext {
        let mut context =
            BlockContext::new(CHAIN_ID, self.head + 1, 1_700_000_000 + 12 * (self.head + 1));
        context.sequencer_address = Felt::from(0x5e0u64);
        context.gas_prices.l1_gas_price_wei = 7;
        context.gas_prices.l2_gas_price_fri = 11;
        context.old_block_hash = (self.head + 1)
            .checked_sub(executor::STORED_BLOCK_HASH_BUFFER)
            .map(|old| self.hashes[old as usize]);
        context
    }

    /// Commits `diff` as a system block on top of the head (not executed: e.g. a class declared
    /// and deployed, as genesis does), with a made-up hash.
    pub fn commit_system_block(&mut self, diff: &StateDiff) {
        self.state.commit_block(self.head + 1, diff).unwrap();
        self.head += 1;
        self.head_hash = Felt::from(0x5e1e_u64 + self.head);
        self.hashes.push(self.head_hash);
    }

    /// Commits `n` empty blocks, executed (from block 10 on they store a block hash) but not
    /// run through the OS.
    pub fn empty_blocks(&mut self, n: u64) {
        for _ in 0..n {
            let block = self.block(Vec::new());
            let execution = executor::execute_block(
                &self.config,
                block.context.clone(),
                &self.state.latest_snapshot().unwrap(),
                &self.classes,
                &[],
            )
            .unwrap();
            self.commit(&block, &execution.state_diff, &[]);
        }
    }

    /// A signed INVOKE v1 of `calls` from account `index`, with its next nonce.
    pub fn invoke_v1(
        &mut self,
        index: usize,
        calls: &[(Felt, Felt, Vec<Felt>)],
    ) -> ExecutableTransaction {
        let nonce = self.take_nonce(index);
        let tx = Transaction::InvokeV1(InvokeV1 {
            sender_address: self.accounts[index],
            calldata: multicall(calls),
            max_fee: Felt::from(0x2386f26fc10000u64),
            signature: vec![],
            nonce,
            is_query: false,
        });
        sign(tx)
    }

    /// A signed INVOKE v3 of `calls` from account `index`, with its next nonce.
    pub fn invoke_v3(
        &mut self,
        index: usize,
        calls: &[(Felt, Felt, Vec<Felt>)],
    ) -> ExecutableTransaction {
        let nonce = self.take_nonce(index);
        let tx = Transaction::InvokeV3(InvokeV3 {
            sender_address: self.accounts[index],
            calldata: multicall(calls),
            signature: vec![],
            nonce,
            resource_bounds: ResourceBoundsMapping {
                l1_gas: ResourceBounds { max_amount: 0x186a0, max_price_per_unit: 0x5af3107a4000 },
                l2_gas: ResourceBounds { max_amount: 0x3b9aca00, max_price_per_unit: 0x2540be400 },
                l1_data_gas: Some(ResourceBounds {
                    max_amount: 0x200,
                    max_price_per_unit: 0x38d7ea4c68000,
                }),
            },
            tip: 3,
            paymaster_data: vec![],
            account_deployment_data: vec![],
            nonce_data_availability_mode: Default::default(),
            fee_data_availability_mode: Default::default(),
            is_query: false,
        });
        sign(tx)
    }

    fn take_nonce(&mut self, index: usize) -> Felt {
        let nonce = self.nonces[index];
        self.nonces[index] += 1;
        Felt::from(nonce)
    }

    /// A signed DEPLOY_ACCOUNT (v1 or v3) of the bundled account with the test key and `salt`;
    /// returns the transaction and the new account's address.
    pub fn deploy_account(&self, salt: u64, v3: bool) -> (ExecutableTransaction, Felt) {
        let public_key = chain::signature::public_key(&PRIVATE_KEY);
        let class_hash = self.bundled.account.class_hash();
        let salt = Felt::from(salt);
        let address =
            chain::calculate_contract_address(salt, class_hash, &[public_key], Felt::ZERO);
        let tx = if v3 {
            Transaction::DeployAccountV3(DeployAccountV3 {
                class_hash,
                contract_address_salt: salt,
                constructor_calldata: vec![public_key],
                signature: vec![],
                nonce: Felt::ZERO,
                resource_bounds: ResourceBoundsMapping {
                    l1_gas: ResourceBounds {
                        max_amount: 0x186a0,
                        max_price_per_unit: 0x5af3107a4000,
                    },
                    l2_gas: ResourceBounds {
                        max_amount: 0x3b9aca00,
                        max_price_per_unit: 0x2540be400,
                    },
                    l1_data_gas: None,
                },
                tip: 0,
                paymaster_data: vec![Felt::from(9u64)],
                nonce_data_availability_mode: Default::default(),
                fee_data_availability_mode: Default::default(),
                is_query: false,
            })
        } else {
            Transaction::DeployAccountV1(DeployAccountV1 {
                class_hash,
                contract_address_salt: salt,
                constructor_calldata: vec![public_key],
                max_fee: Felt::ZERO,
                signature: vec![],
                nonce: Felt::ZERO,
                is_query: false,
            })
        };
        (sign(tx), address)
    }

    /// A signed DECLARE v1 of `class` from account `index`.
    pub fn declare(
        &mut self,
        index: usize,
        class: std::sync::Arc<executor::DeprecatedClass>,
    ) -> ExecutableTransaction {
        let nonce = self.take_nonce(index);
        let declare = chain::DeclareV1 {
            sender_address: self.accounts[index],
            class_hash: class.class_hash(),
            max_fee: Felt::ZERO,
            signature: vec![],
            nonce,
            is_query: false,
        };
        let mut tx = Transaction::DeclareV1(declare);
        let hash = tx.hash(CHAIN_ID);
        tx.set_signature(chain::signature::sign_hash(&PRIVATE_KEY, &hash).unwrap().to_vec());
        let Transaction::DeclareV1(declare) = tx else { unreachable!() };
        ExecutableTransaction::declare(declare, class, CHAIN_ID)
    }

    /// An ERC-20 transfer of `amount` from account `from` to `to`.
    pub fn transfer(
        &mut self,
        from: usize,
        to: Felt,
        amount: u64,
        v3: bool,
    ) -> ExecutableTransaction {
        let call = (self.erc20, selector("transfer"), vec![to, Felt::from(amount), Felt::ZERO]);
        if v3 { self.invoke_v3(from, &[call]) } else { self.invoke_v1(from, &[call]) }
    }

    /// The block of `transactions` on top of the head.
    pub fn block(&self, transactions: Vec<ExecutableTransaction>) -> BlockToProve {
        BlockToProve {
            context: self.next_context(),
            parent_hash: self.head_hash,
            l1_da_mode: L1DataAvailabilityMode::Blob,
            starknet_version: StarknetVersion::current(),
            header_commits_state_root: true,
            starknet_devnet_block_hash: false,
            fee_tokens: self.config.fee_tokens(),
            transactions,
        }
    }

    /// Runs `block` through the OS on the head's state (nothing is committed).
    pub fn run_os(&self, block: &BlockToProve) -> Result<BlockExecution, OsError> {
        os::run_block(block, &self.state, Some(self.head), &self.classes, &self.config)
    }

    /// Runs `block` through the OS, then commits the executor's diff as the chain does and
    /// computes the header, which becomes the new head.
    pub fn prove_and_commit(&mut self, block: &BlockToProve) -> Proven {
        let os = self.run_os(block).unwrap();
        let (_, previous_roots) = self.state.latest().unwrap().unwrap();
        let previous_state_root = previous_roots.global_root();
        for class in &os.executor.declared_classes {
            self.classes.insert(class.clone());
        }
        let receipts: Vec<Receipt> = os.executor.included().map(|e| e.receipt.clone()).collect();
        let header = self.commit(block, &os.executor.state_diff, &receipts);
        Proven { header, previous_state_root, fee_tokens: block.fee_tokens, os }
    }

    /// Commits `block`'s diff and makes its header the head.
    fn commit(
        &mut self,
        block: &BlockToProve,
        diff: &StateDiff,
        receipts: &[Receipt],
    ) -> BlockHeader {
        let roots = self.state.commit_block(self.head + 1, diff).unwrap();
        let signed: Vec<(Felt, &[Felt])> = block
            .transactions
            .iter()
            .map(|tx| (tx.transaction_hash, tx.transaction.signature()))
            .collect();
        let context = &block.context;
        let header = BlockHeader::new(
            context.block_number,
            block.parent_hash,
            context.timestamp,
            context.sequencer_address,
            roots.global_root(),
            BodyCommitments::of_block(&signed, receipts, diff),
            context.gas_prices,
            block.l1_da_mode,
            block.starknet_version.clone(),
        );
        self.head += 1;
        self.head_hash = header.hash();
        self.hashes.push(self.head_hash);
        header
    }
}

fn sign(mut tx: Transaction) -> ExecutableTransaction {
    let hash = tx.hash(CHAIN_ID);
    tx.set_signature(chain::signature::sign_hash(&PRIVATE_KEY, &hash).unwrap().to_vec());
    ExecutableTransaction::new(tx, CHAIN_ID)
}

/// The test contract that sends messages around a nested call (`contracts/messenger.cairo`).
pub fn messenger_class() -> std::sync::Arc<executor::DeprecatedClass> {
    std::sync::Arc::new(
        executor::DeprecatedClass::from_json(include_str!("../contracts/messenger.json")).unwrap(),
    )
}

/// A chain with the syscalls test contract (`initial` 5) and the messenger declared and
/// deployed through the UDC (salts 21 and 22, not unique); returns them as (child, messenger).
pub fn chain_with_messengers() -> (Chain, Felt, Felt) {
    let mut chain = Chain::new(2);
    let syscalls = std::sync::Arc::new(
        executor::DeprecatedClass::from_json(include_str!(
            "../../../executor/tests/fixtures/syscalls.json"
        ))
        .unwrap(),
    );
    let messenger = messenger_class();
    let txs = vec![chain.declare(0, syscalls.clone()), chain.declare(0, messenger.clone())];
    let block = chain.block(txs);
    chain.prove_and_commit(&block);
    let deploy = |class: Felt, salt: u64, calldata: Vec<Felt>| {
        let mut arguments = vec![class, Felt::from(salt), Felt::ZERO, Felt::from(calldata.len())];
        arguments.extend(calldata);
        (chain.udc, selector("deployContract"), arguments)
    };
    let calls = [
        deploy(syscalls.class_hash(), 21, vec![Felt::from(5u64)]),
        deploy(messenger.class_hash(), 22, vec![]),
    ];
    let tx = chain.invoke_v1(0, &calls);
    let block = chain.block(vec![tx]);
    chain.prove_and_commit(&block);
    let child = chain::calculate_contract_address(
        Felt::from(21u64),
        syscalls.class_hash(),
        &[Felt::from(5u64)],
        Felt::ZERO,
    );
    let messenger = chain::calculate_contract_address(
        Felt::from(22u64),
        messenger.class_hash(),
        &[],
        Felt::ZERO,
    );
    (chain, child, messenger)
}

/// The verifier's policy for block proofs at test security: any security level, and the
/// program pinned by `program_hash` (the OS's: `os::program_hash()`).
pub fn os_pin_policy(program_hash: Felt) -> cairo_air::CairoPolicy {
    cairo_air::CairoPolicy {
        acceptance: stark::AcceptancePolicy::insecure(),
        program: cairo_air::ProgramPin::Hash(program_hash),
    }
}

/// Resource bounds of the tests' v3 transactions: L1 gas and L2 gas, and L1 data gas too when
/// `all_resources` (blockifier's all-resources gas mode).
pub fn v3_bounds(all_resources: bool) -> chain::ResourceBoundsMapping {
    use chain::ResourceBounds;
    chain::ResourceBoundsMapping {
        l1_gas: ResourceBounds { max_amount: 0x186a0, max_price_per_unit: 0x5af3107a4000 },
        l2_gas: ResourceBounds { max_amount: 0x3b9aca00, max_price_per_unit: 0x2540be400 },
        l1_data_gas: all_resources
            .then_some(ResourceBounds { max_amount: 0x200, max_price_per_unit: 0x38d7ea4c68000 }),
    }
}

/// A DECLARE v3 (all resources bounded) of `class` from `sender`, signed with [`PRIVATE_KEY`].
pub fn declare_v3(
    sender: Felt,
    nonce: Felt,
    class: &std::sync::Arc<executor::SierraClass>,
) -> executor::ExecutableTransaction {
    let mut tx = chain::Transaction::DeclareV3(chain::DeclareV3 {
        sender_address: sender,
        class_hash: class.class_hash(),
        compiled_class_hash: class.compiled_class_hash(),
        signature: vec![],
        nonce,
        resource_bounds: v3_bounds(true),
        tip: 0,
        paymaster_data: vec![],
        account_deployment_data: vec![],
        nonce_data_availability_mode: Default::default(),
        fee_data_availability_mode: Default::default(),
        is_query: false,
    });
    let hash = tx.hash(CHAIN_ID);
    tx.set_signature(chain::signature::sign_hash(&PRIVATE_KEY, &hash).unwrap().to_vec());
    let chain::Transaction::DeclareV3(declare) = tx else { unreachable!() };
    executor::ExecutableTransaction::declare_sierra(declare, std::sync::Arc::clone(class), CHAIN_ID)
}
