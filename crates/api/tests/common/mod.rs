//! Test harness: a real API server on 127.0.0.1:0 over a sled job index and a filesystem
//! proof store in a temp dir, a JSON-RPC client, a minimal HTTP/1.1 client, and the golden
//! proofs of `cairo-air`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use api::{ApiState, Metrics, VerifyPolicy};
use chain::Felt;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use proof_store::{
    Felt32, FsProofStore, JobIndex, JobStatus, ProofKey, ProofMetadata, ProofStore, ProvingReport,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestServer {
    pub address: SocketAddr,
    pub client: HttpClient,
    pub store: FsProofStore,
    pub jobs: JobIndex,
    pub metrics: Metrics,
    shutdown: Option<oneshot::Sender<()>>,
    pub task: Option<JoinHandle<Result<(), api::ApiError>>>,
    _dir: tempfile::TempDir,
}

/// The golden fibonacci(10) proof at `standard` security (100 bits), output `[10, 89]`.
pub fn golden_standard_proof() -> Vec<u8> {
    std::fs::read(cairo_air_path("tests/fixtures/fibonacci-10-standard.proof")).unwrap()
}

/// The golden fibonacci(10) proof at `test` security.
pub fn golden_test_proof() -> Vec<u8> {
    std::fs::read(cairo_air_path("tests/fixtures/fibonacci-10-test.proof")).unwrap()
}

/// Hash of the fibonacci program, which stands in for the OS program here.
pub fn fibonacci_hash() -> Felt {
    let json = std::fs::read(cairo_air_path("programs/fibonacci.json")).unwrap();
    cairo_air::load_program(&json).unwrap().hash()
}

fn cairo_air_path(relative: &str) -> String {
    format!("{}/../cairo-air/{relative}", env!("CARGO_MANIFEST_DIR"))
}

pub fn standard_policy() -> VerifyPolicy {
    VerifyPolicy { min_security_bits: 100, os_program_hash: fibonacci_hash() }
}

pub fn hash(value: u64) -> Felt32 {
    Felt32::from_u64(0xb10c_0000 + value)
}

pub fn root(value: u64) -> Felt32 {
    Felt32::from_u64(0x2007_0000 + value)
}

impl TestServer {
    pub async fn start(policy: VerifyPolicy) -> TestServer {
        Self::start_with(policy, api::ApiConfig::default()).await
    }

    pub async fn start_with(policy: VerifyPolicy, config: api::ApiConfig) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let store = FsProofStore::open(dir.path().join("proofs")).await.unwrap();
        let jobs = JobIndex::open(dir.path().join("jobs")).unwrap();
        let metrics = Metrics::new();
        let state = ApiState::with_config(
            Arc::new(store.clone()),
            jobs.clone(),
            policy,
            metrics.clone(),
            config,
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(api::run(listener, state, async {
            let _ = stop.await;
        }));
        let client = HttpClientBuilder::default()
            .max_response_size(64 << 20)
            .max_request_size(64 << 20)
            .build(format!("http://{address}"))
            .unwrap();
        TestServer {
            address,
            client,
            store,
            jobs,
            metrics,
            shutdown: Some(shutdown),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Enqueues block `n` (hash `hash(n)`, parent `hash(n - 1)`, or 0 for genesis).
    pub async fn enqueue(&self, n: u64) {
        let parent = n.checked_sub(1).map(hash).unwrap_or_default();
        self.jobs.enqueue(n, hash(n), parent).await.unwrap();
    }

    /// Enqueues and replays block `n` with root `root(n)`.
    pub async fn replay(&self, n: u64) {
        self.enqueue(n).await;
        self.jobs.mark_replayed(n, hash(n), root(n)).await.unwrap();
    }

    /// Takes block `n` through the whole pipeline with `proof` as its proof.
    pub async fn store_proof(&self, n: u64, proof: &[u8]) {
        self.replay(n).await;
        self.jobs.transition(n, hash(n), JobStatus::Proving).await.unwrap();
        self.jobs.transition(n, hash(n), JobStatus::Proven).await.unwrap();
        let key = ProofKey::new(n, hash(n)).unwrap();
        self.store.put(&key, proof, &metadata(&key, proof)).await.unwrap();
        self.jobs.transition(n, hash(n), JobStatus::Stored).await.unwrap();
    }

    /// Shuts the server down and waits for `run` to return.
    pub async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(15), task)
                .await
                .expect("run returns after shutdown")
                .unwrap()
                .unwrap();
        }
    }

    /// `GET path` over a fresh connection: status, headers (lowercase names), body.
    pub async fn get(&self, path: &str) -> HttpReply {
        http_request(self.address, "GET", path).await
    }
}

pub fn metadata(key: &ProofKey, proof: &[u8]) -> ProofMetadata {
    ProofMetadata::new(
        key,
        proof,
        ProvingReport {
            security_bits: 100,
            os_program_hash: Felt32(fibonacci_hash().to_bytes_be()),
            prover_version: "test".into(),
            proving_time: Duration::from_millis(1234),
            trace_steps: 4096,
        },
    )
}

#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// A minimal HTTP/1.1 client: one request, `Connection: close`, content-length or chunked body.
pub async fn http_request(address: SocketAddr, method: &str, path: &str) -> HttpReply {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (key, value) = line.split_once(':').unwrap();
            (key.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    } else if let Some((_, length)) = headers.iter().find(|(k, _)| k == "content-length") {
        assert_eq!(body.len(), length.parse::<usize>().unwrap(), "body length");
    }
    HttpReply { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}
