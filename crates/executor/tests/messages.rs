//! Messages from L1 (`starknet_estimateMessageFee`) through the test contract with an
//! `@l1_handler` (`tests/fixtures/l1_handler.cairo`), and what a simulation read of the state it
//! started on (`RETURN_INITIAL_READS`).

mod common;

use std::sync::Arc;

use chain::receipt::FeeUnit;
use chain::{Felt, GasPrices};
use common::*;
use executor::{DeprecatedClass, ExecutorError, L1Message};

const L1_HANDLER_JSON: &str = include_str!("fixtures/l1_handler.json");

/// A devnet with the L1 handler contract declared and deployed (salt 1) at genesis.
fn setup() -> (Devnet, Felt) {
    let mut devnet = Devnet::new(true);
    let class = Arc::new(DeprecatedClass::from_json(L1_HANDLER_JSON).unwrap());
    devnet.classes.insert(Arc::clone(&class));
    let (diff, address) = {
        let snapshot = devnet.state.latest_snapshot().unwrap();
        let mut block =
            devnet.executor.begin_block(devnet.context(), &snapshot, &devnet.classes).unwrap();
        block.declare_system_class(Arc::clone(&class)).unwrap();
        let address = block.deploy_system_contract(class.class_hash(), Felt::ONE, &[]).unwrap();
        let (diff, _) = block.finish().unwrap();
        (diff, address.address)
    };
    devnet.state.commit_block(devnet.next_block, &diff).unwrap();
    devnet.next_block += 1;
    (devnet, address)
}

fn priced_context(devnet: &Devnet) -> executor::BlockContext {
    let mut context = devnet.context();
    context.gas_prices = GasPrices {
        l1_gas_price_wei: 30_000_000_000,
        l1_gas_price_fri: 1,
        l1_data_gas_price_wei: 1_000,
        l1_data_gas_price_fri: 1,
        l2_gas_price_wei: 8_000,
        l2_gas_price_fri: 1,
    };
    context
}

fn deposit(to_address: Felt, selector_name: &str) -> L1Message {
    L1Message {
        from_address: Felt::from_hex("0xae0ee0a63a2ce6baeeffe56e7714fb4efe48d419").unwrap(),
        to_address,
        entry_point_selector: selector(selector_name),
        payload: vec![Felt::from(0x1234u64), Felt::from(100u64)],
    }
}

#[test]
fn a_message_is_estimated_in_wei_and_changes_nothing() {
    let (devnet, contract) = setup();
    let context = priced_context(&devnet);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let estimate = devnet
        .executor
        .estimate_message_fee(&context, &snapshot, &devnet.classes, &deposit(contract, "deposit"))
        .unwrap();
    assert_eq!(estimate.unit, FeeUnit::Wei);
    assert!(estimate.l1_gas + estimate.l2_gas > 0, "{estimate:?}");
    assert!(estimate.resources.steps > 0, "{estimate:?}");
    let prices = &context.gas_prices;
    assert_eq!(
        estimate.overall_fee,
        u128::from(estimate.l1_gas) * prices.l1_gas_price_wei
            + u128::from(estimate.l1_data_gas) * prices.l1_data_gas_price_wei
            + u128::from(estimate.l2_gas) * prices.l2_gas_price_wei
    );
    // An estimate keeps nothing: the deposit was not credited.
    assert_eq!(devnet.call(contract, "get_balance", &[Felt::from(0x1234u64)]), vec![Felt::ZERO]);
}

#[test]
fn a_message_to_no_contract_or_no_handler_is_refused() {
    let (devnet, contract) = setup();
    let context = priced_context(&devnet);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let estimate = |message: &L1Message| {
        devnet.executor.estimate_message_fee(&context, &snapshot, &devnet.classes, message)
    };
    let nobody = Felt::from(0x999u64);
    assert!(matches!(
        estimate(&deposit(nobody, "deposit")),
        Err(ExecutorError::UnknownContract { address }) if address == nobody
    ));
    // `get_balance` is an external function, not an L1 handler.
    assert!(matches!(
        estimate(&deposit(contract, "get_balance")),
        Err(ExecutorError::ExecutionFailed { .. })
    ));
}

#[test]
fn a_simulation_reports_what_it_read_before_writing() {
    let (devnet, _) = setup();
    let to = Felt::from(0x1234u64);
    let calls = [(devnet.erc20, selector("transfer"), vec![to, Felt::from(7u64), Felt::ZERO])];
    let tx = devnet.invoke(&calls, 1);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let simulation = devnet
        .executor
        .simulate(&devnet.context(), &snapshot, &devnet.classes, &tx, false, true)
        .unwrap();
    assert!(simulation.execution.receipt.succeeded());
    let reads = &simulation.initial_reads;
    // The nonce before the transaction, the account's and the token's classes.
    assert_eq!(reads.nonces.get(&devnet.account), Some(&devnet.nonce()));
    assert_eq!(reads.class_hashes.get(&devnet.account), Some(&devnet.bundled.account.class_hash()));
    assert_eq!(reads.class_hashes.get(&devnet.erc20), Some(&devnet.bundled.erc20.class_hash()));
    // Both balances' low words, before the transfer (the recipient had none).
    let balances = starknet_core::utils::get_storage_var_address("ERC20_balances", &[to]).unwrap();
    assert_eq!(reads.storage.get(&(devnet.erc20, balances)), Some(&Felt::ZERO));
    let sender =
        starknet_core::utils::get_storage_var_address("ERC20_balances", &[devnet.account]).unwrap();
    assert_eq!(reads.storage.get(&(devnet.erc20, sender)), Some(&devnet.balance(devnet.account)));
}
