//! Mapping node errors to JSON-RPC error objects with the spec's codes (BLOCK_NOT_FOUND 24,
//! TXN_HASH_NOT_FOUND 29, CONTRACT_NOT_FOUND 20, INVALID_TRANSACTION_NONCE 52,
//! VALIDATION_FAILURE 55, CONTRACT_CLASS_SIZE_IS_TOO_LARGE 57, ...), as `chain::rpc::error`
//! builds them so starknet-rs maps them back to its `StarknetError` variants. Internal failures
//! become -32603 and go to the logs. The `devnet_*` methods' own failures take
//! starknet-devnet's codes: -32600 for an action it does not support (aborting genesis) and
//! its catch-all -1 for a reverted mint and for dump and load errors.

use chain::rpc::error::{RpcError, StarknetError};
use chain::rpc::types::{ContractErrorData, ContractExecutionError, TransactionExecutionErrorData};
use jsonrpsee::types::ErrorObjectOwned;
use tracing::error;

use crate::SequencerError;

/// A JSON-RPC error object from the chain crate's `{code, message, data}`.
pub fn object(error: RpcError) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(error.code as i32, error.message, error.data)
}

/// -32602 Invalid params.
pub fn invalid_params(details: impl Into<String>) -> ErrorObjectOwned {
    object(RpcError::invalid_params(details))
}

/// The spec error of a Starknet failure.
pub fn starknet(error: StarknetError) -> ErrorObjectOwned {
    object(RpcError::from(error))
}

/// starknet-devnet's catch-all error code (its `WILDCARD_RPC_ERROR_CODE`).
pub const DEVNET_ERROR: i32 = -1;

/// -32600, which starknet-devnet answers for an action it does not support.
pub const UNSUPPORTED_ACTION: i32 = -32600;

/// Maps a node error to what the client sees.
pub fn from_node(error: SequencerError) -> ErrorObjectOwned {
    use SequencerError as E;
    let spec = match error {
        E::GenesisNotAbortable => {
            return ErrorObjectOwned::owned::<()>(UNSUPPORTED_ACTION, error.to_string(), None);
        }
        E::MintReverted { transaction_hash, reason } => {
            let data = serde_json::json!({
                "tx_hash": format!("{transaction_hash:#x}"),
                "revert_reason": reason,
            });
            return ErrorObjectOwned::owned(DEVNET_ERROR, "Minting reverted", Some(data));
        }
        E::Dump(error) => {
            return ErrorObjectOwned::owned::<()>(DEVNET_ERROR, error.to_string(), None);
        }
        E::MinterMissing(_) => {
            return ErrorObjectOwned::owned::<()>(DEVNET_ERROR, error.to_string(), None);
        }
        E::BlockNotFound => StarknetError::BlockNotFound,
        E::TransactionNotFound(_) => StarknetError::TransactionHashNotFound,
        E::ContractNotFound(_) => StarknetError::ContractNotFound,
        E::ClassNotFound(_) => StarknetError::ClassHashNotFound,
        E::InvalidNonce(reason) => StarknetError::InvalidTransactionNonce(reason),
        E::DuplicateTransaction(_) => StarknetError::DuplicateTx,
        E::MempoolFull { limit } => {
            StarknetError::UnexpectedError(E::MempoolFull { limit }.to_string())
        }
        E::ValidationFailure(reason) => StarknetError::ValidationFailure(reason),
        E::InvalidClass(reason) => StarknetError::CompilationFailed(reason),
        E::CompiledClassHashMismatch { .. } => StarknetError::CompiledClassHashMismatch,
        E::ClassTooLarge(too_large) => {
            // The spec defines no data for CONTRACT_CLASS_SIZE_IS_TOO_LARGE; the limit goes in
            // it anyway (clients that map codes ignore it).
            let mut object = RpcError::from(StarknetError::ContractClassSizeIsTooLarge);
            object.data = Some(serde_json::Value::String(format!(
                "{too_large} (--max-class-bytes, --max-bytecode-felts)"
            )));
            return self::object(object);
        }
        E::ClassAlreadyDeclared(_) => StarknetError::ClassAlreadyDeclared,
        E::UnsupportedTransaction(_) => StarknetError::UnsupportedTxVersion,
        E::StorageProofNotSupported => StarknetError::StorageProofNotSupported,
        E::ContractError(reason) => StarknetError::ContractError(ContractErrorData {
            revert_error: ContractExecutionError::Message(reason),
        }),
        E::TransactionExecution { index, reason } => {
            StarknetError::TransactionExecutionError(TransactionExecutionErrorData {
                transaction_index: index as u64,
                execution_error: ContractExecutionError::Message(reason),
            })
        }
        other => {
            error!(error = %other, "internal error answering a JSON-RPC request");
            return ErrorObjectOwned::owned(-32603, "Internal error", Some(other.to_string()));
        }
    };
    starknet(spec)
}
