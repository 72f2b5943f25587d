//! The Cairo 1 syscalls `keccak`, `sha256_process_block`, `get_block_hash` and
//! `get_class_hash_at` in the OS, and the
//! block-hash contract's write that every block from 10 on makes. The class that makes the
//! syscalls is written in Cairo 0 (`casm/syscalls.cairo`, see `common/casm_class.rs`); each of
//! its entry points returns the syscall's whole response, gas left included, so the OS's
//! responses and prices must be blockifier's for the executor's return data to be the OS's.

mod common;

use std::sync::Arc;

use chain::{Felt, StateDiff};
use common::casm_class::casm_test_class;
use common::{Chain, selector};
use executor::{BLOCK_HASH_CONTRACT, SierraClass};
use os::OsError;
use sha3::Digest;
use stark::SecurityPreset;
use state::StateReader;

/// Where the system block deploys the syscalls class.
const SYSCALLS: Felt = Felt::from_hex_unchecked("0x5c5ca11");
/// The made-up class hash of the syscalls class.
const SYSCALLS_CLASS: Felt = Felt::from_hex_unchecked("0xca5e5c5ca11");

fn syscalls_class() -> Arc<SierraClass> {
    casm_test_class(
        include_str!("casm/syscalls.json"),
        SYSCALLS_CLASS,
        &["keccak", "block_hash", "class_hash_at", "sha256_process_block"],
    )
}

/// The test chain with the syscalls class declared and deployed by a system block.
fn chain_with_syscalls() -> Chain {
    let mut chain = Chain::new(1);
    let class = syscalls_class();
    chain.classes.insert_sierra(Arc::clone(&class));
    let mut diff = StateDiff::default();
    diff.declared_classes.insert(class.class_hash(), class.compiled_class_hash());
    diff.deployed_contracts.insert(SYSCALLS, class.class_hash());
    chain.commit_system_block(&diff);
    chain
}

/// Account 0 calls the syscalls class's `entry_point` with `calldata`; the OS runs the block
/// (checking its output against the chain's header) and the call's return data is returned,
/// or `None` if the transaction reverted.
fn call(chain: &mut Chain, entry_point: &str, calldata: Vec<Felt>) -> Option<Vec<Felt>> {
    let tx = chain.invoke_v1(0, &[(SYSCALLS, selector(entry_point), calldata)]);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    let bitwise = proven
        .os
        .run
        .execution
        .builtins
        .iter()
        .find(|segment| segment.builtin == cairo_air::Builtin::Bitwise);
    let bitwise = bitwise.map_or(0, |segment| (segment.stop - segment.begin) / 5);
    eprintln!("{entry_point}: {} OS steps, {bitwise} bitwise instances", proven.os.steps);
    let execution = proven.os.executor.included().next().unwrap();
    if execution.reverted() {
        return None;
    }
    // `__validate__`, `__execute__`; the call is `__execute__`'s.
    Some(execution.calls[1].inner_calls[0].retdata.clone())
}

/// The Cairo 1 corelib's padding of `bytes` into whole 17-word blocks of little-endian 64-bit
/// words (`keccak_u256s_le_inputs`: 0x01 after the input, 0x80 in the block's last byte).
fn padded_words(bytes: &[u8]) -> Vec<Felt> {
    let mut padded = bytes.to_vec();
    padded.push(0x01);
    while !padded.len().is_multiple_of(136) {
        padded.push(0);
    }
    *padded.last_mut().unwrap() |= 0x80;
    padded.chunks(8).map(|word| Felt::from(u64::from_le_bytes(word.try_into().unwrap()))).collect()
}

/// A 32-byte hash as the `keccak` syscall returns it: two little-endian u128 halves.
fn as_u256_le(hash: [u8; 32]) -> [Felt; 2] {
    let half = |bytes: &[u8]| Felt::from(u128::from_le_bytes(bytes.try_into().unwrap()));
    [half(&hash[..16]), half(&hash[16..])]
}

fn hex32(hex: &str) -> [u8; 32] {
    let bytes: Vec<u8> =
        (0..64).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    bytes.try_into().unwrap()
}

#[test]
fn the_keccak_syscall_hashes_as_ethereum_does() {
    let mut chain = chain_with_syscalls();
    // Ethereum's Keccak-256 of "" (its published value), of "abc" and of 300 bytes (three
    // blocks), against the `sha3` crate.
    let empty = hex32("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assert_eq!(<[u8; 32]>::from(sha3::Keccak256::digest(b"")), empty);
    for input in [Vec::new(), b"abc".to_vec(), (0..300).map(|i| i as u8).collect()] {
        let words = padded_words(&input);
        let retdata = call(&mut chain, "keccak", words.clone()).expect("the call succeeds");
        // [gas left, failure flag, low, high]
        assert_eq!(retdata.len(), 4);
        assert_eq!(retdata[1], Felt::ZERO);
        let expected = <[u8; 32]>::from(sha3::Keccak256::digest(&input));
        assert_eq!(retdata[2..], as_u256_le(expected), "keccak of {} bytes", input.len());
        eprintln!("keccak of {} bytes ({} blocks): {:?}", input.len(), words.len() / 17, retdata);
    }
}

/// SHA-256's padding of `bytes` into 16-word blocks of big-endian 32-bit words.
fn sha256_blocks(bytes: &[u8]) -> Vec<[u32; 16]> {
    let mut padded = bytes.to_vec();
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend((bytes.len() as u64 * 8).to_be_bytes());
    padded
        .chunks(64)
        .map(|block| {
            std::array::from_fn(|i| u32::from_be_bytes(block[4 * i..4 * i + 4].try_into().unwrap()))
        })
        .collect()
}

#[test]
fn the_sha256_syscall_compresses_as_sha256_does() {
    let mut chain = chain_with_syscalls();
    let iv: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    // "abc" (FIPS 180's example, one block) and 100 bytes (two blocks, one syscall each,
    // chaining the state), against the `sha2` crate's SHA-256.
    let abc = hex32("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(<[u8; 32]>::from(sha2::Sha256::digest(b"abc")), abc);
    for input in [b"abc".to_vec(), (0..100).map(|i| i as u8).collect()] {
        let mut state = iv;
        for block in sha256_blocks(&input) {
            let calldata = state.iter().chain(&block).map(|&word| Felt::from(word)).collect();
            let retdata = call(&mut chain, "sha256_process_block", calldata).unwrap();
            // [gas left, failure flag, new state...]
            assert_eq!(retdata.len(), 10);
            assert_eq!(retdata[1], Felt::ZERO);
            state = std::array::from_fn(|i| u32::try_from(retdata[2 + i]).unwrap());
        }
        let digest: Vec<u8> = state.iter().flat_map(|word| word.to_be_bytes()).collect();
        let expected = <[u8; 32]>::from(sha2::Sha256::digest(&input));
        assert_eq!(digest, expected, "sha256 of {} bytes", input.len());
    }
}

#[test]
fn a_keccak_input_of_partial_blocks_reverts() {
    let mut chain = chain_with_syscalls();
    let words = vec![Felt::ONE; 16];
    assert_eq!(call(&mut chain, "keccak", words), None, "blockifier reverts the call");
}

#[test]
fn blocks_from_ten_on_store_the_hash_ten_below_and_get_block_hash_reads_it() {
    let mut chain = chain_with_syscalls();
    chain.empty_blocks(9);
    assert_eq!(chain.head, 10);
    // Block 11 stores block 1's hash and reads block 0's (stored by block 10, not proven).
    let retdata = call(&mut chain, "block_hash", vec![Felt::ZERO]).unwrap();
    assert_eq!(retdata[1..], [Felt::ZERO, chain.hashes[0]]);
    let snapshot = chain.state.latest_snapshot().unwrap();
    for old in [0u64, 1] {
        let stored = snapshot.storage_at(BLOCK_HASH_CONTRACT, Felt::from(old)).unwrap();
        assert_eq!(stored, chain.hashes[old as usize], "block {old}'s hash is stored");
    }
    // Block 12 reads block 2's hash, which is the newest it may read.
    let retdata = call(&mut chain, "block_hash", vec![Felt::TWO]).unwrap();
    assert_eq!(retdata[2], chain.hashes[2]);
    // A newer block's hash: blockifier reverts the call; the OS proves the reverted transaction.
    assert_eq!(call(&mut chain, "block_hash", vec![Felt::from(4u64)]), None);
}

#[test]
fn get_class_hash_at_reads_the_contracts_class() {
    let mut chain = chain_with_syscalls();
    let account = chain.accounts[0];
    let account_class = chain.state.latest_snapshot().unwrap().class_hash_at(account).unwrap();
    for (address, class_hash) in
        [(account, account_class), (SYSCALLS, SYSCALLS_CLASS), (Felt::from(0xdeadu64), Felt::ZERO)]
    {
        let retdata = call(&mut chain, "class_hash_at", vec![address]).unwrap();
        assert_eq!(retdata[1..], [Felt::ZERO, class_hash], "class hash at {address:#x}");
    }
}

fn assert_rejected(result: Result<os::BlockExecution, OsError>, what: &str) {
    match result {
        Err(OsError::Rejected(reason)) => eprintln!("{what}: {reason}"),
        Err(other) => panic!("{what}: expected the OS to reject the run, got {other}"),
        Ok(_) => panic!("{what}: the OS accepted a tampered input"),
    }
}

/// The block of one call of `entry_point`, prepared for the OS (not run).
fn prepared_call(chain: &mut Chain, entry_point: &str, calldata: Vec<Felt>) -> os::PreparedBlock {
    let tx = chain.invoke_v1(0, &[(SYSCALLS, selector(entry_point), calldata)]);
    let block = chain.block(vec![tx]);
    os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
        .unwrap()
}

#[test]
fn wrong_syscall_answers_fail_the_run() {
    let mut chain = chain_with_syscalls();
    chain.empty_blocks(9);
    // A wrong block hash, a wrong class hash: the OS reads both from the state.
    let mut prepared = prepared_call(&mut chain, "block_hash", vec![Felt::ZERO]);
    prepared.input.calls[0][1].inner_calls[0].block_hash_read_values[0] += Felt::ONE;
    assert_rejected(prepared.run(), "get_block_hash answered wrongly");
    let account = chain.accounts[0];
    chain.nonces[0] -= 1; // the block above was not committed
    let mut prepared = prepared_call(&mut chain, "class_hash_at", vec![account]);
    prepared.input.calls[0][1].inner_calls[0].class_hash_read_values[0] = SYSCALLS_CLASS;
    assert_rejected(prepared.run(), "get_class_hash_at answered wrongly");
}

#[test]
fn the_stored_block_hash_is_bound_by_the_state() {
    // The hash a block stores comes from the input; another one gives another state root and
    // state-diff commitment than the chain's, so the proof's output is not the header's.
    let mut chain = chain_with_syscalls();
    chain.empty_blocks(9);
    let block = chain.block(Vec::new());
    let honest =
        os::run_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap()
            .public_output;
    let mut prepared =
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap();
    *prepared.input.block_info.last_mut().unwrap() += Felt::ONE;
    let forged = prepared.run().unwrap().public_output;
    assert_ne!(forged.new_state_root, honest.new_state_root);
    assert_ne!(forged.state_diff_commitment, honest.state_diff_commitment);
    assert_ne!(forged.block_hash, honest.block_hash);
}

#[test]
fn a_keccak_block_proof_verifies() {
    let mut chain = chain_with_syscalls();
    let tx = chain.invoke_v1(0, &[(SYSCALLS, selector("keccak"), padded_words(b"abc"))]);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    let execution = proven.os.run.to_cairo_execution().unwrap();
    let keccak = execution.builtins.iter().find(|s| s.builtin == cairo_air::Builtin::Keccak);
    assert!(keccak.is_some_and(|segment| segment.stop > segment.begin), "a keccak instance");
    let proof = cairo_air::prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let policy = common::os_pin_policy(os::program_hash().unwrap());
    let verified = cairo_air::verify_proof(&proof, &policy).unwrap();
    let output = chain::BlockPublicOutput::from_felts(&verified.output).unwrap();
    assert_eq!(output, proven.expected_output());
    eprintln!("keccak block: {} OS steps, proof {} bytes", proven.os.steps, proof.len());
}
