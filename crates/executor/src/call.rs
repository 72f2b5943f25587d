//! What one entry-point invocation did, as the OS needs it to replay the call: [`CallTrace`],
//! built from blockifier's call infos (the `engine` module).

use chain::Felt;

/// What one entry-point invocation did, as the OS needs it to replay the call: its syscall
/// responses that depend on execution (storage reads, block and class hashes read, nested
/// calls' return data) in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallTrace {
    /// The contract whose storage the call used.
    pub contract_address: Felt,
    /// The class whose code ran.
    pub class_hash: Felt,
    /// The entry point selector.
    pub selector: Felt,
    /// The caller (`get_caller_address`).
    pub caller_address: Felt,
    /// The arguments.
    pub calldata: Vec<Felt>,
    /// The return data (empty for a failed call).
    pub retdata: Vec<Felt>,
    /// The value each `storage_read` returned, in syscall order.
    pub storage_read_values: Vec<Felt>,
    /// The value each Cairo 1 `get_block_hash` returned, in syscall order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub block_hash_read_values: Vec<Felt>,
    /// The value each Cairo 1 `get_class_hash_at` returned, in syscall order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub class_hash_read_values: Vec<Felt>,
    /// Nested `call_contract` / `library_call` / `deploy` constructor calls, in syscall order.
    pub inner_calls: Vec<CallTrace>,
    /// The Sierra gas the call consumed (0 for Cairo 0 code): what a Cairo 1 caller's
    /// `call_contract` / `library_call` response deducts beyond the syscall's cost.
    #[serde(default)]
    pub gas_consumed: u64,
}
