//! Shared test helpers: an in-process S3 server (s3s + s3s-fs over a temp dir, on 127.0.0.1)
//! and sample proofs.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use proof_store::{
    Felt32, ProofKey, ProofMetadata, ProofStore, ProvingReport, S3Config, S3ProofStore,
    StaticCredentials,
};
use tokio::net::TcpSocket;
use tokio::task::{JoinHandle, JoinSet};

pub const ACCESS_KEY: &str = "test-access-key";
pub const SECRET_KEY: &str = "test-secret-key";
pub const BUCKET: &str = "proofs-test";

/// A real S3-compatible server (s3s-fs) serving `root` on a loopback port.
pub struct S3TestServer {
    pub addr: SocketAddr,
    accept_loop: JoinHandle<()>,
}

impl S3TestServer {
    /// Starts on `addr` (`127.0.0.1:0` for a fresh port, or a port used before: SO_REUSEADDR).
    pub async fn start(root: &Path, addr: SocketAddr) -> std::io::Result<Self> {
        let file_system = s3s_fs::FileSystem::new(root)
            .map_err(|err| std::io::Error::other(format!("{err:?}")))?;
        let mut builder = s3s::service::S3ServiceBuilder::new(file_system);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();

        let socket = TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        let listener = socket.listen(64)?;
        let addr = listener.local_addr()?;
        let accept_loop = tokio::spawn(async move {
            // Owned by the loop: aborting the loop drops the set, which aborts every connection,
            // so `stop` really takes the server away (like a crashed S3 endpoint).
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let service = service.clone();
                connections.spawn(async move {
                    let _ = ConnectionBuilder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(S3TestServer { addr, accept_loop })
    }

    /// Closes the listener and every open connection.
    pub async fn stop(self) {
        self.accept_loop.abort();
        let _ = self.accept_loop.await;
    }
}

/// A server with its data directory and a bucket, plus the endpoint URL.
pub struct S3Fixture {
    pub data: tempfile::TempDir,
    pub server: S3TestServer,
}

impl S3Fixture {
    pub async fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        std::fs::create_dir(data.path().join(BUCKET)).unwrap(); // an s3s-fs bucket is a directory
        let server =
            S3TestServer::start(data.path(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        S3Fixture { data, server }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Where s3s-fs keeps object `name` of a store with `prefix`.
    pub fn object_path(&self, prefix: &str, name: &str) -> PathBuf {
        self.data.path().join(BUCKET).join(prefix).join(name)
    }

    pub async fn store(&self, prefix: &str) -> S3ProofStore {
        s3_store(&self.endpoint(), prefix).await
    }
}

/// An S3 store for `endpoint` with the test credentials and short timeouts.
pub async fn s3_store(endpoint: &str, prefix: &str) -> S3ProofStore {
    let mut config = S3Config::new(BUCKET, prefix);
    config.endpoint_url = Some(endpoint.to_owned());
    // Explicit, so that no test consults the instance-metadata endpoint for a region.
    config.region = Some("us-east-1".into());
    config.credentials = Some(StaticCredentials {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SECRET_KEY.into(),
        session_token: None,
    });
    config.connect_timeout = Duration::from_secs(2);
    config.attempt_timeout = Duration::from_secs(10);
    S3ProofStore::connect(config).await.unwrap()
}

/// A free loopback address (bound then released; used to start a server "later").
pub fn free_loopback_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

pub fn key(block_number: u64, hash: u64) -> ProofKey {
    ProofKey::new(block_number, Felt32::from_u64(hash)).unwrap()
}

/// Deterministic pseudo-proof bytes for a key and a variant (variant = "another prover build").
pub fn proof_bytes(key: &ProofKey, variant: u8, len: usize) -> Vec<u8> {
    let seed = key.block_number().wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(variant);
    (0..len).map(|i| (seed.rotate_left((i % 64) as u32) as u8) ^ (i as u8)).collect()
}

pub fn metadata(key: &ProofKey, proof: &[u8]) -> ProofMetadata {
    ProofMetadata::new(
        key,
        proof,
        ProvingReport {
            security_bits: 128,
            os_program_hash: Felt32::from_u64(0x05),
            prover_version: "test-0".into(),
            proving_time: Duration::from_millis(1234),
            trace_steps: 1 << 18,
        },
    )
}

/// Stores a proof for `key`, returning the bytes.
pub async fn put_sample(store: &Arc<dyn ProofStore>, key: &ProofKey, len: usize) -> Vec<u8> {
    let proof = proof_bytes(key, 0, len);
    store.put(key, &proof, &metadata(key, &proof)).await.unwrap();
    proof
}

/// Bounds a test step in time so a hang fails instead of blocking CI.
pub async fn bounded<T>(seconds: u64, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), future).await.expect("test step timed out")
}
