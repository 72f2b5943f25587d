//! Differential tests: blocks of the bundled transaction mix run through the executor (and
//! committed as the chain does) and through the OS; the OS's public output must equal what the
//! chain computes for the block (block hash, roots, commitments).

mod common;

use chain::Felt;
use common::{Chain, selector};

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
