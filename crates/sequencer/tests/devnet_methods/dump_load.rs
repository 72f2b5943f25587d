//! `devnet_dump` and `devnet_load`: a chain written under `--dump-dir` and replayed into a
//! fresh chain; paths confined to that directory; refused without it.

use std::path::Path;

use chain::Felt;
use serde_json::{Value, json};

use crate::common::Devnet;
use crate::{
    balance, block_number, create_block, declare, fibonacci_variant, ok, quiet_config, refused,
    rpc, transfer,
};

fn with_dump_dir(dir: &Path) -> sequencer::NodeConfig {
    sequencer::NodeConfig { dump_dir: Some(dir.to_path_buf()), ..quiet_config() }
}

/// Every block's transaction hashes, genesis excluded.
async fn transactions_by_block(client: &jsonrpsee::http_client::HttpClient) -> Vec<Value> {
    let latest = block_number(client).await;
    let mut blocks = Vec::new();
    for number in 1..=latest {
        let id = json!({"block_id": {"block_number": number}});
        blocks.push(ok(client, "starknet_getBlockWithTxHashes", id).await["transactions"].clone());
    }
    blocks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dump_loads_into_a_fresh_chain_and_resets_a_used_one() {
    let dumps = tempfile::tempdir().unwrap();
    let devnet = Devnet::start(None, with_dump_dir(dumps.path())).await;
    let client = rpc(&devnet);
    // Block 1: a mint; 2: a transfer and a DECLARE; 3: empty.
    ok(&client, "devnet_mint", json!({"address": "0x1234", "amount": 500})).await;
    let receiver = Felt::from(0x777u64);
    transfer(&devnet, &client, 0, receiver, 5, 0).await;
    let class = fibonacci_variant("dump");
    declare(&devnet, &client, &class, 0).await;
    create_block(&client).await;
    create_block(&client).await;
    let blocks = transactions_by_block(&client).await;
    assert_eq!(blocks.iter().map(|b| b.as_array().unwrap().len()).collect::<Vec<_>>(), [1, 2, 0]);

    // To a file (null), and inline without a path.
    assert_eq!(ok(&client, "devnet_dump", json!({"path": "chain.json"})).await, Value::Null);
    let written: Value =
        serde_json::from_slice(&std::fs::read(dumps.path().join("chain.json")).unwrap()).unwrap();
    assert_eq!(written["format"], "watcher-prover devnet dump");
    assert_eq!(written["version"], 1);
    let inline = ok(&client, "devnet_dump", json!({})).await;
    assert_eq!(inline, written);
    let absolute = dumps.path().join("again.json");
    ok(&client, "devnet_dump", json!([absolute.to_str().unwrap()])).await;
    assert!(absolute.exists());

    // A fresh devnet with the same genesis settings: the same blocks and state.
    let fresh = Devnet::start(None, with_dump_dir(dumps.path())).await;
    let fresh_client = rpc(&fresh);
    assert_eq!(ok(&fresh_client, "devnet_load", json!({"path": "chain.json"})).await, Value::Null);
    assert_eq!(transactions_by_block(&fresh_client).await, blocks);
    assert_eq!(balance(&fresh, &fresh_client, Felt::from(0x1234u64)).await, "500");
    assert_eq!(balance(&fresh, &fresh_client, receiver).await, "5");
    ok(
        &fresh_client,
        "starknet_getClass",
        json!({"block_id": "latest", "class_hash": class.class_hash}),
    )
    .await;
    fresh.stop().await;

    // The used devnet, after more blocks and a waiting transaction, goes back to the dump.
    transfer(&devnet, &client, 1, receiver, 7, 0).await;
    create_block(&client).await;
    transfer(&devnet, &client, 1, receiver, 7, 1).await;
    ok(&client, "devnet_load", json!(["chain.json"])).await;
    assert_eq!(transactions_by_block(&client).await, blocks);
    assert_eq!(balance(&devnet, &client, receiver).await, "5");
    assert_eq!(devnet.node.mempool_len().unwrap(), 0);
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_and_load_refuse_what_they_should() {
    // Without --dump-dir: both refused, as starknet-devnet refuses without --dump-on.
    let off = Devnet::start(None, quiet_config()).await;
    let client = rpc(&off);
    for (method, params) in [
        ("devnet_dump", json!({})),
        ("devnet_dump", json!({"path": "a.json"})),
        ("devnet_load", json!({"path": "a.json"})),
    ] {
        let error = refused(&client, method, params).await;
        assert_eq!(error.code(), -1);
        assert!(error.message().contains("--dump-dir"), "{error:?}");
    }
    off.stop().await;

    let root = tempfile::tempdir().unwrap();
    let dumps = root.path().join("dumps");
    std::fs::create_dir(&dumps).unwrap();
    let devnet = Devnet::start(None, with_dump_dir(&dumps)).await;
    let client = rpc(&devnet);
    create_block(&client).await;
    let outside = root.path().join("outside.json");
    for path in ["../outside.json", outside.to_str().unwrap(), "", "missing/a.json"] {
        for method in ["devnet_dump", "devnet_load"] {
            let error = refused(&client, method, json!({"path": path})).await;
            assert_eq!(error.code(), -1, "{method} {path}: {error:?}");
        }
    }
    assert!(!outside.exists());

    // Files that are no dump, or a dump of another chain.
    std::fs::write(dumps.join("other.json"), br#"{"hello": "world"}"#).unwrap();
    std::fs::write(dumps.join("text.json"), b"secret text").unwrap();
    for (file, expected) in [
        ("absent.json", "cannot read"),
        ("other.json", "not a devnet dump"),
        ("text.json", "not a devnet dump"),
    ] {
        let error = refused(&client, "devnet_load", json!({"path": file})).await;
        assert!(error.message().contains(expected), "{file}: {error:?}");
        assert!(!error.message().contains("secret"));
    }
    let other_seed =
        Devnet::start(None, sequencer::NodeConfig { seed: 7, ..with_dump_dir(&dumps) }).await;
    ok(&rpc(&other_seed), "devnet_dump", json!({"path": "seven.json"})).await;
    other_seed.stop().await;
    let error = refused(&client, "devnet_load", json!({"path": "seven.json"})).await;
    assert!(error.message().contains("seed 7"), "{error:?}");
    for params in [json!({}), json!({"path": 5}), json!({"path": "a.json", "extra": 1})] {
        assert_eq!(refused(&client, "devnet_load", params).await.code(), -32602);
    }
    assert_eq!(block_number(&client).await, 1, "nothing loaded");
    devnet.stop().await;
}
