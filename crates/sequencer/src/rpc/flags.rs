//! Spec 0.10's optional response flags: `TXN_RESPONSE_FLAG` (`INCLUDE_PROOF_FACTS`) and
//! `STORAGE_RESPONSE_FLAG` (`INCLUDE_LAST_UPDATE_BLOCK`).
//!
//! Proof facts come with INVOKE v3 transactions that carry a client-side proof; this devnet
//! admits none (`write` refuses a `proof`), so with the flag every INVOKE v3 shows
//! `"proof_facts": []`, as the spec says for a transaction without proof facts.

use jsonrpsee::types::ErrorObjectOwned;
use serde_json::Value;

use super::errors::invalid_params;

/// `INCLUDE_PROOF_FACTS`.
pub const INCLUDE_PROOF_FACTS: &str = "INCLUDE_PROOF_FACTS";
/// `INCLUDE_LAST_UPDATE_BLOCK`.
pub const INCLUDE_LAST_UPDATE_BLOCK: &str = "INCLUDE_LAST_UPDATE_BLOCK";

/// Whether the `response_flags` param (absent: `null`) holds `flag`; any flag but `flag` is
/// invalid params, since each method accepts one kind.
pub fn has_flag(value: Value, flag: &str) -> Result<bool, ErrorObjectOwned> {
    if value.is_null() {
        return Ok(false);
    }
    let flags: Vec<String> = serde_json::from_value(value)
        .map_err(|error| invalid_params(format!("`response_flags`: {error}")))?;
    if let Some(unknown) = flags.iter().find(|given| given.as_str() != flag) {
        return Err(invalid_params(format!(
            "`response_flags`: unknown flag {unknown:?} (this method takes {flag})"
        )));
    }
    Ok(!flags.is_empty())
}

/// Adds `"proof_facts": []` to a transaction object if it is an INVOKE v3 (the only type that
/// has the field).
pub fn add_proof_facts(transaction: &mut Value) {
    let is_invoke_v3 = transaction.get("type").and_then(Value::as_str) == Some("INVOKE")
        && matches!(
            transaction.get("version").and_then(Value::as_str),
            Some("0x3" | "0x100000000000000000000000000000003")
        );
    if let (true, Value::Object(fields)) = (is_invoke_v3, transaction) {
        fields.insert("proof_facts".into(), Value::Array(vec![]));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn flags_parse_and_apply() {
        assert!(!has_flag(Value::Null, INCLUDE_PROOF_FACTS).unwrap());
        assert!(!has_flag(json!([]), INCLUDE_PROOF_FACTS).unwrap());
        assert!(has_flag(json!(["INCLUDE_PROOF_FACTS"]), INCLUDE_PROOF_FACTS).unwrap());
        assert!(has_flag(json!(["INCLUDE_LAST_UPDATE_BLOCK"]), INCLUDE_PROOF_FACTS).is_err());
        assert!(has_flag(json!("INCLUDE_PROOF_FACTS"), INCLUDE_PROOF_FACTS).is_err());

        let mut v3 = json!({"type": "INVOKE", "version": "0x3"});
        add_proof_facts(&mut v3);
        assert_eq!(v3["proof_facts"], json!([]));
        let mut v1 = json!({"type": "INVOKE", "version": "0x1"});
        add_proof_facts(&mut v1);
        assert!(v1.get("proof_facts").is_none());
    }
}
