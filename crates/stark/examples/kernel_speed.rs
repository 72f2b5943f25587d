//! Scratch timing of the LDE kernel (not a benchmark of record; see benches/).
use stark::Felt;
use stark::fft::{LdePlan, Twiddles, evaluate_on_coset};
use std::time::Instant;
fn main() {
    let log_size = 18;
    let n = 1usize << log_size;
    let column: Vec<Felt> = (0..n as u64).map(|i| Felt::from(i * 7 + 1)).collect();
    let tw = Twiddles::new(log_size);
    let t = Instant::now();
    for _ in 0..2 {
        std::hint::black_box(evaluate_on_coset(&column, &Felt::from(3u64), &tw, false));
    }
    let per = t.elapsed().as_secs_f64() / 2.0;
    println!("evaluate_on_coset (permuting) 2^18: {:.1} ms", per * 1e3);
    let mut v = column.clone();
    let t = Instant::now();
    stark::fft::interpolate_on_coset(&mut v, &Felt::one(), &tw, false);
    println!("interpolate (dif + permute + scale): {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    std::hint::black_box(evaluate_on_coset(&v, &Felt::from(3u64), &tw, false));
    println!("evaluate (scale + permute + dit): {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let plan = LdePlan::new(log_size, 2, &Felt::from(3u64));
    let t = Instant::now();
    for _ in 0..2 {
        std::hint::black_box(plan.extend(&column, false));
    }
    let per = t.elapsed().as_secs_f64() / 2.0;
    println!(
        "LdePlan::extend 2^18 x4 (5 FFTs): {:.1} ms = {:.1} ns/butterfly",
        per * 1e3,
        per * 1e9 / (5.0 * n as f64 / 2.0 * log_size as f64)
    );
}
#[allow(dead_code)]
fn split_timing() {}
