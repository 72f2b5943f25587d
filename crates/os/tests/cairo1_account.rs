//! Cairo 1 accounts in the OS: cairo-lang's test account (`account__account`, whose validation
//! entry points check the transaction's signature with the corelib's `check_ecdsa_signature`, on
//! the `ec_op` builtin) is deployed by DEPLOY_ACCOUNT (v1, and v3 with L1 gas bounds only), then
//! INVOKEs (v1, and v3 with all bounds) a Cairo 1 ERC-20's `transfer` and a Cairo 0 contract, and
//! DECLAREs a Sierra class. The OS runs the account's entry points at the top level of the
//! transaction with the Sierra gas it computes from the transaction (`os/account_gas.cairo`);
//! its output is the chain's header and the block's proof verifies. A wrong signature, a changed
//! L2 gas bound or a changed calldata fails the run.

mod common;

use std::sync::Arc;

use chain::{Felt, StateDiff, Transaction};
use common::{CHAIN_ID, Chain, PRIVATE_KEY, selector};
use executor::{ExecutableTransaction, SierraClass};
use stark::SecurityPreset;
use starknet_core::types::contract::SierraClass as CompilerOutput;
use state::StateReader;

/// A Sierra class of cairo-lang-starknet's test data, compiled by the executor.
fn sierra_class(name: &str) -> Arc<SierraClass> {
    let (json, _) = e2e::cairo_lang_test_class(name);
    let output: CompilerOutput = serde_json::from_str(&json).unwrap();
    Arc::new(SierraClass::compile(Arc::new(output.flatten().unwrap())).unwrap())
}

/// Where the system block deploys cairo-lang's ERC-20.
const ERC20: Felt = Felt::from_hex_unchecked("0xe2c20");
/// The ERC-20 balance the Cairo 1 accounts start with.
const START_BALANCE: u64 = 1_000_000;

/// A chain with the Cairo 1 account class declared and the Cairo 1 ERC-20 deployed (a system
/// block, not proven), which holds START_BALANCE for the Cairo 1 accounts of salts 5 and 6.
struct Cairo1Chain {
    chain: Chain,
    account_class: Arc<SierraClass>,
    /// The next nonce of each Cairo 1 account, by address.
    nonces: std::collections::BTreeMap<Felt, u64>,
}

impl Cairo1Chain {
    fn new() -> Self {
        let mut chain = Chain::new(1);
        let account_class = sierra_class("account__account");
        let erc20 = sierra_class("erc20__erc_20");
        chain.classes.insert_sierra(Arc::clone(&account_class));
        chain.classes.insert_sierra(Arc::clone(&erc20));
        let mut diff = StateDiff::default();
        diff.declared_classes
            .insert(account_class.class_hash(), account_class.compiled_class_hash());
        diff.declared_classes.insert(erc20.class_hash(), erc20.compiled_class_hash());
        diff.deployed_contracts.insert(ERC20, erc20.class_hash());
        let mut balances = std::collections::BTreeMap::new();
        for salt in [5, 6] {
            balances
                .insert(balance_key(account_address(&account_class, salt)), START_BALANCE.into());
        }
        diff.storage_diffs.insert(ERC20, balances);
        chain.commit_system_block(&diff);
        Cairo1Chain { chain, account_class, nonces: Default::default() }
    }

    fn take_nonce(&mut self, account: Felt) -> Felt {
        let nonce = self.nonces.entry(account).or_default();
        *nonce += 1;
        Felt::from(*nonce - 1)
    }

    /// A signed DEPLOY_ACCOUNT of the Cairo 1 account with `salt`: v1, or v3 with L1 gas bounds
    /// only (blockifier's L1-gas mode); returns it and the account's address.
    fn deploy_account(&mut self, salt: u64, v3: bool) -> (ExecutableTransaction, Felt) {
        let address = account_address(&self.account_class, salt);
        self.nonces.insert(address, 1);
        let class_hash = self.account_class.class_hash();
        let (salt, calldata) = (Felt::from(salt), vec![public_key()]);
        let tx = if v3 {
            Transaction::DeployAccountV3(chain::DeployAccountV3 {
                class_hash,
                contract_address_salt: salt,
                constructor_calldata: calldata,
                signature: vec![],
                nonce: Felt::ZERO,
                resource_bounds: common::v3_bounds(false),
                tip: 0,
                paymaster_data: vec![],
                nonce_data_availability_mode: Default::default(),
                fee_data_availability_mode: Default::default(),
                is_query: false,
            })
        } else {
            Transaction::DeployAccountV1(chain::DeployAccountV1 {
                class_hash,
                contract_address_salt: salt,
                constructor_calldata: calldata,
                max_fee: Felt::ZERO,
                signature: vec![],
                nonce: Felt::ZERO,
                is_query: false,
            })
        };
        (sign(tx), address)
    }

    /// A signed INVOKE of `calls` from the Cairo 1 account at `account`: v1, or v3 with all
    /// three bounds (blockifier's all-resources mode: the L2 gas bound is the initial gas).
    fn invoke(
        &mut self,
        account: Felt,
        calls: &[(Felt, Felt, Vec<Felt>)],
        v3: bool,
    ) -> ExecutableTransaction {
        let nonce = self.take_nonce(account);
        let calldata = cairo1_calls(calls);
        let tx = if v3 {
            Transaction::InvokeV3(chain::InvokeV3 {
                sender_address: account,
                calldata,
                signature: vec![],
                nonce,
                resource_bounds: common::v3_bounds(true),
                tip: 1,
                paymaster_data: vec![],
                account_deployment_data: vec![],
                nonce_data_availability_mode: Default::default(),
                fee_data_availability_mode: Default::default(),
                is_query: false,
            })
        } else {
            Transaction::InvokeV1(chain::InvokeV1 {
                sender_address: account,
                calldata,
                max_fee: Felt::from(0x2386f26fc10000u64),
                signature: vec![],
                nonce,
                is_query: false,
            })
        };
        sign(tx)
    }

    /// An ERC-20 transfer of `amount` to `to` from the Cairo 1 account at `account`.
    fn transfer(
        &mut self,
        account: Felt,
        to: Felt,
        amount: u64,
        v3: bool,
    ) -> ExecutableTransaction {
        let call = (ERC20, selector("transfer"), vec![to, Felt::from(amount), Felt::ZERO]);
        self.invoke(account, &[call], v3)
    }

    /// A signed DECLARE v3 of `class` from the Cairo 1 account at `account`.
    fn declare_v3(&mut self, account: Felt, class: &Arc<SierraClass>) -> ExecutableTransaction {
        let nonce = self.take_nonce(account);
        common::declare_v3(account, nonce, class)
    }

    /// Sets the ERC-20 balances of `owners` to `amount` in a system block (not proven). Also
    /// under OpenZeppelin's `ERC20_balances` key, where blockifier reads a fee payer's balance
    /// before the transaction (cairo-lang's test ERC-20 keeps its own under `balances`).
    fn fund(&mut self, owners: &[Felt], amount: Felt) {
        let oz_key =
            |owner| starknet_core::utils::get_storage_var_address("ERC20_balances", &[owner]);
        let balances = owners
            .iter()
            .flat_map(|owner| [(balance_key(*owner), amount), (oz_key(*owner).unwrap(), amount)])
            .collect();
        let mut diff = StateDiff::default();
        diff.storage_diffs.insert(ERC20, balances);
        self.chain.commit_system_block(&diff);
    }

    fn balance(&self, owner: Felt) -> Felt {
        let snapshot = self.chain.state.latest_snapshot().unwrap();
        snapshot.storage_at(ERC20, balance_key(owner)).unwrap()
    }
}

fn public_key() -> Felt {
    chain::signature::public_key(&PRIVATE_KEY)
}

/// The address of the Cairo 1 account deployed with `salt` (deployer 0).
fn account_address(class: &SierraClass, salt: u64) -> Felt {
    chain::calculate_contract_address(
        Felt::from(salt),
        class.class_hash(),
        &[public_key()],
        Felt::ZERO,
    )
}

/// The ERC-20's `balances` entry (the low half of the u256) of `owner`.
fn balance_key(owner: Felt) -> Felt {
    starknet_core::utils::get_storage_var_address("balances", &[owner]).unwrap()
}

/// `__execute__`'s calldata for a Cairo 1 account: `Array<Call>` serialized as [n_calls, (to,
/// selector, calldata_len, calldata)...].
fn cairo1_calls(calls: &[(Felt, Felt, Vec<Felt>)]) -> Vec<Felt> {
    let mut out = vec![Felt::from(calls.len())];
    for (to, selector, calldata) in calls {
        out.extend([*to, *selector, Felt::from(calldata.len())]);
        out.extend(calldata);
    }
    out
}

fn sign(mut tx: Transaction) -> ExecutableTransaction {
    let hash = tx.hash(CHAIN_ID);
    tx.set_signature(chain::signature::sign_hash(&PRIVATE_KEY, &hash).unwrap().to_vec());
    ExecutableTransaction::new(tx, CHAIN_ID)
}

/// The builtin instances a run used, as `name instances` pairs.
fn builtin_usage(run: &os::BlockExecution) -> String {
    let segments = &run.run.execution.builtins;
    let used = segments.iter().filter(|segment| segment.stop > segment.begin).map(|segment| {
        let instances = (segment.stop - segment.begin) / segment.builtin.cells_per_instance();
        format!("{:?} {instances}", segment.builtin)
    });
    used.collect::<Vec<_>>().join(", ")
}

/// Deploys the Cairo 1 accounts of salts 5 (v1) and 6 (v3, L1 gas bounds only) in one proven
/// block; returns their addresses.
fn deploy_two_accounts(c1: &mut Cairo1Chain) -> (Felt, Felt) {
    let (deploy_v1, first) = c1.deploy_account(5, false);
    let (deploy_v3, second) = c1.deploy_account(6, true);
    let block = c1.chain.block(vec![deploy_v1, deploy_v3]);
    let proven = c1.chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let deployed = &proven.os.executor.state_diff.deployed_contracts;
    assert_eq!(deployed.get(&first), Some(&c1.account_class.class_hash()));
    assert_eq!(deployed.get(&second), Some(&c1.account_class.class_hash()));
    let snapshot = c1.chain.state.latest_snapshot().unwrap();
    let key = starknet_core::utils::get_storage_var_address("public_key", &[]).unwrap();
    assert_eq!(snapshot.storage_at(first, key).unwrap(), public_key());
    eprintln!("two Cairo 1 DEPLOY_ACCOUNTs (v1, v3): {} OS steps", proven.os.steps);
    (first, second)
}

#[test]
fn a_cairo1_account_deploys_transfers_and_calls_cairo0() {
    let mut c1 = Cairo1Chain::new();
    let (first, second) = deploy_two_accounts(&mut c1);
    let recipient = Felt::from(0x7ec1_u64);

    // v1 from the first account: an ERC-20 transfer and a Cairo 0 contract in one `__execute__`;
    // v3 (all bounds) from the second.
    let fibonacci = (c1.chain.fibonacci, selector("fibonacci"), vec![Felt::from(10u64)]);
    let transfer = (ERC20, selector("transfer"), vec![recipient, Felt::from(40u64), Felt::ZERO]);
    let txs = vec![
        c1.invoke(first, &[transfer, fibonacci], false),
        c1.transfer(second, recipient, 2, true),
    ];
    let block = c1.chain.block(txs);
    let proven = c1.chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    assert_eq!(c1.balance(recipient), Felt::from(42u64));
    assert_eq!(c1.balance(first), Felt::from(START_BALANCE - 40));
    let nonce = c1.chain.state.latest_snapshot().unwrap().nonce_at(second).unwrap();
    assert_eq!(nonce, Felt::TWO);
    eprintln!(
        "Cairo 1 account INVOKEs (v1 transfer + Cairo 0, v3 transfer): {} OS steps",
        proven.os.steps
    );

    // DECLARE v3 from a Cairo 1 account (`__validate_declare__`).
    let hello = sierra_class("hello_starknet__hello_starknet");
    c1.chain.classes.insert_sierra(Arc::clone(&hello));
    let tx = c1.declare_v3(first, &hello);
    let block = c1.chain.block(vec![tx]);
    let proven = c1.chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let declared = &proven.os.executor.state_diff.declared_classes;
    assert_eq!(declared.get(&hello.class_hash()), Some(&hello.compiled_class_hash()));
}

#[test]
fn cairo1_account_transfer_steps() {
    // The fixed cost of a block and the cost per transfer: blocks of 1 and 10 ERC-20 transfers
    // from one Cairo 1 account (v1), each on a fresh chain with the account deployed.
    let mut counts = Vec::new();
    for n in [1u64, 10] {
        let mut c1 = Cairo1Chain::new();
        let (first, _) = deploy_two_accounts(&mut c1);
        let empty = c1.chain.run_os(&c1.chain.block(vec![])).unwrap();
        let txs = (0..n).map(|i| c1.transfer(first, Felt::from(0x100 + i), 1, false)).collect();
        let block = c1.chain.block(txs);
        let proven = c1.chain.prove_and_commit(&block);
        assert_eq!(proven.os.public_output, proven.expected_output());
        assert_eq!(c1.balance(first), Felt::from(START_BALANCE - n));
        eprintln!(
            "{n} Cairo 1 transfers: {} OS steps (empty block {}); builtins: {}",
            proven.os.steps,
            empty.steps,
            builtin_usage(&proven.os)
        );
        counts.push((proven.os.steps, empty.steps));
    }
    let per_transfer = (counts[1].0 - counts[0].0) / 9;
    eprintln!("per Cairo 1 transfer from a Cairo 1 account: {per_transfer} OS steps");
    assert!(per_transfer > 0);
}

#[test]
fn a_cairo1_account_block_proof_verifies() {
    let mut c1 = Cairo1Chain::new();
    let (first, _) = deploy_two_accounts(&mut c1);
    let tx = c1.transfer(first, Felt::from(0x7ec1_u64), 5, false);
    let block = c1.chain.block(vec![tx]);
    let proven = c1.chain.prove_and_commit(&block);
    let execution = proven.os.run.to_cairo_execution().unwrap();
    let ec_op = execution.builtins.iter().find(|s| s.builtin == cairo_air::Builtin::EcOp);
    assert!(ec_op.is_some_and(|s| s.stop > s.begin), "the signature check uses ec_op");
    let os_hash = os::program_hash().unwrap();
    eprintln!("OS program hash: {os_hash:#x}; proving {} steps", proven.os.steps);
    let proof = cairo_air::prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let policy = common::os_pin_policy(os_hash);
    let verified = cairo_air::verify_proof(&proof, &policy).unwrap();
    let output = chain::BlockPublicOutput::from_felts(&verified.output).unwrap();
    assert_eq!(output, proven.expected_output());
}

/// A chain with the first Cairo 1 account deployed, and a prepared block of one v3 transfer from
/// it.
fn prepared_transfer() -> os::PreparedBlock {
    let mut c1 = Cairo1Chain::new();
    let (first, _) = deploy_two_accounts(&mut c1);
    let tx = c1.transfer(first, Felt::from(0x7ec1_u64), 5, true);
    let block = c1.chain.block(vec![tx]);
    let chain = &c1.chain;
    os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
        .unwrap()
}

#[test]
fn cairo1_accounts_pay_fees_in_a_cairo1_token() {
    // The Cairo 1 ERC-20 is the chain's fee token: each transfer's fee goes to the sequencer
    // through the token's `transfer`, run in Sierra-gas mode with DEFAULT_INITIAL_GAS
    // (os/fee.cairo), its gas checked against the executor's.
    let mut c1 = Cairo1Chain::new();
    let (first, second) = deploy_two_accounts(&mut c1);
    let funds = Felt::from(10u128.pow(30));
    c1.fund(&[first, second], funds);
    c1.chain.config.fee_token = Some(ERC20);
    let sequencer = c1.chain.next_context().sequencer_address;
    let recipient = Felt::from(0x7ec1_u64);
    let txs =
        vec![c1.transfer(first, recipient, 40, false), c1.transfer(second, recipient, 2, true)];
    let block = c1.chain.block(txs);
    let proven = c1.chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let tokens = chain::FeeTokens { strk: ERC20, eth: ERC20 };
    assert_eq!(proven.os.public_output.fee_tokens, tokens);
    let fees: Vec<Felt> =
        proven.os.executor.included().map(|done| done.receipt.actual_fee.amount).collect();
    assert!(fees.iter().all(|fee| *fee != Felt::ZERO), "both pay a fee: {fees:?}");
    assert_eq!(c1.balance(sequencer), fees[0] + fees[1]);
    assert_eq!(c1.balance(first), funds - Felt::from(40u64) - fees[0]);
    assert_eq!(c1.balance(second), funds - Felt::TWO - fees[1]);
    eprintln!(
        "Cairo 1 accounts, 2 transfers paying fees in the Cairo 1 ERC-20: {} OS steps",
        proven.os.steps
    );
}

#[test]
fn a_wrong_signature_fails_the_cairo1_account() {
    // The executor rejects a wrongly signed transaction: the block is not provable.
    let mut c1 = Cairo1Chain::new();
    let (first, _) = deploy_two_accounts(&mut c1);
    let mut tx = c1.transfer(first, Felt::from(0x7ec1_u64), 5, false);
    let mut signature = tx.transaction.signature().to_vec();
    signature[1] += Felt::ONE;
    tx.transaction.set_signature(signature);
    let block = c1.chain.block(vec![tx]);
    match c1.chain.run_os(&block) {
        Err(os::OsError::RejectedTransaction { index: 0, .. }) => {}
        other => panic!("{other:?}"),
    }

    // Given another signature than the one the executor checked, the account's
    // `check_ecdsa_signature` fails in the OS: `__validate__` panics and the run fails.
    let mut prepared = prepared_transfer();
    prepared.input.transactions[0].signature[1] += Felt::ONE;
    let error = prepared.run().unwrap_err().to_string();
    assert!(error.contains("the Cairo 1 call of"), "{error}");
}

#[test]
fn a_changed_l2_gas_bound_or_calldata_fails_the_run() {
    // The initial gas of a v3 transaction is its signed L2 gas bound: another bound is another
    // transaction hash, which the account's signature does not sign.
    let honest = prepared_transfer().run().unwrap();
    assert_eq!(honest.public_output.transaction_count, 1);
    let mut prepared = prepared_transfer();
    let tx = &mut prepared.input.transactions[0];
    assert_eq!(tx.resource_bounds.len(), 3);
    // One more unit of L2 gas max_amount (bits 128..192 of the encoding).
    tx.resource_bounds[1] += Felt::from_hex_unchecked("0x100000000000000000000000000000000");
    let error = prepared.run().unwrap_err().to_string();
    assert!(error.contains("the Cairo 1 call of"), "{error}");

    // A changed transfer amount: the same.
    let mut prepared = prepared_transfer();
    let calldata = &mut prepared.input.transactions[0].calldata;
    let amount = calldata.len() - 2;
    calldata[amount] += Felt::ONE;
    assert!(prepared.run().is_err());
}

#[test]
fn a_cairo1_accounts_reverted_invoke_is_proven_as_reverted() {
    // A transfer of more than the account holds reverts in `__execute__`: the OS takes the
    // executor's reverted flag (as for a Cairo 0 account), runs `__validate__` (its signature
    // check proven) and bumps the nonce; the transfer's effects are not in the block.
    let mut c1 = Cairo1Chain::new();
    let (first, _) = deploy_two_accounts(&mut c1);
    let recipient = Felt::from(0x7ec1_u64);
    let txs = vec![
        c1.transfer(first, recipient, START_BALANCE + 1, true),
        c1.transfer(first, recipient, 5, false),
    ];
    let block = c1.chain.block(txs);
    let proven = c1.chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let receipts: Vec<_> = proven.os.executor.included().map(|done| done.reverted()).collect();
    assert_eq!(receipts, [true, false], "the first reverted, the second succeeded");
    assert_eq!(c1.balance(recipient), Felt::from(5u64));
    assert_eq!(c1.balance(first), Felt::from(START_BALANCE - 5));
    let nonce = c1.chain.state.latest_snapshot().unwrap().nonce_at(first).unwrap();
    assert_eq!(nonce, Felt::THREE, "deploy, the reverted transfer, the transfer");
}
