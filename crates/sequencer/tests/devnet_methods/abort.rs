//! `devnet_abortBlocks`: later blocks dropped, state rolled back, heights reused, durably.

use chain::Felt;
use serde_json::json;

use crate::common::Devnet;
use crate::{
    balance, block_number, create_block, declare, fibonacci_variant, ok, quiet_config, refused,
    rpc, transfer,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborted_blocks_are_gone_and_their_heights_reused() {
    let devnet = Devnet::start(None, quiet_config()).await;
    let client = rpc(&devnet);
    let genesis = devnet.node.genesis().clone();
    let first = create_block(&client).await;
    // Block 2: a mint and a DECLARE; block 3: a transfer.
    let minted = ok(&client, "devnet_mint", json!({"address": "0x1234", "amount": 77})).await;
    let class = fibonacci_variant("abort");
    let declared = declare(&devnet, &client, &class, 0).await;
    let second = create_block(&client).await;
    let block =
        ok(&client, "starknet_getBlockWithTxHashes", json!({"block_id": {"block_hash": second}}))
            .await;
    assert_eq!(block["block_number"], 3, "the mint took block 2: {block}");
    let receiver = Felt::from(0x777u64);
    let sent = transfer(&devnet, &client, 0, receiver, 5, 0).await;
    let third = create_block(&client).await;
    assert_eq!(balance(&devnet, &client, receiver).await, "5");
    let mint_block = devnet.node.store().block(2).unwrap().unwrap().block_hash;

    // Abort from the mint's block (by number): blocks 2, 3 and 4, latest first.
    let aborted =
        ok(&client, "devnet_abortBlocks", json!({"starting_block_id": {"block_number": 2}})).await;
    let hashes: Vec<String> =
        [third, second, mint_block].iter().map(|h| format!("{h:#x}")).collect();
    assert_eq!(aborted, json!({ "aborted": hashes }));
    assert_eq!(block_number(&client).await, 1);
    for hash in [mint_block, second, third] {
        let error = refused(
            &client,
            "starknet_getBlockWithTxHashes",
            json!({"block_id": {"block_hash": hash}}),
        )
        .await;
        assert_eq!(error.code(), 24, "BLOCK_NOT_FOUND");
    }
    for hash in [minted["tx_hash"].clone(), json!(declared), json!(sent)] {
        let error =
            refused(&client, "starknet_getTransactionReceipt", json!({"transaction_hash": hash}))
                .await;
        assert_eq!(error.code(), 29, "TXN_HASH_NOT_FOUND");
    }
    assert_eq!(balance(&devnet, &client, Felt::from(0x1234u64)).await, "0");
    assert_eq!(balance(&devnet, &client, receiver).await, "0");
    let error = refused(
        &client,
        "starknet_getClass",
        json!({"block_id": "latest", "class_hash": class.class_hash}),
    )
    .await;
    assert_eq!(error.code(), 28, "CLASS_HASH_NOT_FOUND");
    let nonce = ok(
        &client,
        "starknet_getNonce",
        json!({"block_id": "latest", "contract_address": genesis.accounts[0].address}),
    )
    .await;
    assert_eq!(nonce, "0x0");

    // The next block is 2 again, on block 1; the aborted transactions can be sent again.
    transfer(&devnet, &client, 0, receiver, 5, 0).await;
    declare(&devnet, &client, &class, 0).await;
    let again = create_block(&client).await;
    let block = ok(&client, "starknet_getBlockWithTxHashes", json!({"block_id": "latest"})).await;
    assert_eq!(
        (block["block_number"].as_u64(), block["parent_hash"].as_str()),
        (Some(2), Some(format!("{first:#x}").as_str()))
    );
    assert_eq!(block["block_hash"], format!("{again:#x}"));
    assert_eq!(block["transactions"].as_array().unwrap().len(), 2);
    assert_eq!(balance(&devnet, &client, receiver).await, "5");
    ok(&client, "starknet_getClass", json!({"block_id": "latest", "class_hash": class.class_hash}))
        .await;
    // The state root follows: a later empty block keeps block 2's root.
    let latest = create_block(&client).await;
    let header = devnet.node.store().block(3).unwrap().unwrap().header;
    assert_eq!(devnet.node.store().block(3).unwrap().unwrap().block_hash, latest);
    assert_eq!(header.state_root, devnet.node.store().block(2).unwrap().unwrap().header.state_root);

    // By hash, and `latest`.
    let aborted = ok(&client, "devnet_abortBlocks", json!({"starting_block_id": "latest"})).await;
    assert_eq!(aborted["aborted"], json!([format!("{latest:#x}")]));
    let aborted = ok(&client, "devnet_abortBlocks", json!([{"block_hash": again}])).await;
    assert_eq!(aborted["aborted"], json!([format!("{again:#x}")]));
    assert_eq!(block_number(&client).await, 1);
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_confirmed_aborts_what_waits_and_bad_starts_are_refused() {
    let devnet = Devnet::start(None, quiet_config()).await;
    let client = rpc(&devnet);
    let genesis_hash = devnet.node.store().block(0).unwrap().unwrap().block_hash;
    create_block(&client).await;

    // `pre_confirmed`: what waits becomes a block, which is aborted.
    let waiting = transfer(&devnet, &client, 1, Felt::from(0x99u64), 1, 0).await;
    let aborted =
        ok(&client, "devnet_abortBlocks", json!({"starting_block_id": "pre_confirmed"})).await;
    assert_eq!(aborted["aborted"].as_array().unwrap().len(), 1);
    assert_eq!(block_number(&client).await, 1);
    let error =
        refused(&client, "starknet_getTransactionStatus", json!({"transaction_hash": waiting}))
            .await;
    assert_eq!(error.code(), 29);
    assert_eq!(devnet.node.mempool_len().unwrap(), 0);

    // Genesis, by number or hash: starknet-devnet's refusal.
    for start in [json!({"block_number": 0}), json!({"block_hash": genesis_hash})] {
        let error =
            refused(&client, "devnet_abortBlocks", json!({"starting_block_id": start})).await;
        assert_eq!((error.code(), error.message()), (-32600, "Genesis block can't be aborted"));
    }
    // Unknown blocks, and no block on L1.
    for start in [json!({"block_number": 2}), json!({"block_hash": "0x1234"}), json!("l1_accepted")]
    {
        let error =
            refused(&client, "devnet_abortBlocks", json!({"starting_block_id": start})).await;
        assert_eq!(error.code(), 24, "{start}");
    }
    for params in
        [json!({}), json!({"starting_block_id": "earliest"}), json!({"starting_block_id": 1})]
    {
        let error = refused(&client, "devnet_abortBlocks", params.clone()).await;
        assert_eq!(error.code(), -32602, "{params}");
    }
    assert_eq!(block_number(&client).await, 1, "nothing aborted");
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abort_survives_a_restart_and_an_interrupted_one_completes() {
    let dir = tempfile::tempdir().unwrap();
    let devnet = Devnet::start(Some(dir.path()), quiet_config()).await;
    let client = rpc(&devnet);
    let first = create_block(&client).await;
    ok(&client, "devnet_mint", json!({"address": "0x1234", "amount": 9})).await;
    create_block(&client).await;
    ok(&client, "devnet_abortBlocks", json!({"starting_block_id": {"block_number": 2}})).await;
    let node = devnet.stop().await;
    drop(node);

    let devnet = Devnet::start(Some(dir.path()), quiet_config()).await;
    let client = rpc(&devnet);
    assert_eq!(block_number(&client).await, 1);
    assert_eq!(balance(&devnet, &client, Felt::from(0x1234u64)).await, "0");
    let commitment = devnet.node.commitment().unwrap().latest().unwrap().unwrap().0;
    assert_eq!(commitment, 1, "the aborted blocks' roots are gone");
    let minted = ok(&client, "devnet_mint", json!({"address": "0x1234", "amount": 3})).await;
    let block = ok(&client, "starknet_getBlockWithTxHashes", json!({"block_id": "latest"})).await;
    assert_eq!(block["block_number"], 2);
    assert_eq!(block["parent_hash"], format!("{first:#x}"));
    assert_eq!(block["transactions"], json!([minted["tx_hash"]]));
    create_block(&client).await;
    let node = devnet.stop().await;

    // A crash right after an abort of blocks 2.. was recorded: reopening finishes it.
    node.store().db().open_tree("meta").unwrap().insert(b"aborting_from", b"2".as_slice()).unwrap();
    node.store().flush().unwrap();
    drop(node);
    let devnet = Devnet::start(Some(dir.path()), quiet_config()).await;
    let client = rpc(&devnet);
    assert_eq!(block_number(&client).await, 1);
    assert_eq!(balance(&devnet, &client, Felt::from(0x1234u64)).await, "0");
    let block = create_block(&client).await;
    let header = devnet.node.store().block(2).unwrap().unwrap();
    assert_eq!((header.block_hash, header.header.parent_hash), (block, first));
    devnet.stop().await;
}
