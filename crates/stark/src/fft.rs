//! Radix-2 FFT over power-of-two subgroups and their cosets: the LDE kernel.
//!
//! lambdaworks' `evaluate_fft` runs on one thread; this one recurses depth-first (cache
//! friendly) and splits the two halves across threads near the top of the recursion.

use crate::field::{Felt, powers, root_of_unity};
use crate::parallel;

/// Below this size a sub-FFT is not worth a thread.
const PARALLEL_MIN: usize = 1 << 14;

/// Precomputed twiddle factors for FFTs of one size.
#[derive(Clone, Debug)]
pub struct Twiddles {
    log_size: u32,
    /// `w^i` for `i < n/2`, `w` a primitive `n`-th root of unity.
    forward: Vec<Felt>,
    /// `w^-i` for `i < n/2`.
    inverse: Vec<Felt>,
}

impl Twiddles {
    pub fn new(log_size: u32) -> Self {
        let n = 1usize << log_size;
        let w = root_of_unity(log_size);
        let w_inv = w.inv().expect("root of unity is non-zero");
        Self { log_size, forward: powers(&w, n / 2), inverse: powers(&w_inv, n / 2) }
    }

    pub fn log_size(&self) -> u32 {
        self.log_size
    }

    pub fn size(&self) -> usize {
        1 << self.log_size
    }
}

/// Decimation-in-frequency: natural-order input, bit-reversed output. `twiddles[j * stride]`
/// is the `j`-th power of this sub-FFT's root.
fn dif(values: &mut [Felt], twiddles: &[Felt], stride: usize, allow_parallel: bool) {
    let n = values.len();
    if n <= 1 {
        return;
    }
    let half = n / 2;
    let (lo, hi) = values.split_at_mut(half);
    let butterflies = |offset: usize, lo: &mut [Felt], hi: &mut [Felt]| {
        for (j, (a, b)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
            let sum = &*a + &*b;
            let diff = &*a - &*b;
            *a = sum;
            let index = (offset + j) * stride;
            *b = if index == 0 { diff } else { diff * &twiddles[index] };
        }
    };
    if allow_parallel && n >= PARALLEL_MIN && parallel::num_threads() > 1 {
        // Split the butterfly loop of this level, then the two halves.
        let chunk = parallel::chunk_size(half, 1 << 10);
        let mut pairs: Vec<(usize, &mut [Felt], &mut [Felt])> = lo
            .chunks_mut(chunk)
            .zip(hi.chunks_mut(chunk))
            .enumerate()
            .map(|(i, (l, h))| (i * chunk, l, h))
            .collect();
        parallel::for_each_mut(&mut pairs, |_, (offset, l, h)| butterflies(*offset, l, h));
        parallel::join(
            || dif(lo, twiddles, stride * 2, true),
            || dif(hi, twiddles, stride * 2, true),
        );
    } else {
        butterflies(0, lo, hi);
        dif(lo, twiddles, stride * 2, false);
        dif(hi, twiddles, stride * 2, false);
    }
}

/// Reorders `values` by bit-reversing the indices.
pub fn bit_reverse_permute<T>(values: &mut [T]) {
    let n = values.len();
    if n <= 2 {
        return;
    }
    let shift = usize::BITS - n.trailing_zeros();
    for i in 0..n {
        let j = i.reverse_bits() >> shift;
        if i < j {
            values.swap(i, j);
        }
    }
}

/// Evaluates the polynomial with `coefficients` (length = twiddle size) on `offset * <w>`, in
/// natural order: `out[i] = p(offset * w^i)`. `parallel` splits the FFT across threads; leave
/// it off when the caller already runs one FFT per thread.
pub fn evaluate_on_coset(
    coefficients: &[Felt],
    offset: &Felt,
    twiddles: &Twiddles,
    parallel: bool,
) -> Vec<Felt> {
    assert_eq!(coefficients.len(), twiddles.size(), "coefficient count must match FFT size");
    let mut values: Vec<Felt> = if *offset == Felt::one() {
        coefficients.to_vec()
    } else {
        let mut scale = Felt::one();
        coefficients
            .iter()
            .map(|c| {
                let v = c * &scale;
                scale = &scale * offset;
                v
            })
            .collect()
    };
    dif(&mut values, &twiddles.forward, 1, parallel);
    bit_reverse_permute(&mut values);
    values
}

/// Interpolates values given in natural order on `offset * <w>` into coefficients, in place.
pub fn interpolate_on_coset(
    values: &mut [Felt],
    offset: &Felt,
    twiddles: &Twiddles,
    parallel: bool,
) {
    assert_eq!(values.len(), twiddles.size(), "value count must match FFT size");
    dif(values, &twiddles.inverse, 1, parallel);
    bit_reverse_permute(values);
    let n_inv = Felt::from(values.len() as u64).inv().expect("n is non-zero");
    let offset_inv = offset.inv().expect("offset is non-zero");
    let mut scale = n_inv;
    for v in values.iter_mut() {
        *v = &*v * &scale;
        scale = &scale * &offset_inv;
    }
}

/// Evaluates `coefficients` (degree < n) on the size `n * blowup` coset `offset * <w_N>`, in
/// natural order, as `blowup` FFTs of size `n` on the cosets `offset * w_N^k * <w_n>`.
pub fn low_degree_extension(
    coefficients: &[Felt],
    log_blowup: u32,
    offset: &Felt,
    twiddles: &Twiddles,
    parallel: bool,
) -> Vec<Felt> {
    let n = coefficients.len();
    let blowup = 1usize << log_blowup;
    let w_big = root_of_unity(twiddles.log_size() + log_blowup);
    let cosets: Vec<Vec<Felt>> = if parallel {
        parallel::map_range(blowup, |k| {
            evaluate_on_coset(coefficients, &(offset * w_big.pow(k as u64)), twiddles, true)
        })
    } else {
        (0..blowup)
            .map(|k| {
                evaluate_on_coset(coefficients, &(offset * w_big.pow(k as u64)), twiddles, false)
            })
            .collect()
    };
    let mut out = vec![Felt::zero(); n * blowup];
    for (k, coset) in cosets.into_iter().enumerate() {
        for (i, v) in coset.into_iter().enumerate() {
            out[k + blowup * i] = v;
        }
    }
    out
}

/// Horner evaluation at one point.
pub fn evaluate_at(coefficients: &[Felt], x: &Felt) -> Felt {
    coefficients.iter().rev().fold(Felt::zero(), |acc, c| &acc * x + c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::coset_offset;
    use proptest::prelude::*;

    fn naive(coefficients: &[Felt], points: &[Felt]) -> Vec<Felt> {
        points.iter().map(|x| evaluate_at(coefficients, x)).collect()
    }

    proptest! {
        #[test]
        fn fft_matches_naive(log_n in 0u32..7, seed in any::<u64>(), coset in any::<bool>()) {
            let n = 1usize << log_n;
            let coefficients: Vec<Felt> =
                (0..n as u64).map(|i| Felt::from(seed ^ (i * 7919)) * Felt::from(i + 1)).collect();
            let twiddles = Twiddles::new(log_n);
            let offset = if coset { coset_offset() } else { Felt::one() };
            let w = root_of_unity(log_n);
            let points: Vec<Felt> = powers(&w, n).iter().map(|p| p * &offset).collect();
            let evals = evaluate_on_coset(&coefficients, &offset, &twiddles, false);
            prop_assert_eq!(&evals, &naive(&coefficients, &points));
            let mut back = evals.clone();
            interpolate_on_coset(&mut back, &offset, &twiddles, false);
            prop_assert_eq!(back, coefficients);
        }

        #[test]
        fn lde_matches_naive(log_n in 0u32..5, log_blowup in 1u32..4, seed in any::<u64>()) {
            let n = 1usize << log_n;
            let coefficients: Vec<Felt> = (0..n as u64).map(|i| Felt::from(seed.wrapping_add(i * i))).collect();
            let twiddles = Twiddles::new(log_n);
            let offset = coset_offset();
            let lde = low_degree_extension(&coefficients, log_blowup, &offset, &twiddles, true);
            let w = root_of_unity(log_n + log_blowup);
            let points: Vec<Felt> = powers(&w, n << log_blowup).iter().map(|p| p * &offset).collect();
            prop_assert_eq!(lde, naive(&coefficients, &points));
        }
    }

    #[test]
    fn parallel_fft_matches_sequential() {
        let log_n = 15;
        let n = 1usize << log_n;
        let coefficients: Vec<Felt> = (0..n as u64).map(|i| Felt::from(i * i + 3)).collect();
        let twiddles = Twiddles::new(log_n);
        let a = evaluate_on_coset(&coefficients, &coset_offset(), &twiddles, false);
        let b = evaluate_on_coset(&coefficients, &coset_offset(), &twiddles, true);
        assert_eq!(a, b);
    }
}
