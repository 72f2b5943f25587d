//! The devnet commands end to end through the binary: `devnet` on a free loopback port,
//! `load` sends signed transactions that are all accepted, `declare` registers a new Cairo 0
//! class and a Sierra class,
//! and SIGTERM stops the node cleanly; a restart on the same data directory keeps the chain.

use std::path::Path;

use e2e::{bin, rpc, start_devnet, terminate};
use serde_json::json;

#[test]
fn devnet_load_declare_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (devnet, url) = start_devnet(dir.path());

    let out = bin()
        .args(["load", "--rpc-url", &url, "--tps", "20", "--duration", "3s", "--accounts", "4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "load: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("load prints JSON");
    assert!(report["accepted"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(report["failed"], 0, "{report}");

    let class =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../executor/tests/fixtures/syscalls.json");
    let out = bin().arg("declare").arg(&class).args(["--rpc-url", &url]).output().unwrap();
    assert!(out.status.success(), "declare: {}", String::from_utf8_lossy(&out.stderr));
    // Declaring it again is refused (the class exists).
    let again = bin().arg("declare").arg(&class).args(["--rpc-url", &url]).output().unwrap();
    assert!(!again.status.success());

    // A Sierra class (DECLARE v3), as the Cairo compiler writes it.
    let (sierra, _) = e2e::cairo_lang_test_class("hello_starknet__hello_starknet");
    let sierra_path = dir.path().join("hello.contract_class.json");
    std::fs::write(&sierra_path, sierra).unwrap();
    let out = bin().arg("declare").arg(&sierra_path).args(["--rpc-url", &url]).output().unwrap();
    assert!(out.status.success(), "declare v3: {}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["status"]["execution_status"], "SUCCEEDED", "{summary}");
    let served = rpc(&url, "starknet_getClass", json!(["latest", summary["class_hash"]]));
    assert!(served["result"]["sierra_program"].is_array(), "{served}");

    let height =
        rpc(&url, "starknet_blockNumber", json!([]))["result"].as_u64().expect("block number");
    assert!(height >= 1);
    terminate(devnet, "devnet");

    // The chain survives a restart on the same data directory.
    let (devnet, url) = start_devnet(dir.path());
    let after = rpc(&url, "starknet_blockNumber", json!([]))["result"].as_u64().unwrap();
    assert!(after >= height, "restart lost blocks: {after} < {height}");
    terminate(devnet, "devnet");
}
