//! The mempool's in-memory index: per-account queues ordered by nonce, and arrival order across
//! accounts. The durable copy is the store's `mempool` tree; this index is rebuilt from it on
//! start.
//!
//! A block takes, repeatedly, the earliest-arrived transaction whose nonce is the next one its
//! account expects ([`Mempool::next_ready`]), so a burst from one account executes in nonce
//! order whatever order it arrived in, and a transaction with a nonce gap waits for the gap to
//! fill.

use std::collections::{BTreeMap, HashMap};

use chain::{Felt, Transaction};

use crate::store::MempoolRecord;

/// The index.
#[derive(Clone, Debug, Default)]
pub struct Mempool {
    /// Transactions by hash.
    entries: HashMap<Felt, MempoolRecord>,
    /// Account → nonce → transaction hash.
    by_account: HashMap<Felt, BTreeMap<Felt, Felt>>,
    /// Next arrival sequence number.
    next_sequence: u64,
}

impl Mempool {
    /// Rebuilds the index from the persisted records.
    pub fn from_records(records: Vec<MempoolRecord>) -> Self {
        let mut mempool = Mempool::default();
        for record in records {
            mempool.next_sequence = mempool.next_sequence.max(record.sequence + 1);
            mempool.insert(record);
        }
        mempool
    }

    /// Number of waiting transactions.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a transaction with this hash waits.
    pub fn contains(&self, hash: &Felt) -> bool {
        self.entries.contains_key(hash)
    }

    /// The waiting transaction with this hash.
    pub fn get(&self, hash: &Felt) -> Option<&MempoolRecord> {
        self.entries.get(hash)
    }

    /// The hash of the waiting transaction of `account` with `nonce`, if any.
    pub fn by_nonce(&self, account: &Felt, nonce: &Felt) -> Option<Felt> {
        self.by_account.get(account).and_then(|queue| queue.get(nonce)).copied()
    }

    /// The highest waiting nonce of `account`.
    pub fn highest_nonce(&self, account: &Felt) -> Option<Felt> {
        self.by_account.get(account).and_then(|queue| queue.keys().next_back()).copied()
    }

    /// A record for a new transaction, with the next arrival number.
    pub fn new_record(
        &mut self,
        transaction_hash: Felt,
        transaction: Transaction,
    ) -> MempoolRecord {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        MempoolRecord { sequence, transaction_hash, transaction }
    }

    /// Adds a record (its `(account, nonce)` slot must be free, see [`Self::by_nonce`]).
    pub fn insert(&mut self, record: MempoolRecord) {
        let account = record.transaction.sender_address();
        self.by_account
            .entry(account)
            .or_default()
            .insert(record.transaction.nonce(), record.transaction_hash);
        self.entries.insert(record.transaction_hash, record);
    }

    /// Removes a transaction.
    pub fn remove(&mut self, hash: &Felt) -> Option<MempoolRecord> {
        let record = self.entries.remove(hash)?;
        let account = record.transaction.sender_address();
        if let Some(queue) = self.by_account.get_mut(&account) {
            queue.remove(&record.transaction.nonce());
            if queue.is_empty() {
                self.by_account.remove(&account);
            }
        }
        Some(record)
    }

    /// All waiting transactions in arrival order.
    pub fn records(&self) -> Vec<MempoolRecord> {
        let mut records: Vec<MempoolRecord> = self.entries.values().cloned().collect();
        records.sort_by_key(|record| record.sequence);
        records
    }

    /// Splits the waiting transactions for a block: given each account's expected nonce
    /// (`expected(account)`), returns the hashes of transactions whose nonce is already used
    /// (stale, to reject) and the earliest-arrived ready transaction, if any; `skip` lists
    /// hashes already taken into the block under construction.
    pub fn next_ready<E>(
        &self,
        mut expected: impl FnMut(&Felt) -> Result<Felt, E>,
        skip: &std::collections::HashSet<Felt>,
    ) -> Result<(Vec<Felt>, Option<Felt>), E> {
        let mut stale = Vec::new();
        let mut best: Option<&MempoolRecord> = None;
        for (account, queue) in &self.by_account {
            let next = expected(account)?;
            for (nonce, hash) in queue {
                if skip.contains(hash) {
                    continue;
                }
                if *nonce < next {
                    stale.push(*hash);
                    continue;
                }
                if *nonce == next {
                    let record = &self.entries[hash];
                    if best.is_none_or(|b| record.sequence < b.sequence) {
                        best = Some(record);
                    }
                }
                break;
            }
        }
        Ok((stale, best.map(|record| record.transaction_hash)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chain::InvokeV1;

    fn invoke(sender: u64, nonce: u64) -> Transaction {
        Transaction::InvokeV1(InvokeV1 {
            sender_address: Felt::from(sender),
            nonce: Felt::from(nonce),
            ..Default::default()
        })
    }

    fn expected_nonce(nonces: &HashMap<Felt, Felt>) -> impl FnMut(&Felt) -> Result<Felt, ()> + '_ {
        |account| Ok(nonces.get(account).copied().unwrap_or_default())
    }

    #[test]
    fn ready_transactions_follow_nonces_then_arrival() {
        let mut mempool = Mempool::default();
        // Account 1 sends nonce 1 before nonce 0; account 2 sends nonce 0 in between; account 3
        // has a gap (nonce 2 while 0 is expected).
        for (hash, sender, nonce) in [(10, 1, 1), (20, 2, 0), (11, 1, 0), (30, 3, 2)] {
            let record = mempool.new_record(Felt::from(hash), invoke(sender, nonce));
            mempool.insert(record);
        }
        let mut nonces: HashMap<Felt, Felt> = HashMap::new();
        let mut order = Vec::new();
        let mut taken = std::collections::HashSet::new();
        loop {
            let (stale, next) = mempool.next_ready(expected_nonce(&nonces), &taken).unwrap();
            assert!(stale.is_empty());
            let Some(hash) = next else { break };
            let tx = &mempool.get(&hash).unwrap().transaction;
            nonces.insert(tx.sender_address(), tx.nonce() + Felt::ONE);
            taken.insert(hash);
            order.push(hash);
        }
        let expected: Vec<Felt> = [20u64, 11, 10].map(Felt::from).to_vec();
        assert_eq!(order, expected);
        assert_eq!(mempool.highest_nonce(&Felt::from(1u64)), Some(Felt::ONE));

        // Once account 1 is at nonce 2, its waiting nonce-1 transaction is stale.
        nonces.insert(Felt::ONE, Felt::TWO);
        let (stale, _) = mempool.next_ready(expected_nonce(&nonces), &Default::default()).unwrap();
        assert!(stale.contains(&Felt::from(10u64)) && stale.contains(&Felt::from(11u64)));

        let rebuilt = Mempool::from_records(mempool.records());
        assert_eq!(rebuilt.len(), 4);
        assert_eq!(rebuilt.by_nonce(&Felt::from(3u64), &Felt::TWO), Some(Felt::from(30u64)));
        mempool.remove(&Felt::from(30u64));
        assert_eq!(mempool.by_nonce(&Felt::from(3u64), &Felt::TWO), None);
        assert_eq!(mempool.len(), 3);
    }
}
