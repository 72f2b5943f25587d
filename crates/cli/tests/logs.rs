//! The binary's logs on stderr: no colour codes when stderr is not a terminal (a file, a pipe,
//! a log collector), and `--log-format json` writes one JSON object per line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../cairo-air/programs/{name}.json"))
}

/// A small proof at `test` security with every log line let through; `Command::output` pipes
/// stderr, so it is not a terminal.
fn prove_with_logs(dir: &Path, extra: &[&str]) -> Output {
    let input = dir.join("input.json");
    std::fs::write(&input, r#"{"n": 20}"#).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_watcher-prover"))
        .env("RUST_LOG", "debug")
        .env_remove("WATCHER_PROVER_LOG_FORMAT")
        .args(extra)
        .args(["prove", "--program"])
        .arg(program("fibonacci"))
        .arg("--input")
        .arg(&input)
        .args(["--security", "test", "--out"])
        .arg(dir.join("fib.proof"))
        .output()
        .expect("binary runs");
    assert!(o.status.success(), "prove failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn logs_to_a_pipe_have_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let o = prove_with_logs(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("cairo-vm run done"), "no log line to check: {stderr}");
    assert!(!stderr.contains("\x1b["), "colour codes in piped logs: {stderr:?}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = prove_with_logs(dir.path(), &["--log-format", "json"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"))
        })
        .collect();
    assert!(!stderr.contains("\x1b["), "colour codes in JSON logs: {stderr:?}");
    let run_done = lines
        .iter()
        .find(|line| line["fields"]["message"] == "cairo-vm run done")
        .unwrap_or_else(|| panic!("no `cairo-vm run done` line: {stderr}"));
    assert_eq!(run_done["level"], "INFO");
    assert!(run_done["fields"]["steps"].is_u64(), "{run_done}");
}
