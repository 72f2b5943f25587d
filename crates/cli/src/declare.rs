//! `watcher-prover declare CLASS.json`: declares a class on a devnet, signed by a prefunded
//! account: a Cairo 0 class (output of `starknet-compile-deprecated`) with a DECLARE v1, or a
//! Sierra class (`*.contract_class.json` of the Cairo compiler, or the flattened form
//! `starknet_getClass` serves) with a DECLARE v3 whose compiled class hash is computed here,
//! by compiling the class with the compiler crates the devnet uses.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::rpc_params;
use sequencer::classes::{BundledClasses, parse_class_json};
use sequencer::genesis::dev_account;
use serde_json::{Value, json};
use starknet_core::types::FlattenedSierraClass;
use starknet_core::types::contract::SierraClass;

use crate::devnet_client::{DevnetClient, error_text, field};
use crate::exit::{Failure, unusable};

#[derive(Args)]
pub struct DeclareArgs {
    /// The class: JSON written by `starknet-compile-deprecated` (Cairo 0) or a Sierra contract
    /// class (`*.contract_class.json`).
    class: PathBuf,
    /// The devnet's JSON-RPC URL.
    #[arg(long)]
    rpc_url: String,
    /// Which prefunded account signs (index printed by `devnet`).
    #[arg(long, default_value_t = 0)]
    account_index: u64,
    /// The devnet's `--seed`.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Return as soon as the devnet accepted the transaction, without waiting for its block.
    #[arg(long)]
    no_wait: bool,
}

pub fn run(args: DeclareArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(unusable)?;
    runtime.block_on(declare(args)).map_err(|e| unusable(format!("{e:#}")))
}

async fn declare(args: DeclareArgs) -> Result<()> {
    let json = std::fs::read_to_string(&args.class)
        .with_context(|| format!("cannot read {}", args.class.display()))?;
    let devnet = DevnetClient::connect(&args.rpc_url).await?;
    let account_class = BundledClasses::load()?.account.class_hash;
    let account = dev_account(args.seed, args.account_index, account_class);
    let nonce = devnet.next_nonce(account.address).await?;
    let parsed: Value = serde_json::from_str(&json)
        .with_context(|| format!("{} is not JSON", args.class.display()))?;
    let (hash, transaction) = if parsed.get("sierra_program").is_some() {
        let class = sierra_class(parsed)?;
        let compiled = executor::SierraClass::compile(class.clone())?;
        sequencer::signing::declare_v3(
            devnet.chain_id,
            account.address,
            &account.private_key,
            nonce,
            &class,
            compiled.compiled_class_hash(),
        )?
    } else {
        let class = parse_class_json(&json)?;
        sequencer::signing::declare_v1(
            devnet.chain_id,
            account.address,
            &account.private_key,
            nonce,
            &class,
        )?
    };
    let answer: Value = devnet
        .client
        .request("starknet_addDeclareTransaction", rpc_params![transaction])
        .await
        .map_err(|e| anyhow::anyhow!("declare refused: {}", error_text(e)))?;
    let class_hash = field(&answer, "class_hash")?;
    tracing::info!(transaction = %format!("{hash:#x}"), class_hash = %class_hash, "declare sent");
    let mut summary = json!({
        "transaction_hash": format!("{hash:#x}"),
        "class_hash": class_hash,
        "sender_address": format!("{:#x}", account.address),
    });
    if !args.no_wait {
        summary["status"] = wait_for_block(&devnet, hash).await?;
    }
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

/// A Sierra class from the compiler's JSON (ABI as JSON) or the flattened form (ABI as a
/// string).
fn sierra_class(json: Value) -> Result<Arc<FlattenedSierraClass>> {
    if json["abi"].is_string() {
        return Ok(Arc::new(serde_json::from_value(json).context("not a Sierra class")?));
    }
    let class: SierraClass = serde_json::from_value(json).context("not a Sierra class")?;
    Ok(Arc::new(class.flatten().context("cannot flatten the Sierra class")?))
}

/// Polls the receipt (up to a minute) and returns its execution status.
async fn wait_for_block(devnet: &DevnetClient, hash: chain::Felt) -> Result<Value> {
    for _ in 0..600 {
        let receipt: Result<Value, _> =
            devnet.client.request("starknet_getTransactionReceipt", rpc_params![hash]).await;
        if let Ok(receipt) = receipt {
            let status = field(&receipt, "execution_status")?.clone();
            if status != "SUCCEEDED" {
                bail!("declare reverted: {receipt}");
            }
            return Ok(
                json!({"execution_status": status, "block_number": receipt["block_number"]}),
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("declare {hash:#x} was not included within a minute")
}
