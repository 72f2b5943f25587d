//! Limits on what a DECLARE (and any request) may make the devnet do, over JSON-RPC: a class
//! over `max_class_bytes` or `max_bytecode_felts` is refused with
//! CONTRACT_CLASS_SIZE_IS_TOO_LARGE (57) before it is hashed (a gzip bomb costs milliseconds),
//! an unsigned DECLARE within the limits is refused by its signature, and request bodies are
//! bounded per method. Requests under the limits still work.
//!
//! The timings are printed: `cargo test --release -p sequencer --test declare_limits --
//! --nocapture` (and `--ignored` for the cost of the same bomb without limits).

mod common;

use std::time::{Duration, Instant};

use common::{Devnet, test_config};
use jsonrpsee::core::client::{ClientT, Error as ClientError};
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use sequencer::NodeConfig;
use sequencer::classes::{FIBONACCI_JSON, parse_class_json};
use serde_json::{Value, json};
use starknet_core::types::Felt;
use starknet_core::types::contract::legacy::LegacyContractClass;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Felts of bytecode of the "21 KB" bomb: 3.5 million zeros, 21 MB of program JSON that gzip
/// squeezes to about 21 KB.
const BOMB_FELTS: usize = 3_500_000;

/// fibonacci under another compiler version (a new class hash), its bytecode padded with zeros
/// to `felts` (past its last instruction: the entry points stay valid).
fn fibonacci_variant(tag: &str, felts: usize) -> LegacyContractClass {
    let mut json: Value = serde_json::from_str(FIBONACCI_JSON).unwrap();
    json["program"]["compiler_version"] = format!("0.14.0.1+{tag}").into();
    let mut class: LegacyContractClass = serde_json::from_value(json).unwrap();
    let padding = felts.saturating_sub(class.program.data.len());
    class.program.data.extend(std::iter::repeat_n(Felt::ZERO, padding));
    class
}

/// An unsigned DECLARE v1 of `class` from `sender` (nobody hashes the class on this side).
fn unsigned_declare(sender: Felt, class: &LegacyContractClass) -> Value {
    json!({
        "type": "DECLARE",
        "version": "0x1",
        "sender_address": sender,
        "max_fee": "0x0",
        "signature": [],
        "nonce": "0x0",
        "contract_class": class.compress().unwrap(),
    })
}

fn raw_client(devnet: &Devnet) -> HttpClient {
    HttpClientBuilder::default()
        .max_request_size(64 << 20)
        .request_timeout(Duration::from_secs(300))
        .build(&devnet.url)
        .unwrap()
}

/// Sends a DECLARE and returns the error object the node answers, and how long it took.
async fn declare_error(client: &HttpClient, transaction: Value) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let answer = client
        .request::<Value, _>("starknet_addDeclareTransaction", rpc_params![transaction])
        .await;
    let elapsed = started.elapsed();
    match answer {
        Err(ClientError::Call(object)) => (
            object.code(),
            object.message().to_owned(),
            object.data().map(|data| data.get().to_owned()).unwrap_or_default(),
            elapsed,
        ),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_classes_are_refused_before_hashing() {
    let devnet = Devnet::start(None, test_config(Duration::from_millis(300), false)).await;
    let client = raw_client(&devnet);
    let sender = devnet.node.genesis().accounts[0].address;
    let limits = NodeConfig::default();

    // One felt of bytecode too many.
    let felts = limits.max_bytecode_felts + 1;
    let declare = unsigned_declare(sender, &fibonacci_variant("bytecode", felts));
    let (code, message, data, _) = declare_error(&client, declare).await;
    assert_eq!((code, message.as_str()), (57, "Contract class size is too large"));
    let expected = format!("{felts} felts of bytecode, more than {}", limits.max_bytecode_felts);
    assert!(data.contains(&expected), "{data}");

    // The bomb: 21 MB of program in a ~21 KB request, refused while decompressing.
    let declare = unsigned_declare(sender, &fibonacci_variant("bomb", BOMB_FELTS));
    let request_bytes = declare.to_string().len();
    let (code, _, data, elapsed) = declare_error(&client, declare).await;
    assert_eq!(code, 57);
    assert!(data.contains(&format!("larger than {} bytes", limits.max_class_bytes)), "{data}");
    println!("unsigned DECLARE bomb ({request_bytes} bytes of request): refused in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");

    // The largest bytecode allowed, unsigned: hashed, then refused by the account's signature
    // check (VALIDATION_FAILURE 55): the most an unsigned DECLARE can cost.
    let class = fibonacci_variant("at-limit", limits.max_bytecode_felts);
    let declare = unsigned_declare(sender, &class);
    let request_bytes = declare.to_string().len();
    let (code, _, _, elapsed) = declare_error(&client, declare).await;
    assert_eq!(code, 55);
    println!(
        "unsigned DECLARE of {} felts ({request_bytes} bytes of request): refused in {elapsed:?}",
        limits.max_bytecode_felts
    );

    // A signed one under the limits is accepted.
    let class = parse_class_json(&serde_json::to_string(&fibonacci_variant("ok", 0)).unwrap());
    let dev = devnet.node.genesis().accounts[0].clone();
    let (hash, transaction) = sequencer::signing::declare_v1(
        devnet.node.config().chain_id,
        dev.address,
        &dev.private_key,
        Felt::ZERO,
        &class.unwrap(),
    )
    .unwrap();
    let answer: Value =
        client.request("starknet_addDeclareTransaction", rpc_params![transaction]).await.unwrap();
    assert_eq!(answer["transaction_hash"], format!("{hash:#x}"));
    devnet.stop().await;
}

/// What the same bomb costs without limits (the node's path before them: decompress within
/// 64 MiB, then hash): run with `--ignored --nocapture`.
#[test]
#[ignore = "slow by design: the cost the limits remove"]
fn bomb_cost_without_limits() {
    let class = fibonacci_variant("bomb", BOMB_FELTS);
    let compressed = class.compress().unwrap();
    let started = Instant::now();
    let declared = sequencer::classes::decompress(&compressed).unwrap();
    let decompressed = started.elapsed();
    let parsed = executor::DeprecatedClass::from_legacy_with_hash(
        declared.class.clone(),
        declared.class_hash,
    );
    println!(
        "bomb of {BOMB_FELTS} felts ({} bytes compressed) without limits: decompress and \
         hash {decompressed:?}, then cairo-vm load {:?} ({})",
        compressed.program.len(),
        started.elapsed() - decompressed,
        if parsed.is_ok() { "ok" } else { "refused" },
    );
}

/// POSTs `body` as it is and returns the status line and the JSON answer.
async fn post(url: &str, body: &str) -> (String, Value) {
    let address = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The server may answer and close before it reads a refused body.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    let (head, payload) = text.split_once("\r\n\r\n").expect("HTTP response with a body");
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, serde_json::from_str(payload).unwrap_or_else(|e| panic!("{e}: {payload}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_sizes_are_limited_per_method() {
    let config = NodeConfig {
        max_request_bytes: 2_000,
        max_declare_request_bytes: 200_000,
        ..test_config(Duration::from_millis(300), false)
    };
    let devnet = Devnet::start(None, config).await;
    let client = raw_client(&devnet);
    let genesis = devnet.node.genesis().clone();
    let fibonacci = format!("{:#x}", genesis.fibonacci_address);

    // Small params: answered.
    let nonce: Value = client
        .request("starknet_getNonce", rpc_params!["latest", genesis.accounts[0].address])
        .await
        .unwrap();
    assert_eq!(nonce, "0x0");

    // A call with 100 felts of calldata (~ 6.7 KB): refused with -32007 and the limit.
    let calldata: Vec<String> = (0..100u64).map(|i| format!("{:#066x}", i)).collect();
    let request = json!({
        "contract_address": fibonacci,
        "entry_point_selector": format!("{:#x}", common::selector("get_last")),
        "calldata": calldata,
    });
    let refused = client.request::<Value, _>("starknet_call", rpc_params![request, "latest"]).await;
    let Err(ClientError::Call(object)) = refused else { panic!("{refused:?}") };
    assert_eq!((object.code(), object.message()), (-32007, "Request is too big"));
    let data = object.data().map(|data| data.get().to_owned()).unwrap_or_default();
    assert!(data.contains("at most 2000") && data.contains("--max-request-bytes"), "{data}");

    // A DECLARE far over 2,000 bytes but under 200,000: accepted.
    let class = parse_class_json(&serde_json::to_string(&fibonacci_variant("size", 0)).unwrap());
    let dev = genesis.accounts[0].clone();
    let (hash, transaction) = sequencer::signing::declare_v1(
        devnet.node.config().chain_id,
        dev.address,
        &dev.private_key,
        Felt::ZERO,
        &class.unwrap(),
    )
    .unwrap();
    assert!(transaction.to_string().len() > 2_000);
    let answer: Value =
        client.request("starknet_addDeclareTransaction", rpc_params![transaction]).await.unwrap();
    assert_eq!(answer["transaction_hash"], format!("{hash:#x}"));

    // A body over 200,000 bytes: HTTP 413 before anything is parsed.
    let padding = "0".repeat(250_000);
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "starknet_addDeclareTransaction",
        "params": [{"padding": padding}],
    });
    let (status, answer) = post(&devnet.url, &body.to_string()).await;
    assert!(status.contains("413"), "{status}");
    assert_eq!(answer["error"]["code"], -32007);
    devnet.stop().await;
}

/// Where an unsigned DECLARE at the bytecode limit spends its time: `--ignored --nocapture`.
#[test]
#[ignore = "a measurement"]
fn cost_of_a_class_at_the_limit() {
    let class = fibonacci_variant("at-limit", NodeConfig::default().max_bytecode_felts);
    let compressed = class.compress().unwrap();
    let limits = NodeConfig::default().class_limits();
    let time = |what: &str, started: Instant| println!("{what}: {:?}", started.elapsed());
    let started = Instant::now();
    let class = sequencer::classes::decompress_within(&compressed, &limits).unwrap();
    time("decompress", started);
    let started = Instant::now();
    class.hinted_class_hash().unwrap();
    time("hinted class hash", started);
    let started = Instant::now();
    starknet_core::crypto::compute_hash_on_elements(&class.program.data);
    time("pedersen over the bytecode", started);
    let started = Instant::now();
    let class_hash = class.class_hash().unwrap();
    time("class hash", started);
    let started = Instant::now();
    executor::DeprecatedClass::from_legacy_with_hash(std::sync::Arc::new(class), class_hash)
        .unwrap();
    time("cairo-vm load", started);
}
