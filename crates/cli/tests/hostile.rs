//! Issue 13's fault suite against the real binaries (`watcher-prover devnet`, `load` and `run`
//! as child processes, over loopback): a request body far over the devnet's limit is refused
//! with a clear error and the devnet keeps serving; blocks over the prover's budget
//! (`--max-prove-memory 1MiB`: every block) are parked `failed` with the reason while the
//! service stays up, keeps settling later blocks and stays within a bounded memory; liveness
//! holds throughout. Divergence healing, storage faults and the step and class limits have
//! their own tests in `crates/watcher/tests` and `crates/sequencer/tests` (README, Limits).

use std::io::{Read, Write};
use std::path::Path;

use e2e::*;
use serde_json::json;

/// POSTs a body of `size` bytes of JSON to `url`; returns the HTTP status and the body.
fn post_large(url: &str, size: usize) -> (u16, String) {
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let padding = "0".repeat(size);
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"starknet_blockNumber","params":[],"pad":"{padding}"}}"#
    );
    let head = format!(
        "POST / HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer and close before reading it all.
    let _ = stream.write_all(body.as_bytes());
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response.split_whitespace().nth(1).and_then(|code| code.parse().ok());
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned());
    (status.unwrap_or(0), body.unwrap_or_default())
}

#[test]
fn hostile_requests_and_blocks_over_budget_leave_the_services_up() {
    let dir = tempfile::tempdir().unwrap();
    let (devnet, rpc_url) = start_devnet(&dir.path().join("devnet"));

    // Row 4: a 16 MiB body, twice the devnet's largest (a DECLARE's), is refused at once.
    let (status, body) = post_large(&rpc_url, 16 << 20);
    assert!(
        status == 413 || body.contains("-32007") || body.contains("too big"),
        "status {status}: {body:.200}"
    );
    let head = rpc(&rpc_url, "starknet_blockNumber", json!([]));
    assert!(head["result"].is_u64(), "the devnet still serves: {head}");

    let head = send_load(&rpc_url, "10", "2s", "fib,erc20");

    // Rows 1 and 2: every block is over a 1 MiB budget.
    let (service, api) =
        start_service(&rpc_url, &dir.path().join("service"), &["--max-prove-memory", "1MiB"]);
    let status =
        |number: u64| rpc(&api, "prover_getProofStatus", json!([number]))["result"].clone();
    wait_until(120, "every block settled", || (1..=head).all(|n| status(n)["status"] == "failed"));
    for number in 1..=head {
        let reason = status(number)["reason"].as_str().unwrap_or_default().to_owned();
        assert!(reason.contains("over the prover's budget"), "block {number}: {reason}");
    }
    // Row 5: the query API refuses a body over its 16 MiB limit before reading it.
    let (status, body) = post_large(&api, 20 << 20);
    assert!(
        status == 413 || body.contains("-32007") || body.contains("too big"),
        "status {status}: {body:.200}"
    );
    let (live, _) = http_get(&api, "/livez");
    assert_eq!(live, 200);
    let (ready, health) = http_get(&api, "/health");
    assert_eq!(ready, 200, "{health}");
    // Nothing was proven: the peak stays that of replay and the API, far below a proof's.
    let peak = peak_rss_bytes(&service);
    assert!(peak < 1 << 30, "peak RSS {peak} bytes");
    terminate(service, "watcher-prover run");
    terminate(devnet, "devnet");
}

/// Row 1: a DECLARE of a class with 20,000 extra program words (within Starknet's class limits,
/// so the devnet accepts it) makes the OS hash 20,000 more words with Pedersen, over the
/// service's 2 GiB budget (the prover's estimate is several GB: 64 pedersen rows a hash, 2^21
/// rows for the words alone): the block is parked `failed` over budget before any proving,
/// the service's memory stays bounded, and the next block (a transfer, a few hundred MB) is
/// proven.
#[test]
fn a_declare_too_costly_to_prove_is_parked_and_the_next_block_is_proven() {
    let dir = tempfile::tempdir().unwrap();
    let (devnet, rpc_url) = start_devnet(&dir.path().join("devnet"));
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../executor/tests/fixtures/syscalls.json");
    let mut class: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    let data = class["program"]["data"].as_array_mut().unwrap();
    data.extend(std::iter::repeat_n(json!("0x0"), 20_000));
    let padded = dir.path().join("padded.json");
    std::fs::write(&padded, serde_json::to_vec(&class).unwrap()).unwrap();
    let declared =
        bin().arg("declare").arg(&padded).args(["--rpc-url", &rpc_url]).output().unwrap();
    assert!(declared.status.success(), "declare: {}", String::from_utf8_lossy(&declared.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&declared.stdout).unwrap();
    let declare_block = summary["status"]["block_number"].as_u64().expect("the declare's block");

    // A budget that a transfer block fits in and a 20,000-Pedersen block does not.
    let (service, api) =
        start_service(&rpc_url, &dir.path().join("service"), &["--max-prove-memory", "2GiB"]);
    let status =
        |number: u64| rpc(&api, "prover_getProofStatus", json!([number]))["result"].clone();
    let blocks = |to: u64| {
        let statuses = (0..=to).map(|n| format!("{n}: {}", status(n)));
        statuses.collect::<Vec<_>>().join("; ")
    };
    wait_until_or(
        300,
        "the declare block settled",
        || status(declare_block)["status"] == "failed",
        || blocks(declare_block),
    );
    let reason = status(declare_block)["reason"].as_str().unwrap_or_default().to_owned();
    assert!(reason.contains("over the prover's budget"), "{reason}");

    let head = send_load(&rpc_url, "2", "1s", "erc20");
    wait_until_or(
        300,
        "the blocks after it proven",
        || (declare_block + 1..=head).all(|n| status(n)["status"] == "proven"),
        || blocks(head),
    );
    let peak = peak_rss_bytes(&service);
    assert!(peak < 4 << 30, "peak RSS {peak} bytes");
    terminate(service, "watcher-prover run");
    terminate(devnet, "devnet");
}
