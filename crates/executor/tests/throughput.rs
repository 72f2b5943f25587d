//! A rough throughput check in the test profile (the criterion bench is the real measurement):
//! ignored by default; run with `cargo test -p executor --test throughput -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use chain::Felt;
use common::{Devnet, selector};

#[test]
#[ignore = "timing only; see the module docs"]
fn transfers_per_second() {
    let devnet = Devnet::new(true);
    let txs: Vec<_> = (0..200u64)
        .map(|i| {
            let calls = [(
                devnet.erc20,
                selector("transfer"),
                vec![Felt::from(0x1000 + i), Felt::ONE, Felt::ZERO],
            )];
            devnet.invoke(&calls, 1 + i)
        })
        .collect();
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let start = Instant::now();
    let block =
        devnet.executor.execute_block(devnet.context(), &snapshot, &devnet.classes, &txs).unwrap();
    let elapsed = start.elapsed();
    assert!(block.outcomes.iter().all(|o| o.as_ref().is_ok_and(|e| e.receipt.succeeded())));
    println!(
        "{} transfers in {elapsed:?}: {:.0}/s",
        txs.len(),
        txs.len() as f64 / elapsed.as_secs_f64()
    );
}
