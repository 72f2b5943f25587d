//! The requests the watcher's client (and the light client's) put on the wire satisfy the
//! params of the vendored Starknet JSON-RPC specs (`crates/sequencer/tests/spec/`, read as data),
//! for each version spoken: a recording proxy in front of the devnet's `/rpc/v0_9` and
//! `/rpc/v0_10` captures every request of a sync (`FetchedBlock::fetch` of the genesis block,
//! which declares classes, and the head); each one's params are matched to the method's spec
//! params (by name, or by position), every required param must be there, no other may be, and
//! each value must validate against its param's schema (`jsonschema`). Every method the client
//! calls ([`Request::METHODS`]) must have been checked on both versions.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chain::rpc::SpecVersion;
use common::proxy::{Proxy, Tamper};
use common::*;
use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};
use watcher::requests::Request;
use watcher::{FetchedBlock, SequencerClient};

/// The read API document of one spec version, as published.
struct Spec {
    version: SpecVersion,
    document: Value,
    registry: Registry<'static>,
    uri: String,
}

impl Spec {
    fn load(version: SpecVersion) -> Spec {
        let directory = format!("v{}", version.as_str().replace('.', "_"));
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../sequencer/tests/spec")
            .join(&directory)
            .join("starknet_api_openrpc.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let document: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(document["info"]["version"], version.as_str());
        let uri = format!("file:///{directory}/starknet_api_openrpc.json");
        let registry = Registry::new()
            .draft(Draft::Draft7)
            .add(uri.clone(), document.clone())
            .unwrap()
            .prepare()
            .unwrap();
        Spec { version, document, registry, uri }
    }

    /// The index of `method` in the document's `methods` and its params.
    fn method(&self, method: &str) -> (usize, &Vec<Value>) {
        let methods = self.document["methods"].as_array().unwrap();
        let index = methods.iter().position(|m| m["name"] == method);
        let index = index.unwrap_or_else(|| panic!("{method} is not in spec {}", self.version));
        (index, methods[index]["params"].as_array().unwrap())
    }

    fn validator(&self, pointer: &str) -> Validator {
        let reference = format!("{}#{pointer}", self.uri);
        jsonschema::options()
            .with_draft(Draft::Draft7)
            .with_registry(&self.registry)
            .offline()
            .build(&json!({ "$ref": reference }))
            .unwrap_or_else(|error| panic!("schema {reference}: {error}"))
    }

    /// What is wrong with `params` as the params of `method` (empty: nothing).
    fn violations(&self, method: &str, params: &Value) -> Vec<String> {
        let (index, spec_params) = self.method(method);
        let names: Vec<&str> = spec_params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        let mut given: Vec<(String, Value)> = match params {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Value::Array(list) if list.len() <= names.len() => {
                list.iter().zip(&names).map(|(v, name)| ((*name).to_owned(), v.clone())).collect()
            }
            Value::Array(list) => {
                return vec![format!("{} params, at most {}", list.len(), names.len())];
            }
            Value::Null => Vec::new(),
            other => return vec![format!("params {other} are neither an array nor an object")],
        };
        let mut violations = Vec::new();
        for (position, spec_param) in spec_params.iter().enumerate() {
            let name = names[position];
            let Some(at) = given.iter().position(|(given_name, _)| given_name == name) else {
                if spec_param["required"] == true {
                    violations.push(format!("required param `{name}` missing"));
                }
                continue;
            };
            let (_, value) = given.remove(at);
            let validator = self.validator(&format!("/methods/{index}/params/{position}/schema"));
            for error in validator.iter_errors(&value) {
                violations.push(format!("`{name}` = {value}: {error}"));
            }
        }
        violations
            .extend(given.iter().map(|(name, _)| format!("param `{name}` is not in the spec")));
        violations
    }
}

/// `(method, params)` of each request, in order.
type Requests = Arc<Mutex<Vec<(String, Value)>>>;

/// Records every request the proxy forwards.
fn recorder() -> (Tamper, Requests) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let tamper: Tamper = Arc::new(move |method: &str, params: &Value, answer: Value| {
        log.lock().unwrap().push((method.to_owned(), params.clone()));
        Ok(answer)
    });
    (tamper, seen)
}

#[test]
fn the_checker_refuses_what_the_spec_does_not_allow() {
    let spec = Spec::load(SpecVersion::V0_9);
    let method = "starknet_getBlockWithTxs";
    assert!(spec.violations(method, &json!({ "block_id": { "block_number": 1 } })).is_empty());
    assert!(spec.violations(method, &json!([{ "block_number": 1 }])).is_empty());
    let flags = json!({ "block_id": "latest", "response_flags": ["INCLUDE_PROOF_FACTS"] });
    assert!(!spec.violations(method, &flags).is_empty(), "0.9 has no flags");
    assert!(Spec::load(SpecVersion::V0_10).violations(method, &flags).is_empty());
    assert!(!spec.violations(method, &json!({})).is_empty(), "block_id is required");
    assert!(!spec.violations(method, &json!({ "block_id": 7 })).is_empty(), "not a BLOCK_ID");
    let class = json!({ "block_id": "latest", "class_hash": "0x007" });
    assert!(!spec.violations("starknet_getClass", &class).is_empty(), "FELT has no leading 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_satisfies_the_spec_of_the_version_spoken() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    for version in SpecVersion::ALL {
        let spec = Spec::load(version);
        let proxy = Proxy::start(&format!("{}{}", devnet.url, version.path())).await;
        let (tamper, seen) = recorder();
        proxy.set_tamper(Some(tamper));

        // A sync's calls: the watcher's client, then the light client's.
        let client = SequencerClient::new(&proxy.url, Duration::from_secs(5)).unwrap();
        assert_eq!(client.spec_version().await.unwrap(), version);
        client.chain_id().await.unwrap();
        let head = client.block_number().await.unwrap();
        client.block_hash(head).await.unwrap();
        let genesis = FetchedBlock::fetch(&client, 0, |_| false).await.unwrap();
        assert!(!genesis.new_classes.is_empty(), "genesis declares classes: getClass is called");
        let light = light_client::sequencer::SequencerClient::new(&proxy.url).unwrap();
        light.chain_id().await.unwrap();
        light.block_with_tx_hashes(0).await.unwrap();

        let seen = seen.lock().unwrap().clone();
        let mut checked = BTreeSet::new();
        for (method, params) in &seen {
            let violations = spec.violations(method, params);
            assert!(
                violations.is_empty(),
                "spec {version}: {method} with params {params}: {violations:?}"
            );
            checked.insert(method.as_str());
        }
        // starknet_getCompiledCasm is in the executables document (its params are checked by
        // the unit test in `requests.rs`); the watcher calls it only when its compiler disagrees.
        for method in Request::METHODS.into_iter().filter(|m| *m != "starknet_getCompiledCasm") {
            assert!(checked.contains(method), "spec {version}: {method} was not checked");
        }
        // By name throughout, so optional params left out are absent on every server.
        let (_, params) = seen.iter().find(|(m, _)| m == "starknet_getBlockWithTxs").unwrap();
        let expected = match version {
            SpecVersion::V0_9 => json!({ "block_id": { "block_number": 0 } }),
            SpecVersion::V0_10 => json!({
                "block_id": { "block_number": 0 },
                "response_flags": ["INCLUDE_PROOF_FACTS"],
            }),
        };
        assert_eq!(params, &expected, "spec {version}");
    }
    devnet.stop().await;
}
