//! JSON-RPC error objects for Starknet errors, with the spec's codes and messages.
//!
//! [`StarknetError`] (from `starknet-core`) enumerates the spec's errors; its `code()` and
//! `message()` are the spec's. [`RpcError`] is the `{code, message, data}` object a server puts in
//! a JSON-RPC error response, built so that starknet-rs maps it back to the same variant.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use starknet_core::types::StarknetError;

/// A JSON-RPC 2.0 error object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RpcError {
    /// Error code (the spec's code for Starknet errors, or a JSON-RPC code).
    pub code: i64,
    /// Human-readable message.
    pub message: String,
    /// Structured details, when the spec defines them for this error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl RpcError {
    /// JSON-RPC "Invalid params" (-32602), for malformed requests.
    pub fn invalid_params(details: impl Into<String>) -> Self {
        RpcError {
            code: -32602,
            message: "Invalid params".into(),
            data: Some(Value::String(details.into())),
        }
    }

    /// JSON-RPC "Method not found" (-32601).
    pub fn method_not_found() -> Self {
        RpcError { code: -32601, message: "Method not found".into(), data: None }
    }
}

impl From<&StarknetError> for RpcError {
    fn from(error: &StarknetError) -> Self {
        let data = match error {
            StarknetError::ContractError(data) => serde_json::to_value(data).ok(),
            StarknetError::TransactionExecutionError(data) => serde_json::to_value(data).ok(),
            StarknetError::NoTraceAvailable(data) => serde_json::to_value(data).ok(),
            StarknetError::InvalidTransactionNonce(text)
            | StarknetError::ValidationFailure(text)
            | StarknetError::CompilationFailed(text)
            | StarknetError::UnexpectedError(text) => Some(Value::String(text.clone())),
            _ => None,
        };
        RpcError { code: i64::from(error.code()), message: error.message().to_owned(), data }
    }
}

impl From<StarknetError> for RpcError {
    fn from(error: StarknetError) -> Self {
        RpcError::from(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_codes_and_messages() {
        // Codes and messages from starknet-specs api/starknet_api_openrpc.json (v0.9).
        let cases = [
            (StarknetError::ContractNotFound, 20, "Contract not found"),
            (StarknetError::BlockNotFound, 24, "Block not found"),
            (StarknetError::TransactionHashNotFound, 29, "Transaction hash not found"),
            (StarknetError::ClassHashNotFound, 28, "Class hash not found"),
            (
                StarknetError::StorageProofNotSupported,
                42,
                "the node doesn't support storage proofs for blocks that are too far in the past",
            ),
            (
                StarknetError::DuplicateTx,
                59,
                "A transaction with the same hash already exists in the mempool",
            ),
            (StarknetError::UnsupportedTxVersion, 61, "the transaction version is not supported"),
        ];
        for (error, code, message) in cases {
            let object = RpcError::from(&error);
            assert_eq!(object.code, code, "{error:?}");
            assert_eq!(object.message, message, "{error:?}");
            assert_eq!(object.data, None);
        }
        let object = RpcError::from(StarknetError::InvalidTransactionNonce("expected 1".into()));
        assert_eq!(object.code, 52);
        assert_eq!(object.data, Some(Value::String("expected 1".into())));
        let json = serde_json::to_value(&object).unwrap();
        assert_eq!(json["code"], 52);
    }
}
