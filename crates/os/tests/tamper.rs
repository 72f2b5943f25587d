//! A block run through the OS with any piece of its input changed: the run fails, or (for a
//! changed transaction that still executes) it proves another block, whose public output does
//! not match the header the chain computed.

mod common;

use chain::Felt;
use common::{Chain, chain_with_messengers, selector};
use os::{OsError, PreparedBlock};

/// A chain with one block of two transfers prepared (not yet run) on top of genesis, and the
/// public output it must produce.
fn prepare() -> (Chain, os::BlockToProve, PreparedBlock) {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let txs =
        vec![chain.transfer(0, recipient, 1_000, false), chain.transfer(0, recipient, 5, true)];
    let block = chain.block(txs);
    let prepared =
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap();
    (chain, block, prepared)
}

/// The OS input of a block that deploys one account with `salt`, as DEPLOY_ACCOUNT v3 or v1.
fn prepared_deploy_account(salt: u64, v3: bool) -> PreparedBlock {
    let chain = Chain::new(1);
    let (deploy, _) = chain.deploy_account(salt, v3);
    let block = chain.block(vec![deploy]);
    os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
        .unwrap()
}

/// The OS input of a block that declares the executor's syscalls test class.
fn prepared_declare() -> PreparedBlock {
    let mut chain = Chain::new(1);
    let class = std::sync::Arc::new(
        executor::DeprecatedClass::from_json(include_str!(
            "../../executor/tests/fixtures/syscalls.json"
        ))
        .unwrap(),
    );
    let tx = chain.declare(0, class);
    let block = chain.block(vec![tx]);
    os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
        .unwrap()
}

fn assert_rejected(result: Result<os::BlockExecution, OsError>, what: &str) {
    match result {
        Err(OsError::Rejected(reason)) => eprintln!("{what}: {reason}"),
        Err(other) => panic!("{what}: expected the OS to reject the run, got {other}"),
        Ok(_) => panic!("{what}: the OS accepted a tampered input"),
    }
}

#[test]
fn untampered_block_runs() {
    let (mut chain, block, prepared) = prepare();
    let output = prepared.run().unwrap().public_output;
    let proven = chain.prove_and_commit(&block);
    assert_eq!(output, proven.expected_output());
}

#[test]
fn wrong_storage_read_response_fails() {
    let (_, _, mut prepared) = prepare();
    // The ERC-20's first read (the sender's balance) is answered wrongly.
    // The transaction's calls: `__validate__`, `__execute__`.
    let transfer = &mut prepared.input.calls[0][1].inner_calls[0];
    assert!(!transfer.storage_read_values.is_empty());
    transfer.storage_read_values[0] += Felt::ONE;
    assert_rejected(prepared.run(), "storage read");
}

#[test]
fn wrong_call_retdata_fails() {
    let (_, _, mut prepared) = prepare();
    prepared.input.calls[0][1].inner_calls[0].retdata = vec![Felt::ZERO];
    assert_rejected(prepared.run(), "call_contract retdata");
}

#[test]
fn wrong_signature_fails() {
    // The executor accepted the real signature; the OS is handed another one (the transaction
    // hash does not cover it). The account's `__validate__` checks it with the ecdsa builtin:
    // the run fails, so no execution (and no proof) of the block exists with it.
    for which in 0..2 {
        let (_, _, mut prepared) = prepare();
        let signature = &mut prepared.input.transactions[0].signature;
        assert_eq!(signature.len(), 2);
        signature[which] += Felt::ONE;
        assert_rejected(prepared.run(), "wrong signature");
    }
    // Without a signature the account's `__validate__` fails as well.
    let (_, _, mut prepared) = prepare();
    prepared.input.transactions[1].signature.clear();
    assert_rejected(prepared.run(), "no signature");
}

#[test]
fn wrong_deploy_account_and_declare_signatures_fail() {
    let mut prepared = prepared_deploy_account(0x56, false);
    prepared.input.transactions[0].signature[1] += Felt::ONE;
    assert_rejected(prepared.run(), "wrong __validate_deploy__ signature");

    let mut prepared = prepared_declare();
    prepared.input.transactions[0].signature[0] += Felt::ONE;
    assert_rejected(prepared.run(), "wrong __validate_declare__ signature");
}

#[test]
fn wrong_pre_block_storage_fails() {
    let (chain, _, mut prepared) = prepare();
    let erc20 = prepared.input.pre_contracts.get_mut(&chain.erc20).unwrap();
    for value in erc20.storage.values_mut() {
        *value += Felt::ONE;
    }
    assert_rejected(prepared.run(), "pre-block storage");
}

#[test]
fn wrong_pre_block_nonce_fails() {
    let (chain, _, mut prepared) = prepare();
    // Claim the account's nonce was 1 and shift the transactions' nonces to match.
    prepared.input.pre_contracts.get_mut(&chain.accounts[0]).unwrap().nonce = Felt::ONE;
    for tx in &mut prepared.input.transactions {
        tx.nonce += Felt::ONE;
    }
    assert_rejected(prepared.run(), "pre-block nonce");
}

#[test]
fn wrong_nonce_fails() {
    let (_, _, mut prepared) = prepare();
    prepared.input.transactions[1].nonce = Felt::ZERO;
    assert_rejected(prepared.run(), "transaction nonce");
}

#[test]
fn wrong_witness_fails() {
    let (_, _, mut prepared) = prepare();
    prepared.witness.contracts_root += Felt::ONE;
    assert_rejected(prepared.run(), "witness contracts root");

    let (_, _, mut prepared) = prepare();
    prepared.witness.nodes.clear();
    assert_rejected(prepared.run(), "witness without nodes");
}

#[test]
fn wrong_previous_root_fails() {
    let (_, _, mut prepared) = prepare();
    // BlockInfo.prev_state_root.
    prepared.input.block_info[5] += Felt::ONE;
    assert_rejected(prepared.run(), "previous state root");
}

#[test]
fn wrong_class_code_fails() {
    let (_, _, mut prepared) = prepare();
    for class in &mut prepared.classes {
        let last = class.preimage.len() - 1;
        class.preimage[last] += Felt::ONE;
    }
    assert_rejected(prepared.run(), "class bytecode");
}

#[test]
fn changed_transaction_does_not_prove_the_block() {
    let (mut chain, block, mut prepared) = prepare();
    // Another amount: the executor's responses no longer fit, or the OS proves another block.
    let calldata = &mut prepared.input.transactions[0].calldata;
    let amount_at = calldata.len() - 2;
    calldata[amount_at] = Felt::from(999u64);
    let result = prepared.run();
    let expected = chain.prove_and_commit(&block).expected_output();
    match result {
        Err(OsError::Rejected(_)) => {}
        Err(other) => panic!("unexpected error {other}"),
        Ok(execution) => {
            assert_ne!(execution.public_output.block_hash, expected.block_hash);
            assert_ne!(
                execution.public_output.transaction_hashes_digest,
                expected.transaction_hashes_digest
            );
        }
    }
}

/// The index of the class `class_hash` among the classes the OS loads.
fn class_index(prepared: &PreparedBlock, class_hash: Felt) -> usize {
    prepared.classes.iter().position(|class| class.class_hash == class_hash).unwrap()
}

/// Runs the block of two transfers with the account class's preimage (the code the OS hashes and
/// runs, `executor::DeprecatedClass::os_preimage`) changed by `forge`: the class hash the OS
/// computes is not the account's, so running the account fails.
fn forged_account_class_fails(what: &str, forge: impl FnOnce(&mut os::ClassInput)) {
    let (chain, _, mut prepared) = prepare();
    let index = class_index(&prepared, chain.bundled.account.class_hash());
    forge(&mut prepared.classes[index]);
    assert_rejected(prepared.run(), what);
}

#[test]
fn forged_class_bytecode_fails() {
    forged_account_class_fails("one bytecode word changed", |class| {
        let last = class.preimage.len() - 1;
        class.preimage[last] += Felt::ONE;
    });
    forged_account_class_fails("first bytecode word changed", |class| {
        class.preimage[class.bytecode_start] += Felt::ONE;
    });
}

#[test]
fn forged_entry_point_offset_fails() {
    // [hinted_class_hash, n_external, selector, offset, ...]: the first external entry point.
    forged_account_class_fails("a wrong entry-point offset", |class| {
        class.preimage[3] += Felt::ONE;
    });
}

#[test]
fn wrong_hinted_class_hash_fails() {
    forged_account_class_fails("a wrong hinted class hash", |class| {
        class.preimage[0] += Felt::ONE;
    });
    // The same for a DECLARE: the declared class's code must hash to the declared class hash.
    let mut prepared = prepared_declare();
    let declared = prepared.input.transactions[0].class_hash;
    let index = class_index(&prepared, declared);
    prepared.classes[index].preimage[0] += Felt::ONE;
    assert_rejected(prepared.run(), "a declared class with a wrong hinted class hash");
}

#[test]
fn contract_run_with_another_class_code_fails() {
    // The ERC-20 contract's class slot holds the account's code (an honest class, but not the
    // one with the contract's class hash): the OS computes the account's class hash for it and
    // refuses to run it as the ERC-20.
    let (chain, _, mut prepared) = prepare();
    let erc20 = class_index(&prepared, chain.bundled.erc20.class_hash());
    let account = class_index(&prepared, chain.bundled.account.class_hash());
    let account_class = prepared.classes[account].clone();
    prepared.classes[erc20].preimage = account_class.preimage;
    prepared.classes[erc20].bytecode_start = account_class.bytecode_start;
    prepared.classes[erc20].program = account_class.program;
    assert_rejected(prepared.run(), "the ERC-20 run with the account's code");
}

#[test]
fn reverted_flag_on_a_successful_transaction_does_not_prove_the_block() {
    // The flag is not proven: for the last transfer, the OS skips `__execute__` and proves
    // another block (the transfer's storage writes and event missing, the nonce still bumped),
    // whose state root and block hash the header does not match.
    let (mut chain, block, mut prepared) = prepare();
    prepared.input.transactions[1].is_reverted = true;
    prepared.input.transactions[1].receipt.revert_reason_hash = Felt::ONE;
    prepared.input.calls[1].truncate(1);
    let output = prepared.run().unwrap().public_output;
    let expected = chain.prove_and_commit(&block).expected_output();
    assert_eq!(output.transaction_hashes_digest, expected.transaction_hashes_digest);
    assert_ne!(output.new_state_root, expected.new_state_root);
    assert_ne!(output.state_diff_commitment, expected.state_diff_commitment);
    assert_ne!(output.block_hash, expected.block_hash);

    // For the first one, the second transfer's storage reads (the executor's, after the first
    // transfer) no longer fit the OS's state: the run fails.
    let (_, _, mut prepared) = prepare();
    prepared.input.transactions[0].is_reverted = true;
    prepared.input.transactions[0].receipt.revert_reason_hash = Felt::ONE;
    prepared.input.calls[0].truncate(1);
    assert_rejected(prepared.run(), "first transfer flagged reverted");
}

#[test]
fn revert_reason_inconsistent_with_the_reverted_flag_fails() {
    // A revert reason for a transaction the OS ran to the end.
    let (_, _, mut prepared) = prepare();
    prepared.input.transactions[0].receipt.revert_reason_hash = Felt::ONE;
    assert_rejected(prepared.run(), "revert reason of a successful transaction");
    // The reverted flag without a revert reason.
    let (_, _, mut prepared) = prepare();
    prepared.input.transactions[1].is_reverted = true;
    prepared.input.calls[1].truncate(1);
    assert_rejected(prepared.run(), "reverted transaction without a revert reason");
}

#[test]
fn changed_receipt_field_does_not_prove_the_block() {
    // The receipt fields the OS takes on trust are bound by the block hash: another gas amount
    // proves a block whose hash is not the header's. A fee on this chain without fees has no
    // token to be paid in (fees.rs: other fees where there is one).
    let (_, _, mut prepared) = prepare();
    prepared.input.transactions[1].receipt.actual_fee += Felt::ONE;
    let error = prepared.run().unwrap_err();
    assert!(error.to_string().contains("a chain without a fee token"), "{error}");
    type Change = fn(&mut os::ReceiptInput);
    let changes: [(&str, Change); 2] = [
        ("l1 gas", |receipt| receipt.l1_gas += Felt::ONE),
        ("l1 data gas", |receipt| receipt.l1_data_gas += Felt::ONE),
    ];
    let (mut chain, block, _) = prepare();
    let expected = chain.prove_and_commit(&block).expected_output();
    for (what, change) in changes {
        let (_, _, mut prepared) = prepare();
        change(&mut prepared.input.transactions[1].receipt);
        let output = prepared.run().unwrap().public_output;
        assert_eq!(output.new_state_root, expected.new_state_root, "{what}");
        assert_ne!(output.block_hash, expected.block_hash, "{what}");
    }
}

#[test]
fn messages_other_than_the_contracts_sent_do_not_prove_the_block() {
    // No input carries a message: the OS hashes the messages the contracts' code sent (the
    // `send_message_to_l1` requests they wrote). The OS's block hash is the header's over the
    // executor's receipts; a header whose receipts claim other messages (another payload,
    // recipient or sender, one missing or added, two swapped) has another block hash.
    let (mut chain, child, messenger) = chain_with_messengers();
    let l1 = Felt::from(0xe7u64);
    let calls = [(messenger, selector("send_around"), vec![l1, child, selector("send")])];
    let tx = chain.invoke_v1(0, &calls);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let receipt = proven.os.executor.included().next().unwrap().receipt.clone();
    assert_eq!(receipt.messages_sent.len(), 3);
    // The header's receipt commitment, recomputed here as for the claimed receipts below.
    assert_eq!(
        proven.header.receipt_commitment,
        chain::starknet_commitments::receipt_commitment(std::slice::from_ref(&receipt))
    );
    type Change = fn(&mut Vec<chain::MessageToL1>);
    let changes: [(&str, Change); 6] = [
        ("payload", |messages| messages[1].payload[0] += Felt::ONE),
        ("recipient", |messages| messages[0].to_address += Felt::ONE),
        ("sender", |messages| messages[2].from_address = messages[1].from_address),
        ("one missing", |messages| {
            messages.pop();
        }),
        ("one added", |messages| messages.push(messages[0].clone())),
        ("two swapped", |messages| messages.swap(0, 1)),
    ];
    for (what, change) in changes {
        let mut claimed = receipt.clone();
        change(&mut claimed.messages_sent);
        let mut header = proven.header.clone();
        header.receipt_commitment = chain::starknet_commitments::receipt_commitment(&[claimed]);
        assert_ne!(header.hash(), proven.os.public_output.block_hash, "{what}");
    }
    eprintln!("3 messages around a nested call: {} steps", proven.os.steps);
}

#[test]
fn signature_leaf_is_the_validated_signature() {
    // The transaction commitment's leaf is over the signature the OS gives the account's
    // `__validate__`: a signature with an extra felt (another leaf, same transaction hash) is
    // refused by the account, so no run proves a block with another leaf.
    let (_, _, mut prepared) = prepare();
    prepared.input.transactions[0].signature.push(Felt::from(7u64));
    assert_rejected(prepared.run(), "signature with an extra felt");
}

#[test]
fn reverted_flag_on_a_deploy_account_fails() {
    let mut prepared = prepared_deploy_account(0x55, true);
    prepared.input.transactions[0].is_reverted = true;
    assert_rejected(prepared.run(), "reverted DEPLOY_ACCOUNT");
}

#[test]
fn successful_flag_on_a_reverted_transaction_fails() {
    // The OS runs `__execute__` of a transaction the executor reverted: there is no trace to
    // replay (and the call's failing assertion could not be proven anyway).
    let mut chain = Chain::new(2);
    let too_much =
        (chain.erc20, selector("transfer"), vec![chain.accounts[0], Felt::ONE, Felt::ZERO]);
    let tx = chain.invoke_v1(1, &[too_much]);
    let block = chain.block(vec![tx]);
    let mut prepared =
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap();
    assert!(prepared.input.transactions[0].is_reverted);
    prepared.input.transactions[0].is_reverted = false;
    assert_rejected(prepared.run(), "successful flag on a reverted INVOKE");
}
