//! Differential tests: blocks of the bundled transaction mix run through the executor (and
//! committed as the chain does) and through the OS; the OS's public output must equal what the
//! chain computes for the block (block hash, roots, commitments).

mod common;

use chain::Felt;
use common::{Chain, chain_with_messengers, selector};

fn assert_proves(chain: &mut Chain, block: os::BlockToProve) -> common::Proven {
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    proven
}

#[test]
fn transfers_v1_and_v3() {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let txs = vec![
        chain.transfer(0, recipient, 1_000, false),
        chain.transfer(0, Felt::from(0x1234u64), 7, true),
    ];
    let block = chain.block(txs);
    let proven = assert_proves(&mut chain, block);
    assert_eq!(proven.header.transaction_count, 2);
    assert_eq!(proven.header.event_count, 2);
    eprintln!("2 transfers: {} steps", proven.os.steps);
}

#[test]
fn fibonacci_factorial_multicall() {
    let mut chain = Chain::new(1);
    let calls = [
        (chain.fibonacci, selector("fibonacci"), vec![Felt::from(10u64)]),
        (chain.factorial, selector("factorial"), vec![Felt::from(10u64)]),
    ];
    let tx = chain.invoke_v1(0, &calls);
    let block = chain.block(vec![tx]);
    let proven = assert_proves(&mut chain, block);
    assert_eq!(proven.header.event_count, 2);
}

#[test]
fn empty_block() {
    let mut chain = Chain::new(1);
    let block = chain.block(vec![]);
    let proven = assert_proves(&mut chain, block);
    assert_eq!(proven.header.transaction_count, 0);
    eprintln!("empty block: {} steps", proven.os.steps);
}

#[test]
fn deploy_accounts_then_use_them() {
    let mut chain = Chain::new(1);
    let (deploy_v1, address_v1) = chain.deploy_account(0x77, false);
    let (deploy_v3, address_v3) = chain.deploy_account(0x78, true);
    let block = chain.block(vec![deploy_v1, deploy_v3]);
    let proven = assert_proves(&mut chain, block);
    let diff = &proven.os.executor.state_diff;
    assert!(diff.deployed_contracts.contains_key(&address_v1));
    assert!(diff.deployed_contracts.contains_key(&address_v3));

    // The new accounts send transactions in the next block.
    chain.accounts.extend([address_v1, address_v3]);
    chain.nonces.extend([1, 1]);
    let fibonacci = (chain.fibonacci, selector("fibonacci"), vec![Felt::from(20u64)]);
    let txs = vec![
        chain.invoke_v1(1, std::slice::from_ref(&fibonacci)),
        chain.invoke_v3(2, &[fibonacci]),
    ];
    let block = chain.block(txs);
    assert_proves(&mut chain, block);
}

#[test]
fn mixed_block() {
    let mut chain = Chain::new(3);
    let (deploy, _) = chain.deploy_account(0x99, true);
    let to = chain.accounts[2];
    let calls = [
        (chain.factorial, selector("factorial"), vec![Felt::from(30u64)]),
        (chain.erc20, selector("transfer"), vec![to, Felt::from(5u64), Felt::ZERO]),
        (chain.fibonacci, selector("fibonacci"), vec![Felt::from(3u64)]),
    ];
    let txs = vec![
        chain.transfer(0, chain.accounts[1], 100, false),
        deploy,
        chain.invoke_v3(0, &calls),
        chain.invoke_v1(1, &[(chain.factorial, selector("factorial"), vec![Felt::ZERO])]),
    ];
    let block = chain.block(txs);
    let proven = assert_proves(&mut chain, block);
    assert_eq!(proven.header.transaction_count, 4);
}

/// A class not declared at genesis: the executor's test contract.
fn undeclared_class() -> std::sync::Arc<executor::DeprecatedClass> {
    std::sync::Arc::new(
        executor::DeprecatedClass::from_json(include_str!(
            "../../executor/tests/fixtures/syscalls.json"
        ))
        .unwrap(),
    )
}

#[test]
fn declare_then_use_the_chain() {
    use state::StateReader;
    let mut chain = Chain::new(2);
    let class = undeclared_class();
    let txs = vec![chain.declare(0, class.clone()), chain.transfer(0, chain.accounts[1], 3, true)];
    let block = chain.block(txs);
    let proven = assert_proves(&mut chain, block);
    assert!(
        proven.os.executor.state_diff.deprecated_declared_classes.contains(&class.class_hash())
    );
    // A Cairo 0 class is in no trie: declared, and the classes root stays 0.
    let snapshot = chain.state.latest_snapshot().unwrap();
    assert_eq!(
        snapshot.declared_class(class.class_hash()).unwrap(),
        Some(state::DeclaredClass::Cairo0)
    );
    assert_eq!(snapshot.roots().classes_root, Felt::ZERO);
}

#[test]
fn reverted_transaction_between_successful_ones() {
    let mut chain = Chain::new(2);
    let (from, to) = (chain.accounts[1], chain.accounts[0]);
    // More than the account holds: the ERC-20 fails, `__execute__` reverts (nonce bumped,
    // nothing else). Account 1's next transaction uses the bumped nonce.
    let too_much = (chain.erc20, selector("transfer"), vec![to, Felt::from(u128::MAX), Felt::ZERO]);
    let txs = vec![
        chain.transfer(0, from, 1_000, false),
        chain.invoke_v1(1, std::slice::from_ref(&too_much)),
        chain.transfer(1, to, 5, true),
        chain.invoke_v3(1, &[too_much]),
        chain.transfer(0, from, 7, true),
    ];
    let block = chain.block(txs);
    let proven = assert_proves(&mut chain, block);
    let reverted: Vec<bool> = proven
        .os
        .executor
        .outcomes
        .iter()
        .map(|outcome| outcome.as_ref().unwrap().reverted())
        .collect();
    assert_eq!(reverted, [false, true, false, true, false]);
    assert_eq!(proven.header.transaction_count, 5);
    assert_eq!(proven.header.event_count, 3);
    let diff = &proven.os.executor.state_diff;
    assert_eq!(diff.nonces[&from], Felt::from(3u64));
    assert_eq!(diff.nonces[&to], Felt::from(2u64));
}

#[test]
fn block_of_only_a_reverted_transaction() {
    let mut chain = Chain::new(2);
    let too_much =
        (chain.erc20, selector("transfer"), vec![chain.accounts[0], Felt::ONE, Felt::ZERO]);
    let tx = chain.invoke_v1(1, &[too_much]);
    let block = chain.block(vec![tx]);
    let proven = assert_proves(&mut chain, block);
    assert!(proven.os.executor.outcomes[0].as_ref().unwrap().reverted());
    assert_eq!(proven.header.event_count, 0);
    let diff = &proven.os.executor.state_diff;
    assert!(diff.storage_diffs.is_empty());
    assert_eq!(diff.nonces[&chain.accounts[1]], Felt::ONE);
}

#[test]
fn deploy_syscall_through_the_universal_deployer() {
    let mut chain = Chain::new(1);
    let class = undeclared_class();
    let tx = chain.declare(0, class.clone());
    let block = chain.block(vec![tx]);
    assert_proves(&mut chain, block);

    // UDC.deployContract(class, salt, unique, calldata): the `deploy` syscall, its constructor
    // (a storage write, get_caller_address) run with the UDC as caller; unique and not.
    let deploy = |unique: u64, salt: u64| {
        (
            chain.udc,
            selector("deployContract"),
            vec![
                class.class_hash(),
                Felt::from(salt),
                Felt::from(unique),
                Felt::ONE,
                Felt::from(5u64),
            ],
        )
    };
    let calls = [deploy(0, 11), deploy(1, 12)];
    let tx = chain.invoke_v1(0, &calls);
    let block = chain.block(vec![tx]);
    let proven = assert_proves(&mut chain, block);
    let deployed: Vec<Felt> =
        proven.os.executor.state_diff.deployed_contracts.keys().copied().collect();
    assert_eq!(deployed.len(), 2);
    let child = chain::calculate_contract_address(
        Felt::from(11u64),
        class.class_hash(),
        &[Felt::from(5u64)],
        Felt::ZERO,
    );
    assert!(deployed.contains(&child));

    // The deployed contract: the bitwise and poseidon builtins, a deploy from a contract
    // (deployer = the contract), a storage write, get_sequencer_address, get_tx_signature,
    // send_message_to_l1, library_call (the class's set_value on the child's storage).
    let calls = [
        (child, selector("info"), vec![]),
        (
            child,
            selector("library_call_one"),
            vec![class.class_hash(), selector("set_value"), Felt::from(55u64)],
        ),
        (child, selector("send"), vec![Felt::from(0x1234u64), Felt::from(7u64)]),
        (child, selector("mix"), vec![Felt::from(0b1100u64), Felt::from(0b1010u64)]),
        (
            child,
            selector("deploy_child"),
            vec![class.class_hash(), Felt::from(13u64), Felt::from(9u64)],
        ),
        (child, selector("set_value"), vec![Felt::from(77u64)]),
    ];
    let tx = chain.invoke_v3(0, &calls);
    let block = chain.block(vec![tx]);
    let proven = assert_proves(&mut chain, block);
    let grandchild = chain::calculate_contract_address(
        Felt::from(13u64),
        class.class_hash(),
        &[Felt::from(9u64)],
        child,
    );
    assert!(proven.os.executor.state_diff.deployed_contracts.contains_key(&grandchild));
}

#[test]
fn messages_to_l1_in_sending_order_around_nested_calls() {
    // The OS computes each receipt's messages hash from the messages the contracts sent: the
    // block hash (its receipt commitment) must be the header's, whose receipts are the
    // executor's (blockifier's sending order). One transaction sends, in order: the messenger's
    // [1], the child's [2] (a call inside the messenger's call), the messenger's [3, 4], then the
    // child's [5] (the account's second call); the next sends none, the last one message.
    let (mut chain, child, messenger) = chain_with_messengers();
    let l1 = Felt::from(0xe7u64);
    let calls = [
        (messenger, selector("send_around"), vec![l1, child, selector("send")]),
        (child, selector("send"), vec![l1, Felt::from(5u64)]),
    ];
    let recipient = chain.accounts[1];
    let txs = vec![
        chain.invoke_v1(0, &calls),
        chain.transfer(0, recipient, 3, true),
        chain.invoke_v3(1, &[(child, selector("send"), vec![Felt::from(0x99u64), Felt::ONE])]),
    ];
    let block = chain.block(txs);
    let proven = assert_proves(&mut chain, block);
    let receipts: Vec<&chain::Receipt> =
        proven.os.executor.included().map(|e| &e.receipt).collect();
    let sent: Vec<(Felt, Vec<Felt>)> = receipts[0]
        .messages_sent
        .iter()
        .map(|message| {
            assert_eq!(message.to_address, l1);
            (message.from_address, message.payload.clone())
        })
        .collect();
    let felts = |values: &[u64]| values.iter().map(|&v| Felt::from(v)).collect::<Vec<_>>();
    assert_eq!(
        sent,
        vec![
            (messenger, felts(&[1])),
            (child, felts(&[2])),
            (messenger, felts(&[3, 4])),
            (child, felts(&[5])),
        ]
    );
    assert!(receipts[1].messages_sent.is_empty());
    assert_eq!(receipts[2].messages_sent.len(), 1);
    eprintln!("4 + 0 + 1 messages in 3 transactions: {} steps", proven.os.steps);
}

#[test]
fn starknet_devnet_block_hash() {
    // A chain whose block hash is starknet-devnet's: the OS outputs that hash, over the block
    // number, the sequencer address and the transaction count; everything else is as usual.
    let mut chain = Chain::new(1);
    let recipient = Felt::from(0xd0d0_u64);
    let transfer = chain.transfer(0, recipient, 3, false);
    let mut block = chain.block(vec![transfer]);
    let starknet = chain.run_os(&block).unwrap().public_output;
    block.starknet_devnet_block_hash = true;
    let devnet = chain.run_os(&block).unwrap().public_output;
    let context = &block.context;
    let expected = chain::devnet_block_hash::starknet_devnet_block_hash(
        context.block_number,
        context.sequencer_address,
        1,
    );
    assert_eq!(devnet.block_hash, expected);
    assert_ne!(devnet.block_hash, starknet.block_hash);
    assert_eq!(
        chain::BlockPublicOutput { block_hash: starknet.block_hash, ..devnet },
        starknet,
        "only the block hash differs"
    );
}
