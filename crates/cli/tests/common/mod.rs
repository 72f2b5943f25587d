//! What the binary's tests share: running `watcher-prover` subcommands as child processes and
//! talking to them over plain HTTP (independent of the service's own client code).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The binary, with quiet logs.
pub fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_watcher-prover"));
    command.env("RUST_LOG", "warn,cairo_vm=off");
    command
}

/// Spawns `command` and returns it with the text after `prefix` on the first stdout line that
/// starts with it.
pub fn spawn_until(mut command: Command, prefix: &str) -> (Child, String) {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let found = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix(prefix).map(|rest| rest.trim().to_owned()));
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, found.unwrap_or_else(|| panic!("no line starting with {prefix:?}")))
}

pub fn start_devnet(dir: &Path) -> (Child, String) {
    let mut command = bin();
    command
        .args(["devnet", "--rpc-addr", "127.0.0.1:0", "--block-time", "400ms", "--accounts", "4"])
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
    let load = bin()
        .args(["load", "--rpc-url", rpc_url, "--tps", tps, "--duration", duration])
        .args(["--accounts", "4", "--mix", mix])
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
