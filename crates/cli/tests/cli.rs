//! The binary's contract: `prove` writes a proof that `verify` accepts with exit 0 and JSON
//! output; invalid proofs exit 1 with a one-line reason; unusable input exits 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watcher-prover"));
    c.env("RUST_LOG", "warn");
    c
}

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../cairo-air/programs/{name}.json"))
}

fn run(c: &mut Command) -> Output {
    c.output().expect("binary runs")
}

fn prove(dir: &Path, security: &str) -> PathBuf {
    let input = dir.join("input.json");
    std::fs::write(&input, r#"{"n": 20}"#).unwrap();
    let out = dir.join(format!("fib-{security}.proof"));
    let o = run(bin()
        .args(["prove", "--program"])
        .arg(program("fibonacci"))
        .arg("--input")
        .arg(&input)
        .args(["--security", security, "--out"])
        .arg(&out));
    assert!(o.status.success(), "prove failed: {}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn prove_then_verify_prints_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let proof = prove(dir.path(), "standard");
    let o = run(bin().arg("verify").arg(&proof).arg("--program").arg(program("fibonacci")));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["valid"], true);
    // fib(1, 1, 20) = 10946 = 0x2ac2.
    assert_eq!(report["output"], serde_json::json!(["0x14", "0x2ac2"]));
    assert_eq!(report["security_bits"], 100);
}

#[test]
fn invalid_proofs_exit_1_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let proof = prove(dir.path(), "standard");
    // Another program.
    let o = run(bin().arg("verify").arg(&proof).arg("--program").arg(program("factorial")));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim().lines().count(), 1);
    // A flipped byte in the body.
    let mut bytes = std::fs::read(&proof).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    let bad = dir.path().join("bad.proof");
    std::fs::write(&bad, &bytes).unwrap();
    assert_eq!(run(bin().arg("verify").arg(&bad)).status.code(), Some(1));
    // A test proof under the default policy, then accepted when the policy allows it.
    let weak = prove(dir.path(), "test");
    assert_eq!(run(bin().arg("verify").arg(&weak)).status.code(), Some(1));
    assert_eq!(
        run(bin().arg("verify").arg(&weak).args(["--min-security", "0"])).status.code(),
        Some(0)
    );
}

#[test]
fn unusable_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run(bin().arg("verify").arg(dir.path().join("missing.proof"))).status.code(),
        Some(2)
    );
    let junk = dir.path().join("junk.proof");
    std::fs::write(&junk, b"hello").unwrap();
    assert_eq!(run(bin().arg("verify").arg(&junk)).status.code(), Some(2));
    // A program using a builtin the prover does not support is refused, naming it.
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(program("fibonacci")).unwrap()).unwrap();
    json["builtins"] = serde_json::json!(["output", "segment_arena"]);
    let unknown = dir.path().join("segment_arena.json");
    std::fs::write(&unknown, serde_json::to_vec(&json).unwrap()).unwrap();
    let o = run(bin()
        .args(["prove", "--program"])
        .arg(&unknown)
        .arg("--out")
        .arg(dir.path().join("x.proof")));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("segment_arena"));
}

#[test]
fn builtin_programs_prove_and_verify_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(&input, r#"{"n": 4}"#).unwrap();
    for name in ["range_checks", "poseidon_hashes", "bitwise_ops", "ec_ops", "mod_ops"] {
        let out = dir.path().join(format!("{name}.proof"));
        let o = run(bin()
            .args(["prove", "--program"])
            .arg(program(name))
            .arg("--input")
            .arg(&input)
            .args(["--security", "test", "--out"])
            .arg(&out));
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let o = run(bin().arg("verify").arg(&out).args(["--min-security", "0"]));
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn bench_proves_the_keccak_workload() {
    // One permutation in the chain and five more (the zero state's, keccak256 of three inputs):
    // six instances of 16 cells in a keccak table of eight (256 rows).
    let o = run(bin().args(["bench", "--workload", "keccak", "--n", "1"]).args([
        "--security",
        "test",
        "--verify-runs",
        "1",
    ]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["workload"], "keccak");
    assert_eq!(report["builtin_cells"]["keccak"], 6 * 16, "{report}");
    let tables = report["tables"].as_array().unwrap();
    let keccak = tables.iter().find(|t| t["table"] == "keccak").expect("a keccak table");
    assert_eq!(keccak["rows"], 8 * 32, "{report}");
}

#[test]
fn pedersen_program_proves_and_other_builtins_stay_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(&input, r#"{"n": 3}"#).unwrap();
    let out = dir.path().join("pedersen.proof");
    let o = run(bin()
        .args(["prove", "--program"])
        .arg(program("pedersen_hashes"))
        .arg("--input")
        .arg(&input)
        .args(["--security", "test", "--out"])
        .arg(&out));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(bin().arg("verify").arg(&out).args(["--min-security", "0"]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The chain and six edge-value hashes.
    let output: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(output["output"].as_array().map(Vec::len), Some(7), "{output}");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(program("pedersen_hashes")).unwrap()).unwrap();
    // A builtin the prover does not know is refused with exit 2, named (and only it).
    json["builtins"] = serde_json::json!(["output", "pedersen", "segment_arena"]);
    let path = dir.path().join("segment_arena.json");
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    let o = run(bin()
        .args(["prove", "--program"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("x.proof")));
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("segment_arena") && !stderr.contains("pedersen"), "{stderr}");
}

#[test]
fn light_verify_exits_2_when_an_endpoint_is_unusable() {
    // Nothing listens on port 9 of loopback (discard): the API cannot be reached.
    let light_verify = |extra: &[&str]| {
        let endpoints = ["--api-url", "http://127.0.0.1:9", "--rpc-url", "http://127.0.0.1:9"];
        run(bin().arg("light-verify").args(endpoints).args(["--block", "1"]).args(extra))
    };
    let o = light_verify(&["--os-hash", "0x1234"]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let o = light_verify(&["--os-hash", "not-hex"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--os-hash"));
    // Without --os-hash the bundled OS program's hash is pinned: the run gets as far as the
    // unreachable API.
    let o = light_verify(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("--os-hash"));
}

/// `verify --program P` refuses a proof of P's bytecode under another builtin list (one
/// builtin fewer, one more, reordered), naming both lists; `verify --os` refuses it too.
#[test]
fn verify_refuses_the_same_bytecode_with_another_builtin_list() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(&input, r#"{"n": 3}"#).unwrap();
    let proof = dir.path().join("range_checks.proof");
    let o = run(bin()
        .args(["prove", "--program"])
        .arg(program("range_checks"))
        .arg("--input")
        .arg(&input)
        .args(["--security", "test", "--out"])
        .arg(&proof));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let verify = |program: &Path| {
        run(bin()
            .arg("verify")
            .arg(&proof)
            .arg("--program")
            .arg(program)
            .args(["--min-security", "0"]))
    };
    assert_eq!(verify(&program("range_checks")).status.code(), Some(0));

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(program("range_checks")).unwrap()).unwrap();
    for builtins in
        [vec!["output"], vec!["output", "range_check", "bitwise"], vec!["range_check", "output"]]
    {
        let mut edited = json.clone();
        edited["builtins"] = serde_json::json!(builtins);
        let path = dir.path().join(format!("{}.json", builtins.join("-")));
        std::fs::write(&path, serde_json::to_vec(&edited).unwrap()).unwrap();
        let o = verify(&path);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{builtins:?}: {stderr}");
        assert!(
            stderr.contains("the proof is for builtins [output, range_check]"),
            "{builtins:?}: {stderr}"
        );
    }
    let o = run(bin().arg("verify").arg(&proof).args(["--os", "--min-security", "0"]));
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
}
