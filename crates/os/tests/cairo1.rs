//! Cairo 1 contracts in the OS: a Sierra class (cairo-lang-starknet's `hello_starknet`) declared
//! and deployed before the proven block; a Cairo 0 account INVOKEs its `increase_balance`. The
//! OS loads the class's CASM, binds it to the classes trie by its compiled class hash (v2), runs
//! the entry point with the Cairo 1 calling convention and replays its storage syscalls; its
//! output is the chain's header. A changed CASM or a wrong guess of the classes-trie leaf fails
//! the run, and the block's proof verifies.

mod common;

use std::sync::Arc;

use chain::{Felt, StateDiff};
use common::{Chain, selector};
use executor::SierraClass;
use stark::SecurityPreset;
use starknet_core::types::contract::SierraClass as CompilerOutput;
use state::StateReader;

/// A Sierra class of cairo-lang-starknet's test data, compiled by the executor.
fn sierra_class(name: &str) -> Arc<SierraClass> {
    let (json, _) = e2e::cairo_lang_test_class(name);
    let output: CompilerOutput = serde_json::from_str(&json).unwrap();
    Arc::new(SierraClass::compile(Arc::new(output.flatten().unwrap())).unwrap())
}

/// The address the system block deploys `hello_starknet` at.
const HELLO: Felt = Felt::from_hex_unchecked("0x4e110");

/// The test chain with `hello_starknet` declared and deployed by a system block (block 1,
/// not proven: its state diff is committed as genesis is).
fn chain_with_hello() -> (Chain, Arc<SierraClass>) {
    let mut chain = Chain::new(1);
    let hello = sierra_class("hello_starknet__hello_starknet");
    chain.classes.insert_sierra(Arc::clone(&hello));
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(hello.class_hash(), hello.compiled_class_hash());
    diff.deployed_contracts.insert(HELLO, hello.class_hash());
    chain.commit_system_block(&diff);
    (chain, hello)
}

/// `hello_starknet`'s `balance` storage variable.
fn balance_key() -> Felt {
    starknet_core::utils::get_storage_var_address("balance", &[]).unwrap()
}

fn increase_balance_block(chain: &mut Chain, amount: u64) -> os::BlockToProve {
    let call = (HELLO, selector("increase_balance"), vec![Felt::from(amount)]);
    let tx = chain.invoke_v1(0, &[call]);
    chain.block(vec![tx])
}

#[test]
fn a_cairo0_account_invokes_a_cairo1_contract() {
    let (mut chain, _) = chain_with_hello();
    for (round, amount) in [(1u64, 5u64), (2, 7)] {
        let block = increase_balance_block(&mut chain, amount);
        let proven = chain.prove_and_commit(&block);
        assert_eq!(proven.os.public_output, proven.expected_output());
        let balance = chain.state.latest_snapshot().unwrap().storage_at(HELLO, balance_key());
        assert_eq!(balance.unwrap(), Felt::from(if round == 1 { 5u64 } else { 12 }));
        eprintln!("increase_balance block {round}: {} OS steps", proven.os.steps);
    }
}

#[test]
fn a_changed_casm_fails_the_run() {
    let (mut chain, _) = chain_with_hello();
    let block = increase_balance_block(&mut chain, 5);
    let mut prepared =
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap();
    let casm = &mut prepared.compiled_classes[0].class;
    let word = casm.bytecode.len() / 2;
    casm.bytecode[word] += Felt::ONE;
    let error = prepared.run().unwrap_err().to_string();
    assert!(error.contains("compiled class hash"), "{error}");
}

#[test]
fn a_wrong_guess_of_the_classes_trie_leaf_fails_the_run() {
    let (mut chain, hello) = chain_with_hello();
    let block = increase_balance_block(&mut chain, 5);
    // A guess that is not the CASM's compiled class hash.
    let mut prepared =
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap();
    *prepared.input.pre_classes.get_mut(&hello.class_hash()).unwrap() += Felt::ONE;
    let error = prepared.run().unwrap_err().to_string();
    assert!(error.contains("compiled class hash"), "{error}");

    // A CASM loaded for `hello` in a block that runs none of it, with the guessed leaf its own
    // compiled class hash (so the load accepts it): the state update checks the guess against
    // the previous classes root. `hello`'s own CASM passes, another class's does not.
    let other = sierra_class("minimal_contract__minimal_contract");
    let empty = chain.block(vec![]);
    let run_with = |casm: &SierraClass| {
        let mut prepared = os::prepare_block(
            &empty,
            &chain.state,
            Some(chain.head),
            &chain.classes,
            &chain.config,
        )
        .unwrap();
        let mut touched = state::witness::TouchedKeys::default();
        touched.add_class(hello.class_hash());
        prepared.witness =
            state::witness::StateWitness::build(&chain.state, Some(chain.head), &touched).unwrap();
        prepared.compiled_classes = vec![os::cairo1::CasmClassInput {
            class_hash: hello.class_hash(),
            ..os::cairo1::CasmClassInput::new(casm.class_hash(), casm.casm())
        }];
        prepared.input.pre_classes.insert(hello.class_hash(), casm.compiled_class_hash());
        prepared.run()
    };
    let honest = run_with(&hello).unwrap();
    assert_eq!(honest.public_output.new_state_root, honest.public_output.previous_state_root);
    let plain = chain.run_os(&empty).unwrap();
    eprintln!(
        "empty block: {} OS steps; with hello_starknet's CASM loaded and bound to the classes \
         trie: {} steps",
        plain.steps, honest.steps
    );
    let error = run_with(&other).unwrap_err().to_string();
    assert!(!error.contains("compiled class hash"), "{error}");
}

/// Declares and deploys `class` at `address` with a system block on top of the head.
fn system_deploy(chain: &mut Chain, class: &Arc<SierraClass>, address: Felt) {
    chain.classes.insert_sierra(Arc::clone(class));
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(class.class_hash(), class.compiled_class_hash());
    diff.deployed_contracts.insert(address, class.class_hash());
    chain.commit_system_block(&diff);
}

#[test]
fn a_cairo1_contract_library_calls_a_cairo1_class() {
    // cairo-lang's `proxy` forwards `increase_counter` to its implementation class (the
    // `counter_contract` of `new_syntax_test_contract`) with `library_call`: the counter's
    // storage read and write and its event happen on the proxy.
    let (mut chain, _) = chain_with_hello();
    let proxy = sierra_class("proxy__proxy");
    let counter = sierra_class("new_syntax_test_contract__counter_contract");
    let address = Felt::from(0x960_u64);
    chain.classes.insert_sierra(Arc::clone(&proxy));
    chain.classes.insert_sierra(Arc::clone(&counter));
    let key = |name: &str| starknet_core::utils::get_storage_var_address(name, &[]).unwrap();
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(proxy.class_hash(), proxy.compiled_class_hash());
    diff.declared_classes.insert(counter.class_hash(), counter.compiled_class_hash());
    diff.deployed_contracts.insert(address, proxy.class_hash());
    diff.storage_diffs.insert(
        address,
        [(key("implementation"), counter.class_hash()), (key("counter"), Felt::from(40u64))].into(),
    );
    chain.commit_system_block(&diff);

    let call = (address, selector("increase_counter"), vec![Felt::from(2u64)]);
    let tx = chain.invoke_v1(0, &[call]);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let snapshot = chain.state.latest_snapshot().unwrap();
    assert_eq!(snapshot.storage_at(address, key("counter")).unwrap(), Felt::from(42u64));
    let receipt = &proven.os.executor.included().next().unwrap().receipt;
    assert!(!receipt.events.is_empty(), "the counter's event is in the event commitment");
    eprintln!("proxy increase_counter block: {} OS steps", proven.os.steps);
}

#[test]
fn a_cairo1_contract_calls_a_cairo0_contract() {
    // The counter's `decrease_counter` asks its `other_contract` (`call_contract`), here a Cairo
    // 0 contract that allows it, then decreases the counter.
    let (mut chain, _) = chain_with_hello();
    let counter = sierra_class("new_syntax_test_contract__counter_contract");
    let other = Arc::new(
        executor::DeprecatedClass::from_json(include_str!("contracts/allow_decrease.json"))
            .unwrap(),
    );
    chain.classes.insert_sierra(Arc::clone(&counter));
    chain.classes.insert(Arc::clone(&other));
    let (address, other_address) = (Felt::from(0xc0_u64), Felt::from(0x07e4_u64));
    let key = |name: &str| starknet_core::utils::get_storage_var_address(name, &[]).unwrap();
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(counter.class_hash(), counter.compiled_class_hash());
    diff.deprecated_declared_classes.insert(other.class_hash());
    diff.deployed_contracts.insert(address, counter.class_hash());
    diff.deployed_contracts.insert(other_address, other.class_hash());
    diff.storage_diffs.insert(
        address,
        [(key("counter"), Felt::from(40u64)), (key("other_contract"), other_address)].into(),
    );
    chain.commit_system_block(&diff);

    let call = (address, selector("decrease_counter"), vec![Felt::from(3u64)]);
    let tx = chain.invoke_v1(0, &[call]);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let snapshot = chain.state.latest_snapshot().unwrap();
    assert_eq!(snapshot.storage_at(address, key("counter")).unwrap(), Felt::from(37u64));
}

#[test]
fn a_cairo1_bridge_sends_a_message_to_l1() {
    // cairo-lang's `token_bridge`: `initiate_withdraw(l1_recipient, amount)` burns the amount at
    // its L2 token (here a Cairo 0 stand-in, `call_contract`), then sends [0 (WITHDRAW), l1_recipient,
    // amount.low, amount.high] to its L1 bridge (`send_message_to_l1`, charged per payload felt)
    // and emits an event. The OS records the message for the receipt: the block hash is the
    // header's over the executor's receipt, which has the message.
    println!("step: a chain with the bridge (L1 bridge 0xb1, L2 token a Cairo 0 contract)");
    let (mut chain, _) = chain_with_hello();
    let bridge = sierra_class("token_bridge__token_bridge");
    let token = Arc::new(
        executor::DeprecatedClass::from_json(include_str!("contracts/burnable.json")).unwrap(),
    );
    chain.classes.insert_sierra(Arc::clone(&bridge));
    chain.classes.insert(Arc::clone(&token));
    let (address, token_address, l1_bridge) =
        (Felt::from(0xb41d_u64), Felt::from(0x70c_u64), Felt::from(0xb1_u64));
    let key = |name: &str| starknet_core::utils::get_storage_var_address(name, &[]).unwrap();
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(bridge.class_hash(), bridge.compiled_class_hash());
    diff.deprecated_declared_classes.insert(token.class_hash());
    diff.deployed_contracts.insert(address, bridge.class_hash());
    diff.deployed_contracts.insert(token_address, token.class_hash());
    diff.storage_diffs.insert(
        address,
        [
            (key("governor"), chain.accounts[0]),
            (key("l1_bridge"), l1_bridge),
            (key("l2_token"), token_address),
        ]
        .into(),
    );
    chain.commit_system_block(&diff);

    println!("step: two withdrawals in one transaction, one in the next");
    let recipient = Felt::from(0xe7e7_u64);
    let withdraw = |amount: u64| {
        (address, selector("initiate_withdraw"), vec![recipient, Felt::from(amount), Felt::ZERO])
    };
    let txs =
        vec![chain.invoke_v1(0, &[withdraw(5), withdraw(6)]), chain.invoke_v3(0, &[withdraw(7)])];
    let block = chain.block(txs);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let receipts: Vec<&chain::Receipt> =
        proven.os.executor.included().map(|e| &e.receipt).collect();
    let payload = |amount: u64| vec![Felt::ZERO, recipient, Felt::from(amount), Felt::ZERO];
    let sent = |receipt: &chain::Receipt| -> Vec<(Felt, Felt, Vec<Felt>)> {
        receipt
            .messages_sent
            .iter()
            .map(|m| (m.from_address, m.to_address, m.payload.clone()))
            .collect()
    };
    assert_eq!(
        sent(receipts[0]),
        vec![(address, l1_bridge, payload(5)), (address, l1_bridge, payload(6))]
    );
    assert_eq!(sent(receipts[1]), vec![(address, l1_bridge, payload(7))]);
    println!("step: proven, {} OS steps", proven.os.steps);
}

#[test]
fn a_cairo1_erc20_reads_its_caller() {
    // The ERC-20's `approve` reads its caller through `get_execution_info`, writes the
    // allowance of (caller, spender) and emits `Approval`.
    let (mut chain, _) = chain_with_hello();
    let erc20 = sierra_class("erc20__erc_20");
    let address = Felt::from(0xe2c20_u64);
    system_deploy(&mut chain, &erc20, address);
    let spender = Felt::from(0x5be_u64);
    for v3 in [false, true] {
        // Another amount each time, so that each block writes the allowance.
        let amount = Felt::from(if v3 { 20u64 } else { 10 });
        let call = (address, selector("approve"), vec![spender, amount, Felt::ZERO]);
        let tx = if v3 { chain.invoke_v3(0, &[call]) } else { chain.invoke_v1(0, &[call]) };
        let block = chain.block(vec![tx]);
        let proven = chain.prove_and_commit(&block);
        assert_eq!(proven.os.public_output, proven.expected_output());
        let diff = &proven.os.executor.state_diff;
        assert!(diff.storage_diffs.get(&address).is_some_and(|writes| !writes.is_empty()));
        eprintln!("ERC-20 approve block (v3: {v3}): {} OS steps", proven.os.steps);
    }
}

#[test]
fn a_cairo1_contract_replaces_its_class() {
    // cairo-lang's upgradable counter: its owner's `upgrade(new_class_hash)` makes a
    // `replace_class` syscall; the contract's class becomes hello_starknet (declared), whose
    // code runs on the contract's storage from the next call on.
    println!("step: the upgradable counter at 0xc0c0, owned by account 0");
    let (mut chain, hello) = chain_with_hello();
    let counter = sierra_class("upgradable_counter__counter_contract");
    let address = Felt::from(0xc0c0_u64);
    chain.classes.insert_sierra(Arc::clone(&counter));
    let owner_key = starknet_core::utils::get_storage_var_address("owner", &[]).unwrap();
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(counter.class_hash(), counter.compiled_class_hash());
    diff.deployed_contracts.insert(address, counter.class_hash());
    diff.storage_diffs.insert(address, [(owner_key, chain.accounts[0])].into());
    chain.commit_system_block(&diff);

    println!("step: upgrade to hello_starknet (replace_class)");
    let tx = chain.invoke_v1(0, &[(address, selector("upgrade"), vec![hello.class_hash()])]);
    let block = chain.block(vec![tx]);
    // Without the new class's CASM (which binds it to a non-zero classes-trie leaf: declared),
    // the OS refuses the replacement.
    let mut prepared =
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap();
    prepared.compiled_classes.retain(|class| class.class_hash != hello.class_hash());
    let error = prepared.run().unwrap_err().to_string();
    println!("step: without the new class's CASM: {error}");
    assert!(error.contains(&format!("{:#x}", hello.class_hash())), "{error}");
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let replaced = &proven.os.executor.state_diff.replaced_classes;
    assert_eq!(replaced.get(&address), Some(&hello.class_hash()));
    println!("step: upgrade proven, {} OS steps", proven.os.steps);

    println!("step: hello_starknet's increase_balance on the upgraded contract");
    let tx = chain.invoke_v1(0, &[(address, selector("increase_balance"), vec![Felt::from(9u64)])]);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let snapshot = chain.state.latest_snapshot().unwrap();
    assert_eq!(snapshot.class_hash_at(address).unwrap(), hello.class_hash());
    assert_eq!(snapshot.storage_at(address, balance_key()).unwrap(), Felt::from(9u64));
    println!("step: increase_balance proven, {} OS steps", proven.os.steps);
}

#[test]
fn the_udc_deploys_sierra_classes() {
    // The UDC (Cairo 0) deploys `hello_starknet` (no constructor) and the ERC-20 (a Cairo 1
    // constructor minting the supply to account 0) in one block.
    let (mut chain, hello) = chain_with_hello();
    let erc20 = sierra_class("erc20__erc_20");
    chain.classes.insert_sierra(Arc::clone(&erc20));
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(erc20.class_hash(), erc20.compiled_class_hash());
    chain.commit_system_block(&diff);
    let constructor = [
        Felt::from_bytes_be_slice(b"Token"),
        Felt::from_bytes_be_slice(b"TKN"),
        Felt::from(18u64),
        Felt::from(1000u64),
        Felt::ZERO,
        chain.accounts[0],
    ];
    let mut erc20_calldata = vec![erc20.class_hash(), Felt::from(78u64), Felt::ZERO];
    erc20_calldata.push(Felt::from(constructor.len()));
    erc20_calldata.extend(constructor);
    let calls = [
        (
            chain.udc,
            selector("deployContract"),
            vec![hello.class_hash(), Felt::from(77u64), Felt::ZERO, Felt::ZERO],
        ),
        (chain.udc, selector("deployContract"), erc20_calldata),
    ];
    let tx = chain.invoke_v1(0, &calls);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let deployed = &proven.os.executor.state_diff.deployed_contracts;
    assert_eq!(deployed.values().filter(|class| **class == hello.class_hash()).count(), 1);
    assert_eq!(deployed.values().filter(|class| **class == erc20.class_hash()).count(), 1);
    eprintln!("UDC deploying hello_starknet and the ERC-20: {} OS steps", proven.os.steps);
}

/// A signed DECLARE v3 of `class` from account 0 of `chain`.
fn declare_v3(chain: &mut Chain, class: &Arc<SierraClass>) -> executor::ExecutableTransaction {
    let nonce = Felt::from(chain.nonces[0]);
    chain.nonces[0] += 1;
    common::declare_v3(chain.accounts[0], nonce, class)
}

#[test]
fn a_declare_v3_writes_the_classes_trie() {
    // A Cairo 0 account declares `hello_starknet` (DECLARE v3), and a later block deploys and
    // calls it.
    let mut chain = Chain::new(1);
    let hello = sierra_class("hello_starknet__hello_starknet");
    chain.classes.insert_sierra(Arc::clone(&hello));
    let tx = declare_v3(&mut chain, &hello);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let declared = &proven.os.executor.state_diff.declared_classes;
    assert_eq!(declared.get(&hello.class_hash()), Some(&hello.compiled_class_hash()));
    eprintln!("DECLARE v3 block: {} OS steps", proven.os.steps);

    let calldata = vec![hello.class_hash(), Felt::from(77u64), Felt::ZERO, Felt::ZERO];
    let tx = chain.invoke_v1(0, &[(chain.udc, selector("deployContract"), calldata)]);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());

    // The same declaration on a fresh chain, with another compiled class hash than the one
    // signed: another transaction hash, so the account's signature check fails the run.
    let mut chain_again = Chain::new(1);
    chain_again.classes.insert_sierra(Arc::clone(&hello));
    let tx = declare_v3(&mut chain_again, &hello);
    let block = chain_again.block(vec![tx]);
    let mut prepared = os::prepare_block(
        &block,
        &chain_again.state,
        Some(chain_again.head),
        &chain_again.classes,
        &chain_again.config,
    )
    .unwrap();
    prepared.input.transactions[0].compiled_class_hash += Felt::ONE;
    assert!(prepared.run().is_err());
}

#[test]
fn a_cairo1_block_proof_verifies() {
    let (mut chain, _) = chain_with_hello();
    let block = increase_balance_block(&mut chain, 5);
    let proven = chain.prove_and_commit(&block);
    let execution = proven.os.run.to_cairo_execution().unwrap();
    let proof = cairo_air::prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let policy = common::os_pin_policy(os::program_hash().unwrap());
    let verified = cairo_air::verify_proof(&proof, &policy).unwrap();
    let output = chain::BlockPublicOutput::from_felts(&verified.output).unwrap();
    assert_eq!(output, proven.expected_output());
}

/// blockifier's versioned constants of `version` (e.g. "0_14_4"), from its package's sources.
fn blockifier_constants(version: &str) -> serde_json::Value {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "blockifier"))
        .and_then(|package| package["manifest_path"].as_str())
        .unwrap()
        .to_owned();
    let path = std::path::Path::new(&manifest)
        .parent()
        .unwrap()
        .join(format!("resources/blockifier_versioned_constants_{version}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The OS's syscall and builtin gas costs (`constants.cairo`, as compiled into `main.json`, and
/// `os::cairo1::syscall_gas_cost`) are blockifier's for the chain's Starknet version: a
/// syscall's cost is its OS resources at `step_gas_cost` a step plus its builtins' gas costs
/// (at least `syscall_base_gas_cost`), less that base cost, which the compiled code pre-charges
/// (blockifier's `GasCosts::from_raw` and `execute_syscall`).
#[test]
fn the_gas_costs_are_blockifiers() {
    let version = chain::block::StarknetVersion::CURRENT.replace('.', "_");
    let constants = blockifier_constants(&version);
    let os_constants = &constants["os_constants"];
    let step = os_constants["step_gas_cost"].as_u64().unwrap();
    let base = os_constants["syscall_base_gas_cost"]["step_gas_cost"].as_u64().unwrap() * step;
    let builtin_costs = &os_constants["builtin_gas_costs"];
    let program: serde_json::Value = serde_json::from_str(os::OS_PROGRAM_JSON).unwrap();
    let os_const = |name: &str| {
        program["identifiers"][format!("os.constants.{name}")]["value"].as_u64().unwrap()
    };
    for (selector, name) in [
        ("StorageRead", "STORAGE_READ_GAS_COST"),
        ("StorageWrite", "STORAGE_WRITE_GAS_COST"),
        ("EmitEvent", "EMIT_EVENT_GAS_COST"),
        ("CallContract", "CALL_CONTRACT_GAS_COST"),
        ("LibraryCall", "LIBRARY_CALL_GAS_COST"),
        ("GetExecutionInfo", "GET_EXECUTION_INFO_GAS_COST"),
        ("ReplaceClass", "REPLACE_CLASS_GAS_COST"),
        ("GetBlockHash", "GET_BLOCK_HASH_GAS_COST"),
        ("GetClassHashAt", "GET_CLASS_HASH_AT_GAS_COST"),
        ("Keccak", "KECCAK_GAS_COST"),
        ("Sha256ProcessBlock", "SHA256_PROCESS_BLOCK_GAS_COST"),
    ] {
        let resources = &constants["os_resources"]["execute_syscalls"][selector];
        assert!(resources.get("n_steps").is_some(), "{selector} has a calldata factor");
        let mut gas = resources["n_steps"].as_u64().unwrap() * step
            + resources["n_memory_holes"].as_u64().unwrap()
                * os_constants["memory_hole_gas_cost"].as_u64().unwrap();
        for (builtin, count) in resources["builtin_instance_counter"].as_object().unwrap() {
            let builtin = builtin.trim_end_matches("_builtin");
            gas += count.as_u64().unwrap() * builtin_costs[builtin].as_u64().unwrap();
        }
        let cost = gas.max(base) - base;
        assert_eq!(os_const(name), cost, "{selector}");
        assert_eq!(os::cairo1::syscall_gas_cost(selector), Some(cost), "{selector}");
        assert_eq!(os::cairo1::syscall_gas_cost_per_felt(selector), 0, "{selector}");
    }
    // Syscalls with a cost per felt of their request (blockifier's `calldata_factor`, at
    // scaling factor 1): the constant part as above, the factor priced the same way.
    let resources_gas = |resources: &serde_json::Value| {
        let mut gas = resources["n_steps"].as_u64().unwrap() * step
            + resources["n_memory_holes"].as_u64().unwrap()
                * os_constants["memory_hole_gas_cost"].as_u64().unwrap();
        for (builtin, count) in resources["builtin_instance_counter"].as_object().unwrap() {
            let builtin = builtin.trim_end_matches("_builtin");
            gas += count.as_u64().unwrap() * builtin_costs[builtin].as_u64().unwrap();
        }
        gas
    };
    for (selector, name) in
        [("SendMessageToL1", "SEND_MESSAGE_TO_L1_GAS_COST"), ("Deploy", "DEPLOY_GAS_COST")]
    {
        let resources = &constants["os_resources"]["execute_syscalls"][selector];
        let cost = resources_gas(&resources["constant"]).max(base) - base;
        let per_felt = resources_gas(&resources["calldata_factor"]);
        assert_eq!(os_const(name), cost, "{selector}");
        assert_eq!(os_const(&format!("{name}_PER_FELT")), per_felt, "{selector}");
        assert_eq!(os::cairo1::syscall_gas_cost(selector), Some(cost), "{selector}");
        assert_eq!(os::cairo1::syscall_gas_cost_per_felt(selector), per_felt, "{selector}");
    }
    // The keccak syscall's rounds: blockifier charges the `KeccakRound` resources whole (at
    // least the base cost), without taking the base off.
    let keccak_round = resources_gas(&constants["os_resources"]["execute_syscalls"]["KeccakRound"]);
    assert_eq!(os_const("KECCAK_ROUND_GAS_COST"), keccak_round.max(base));
    assert_eq!(os::cairo1::KECCAK_ROUND_GAS_COST, keccak_round.max(base));
    assert_eq!(
        os_const("STORED_BLOCK_HASH_BUFFER"),
        os_constants["stored_block_hash_buffer"].as_u64().unwrap()
    );
    assert_eq!(executor::STORED_BLOCK_HASH_BUFFER, os_const("STORED_BLOCK_HASH_BUFFER"));
    let addresses = &os_constants["os_contract_addresses"];
    assert_eq!(
        os_const("BLOCK_HASH_CONTRACT_ADDRESS"),
        addresses["block_hash_contract_address"].as_u64().unwrap()
    );
    for (builtin, name) in [
        ("pedersen", "PEDERSEN_GAS_COST"),
        ("bitwise", "BITWISE_GAS_COST"),
        ("ecop", "EC_OP_GAS_COST"),
        ("poseidon", "POSEIDON_GAS_COST"),
        ("add_mod", "ADD_MOD_GAS_COST"),
        ("mul_mod", "MUL_MOD_GAS_COST"),
        ("blake", "BLAKE_GAS_COST"),
    ] {
        assert_eq!(os_const(name), builtin_costs[builtin].as_u64().unwrap(), "{builtin}");
    }
    let initial = os_constants["default_initial_gas_cost"]["step_gas_cost"].as_u64().unwrap();
    assert_eq!(os_const("DEFAULT_INITIAL_GAS"), initial * step);
    // The account entry points' gas (os/account_gas.cairo) and the budget every Cairo 1 call
    // pre-charges.
    let budget = os_constants["entry_point_initial_budget"]["step_gas_cost"].as_u64().unwrap();
    assert_eq!(os_const("ENTRY_POINT_INITIAL_BUDGET"), budget * step);
    for (key, name) in [
        ("validate_max_sierra_gas", "VALIDATE_MAX_SIERRA_GAS"),
        ("execute_max_sierra_gas", "EXECUTE_MAX_SIERRA_GAS"),
    ] {
        assert_eq!(os_const(name), os_constants[key].as_u64().unwrap(), "{key}");
    }
    let rounding = &os_constants["validate_rounding_consts"];
    for (key, name) in [
        ("validate_block_number_rounding", "VALIDATE_BLOCK_NUMBER_ROUNDING"),
        ("validate_timestamp_rounding", "VALIDATE_TIMESTAMP_ROUNDING"),
    ] {
        assert_eq!(os_const(name), rounding[key].as_u64().unwrap(), "{key}");
    }
    let validated = os_constants["validated"].as_str().unwrap();
    assert_eq!(Felt::from(os_const("VALIDATED")), Felt::from_bytes_be_slice(validated.as_bytes()));
}
