//! The per-method request size limit: the HTTP server takes bodies up to the DECLARE limit
//! (`max_declare_request_bytes`, HTTP 413 beyond), and every method except those that carry a
//! class refuses `params` over `max_request_bytes` with jsonrpsee's own "Request is too big"
//! (-32007) before parsing them.

use jsonrpsee::types::error::{OVERSIZED_REQUEST_CODE, OVERSIZED_REQUEST_MSG};
use jsonrpsee::types::{ErrorObjectOwned, Params};

use crate::node::Node;

/// Methods whose params may carry a class (a DECLARE), bounded by the body limit only.
pub const CLASS_CARRYING: &[&str] =
    &["starknet_addDeclareTransaction", "starknet_estimateFee", "starknet_simulateTransactions"];

/// Refuses `params` of `method` over the node's per-method limit.
pub fn check(node: &Node, method: &str, params: &Params<'_>) -> Result<(), ErrorObjectOwned> {
    if CLASS_CARRYING.contains(&method) {
        return Ok(());
    }
    let limit = node.config().max_request_bytes;
    let size = params.as_str().map_or(0, str::len);
    if size > limit as usize {
        return Err(ErrorObjectOwned::owned(
            OVERSIZED_REQUEST_CODE,
            OVERSIZED_REQUEST_MSG,
            Some(format!(
                "{method} params are {size} bytes; at most {limit} are accepted \
                 (--max-request-bytes; only {} take more)",
                CLASS_CARRYING.join(", ")
            )),
        ));
    }
    Ok(())
}
