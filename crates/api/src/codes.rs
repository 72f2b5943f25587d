//! Stable JSON-RPC error codes of the `prover_` API. Clients match on these numbers; they never
//! change meaning.

/// Malformed parameters (wrong type, bad hex, limit out of range): JSON-RPC's own code.
pub const INVALID_PARAMS: i32 = -32602;
/// Something failed inside the server (storage, index). Details are in the server's logs.
pub const INTERNAL_ERROR: i32 = -32603;
/// The prover has never seen this block (no job in the index).
pub const BLOCK_NOT_FOUND: i32 = 4001;
/// The block is known but its proof is not stored (yet, or it failed); `data` is the status.
pub const PROOF_NOT_AVAILABLE: i32 = 4002;
/// The block is known but replay has not computed its state root yet; `data` is the status.
pub const STATE_ROOT_NOT_AVAILABLE: i32 = 4003;
/// `prover_verifyProof` is at its limit of running and waiting verifications: retry later.
pub const BUSY: i32 = 4004;
