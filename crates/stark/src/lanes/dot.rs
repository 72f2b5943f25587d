//! Sums of products, eight at once: the DEEP quotient's sums over columns at each point
//! ([`two_sums`]) and the out-of-domain evaluations' sums over points of each column
//! ([`weighted_sum`]). One vector product does eight scalar ones.

use super::*;
use crate::field::Felt;

/// For each `i < first.len()`: `first[i] = sum_c a[c] columns[c][i]` and `second[i] = sum_c
/// b[c] columns[c][i]`, with `a` and `b` in lane form ([`lane_form`]) and every column at
/// least as long as the outputs.
///
/// # Safety
/// The machine has the features ([`available`]).
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
pub unsafe fn two_sums(
    columns: &[&[Felt]],
    a: &[[u64; 5]],
    b: &[[u64; 5]],
    first: &mut [Felt],
    second: &mut [Felt],
) {
    // Tiles of TILE points, column by column: each column is read in runs of TILE
    // contiguous elements, which the prefetchers follow (point by point, the dozens of
    // column streams are more than they track).
    const TILE: usize = 64;
    let zero = Felt::zero();
    let empty = Octet([_mm512_setzero_si512(); 5]);
    for tile in (0..first.len()).step_by(TILE) {
        let len = (first.len() - tile).min(TILE);
        let octets = len.div_ceil(8);
        let (mut sums_a, mut sums_b) = ([empty; TILE / 8], [empty; TILE / 8]);
        for ((column, a), b) in columns.iter().zip(a).zip(b) {
            let (a, b) = (broadcast(a), broadcast(b));
            let points = &column[tile..tile + len];
            for (o, (sum_a, sum_b)) in sums_a.iter_mut().zip(&mut sums_b).take(octets).enumerate() {
                let t = pack(std::array::from_fn(|l| points.get(8 * o + l).unwrap_or(&zero)));
                *sum_a = add(sum_a, &mul(&t, &a));
                *sum_b = add(sum_b, &mul(&t, &b));
            }
        }
        for (o, (sum_a, sum_b)) in sums_a.iter().zip(&sums_b).take(octets).enumerate() {
            let (start, count) = (tile + 8 * o, (len - 8 * o).min(8));
            first[start..start + count].copy_from_slice(&unpack(sum_a)[..count]);
            second[start..start + count].copy_from_slice(&unpack(sum_b)[..count]);
        }
    }
}

/// Values packed eight to an octet (the last one padded with zeros), to be read many times.
pub struct Packed {
    octets: Vec<Octet>,
    len: usize,
}

impl Packed {
    /// # Safety
    /// The machine has the features ([`available`]).
    pub unsafe fn new(values: &[Felt]) -> Self {
        let zero = Felt::zero();
        let pack_at = |o: usize| {
            // SAFETY: as the caller's.
            unsafe { pack(std::array::from_fn(|l| values.get(8 * o + l).unwrap_or(&zero))) }
        };
        Self {
            octets: crate::parallel::map_range(values.len().div_ceil(8), pack_at),
            len: values.len(),
        }
    }
}

/// `sum_i weights[i] column[i]` over the weights' length (the column at least as long).
///
/// Both sides are in lambdaworks' form, so each product is `w t 2^-4` in that form (the
/// lanes' `R` is 2^260, lambdaworks' 2^256); the sum is scaled back by 16 at the end.
///
/// # Safety
/// The machine has the features ([`available`]).
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
pub unsafe fn weighted_sum(weights: &Packed, column: &[Felt]) -> Felt {
    let zero = Felt::zero();
    let column = &column[..weights.len];
    let mut sum = Octet([_mm512_setzero_si512(); 5]);
    for (o, w) in weights.octets.iter().enumerate() {
        let t = pack(std::array::from_fn(|l| column.get(8 * o + l).unwrap_or(&zero)));
        sum = add(&sum, &mul(&t, w));
    }
    unpack(&sum).iter().fold(Felt::zero(), |acc, x| acc + x) * Felt::from(16u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sums match the scalar ones, for lengths that are and are not multiples of eight,
    /// with values at the edges of the field.
    #[test]
    fn two_sums_match_the_scalar_sums() {
        if !available() {
            return;
        }
        let felt =
            |i: u64| Felt::from(i.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(7)).square();
        for (width, len) in [(1usize, 8usize), (5, 13), (40, 64), (3, 3), (7, 200)] {
            let columns: Vec<Vec<Felt>> = (0..width)
                .map(|c| {
                    (0..len)
                        .map(|i| {
                            if (c + i) % 5 == 0 { -Felt::one() } else { felt((c * len + i) as u64) }
                        })
                        .collect()
                })
                .collect();
            let a: Vec<Felt> = (0..width)
                .map(|c| if c == 1 { -Felt::one() } else { felt(1000 + c as u64) })
                .collect();
            let b: Vec<Felt> = (0..width).map(|c| felt(2000 + c as u64)).collect();
            let slices: Vec<&[Felt]> = columns.iter().map(Vec::as_slice).collect();
            let (mut first, mut second) = (vec![Felt::zero(); len], vec![Felt::zero(); len]);
            // SAFETY: the features are available.
            unsafe { two_sums(&slices, &lane_form(&a), &lane_form(&b), &mut first, &mut second) };
            for i in 0..len {
                let expected_a = (0..width).fold(Felt::zero(), |s, c| s + a[c] * columns[c][i]);
                let expected_b = (0..width).fold(Felt::zero(), |s, c| s + b[c] * columns[c][i]);
                assert_eq!(first[i], expected_a, "first, width {width}, point {i}");
                assert_eq!(second[i], expected_b, "second, width {width}, point {i}");
            }
        }
    }

    /// Weighted sums match the scalar ones, with a padded last octet and edge values.
    #[test]
    fn weighted_sums_match_the_scalar_sums() {
        if !available() {
            return;
        }
        for len in [1usize, 8, 13, 1000] {
            let felt = |i: usize| {
                Felt::from((i as u64).wrapping_mul(0x9e37_79b9).wrapping_add(11)).square()
            };
            let weights: Vec<Felt> =
                (0..len).map(|i| if i % 7 == 3 { -Felt::one() } else { felt(i) }).collect();
            let column: Vec<Felt> = (0..len + 3)
                .map(|i| if i % 5 == 1 { -Felt::one() } else { felt(3 * i + 1) })
                .collect();
            let expected = (0..len).fold(Felt::zero(), |s, i| s + weights[i] * column[i]);
            // SAFETY: the features are available.
            let sum = unsafe { weighted_sum(&Packed::new(&weights), &column) };
            assert_eq!(sum, expected, "length {len}");
        }
    }
}
