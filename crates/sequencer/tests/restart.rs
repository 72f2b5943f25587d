//! Stop a devnet, reopen its data directory: blocks, receipts and waiting transactions survive.

mod common;

use std::time::Duration;

use common::{Devnet, selector, test_config, wait_for_receipt};
use starknet_accounts::Account;
use starknet_core::types::{BlockId, BlockTag, Call, Felt, TransactionStatus};
use starknet_providers::Provider;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_chain_and_mempool() {
    let dir = tempfile::tempdir().unwrap();
    // No timer blocks: the test produces them by hand.
    let config = test_config(Duration::from_secs(3600), true);
    let devnet = Devnet::start(Some(dir.path()), config.clone()).await;
    let client = devnet.client();
    let account = devnet.account(0);
    let fibonacci = |n: u64| Call {
        to: devnet.node.genesis().fibonacci_address,
        selector: selector("fibonacci"),
        calldata: vec![Felt::from(n)],
    };
    let explicit = |nonce: u64, n: u64| {
        account
            .execute_v3(vec![fibonacci(n)])
            .nonce(Felt::from(nonce))
            .l1_gas(0)
            .l2_gas(1_000_000)
            .l1_data_gas(0)
            .tip(0)
    };
    let included = explicit(0, 5).send().await.unwrap().transaction_hash;
    let node = devnet.node.clone();
    tokio::task::spawn_blocking(move || node.produce_block()).await.unwrap().unwrap();
    let receipt = wait_for_receipt(&client, included).await;
    assert_eq!(receipt.block.block_number(), 1);
    // Two transactions wait, one of them behind a nonce gap... filled by the other.
    let waiting_second = explicit(2, 7).send().await.unwrap().transaction_hash;
    let waiting_first = explicit(1, 6).send().await.unwrap().transaction_hash;
    let head = client.block_hash_and_number().await.unwrap();
    assert_eq!(head.block_number, 1);
    devnet.stop().await;

    let devnet = Devnet::start(Some(dir.path()), config).await;
    let client = devnet.client();
    assert_eq!(client.block_hash_and_number().await.unwrap(), head);
    assert_eq!(client.get_transaction_receipt(included).await.unwrap(), receipt);
    for hash in [waiting_first, waiting_second] {
        assert_eq!(client.get_transaction_status(hash).await.unwrap(), TransactionStatus::Received);
    }
    assert_eq!(
        client.get_nonce(BlockId::Tag(BlockTag::PreConfirmed), account.address()).await.unwrap(),
        Felt::THREE
    );
    let node = devnet.node.clone();
    let block = tokio::task::spawn_blocking(move || node.produce_block()).await.unwrap().unwrap();
    assert_eq!(block.header.block_number, 2);
    assert_eq!(block.header.parent_hash, head.block_hash);
    assert_eq!(block.transaction_hashes, vec![waiting_first, waiting_second]);
    assert_eq!(devnet.node.mempool_len().unwrap(), 0);
    devnet.stop().await;

    // A different configuration on the same directory is refused.
    let mut other = test_config(Duration::from_secs(3600), false);
    other.account_count = 3;
    let store = sequencer::store::Store::open(dir.path()).unwrap();
    let reopened =
        sequencer::Node::open(store, other, std::sync::Arc::new(sequencer::CairoExecutor::new()));
    assert!(reopened.is_err());
}

#[test]
fn a_state_commitment_without_its_block_is_dropped_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(Duration::from_secs(3600), true);
    let open = || {
        let store = sequencer::store::Store::open(dir.path()).unwrap();
        sequencer::Node::open(
            store,
            config.clone(),
            std::sync::Arc::new(sequencer::CairoExecutor::new()),
        )
        .unwrap()
    };
    let node = open();
    let first = node.produce_block().unwrap();
    // A crash after the state commitment of block 2 but before the block itself was written.
    let mut diff = chain::StateDiff::default();
    diff.set_storage(Felt::from(0x1234u64), Felt::ONE, Felt::TWO);
    node.commitment().unwrap().commit_block(2, &diff).unwrap();
    drop(node);

    let node = open();
    assert_eq!(node.commitment().unwrap().latest().unwrap().unwrap().0, 1);
    let second = node.produce_block().unwrap();
    assert_eq!(second.header.block_number, 2);
    assert_eq!(second.header.parent_hash, first.block_hash);
    // Block 2 is empty, so its root is block 1's, not the one of the abandoned diff.
    assert_eq!(second.header.state_root, first.header.state_root);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_directory_of_the_former_poseidon_tries_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(Duration::from_secs(3600), true);
    Devnet::start(Some(dir.path()), config.clone()).await.stop().await;
    // What an older release left: the same trees but no state format (its tries were this
    // chain's Poseidon variant, its roots not Starknet's).
    {
        let db = state::open_sled(dir.path()).unwrap();
        assert!(db.drop_tree("state/meta").unwrap());
        db.flush().unwrap();
    }
    let store = sequencer::store::Store::open(dir.path()).unwrap();
    let executor =
        std::sync::Arc::new(sequencer::CairoExecutor::with_config(config.executor_config()));
    let error = sequencer::Node::open(store, config, executor).err().expect("refused");
    assert!(
        matches!(
            error,
            sequencer::SequencerError::State(state::StateError::UnsupportedFormat {
                found: None,
                expected: state::STATE_FORMAT_VERSION
            })
        ),
        "{error}"
    );
    assert!(error.to_string().contains("start from a new data directory"), "{error}");
}
