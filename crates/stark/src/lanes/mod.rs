//! Field arithmetic eight elements at once, on AVX-512 IFMA (x86-64 with `avx512f`,
//! `avx512ifma` and `avx512dq`, detected at run time), and the prover's kernels built on it:
//! the FFT ([`fft`]), and the sums of products of the DEEP quotient and the out-of-domain
//! evaluations (`dot`, prover only).
//!
//! An element is five 52-bit limbs (one vector per limb, lane `l` of each vector belonging
//! to element `l`: an [`Octet`]), in Montgomery form with `R = 2^260`, multiplied by
//! `vpmadd52luq`/`vpmadd52huq` word by word (`p = 1 + 17 2^192 + 2^251` has three zero limbs,
//! and `-p^-1 mod 2^52 = 2^52 - 1`). The data are lambdaworks' own Montgomery integers `x 2^256
//! mod p` split into limbs: read as this representation they stand for `x 2^-4`. A product
//! with a constant `c` given in lane form (`c 2^260 mod p`, [`lane_form`]) is then `x c` in
//! lambdaworks' form again, so only the constants are converted, never the data (a product
//! of two lambdaworks-form values is `a b 2^-4`, which a factor of 16 folded into one side or
//! into the result puts right). Values stay
//! in `[0, 2p)` between operations and are made canonical on the way out, so the results are
//! exactly the scalar ones (tests compare them).

use std::arch::x86_64::*;
use std::sync::OnceLock;

use lambdaworks_math::unsigned_integer::element::UnsignedInteger;

use crate::field::Felt;

#[cfg(feature = "prover")]
pub mod dot;
pub mod fft;

/// 52-bit limbs.
const MASK: u64 = (1 << 52) - 1;
/// `p` and `2p` in 52-bit limbs.
const P: [u64; 5] = [1, 0, 0, 17 << 36, 1 << 43];
const P2: [u64; 5] = [2, 0, 0, 17 << 37, 1 << 44];

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

/// Constants for products in the lanes: `c 2^260 mod p` in limbs, for each entry.
pub fn lane_form(table: &[Felt]) -> Vec<[u64; 5]> {
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
            let twiddles = lane_form(&b);
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
