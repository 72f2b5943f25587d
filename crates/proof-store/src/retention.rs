//! The optional age limit of stored proofs (`--proof-max-age`): proofs whose metadata says
//! they were stored longer ago than the limit are removed with [`ProofStore::expire`].
//!
//! Off by default: proofs are kept. Canonical and reorged-away proofs age alike. The job index
//! keeps saying `stored`; the query API then answers that the proof expired
//! (`prover_getProof`, code 4002) instead of reporting a missing object. Witnesses have their
//! own rule (deleted once their block's proof is stored).

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::watch;

use crate::error::Result;
use crate::key::ProofKey;
use crate::metadata::now_unix_ms;
use crate::store::ProofStore;

/// Keys read from the store per listing page.
const PAGE: usize = 500;

/// Removes every proof stored more than `max_age` before `now_unix_ms`; returns their keys in
/// block order. A proof whose metadata cannot be read is left (and logged): retention never
/// decides on a guess.
pub async fn expire_older_than(
    store: &dyn ProofStore,
    max_age: Duration,
    now_unix_ms: u64,
) -> Result<Vec<ProofKey>> {
    let max_age_ms = u64::try_from(max_age.as_millis()).unwrap_or(u64::MAX);
    let cutoff = now_unix_ms.saturating_sub(max_age_ms);
    let mut expired = Vec::new();
    let mut seen = BTreeSet::new();
    let mut after = None;
    loop {
        let page = store.list(after, PAGE).await?;
        let full = page.len() == PAGE;
        let mut progressed = false;
        for key in &page {
            if !seen.insert(*key) {
                continue;
            }
            progressed = true;
            match store.get_metadata(key).await {
                Ok(Some(metadata)) if metadata.created_at_unix_ms < cutoff => {
                    store.expire(key).await?;
                    expired.push(*key);
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%key, %error, "retention: metadata unreadable; proof kept");
                }
            }
        }
        let Some(last) = page.last() else { break };
        if !full || !progressed {
            break;
        }
        // The next page starts at the last block seen: a reorged height's second key may lie
        // past the page's end (keys already seen are skipped).
        after = last.block_number().checked_sub(1);
    }
    Ok(expired)
}

/// Sweeps `store` every `interval` until `stopping` turns true (the service's background task
/// for `--proof-max-age`). A failed sweep is logged and tried again at the next interval.
pub async fn run_retention(
    store: std::sync::Arc<dyn ProofStore>,
    max_age: Duration,
    interval: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    loop {
        match expire_older_than(store.as_ref(), max_age, now_unix_ms()).await {
            Ok(expired) if !expired.is_empty() => {
                tracing::info!(count = expired.len(), ?max_age, "retention: proofs expired");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "retention sweep failed; trying again later"),
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Felt32;
    use crate::memory::MemoryProofStore;
    use crate::metadata::{ProofMetadata, ProvingReport};

    async fn put(store: &MemoryProofStore, number: u64, hash: u64, created_at_unix_ms: u64) {
        let key = ProofKey::new(number, Felt32::from_u64(hash)).unwrap();
        let proof = format!("proof {number} {hash}").into_bytes();
        let report = ProvingReport {
            security_bits: 100,
            os_program_hash: Felt32::from_u64(1),
            prover_version: "test".into(),
            proving_time: Duration::from_millis(1),
            trace_steps: 1,
        };
        let mut metadata = ProofMetadata::new(&key, &proof, report);
        metadata.created_at_unix_ms = created_at_unix_ms;
        store.put(&key, &proof, &metadata).await.unwrap();
    }

    #[tokio::test]
    async fn only_proofs_older_than_the_limit_go_across_pages_and_reorged_heights() {
        let store = MemoryProofStore::new();
        let day = 86_400_000;
        let now = 100 * day;
        // 1,200 blocks (several pages): the first 700 stored 40 days ago, the rest 10.
        for number in 1..=1_200u64 {
            let age = if number <= 700 { 40 } else { 10 };
            put(&store, number, number, now - age * day).await;
        }
        // A reorged height: both blocks old; the replacing block's key sorts after.
        put(&store, 500, 9_999, now - 40 * day).await;

        let expired = expire_older_than(&store, Duration::from_secs(30 * 86_400), now).await;
        let expired = expired.unwrap();
        assert_eq!(expired.len(), 701);
        assert!(expired.iter().all(|key| key.block_number() <= 700));
        let left = store.list(None, 10_000).await.unwrap();
        assert_eq!(left.len(), 500);
        assert_eq!(left[0].block_number(), 701);
        let gone = ProofKey::new(500, Felt32::from_u64(9_999)).unwrap();
        assert_eq!(store.get(&gone).await.unwrap(), None);
        assert_eq!(store.get_metadata(&gone).await.unwrap(), None);
        // Nothing more to do on a second sweep.
        let again = expire_older_than(&store, Duration::from_secs(30 * 86_400), now).await;
        assert!(again.unwrap().is_empty());
    }
}
