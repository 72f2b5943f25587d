//! The error type of the `executor` crate.
//!
//! Two families share one enum: **rejections** ([`ExecutorError::is_rejection`]), which are the
//! transaction's fault and leave the state untouched (the transaction is not included in a
//! block), and **failures** of the executor's environment (a state read failed, a class could
//! not be loaded), which are nobody's verdict on the transaction.

use chain::Felt;
use state::StateError;

/// Everything that can go wrong while executing transactions or calls.
#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    /// The transaction's nonce is not the account's current nonce.
    #[error("invalid nonce of {address:#x}: expected {expected:#x}, got {got:#x}")]
    InvalidNonce { address: Felt, expected: Felt, got: Felt },
    /// No contract is deployed at the address.
    #[error("no contract is deployed at {address:#x}")]
    UnknownContract { address: Felt },
    /// The class is not declared (or its definition is not available to the executor).
    #[error("class {class_hash:#x} is not declared")]
    UndeclaredClass { class_hash: Felt },
    /// A DECLARE of a class that is already declared (Cairo 0 redeclaration is refused, as on
    /// Starknet since 0.13).
    #[error("class {class_hash:#x} is already declared")]
    ClassAlreadyDeclared { class_hash: Felt },
    /// A DECLARE whose class definition is missing (`actual: None`) or hashes to another class
    /// hash.
    #[error("DECLARE of {declared:#x} carries {}", match actual {
        Some(actual) => format!("a class that hashes to {actual:#x}"),
        None => "no class definition".to_owned(),
    })]
    DeclaredClassMismatch { declared: Felt, actual: Option<Felt> },
    /// A DEPLOY_ACCOUNT to an address where a contract already lives.
    #[error("a contract is already deployed at {address:#x}")]
    ContractAlreadyDeployed { address: Felt },
    /// A query-only transaction (version `2^128 + v`) submitted for execution in a block.
    #[error("query-only transaction {hash:#x} cannot be executed in a block")]
    QueryTransaction { hash: Felt },
    /// `__validate__`, `__validate_deploy__`, `__validate_declare__` or (for DEPLOY_ACCOUNT,
    /// whose constructor cannot revert) the constructor failed: the signature is bad or the
    /// account refused the transaction.
    #[error("validation failed: {reason}")]
    ValidationFailed { reason: String },
    /// A read-only call, or a fee estimate of a transaction, failed in Cairo.
    #[error("execution failed: {reason}")]
    ExecutionFailed { reason: String },
    /// The state says the class is declared but the [`ClassProvider`](crate::ClassProvider) does
    /// not have its definition: the node's class store is incomplete (not the transaction's
    /// fault).
    #[error("class {class_hash:#x} is declared but its definition is not available")]
    MissingClassDefinition { class_hash: Felt },
    /// A declared Sierra class that cannot be run: not a Sierra class, a libfunc outside the
    /// allow-list, or it does not compile to CASM within the size limit.
    #[error("class {class_hash:#x} cannot be compiled: {reason}")]
    UncompilableClass { class_hash: Felt, reason: String },
    /// A DECLARE v3 whose compiled class hash is not the hash of the CASM its class compiles
    /// to.
    #[error(
        "DECLARE of {class_hash:#x} names compiled class hash {declared:#x}, but the class compiles to {actual:#x}"
    )]
    CompiledClassHashMismatch { class_hash: Felt, declared: Felt, actual: Felt },
    /// A class file that is not a usable Cairo 0 class.
    #[error("invalid class: {0}")]
    InvalidClass(String),
    /// A transaction field the protocol's executor cannot represent (an address at or above
    /// 2^251, a v1 fee above 128 bits).
    #[error("invalid transaction: {0}")]
    InvalidTransaction(String),
    /// The protocol's executor (blockifier) refused the transaction for a reason this enum has
    /// no variant of (an unsupported version, a bound it checks), in its own words.
    #[error("refused by the executor: {0}")]
    Rejected(String),
    /// The block context cannot be given to the executor (a chain id that is not a short
    /// string, an out-of-range address), or the executor's state failed in a way it reports
    /// only as text: the node's failure, not the transaction's.
    #[error("executor context: {0}")]
    InvalidContext(String),
    /// The state store failed.
    #[error("state: {0}")]
    State(#[from] StateError),
}

impl ExecutorError {
    /// Whether this error rejects the transaction itself (bad nonce, bad signature, unknown
    /// contract or class, ...), as opposed to a failure of the executor's environment. A rejected
    /// transaction changes nothing and is not included in a block.
    pub fn is_rejection(&self) -> bool {
        !matches!(
            self,
            ExecutorError::State(_)
                | ExecutorError::InvalidClass(_)
                | ExecutorError::MissingClassDefinition { .. }
                | ExecutorError::InvalidContext(_)
        )
    }
}
