//! Builds the browser's verifier that the block pages load: compiles `crates/web-verifier` for
//! `wasm32-unknown-unknown` (profile `web`, in `<target>/wasm-verifier`, so the outer build's
//! lock is not in the way) and generates its JavaScript glue with wasm-bindgen, into
//! `OUT_DIR/web-verifier/`, which `src/web/assets.rs` embeds.
//!
//! Without the wasm32 target (`rustup target add wasm32-unknown-unknown`), or with
//! `WATCHER_PROVER_WEB_VERIFIER=skip`, the API is built without it: a warning here, and the
//! block pages say why they cannot verify.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "web";
const SKIP_VAR: &str = "WATCHER_PROVER_WEB_VERIFIER";

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.parent().and_then(Path::parent).expect("crates/api");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    for input in [
        "crates/web-verifier",
        "crates/light-client/src",
        "crates/light-client/Cargo.toml",
        "crates/cairo-air/src",
        "crates/cairo-air/Cargo.toml",
        "crates/stark/src",
        "crates/stark/Cargo.toml",
        "crates/chain/src",
        "crates/chain/Cargo.toml",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(input).display());
    }
    println!("cargo:rerun-if-env-changed={SKIP_VAR}");

    let assets = out_dir.join("web-verifier");
    fs::create_dir_all(&assets).expect("OUT_DIR is writable");
    let missing = match build(workspace, &out_dir, &assets) {
        Ok(()) => String::new(),
        Err(reason) => {
            println!("cargo:warning=the block pages' in-browser verifier is not built: {reason}");
            fs::write(assets.join("web_verifier.js"), b"").expect("OUT_DIR is writable");
            fs::write(assets.join("web_verifier_bg.wasm"), b"").expect("OUT_DIR is writable");
            reason
        }
    };
    fs::write(assets.join("missing.txt"), missing).expect("OUT_DIR is writable");
}

fn build(workspace: &Path, out_dir: &Path, assets: &Path) -> Result<(), String> {
    if env::var(SKIP_VAR).is_ok_and(|value| value == "skip") {
        return Err(format!("{SKIP_VAR}=skip was set when this binary was built"));
    }
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|error| format!("rustc --print sysroot: {error}"))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let target_lib = sysroot.join("lib/rustlib").join(TARGET).join("lib");
    // Installing the target later reruns this script (a missing path reruns it every build).
    println!("cargo:rerun-if-changed={}", target_lib.display());
    if !target_lib.is_dir() {
        return Err(format!(
            "the {TARGET} target is not installed (rustup target add {TARGET}), then rebuild"
        ));
    }

    // OUT_DIR is <target>/<profile>/build/api-<hash>/out: keep the wasm build beside it, shared
    // by every profile of the outer build.
    let target_dir = out_dir.ancestors().nth(4).unwrap_or(out_dir).join("wasm-verifier");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["build", "--package", "web-verifier", "--lib", "--target", TARGET])
        .args(["--profile", PROFILE, "--target-dir"])
        .arg(&target_dir);
    // The outer build's flags are for the host (and clippy's wrapper for checking, not
    // building): none of them belongs to this build.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_TARGET_DIR",
    ] {
        command.env_remove(var);
    }
    let status = command.status().map_err(|error| format!("cargo build for {TARGET}: {error}"))?;
    if !status.success() {
        return Err(format!("cargo build --package web-verifier --target {TARGET} failed"));
    }
    let wasm = target_dir.join(TARGET).join(PROFILE).join("web_verifier.wasm");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)
        .and_then(|bindgen| bindgen.typescript(false).generate(assets))
        .map_err(|error| format!("wasm-bindgen on {}: {error:#}", wasm.display()))
}
