//! `watcher-prover light-verify`: fetches a block's proof from the prover API and its header
//! from the sequencer, verifies the proof against the pinned OS program hash and checks that
//! the proven block output matches the header. Exit 0 only if everything holds (the verified
//! block as JSON on stdout), 1 if a check fails, 2 if an endpoint cannot be used. With `--to M`
//! it follows the chain from `--block` to `M`, each block's proven root anchoring the next
//! (`light_client::light_verify_range`), and prints a JSON array.

use clap::Args;
use light_client::{LightClientError, LightClientOptions, VerifiedBlock, light_verify_range};
use serde_json::json;
use starknet_types_core::felt::Felt;

use crate::exit::{Failure, invalid, unusable};

#[derive(Args)]
pub struct LightVerifyArgs {
    /// The watcher-prover query API (JSON-RPC).
    #[arg(long)]
    api_url: String,
    /// The sequencer's Starknet JSON-RPC.
    #[arg(long)]
    rpc_url: String,
    #[arg(long)]
    block: u64,
    /// Verify every block from `--block` to this one, each anchored by the root proven for the
    /// one before.
    #[arg(long)]
    to: Option<u64>,
    /// The OS program hash to trust (hex); the bundled OS program's (`watcher-prover os-hash`)
    /// when absent.
    #[arg(long)]
    os_hash: Option<String>,
    /// Minimum conjectured security of the proof.
    #[arg(long, default_value_t = 100)]
    min_security: u32,
    /// The previous state root you trust (hex): the `new_state_root` this command printed for
    /// the block before. Required when the sequencer's headers carry no state root
    /// (`devnet --commitment off`: the commitment is left to the prover); checked as well when
    /// they do.
    #[arg(long)]
    previous_root: Option<String>,
    /// The ERC-20 the chain charges fees in (hex; `run --fee-token`): the proof's fee tokens
    /// must be this one. Unchecked when absent (the headers do not name it); `0x0` pins a chain
    /// without fees.
    #[arg(long)]
    fee_token: Option<String>,
    /// The ERC-20 the chain charges v1 transactions in, where it is not `--fee-token` (`run
    /// --eth-fee-token`).
    #[arg(long, requires = "fee_token")]
    eth_fee_token: Option<String>,
}

pub fn run(args: LightVerifyArgs) -> Result<(), Failure> {
    let pinned = match &args.os_hash {
        Some(text) => {
            Felt::from_hex(text).map_err(|e| unusable(format!("--os-hash {text:?}: {e}")))?
        }
        None => crate::os_hash::os_program_hash()?,
    };
    let trusted_previous_root = match &args.previous_root {
        Some(text) => Some(
            Felt::from_hex(text).map_err(|e| unusable(format!("--previous-root {text:?}: {e}")))?,
        ),
        None => None,
    };
    let address = |flag: &str, text: &str| {
        Felt::from_hex(text).map_err(|e| unusable(format!("--{flag} {text:?}: {e}")))
    };
    let fee_tokens = match &args.fee_token {
        Some(text) => {
            let mut tokens = chain::FeeTokens::single(Some(address("fee-token", text)?));
            if let Some(eth) = &args.eth_fee_token {
                tokens.eth = address("eth-fee-token", eth)?;
            }
            Some(tokens)
        }
        None => None,
    };
    let options = LightClientOptions {
        min_security_bits: args.min_security,
        trusted_previous_root,
        fee_tokens,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| unusable(format!("cannot start the runtime: {e}")))?;
    let last = args.to.unwrap_or(args.block);
    if last < args.block {
        return Err(unusable(format!("--to {last} is below --block {}", args.block)));
    }
    let verified = runtime
        .block_on(light_verify_range(
            &args.api_url,
            &args.rpc_url,
            args.block,
            last,
            pinned,
            options,
        ))
        .map_err(|e| {
            let cause = match &e {
                LightClientError::InRange { source, .. } => source.as_ref(),
                other => other,
            };
            match cause {
                LightClientError::Rpc { .. }
                | LightClientError::BadApiResponse(_)
                | LightClientError::BlockNotFinal { .. }
                | LightClientError::VerifierTask(_) => unusable(e),
                _ => invalid(e),
            }
        })?;
    let reports: Vec<_> = verified.iter().map(report).collect();
    let shown = match (args.to, reports.as_slice()) {
        (None, [single]) => single.clone(),
        _ => serde_json::Value::Array(reports),
    };
    println!("{}", serde_json::to_string_pretty(&shown).expect("JSON"));
    Ok(())
}

/// One verified block as the command prints it.
fn report(verified: &VerifiedBlock) -> serde_json::Value {
    let o = &verified.output;
    json!({
        "block_number": o.block_number,
        "block_hash": o.block_hash.to_hex_string(),
        "parent_hash": o.parent_block_hash.to_hex_string(),
        "previous_state_root": o.previous_state_root.to_hex_string(),
        "new_state_root": o.new_state_root.to_hex_string(),
        "transaction_count": o.transaction_count,
        "os_program_hash": verified.os_program_hash.to_hex_string(),
        "security_bits": verified.security_bits,
        "proof_bytes": verified.proof_size,
        "header_commits_state_root": verified.header_commits_state_root,
    })
}
