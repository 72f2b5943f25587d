//! Fees in the OS (`os-program/os/fee.cairo`): on a chain whose fee token is the bundled Cairo 0
//! ERC-20, INVOKE v1 (ETH's role) and v3 (STRK's role) transactions pay their fee to the
//! sequencer in the OS as in the executor, and the output names the fee tokens. A prover that
//! claims a fee above the transaction's bounds, another fee, another fee token, or a fee on a
//! chain without one gets no proof of the chain's block.

mod common;

use chain::{FeeTokens, Felt};
use common::Chain;
use os::OsError;
use state::StateReader;

/// The ERC-20's `ERC20_balances` entry (the low half of the Uint256) of `owner`.
fn balance_key(owner: Felt) -> Felt {
    starknet_core::utils::get_storage_var_address("ERC20_balances", &[owner]).unwrap()
}

/// A chain whose fee token is its ERC-20 (account 0 holds the supply).
fn chain_with_fees() -> Chain {
    let mut chain = Chain::new(1);
    chain.config.fee_token = Some(chain.erc20);
    chain
}

/// A block of a v1 and a v3 ERC-20 transfer from account 0 (both pay fees).
fn two_transfers(chain: &mut Chain) -> os::BlockToProve {
    let recipient = Felt::from(0x7ec1_u64);
    let txs = vec![chain.transfer(0, recipient, 5, false), chain.transfer(0, recipient, 7, true)];
    chain.block(txs)
}

/// The OS's run of `block` after `tamper` changed its input.
fn run_tampered(
    chain: &Chain,
    block: &os::BlockToProve,
    tamper: impl FnOnce(&mut os::OsInput),
) -> Result<os::BlockExecution, OsError> {
    let mut prepared =
        os::prepare_block(block, &chain.state, Some(chain.head), &chain.classes, &chain.config)?;
    tamper(&mut prepared.input);
    prepared.run()
}

/// Where `BlockInfo`'s fee tokens are in the `os_load_block` input (its last two felts).
fn fee_token_fields(input: &mut os::OsInput) -> (&mut Felt, &mut Felt) {
    let [.., strk, eth, _old_block_hash] = input.block_info.as_mut_slice() else { unreachable!() };
    (strk, eth)
}

#[test]
fn v1_and_v3_fees_go_to_the_sequencer() {
    let mut chain = chain_with_fees();
    let sequencer = chain.next_context().sequencer_address;
    let payer = chain.accounts[0];
    let snapshot = chain.state.latest_snapshot().unwrap();
    let payer_before = snapshot.storage_at(chain.erc20, balance_key(payer)).unwrap();
    let block = two_transfers(&mut chain);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    assert_eq!(
        proven.os.public_output.fee_tokens,
        FeeTokens { strk: chain.erc20, eth: chain.erc20 }
    );
    let fees: Vec<Felt> =
        proven.os.executor.included().map(|done| done.receipt.actual_fee.amount).collect();
    assert!(fees.iter().all(|fee| *fee != Felt::ZERO), "both pay a fee: {fees:?}");
    let snapshot = chain.state.latest_snapshot().unwrap();
    let balance = |owner| snapshot.storage_at(chain.erc20, balance_key(owner)).unwrap();
    assert_eq!(balance(sequencer), fees[0] + fees[1]);
    assert_eq!(balance(payer), payer_before - Felt::from(12u64) - fees[0] - fees[1]);
    eprintln!("2 fee-paying transfers (v1, v3): {} OS steps", proven.os.steps);
}

#[test]
fn a_fee_above_the_bounds_is_refused() {
    let mut chain = chain_with_fees();
    let block = two_transfers(&mut chain);
    // v1: one more than max_fee. v3: far above its resource bounds (yet below 2^128).
    let max_fee = Felt::from(0x2386f26fc10000u64);
    for (index, fee) in [(0, max_fee + Felt::ONE), (1, Felt::from(u128::MAX))] {
        let error = run_tampered(&chain, &block, |input| {
            input.transactions[index].receipt.actual_fee = fee;
        })
        .unwrap_err();
        assert!(error.to_string().contains("exceeds the transaction's maximum"), "{error}");
    }
    // The low word of the transfer: a fee of 2^128 does not fit.
    let error = run_tampered(&chain, &block, |input| {
        input.transactions[0].receipt.actual_fee = Felt::from(u128::MAX) + Felt::ONE;
    })
    .unwrap_err();
    assert!(error.to_string().contains("a fee of 2^128 or more"), "{error}");
}

#[test]
fn another_fee_gives_another_block() {
    let mut chain = chain_with_fees();
    let block = two_transfers(&mut chain);
    let honest = run_tampered(&chain, &block, |_| {}).unwrap();
    // A smaller fee, within the bounds: the run succeeds, but its receipts and the sequencer's
    // balance are not the chain's, so neither are the block hash and the state root.
    let lower = run_tampered(&chain, &block, |input| {
        input.transactions[1].receipt.actual_fee -= Felt::ONE;
    })
    .unwrap();
    assert_ne!(lower.public_output.block_hash, honest.public_output.block_hash);
    assert_ne!(lower.public_output.new_state_root, honest.public_output.new_state_root);
}

#[test]
fn fees_run_on_the_output_fee_token_only() {
    let mut chain = chain_with_fees();
    let block = two_transfers(&mut chain);
    // Another STRK token than the one the executor charged (a contract the block touches, an
    // account): the OS runs `transfer` there, which it has not.
    let error = run_tampered(&chain, &block, |input| {
        *fee_token_fields(input).0 = chain.accounts[0];
    })
    .unwrap_err();
    assert!(error.to_string().contains("no entry point 0x83afd3f4"), "{error}");
    // No fee tokens (a chain without fees) while transactions pay fees.
    let error = run_tampered(&chain, &block, |input| {
        let (strk, eth) = fee_token_fields(input);
        (*strk, *eth) = (Felt::ZERO, Felt::ZERO);
    })
    .unwrap_err();
    assert!(error.to_string().contains("a chain without a fee token"), "{error}");
    // The runner refuses a block whose fee tokens are not the ones the executor charged.
    let mut other = block;
    other.fee_tokens = FeeTokens::NONE;
    let error = chain.run_os(&other).unwrap_err();
    assert!(error.to_string().contains("the block's fee token is 0x0"), "{error}");
}

#[test]
fn a_chain_without_fees_outputs_no_fee_tokens() {
    let mut chain = Chain::new(1);
    let block = two_transfers(&mut chain);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    assert_eq!(proven.os.public_output.fee_tokens, FeeTokens::NONE);
    eprintln!("the same 2 transfers without fees: {} OS steps", proven.os.steps);
    // A fee claimed in the input on this chain: no token to pay it in.
    let block = two_transfers(&mut chain);
    let error = run_tampered(&chain, &block, |input| {
        input.transactions[0].receipt.actual_fee = Felt::ONE;
    })
    .unwrap_err();
    assert!(error.to_string().contains("a chain without a fee token"), "{error}");
}

#[test]
fn v1_pays_in_eth_and_v3_in_strk() {
    // A second ERC-20 (the bundled class at another address, account 0 funded in a system
    // block) is the ETH token: the v1 transfer's fee goes to the sequencer there, the v3 one's
    // in the STRK token, and the output names both.
    let mut chain = Chain::new(1);
    let eth = Felt::from(0xe7e7_u64);
    let payer = chain.accounts[0];
    let mut diff = chain::StateDiff::default();
    diff.deployed_contracts.insert(eth, chain.bundled.erc20.class_hash());
    diff.storage_diffs.insert(eth, [(balance_key(payer), Felt::from(10u128.pow(24)))].into());
    chain.commit_system_block(&diff);
    chain.config.fee_token = Some(chain.erc20);
    chain.config.eth_fee_token = Some(eth);
    let sequencer = chain.next_context().sequencer_address;
    let block = two_transfers(&mut chain);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    assert_eq!(proven.os.public_output.fee_tokens, FeeTokens { strk: chain.erc20, eth });
    let fees: Vec<Felt> =
        proven.os.executor.included().map(|done| done.receipt.actual_fee.amount).collect();
    let snapshot = chain.state.latest_snapshot().unwrap();
    let balance = |token, owner| snapshot.storage_at(token, balance_key(owner)).unwrap();
    assert_eq!(balance(eth, sequencer), fees[0], "the v1 fee, in ETH");
    assert_eq!(balance(chain.erc20, sequencer), fees[1], "the v3 fee, in STRK");
    // The tokens swapped in the OS's input: each transfer runs on the other token.
    let block = two_transfers(&mut chain);
    let error = run_tampered(&chain, &block, |input| {
        let (strk, eth) = fee_token_fields(input);
        std::mem::swap(strk, eth);
    })
    .unwrap_err();
    assert!(error.to_string().contains("the executor ran"), "{error}");
}
