//! [`check_block`]: the whole light verification of one block from what a page fetched, as a
//! [`Report`] a page renders.

use std::error::Error;

use chain::Felt;
use chain::rpc::types::{BlockWithTxHashes, MaybePreConfirmedBlockWithTxHashes};
use light_client::{LightClientOptions, verify_block};
use serde::Serialize;

use crate::pinned::{MIN_SECURITY_BITS, PINNED_OS_PROGRAM_HASH, pinned_os_program_hash};

/// The outcome of [`check_block`], as the page shows it. Felts are `0x` hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Report {
    /// The proof verifies against the pinned OS program and binds to the headers.
    Verified {
        /// The OS program the proof is about: the pinned one.
        os_program_hash: String,
        min_security_bits: u32,
        security_bits: u32,
        proof_size: usize,
        block_number: u64,
        block_hash: String,
        parent_block_hash: String,
        chain_id: String,
        transaction_count: u64,
        previous_state_root: String,
        new_state_root: String,
        /// What the previous root was checked against: `parent_header` (the sequencer's header
        /// of the block before), `trusted_previous_root` (the caller's), both, or `genesis`.
        anchor: &'static str,
        /// Whether the header carries the new root; when not, it is known only from the proof.
        header_commits_state_root: bool,
    },
    /// Something did not hold; nothing about the block is established.
    Rejected {
        /// The pinned OS program (what a valid proof had to be about).
        os_program_hash: String,
        min_security_bits: u32,
        /// The failed check and its causes, outermost first.
        reason: String,
    },
}

impl Report {
    /// Whether the block verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Report::Verified { .. })
    }

    fn rejected(reason: String) -> Self {
        Report::Rejected {
            os_program_hash: PINNED_OS_PROGRAM_HASH.to_owned(),
            min_security_bits: MIN_SECURITY_BITS,
            reason,
        }
    }
}

/// Verifies `proof` against the pinned OS program and minimum security, and its binding to
/// `header_json` and `parent_json` (the sequencer's `starknet_getBlockWithTxHashes` results for
/// the block and, above genesis, its parent), the sequencer's `chain_id` (hex) and an optional
/// previous root the caller trusts (hex; needed when the sequencer publishes no roots).
pub fn check_block(
    proof: &[u8],
    header_json: &str,
    parent_json: Option<&str>,
    chain_id: &str,
    trusted_previous_root: Option<&str>,
) -> Report {
    match try_check(proof, header_json, parent_json, chain_id, trusted_previous_root) {
        Ok(report) => report,
        Err(reason) => Report::rejected(reason),
    }
}

fn try_check(
    proof: &[u8],
    header_json: &str,
    parent_json: Option<&str>,
    chain_id: &str,
    trusted_previous_root: Option<&str>,
) -> Result<Report, String> {
    let header = parse_header(header_json, "header")?;
    let parent = parent_json.map(|json| parse_header(json, "parent header")).transpose()?;
    let chain_id = parse_felt(chain_id, "chain id")?;
    let trusted_previous_root =
        trusted_previous_root.map(|root| parse_felt(root, "trusted previous root")).transpose()?;
    let options = LightClientOptions {
        min_security_bits: MIN_SECURITY_BITS,
        trusted_previous_root,
        fee_tokens: None,
    };
    let pinned = pinned_os_program_hash();
    let verified = verify_block(proof, &header, parent.as_ref(), chain_id, pinned, &options)
        .map_err(|error| chain_of(&error))?;
    let output = &verified.output;
    let parent_root = parent.as_ref().is_some_and(|parent| parent.new_root != Felt::ZERO);
    let anchor = match (header.block_number, parent_root, trusted_previous_root.is_some()) {
        (0, _, _) => "genesis",
        (_, true, true) => "parent_header_and_trusted_previous_root",
        (_, true, false) => "parent_header",
        (_, false, _) => "trusted_previous_root",
    };
    Ok(Report::Verified {
        os_program_hash: hex(verified.os_program_hash),
        min_security_bits: MIN_SECURITY_BITS,
        security_bits: verified.security_bits,
        proof_size: verified.proof_size,
        block_number: output.block_number,
        block_hash: hex(output.block_hash),
        parent_block_hash: hex(output.parent_block_hash),
        chain_id: hex(output.chain_id.as_felt()),
        transaction_count: output.transaction_count,
        previous_state_root: hex(output.previous_state_root),
        new_state_root: hex(output.new_state_root),
        anchor,
        header_commits_state_root: verified.header_commits_state_root,
    })
}

fn parse_header(json: &str, what: &str) -> Result<BlockWithTxHashes, String> {
    let block: MaybePreConfirmedBlockWithTxHashes = serde_json::from_str(json)
        .map_err(|error| format!("the sequencer's {what} is not a block header: {error}"))?;
    match block {
        MaybePreConfirmedBlockWithTxHashes::Block(block) => Ok(block),
        MaybePreConfirmedBlockWithTxHashes::PreConfirmedBlock(_) => Err(format!(
            "the sequencer's {what} is a pre-confirmed block: not final, no hash to check yet"
        )),
    }
}

fn parse_felt(hex: &str, what: &str) -> Result<Felt, String> {
    Felt::from_hex(hex).map_err(|_| format!("the {what} {hex:?} is not a hex field element"))
}

fn hex(felt: Felt) -> String {
    format!("{felt:#x}")
}

/// `error: cause: cause ...`, as a page shows it.
fn chain_of(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
