//! The fields JSON-RPC 0.10 adds to a block header (`BLOCK_HEADER`): the block's commitments and
//! counts.
//!
//! The 0.9 wire types ([`super::types`]) ignore these fields, so a 0.10 answer decodes into them
//! unchanged; [`HeaderCommitments::from_block_json`] reads the additions apart, and a server
//! adds them with [`HeaderCommitments::insert_into`].
//!
//! They are this chain's header fields as they are ([`HeaderCommitments::of_header`]): counts
//! and commitments in Starknet's formulas ([`crate::block`]), all bound by the block hash and
//! recomputed by the OS (the receipt commitment over some receipt fields the OS takes from its
//! input, see the OS README).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{BlockHeader, ChainError, Felt};

/// The commitments and counts of a 0.10 block header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderCommitments {
    /// Commitment to the block's transactions.
    pub transaction_commitment: Felt,
    /// Commitment to the events of the block's receipts.
    pub event_commitment: Felt,
    /// Commitment to the block's receipts.
    pub receipt_commitment: Felt,
    /// Commitment to the block's state diff.
    pub state_diff_commitment: Felt,
    /// Number of transactions.
    pub transaction_count: u64,
    /// Number of events.
    pub event_count: u64,
    /// Number of entries of the state diff.
    pub state_diff_length: u64,
}

/// The names of the fields, as they appear in a header.
pub const HEADER_COMMITMENT_FIELDS: [&str; 7] = [
    "transaction_commitment",
    "event_commitment",
    "receipt_commitment",
    "state_diff_commitment",
    "transaction_count",
    "event_count",
    "state_diff_length",
];

impl HeaderCommitments {
    /// The values of a block of this chain: its header's fields.
    pub fn of_header(header: &BlockHeader) -> Self {
        HeaderCommitments {
            transaction_commitment: header.transaction_commitment,
            event_commitment: header.event_commitment,
            receipt_commitment: header.receipt_commitment,
            state_diff_commitment: header.state_diff_commitment,
            transaction_count: header.transaction_count,
            event_count: header.event_count,
            state_diff_length: header.state_diff_length,
        }
    }

    /// Reads the fields from a block answer: `Ok(None)` when it has none of them (a 0.9 answer),
    /// an error when it has some but not all, or one of them is malformed.
    pub fn from_block_json(block: &Value) -> Result<Option<Self>, ChainError> {
        let Value::Object(fields) = block else {
            return Err(ChainError::Json("a block is a JSON object".into()));
        };
        let present: Vec<&str> = HEADER_COMMITMENT_FIELDS
            .into_iter()
            .filter(|name| fields.contains_key(*name))
            .collect();
        if present.is_empty() {
            return Ok(None);
        }
        if present.len() < HEADER_COMMITMENT_FIELDS.len() {
            let missing: Vec<&str> = HEADER_COMMITMENT_FIELDS
                .into_iter()
                .filter(|name| !fields.contains_key(*name))
                .collect();
            return Err(ChainError::Json(format!(
                "a 0.10 block header without {}",
                missing.join(", ")
            )));
        }
        let subset: Map<String, Value> = HEADER_COMMITMENT_FIELDS
            .into_iter()
            .map(|name| (name.to_owned(), fields[name].clone()))
            .collect();
        serde_json::from_value(Value::Object(subset))
            .map(Some)
            .map_err(|error| ChainError::Json(format!("block header commitments: {error}")))
    }

    /// Adds the fields to a block answer (a JSON object; anything else is left alone).
    pub fn insert_into(&self, block: &mut Value) {
        let (Value::Object(target), Ok(Value::Object(fields))) =
            (block, serde_json::to_value(self))
        else {
            return;
        };
        target.extend(fields);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample() -> HeaderCommitments {
        HeaderCommitments {
            transaction_commitment: Felt::from(1u64),
            event_commitment: Felt::from(2u64),
            receipt_commitment: Felt::from(3u64),
            state_diff_commitment: Felt::from(4u64),
            transaction_count: 5,
            event_count: 6,
            state_diff_length: 7,
        }
    }

    #[test]
    fn round_trip_through_a_block_answer() {
        let mut block = json!({"block_number": 3, "block_hash": "0x9"});
        assert_eq!(HeaderCommitments::from_block_json(&block), Ok(None));
        sample().insert_into(&mut block);
        assert_eq!(block["event_commitment"], "0x2");
        assert_eq!(block["state_diff_length"], 7);
        assert_eq!(block["block_number"], 3);
        assert_eq!(HeaderCommitments::from_block_json(&block), Ok(Some(sample())));
    }

    #[test]
    fn partial_or_malformed_fields_are_errors() {
        let mut block = json!({});
        sample().insert_into(&mut block);
        let mut partial = block.clone();
        partial.as_object_mut().unwrap().remove("event_commitment");
        let error = HeaderCommitments::from_block_json(&partial).unwrap_err();
        assert!(error.to_string().contains("event_commitment"), "{error}");
        let mut malformed = block.clone();
        malformed["event_count"] = json!("many");
        assert!(HeaderCommitments::from_block_json(&malformed).is_err());
        assert!(HeaderCommitments::from_block_json(&json!([1])).is_err());
    }
}
