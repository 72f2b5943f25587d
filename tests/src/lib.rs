//! End-to-end test support: the real `watcher-prover` binary started as child processes
//! (devnet, `run`, `coordinator`, `worker`, `load`, `light-verify`) and talked to over plain
//! HTTP on loopback, independent of the service's own client code; and a TCP relay
//! ([`Relay`]) that switches or cuts an upstream (a reorg, an outage).
//!
//! The binary is the one cargo built next to the running test (`target/<profile>/`), or
//! `$WATCHER_PROVER_BIN`. `cargo test --workspace` builds it (the cli crate's tests need it);
//! `make test-e2e` builds it before this crate's tests.

mod relay;

pub use relay::Relay;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Where the `watcher-prover` binary is: `$WATCHER_PROVER_BIN`, else beside the test
/// executable's `deps/` directory (where cargo puts the binaries of the same build).
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WATCHER_PROVER_BIN") {
        return PathBuf::from(path);
    }
    let test = std::env::current_exe().expect("the test executable's path");
    let profile_dir = test.parent().and_then(Path::parent).expect("target/<profile>/deps/test");
    let path = profile_dir.join(format!("watcher-prover{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is not built: run `cargo test -p cli --no-run` first, or set WATCHER_PROVER_BIN",
        path.display()
    );
    path
}

/// The binary, with quiet logs.
pub fn bin() -> Command {
    let mut command = Command::new(binary());
    command.env("RUST_LOG", "warn,cairo_vm=off");
    command
}

/// Spawns `command` and returns it with the text after `prefix` on the first stdout line that
/// starts with it (the process's later lines are drained).
pub fn spawn_until(command: Command, prefix: &str) -> (Child, String) {
    let (child, lines) = spawn_lines(command);
    let found = line_after(&lines, prefix, 900);
    (child, found)
}

/// Spawns `command` with its stdout lines sent to the returned channel (read on a thread that
/// drains them all, so the child never blocks on a full pipe).
pub fn spawn_lines(mut command: Command) -> (Child, mpsc::Receiver<String>) {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    (child, receiver)
}

/// The text after `prefix` on the next line of `lines` that starts with it, within `seconds`.
pub fn line_after(lines: &mpsc::Receiver<String>, prefix: &str, seconds: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                if let Some(rest) = line.strip_prefix(prefix) {
                    return rest.trim().to_owned();
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("no line starting with {prefix:?} within {seconds} s")
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("the process ended without a line starting with {prefix:?}")
            }
        }
    }
}

/// Starts `watcher-prover devnet` (blocks every 400 ms, four accounts, chain data in `dir`);
/// returns it with its JSON-RPC URL.
pub fn start_devnet(dir: &Path) -> (Child, String) {
    start_devnet_with(dir, "400ms", &[])
}

/// [`start_devnet`] with another block time and `extra` flags (`--seed 1`: another genesis,
/// another chain).
pub fn start_devnet_with(dir: &Path, block_time: &str, extra: &[&str]) -> (Child, String) {
    let mut command = bin();
    command
        .args(["devnet", "--rpc-addr", "127.0.0.1:0", "--block-time", block_time])
        .args(["--accounts", "4"])
        .args(extra)
        .arg("--data-dir")
        .arg(dir);
    let (child, rest) = spawn_until(command, "JSON-RPC");
    let url = rest.split(" on ").nth(1).expect("devnet prints its RPC address").to_owned();
    (child, url)
}

/// A JSON-RPC call over a plain HTTP/1.0 POST (independent of the service's own client code).
pub fn rpc(url: &str, method: &str, params: Value) -> Value {
    let addr = url.trim_start_matches("http://");
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
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

pub fn wait_until(seconds: u64, what: &str, condition: impl FnMut() -> bool) {
    wait_until_or(seconds, what, condition, String::new);
}

/// [`wait_until`], and on timeout the panic message adds what `explain` says of the state then.
pub fn wait_until_or(
    seconds: u64,
    what: &str,
    mut condition: impl FnMut() -> bool,
    explain: impl Fn() -> String,
) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}: {}", explain());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits up to `seconds` for `child` to exit by itself; its exit status.
pub fn wait_exit(child: &mut Child, seconds: u64, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "{what} still running after {seconds} s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Stops `child` with SIGTERM and asserts that it exits cleanly within a minute.
pub fn terminate(mut child: Child, what: &str) {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{what} exited with {status}");
            return;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("{what} did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts `watcher-prover run` on `rpc_url` (test preset, one worker, API on a free port) with
/// `extra` flags; returns it with the API's address.
pub fn start_service(rpc_url: &str, data_dir: &Path, extra: &[&str]) -> (Child, String) {
    let mut command = bin();
    command
        .args(["run", "--rpc-url", rpc_url, "--api-addr", "127.0.0.1:0", "--security", "test"])
        .args(["--workers", "1", "--poll-interval", "100ms"])
        .args(extra)
        .arg("--data-dir")
        .arg(data_dir);
    spawn_until(command, "query API on ")
}

/// Runs `watcher-prover load` against `rpc_url` (`tps`, `duration`, `mix`, the devnet's four
/// accounts), asserts that it succeeded, and returns the devnet's head after it.
pub fn send_load(rpc_url: &str, tps: &str, duration: &str, mix: &str) -> u64 {
    send_load_seeded(rpc_url, tps, duration, mix, 0)
}

/// [`send_load`] to a devnet started with `--seed seed`.
pub fn send_load_seeded(rpc_url: &str, tps: &str, duration: &str, mix: &str, seed: u64) -> u64 {
    let load = bin()
        .args(["load", "--rpc-url", rpc_url, "--tps", tps, "--duration", duration])
        .args(["--accounts", "4", "--mix", mix, "--seed", &seed.to_string()])
        .output()
        .unwrap();
    assert!(load.status.success(), "load: {}", String::from_utf8_lossy(&load.stderr));
    rpc(rpc_url, "starknet_blockNumber", json!([]))["result"].as_u64().unwrap()
}

/// `GET path` over plain HTTP/1.0: the status code and the body.
pub fn http_get(url: &str, path: &str) -> (u16, String) {
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split_whitespace().nth(1).and_then(|code| code.parse().ok());
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned());
    (status.expect("an HTTP status"), body.unwrap_or_default())
}

/// Peak resident memory of a running process, in bytes (`VmHWM` of `/proc/PID/status`).
pub fn peak_rss_bytes(child: &Child) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let line = status.lines().find(|line| line.starts_with("VmHWM:")).expect("VmHWM");
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// A Sierra class compiled by the official Cairo compiler, from the test data that the
/// `cairo-lang-starknet` crate (a dependency of blockifier, fetched by cargo with this
/// workspace) ships: `name` is a file stem of its `test_data/`, e.g.
/// `hello_starknet__hello_starknet`. Returns the `.contract_class.json` and, if shipped, the
/// `.compiled_contract_class.json` the compiler wrote beside it.
pub fn cairo_lang_test_class(name: &str) -> (String, Option<String>) {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata --offline needs every package of Cargo.lock (run `cargo fetch`): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata JSON");
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "cairo-lang-starknet"))
        .and_then(|package| package["manifest_path"].as_str())
        .expect("cairo-lang-starknet is in the dependency graph")
        .to_owned();
    let dir = Path::new(&manifest).parent().expect("a crate directory").join("test_data");
    let sierra = std::fs::read_to_string(dir.join(format!("{name}.contract_class.json")))
        .expect("the crate ships the class");
    let casm =
        std::fs::read_to_string(dir.join(format!("{name}.compiled_contract_class.json"))).ok();
    (sierra, casm)
}
