//! Storage faults (issue 13, rows 6 and 7): a proof store whose disk is full, then read-only,
//! does not fail blocks for good. The put backs off and retries, the job waits `proven`,
//! `/health` says which operation is stuck and why, and once the disk is back the proofs are
//! stored. The disk fault is injected (a wrapper around the real filesystem store returns the
//! errors the kernel gives, ENOSPC then EROFS); everything else is real.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use common::stand_in::{self, StandInProver};
use common::*;
use proof_store::{
    Error, FsProofStore, JobStatus, JobStatusKind, ProofKey, ProofMetadata, ProofStore, PutOutcome,
    StoredProof,
};

/// The filesystem store behind a disk that can be made full or read-only.
#[derive(Debug)]
struct FailingDisk {
    inner: FsProofStore,
    full: AtomicBool,
    read_only: AtomicBool,
}

#[async_trait]
impl ProofStore for FailingDisk {
    async fn put(
        &self,
        key: &ProofKey,
        proof: &[u8],
        metadata: &ProofMetadata,
    ) -> proof_store::Result<PutOutcome> {
        let fault = if self.full.load(Ordering::SeqCst) {
            Some(std::io::Error::from_raw_os_error(28)) // ENOSPC
        } else if self.read_only.load(Ordering::SeqCst) {
            Some(std::io::Error::from_raw_os_error(30)) // EROFS
        } else {
            None
        };
        if let Some(source) = fault {
            let path = std::path::PathBuf::from(key.object_name());
            return Err(Error::Io { operation: "write proof", path, source });
        }
        self.inner.put(key, proof, metadata).await
    }
    async fn get(&self, key: &ProofKey) -> proof_store::Result<Option<StoredProof>> {
        self.inner.get(key).await
    }
    async fn get_metadata(&self, key: &ProofKey) -> proof_store::Result<Option<ProofMetadata>> {
        self.inner.get_metadata(key).await
    }
    async fn list(&self, after: Option<u64>, limit: usize) -> proof_store::Result<Vec<ProofKey>> {
        self.inner.list(after, limit).await
    }
    async fn expire(&self, key: &ProofKey) -> proof_store::Result<()> {
        self.inner.expire(key).await
    }
    fn location(&self) -> String {
        self.inner.location()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_then_read_only_proof_store_delays_proofs_and_loses_none() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    let disk = Arc::new(FailingDisk {
        inner: FsProofStore::open(dir.path().join("proofs")).await.unwrap(),
        full: AtomicBool::new(true),
        read_only: AtomicBool::new(false),
    });
    let options = ServiceOptions::new(
        &devnet.url,
        &dir.path().join("watcher"),
        Arc::new(StandInProver::new()),
        disk.clone(),
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    wait_progress(&service.progress, 30, "replay", |p| {
        p.replayed_through.is_some_and(|n| n >= last)
    })
    .await;

    // Full: the proofs wait, proven, and the health names the stuck store.
    wait_for(30, "proofs waiting on the full disk", || async {
        service.jobs.get(last).unwrap().is_some_and(|j| j.status == JobStatus::Proven)
    })
    .await;
    let health: serde_json::Value = get_json(&format!("{}/health", service.api_url)).await;
    let stall =
        health["failing"].as_array().unwrap().iter().find(|s| s["operation"] == "proof store");
    let stall = stall.unwrap_or_else(|| panic!("{health}"));
    assert_eq!(stall["stage"], "store");
    assert!(stall["last_error"].as_str().unwrap().contains("write proof"), "{health}");

    // Then read-only: still waiting, still nothing failed.
    disk.read_only.store(true, Ordering::SeqCst);
    disk.full.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(500)).await;
    for number in 0..=last {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_ne!(job.status.kind(), JobStatusKind::Failed, "block {number}: {job:?}");
        assert_ne!(job.status, JobStatus::Stored, "block {number}");
    }

    // The disk is back: every proof is stored, the stall is over.
    disk.read_only.store(false, Ordering::SeqCst);
    wait_progress(&service.progress, 30, "proofs stored", |p| {
        p.proven_through.is_some_and(|n| n >= last)
    })
    .await;
    for number in 0..=last {
        let key = ProofKey::new(number, service.jobs.get(number).unwrap().unwrap().block_hash);
        assert!(service.store.get(&key.unwrap()).await.unwrap().is_some(), "block {number}");
    }
    let health: serde_json::Value = get_json(&format!("{}/health", service.api_url)).await;
    assert_eq!(health["status"], "ok", "{health}");
    assert!(health["failing"].as_array().unwrap().is_empty(), "{health}");
    assert_eq!(service.progress.borrow().blocks_failed, 0);
    service.stop().await;
    devnet.stop().await;
}

/// `GET url` as JSON, over a plain TCP connection (no HTTP client dependency).
async fn get_json(url: &str) -> serde_json::Value {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').map_or((rest, "/"), |(h, p)| (h, p));
    let path = format!("/{}", path.trim_start_matches('/'));
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8(response).unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"))
}
