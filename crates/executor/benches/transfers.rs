//! ERC-20 transfers per second through the bundled account (`__validate__` with its ECDSA
//! signature check, then `__execute__` calling the ERC-20), executed as one block on one core.
//!
//! Run: `cargo bench -p executor --bench transfers`. Transactions are signed and hashed before
//! timing (the client's and the mempool's work); the timed part is `execute_block` plus the
//! block's state diff. Two figures: `erc20_transfers` is wall-clock time;
//! `erc20_transfers_on_cpu` is the benchmark thread's on-CPU time (Linux
//! `/proc/thread-self/schedstat`), i.e. transfers per second of one core, unaffected by other
//! processes competing for the machine's cores (on other systems it falls back to wall time).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use chain::Felt;
use common::{Devnet, selector};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use executor::{BlockContext, ExecutableTransaction};

/// Transfers per timed block.
const TRANSFERS: usize = 100;

/// Nanoseconds this thread has run on a CPU, if the kernel says.
fn on_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

fn run_block(
    devnet: &Devnet,
    snapshot: &state::Snapshot<'_, state::MemoryBackend>,
    context: &BlockContext,
    txs: &[ExecutableTransaction],
) {
    let block =
        devnet.executor.execute_block(context.clone(), snapshot, &devnet.classes, txs).unwrap();
    assert!(block.outcomes.iter().all(|o| o.as_ref().is_ok_and(|e| e.receipt.succeeded())));
    std::hint::black_box(block.state_diff);
}

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
        b.iter(|| run_block(&devnet, &snapshot, &context, &txs))
    });
    group.bench_function("erc20_transfers_on_cpu", |b| {
        b.iter_custom(|iterations| {
            let (wall, cpu) = (Instant::now(), on_cpu());
            for _ in 0..iterations {
                run_block(&devnet, &snapshot, &context, &txs);
            }
            match (cpu, on_cpu()) {
                (Some(start), Some(end)) => end.saturating_sub(start),
                _ => wall.elapsed(),
            }
        })
    });
    group.finish();
}

criterion_group!(benches, transfers);
criterion_main!(benches);
