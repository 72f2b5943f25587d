//! The files the pages load, compiled into the binary: the stylesheet, the block page's
//! script, and the WebAssembly verifier with its wasm-bindgen glue (built by `build.rs` from
//! `crates/web-verifier`).

/// `(path under /assets/, content type, bytes)`.
const FILES: &[(&str, &str, &[u8])] = &[
    ("style.css", "text/css; charset=utf-8", include_bytes!("../../assets/style.css")),
    ("block.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/block.js")),
    (
        "web_verifier.js",
        "text/javascript; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/web-verifier/web_verifier.js")),
    ),
    (
        "web_verifier_bg.wasm",
        "application/wasm",
        include_bytes!(concat!(env!("OUT_DIR"), "/web-verifier/web_verifier_bg.wasm")),
    ),
];

/// Why this build has no in-browser verifier; empty when it has one (see `build.rs`).
pub const VERIFIER_MISSING: &str =
    include_str!(concat!(env!("OUT_DIR"), "/web-verifier/missing.txt"));

/// The asset at `/assets/{name}`: its content type and bytes.
pub fn get(name: &str) -> Option<(&'static str, &'static [u8])> {
    FILES
        .iter()
        .find(|(file, _, bytes)| *file == name && !bytes.is_empty())
        .map(|(_, content_type, bytes)| (*content_type, *bytes))
}

/// Size of the WebAssembly verifier in bytes (0 when not built).
pub fn verifier_size() -> usize {
    get("web_verifier_bg.wasm").map_or(0, |(_, bytes)| bytes.len())
}
