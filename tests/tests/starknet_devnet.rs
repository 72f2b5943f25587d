//! Proving another sequencer's chain, end to end across the binaries: starknet-devnet (0.10.1, a
//! sequencer we did not write: `STARKNET_DEVNET` names its binary) with its predeployed Cairo 1
//! accounts, STRK token and UDC; starknet.py 0.30 drives it (the client session of
//! `tests/clients/starknet-py/session.py`: a DECLARE v3 of a Cairo 1 class, its deployment
//! through the UDC, an invoke with an estimated fee, an ERC-20 transfer, a DEPLOY_ACCOUNT v3 and
//! a reverted transaction), then empty blocks up to 11 (`devnet_createBlock`: blocks from 10 on
//! store a block hash at address 1). `watcher-prover run --sequencer-flavor starknet-devnet
//! --fee-token STRK` follows it from genesis: every block is replayed without divergence and
//! every block but genesis proven; `watcher-prover light-verify` then verifies every proof and
//! binds it to starknet-devnet's headers, each state root anchoring the next (starknet-devnet
//! publishes none: the genesis root the watcher computed is the trusted anchor).
//!
//! A block with transactions takes about 16 GB and 2.5 minutes to prove at test security on 2
//! cores (`--max-prove-memory 20GiB`): `scripts/starknet-devnet.sh` installs starknet-devnet
//! and the starknet.py venv and runs this test (`make test-e2e`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use e2e::{bin, cairo_lang_test_class, http_get, rpc, start_service, terminate, wait_until};
use serde_json::{Value, json};

/// starknet-devnet's STRK ERC-20 (Starknet's address): its v3 transactions pay fees in it.
const STRK: &str = "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d";
/// starknet-devnet's Cairo 1 Universal Deployer (Starknet's address).
const UDC: &str = "0x02ceed65a4bd731034c01113685c831b01c15d7d432f71afb1cf1634b53a2125";

/// starknet-devnet on a free port (`--seed 0`, three predeployed accounts), once it answers.
fn starknet_devnet(binary: &Path) -> (Child, String) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(binary)
        .args(["--seed", "0", "--accounts", "3", "--host", "127.0.0.1"])
        // The watcher reads the predeployed state at block 0 after later blocks exist.
        .args(["--state-archive-capacity", "full"])
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("{}: {error}", binary.display()));
    let url = format!("http://127.0.0.1:{port}");
    wait_until(60, "starknet-devnet to answer", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && rpc(&url, "starknet_chainId", json!([])).get("result").is_some()
    });
    (child, url)
}

/// The repository's root (this crate is `tests/`).
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Runs the starknet.py session against `url` and prints its steps.
fn starknet_py_session(url: &str, dir: &Path) {
    let python = repository().join("tests/clients/starknet-py/.venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: scripts/starknet-devnet.sh (or scripts/client-sessions.sh) makes it",
        python.display()
    );
    let (sierra, casm) = cairo_lang_test_class("hello_starknet__hello_starknet");
    let (sierra_path, casm_path) = (dir.join("hello.sierra.json"), dir.join("hello.casm.json"));
    std::fs::write(&sierra_path, sierra).unwrap();
    std::fs::write(&casm_path, casm.expect("the crate ships the CASM")).unwrap();
    let output = Command::new(python)
        .arg(repository().join("tests/clients/starknet-py/session.py"))
        .args([url.as_ref(), sierra_path.as_os_str(), casm_path.as_os_str()])
        .args([STRK, UDC])
        .output()
        .unwrap();
    println!("{}", String::from_utf8_lossy(&output.stdout));
    assert!(output.status.success(), "starknet.py: {}", String::from_utf8_lossy(&output.stderr));
}

fn head(url: &str) -> u64 {
    rpc(url, "starknet_blockNumber", json!([]))["result"].as_u64().unwrap()
}

fn proof_status(api: &str, number: u64) -> Value {
    rpc(api, "prover_getProofStatus", json!([number]))["result"].clone()
}

/// A counter of the service's Prometheus metrics.
fn metric(api: &str, name: &str) -> f64 {
    let (status, body) = http_get(api, "/metrics");
    assert_eq!(status, 200, "{body}");
    let line = body.lines().find(|line| line.starts_with(name)).unwrap_or_else(|| panic!("{name}"));
    line.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
#[ignore = "needs starknet-devnet and tens of minutes of proving: scripts/starknet-devnet.sh"]
fn starknet_devnet_driven_by_starknet_py_is_proven_and_light_verified() {
    let binary = PathBuf::from(std::env::var_os("STARKNET_DEVNET").expect(
        "STARKNET_DEVNET names the starknet-devnet binary (scripts/starknet-devnet.sh installs it)",
    ));
    let dir = tempfile::tempdir().unwrap();
    let (devnet, url) = starknet_devnet(&binary);
    let (service, api) = start_service(
        &url,
        &dir.path().join("watcher"),
        // From genesis: its job records the root the light client anchors on.
        &["--sequencer-flavor", "starknet-devnet", "--fee-token", STRK, "--from-block", "0"]
            .into_iter()
            .chain(["--max-prove-memory", "20GiB"])
            .collect::<Vec<_>>(),
    );

    starknet_py_session(&url, dir.path());
    while head(&url) < 11 {
        rpc(&url, "devnet_createBlock", json!([]));
    }
    let head = head(&url);
    println!("starknet-devnet's head: block {head}");

    wait_until(3600, "every block but genesis proven", || {
        (1..=head).all(|number| proof_status(&api, number)["status"] == "proven")
    });
    for number in 0..=head {
        println!("block {number}: {}", proof_status(&api, number));
    }
    // Genesis is the chain's definition (the predeployed state): replayed, not proven.
    assert_ne!(proof_status(&api, 0)["status"], "proven");
    assert_eq!(metric(&api, "watcher_prover_divergent_blocks_total"), 0.0);

    // Every proof verified and bound to starknet-devnet's headers, from the genesis root the
    // watcher computed (starknet-devnet reports 0).
    let genesis = rpc(&api, "prover_getStateRoot", json!([0]))["result"].clone();
    let genesis_root = genesis["state_root"].as_str().unwrap().to_owned();
    let output = bin()
        .args(["light-verify", "--api-url", &api, "--rpc-url", &url, "--block", "1"])
        .args(["--to", &head.to_string(), "--min-security", "0"])
        .args(["--previous-root", &genesis_root, "--fee-token", STRK])
        .output()
        .unwrap();
    assert!(output.status.success(), "light-verify: {}", String::from_utf8_lossy(&output.stderr));
    let verified: Value = serde_json::from_slice(&output.stdout).expect("a JSON array");
    let verified = verified.as_array().expect("one entry per block");
    assert_eq!(verified.len() as u64, head, "{verified:?}");
    println!(
        "light-verify: blocks 1 to {head} verified, the last: {}",
        verified[verified.len() - 1]
    );

    terminate(service, "watcher-prover run");
    // starknet-devnet ends on SIGTERM with that signal as its status, not 0: killed, not judged.
    let mut devnet = devnet;
    devnet.kill().ok();
    devnet.wait().ok();
}
