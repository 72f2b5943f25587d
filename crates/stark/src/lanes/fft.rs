//! Eight FFTs at once in the lanes.
//!
//! A radix-2 FFT of size `n`, after its first three levels (decimation in frequency) or
//! before its last three (decimation in time), is eight independent FFTs of size `n / 8` on
//! the eight contiguous segments, all with the same twiddles. Here lane `l` holds segment
//! `l`, so one vector instruction does the same butterfly in all eight, and the twiddle is a
//! broadcast. The three levels across segments pair lanes of one octet (octet `k` holds the
//! eight elements `l m + k`): they run with lane permutations on the way into the lanes
//! (decimation in frequency) or on the way out (in time), in the same pass over memory as
//! the packing ([`CrossLevels`]). Since an FFT is linear, the data stay in lambdaworks' form
//! and only the twiddles are converted ([`super::lane_form`]).

use std::arch::x86_64::*;

use super::*;
use crate::fft::{butterflies, on_halves};
use crate::field::Felt;
use crate::parallel;

/// Below this lane-FFT size a sub-FFT is not worth a thread.
const PARALLEL_MIN: usize = 1 << 11;

/// The smallest FFT that goes through the lanes (eight segments of at least 2^7).
pub const MIN_SIZE: usize = 1 << 10;

/// The three levels across segments, on octet `k` (lane `l` holding element `l m + k` of an
/// FFT of size `n = 8 m`), in the order a radix-2 FFT runs them: pairs of lanes four apart
/// with twiddles `w_n^(l m + k)` (`l < 4`), then two apart with `w_(n/2)^(l m + k)` (`l < 2`),
/// then neighbours with `w_(n/4)^k`. A butterfly level is one lane permutation, one vector
/// product and a blend; the seven twiddles of an octet come from one product of three table
/// entries `w_n^k`, `w_(n/2)^k`, `w_(n/4)^k` with the constant factors `w_n^(l m)` and
/// `w_(n/2)^m`.
struct CrossLevels<'a> {
    /// The scalar level table (entries `h..2h` hold `w_2h^j`).
    table: &'a [Felt],
    m: usize,
    /// `[1, w_n^m, w_n^2m, w_n^3m, 1, w_(n/2)^m, 1, 1]` times 2^8, in the raw form, so the
    /// product with a raw Montgomery entry (`w 2^256`) is the twiddle in lane form (`w 2^260`).
    factors: Octet,
}

/// Per level (pairs four, two and one lanes apart): the partner of each lane, the lanes of
/// the twiddle vector each lane reads, and the lanes that hold a pair's upper element.
const PARTNER: [[i64; 8]; 3] =
    [[4, 5, 6, 7, 0, 1, 2, 3], [2, 3, 0, 1, 6, 7, 4, 5], [1, 0, 3, 2, 5, 4, 7, 6]];
const TWIDDLE_LANE: [[i64; 8]; 3] =
    [[0, 1, 2, 3, 0, 1, 2, 3], [4, 5, 4, 5, 4, 5, 4, 5], [6, 6, 6, 6, 6, 6, 6, 6]];
const UPPER: [__mmask8; 3] = [0xF0, 0xCC, 0xAA];

impl<'a> CrossLevels<'a> {
    /// SAFETY: the callers checked the features.
    unsafe fn new(table: &'a [Felt], n: usize) -> Self {
        let m = n / 8;
        let scale = Felt::from(256u64);
        let one = scale;
        let (a, b, c, d) = (
            table[4 * m + m] * scale,
            table[4 * m + 2 * m] * scale,
            table[4 * m + 3 * m] * scale,
            table[2 * m + m] * scale,
        );
        // SAFETY: as the caller's.
        let factors = unsafe { pack([&one, &a, &b, &c, &one, &d, &one, &one]) };
        Self { table, m, factors }
    }

    /// The twiddles of octet `k`: lanes 0..4 for the first level, 4..6 for the second, 6 for
    /// the third.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    fn twiddles(&self, k: usize) -> Octet {
        let (t, m) = (self.table, self.m);
        let (w1, w2, w3) = (&t[4 * m + k], &t[2 * m + k], &t[m + k]);
        mul(&pack([w1, w1, w1, w1, w2, w2, w3, w3]), &self.factors)
    }

    /// Decimation in frequency, first levels first: `(a, b) <- (a + b, (a - b) w)`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    fn dif(&self, mut x: Octet, k: usize) -> Octet {
        let twiddles = self.twiddles(k);
        for level in 0..3 {
            let partner = permute(&x, &PARTNER[level]);
            let sum = add(&x, &partner);
            // In the upper lanes the partner is `a` and `x` is `b`.
            let product = mul(&sub_lazy(&partner, &x), &permute(&twiddles, &TWIDDLE_LANE[level]));
            x = blend(UPPER[level], &sum, &product);
        }
        x
    }

    /// Decimation in time, last levels last: `(a, b) <- (a + b w, a - b w)`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    fn dit(&self, mut x: Octet, k: usize) -> Octet {
        let twiddles = self.twiddles(k);
        for level in (0..3).rev() {
            // `b w` in the upper lanes (the lower lanes' products are not used).
            let product = mul(&x, &permute(&twiddles, &TWIDDLE_LANE[level]));
            let lower = add(&x, &permute(&product, &PARTNER[level]));
            let upper = sub(&permute(&x, &PARTNER[level]), &product);
            x = blend(UPPER[level], &lower, &upper);
        }
        x
    }
}

/// Segment `l` of `values` into lane `l` (octet `k` holds elements `l m + k`, `m = n / 8`),
/// after the first three levels of a decimation in frequency.
fn to_lanes(values: &[Felt], levels: &CrossLevels<'_>, parallel: bool) -> Vec<Octet> {
    let m = values.len() / 8;
    // SAFETY: the callers checked the features.
    let load =
        |k: usize| unsafe { levels.dif(pack(std::array::from_fn(|l| &values[l * m + k])), k) };
    if parallel { parallel::map_range(m, load) } else { (0..m).map(load).collect() }
}

/// Segment `l` of `values` into lane `l` (before a decimation in time), each value times
/// its factor when `scales` are given (in lane form: the lambdaworks-form factor times 16).
fn to_lanes_plain(values: &[Felt], scales: Option<&[Felt]>, parallel: bool) -> Vec<Octet> {
    let m = values.len() / 8;
    // SAFETY: the callers checked the features.
    let load = |k: usize| unsafe {
        let octet = pack(std::array::from_fn(|l| &values[l * m + k]));
        match scales {
            Some(scales) => mul(&octet, &pack(std::array::from_fn(|l| &scales[l * m + k]))),
            None => octet,
        }
    };
    if parallel { parallel::map_range(m, load) } else { (0..m).map(load).collect() }
}

/// The inverse of [`to_lanes_plain`], making every value canonical, with the last three
/// levels of a decimation in time when `levels` is given. Written in place: each chunk of
/// octets fills its range in all eight segments.
fn from_lanes(
    lanes: &[Octet],
    values: &mut [Felt],
    levels: Option<&CrossLevels<'_>>,
    parallel: bool,
) {
    let m = lanes.len();
    let chunk = if parallel { parallel::chunk_size(m, 1 << 8) } else { m.max(1) };
    let mut parts: Vec<(usize, Vec<&mut [Felt]>)> =
        (0..m.div_ceil(chunk)).map(|i| (i * chunk, Vec::with_capacity(8))).collect();
    for segment in values.chunks_mut(m) {
        for (part, range) in parts.iter_mut().zip(segment.chunks_mut(chunk)) {
            part.1.push(range);
        }
    }
    parallel::for_each_mut(&mut parts, |_, (first, segments)| {
        for (j, octet) in lanes[*first..].iter().take(segments[0].len()).enumerate() {
            // SAFETY: the callers checked the features.
            let row = unsafe {
                match levels {
                    Some(levels) => unpack(&levels.dit(*octet, *first + j)),
                    None => unpack(octet),
                }
            };
            for (segment, v) in segments.iter_mut().zip(row) {
                segment[j] = v;
            }
        }
    });
}

// SAFETY (for the `unsafe` blocks below): these functions are only reached through [`dif`],
// [`dit`] and [`dit_scaled`], whose callers checked [`available`].

/// One level's decimation-in-frequency butterflies over a block: `(a, b) <- (a + b, (a - b)
/// w)`. A function of its own so that the field operations inline under the features.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn dif_block(lo: &mut [Octet], hi: &mut [Octet], twiddles: &[[u64; 5]]) {
    for ((a, b), w) in lo.iter_mut().zip(hi.iter_mut()).zip(twiddles) {
        let diff = sub_lazy(a, b);
        *a = add(a, b);
        *b = mul(&diff, &broadcast(w));
    }
}

/// One level's decimation-in-time butterflies over a block: `(a, b) <- (a + b w, a - b w)`.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn dit_block(lo: &mut [Octet], hi: &mut [Octet], twiddles: &[[u64; 5]]) {
    for ((a, b), w) in lo.iter_mut().zip(hi.iter_mut()).zip(twiddles) {
        let t = mul(b, &broadcast(w));
        *b = sub(a, &t);
        *a = add(a, &t);
    }
}

fn dif_lanes(values: &mut [Octet], table: &[[u64; 5]], allow_parallel: bool) {
    let n = values.len();
    if n <= 1 {
        return;
    }
    let m = n / 2;
    let parallel = allow_parallel && n >= PARALLEL_MIN && parallel::num_threads() > 1;
    let twiddles = &table[m..n];
    let (lo, hi) = values.split_at_mut(m);
    butterflies(lo, hi, parallel, 1 << 7, |offset, lo, hi| unsafe {
        dif_block(lo, hi, &twiddles[offset..])
    });
    on_halves(|half, p| dif_lanes(half, table, p), lo, hi, parallel);
}

fn dit_lanes(values: &mut [Octet], table: &[[u64; 5]], allow_parallel: bool) {
    let n = values.len();
    if n <= 1 {
        return;
    }
    let m = n / 2;
    let parallel = allow_parallel && n >= PARALLEL_MIN && parallel::num_threads() > 1;
    let twiddles = &table[m..n];
    let (lo, hi) = values.split_at_mut(m);
    on_halves(|half, p| dit_lanes(half, table, p), lo, hi, parallel);
    butterflies(lo, hi, parallel, 1 << 7, |offset, lo, hi| unsafe {
        dit_block(lo, hi, &twiddles[offset..])
    });
}

/// A whole decimation in frequency (natural order in, bit-reversed out): the three levels
/// across segments on the way into the lanes, then the eight segment FFTs. `scalar` is the
/// level table, `table` the lane form ([`lane_form`]) of its first `n / 8` entries.
pub fn dif(values: &mut [Felt], scalar: &[Felt], table: &[[u64; 5]], parallel: bool) {
    // SAFETY: the callers checked the features.
    let levels = unsafe { CrossLevels::new(scalar, values.len()) };
    let mut lanes = to_lanes(values, &levels, parallel);
    dif_lanes(&mut lanes, table, parallel);
    from_lanes(&lanes, values, None, parallel);
}

/// A whole decimation in time (bit-reversed in, natural order out): the eight segment FFTs,
/// then the three levels across segments on the way out of the lanes.
pub fn dit(values: &mut [Felt], scalar: &[Felt], table: &[[u64; 5]], parallel: bool) {
    dit_inner(values, None, scalar, table, parallel);
}

/// [`dit`] of `values[i] * f_i`, with `scales[i] = 16 f_i` (the lanes' product of two
/// lambdaworks-form values is `a b 2^-4`): the products are taken on the way into the lanes.
pub fn dit_scaled(
    values: &mut [Felt],
    scales: &[Felt],
    scalar: &[Felt],
    table: &[[u64; 5]],
    parallel: bool,
) {
    dit_inner(values, Some(scales), scalar, table, parallel);
}

fn dit_inner(
    values: &mut [Felt],
    scales: Option<&[Felt]>,
    scalar: &[Felt],
    table: &[[u64; 5]],
    parallel: bool,
) {
    // SAFETY: the callers checked the features.
    let levels = unsafe { CrossLevels::new(scalar, values.len()) };
    let mut lanes = to_lanes_plain(values, scales, parallel);
    dit_lanes(&mut lanes, table, parallel);
    from_lanes(&lanes, values, Some(&levels), parallel);
}
