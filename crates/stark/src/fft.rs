//! Radix-2 FFTs over power-of-two subgroups and their cosets: the LDE kernel.
//!
//! Interpolation runs decimation-in-frequency (natural-order values in, bit-reversed
//! coefficients out) and evaluation runs decimation-in-time (bit-reversed coefficients in,
//! natural-order values out), so the hot path never performs a bit-reversal permutation, a
//! cache-hostile pass on large arrays. Both recurse depth-first so sub-FFTs stay in cache, read
//! per-level contiguous twiddle tables, and split across threads near the top when asked to.
//! lambdaworks' own `evaluate_fft` runs on one thread and permutes.

use crate::field::{Felt, mul, powers, root_of_unity, sub};
use crate::parallel;

#[cfg(target_arch = "x86_64")]
use crate::lanes::{self, fft as lane_fft};

/// Below this size a sub-FFT is not worth a thread.
const PARALLEL_MIN: usize = 1 << 14;

/// Twiddle factors for FFTs of one size `n`, one contiguous table per level: entries
/// `m..2m` hold `w_2m^j` for `j < m` (`w_2m` a primitive `2m`-th root of unity).
#[derive(Clone, Debug)]
pub struct Twiddles {
    log_size: u32,
    forward: Vec<Felt>,
    inverse: Vec<Felt>,
    /// The first `n / 8` entries of both tables for the AVX-512 IFMA kernels, where the
    /// machine has them and the size is worth it.
    lanes: Option<LaneTables>,
}

/// Twiddles in the form of the lane kernels ([`crate::lanes`]; never built off x86-64).
#[derive(Clone, Debug)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
struct LaneTables {
    forward: Vec<[u64; 5]>,
    inverse: Vec<[u64; 5]>,
}

impl LaneTables {
    #[cfg(target_arch = "x86_64")]
    fn new(forward: &[Felt], inverse: &[Felt]) -> Option<Self> {
        let n = forward.len();
        (lanes::available() && n >= lane_fft::MIN_SIZE).then(|| Self {
            forward: lanes::lane_form(&forward[..n / 8]),
            inverse: lanes::lane_form(&inverse[..n / 8]),
        })
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn new(_: &[Felt], _: &[Felt]) -> Option<Self> {
        None
    }
}

/// Per-element factors of an evaluation, in the form of the kernel that will take them
/// ([`Twiddles::scales`]).
#[derive(Clone, Debug)]
struct Scales(Vec<Felt>);

fn level_tables(root: &Felt, n: usize) -> Vec<Felt> {
    let mut table = vec![Felt::zero(); n.max(2)];
    if n < 2 {
        return table;
    }
    let top = powers(root, n / 2);
    table[n / 2..n].clone_from_slice(&top);
    let mut m = n / 4;
    while m >= 1 {
        for j in 0..m {
            table[m + j] = table[2 * m + 2 * j];
        }
        m /= 2;
    }
    table
}

impl Twiddles {
    pub fn new(log_size: u32) -> Self {
        let n = 1usize << log_size;
        let w = root_of_unity(log_size);
        let w_inv = w.inv().expect("root of unity is non-zero");
        let (forward, inverse) = (level_tables(&w, n), level_tables(&w_inv, n));
        let lanes = LaneTables::new(&forward, &inverse);
        Self { log_size, forward, inverse, lanes }
    }

    /// The same tables without the lane kernels (the scalar path, for tests).
    #[cfg(test)]
    fn scalar(&self) -> Self {
        Self { lanes: None, ..self.clone() }
    }

    /// Decimation in frequency with the inverse roots: natural-order values in, bit-reversed
    /// coefficients times `n` out.
    fn interpolate(&self, values: &mut [Felt], parallel: bool) {
        match &self.lanes {
            #[cfg(target_arch = "x86_64")]
            Some(tables) => lane_fft::dif(values, &self.inverse, &tables.inverse, parallel),
            _ => dif(values, &self.inverse, parallel),
        }
    }

    /// Decimation in time with the forward roots: bit-reversed coefficients in, natural-order
    /// values out.
    fn evaluate(&self, values: &mut [Felt], parallel: bool) {
        match &self.lanes {
            #[cfg(target_arch = "x86_64")]
            Some(tables) => lane_fft::dit(values, &self.forward, &tables.forward, parallel),
            _ => dit(values, &self.forward, parallel),
        }
    }

    /// Factors for [`Twiddles::evaluate_scaled`], in the form its kernel takes (times 16 for
    /// the lanes, whose product of two lambdaworks-form values is `a b 2^-4`).
    fn scales(&self, factors: Vec<Felt>) -> Scales {
        match &self.lanes {
            Some(_) => Scales(factors.into_iter().map(|f| f * Felt::from(16u64)).collect()),
            None => Scales(factors),
        }
    }

    /// [`Twiddles::evaluate`] of `values[i] * factors[i]`, the product taken on the way into
    /// the kernel.
    fn evaluate_scaled(&self, values: &mut [Felt], scales: &Scales, parallel: bool) {
        match &self.lanes {
            #[cfg(target_arch = "x86_64")]
            Some(tables) => {
                lane_fft::dit_scaled(values, &scales.0, &self.forward, &tables.forward, parallel)
            }
            _ => {
                for (v, s) in values.iter_mut().zip(&scales.0) {
                    *v *= s;
                }
                dit(values, &self.forward, parallel)
            }
        }
    }

    pub fn log_size(&self) -> u32 {
        self.log_size
    }

    pub fn size(&self) -> usize {
        1 << self.log_size
    }
}

/// Runs `f(offset, lo, hi)` over the butterfly range, split across threads when `parallel`
/// (in chunks of at least `min_chunk` pairs).
pub(crate) fn butterflies<T, F>(lo: &mut [T], hi: &mut [T], parallel: bool, min_chunk: usize, f: F)
where
    T: Send,
    F: Fn(usize, &mut [T], &mut [T]) + Sync + Send,
{
    if parallel {
        let chunk = parallel::chunk_size(lo.len(), min_chunk);
        let mut pairs: Vec<(usize, &mut [T], &mut [T])> = lo
            .chunks_mut(chunk)
            .zip(hi.chunks_mut(chunk))
            .enumerate()
            .map(|(i, (l, h))| (i * chunk, l, h))
            .collect();
        parallel::for_each_mut(&mut pairs, |_, (offset, l, h)| f(*offset, l, h));
    } else {
        f(0, lo, hi);
    }
}

/// Decimation in frequency: natural-order input, bit-reversed output.
fn dif(values: &mut [Felt], table: &[Felt], allow_parallel: bool) {
    let n = values.len();
    if n <= 1 {
        return;
    }
    let m = n / 2;
    let parallel = allow_parallel && n >= PARALLEL_MIN && parallel::num_threads() > 1;
    let twiddles = &table[m..n];
    let (lo, hi) = values.split_at_mut(m);
    butterflies(lo, hi, parallel, 1 << 10, |offset, lo, hi| {
        for ((a, b), w) in lo.iter_mut().zip(hi.iter_mut()).zip(&twiddles[offset..]) {
            let sum = *a + *b;
            let diff = sub(a, b);
            *a = sum;
            *b = mul(&diff, w);
        }
    });
    on_halves(|half, p| dif(half, table, p), lo, hi, parallel);
}

/// Runs a recursive FFT step on both halves, on two threads when `parallel`.
pub(crate) fn on_halves<T, F>(step: F, lo: &mut [T], hi: &mut [T], parallel: bool)
where
    T: Send,
    F: Fn(&mut [T], bool) + Sync + Send,
{
    if parallel {
        parallel::join(|| step(lo, true), || step(hi, true));
    } else {
        step(lo, false);
        step(hi, false);
    }
}

/// Decimation in time: bit-reversed input, natural-order output.
fn dit(values: &mut [Felt], table: &[Felt], allow_parallel: bool) {
    let n = values.len();
    if n <= 1 {
        return;
    }
    let m = n / 2;
    let parallel = allow_parallel && n >= PARALLEL_MIN && parallel::num_threads() > 1;
    let twiddles = &table[m..n];
    let (lo, hi) = values.split_at_mut(m);
    on_halves(|half, p| dit(half, table, p), lo, hi, parallel);
    butterflies(lo, hi, parallel, 1 << 10, |offset, lo, hi| {
        for ((a, b), w) in lo.iter_mut().zip(hi.iter_mut()).zip(&twiddles[offset..]) {
            let t = mul(b, w);
            let sum = *a + t;
            let diff = sub(a, &t);
            *a = sum;
            *b = diff;
        }
    });
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

/// `scale * shift^bitrev(i)` for `i < n`: coefficient scales in bit-reversed positions.
fn bit_reversed_powers(shift: &Felt, scale: &Felt, n: usize) -> Vec<Felt> {
    let mut p: Vec<Felt> = powers(shift, n).into_iter().map(|x| x * scale).collect();
    bit_reverse_permute(&mut p);
    p
}

/// Evaluates the polynomial with `coefficients` (natural order, length = twiddle size) on
/// `offset * <w>`, in natural order: `out[i] = p(offset * w^i)`.
pub fn evaluate_on_coset(
    coefficients: &[Felt],
    offset: &Felt,
    twiddles: &Twiddles,
    parallel: bool,
) -> Vec<Felt> {
    assert_eq!(coefficients.len(), twiddles.size(), "coefficient count must match FFT size");
    let mut values: Vec<Felt> =
        powers(offset, coefficients.len()).iter().zip(coefficients).map(|(s, c)| s * c).collect();
    bit_reverse_permute(&mut values);
    twiddles.evaluate(&mut values, parallel);
    values
}

/// Interpolates values given in natural order on `offset * <w>` into natural-order
/// coefficients, in place.
pub fn interpolate_on_coset(
    values: &mut [Felt],
    offset: &Felt,
    twiddles: &Twiddles,
    parallel: bool,
) {
    assert_eq!(values.len(), twiddles.size(), "value count must match FFT size");
    twiddles.interpolate(values, parallel);
    bit_reverse_permute(values);
    let n_inv = Felt::from(values.len() as u64).inv().expect("n is non-zero");
    let offset_inv = offset.inv().expect("offset is non-zero");
    let scales = powers(&offset_inv, values.len());
    for (v, s) in values.iter_mut().zip(scales) {
        *v = *v * s * n_inv;
    }
}

/// Low-degree extension from a trace domain `<g>` of size `n` to the coset `h * <w_N>`,
/// `N = n * blowup`. Built once per trace size and reused for every column.
pub struct LdePlan {
    twiddles: Twiddles,
    log_blowup: u32,
    /// For coset `k` (shift `h w_N^k`): `n^-1 (h w_N^k)^bitrev(i)`.
    coset_scales: Vec<Scales>,
    /// With `h = 1`, coset 0 is the trace domain and is copied, not computed.
    offset_is_one: bool,
}

impl LdePlan {
    pub fn new(log_size: u32, log_blowup: u32, offset: &Felt) -> Self {
        let n = 1usize << log_size;
        let w_big = root_of_unity(log_size + log_blowup);
        let n_inv = Felt::from(n as u64).inv().expect("n is non-zero");
        let offset_is_one = *offset == Felt::one();
        let coset_scales: Vec<Vec<Felt>> = (0..1usize << log_blowup)
            .map(|k| {
                if k == 0 && offset_is_one {
                    Vec::new()
                } else {
                    bit_reversed_powers(&(offset * w_big.pow(k as u64)), &n_inv, n)
                }
            })
            .collect();
        let twiddles = Twiddles::new(log_size);
        let coset_scales = coset_scales.into_iter().map(|f| twiddles.scales(f)).collect();
        Self { twiddles, log_blowup, coset_scales, offset_is_one }
    }

    pub fn twiddles(&self) -> &Twiddles {
        &self.twiddles
    }

    /// Values of a trace column on `<g>` (natural order) extended to `h * <w_N>` (natural
    /// order, so LDE index `k + blowup * i` lies on coset `k`).
    pub fn extend(&self, column: &[Felt], parallel: bool) -> Vec<Felt> {
        let cosets = self.extend_cosets(column.to_vec(), parallel);
        let blowup = cosets.len();
        let mut out = vec![Felt::zero(); column.len() * blowup];
        for (k, coset) in cosets.iter().enumerate() {
            for (i, v) in coset.iter().enumerate() {
                out[k + blowup * i] = *v;
            }
        }
        out
    }

    /// Like [`LdePlan::extend`], coset by coset: entry `k` holds the values on coset `k`
    /// (shift `h w_N^k`) in natural order. The column is taken by value: with `h = 1` it *is*
    /// coset 0 and is moved there, not copied, and the last coset is computed in the FFT's
    /// own scratch, so the extension allocates nothing beyond its output.
    pub fn extend_cosets(&self, column: Vec<Felt>, parallel: bool) -> Vec<Vec<Felt>> {
        let n = self.twiddles.size();
        assert_eq!(column.len(), n, "column length must match the plan");
        let blowup = 1usize << self.log_blowup;
        let mut coefficients = column.clone();
        // Bit-reversed coefficients, times n.
        self.twiddles.interpolate(&mut coefficients, parallel);
        let mut column = Some(column);
        let mut cosets = Vec::with_capacity(blowup);
        for (k, scales) in self.coset_scales.iter().enumerate() {
            if k == 0 && self.offset_is_one {
                // Coset 0 is the trace domain itself: its evaluations are the column.
                cosets.push(column.take().expect("coset 0 comes first"));
                continue;
            }
            let mut buffer = if k + 1 == blowup {
                std::mem::take(&mut coefficients)
            } else {
                coefficients.clone()
            };
            self.twiddles.evaluate_scaled(&mut buffer, scales, parallel);
            cosets.push(buffer);
        }
        cosets
    }
}

/// Evaluates natural-order `coefficients` (degree < n) on `offset * <w_N>`, `N = n * blowup`.
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
    let mut out = vec![Felt::zero(); n * blowup];
    for k in 0..blowup {
        let coset =
            evaluate_on_coset(coefficients, &(offset * w_big.pow(k as u64)), twiddles, parallel);
        for (i, v) in coset.into_iter().enumerate() {
            out[k + blowup * i] = v;
        }
    }
    out
}

/// Horner evaluation at one point.
pub fn evaluate_at(coefficients: &[Felt], x: &Felt) -> Felt {
    coefficients.iter().rev().fold(Felt::zero(), |acc, c| acc * x + c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::coset_offset;
    use proptest::prelude::*;

    fn naive(coefficients: &[Felt], points: &[Felt]) -> Vec<Felt> {
        points.iter().map(|x| evaluate_at(coefficients, x)).collect()
    }

    fn sample(n: usize, seed: u64) -> Vec<Felt> {
        (0..n as u64).map(|i| Felt::from(seed ^ (i * 7919)) * Felt::from(i + 1)).collect()
    }

    proptest! {
        #[test]
        fn fft_matches_naive(log_size in 0u32..7, seed in any::<u64>(), coset in any::<bool>()) {
            let n = 1usize << log_size;
            let coefficients = sample(n, seed);
            let twiddles = Twiddles::new(log_size);
            let offset = if coset { coset_offset() } else { Felt::one() };
            let w = root_of_unity(log_size);
            let points: Vec<Felt> = powers(&w, n).iter().map(|p| p * offset).collect();
            let evals = evaluate_on_coset(&coefficients, &offset, &twiddles, false);
            prop_assert_eq!(&evals, &naive(&coefficients, &points));
            let mut back = evals.clone();
            interpolate_on_coset(&mut back, &offset, &twiddles, false);
            prop_assert_eq!(back, coefficients);
        }

        #[test]
        fn lde_plan_matches_naive(log_size in 0u32..6, log_blowup in 1u32..4, seed in any::<u64>(), subgroup in any::<bool>()) {
            let n = 1usize << log_size;
            let column = sample(n, seed);
            let offset = if subgroup { Felt::one() } else { coset_offset() };
            let plan = LdePlan::new(log_size, log_blowup, &offset);
            let lde = plan.extend(&column, false);
            let mut coefficients = column.clone();
            interpolate_on_coset(&mut coefficients, &Felt::one(), plan.twiddles(), false);
            let w = root_of_unity(log_size + log_blowup);
            let points: Vec<Felt> = powers(&w, n << log_blowup).iter().map(|p| p * offset).collect();
            prop_assert_eq!(&lde, &naive(&coefficients, &points));
            prop_assert_eq!(lde, low_degree_extension(&coefficients, log_blowup, &offset, plan.twiddles(), false));
        }
    }

    /// A plan large enough for the lane kernels (where the machine has them: the coset
    /// factors are then taken inside the kernel) extends like the polynomial, at sampled
    /// points of every coset, on one thread and on several.
    #[test]
    fn large_lde_plan_matches_the_polynomial() {
        let (log_size, log_blowup) = (11u32, 2u32);
        let n = 1usize << log_size;
        let column = sample(n, 9);
        for offset in [coset_offset(), Felt::one()] {
            let plan = LdePlan::new(log_size, log_blowup, &offset);
            let mut coefficients = column.clone();
            interpolate_on_coset(&mut coefficients, &Felt::one(), &plan.twiddles().scalar(), false);
            let w = root_of_unity(log_size + log_blowup);
            for parallel in [false, true] {
                let lde = plan.extend(&column, parallel);
                for j in (0..n << log_blowup).step_by(97).chain([(n << log_blowup) - 1]) {
                    let x = offset * w.pow(j as u64);
                    assert_eq!(
                        lde[j],
                        evaluate_at(&coefficients, &x),
                        "point {j}, parallel {parallel}"
                    );
                }
            }
        }
    }

    #[test]
    fn parallel_fft_matches_sequential() {
        let log_size = 15;
        let coefficients = sample(1 << log_size, 3);
        let twiddles = Twiddles::new(log_size);
        let a = evaluate_on_coset(&coefficients, &coset_offset(), &twiddles, false);
        let b = evaluate_on_coset(&coefficients, &coset_offset(), &twiddles, true);
        assert_eq!(a, b);
        let plan = LdePlan::new(log_size, 2, &coset_offset());
        assert_eq!(plan.extend(&coefficients, false), plan.extend(&coefficients, true));
    }

    /// The AVX-512 IFMA kernels (where this machine has them) give exactly the scalar
    /// results, on one thread and on several, including values at the edges of the field.
    #[test]
    fn lane_kernels_match_the_scalar_fft() {
        for log_size in [10u32, 11, 14, 16] {
            let twiddles = Twiddles::new(log_size);
            let scalar = twiddles.scalar();
            let mut values = sample(1 << log_size, u64::from(log_size));
            values[0] = -Felt::one();
            values[1] = Felt::zero();
            values[(1 << log_size) - 1] = -Felt::one();
            for parallel in [false, true] {
                let (mut a, mut b) = (values.clone(), values.clone());
                twiddles.interpolate(&mut a, parallel);
                scalar.interpolate(&mut b, parallel);
                assert_eq!(a, b, "interpolation, 2^{log_size}, parallel {parallel}");
                twiddles.evaluate(&mut a, parallel);
                scalar.evaluate(&mut b, parallel);
                assert_eq!(a, b, "evaluation, 2^{log_size}, parallel {parallel}");
            }
        }
    }
}
