//! DECLARE v2 (a Sierra class with a `max_fee` in wei) on blockifier: its hash is
//! `starknet_api`'s, it declares the class with its compiled class hash, and on a chain with a
//! fee token it pays its fee in wei and is refused when its `max_fee` cannot cover it.

mod common;

use std::sync::Arc;

use chain::receipt::FeeUnit;
use chain::{DeclareV2, Felt, Transaction};
use common::*;
use e2e::cairo_lang_test_class;
use executor::{ExecutableTransaction, Executor, ExecutorConfig, ExecutorError, SierraClass};
use starknet_api::transaction::TransactionHasher;
use starknet_core::types::contract::SierraClass as CompilerOutput;

fn hello() -> Arc<SierraClass> {
    let (sierra, _) = cairo_lang_test_class("hello_starknet__hello_starknet");
    let output: CompilerOutput = serde_json::from_str(&sierra).unwrap();
    Arc::new(SierraClass::compile(Arc::new(output.flatten().unwrap())).unwrap())
}

fn declare_v2(devnet: &Devnet, class: &Arc<SierraClass>, max_fee: u64) -> ExecutableTransaction {
    let mut tx = Transaction::DeclareV2(DeclareV2 {
        sender_address: devnet.account,
        class_hash: class.class_hash(),
        compiled_class_hash: class.compiled_class_hash(),
        max_fee: Felt::from(max_fee),
        nonce: devnet.nonce(),
        ..Default::default()
    });
    let hash = tx.hash(chain_id());
    tx.set_signature(chain::signature::sign_hash(&private_key(), &hash).unwrap().to_vec());
    let Transaction::DeclareV2(declare) = tx else { unreachable!() };
    ExecutableTransaction::declare_sierra_v2(declare, Arc::clone(class), chain_id())
}

#[test]
fn the_hash_is_the_protocols() {
    use starknet_api::core::{ClassHash, CompiledClassHash, ContractAddress, Nonce};
    use starknet_api::transaction::fields::Fee;
    let declare = DeclareV2 {
        sender_address: Felt::from(0x5e11u64),
        class_hash: Felt::from(0xc1a55u64),
        compiled_class_hash: Felt::from(0xca5au64),
        max_fee: Felt::from(10u64.pow(15)),
        signature: vec![],
        nonce: Felt::from(3u64),
        is_query: false,
    };
    let api = starknet_api::transaction::DeclareTransactionV2 {
        max_fee: Fee(10u128.pow(15)),
        signature: Default::default(),
        nonce: Nonce(declare.nonce),
        class_hash: ClassHash(declare.class_hash),
        compiled_class_hash: CompiledClassHash(declare.compiled_class_hash),
        sender_address: ContractAddress::try_from(declare.sender_address).unwrap(),
    };
    let chain = starknet_api::core::ChainId::from(chain_id().name().unwrap());
    let version = starknet_api::transaction::TransactionVersion::TWO;
    let expected = api.calculate_transaction_hash(&chain, &version).unwrap();
    assert_eq!(Transaction::DeclareV2(declare).hash(chain_id()), expected.0);
}

#[test]
fn declares_a_sierra_class_and_pays_in_wei() {
    let mut devnet = Devnet::new(true);
    // Fees on, in the ERC-20 (the fee token of both units); block prices are 1 wei a gas unit.
    devnet.executor =
        Executor::new(ExecutorConfig { fee_token: Some(devnet.erc20), ..Default::default() });
    let class = hello();
    let before = devnet.balance(devnet.account);

    // A max_fee below the fee is refused before anything runs.
    let block = devnet.execute(&[declare_v2(&devnet, &class, 1)]);
    assert!(
        matches!(&block.outcomes[0], Err(error) if error.is_rejection()),
        "{:?}",
        block.outcomes[0].as_ref().err()
    );
    assert!(block.state_diff.declared_classes.is_empty());

    let block = devnet.execute(&[declare_v2(&devnet, &class, 10u64.pow(15))]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    assert_eq!(block.state_diff.declared_classes[&class.class_hash()], class.compiled_class_hash());
    let fee = &execution.receipt.actual_fee;
    assert_eq!(fee.unit, FeeUnit::Wei);
    assert!(fee.amount > Felt::ZERO);
    assert_eq!(devnet.balance(devnet.account), before - fee.amount);
    assert!(matches!(&execution.trace, chain::rpc::types::TransactionTrace::Declare(_)));

    // Declared once: the same class again is refused.
    devnet.classes.insert_sierra(Arc::clone(&class));
    let again = devnet.execute(&[declare_v2(&devnet, &class, 10u64.pow(15))]);
    assert!(matches!(again.outcomes[0], Err(ExecutorError::ClassAlreadyDeclared { .. })));
}
