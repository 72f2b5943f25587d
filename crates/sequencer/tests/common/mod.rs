//! Starting a devnet on 127.0.0.1:0 for tests, and client helpers.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sequencer::store::Store;
use sequencer::{CairoExecutor, Node, NodeConfig};
use starknet_accounts::{ExecutionEncoding, SingleOwnerAccount};
use starknet_core::types::{Felt, TransactionReceiptWithBlockInfo};
use starknet_providers::jsonrpc::{HttpTransport, JsonRpcClient};
use starknet_providers::{Provider, ProviderError};
use starknet_signers::{LocalWallet, SigningKey};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub type Client = JsonRpcClient<HttpTransport>;

/// A running devnet.
pub struct Devnet {
    pub node: Arc<Node>,
    /// `http://127.0.0.1:PORT`: spec 0.10 at `/`, 0.9 at `/rpc/v0_9`.
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// A small, fast devnet configuration.
pub fn test_config(block_time: Duration, commitment: bool) -> NodeConfig {
    NodeConfig { block_time, commitment, account_count: 3, ..NodeConfig::default() }
}

impl Devnet {
    /// Opens a node on `dir` (or a temporary store) and serves it.
    pub async fn start(dir: Option<&Path>, config: NodeConfig) -> Devnet {
        let store = match dir {
            Some(dir) => Store::open(dir).unwrap(),
            None => Store::temporary().unwrap(),
        };
        let executor = Arc::new(CairoExecutor::with_config(config.executor_config()));
        let node = Arc::new(Node::open(store, config, executor).unwrap());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let served = node.clone();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            sequencer::server::run(served, listener, shutdown).await.unwrap();
        });
        Devnet { node, url, stop: Some(stop), task: Some(task) }
    }

    /// The URL of the path serving `version`.
    pub fn url_of(&self, version: chain::rpc::SpecVersion) -> String {
        format!("{}{}", self.url, version.path())
    }

    /// A starknet-rs client, on the 0.9 path (starknet-rs 0.16 speaks spec 0.9).
    pub fn client(&self) -> Client {
        let url = self.url_of(chain::rpc::SpecVersion::V0_9);
        JsonRpcClient::new(HttpTransport::new(url::Url::parse(&url).unwrap()))
    }

    /// Prefunded account `index` as a starknet-rs account (legacy Cairo 0 calldata).
    pub fn account(&self, index: usize) -> SingleOwnerAccount<Client, LocalWallet> {
        let dev = &self.node.genesis().accounts[index];
        let signer = LocalWallet::from(SigningKey::from_secret_scalar(dev.private_key));
        SingleOwnerAccount::new(
            self.client(),
            signer,
            dev.address,
            self.node.config().chain_id.as_felt(),
            ExecutionEncoding::Legacy,
        )
    }

    /// Stops the server and the producer, and waits for them.
    pub async fn stop(mut self) -> Arc<Node> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
        self.node.clone()
    }
}

/// Polls until the transaction has a receipt (at most ~20 s).
pub async fn wait_for_receipt(client: &Client, hash: Felt) -> TransactionReceiptWithBlockInfo {
    for _ in 0..200 {
        match client.get_transaction_receipt(hash).await {
            Ok(receipt) => return receipt,
            Err(ProviderError::StarknetError(
                starknet_core::types::StarknetError::TransactionHashNotFound,
            )) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(error) => panic!("receipt of {hash:#x}: {error}"),
        }
    }
    panic!("no receipt for {hash:#x}");
}

/// `get_selector_from_name`.
pub fn selector(name: &str) -> Felt {
    starknet_core::utils::get_selector_from_name(name).unwrap()
}

/// The executor's test contract with an `@l1_handler` (`deposit(from_address, user, amount)`,
/// view `get_balance(user)`), compiled by cairo-lang.
pub const L1_HANDLER_JSON: &str = include_str!("../../../executor/tests/fixtures/l1_handler.json");

/// Declares the L1 handler contract (DECLARE v1) and deploys it through the UDC (salt 1, not
/// unique) from genesis account `index`, whose next nonces are `nonce` and `nonce + 1`; waits
/// for both and returns the contract's address.
pub async fn deploy_l1_handler(devnet: &Devnet, index: usize, nonce: u64) -> Felt {
    use jsonrpsee::core::client::ClientT;
    let class = sequencer::classes::parse_class_json(L1_HANDLER_JSON).unwrap();
    let dev = devnet.node.genesis().accounts[index].clone();
    let chain_id = devnet.node.config().chain_id;
    let raw = jsonrpsee::http_client::HttpClientBuilder::default()
        .max_request_size(16 << 20)
        .build(&devnet.url)
        .unwrap();
    let (declare, transaction) = sequencer::signing::declare_v1(
        chain_id,
        dev.address,
        &dev.private_key,
        Felt::from(nonce),
        &class,
    )
    .unwrap();
    let _: serde_json::Value = raw
        .request("starknet_addDeclareTransaction", jsonrpsee::rpc_params![transaction])
        .await
        .unwrap();
    let salt = Felt::ONE;
    let calldata = sequencer::signing::single_call_calldata(
        sequencer::genesis::UDC_ADDRESS,
        selector("deployContract"),
        &[class.class_hash, salt, Felt::ZERO, Felt::ZERO],
    );
    let (deploy, transaction) = sequencer::signing::invoke_v3(
        chain_id,
        dev.address,
        &dev.private_key,
        Felt::from(nonce + 1),
        calldata,
    )
    .unwrap();
    let _: serde_json::Value = raw
        .request("starknet_addInvokeTransaction", jsonrpsee::rpc_params![transaction])
        .await
        .unwrap();
    let client = devnet.client();
    wait_for_receipt(&client, declare).await;
    let receipt = wait_for_receipt(&client, deploy).await;
    assert_eq!(
        receipt.receipt.execution_result(),
        &starknet_core::types::ExecutionResult::Succeeded
    );
    starknet_core::utils::get_udc_deployed_address(
        salt,
        class.class_hash,
        &starknet_core::utils::UdcUniqueness::NotUnique,
        &[],
    )
}
