//! Errors of the API crate: [`ApiError`] for serving, and [`RequestError`], what one JSON-RPC
//! call can fail with, mapped to the stable [`codes`].

use jsonrpsee::types::ErrorObjectOwned;
use proof_store::JobStatusKind;

use crate::codes;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The listener's address could not be read.
    #[error("listener has no local address")]
    LocalAddr(#[source] std::io::Error),
}

/// What a request can fail with. Converts into a JSON-RPC error object; the `Internal` variant
/// is logged here and answered without its details.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("invalid params: {0}")]
    InvalidParams(String),
    #[error("block {block_number} is unknown to the prover")]
    BlockNotFound { block_number: u64 },
    #[error("no proof for block {block_number}: status {status}")]
    ProofNotAvailable { block_number: u64, status: JobStatusKind },
    /// The job index says the proof was stored, and the store no longer has it: the
    /// operator's age limit (`--proof-max-age`) removed it.
    #[error("the proof of block {block_number} expired: proofs are kept for {max_age:?}")]
    ProofExpired { block_number: u64, max_age: std::time::Duration },
    #[error("no state root for block {block_number} yet: status {status}")]
    StateRootNotAvailable { block_number: u64, status: JobStatusKind },
    /// Too many verifications running and waiting: retry later.
    #[error("the server is verifying its limit of {limit} proofs; retry later")]
    Busy { limit: usize },
    #[error("{operation} failed")]
    Internal {
        operation: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl RequestError {
    /// Wraps an internal failure (store, index, blocking task).
    pub fn internal(
        operation: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        RequestError::Internal { operation, source: Box::new(source) }
    }

    /// The stable code of this error.
    pub fn code(&self) -> i32 {
        match self {
            RequestError::InvalidParams(_) => codes::INVALID_PARAMS,
            RequestError::BlockNotFound { .. } => codes::BLOCK_NOT_FOUND,
            RequestError::ProofNotAvailable { .. } | RequestError::ProofExpired { .. } => {
                codes::PROOF_NOT_AVAILABLE
            }
            RequestError::StateRootNotAvailable { .. } => codes::STATE_ROOT_NOT_AVAILABLE,
            RequestError::Busy { .. } => codes::BUSY,
            RequestError::Internal { .. } => codes::INTERNAL_ERROR,
        }
    }
}

impl RequestError {
    /// Logs an internal error with its whole cause chain (clients never see it); other errors
    /// are the client's and are not logged.
    pub fn log_if_internal(&self) {
        if let RequestError::Internal { operation, source } = self {
            tracing::error!(
                operation,
                error = %error_chain(source.as_ref()),
                "query API internal error"
            );
        }
    }
}

impl From<RequestError> for ErrorObjectOwned {
    fn from(error: RequestError) -> Self {
        let code = error.code();
        error.log_if_internal();
        match &error {
            RequestError::Internal { .. } => {
                ErrorObjectOwned::owned(code, "internal error", None::<()>)
            }
            RequestError::ProofNotAvailable { status, .. }
            | RequestError::StateRootNotAvailable { status, .. } => {
                ErrorObjectOwned::owned(code, error.to_string(), Some(status.as_str()))
            }
            RequestError::ProofExpired { .. } => {
                ErrorObjectOwned::owned(code, error.to_string(), Some("expired"))
            }
            _ => ErrorObjectOwned::owned(code, error.to_string(), None::<()>),
        }
    }
}

/// `error: cause: cause`, for logs.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
