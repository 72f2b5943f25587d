//! `light_verify` end to end: the real `api` server (sled job index and filesystem proof store
//! in a temp dir) serves a real proof, a jsonrpsee mock sequencer on 127.0.0.1 serves headers
//! built with `chain`, and the light client checks one against the other.
//!
//! The proofs are of `tests/programs/block_output.cairo`, a fixture that copies a block public
//! output from its program input: it stands in for the OS program (not written yet) in these
//! tests only.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use api::{ApiState, Metrics, VerifyPolicy};
use cairo_air::{CairoVerifyError, prove_execution, run_program};
use chain::rpc::convert::block_with_tx_hashes;
use chain::rpc::types::{
    BlockId, BlockStatus, BlockWithTxHashes, MaybePreConfirmedBlockWithTxHashes,
};
use chain::{BlockHeader, BlockPublicOutput, ChainId, FeeTokens, Felt};
use jsonrpsee::RpcModule;
use jsonrpsee::server::{Server, ServerHandle};
use jsonrpsee::types::ErrorObjectOwned;
use light_client::{LightClientError, LightClientOptions, light_verify, light_verify_with};
use proof_store::{
    Felt32, FsProofStore, JobIndex, JobStatus, ProofKey, ProofMetadata, ProofStore, ProvingReport,
};
use serde_json::Value;
use stark::SecurityPreset;
use tokio::net::TcpListener;

const BLOCK: u64 = 5;

fn program_json() -> Vec<u8> {
    let path = format!("{}/tests/programs/block_output.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Hash of the fixture program: what the tests pin in place of the OS program hash.
fn fixture_hash() -> Felt {
    cairo_air::load_program(&program_json()).unwrap().hash()
}

fn felt32(felt: Felt) -> Felt32 {
    Felt32(felt.to_bytes_be())
}

fn header(number: u64, parent_hash: Felt, state_root: u64, transactions: &[Felt]) -> BlockHeader {
    BlockHeader {
        block_number: number,
        parent_hash,
        timestamp: 1_700_000_000 + number,
        sequencer_address: Felt::from(0x5eu64),
        state_root: Felt::from(state_root),
        transaction_count: transactions.len() as u64,
        transaction_commitment: Felt::from(0x7c00_0000 + number),
        event_count: 0,
        event_commitment: Felt::ZERO,
        receipt_commitment: Felt::ZERO,
        state_diff_commitment: Felt::from(0xd1ff_0000 + number),
        state_diff_length: 1,
        gas_prices: Default::default(),
        l1_da_mode: Default::default(),
        starknet_version: chain::block::StarknetVersion::current(),
    }
}

/// A small chain: genesis, blocks 1..=5, each with its transaction hashes.
struct Chain {
    headers: Vec<(BlockHeader, Vec<Felt>)>,
}

impl Chain {
    fn new() -> Chain {
        let mut headers: Vec<(BlockHeader, Vec<Felt>)> = Vec::new();
        for number in 0..=BLOCK {
            let parent_hash = headers.last().map(|(h, _)| h.hash()).unwrap_or(Felt::ZERO);
            let transactions: Vec<Felt> =
                (0..number).map(|i| Felt::from(0x7a00 + number * 16 + i)).collect();
            headers
                .push((header(number, parent_hash, 0x1000 + number, &transactions), transactions));
        }
        Chain { headers }
    }

    /// What the OS writes for block `number` (the fixture program copies it).
    fn output(&self, number: u64) -> BlockPublicOutput {
        let (header, transactions) = &self.headers[number as usize];
        let previous_root = match number {
            0 => Felt::ZERO,
            n => self.headers[n as usize - 1].0.state_root,
        };
        BlockPublicOutput::for_header(
            header,
            transactions,
            Felt::ONE,
            ChainId::DEVNET,
            FeeTokens::single(Some(Felt::from(0xfee_u64))),
            previous_root,
        )
    }

    /// The sequencer's view of the chain.
    fn rpc_blocks(&self) -> HashMap<u64, BlockWithTxHashes> {
        self.headers
            .iter()
            .map(|(header, txs)| {
                let block = block_with_tx_hashes(header, BlockStatus::AcceptedOnL2, txs.clone());
                (header.block_number, block)
            })
            .collect()
    }
}

fn chain() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(Chain::new)
}

/// A proof of the fixture program writing `output`.
fn prove(output: &BlockPublicOutput, preset: SecurityPreset) -> Vec<u8> {
    let input: serde_json::Map<String, Value> = BlockPublicOutput::FIELD_NAMES
        .iter()
        .zip(output.to_felts())
        .map(|(name, felt)| (name.to_string(), Value::String(felt.to_hex_string())))
        .collect();
    let execution = run_program(&program_json(), Some(&Value::Object(input))).unwrap();
    assert_eq!(
        BlockPublicOutput::from_felts(
            &cairo_air::verify_proof(
                &prove_execution(&execution, &SecurityPreset::Test.options()).unwrap(),
                &cairo_air::CairoPolicy {
                    acceptance: stark::AcceptancePolicy::insecure(),
                    program: cairo_air::ProgramPin::Any,
                },
            )
            .unwrap()
            .output
        ),
        Ok(*output),
        "the fixture program writes its input as the public output"
    );
    prove_execution(&execution, &preset.options()).unwrap()
}

/// The `standard` proof of block 5 (the policy a real light client uses).
fn block_proof() -> &'static [u8] {
    static PROOF: OnceLock<Vec<u8>> = OnceLock::new();
    PROOF.get_or_init(|| prove(&chain().output(BLOCK), SecurityPreset::Standard))
}

/// The prover side: the real API server over a real job index and proof store.
struct Prover {
    url: String,
    jobs: JobIndex,
    store: FsProofStore,
    _dir: tempfile::TempDir,
}

impl Prover {
    async fn start() -> Prover {
        let dir = tempfile::tempdir().unwrap();
        let store = FsProofStore::open(dir.path().join("proofs")).await.unwrap();
        let jobs = JobIndex::open(dir.path().join("jobs")).unwrap();
        let policy = VerifyPolicy { min_security_bits: 100, os_program_hash: fixture_hash() };
        let state = ApiState::new(Arc::new(store.clone()), jobs.clone(), policy, Metrics::new());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        // The server stops with the test's runtime.
        tokio::spawn(api::run(listener, state, std::future::pending()));
        Prover { url, jobs, store, _dir: dir }
    }

    /// Publishes `proof` as the proof of block `number` of `chain()`.
    async fn publish(&self, number: u64, proof: &[u8]) {
        let (header, _) = &chain().headers[number as usize];
        let hash = felt32(header.hash());
        self.jobs.enqueue(number, hash, felt32(header.parent_hash)).await.unwrap();
        self.jobs.mark_replayed(number, hash, felt32(header.state_root)).await.unwrap();
        self.jobs.transition(number, hash, JobStatus::Proving).await.unwrap();
        self.jobs.transition(number, hash, JobStatus::Proven).await.unwrap();
        let key = ProofKey::new(number, hash).unwrap();
        let report = ProvingReport {
            security_bits: 100,
            os_program_hash: felt32(fixture_hash()),
            prover_version: "test".into(),
            proving_time: std::time::Duration::from_millis(10),
            trace_steps: 100,
        };
        self.store.put(&key, proof, &ProofMetadata::new(&key, proof, report)).await.unwrap();
        self.jobs.transition(number, hash, JobStatus::Stored).await.unwrap();
    }
}

/// A mock sequencer: `starknet_getBlockWithTxHashes` and `starknet_chainId` over JSON-RPC.
struct Sequencer {
    url: String,
    _handle: ServerHandle,
}

struct SequencerState {
    blocks: HashMap<u64, BlockWithTxHashes>,
    chain_id: Felt,
}

impl Sequencer {
    async fn start(blocks: HashMap<u64, BlockWithTxHashes>, chain_id: Felt) -> Sequencer {
        let mut module = RpcModule::new(SequencerState { blocks, chain_id });
        module
            .register_method("starknet_getBlockWithTxHashes", |params, state, _| {
                let block_id: BlockId = params.one()?;
                let BlockId::Number(number) = block_id else {
                    return Err(ErrorObjectOwned::owned(-32602, "mock: numbers only", None::<()>));
                };
                state
                    .blocks
                    .get(&number)
                    .cloned()
                    .map(MaybePreConfirmedBlockWithTxHashes::Block)
                    .ok_or_else(|| ErrorObjectOwned::owned(24, "Block not found", None::<()>))
            })
            .unwrap();
        module
            .register_method("starknet_chainId", |_, state, _| {
                Ok::<_, ErrorObjectOwned>(state.chain_id)
            })
            .unwrap();
        let server = Server::builder().build("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", server.local_addr().unwrap());
        Sequencer { url, _handle: server.start(module) }
    }

    async fn honest() -> Sequencer {
        Sequencer::start(chain().rpc_blocks(), ChainId::DEVNET.as_felt()).await
    }
}

/// Block 5 published with `proof`, and a sequencer whose view `tamper` changed.
async fn verify_block(
    proof: &[u8],
    tamper: impl FnOnce(&mut HashMap<u64, BlockWithTxHashes>),
    pinned: Felt,
) -> Result<light_client::VerifiedBlock, LightClientError> {
    let prover = Prover::start().await;
    prover.publish(BLOCK, proof).await;
    let mut blocks = chain().rpc_blocks();
    tamper(&mut blocks);
    let sequencer = Sequencer::start(blocks, ChainId::DEVNET.as_felt()).await;
    light_verify(&prover.url, &sequencer.url, BLOCK, pinned).await
}

#[tokio::test]
async fn matching_header_passes() {
    let verified = verify_block(block_proof(), |_| {}, fixture_hash()).await.unwrap();
    assert_eq!(verified.output, chain().output(BLOCK));
    assert_eq!(verified.output.block_hash, chain().headers[BLOCK as usize].0.hash());
    assert_eq!(verified.os_program_hash, fixture_hash());
    assert!(verified.security_bits >= 100);
    assert_eq!(verified.proof_size, block_proof().len());
}

#[tokio::test]
async fn tampered_proof_fails() {
    let mut tampered = block_proof().to_vec();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x10;
    let error = verify_block(&tampered, |_| {}, fixture_hash()).await.unwrap_err();
    assert!(matches!(error, LightClientError::InvalidProof(_)), "{error:?}");
}

#[tokio::test]
async fn wrong_block_hash_fails() {
    let error = verify_block(
        block_proof(),
        |blocks| blocks.get_mut(&BLOCK).unwrap().block_hash += Felt::ONE,
        fixture_hash(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LightClientError::BlockHashMismatch { .. }), "{error:?}");
}

#[tokio::test]
async fn wrong_parent_hash_fails() {
    let error = verify_block(
        block_proof(),
        |blocks| blocks.get_mut(&BLOCK).unwrap().parent_hash += Felt::ONE,
        fixture_hash(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LightClientError::ParentHashMismatch { .. }), "{error:?}");
}

#[tokio::test]
async fn wrong_new_root_fails() {
    let error = verify_block(
        block_proof(),
        |blocks| blocks.get_mut(&BLOCK).unwrap().new_root += Felt::ONE,
        fixture_hash(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LightClientError::NewStateRootMismatch { .. }), "{error:?}");
}

#[tokio::test]
async fn wrong_previous_root_fails() {
    let error = verify_block(
        block_proof(),
        |blocks| blocks.get_mut(&(BLOCK - 1)).unwrap().new_root += Felt::ONE,
        fixture_hash(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LightClientError::PreviousStateRootMismatch { .. }), "{error:?}");
}

#[tokio::test]
async fn wrong_pinned_os_hash_fails() {
    let error = verify_block(block_proof(), |_| {}, fixture_hash() + Felt::ONE).await.unwrap_err();
    assert!(matches!(error, LightClientError::OsProgramMismatch { .. }), "{error:?}");
}

#[tokio::test]
async fn other_transactions_fail() {
    let error = verify_block(
        block_proof(),
        |blocks| blocks.get_mut(&BLOCK).unwrap().transactions.swap(0, 1),
        fixture_hash(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LightClientError::TransactionCommitmentMismatch { .. }), "{error:?}");
}

#[tokio::test]
async fn other_chain_fails() {
    let prover = Prover::start().await;
    prover.publish(BLOCK, block_proof()).await;
    let sequencer = Sequencer::start(chain().rpc_blocks(), ChainId::SEPOLIA.as_felt()).await;
    let error = light_verify(&prover.url, &sequencer.url, BLOCK, fixture_hash()).await.unwrap_err();
    assert!(matches!(error, LightClientError::ChainIdMismatch { .. }), "{error:?}");
}

#[tokio::test]
async fn test_security_is_refused_unless_allowed() {
    let weak = prove(&chain().output(BLOCK), SecurityPreset::Test);
    let prover = Prover::start().await;
    prover.publish(BLOCK, &weak).await;
    let sequencer = Sequencer::honest().await;
    let error = light_verify(&prover.url, &sequencer.url, BLOCK, fixture_hash()).await.unwrap_err();
    assert!(
        matches!(error, LightClientError::InvalidProof(CairoVerifyError::Rejected(_))),
        "{error:?}"
    );
    let allowed = LightClientOptions { min_security_bits: 0, ..Default::default() };
    let verified = light_verify_with(&prover.url, &sequencer.url, BLOCK, fixture_hash(), allowed)
        .await
        .unwrap();
    assert_eq!(verified.output, chain().output(BLOCK));
}

#[tokio::test]
async fn genesis_has_no_parent_to_check() {
    let proof = prove(&chain().output(0), SecurityPreset::Test);
    let prover = Prover::start().await;
    prover.publish(0, &proof).await;
    let sequencer = Sequencer::honest().await;
    let allowed = LightClientOptions { min_security_bits: 0, ..Default::default() };
    let verified =
        light_verify_with(&prover.url, &sequencer.url, 0, fixture_hash(), allowed).await.unwrap();
    assert_eq!(verified.output.block_number, 0);
}

#[tokio::test]
async fn unavailable_data_is_an_rpc_error() {
    let prover = Prover::start().await;
    let sequencer = Sequencer::honest().await;
    // The prover has no proof of block 5.
    let error = light_verify(&prover.url, &sequencer.url, BLOCK, fixture_hash()).await.unwrap_err();
    assert!(
        matches!(
            error,
            LightClientError::Rpc { endpoint: "prover API", method: "prover_getProof", .. }
        ),
        "{error:?}"
    );
    // The sequencer does not know block 5.
    prover.publish(BLOCK, block_proof()).await;
    let empty = Sequencer::start(HashMap::new(), ChainId::DEVNET.as_felt()).await;
    let error = light_verify(&prover.url, &empty.url, BLOCK, fixture_hash()).await.unwrap_err();
    assert!(matches!(error, LightClientError::Rpc { endpoint: "sequencer", .. }), "{error:?}");
    // Nothing listens.
    let error = light_verify("http://127.0.0.1:1", &sequencer.url, BLOCK, fixture_hash())
        .await
        .unwrap_err();
    assert!(matches!(error, LightClientError::Rpc { .. }), "{error:?}");
}

#[tokio::test]
async fn proof_of_another_block_fails() {
    // A lying prover serves block 4's (valid) proof as block 5's.
    let proof_of_4 = prove(&chain().output(BLOCK - 1), SecurityPreset::Standard);
    let error = verify_block(&proof_of_4, |_| {}, fixture_hash()).await.unwrap_err();
    assert!(
        matches!(error, LightClientError::BlockNumberMismatch { header: 5, proven: 4 }),
        "{error:?}"
    );
}

#[tokio::test]
async fn proof_without_a_block_output_fails() {
    // A genuine proof of a program that does not write a block public output (fibonacci).
    let root = format!("{}/../cairo-air", env!("CARGO_MANIFEST_DIR"));
    let fibonacci = std::fs::read(format!("{root}/programs/fibonacci.json")).unwrap();
    let execution = run_program(&fibonacci, Some(&serde_json::json!({ "n": 10 }))).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Standard.options()).unwrap();
    let pinned = cairo_air::load_program(&fibonacci).unwrap().hash();
    let error = verify_block(&proof, |_| {}, pinned).await.unwrap_err();
    assert!(matches!(error, LightClientError::MalformedPublicOutput(_)), "{error:?}");
}

#[tokio::test]
async fn api_verify_proof_decodes_the_block_output() {
    use api::ProverApiClient;
    let prover = Prover::start().await;
    prover.publish(BLOCK, block_proof()).await;
    let client = jsonrpsee::http_client::HttpClientBuilder::default().build(&prover.url).unwrap();
    let result = client.verify_proof(Some(BLOCK), None).await.unwrap();
    assert!(result.valid, "{:?}", result.reason);
    assert_eq!(result.block, Some(chain().output(BLOCK)));
}

/// The offline check (what a browser calls, without the `fetch` feature): the same verdicts
/// from a proof and headers in hand.
#[test]
fn offline_verify_block_checks_proof_and_headers() {
    let blocks = chain().rpc_blocks();
    let options = light_client::LightClientOptions::default();
    let chain_id = ChainId::DEVNET.as_felt();
    let verified = light_client::verify_block(
        block_proof(),
        &blocks[&BLOCK],
        blocks.get(&(BLOCK - 1)),
        chain_id,
        fixture_hash(),
        &options,
    )
    .unwrap();
    assert_eq!(verified.output, chain().output(BLOCK));
    // Another block's header, another pinned program, another chain: refused.
    let error = light_client::verify_block(
        block_proof(),
        &blocks[&(BLOCK - 1)],
        blocks.get(&(BLOCK - 2)),
        chain_id,
        fixture_hash(),
        &options,
    )
    .unwrap_err();
    assert!(matches!(error, LightClientError::BlockNumberMismatch { .. }), "{error:?}");
    let error = light_client::verify_block(
        block_proof(),
        &blocks[&BLOCK],
        blocks.get(&(BLOCK - 1)),
        chain_id,
        fixture_hash() + Felt::ONE,
        &options,
    )
    .unwrap_err();
    assert!(matches!(error, LightClientError::OsProgramMismatch { .. }), "{error:?}");
    let error = light_client::verify_block(
        block_proof(),
        &blocks[&BLOCK],
        blocks.get(&(BLOCK - 1)),
        chain_id + Felt::ONE,
        fixture_hash(),
        &options,
    )
    .unwrap_err();
    assert!(matches!(error, LightClientError::ChainIdMismatch { .. }), "{error:?}");
}
