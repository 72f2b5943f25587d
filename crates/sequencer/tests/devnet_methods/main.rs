//! starknet-devnet's state-changing methods over real HTTP JSON-RPC on loopback: `devnet_mint`
//! (`mint.rs`), `devnet_abortBlocks` (`abort.rs`), `devnet_dump` and `devnet_load`
//! (`dump_load.rs`), each with its success and error paths. One test binary for the three
//! (each binary links the whole executor).

#[path = "../common/mod.rs"]
mod common;

mod abort;
mod dump_load;
mod mint;

use std::time::Duration;

use chain::Felt;
use common::{Devnet, selector, test_config};
use jsonrpsee::core::client::{ClientT, Error as ClientError};
use jsonrpsee::core::params::{ArrayParams, ObjectParams};
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::types::ErrorObjectOwned;
use sequencer::NodeConfig;
use serde_json::{Value, json};

/// A devnet whose blocks come only from the calls of the test (an hour between timed blocks).
pub fn quiet_config() -> NodeConfig {
    test_config(Duration::from_secs(3600), true)
}

/// A JSON-RPC client on the devnet's 0.10 path.
pub fn rpc(devnet: &Devnet) -> HttpClient {
    HttpClientBuilder::default().max_response_size(64 << 20).build(&devnet.url).unwrap()
}

/// Calls `method` with named params (`params` a JSON object) or positional ones (an array).
pub async fn call(
    client: &HttpClient,
    method: &str,
    params: Value,
) -> Result<Value, ErrorObjectOwned> {
    let answer = match &params {
        Value::Array(items) => {
            let mut positional = ArrayParams::new();
            for item in items {
                positional.insert(item).unwrap();
            }
            client.request::<Value, _>(method, positional).await
        }
        _ => {
            let mut named = ObjectParams::new();
            for (name, value) in params.as_object().expect("named or positional params") {
                named.insert(name, value).unwrap();
            }
            client.request::<Value, _>(method, named).await
        }
    };
    match answer {
        Ok(answer) => Ok(answer),
        Err(ClientError::Call(error)) => Err(error),
        Err(other) => panic!("{method}: {other}"),
    }
}

/// Calls `method` and expects success.
pub async fn ok(client: &HttpClient, method: &str, params: Value) -> Value {
    call(client, method, params.clone())
        .await
        .unwrap_or_else(|error| panic!("{method} {params}: {error:?}"))
}

/// Calls `method` and expects a JSON-RPC error.
pub async fn refused(client: &HttpClient, method: &str, params: Value) -> ErrorObjectOwned {
    match call(client, method, params.clone()).await {
        Ok(answer) => panic!("{method} {params} answered {answer}"),
        Err(error) => error,
    }
}

/// The latest block number.
pub async fn block_number(client: &HttpClient) -> u64 {
    ok(client, "starknet_blockNumber", json!({})).await.as_u64().unwrap()
}

/// The fee-token balance of `owner` at the latest block, as a decimal string (both words).
pub async fn balance(devnet: &Devnet, client: &HttpClient, owner: Felt) -> String {
    let call = json!({
        "contract_address": devnet.node.genesis().erc20_address,
        "entry_point_selector": selector("balance_of"),
        "calldata": [owner],
    });
    let words = ok(client, "starknet_call", json!({"request": call, "block_id": "latest"})).await;
    let word = |index: usize| Felt::from_hex(words[index].as_str().unwrap()).unwrap().to_biguint();
    ((word(1) << 128u32) + word(0)).to_string()
}

/// `devnet_createBlock`'s block hash.
pub async fn create_block(client: &HttpClient) -> Felt {
    let created = ok(client, "devnet_createBlock", json!({})).await;
    Felt::from_hex(created["block_hash"].as_str().unwrap()).unwrap()
}

/// Sends an ERC-20 transfer of `amount` from genesis account `from` (its nonce given).
pub async fn transfer(
    devnet: &Devnet,
    client: &HttpClient,
    from: usize,
    to: Felt,
    amount: u64,
    nonce: u64,
) -> Felt {
    let genesis = devnet.node.genesis();
    let sender = &genesis.accounts[from];
    let calldata = sequencer::signing::single_call_calldata(
        genesis.erc20_address,
        selector("transfer"),
        &[to, Felt::from(amount), Felt::ZERO],
    );
    let (hash, transaction) = sequencer::signing::invoke_v3(
        devnet.node.config().chain_id,
        sender.address,
        &sender.private_key,
        Felt::from(nonce),
        calldata,
    )
    .unwrap();
    ok(client, "starknet_addInvokeTransaction", json!({"invoke_transaction": transaction})).await;
    hash
}

/// A Cairo 0 class of its own (the bundled fibonacci with another compiler version string).
pub fn fibonacci_variant(tag: &str) -> sequencer::classes::DeclaredClass {
    let mut json: Value = serde_json::from_str(sequencer::classes::FIBONACCI_JSON).unwrap();
    json["program"]["compiler_version"] = format!("0.14.0.1+{tag}").into();
    sequencer::classes::parse_class_json(&json.to_string()).unwrap()
}

/// Sends a DECLARE v1 of `class` from genesis account 2 (nonce given); returns its hash.
pub async fn declare(
    devnet: &Devnet,
    client: &HttpClient,
    class: &sequencer::classes::DeclaredClass,
    nonce: u64,
) -> Felt {
    let declarer = &devnet.node.genesis().accounts[2];
    let (hash, transaction) = sequencer::signing::declare_v1(
        devnet.node.config().chain_id,
        declarer.address,
        &declarer.private_key,
        Felt::from(nonce),
        class,
    )
    .unwrap();
    ok(client, "starknet_addDeclareTransaction", json!({"declare_transaction": transaction})).await;
    hash
}
