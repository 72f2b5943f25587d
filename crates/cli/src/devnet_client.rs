//! What `load` and `declare` share: a JSON-RPC client of a devnet, its prefunded accounts
//! (derived from the same public seed as the devnet's genesis) and signed transactions.

use anyhow::{Context, Result, bail};
use chain::{ChainId, Felt};
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use sequencer::classes::BundledClasses;
use sequencer::genesis::{self, Genesis};
use serde_json::Value;

/// A connected devnet.
pub struct DevnetClient {
    pub client: HttpClient,
    pub chain_id: ChainId,
}

impl DevnetClient {
    /// Connects and reads the chain id.
    pub async fn connect(url: &str) -> Result<Self> {
        let client = HttpClientBuilder::default()
            .max_request_size(16 << 20)
            .build(url)
            .with_context(|| format!("bad RPC URL {url}"))?;
        let chain_id: String = client
            .request("starknet_chainId", rpc_params![])
            .await
            .with_context(|| format!("no Starknet JSON-RPC at {url}"))?;
        let chain_id = Felt::from_hex(&chain_id).context("chain id is not a felt")?;
        Ok(DevnetClient { client, chain_id: ChainId(chain_id) })
    }

    /// The nonce `account` should use next (counting its transactions waiting in the mempool).
    pub async fn next_nonce(&self, account: Felt) -> Result<Felt> {
        let nonce: Felt = self
            .client
            .request("starknet_getNonce", rpc_params!["pre_confirmed", account])
            .await
            .with_context(|| format!("cannot read the nonce of {account:#x}"))?;
        Ok(nonce)
    }
}

/// The devnet's genesis for `accounts` accounts from `seed` (the `devnet` command's
/// `--accounts` and `--seed`): account keys and contract addresses.
pub fn devnet_genesis(accounts: u64, seed: u64) -> Result<Genesis> {
    let classes = BundledClasses::load()?;
    Ok(genesis::build(&classes, accounts, seed)?)
}

/// `get_selector_from_name`.
pub fn selector(name: &str) -> Result<Felt> {
    Ok(starknet_core::utils::get_selector_from_name(name)?)
}

/// Fails with the server's JSON-RPC error message, if the answer is one.
pub fn error_text(error: jsonrpsee::core::ClientError) -> String {
    match error {
        jsonrpsee::core::ClientError::Call(object) => match object.data() {
            Some(data) => format!("{} ({}): {}", object.message(), object.code(), data.get()),
            None => format!("{} ({})", object.message(), object.code()),
        },
        other => other.to_string(),
    }
}

/// Checks a JSON value is an object with `field`.
pub fn field<'a>(value: &'a Value, name: &str) -> Result<&'a Value> {
    match value.get(name) {
        Some(field) => Ok(field),
        None => bail!("answer has no `{name}`: {value}"),
    }
}
