//! The devnet commands end to end through the binary: `devnet` on a free loopback port,
//! `load` sends signed transactions that are all accepted, `declare` registers a new class,
//! and SIGTERM stops the node cleanly; a restart on the same data directory keeps the chain.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watcher-prover"));
    c.env("RUST_LOG", "warn");
    c
}

/// Starts a devnet on a free port and returns it with its RPC URL.
fn start_devnet(data_dir: &Path) -> (Child, String) {
    let mut child = bin()
        .args(["devnet", "--rpc-addr", "127.0.0.1:0", "--block-time", "500ms", "--accounts", "4"])
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("devnet starts");
    let stdout = child.stdout.take().unwrap();
    let mut url = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.split(" on ").nth(1).filter(|_| line.starts_with("JSON-RPC")) {
            url = Some(rest.trim().to_string());
            break;
        }
    }
    (child, url.expect("devnet prints its RPC address"))
}

fn terminate(mut child: Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "devnet exited with {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().ok();
    panic!("devnet did not stop on SIGTERM within 10 s");
}

/// Calls a parameterless JSON-RPC method.
fn rpc(url: &str, method: &str) -> serde_json::Value {
    // A plain HTTP/1.0 POST over std TCP, read to the end: independent of the node's own
    // client code.
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":[]}}"#);
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST / HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let json = response.split("\r\n\r\n").nth(1).expect("HTTP body");
    serde_json::from_str(json).expect("JSON-RPC response")
}

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

    let height = rpc(&url, "starknet_blockNumber")["result"].as_u64().expect("block number");
    assert!(height >= 1);
    terminate(devnet);

    // The chain survives a restart on the same data directory.
    let (devnet, url) = start_devnet(dir.path());
    let after = rpc(&url, "starknet_blockNumber")["result"].as_u64().unwrap();
    assert!(after >= height, "restart lost blocks: {after} < {height}");
    terminate(devnet);
}
