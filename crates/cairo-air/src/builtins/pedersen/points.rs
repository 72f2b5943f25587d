//! The constants of Starknet's Pedersen hash on the Stark curve `y^2 = x^3 + x + b`, and the
//! periodic columns the table reads: each bit row's constant point and the row selectors.
//!
//! `H(a, b) = [P0 + a_low P1 + a_high P2 + b_low P3 + b_high P4].x` with `a_low` the low 248
//! bits of `a` and `a_high` its top 4 bits. The points are those of `starknet-curve`
//! (`SHIFT_POINT`, `PEDERSEN_P0..P3`, the same as cairo-lang's `pedersen_params.json`); a test
//! checks the whole hash against `starknet_crypto::pedersen_hash`.

use std::sync::OnceLock;

use stark::Felt;

/// An affine point of the Stark curve (never the point at infinity here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub x: Felt,
    pub y: Felt,
}

fn hex(s: &str) -> Felt {
    Felt::from_hex_unchecked(s)
}

fn point(x: &str, y: &str) -> Point {
    Point { x: hex(x), y: hex(y) }
}

/// `P0`, the shift point the accumulation starts from.
pub fn shift_point() -> Point {
    point(
        "049ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804",
        "03ca0cfe4b3bc6ddf346d49d06ea0ed34e621062c0e056c1d0405d266e10268a",
    )
}

/// `P1..P4`: for the low 248 bits of `a`, its high 4 bits, the low bits of `b`, its high bits.
fn base_points() -> [Point; 4] {
    [
        point(
            "0234287dcbaffe7f969c748655fca9e58fa8120b6d56eb0c1080d17957ebe47b",
            "03b056f100f96fb21e889527d41f4e39940135dd7a6c94cc6ed0268ee89e5615",
        ),
        point(
            "04fa56f376c83db33f9dab2656558f3399099ec1de5e3018b7a6932dba8aa378",
            "03fa0984c931c9e38113e0c0e47e4401562761f92a7a23b45168f4e80ff5b54d",
        ),
        point(
            "04ba4cc166be8dec764910f75b45f74b40c690c74709e90f3aa372f0bd2d6997",
            "0040301cf5c1751f4b971e46c4ede85fcac5c59a5ce5ae7c48151f27b24b219c",
        ),
        point(
            "054302dcb0e6cc1c6e44cca8f61a63bb2ca65048d53fb325d36ff12c49a58202",
            "01b77b3e37d13504b348046268d8ae25ce98ad783c25561a879dcc77e99c2426",
        ),
    ]
}

/// `2 P` (the curve's `a` coefficient is 1). `P` is never of order 2 here (no such point has
/// `y = 0` among these multiples: the group order is prime).
fn double(p: &Point) -> Point {
    let three = Felt::from(3u64);
    let slope = (three * p.x.square() + Felt::one()) * p.y.double().inv().expect("y != 0");
    let x = slope.square() - p.x.double();
    Point { x, y: slope * (p.x - x) - p.y }
}

/// Bits of a scalar the table decomposes: the integer is below the field prime `< 2^252`.
pub const N_BITS: usize = 252;
/// Bits of a scalar that multiply the "low" point.
pub const LOW_BITS: usize = 248;
/// Rows per input scalar: the bit rows `0..252`, then four rows where the accumulator rests.
pub const ROWS_PER_INPUT: usize = 256;
/// Rows per hash: input `a`, then input `b`.
pub const ROWS_PER_HASH: usize = 2 * ROWS_PER_INPUT;

/// Indices of the periodic columns.
pub const PERIODIC_X: usize = 0;
pub const PERIODIC_Y: usize = 1;
/// 1 on a hash's first row (the accumulator is `P0`; cell `a` is read).
pub const HASH_FIRST: usize = 2;
/// 1 on a hash's last row (cell `h` is read; the accumulator may jump to the next hash's `P0`).
pub const HASH_LAST: usize = 3;
/// 1 on input `b`'s first row (cell `b` is read).
pub const SECOND_INPUT: usize = 4;
/// 1 on each input's first row (the comparison with `p - 1` starts).
pub const INPUT_FIRST: usize = 5;
/// 1 on row 252 of each input (the suffix is 0, the comparison must have succeeded).
pub const INPUT_END: usize = 6;
/// `1` on bit row `i` where bit `i` of `p - 1` is 1, else 0.
pub const BIT_ROW_P_ONE: usize = 7;
/// `1` on bit row `i` where bit `i` of `p - 1` is 0, else 0. With [`BIT_ROW_P_ONE`] it sums to
/// the bit-row selector.
pub const BIT_ROW_P_ZERO: usize = 8;
pub const N_PERIODIC: usize = 9;

/// Bit `i` of `p - 1 = 2^251 + 2^196 + 2^192`.
pub fn bit_of_p_minus_one(i: usize) -> bool {
    matches!(i, 192 | 196 | 251)
}

/// The point added on bit row `i` of input `input` (0 for `a`, 1 for `b`): `2^i P_low` for
/// `i < 248`, `2^(i - 248) P_high` for `248 <= i < 252`.
pub fn row_point(input: usize, i: usize) -> Point {
    row_points()[input * N_BITS + i]
}

fn row_points() -> &'static [Point] {
    static POINTS: OnceLock<Vec<Point>> = OnceLock::new();
    POINTS.get_or_init(|| {
        let bases = base_points();
        let mut all = Vec::with_capacity(2 * N_BITS);
        for input in 0..2 {
            let (low, high) = (bases[2 * input], bases[2 * input + 1]);
            let mut p = low;
            for _ in 0..LOW_BITS {
                all.push(p);
                p = double(&p);
            }
            let mut p = high;
            for _ in LOW_BITS..N_BITS {
                all.push(p);
                p = double(&p);
            }
        }
        all
    })
}

/// The periodic columns, one period ([`ROWS_PER_HASH`] or [`ROWS_PER_INPUT`] rows) each.
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let mut columns = vec![Vec::new(); N_PERIODIC];
        for row in 0..ROWS_PER_HASH {
            let (input, i) = (row / ROWS_PER_INPUT, row % ROWS_PER_INPUT);
            // Rows without a bit add nothing; any constant would do, 0 is as good as any.
            let p = if i < N_BITS {
                row_point(input, i)
            } else {
                Point { x: Felt::zero(), y: Felt::zero() }
            };
            columns[PERIODIC_X].push(p.x);
            columns[PERIODIC_Y].push(p.y);
            columns[HASH_FIRST].push(flag(row == 0));
            columns[HASH_LAST].push(flag(row == ROWS_PER_HASH - 1));
            columns[SECOND_INPUT].push(flag(row == ROWS_PER_INPUT));
        }
        for i in 0..ROWS_PER_INPUT {
            columns[INPUT_FIRST].push(flag(i == 0));
            columns[INPUT_END].push(flag(i == N_BITS));
            columns[BIT_ROW_P_ONE].push(flag(i < N_BITS && bit_of_p_minus_one(i)));
            columns[BIT_ROW_P_ZERO].push(flag(i < N_BITS && !bit_of_p_minus_one(i)));
        }
        columns
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_minus_one_has_the_bits_named() {
        let p_minus_one = (0..N_BITS).rev().fold(Felt::zero(), |acc, i| {
            acc.double() + Felt::from(u64::from(bit_of_p_minus_one(i)))
        });
        assert_eq!(p_minus_one, -Felt::one());
    }

    #[test]
    fn points_are_on_the_curve() {
        // b of the Stark curve.
        let b = hex("06f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89");
        let on_curve = |p: &Point| p.y.square() == p.x.square() * p.x + p.x + b;
        assert!(on_curve(&shift_point()));
        assert!(row_points().iter().all(on_curve));
        assert_eq!(row_points().len(), 2 * N_BITS);
    }
}
