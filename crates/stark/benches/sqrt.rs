//! Square roots: the table-based [`stark::sqrt`] against lambdaworks' Tonelli–Shanks, over
//! the same 64 squares and 64 non-squares (the `ecdsa` trace builder lifts two points a
//! signature).

use criterion::{Criterion, criterion_group, criterion_main};
use stark::Felt;

fn inputs() -> Vec<Felt> {
    let mut x = Felt::from(0x5eed_u64);
    (0..128)
        .map(|_| {
            x = x.square() + Felt::from(7u64);
            x
        })
        .collect()
}

fn sqrt(c: &mut Criterion) {
    let inputs = inputs();
    let mut group = c.benchmark_group("sqrt_128_elements");
    group.bench_function("tables", |b| b.iter(|| inputs.iter().filter_map(stark::sqrt).count()));
    group.bench_function("tonelli_shanks", |b| {
        b.iter(|| inputs.iter().filter_map(|x| x.sqrt()).count())
    });
    group.finish();
}

criterion_group!(benches, sqrt);
criterion_main!(benches);
