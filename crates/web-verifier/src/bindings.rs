//! The JavaScript interface (`wasm-bindgen`): what the block page's script calls.
//!
//! ```js
//! import init, { verify_block, pinned_os_program_hash } from "/assets/web_verifier.js";
//! await init();
//! const report = JSON.parse(verify_block(proofBytes, headerJson, parentJson, chainId, null));
//! // report.verdict: "verified" | "rejected"; see `Report`.
//! ```

use wasm_bindgen::prelude::wasm_bindgen;

use crate::check::check_block;
use crate::pinned::{MIN_SECURITY_BITS, PINNED_OS_PROGRAM_HASH};

/// [`check_block`] for JavaScript: the [`Report`](crate::Report) as JSON. `parent_json` is
/// `null` for genesis, `trusted_previous_root` `null` when the caller has none.
#[wasm_bindgen]
pub fn verify_block(
    proof: &[u8],
    header_json: &str,
    parent_json: Option<String>,
    chain_id: &str,
    trusted_previous_root: Option<String>,
) -> String {
    let report = check_block(
        proof,
        header_json,
        parent_json.as_deref(),
        chain_id,
        trusted_previous_root.as_deref(),
    );
    serde_json::to_string(&report).expect("a report serializes")
}

/// The OS program hash compiled into this verifier.
#[wasm_bindgen]
pub fn pinned_os_program_hash() -> String {
    PINNED_OS_PROGRAM_HASH.to_owned()
}

/// The minimum security compiled into this verifier.
#[wasm_bindgen]
pub fn min_security_bits() -> u32 {
    MIN_SECURITY_BITS
}
