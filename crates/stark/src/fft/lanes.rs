//! Eight FFTs at once on AVX-512 IFMA (x86-64 with `avx512ifma`, detected at run time).
//!
//! A radix-2 FFT of size `n`, after its first three levels (decimation in frequency) or
//! before its last three (decimation in time), is eight independent FFTs of size `n / 8` on
//! the eight contiguous segments, all with the same twiddles. Here lane `l` of a 512-bit
//! vector holds segment `l`, so one vector instruction does the same butterfly in all eight,
//! and the twiddle is a broadcast. The three levels across segments pair lanes of one
//! octet (octet `k` holds the eight elements `l m + k`): they run with lane permutations on
//! the way into the lanes (decimation in frequency) or on the way out (in time), in the same
//! pass over memory as the packing ([`CrossLevels`]).
//!
//! Arithmetic: an element is five 52-bit limbs (one vector per limb), in Montgomery form with
//! `R = 2^260`, multiplied by `vpmadd52luq`/`vpmadd52huq` word by word (`p = 1 + 17 2^192 +
//! 2^251` has three zero limbs, and `-p^-1 mod 2^52 = 2^52 - 1`). The data are lambdaworks'
//! own Montgomery integers `x 2^256 mod p` split into limbs: read as this representation they
//! stand for `x 2^-4`, and since an FFT is linear, the output read back the same way is the
//! right result; only the twiddles are converted (to `w 2^260 mod p`). Values stay in
//! `[0, 2p)` between butterflies and are made canonical on the way out, so the results are
//! exactly the scalar FFT's (tests compare them).

use std::arch::x86_64::*;
use std::sync::OnceLock;

use lambdaworks_math::unsigned_integer::element::UnsignedInteger;

use super::{butterflies, on_halves};
use crate::field::Felt;
use crate::parallel;

/// 52-bit limbs.
const MASK: u64 = (1 << 52) - 1;
/// `p` and `2p` in 52-bit limbs.
const P: [u64; 5] = [1, 0, 0, 17 << 36, 1 << 43];
const P2: [u64; 5] = [2, 0, 0, 17 << 37, 1 << 44];
/// Below this lane-FFT size a sub-FFT is not worth a thread.
const PARALLEL_MIN: usize = 1 << 11;
/// The smallest FFT that goes through the lanes (eight segments of at least 2^7).
pub const MIN_SIZE: usize = 1 << 10;

/// Whether this machine runs the lane kernels (checked once).
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512ifma")
            && is_x86_feature_detected!("avx512dq")
    })
}

/// Eight elements, one per lane: limb `j` of all eight in vector `j`.
#[derive(Clone, Copy)]
struct Octet([__m512i; 5]);

/// Limbs of an integer below 2^256, given least significant word first.
fn split(v: [u64; 4]) -> [u64; 5] {
    [
        v[0] & MASK,
        ((v[0] >> 52) | (v[1] << 12)) & MASK,
        ((v[1] >> 40) | (v[2] << 24)) & MASK,
        ((v[2] >> 28) | (v[3] << 36)) & MASK,
        v[3] >> 16,
    ]
}

/// The integer (below 2^256) of five limbs, least significant word first.
fn join(l: [u64; 5]) -> [u64; 4] {
    [
        l[0] | (l[1] << 52),
        (l[1] >> 12) | (l[2] << 40),
        (l[2] >> 24) | (l[3] << 28),
        (l[3] >> 36) | (l[4] << 16),
    ]
}

/// The Montgomery integer lambdaworks holds for `x`, least significant word first.
fn raw_words(x: &Felt) -> [u64; 4] {
    let limbs = x.value().limbs; // most significant first
    [limbs[3], limbs[2], limbs[1], limbs[0]]
}

fn from_raw_words(v: [u64; 4]) -> Felt {
    Felt::from_raw(UnsignedInteger { limbs: [v[3], v[2], v[1], v[0]] })
}

/// Twiddles for the lane kernels: `w 2^260 mod p` in limbs, for each entry of a level table.
pub fn twiddle_limbs(table: &[Felt]) -> Vec<[u64; 5]> {
    let r = Felt::from(2u64).pow(260u64);
    table
        .iter()
        .map(|w| {
            let canonical = (w * r).representative().limbs; // most significant first
            split([canonical[3], canonical[2], canonical[1], canonical[0]])
        })
        .collect()
}

#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn broadcast(limbs: &[u64; 5]) -> Octet {
    Octet(std::array::from_fn(|j| _mm512_set1_epi64(limbs[j] as i64)))
}

/// Propagates carries (signed) so every limb but the top one is below 2^52.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn normalize(mut t: [__m512i; 5]) -> [__m512i; 5] {
    let mask = _mm512_set1_epi64(MASK as i64);
    for j in 0..4 {
        let carry = _mm512_srai_epi64(t[j], 52);
        t[j] = _mm512_and_si512(t[j], mask);
        t[j + 1] = _mm512_add_epi64(t[j + 1], carry);
    }
    t
}

/// `x - q` where that is not negative, else `x` (normalized `x`).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn subtract_if_not_below(x: [__m512i; 5], q: &[u64; 5]) -> [__m512i; 5] {
    let t =
        normalize(std::array::from_fn(|j| _mm512_sub_epi64(x[j], _mm512_set1_epi64(q[j] as i64))));
    let negative = _mm512_movepi64_mask(t[4]);
    std::array::from_fn(|j| _mm512_mask_blend_epi64(negative, t[j], x[j]))
}

/// `a + b` in `[0, 2p)` for `a`, `b` in `[0, 2p)`.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn add(a: &Octet, b: &Octet) -> Octet {
    let sum = normalize(std::array::from_fn(|j| _mm512_add_epi64(a.0[j], b.0[j])));
    Octet(subtract_if_not_below(sum, &P2))
}

/// `a - b + 2p` in `(0, 4p)` for `a`, `b` in `[0, 2p)` (a valid multiplication input).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn sub_lazy(a: &Octet, b: &Octet) -> Octet {
    Octet(normalize(std::array::from_fn(|j| {
        _mm512_sub_epi64(_mm512_add_epi64(a.0[j], _mm512_set1_epi64(P2[j] as i64)), b.0[j])
    })))
}

/// `a - b` in `[0, 2p)` for `a`, `b` in `[0, 2p)`.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn sub(a: &Octet, b: &Octet) -> Octet {
    Octet(subtract_if_not_below(sub_lazy(a, b).0, &P2))
}

/// Montgomery product `a b 2^-260 mod p`, in `[0, 2p)`, for `a b < 2^260 p` (for instance
/// `a < 4p`, `b < 2p`), limbs below 2^52.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn mul(a: &Octet, b: &Octet) -> Octet {
    let zero = _mm512_setzero_si512();
    let mask = _mm512_set1_epi64(MASK as i64);
    let (p3, p4) = (_mm512_set1_epi64(P[3] as i64), _mm512_set1_epi64(P[4] as i64));
    let [b0, b1, b2, b3, b4] = b.0;
    let [mut t0, mut t1, mut t2, mut t3, mut t4] = [zero; 5];
    for ai in a.0 {
        let mut t5 = zero;
        t0 = _mm512_madd52lo_epu64(t0, ai, b0);
        t1 = _mm512_madd52hi_epu64(t1, ai, b0);
        t1 = _mm512_madd52lo_epu64(t1, ai, b1);
        t2 = _mm512_madd52hi_epu64(t2, ai, b1);
        t2 = _mm512_madd52lo_epu64(t2, ai, b2);
        t3 = _mm512_madd52hi_epu64(t3, ai, b2);
        t3 = _mm512_madd52lo_epu64(t3, ai, b3);
        t4 = _mm512_madd52hi_epu64(t4, ai, b3);
        t4 = _mm512_madd52lo_epu64(t4, ai, b4);
        t5 = _mm512_madd52hi_epu64(t5, ai, b4);
        // m = -t0 mod 2^52 makes t + m p divisible by 2^52 (p = 1 mod 2^52).
        let m = _mm512_and_si512(_mm512_sub_epi64(zero, t0), mask);
        t0 = _mm512_add_epi64(t0, m);
        t3 = _mm512_madd52lo_epu64(t3, m, p3);
        t4 = _mm512_madd52hi_epu64(t4, m, p3);
        t4 = _mm512_madd52lo_epu64(t4, m, p4);
        t5 = _mm512_madd52hi_epu64(t5, m, p4);
        let carry = _mm512_srli_epi64(t0, 52);
        t0 = _mm512_add_epi64(t1, carry);
        t1 = t2;
        t2 = t3;
        t3 = t4;
        t4 = t5;
    }
    Octet(normalize([t0, t1, t2, t3, t4]))
}

/// Eight elements into an octet, element `l` in lane `l`.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn pack(values: [&Felt; 8]) -> Octet {
    let mut limbs = [[0u64; 8]; 5];
    for (l, v) in values.iter().enumerate() {
        for (j, limb) in split(raw_words(v)).into_iter().enumerate() {
            limbs[j][l] = limb;
        }
    }
    // SAFETY: reading eight u64 from an array of eight.
    Octet(std::array::from_fn(|j| unsafe { _mm512_loadu_si512(limbs[j].as_ptr().cast()) }))
}

/// An octet's eight elements (values in `[0, 2p)` made canonical).
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn unpack(octet: &Octet) -> [Felt; 8] {
    let canonical = subtract_if_not_below(octet.0, &P);
    let mut limbs = [[0u64; 8]; 5];
    for j in 0..5 {
        // SAFETY: writing eight u64 into an array of eight.
        unsafe { _mm512_storeu_si512(limbs[j].as_mut_ptr().cast(), canonical[j]) };
    }
    std::array::from_fn(|l| from_raw_words(join(std::array::from_fn(|j| limbs[j][l]))))
}

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

/// `x` with lane `l` taken from lane `index[l]`.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn permute(x: &Octet, index: &[i64; 8]) -> Octet {
    // SAFETY: reading eight i64 from an array of eight.
    let index = unsafe { _mm512_loadu_si512(index.as_ptr().cast()) };
    Octet(std::array::from_fn(|j| _mm512_permutexvar_epi64(index, x.0[j])))
}

/// `lower` in the lanes outside `mask`, `upper` in those in it.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn blend(mask: __mmask8, lower: &Octet, upper: &Octet) -> Octet {
    Octet(std::array::from_fn(|j| _mm512_mask_blend_epi64(mask, lower.0[j], upper.0[j])))
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

/// Segment `l` of `values` into lane `l`, unchanged (before a decimation in time).
fn to_lanes_plain(values: &[Felt], parallel: bool) -> Vec<Octet> {
    let m = values.len() / 8;
    // SAFETY: the callers checked the features.
    let load = |k: usize| unsafe { pack(std::array::from_fn(|l| &values[l * m + k])) };
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

// SAFETY (for the `unsafe` blocks below): these functions are only reached through
// [`dif_segments`]/[`dit_segments`], whose callers checked [`available`].

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
/// level table, `table` the lane form ([`twiddle_limbs`]) of its first `n / 8` entries.
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
    // SAFETY: the callers checked the features.
    let levels = unsafe { CrossLevels::new(scalar, values.len()) };
    let mut lanes = to_lanes_plain(values, parallel);
    dit_lanes(&mut lanes, table, parallel);
    from_lanes(&lanes, values, Some(&levels), parallel);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(count: usize, seed: u64) -> Vec<Felt> {
        let mut x = Felt::from(seed) + Felt::from(0x1234_5678u64);
        (0..count)
            .map(|_| {
                x = x * x + Felt::from(3u64);
                x
            })
            .collect()
    }

    #[test]
    fn limbs_round_trip() {
        for x in sample(100, 1).iter().chain([Felt::zero(), -Felt::one()].iter()) {
            assert_eq!(from_raw_words(join(split(raw_words(x)))), *x);
        }
    }

    #[test]
    fn lane_arithmetic_matches_the_field() {
        if !available() {
            return;
        }
        for seed in 0..50 {
            let (mut a, mut b) = (sample(8, 2 * seed), sample(8, 2 * seed + 1));
            // Edges: zero and p - 1 on both sides.
            a[0] = Felt::zero();
            a[1] = -Felt::one();
            b[2] = Felt::zero();
            b[3] = -Felt::one();
            a[4] = -Felt::one();
            b[4] = -Felt::one();
            let twiddles = twiddle_limbs(&b);
            // SAFETY: the features are available.
            unsafe {
                let (x, y) =
                    (pack(std::array::from_fn(|l| &a[l])), pack(std::array::from_fn(|l| &b[l])));
                let sum = unpack(&add(&x, &y));
                let difference = unpack(&sub(&x, &y));
                for l in 0..8 {
                    assert_eq!(sum[l], a[l] + b[l], "sum, lane {l}");
                    assert_eq!(difference[l], a[l] - b[l], "difference, lane {l}");
                    // The lazy difference (below 4p) is a valid factor.
                    let product = unpack(&mul(&sub_lazy(&x, &y), &broadcast(&twiddles[l])));
                    let expected = (a[l] - b[l]) * b[l];
                    assert_eq!(product[l], expected, "product, lane {l}");
                }
            }
        }
    }
}
