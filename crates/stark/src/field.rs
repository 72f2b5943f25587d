//! The Stark252 field and its canonical byte encoding.

use crate::parallel;
use lambdaworks_math::field::element::FieldElement;
use lambdaworks_math::field::fields::fft_friendly::stark_252_prime_field::Stark252PrimeField;
use lambdaworks_math::field::traits::{IsFFTField, IsField};
use lambdaworks_math::unsigned_integer::element::UnsignedInteger;

/// An element of the Stark252 field, `p = 2^251 + 17 * 2^192 + 1`.
pub type Felt = FieldElement<Stark252PrimeField>;

/// Bytes in the canonical encoding of a field element.
pub const FELT_BYTES: usize = 32;

/// The modulus, most significant limb first (lambdaworks' limb order).
const MODULUS_LIMBS: [u64; 4] = [0x0800_0000_0000_0011, 0, 0, 1];

/// Canonical 32-byte big-endian encoding of `x` (its integer representative in `[0, p)`).
pub fn felt_to_bytes(x: &Felt) -> [u8; FELT_BYTES] {
    let limbs = x.representative().limbs;
    let mut out = [0u8; FELT_BYTES];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(limbs.iter()) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// Decodes a canonical big-endian encoding; `None` for values `>= p`, so every element has
/// exactly one encoding (a flipped byte can never decode to the same element).
pub fn felt_from_bytes(bytes: &[u8; FELT_BYTES]) -> Option<Felt> {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        *limb = u64::from_be_bytes(chunk.try_into().expect("chunks of 8"));
    }
    if limbs >= MODULUS_LIMBS {
        return None;
    }
    Some(Felt::new(UnsignedInteger { limbs }))
}

/// Appends the internal (Montgomery) limbs of `x` to `out`. The map is a bijection onto
/// `[0, p)`, so hashing these bytes binds the element exactly, without a conversion.
#[inline]
pub fn felt_hash_bytes(x: &Felt, out: &mut Vec<u8>) {
    for limb in x.value().limbs.iter() {
        out.extend_from_slice(&limb.to_le_bytes());
    }
}

/// `a - b`, for the hot loops (FFT butterflies). lambdaworks' `Sub` for owned elements is not
/// inlined across crates and compares limb by limb before subtracting; this is one borrow
/// chain over the Montgomery limbs and a conditional addition of `p` (the representation is in
/// `[0, p)`, and `x - y + p` is the same residue).
#[inline(always)]
pub fn sub(a: &Felt, b: &Felt) -> Felt {
    let (x, y) = (&a.value().limbs, &b.value().limbs); // most significant limb first
    let mut out = [0u64; 4];
    let mut borrow = false;
    for i in (0..4).rev() {
        let (d, b1) = x[i].overflowing_sub(y[i]);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        out[i] = d;
        borrow = b1 | b2;
    }
    if borrow {
        let mut carry = false;
        for i in (0..4).rev() {
            let (s, c1) = out[i].overflowing_add(MODULUS_LIMBS[i]);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            out[i] = s;
            carry = c1 | c2;
        }
    }
    Felt::from_raw(UnsignedInteger { limbs: out })
}

/// `a * b` with lambdaworks' Montgomery kernel inlined into the caller (its `Mul` for field
/// elements is an out-of-line call), for the hot loops.
#[inline(always)]
pub fn mul(a: &Felt, b: &Felt) -> Felt {
    Felt::from_raw(<Stark252PrimeField as IsField>::mul(a.value(), b.value()))
}

/// A primitive `2^log_size`-th root of unity.
pub fn root_of_unity(log_size: u32) -> Felt {
    assert!(log_size as u64 <= Stark252PrimeField::TWO_ADICITY, "domain too large");
    let generator = Felt::new(Stark252PrimeField::TWO_ADIC_PRIMITVE_ROOT_OF_UNITY);
    let mut root = generator;
    for _ in log_size as u64..Stark252PrimeField::TWO_ADICITY {
        root = root.square();
    }
    root
}

/// A coset offset outside every subgroup of power-of-two order (3 generates the multiplicative
/// group), for testing the FFT helpers on proper cosets. The prover's evaluation domain is the
/// subgroup itself.
#[cfg(test)]
pub(crate) fn coset_offset() -> Felt {
    Felt::from(3u64)
}

/// Inverts every element in place; zeros stay zero (callers rule them out where it matters).
/// Long slices are inverted chunk by chunk in parallel (one field inversion per chunk).
pub fn batch_inverse(values: &mut [Felt]) {
    let chunk = parallel::chunk_size(values.len(), 1 << 12);
    parallel::for_each_chunk_mut(values, chunk, |_, c| batch_inverse_sequential(c));
}

fn batch_inverse_sequential(values: &mut [Felt]) {
    if values.is_empty() {
        return;
    }
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = Felt::one();
    for v in values.iter() {
        prefix.push(acc);
        if *v != Felt::zero() {
            acc *= v;
        }
    }
    let mut inv = acc.inv().expect("product of non-zero elements is non-zero");
    for (v, before) in values.iter_mut().zip(prefix.iter()).rev() {
        if *v == Felt::zero() {
            continue;
        }
        let original = *v;
        *v = inv * before;
        inv *= original;
    }
}

/// Replaces every element by the product of it and all before it (an inclusive running
/// product), in place.
pub fn running_products(values: &mut [Felt]) {
    scan(values, |acc, x| *acc *= x);
}

/// Replaces every element by the sum of it and all before it (an inclusive running sum), in
/// place.
pub fn running_sums(values: &mut [Felt]) {
    scan(values, |acc, x| *acc += *x);
}

/// An inclusive scan under `combine` (commutative and associative), in place. With more than
/// two threads it runs by chunks: each chunk's own scan in parallel, then each chunk combined
/// with the total of the chunks before it, in parallel. That does the work twice, so with two
/// threads or fewer the plain sequential scan is as fast and is used instead. The result is
/// the same either way.
fn scan<F>(values: &mut [Felt], combine: F)
where
    F: Fn(&mut Felt, &Felt) + Sync + Send,
{
    let sequential = |c: &mut [Felt]| {
        for i in 1..c.len() {
            let (before, rest) = c.split_at_mut(i);
            combine(&mut rest[0], &before[i - 1]);
        }
    };
    let chunk = parallel::chunk_size(values.len(), 1 << 12);
    if parallel::num_threads() <= 2 || values.len() <= chunk {
        sequential(values);
        return;
    }
    parallel::for_each_chunk_mut(values, chunk, |_, c| sequential(c));
    // The total of the chunks before each chunk (none before the first).
    let mut carries: Vec<Felt> = Vec::with_capacity(values.len().div_ceil(chunk));
    let mut total: Option<Felt> = None;
    for c in values.chunks(chunk) {
        let last = c.last().expect("chunks are non-empty");
        carries.push(total.unwrap_or_else(Felt::zero));
        total = Some(match total {
            Some(mut t) => {
                combine(&mut t, last);
                t
            }
            None => *last,
        });
    }
    parallel::for_each_chunk_mut(values, chunk, |i, c| {
        if i > 0 {
            for v in c.iter_mut() {
                combine(v, &carries[i]);
            }
        }
    });
}

/// Powers `1, x, x^2, ..., x^(count-1)`.
pub fn powers(x: &Felt, count: usize) -> Vec<Felt> {
    let mut out = Vec::with_capacity(count);
    let mut acc = Felt::one();
    for _ in 0..count {
        out.push(acc);
        acc *= x;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn modulus_is_rejected_and_p_minus_one_accepted() {
        let mut p = [0u8; 32];
        for (chunk, limb) in p.chunks_exact_mut(8).zip(MODULUS_LIMBS.iter()) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
        assert!(felt_from_bytes(&p).is_none());
        p[31] -= 1;
        assert_eq!(felt_from_bytes(&p).unwrap(), -Felt::one());
    }

    /// `values` and the expected scans, on `threads` worker threads.
    fn check_scans(values: &[Felt], threads: usize) {
        let run = || {
            let mut products = values.to_vec();
            running_products(&mut products);
            let mut sums = values.to_vec();
            running_sums(&mut sums);
            let mut inverses = values.to_vec();
            batch_inverse(&mut inverses);
            (products, sums, inverses)
        };
        #[cfg(feature = "parallel")]
        let (products, sums, inverses) =
            rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(run);
        #[cfg(not(feature = "parallel"))]
        let (products, sums, inverses) = {
            let _ = threads;
            run()
        };
        let (mut product, mut sum) = (Felt::one(), Felt::zero());
        for (i, v) in values.iter().enumerate() {
            product *= *v;
            sum += *v;
            assert_eq!(products[i], product, "product {i}, {threads} threads");
            assert_eq!(sums[i], sum, "sum {i}, {threads} threads");
            let inverse = v.inv().unwrap_or_else(|_| Felt::zero());
            assert_eq!(inverses[i], inverse, "inverse {i}, {threads} threads");
        }
    }

    #[test]
    fn scans_and_inverses_agree_on_any_thread_count() {
        // Several chunks and a ragged last one; a zero in the middle of a chunk.
        let mut values: Vec<Felt> =
            (0..50_001u64).map(|i| Felt::from(i * i + 3) * Felt::from(7u64).pow(i)).collect();
        values[20_000] = Felt::zero();
        for threads in [1, 2, 3, 8] {
            check_scans(&values, threads);
        }
        check_scans(&[], 4);
        check_scans(&[Felt::from(5u64)], 4);
    }

    #[test]
    fn roots_have_exact_order() {
        let w = root_of_unity(10);
        assert_eq!(w.pow(1024u64), Felt::one());
        assert_ne!(w.pow(512u64), Felt::one());
    }

    #[test]
    fn fast_sub_agrees_at_the_edges() {
        let two = Felt::from(2u64);
        let edges = [
            Felt::zero(),
            Felt::one(),
            -Felt::one(),
            -two,
            two.pow(251u64),
            two.pow(192u64) - Felt::one(),
            two.pow(255u64).inv().unwrap(),
        ];
        for a in &edges {
            for b in &edges {
                assert_eq!(sub(a, b), *a - *b, "{a} - {b}");
            }
        }
    }

    proptest! {
        #[test]
        fn fast_sub_agrees_with_lambdaworks(a in any::<[u64; 4]>(), b in any::<[u64; 4]>()) {
            let felt = |l: [u64; 4]| {
                l.iter().fold(Felt::zero(), |acc, x| acc * Felt::from(2u64).pow(64u64) + Felt::from(*x))
            };
            let (x, y) = (felt(a), felt(b));
            prop_assert_eq!(sub(&x, &y), x - y);
            prop_assert_eq!(sub(&y, &x), y - x);
            prop_assert_eq!(mul(&x, &y), x * y);
        }

        #[test]
        fn bytes_round_trip(a in any::<u64>(), b in any::<u64>()) {
            let x = Felt::from(a) * Felt::from(b) + Felt::from(b);
            prop_assert_eq!(felt_from_bytes(&felt_to_bytes(&x)).unwrap(), x);
        }

        #[test]
        fn batch_inverse_matches_single(values in proptest::collection::vec(any::<u64>(), 1..40)) {
            let mut xs: Vec<Felt> = values.iter().map(|v| Felt::from(*v)).collect();
            let expected: Vec<Felt> = xs.iter().map(|x| x.inv().unwrap_or(Felt::zero())).collect();
            batch_inverse(&mut xs);
            prop_assert_eq!(xs, expected);
        }
    }
}
