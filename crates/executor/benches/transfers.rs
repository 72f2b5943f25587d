//! ERC-20 transfers per second through the bundled account (`__validate__` with its ECDSA
//! signature check, then `__execute__` calling the ERC-20), executed as one block on one core.
//!
//! Run: `cargo bench -p executor --bench transfers`. Transactions are signed and hashed before
//! timing (the client's and the mempool's work); the timed part is `execute_block` plus the
//! block's state diff.

#[path = "../tests/common/mod.rs"]
mod common;

use chain::Felt;
use common::{Devnet, selector};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Transfers per timed block.
const TRANSFERS: usize = 100;

fn transfers(c: &mut Criterion) {
    let devnet = Devnet::new(true);
    let txs: Vec<_> = (0..TRANSFERS)
        .map(|i| {
            let to = Felt::from(0x1000 + i as u64);
            let calls =
                [(devnet.erc20, selector("transfer"), vec![to, Felt::from(1u64), Felt::ZERO])];
            devnet.invoke(&calls, 1 + i as u64)
        })
        .collect();
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let context = devnet.context();
    let mut group = c.benchmark_group("executor");
    group.throughput(Throughput::Elements(TRANSFERS as u64));
    group.sample_size(10);
    group.bench_function("erc20_transfers", |b| {
        b.iter(|| {
            let block = devnet
                .executor
                .execute_block(context.clone(), &snapshot, &devnet.classes, &txs)
                .unwrap();
            assert!(block.outcomes.iter().all(|o| o.as_ref().is_ok_and(|e| e.receipt.succeeded())));
            block.state_diff
        })
    });
    group.finish();
}

criterion_group!(benches, transfers);
criterion_main!(benches);
