//! A block's witness (`os::BlockWitness`) through its bytes: what a cluster's worker reads
//! gives the same OS run as the prepared block it was made from, with no state or class
//! provider; a witness of another format is refused with both versions named.

mod common;

use chain::BlockPublicOutput;
use common::Chain;
use os::{BlockWitness, OsError, WITNESS_FORMAT_VERSION};

#[test]
fn a_witness_read_back_from_bytes_runs_like_its_prepared_block() {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let txs =
        vec![chain.transfer(0, recipient, 1_000, false), chain.transfer(0, recipient, 5, true)];
    let block = chain.block(txs);
    let prepare = || {
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap()
    };
    let expected = prepare().run().unwrap().public_output;

    let number = block.context.block_number;
    let witness = BlockWitness::new(number, expected.block_hash, expected, 0, prepare());
    let bytes = witness.to_bytes().unwrap();
    // Deterministic: the same block gives the same bytes (a retried write is idempotent).
    assert_eq!(
        BlockWitness::new(number, expected.block_hash, expected, 0, prepare()).to_bytes().unwrap(),
        bytes
    );

    let read = BlockWitness::from_bytes(&bytes).unwrap();
    assert_eq!(read.format_version, WITNESS_FORMAT_VERSION);
    assert_eq!(read.expected_output, expected);
    let run = read.run().unwrap();
    assert_eq!(run.public_output, expected);
    assert_eq!(BlockPublicOutput::from_felts(&run.run.output()).unwrap(), expected);
}

#[test]
fn a_witness_of_another_format_is_refused_with_both_versions() {
    let newer =
        format!(r#"{{"format_version": {}, "anything": "else"}}"#, WITNESS_FORMAT_VERSION + 1);
    match BlockWitness::from_bytes(newer.as_bytes()) {
        Err(OsError::WitnessVersion { found, supported }) => {
            assert_eq!((found, supported), (WITNESS_FORMAT_VERSION + 1, WITNESS_FORMAT_VERSION));
        }
        other => panic!("expected WitnessVersion, got {other:?}"),
    }
    assert!(matches!(BlockWitness::from_bytes(b"not json"), Err(OsError::WitnessDecode(_))));
}

/// Replay's recorded run of a block prepares the same witness as `prepare_block` (which runs
/// the executor itself), so the block executes once; a run of other transactions is refused.
#[test]
fn a_recorded_run_prepares_the_same_witness_and_only_for_its_block() {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let txs = vec![chain.transfer(0, recipient, 7, true), chain.transfer(1, recipient, 9, false)];
    let block = chain.block(txs);
    let parent = Some(chain.head);
    let snapshot = chain.state.at_block(chain.head).unwrap();
    let record = |transactions: &[executor::ExecutableTransaction]| {
        let context = block.context.clone();
        os::execute_recorded(&chain.config, context, &snapshot, &chain.classes, transactions)
            .unwrap()
    };
    let recorded = record(&block.transactions);
    let from_record =
        os::prepare_recorded(&block, &chain.state, parent, &chain.classes, &recorded).unwrap();
    let prepared =
        os::prepare_block(&block, &chain.state, parent, &chain.classes, &chain.config).unwrap();
    assert_eq!(format!("{:?}", from_record.input), format!("{:?}", prepared.input));
    assert_eq!(from_record.witness, prepared.witness);
    let hashes = |prepared: &os::PreparedBlock| {
        prepared.class_definitions.iter().map(|class| class.class_hash()).collect::<Vec<_>>()
    };
    assert_eq!(hashes(&from_record), hashes(&prepared));
    assert_eq!(from_record.executor.state_diff, prepared.executor.state_diff);

    let other = record(&block.transactions[..1]);
    let refused = os::prepare_recorded(&block, &chain.state, parent, &chain.classes, &other);
    assert!(
        matches!(&refused, Err(OsError::Witness(reason)) if reason.contains("not of the block")),
        "{:?}",
        refused.err()
    );
}
