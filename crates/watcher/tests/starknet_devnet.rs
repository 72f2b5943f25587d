//! Following a sequencer we did not write: starknet-devnet (0.10.1) with a fixed seed, its
//! predeployed Cairo 1 (OpenZeppelin) accounts, its Cairo 1 STRK ERC-20 and UDC. starknet-rs
//! sends an ERC-20 transfer (fee estimated), a DECLARE v3 of a Cairo 1 class compiled by
//! cairo-lang, its deployment through the UDC, a call into it and a reverted call, then six empty
//! blocks (`devnet_createBlock`: blocks 10 and 11 store blocks 0's and 1's hashes at address 1);
//! the watcher
//! (`--sequencer-flavor starknet-devnet`, fees in STRK) takes genesis from block 0's state update,
//! replays every block without divergence (transaction hashes, state diffs, the header's
//! commitments over receipts and events, starknet-devnet's block hashes), computes the state
//! roots starknet-devnet does not (it reports 0), and proves every block but genesis (bound to
//! starknet-devnet's block hashes and the roots computed here). Proving takes about 16 GB of memory
//! (`PROVE_MEMORY_GIB`, default 20) and some ten minutes on 2 cores.
//!
//! Needs the `starknet-devnet` binary: `scripts/starknet-devnet.sh` installs it and runs this
//! test (`STARKNET_DEVNET=/path/to/starknet-devnet cargo test -p watcher --test starknet_devnet
//! -- --ignored` with one already installed).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use e2e::cairo_lang_test_class;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::rpc_params;
use proof_store::{Felt32, JobStatus};
use serde_json::Value;
use starknet_accounts::{Account, ExecutionEncoding, SingleOwnerAccount};
use starknet_contract::{ContractFactory, UdcSelector};
use starknet_core::types::contract::SierraClass as CompilerOutput;
use starknet_core::types::{Call, Felt};
use starknet_core::utils::get_selector_from_name;
use starknet_providers::Provider;
use starknet_providers::jsonrpc::{HttpTransport, JsonRpcClient};
use starknet_signers::{LocalWallet, SigningKey};
use state::StateReader;
use watcher::SequencerFlavor;

/// starknet-devnet's STRK ERC-20 (Starknet's address), the token its v3 transactions pay in.
const STRK: Felt =
    Felt::from_hex_unchecked("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

/// A starknet-devnet child process, killed on drop.
struct StarknetDevnet {
    child: Child,
    url: String,
}

impl Drop for StarknetDevnet {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary named by `STARKNET_DEVNET`, if it exists.
fn starknet_devnet_binary() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os("STARKNET_DEVNET")?);
    path.is_file().then_some(path)
}

async fn start_starknet_devnet(binary: &Path) -> StarknetDevnet {
    let addr = free_addr();
    let child = Command::new(binary)
        .args(["--seed", "0", "--accounts", "3", "--host", "127.0.0.1"])
        // The predeployed state is read at block 0 after later blocks exist.
        .args(["--state-archive-capacity", "full"])
        .args(["--port", &addr.port().to_string()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("{}: {error}", binary.display()));
    let devnet = StarknetDevnet { child, url: format!("http://{addr}") };
    let rpc = client(&devnet.url);
    wait_for(60, "starknet-devnet to answer", || async {
        rpc.request::<String, _>("starknet_chainId", rpc_params![]).await.is_ok()
    })
    .await;
    devnet
}

type Client = JsonRpcClient<HttpTransport>;

fn provider(url: &str) -> Client {
    JsonRpcClient::new(HttpTransport::new(url.parse::<url::Url>().unwrap()))
}

/// Predeployed account `index` (a Cairo 1 OpenZeppelin account: `__execute__` takes
/// `Array<Call>`).
async fn account(devnet: &StarknetDevnet, index: usize) -> SingleOwnerAccount<Client, LocalWallet> {
    let accounts: Value =
        client(&devnet.url).request("devnet_getPredeployedAccounts", rpc_params![]).await.unwrap();
    let felt = |name: &str| Felt::from_hex(accounts[index][name].as_str().unwrap()).unwrap();
    let signer = LocalWallet::from(SigningKey::from_secret_scalar(felt("private_key")));
    let provider = provider(&devnet.url);
    let chain_id = provider.chain_id().await.unwrap();
    SingleOwnerAccount::new(provider, signer, felt("address"), chain_id, ExecutionEncoding::New)
}

/// Waits for `hash`'s receipt (starknet-devnet makes a block per transaction) and returns it.
async fn receipt(devnet: &StarknetDevnet, hash: Felt) -> Value {
    let rpc = client(&devnet.url);
    for _ in 0..300 {
        match rpc.request("starknet_getTransactionReceipt", rpc_params![hash]).await {
            Ok(receipt) => return receipt,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("no receipt for {hash:#x}");
}

fn selector(name: &str) -> Felt {
    get_selector_from_name(name).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs starknet-devnet 0.10.1: scripts/starknet-devnet.sh"]
async fn starknet_devnet_blocks_are_replayed_without_divergence() {
    let Some(binary) = starknet_devnet_binary() else {
        eprintln!(
            "skipped: set STARKNET_DEVNET to a starknet-devnet 0.10.1 binary \
             (scripts/starknet-devnet.sh installs one and runs this test)"
        );
        return;
    };
    init_logs();
    let devnet = start_starknet_devnet(&binary).await;
    let sender = account(&devnet, 0).await;
    let recipient = account(&devnet, 1).await.address();

    // 1. An ERC-20 (STRK) transfer, its fee estimated by starknet-rs.
    let transfer = Call {
        to: STRK,
        selector: selector("transfer"),
        calldata: vec![recipient, Felt::from(1_000_000u64), Felt::ZERO],
    };
    let sent = sender.execute_v3(vec![transfer]).send().await.unwrap();
    let transferred = receipt(&devnet, sent.transaction_hash).await;
    assert_eq!(transferred["execution_status"], "SUCCEEDED", "{transferred}");
    assert_ne!(transferred["actual_fee"]["amount"], "0x0", "{transferred}");
    assert_eq!(transferred["actual_fee"]["unit"], "FRI", "{transferred}");

    // 2. A Cairo 1 class compiled by cairo-lang, declared (DECLARE v3) with the compiled class
    //    hash of starknet-devnet's compiler, deployed through the (Cairo 1) UDC, called.
    let (sierra, _) = cairo_lang_test_class("hello_starknet__hello_starknet");
    let output: CompilerOutput = serde_json::from_str(&sierra).unwrap();
    let class = Arc::new(output.flatten().unwrap());
    let class_hash = class.class_hash();
    let compiled = executor::SierraClass::compile(Arc::clone(&class)).unwrap();
    let declared =
        sender.declare_v3(Arc::clone(&class), compiled.compiled_class_hash()).send().await.unwrap();
    assert_eq!(declared.class_hash, class_hash);
    let declare_receipt = receipt(&devnet, declared.transaction_hash).await;
    assert_eq!(declare_receipt["execution_status"], "SUCCEEDED", "{declare_receipt}");
    let factory = ContractFactory::new_with_udc(class_hash, &sender, UdcSelector::New);
    let deployment = factory.deploy_v3(vec![], Felt::from(0xc0ffeeu64), false);
    let hello = deployment.deployed_address();
    let sent = deployment.send().await.unwrap();
    let deployed = receipt(&devnet, sent.transaction_hash).await;
    assert_eq!(deployed["execution_status"], "SUCCEEDED", "{deployed}");
    let increase = |amount: u64| Call {
        to: hello,
        selector: selector("increase_balance"),
        calldata: vec![Felt::from(amount)],
    };
    let sent = sender.execute_v3(vec![increase(42)]).send().await.unwrap();
    let called = receipt(&devnet, sent.transaction_hash).await;
    assert_eq!(called["execution_status"], "SUCCEEDED", "{called}");
    assert!(!called["events"].as_array().unwrap().is_empty(), "the fee transfer's event");

    // 3. A reverted INVOKE (a u32 overflow in the class), with bounds set by hand since a
    //    reverting transaction has no fee estimate; it pays its fee and bumps the nonce.
    let price = 3_000_000_000u128; // above starknet-devnet's default prices (10^9 fri)
    let sent = sender
        .execute_v3(vec![increase(u64::from(u32::MAX))])
        .l1_gas(0)
        .l1_gas_price(price)
        .l2_gas(60_000_000)
        .l2_gas_price(price)
        .l1_data_gas(5_000)
        .l1_data_gas_price(price)
        .send()
        .await
        .unwrap();
    let reverted = receipt(&devnet, sent.transaction_hash).await;
    assert_eq!(reverted["execution_status"], "REVERTED", "{reverted}");
    let reason = reverted["revert_reason"].as_str().unwrap();
    assert!(reason.contains("u32_add Overflow"), "{reason}");
    let tx_head = reverted["block_number"].as_u64().unwrap();
    assert_eq!(tx_head, 5, "genesis, then a block per transaction");
    // Empty blocks up to 11 (`devnet_createBlock`): from block 10 on, each block stores the hash
    // of the block ten below it at address 1 (blocks 10 and 11: blocks 0's and 1's), which
    // replay and the OS make too.
    for _ in 0..6 {
        let _: Value =
            client(&devnet.url).request("devnet_createBlock", rpc_params![]).await.unwrap();
    }
    let head = tx_head + 6;

    // What starknet-devnet publishes: no state root, its own block hash.
    let rpc = client(&devnet.url);
    let mut blocks = Vec::new();
    for number in 0..=head {
        let block: Value = rpc
            .request("starknet_getBlockWithTxHashes", rpc_params![json_block(number)])
            .await
            .unwrap();
        assert_eq!(block["new_root"], "0x0", "starknet-devnet computes no state root");
        let hash = Felt::from_hex(block["block_hash"].as_str().unwrap()).unwrap();
        let sequencer = Felt::from_hex(block["sequencer_address"].as_str().unwrap()).unwrap();
        let count = block["transactions"].as_array().unwrap().len() as u64;
        assert_eq!(
            chain::devnet_block_hash::starknet_devnet_block_hash(number, sequencer, count),
            hash,
            "block {number}: {block}"
        );
        blocks.push(block);
    }

    // The watcher, from genesis, with fees in STRK and starknet-devnet's ways.
    let dir = tempfile::tempdir().unwrap();
    let mut options = ServiceOptions::with_os_prover(&devnet.url, dir.path()).await;
    // A block of this chain is about 773k OS steps (most of them the Blake2s hashes of the
    // account's and the token's CASM) and takes about 16 GB to prove at test security: more than
    // the default share of a 24 GiB machine. PROVE_MEMORY_GIB sets the budget (default 20).
    let gib: u64 = std::env::var("PROVE_MEMORY_GIB").map_or(20, |text| text.parse().unwrap());
    let budget = watcher::budget::ProveBudget {
        max_steps: watcher::budget::DEFAULT_MAX_STEPS,
        max_memory_bytes: gib << 30,
    };
    options.prover = Arc::new(watcher::OsProver::with_budget(stark::SecurityPreset::Test, budget));
    options.fee_token = Some(STRK);
    options.flavor = SequencerFlavor::StarknetDevnet;
    let service = Service::start(options).await;
    wait_progress(&service.progress, 1800, "every block settled", |p| {
        p.settled_through.is_some_and(|n| n >= head)
    })
    .await;

    // Every block replayed without divergence, each root the root of starknet-devnet's
    // predeployed state (read at block 0: it is in no state update) and then its state updates
    // applied in order (so replay committed exactly its diffs), and each job "not provable
    // yet" with its reason.
    let watcher_client =
        watcher::SequencerClient::new(&devnet.url, Duration::from_secs(10)).unwrap();
    let predeployed = watcher::devnet_genesis::predeployed_state(&watcher_client).await.unwrap();
    assert!(predeployed.deployed_contracts.contains_key(&STRK), "{predeployed:?}");
    assert!(predeployed.deployed_contracts.contains_key(&sender.address()));
    assert!(!predeployed.declared_classes.is_empty(), "the Cairo 1 classes");
    let expected = state::State::new(state::MemoryBackend::new());
    let mut roots = Vec::new();
    let mut statuses = Vec::new();
    for number in 0..=head {
        let update: chain::rpc::types::StateUpdate = serde_json::from_value(
            rpc.request("starknet_getStateUpdate", named(&[("block_id", json_block(number))]))
                .await
                .unwrap(),
        )
        .unwrap();
        assert_eq!(update.new_root, Felt::ZERO);
        let mut diff = chain::rpc::convert::state_diff_from_rpc(&update.state_diff);
        if number == 0 {
            assert!(diff.deployed_contracts.is_empty(), "starknet-devnet lists no predeployment");
            let mut genesis = predeployed.clone();
            genesis.merge(&diff);
            diff = genesis;
        }
        let root = expected.commit_block(number, &diff).unwrap().global_root();
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.state_root, Some(felt32(root)), "block {number}");
        let served = service.api("prover_getStateRoot", rpc_params![number]).await;
        assert_eq!(served["state_root"], felt32(root).to_string(), "{served}");
        statuses.push((number, job.status.clone(), job.attempts, served["proven"].clone()));
        roots.push(root);
    }
    eprintln!("jobs: {statuses:#?}");
    // Genesis is not provable (its state is the chain's definition). Blocks 1 to 5 (the
    // transfer, the DECLARE, the UDC deployment, the call, the reverted INVOKE) are proven:
    // fees, the Cairo-steps mode of the predeployed account (Sierra before 1.7.0), the Cairo 1
    // deploy syscall, a Cairo 1 account's revert and starknet-devnet's block hash in the OS,
    // each proof verified by the pipeline against the block replay computed; so are the empty
    // blocks 6 to 11, the last two with the block-hash contract's write.
    for (number, status, attempts, proven) in &statuses {
        if (1..=head).contains(number) {
            assert_eq!(*status, JobStatus::Stored, "block {number}");
            assert_eq!(*proven, Value::Bool(true), "block {number}");
            continue;
        }
        assert_eq!(*proven, Value::Bool(false), "block {number}");
        let JobStatus::Failed { reason } = status else { panic!("block {number}: {status:?}") };
        assert!(reason.starts_with("not provable yet: "), "block {number}: {reason}");
        assert_eq!(*attempts, 1, "block {number}: not provable yet is not retried");
        assert!(reason.contains("genesis"), "block {number}: {reason}");
    }
    for (number, pair) in (1..).zip(roots.windows(2)) {
        let changes = number <= tx_head || number >= 10;
        assert_eq!(pair[0] != pair[1], changes, "block {number} changes the state: {changes}");
    }
    assert_eq!(metric(&service.metrics, "watcher_prover_divergent_blocks_total"), 0.0);
    assert_eq!(metric(&service.metrics, "watcher_prover_divergence_rechecks_total"), 0.0);
    service.stop().await;

    // The watcher's state after the last block is starknet-devnet's: balances (fees paid, the
    // transfer), nonces, the deployed class, the contract's storage.
    let chain_id = watcher_client.chain_id().await.unwrap();
    let replayer =
        watcher::Replayer::open(&dir.path().join("watcher").join("state"), chain_id).unwrap();
    let state = replayer.state().at_block(head).unwrap();
    let latest = serde_json::json!("latest");
    let balance_key = |owner: Felt| {
        starknet_core::utils::get_storage_var_address("ERC20_balances", &[owner]).unwrap()
    };
    for (address, key) in [
        (STRK, balance_key(sender.address())),
        (STRK, balance_key(recipient)),
        (STRK, balance_key(Felt::from(0x1000u64))),
        (hello, starknet_core::utils::get_storage_var_address("balance", &[]).unwrap()),
    ] {
        let served: Felt = rpc
            .request(
                "starknet_getStorageAt",
                named(&[
                    ("contract_address", serde_json::json!(address)),
                    ("key", serde_json::json!(key)),
                    ("block_id", latest.clone()),
                ]),
            )
            .await
            .unwrap();
        assert_ne!(served, Felt::ZERO, "{address:#x} {key:#x}");
        assert_eq!(state.storage_at(address, key).unwrap(), served, "{address:#x} {key:#x}");
    }
    let nonce: Felt = rpc
        .request(
            "starknet_getNonce",
            named(&[
                ("block_id", latest.clone()),
                ("contract_address", serde_json::json!(sender.address())),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(nonce, Felt::from(5u64), "transfer, declare, deploy, call, revert");
    assert_eq!(state.nonce_at(sender.address()).unwrap(), nonce);
    assert_eq!(state.class_hash_at(hello).unwrap(), class_hash);
    // The block-hash contract (which starknet-devnet's `getStorageAt` does not serve: "Contract
    // not found"; its writes were in the state updates checked above): blocks 0's and 1's hashes.
    for old in [0usize, 1] {
        let hash = Felt::from_hex(blocks[old]["block_hash"].as_str().unwrap()).unwrap();
        assert_eq!(state.storage_at(Felt::ONE, Felt::from(old)).unwrap(), hash, "block {old}");
    }
}

fn felt32(felt: Felt) -> Felt32 {
    Felt32::from_bytes(felt.to_bytes_be())
}

/// Params by name (starknet-devnet reads a positional list as a fixed-length tuple).
fn named(params: &[(&str, Value)]) -> jsonrpsee::core::params::ObjectParams {
    let mut object = jsonrpsee::core::params::ObjectParams::new();
    for (name, value) in params {
        object.insert(name, value).unwrap();
    }
    object
}

fn json_block(number: u64) -> Value {
    serde_json::json!({ "block_number": number })
}
