//! The DEEP quotient's sums over columns, eight points at once: at each point `x`,
//! `sum_c a_c t_c(x)` and `sum_c b_c t_c(x)` for two sets of coefficients. One vector product
//! per column and set does eight points, against eight scalar products.

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
        let felt = |i: u64| Felt::from(i * 0x9e37_79b9_7f4a_7c15 + 7).square();
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
}
