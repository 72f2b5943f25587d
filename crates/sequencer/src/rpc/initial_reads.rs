//! `RETURN_INITIAL_READS` (spec 0.10.3): the flag of `starknet_simulateTransactions` and
//! `starknet_traceBlockTransactions` that adds to the answer the state values the whole run
//! fetched from the state it started on (`INITIAL_READS`).
//!
//! Without the flag both answer a list, as in 0.10.0; with it an object: `{"simulated_transactions":
//! [...], "initial_reads": {...}}` and `{"traces": [...], "initial_reads": {...}}`. The
//! transactions of a request run one after another, each on what the ones before left
//! ([`super::execution`]); each run's reads are merged in order with
//! [`InitialReads::merge_later`], so a value an earlier transaction wrote is not reported as
//! initial. A transaction whose nonce is ahead of its account's (earlier ones still waiting in
//! the mempool) runs as if those had executed, so the nonce it reports as read is that assumed
//! one, which is what re-executing it needs. The flag is 0.10.3's: on the 0.9 path it is an
//! unknown flag.

use chain::rpc::InitialReads;
use chain::rpc::SpecVersion;
use jsonrpsee::types::ErrorObjectOwned;
use serde::Serialize;
use serde_json::{Value, json};

use super::blocks::json as json_value;
use super::errors::invalid_params;

/// The flag's name, in both `SIMULATION_FLAG` and `TRACE_FLAG`.
pub const RETURN_INITIAL_READS: &str = "RETURN_INITIAL_READS";

/// Whether `flag`, of a method on the path of `version`, is `RETURN_INITIAL_READS`; the flag on
/// the 0.9 path is refused as that version does not know it.
pub fn is_return_initial_reads(flag: &str, version: SpecVersion) -> Result<bool, ErrorObjectOwned> {
    if flag != RETURN_INITIAL_READS {
        return Ok(false);
    }
    if version < SpecVersion::V0_10 {
        return Err(invalid_params(format!(
            "flag {RETURN_INITIAL_READS} is spec 0.10.3's; this path serves {version}"
        )));
    }
    Ok(true)
}

/// The answer: `results` alone, or with `reads` as `{list_name: results, "initial_reads": reads}`.
pub fn answer<T: Serialize>(
    list_name: &str,
    results: Vec<T>,
    reads: Option<InitialReads>,
) -> Result<Value, ErrorObjectOwned> {
    let results = json_value(results)?;
    Ok(match reads {
        None => results,
        Some(reads) => json!({ list_name: results, "initial_reads": reads }),
    })
}

#[cfg(test)]
mod tests {
    use chain::Felt;

    use super::*;

    #[test]
    fn the_flag_shapes_the_answer() {
        assert_eq!(answer("traces", vec![1, 2], None).unwrap(), json!([1, 2]));
        let mut reads = InitialReads::default();
        reads.nonces.insert(Felt::ONE, Felt::ZERO);
        let shaped = answer("traces", vec![1], Some(reads)).unwrap();
        assert_eq!(shaped["traces"], json!([1]));
        assert_eq!(shaped["initial_reads"]["nonces"][0]["nonce"], "0x0");
        assert!(is_return_initial_reads("RETURN_INITIAL_READS", SpecVersion::V0_10).unwrap());
        assert!(is_return_initial_reads("RETURN_INITIAL_READS", SpecVersion::V0_9).is_err());
        assert!(!is_return_initial_reads("SKIP_VALIDATE", SpecVersion::V0_9).unwrap());
    }
}
