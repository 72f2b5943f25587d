//! The constants of Starknet's Pedersen hash on the Stark curve `y^2 = x^3 + x + b`, the
//! entries of the points table (every window's possible points) and the row selectors the
//! pedersen table reads.
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
pub(crate) fn base_points() -> [Point; 4] {
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

/// Bits of a scalar: the integer is below the field prime `< 2^252`.
pub const N_BITS: usize = 252;
/// Bits of a scalar that multiply the "low" point.
pub const LOW_BITS: usize = 248;

/// Bits per window: the table adds one looked-up point per 8 bits of a scalar.
pub const WINDOW_BITS: usize = 8;
/// Windows of the low 248 bits (each of [`WINDOW_BITS`] bits, times the low point).
pub const LOW_WINDOWS: usize = LOW_BITS / WINDOW_BITS;
/// Windows per input scalar: the 31 low ones, then the top 4 bits (times the high point).
pub const WINDOWS_PER_INPUT: usize = LOW_WINDOWS + 1;
/// Rows per input scalar: one per window.
pub const ROWS_PER_INPUT: usize = WINDOWS_PER_INPUT;
/// Rows per hash: input `a`, then input `b`.
pub const ROWS_PER_HASH: usize = 2 * ROWS_PER_INPUT;
/// Windows of one hash: row `r` of an instance adds window `r`'s point.
pub const WINDOWS: usize = ROWS_PER_HASH;

/// Indices of the pedersen table's periodic columns (period [`ROWS_PER_HASH`]).
/// The window index `r` of the row (`0..64`), part of every looked-up tuple.
pub const WINDOW: usize = 0;
/// 1 on a hash's first row (the accumulator starts; cell `a` is read).
pub const HASH_FIRST: usize = 1;
/// 1 on input `b`'s first row (cell `b` is read).
pub const SECOND_INPUT: usize = 2;
/// 1 on each input's last row (its top window: the suffix is the window; the comparison
/// with `p - 1` must have succeeded).
pub const INPUT_LAST: usize = 3;
/// 1 on a hash's last row (cell `h` is read; the next row starts the next hash).
pub const HASH_LAST: usize = 4;
pub const N_PERIODIC: usize = 5;

/// Bit `i` of `p - 1 = 2^251 + 2^196 + 2^192`.
pub fn bit_of_p_minus_one(i: usize) -> bool {
    matches!(i, 192 | 196 | 251)
}

/// Values window `j` of an input (`0..32`) takes: 256 for the low windows, 16 for the top one.
pub fn window_size(j: usize) -> usize {
    if j < LOW_WINDOWS { 1 << WINDOW_BITS } else { 1 << (N_BITS - LOW_BITS) }
}

/// Window `j` of `p - 1`: 17 for bits 192..200, 8 for the top 4 bits, 0 elsewhere.
pub fn window_of_p_minus_one(j: usize) -> usize {
    (0..WINDOW_BITS)
        .filter(|b| j * WINDOW_BITS + b < N_BITS && bit_of_p_minus_one(j * WINDOW_BITS + b))
        .map(|b| 1 << b)
        .sum()
}

/// The offset `H` every window's point carries: the Stark curve's generator `G`. Each entry
/// is `H + v B`, so the value 0 has an affine point too; the accumulator starts at
/// `P0 - 64 H`, so the 64 offsets cancel. No discrete-logarithm relation between `G` and
/// `P0..P4` is known (the Pedersen points come from the digits of pi), which is what keeps
/// an honest accumulation away from the chord formula's exceptional case.
pub fn window_offset() -> Point {
    crate::builtins::stark_curve::generator()
}

/// Where the accumulation starts: `P0 - 64 H` ([`window_offset`]).
pub fn start_point() -> Point {
    static START: OnceLock<Point> = OnceLock::new();
    *START.get_or_init(|| {
        let mut sum = window_offset();
        for _ in 0..WINDOWS.trailing_zeros() {
            sum = double(&sum);
        }
        let neg = Point { x: sum.x, y: -sum.y };
        add(&shift_point(), &neg)
    })
}

/// `p + q` for points of distinct abscissas.
fn add(p: &Point, q: &Point) -> Point {
    let slope = (p.y - q.y) * (p.x - q.x).inv().expect("distinct abscissas");
    let x = slope.square() - p.x - q.x;
    Point { x, y: slope * (p.x - x) - p.y }
}

/// The base point of window `r` (`0..64`): `2^(8j) P_low` for the low windows `j < 31` of
/// input `r / 32`, `P_high` for its top window.
fn window_base(r: usize) -> Point {
    let (input, j) = (r / ROWS_PER_INPUT, r % ROWS_PER_INPUT);
    let bases = base_points();
    if j == LOW_WINDOWS {
        return bases[2 * input + 1];
    }
    let mut p = bases[2 * input];
    for _ in 0..j * WINDOW_BITS {
        p = double(&p);
    }
    p
}

/// One entry of the points table: window `r`, value `v`, the point `H + v B_r`, and how `v`
/// compares with window `r mod 32` of `p - 1` (`lt`: below it, `eq`: equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub window: usize,
    pub value: usize,
    pub point: Point,
    pub lt: bool,
    pub eq: bool,
}

/// Index of window `r`'s value `v` in [`entries`].
pub fn entry_index(r: usize, v: usize) -> usize {
    let (input, j) = (r / ROWS_PER_INPUT, r % ROWS_PER_INPUT);
    let per_input: usize = (0..WINDOWS_PER_INPUT).map(window_size).sum();
    input * per_input + j * (1 << WINDOW_BITS) + v
}

/// Every entry, window by window, values in order: `2 (31 * 256 + 16) = 15,904`.
pub fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let offset = window_offset();
        let mut all = Vec::new();
        for r in 0..WINDOWS {
            let j = r % ROWS_PER_INPUT;
            let (base, c) = (window_base(r), window_of_p_minus_one(j));
            let mut point = offset;
            for v in 0..window_size(j) {
                if v > 0 {
                    point = add(&point, &base);
                }
                all.push(Entry { window: r, value: v, point, lt: v < c, eq: v == c });
            }
        }
        all
    })
}

/// The pedersen table's periodic columns, one period of [`ROWS_PER_HASH`] rows each.
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let mut columns = vec![Vec::new(); N_PERIODIC];
        for row in 0..ROWS_PER_HASH {
            columns[WINDOW].push(Felt::from(row as u64));
            columns[HASH_FIRST].push(flag(row == 0));
            columns[SECOND_INPUT].push(flag(row == ROWS_PER_INPUT));
            columns[INPUT_LAST].push(flag(row % ROWS_PER_INPUT == ROWS_PER_INPUT - 1));
            columns[HASH_LAST].push(flag(row == ROWS_PER_HASH - 1));
        }
        columns
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_minus_one_has_the_bits_and_windows_named() {
        let p_minus_one = (0..N_BITS).rev().fold(Felt::zero(), |acc, i| {
            acc.double() + Felt::from(u64::from(bit_of_p_minus_one(i)))
        });
        assert_eq!(p_minus_one, -Felt::one());
        let by_windows = (0..WINDOWS_PER_INPUT).fold(Felt::zero(), |acc, j| {
            acc + Felt::from(window_of_p_minus_one(j) as u64)
                * Felt::from(2u64).pow((j * WINDOW_BITS) as u64)
        });
        assert_eq!(by_windows, -Felt::one());
        assert_eq!((window_of_p_minus_one(24), window_of_p_minus_one(31)), (17, 8));
    }

    #[test]
    fn entries_are_the_offset_plus_multiples_of_the_window_base() {
        let b = hex("06f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89");
        let on_curve = |p: &Point| p.y.square() == p.x.square() * p.x + p.x + b;
        assert!(on_curve(&shift_point()) && on_curve(&start_point()));
        let all = entries();
        assert_eq!(all.len(), 2 * (31 * 256 + 16));
        assert!(all.iter().all(|e| on_curve(&e.point)));
        for (i, e) in all.iter().enumerate() {
            assert_eq!(entry_index(e.window, e.value), i);
        }
        // Window 1's value 3 is H + 3 * 2^8 P1: check against the doubling chain.
        let mut p1 = base_points()[0];
        for _ in 0..8 {
            p1 = double(&p1);
        }
        let three = add(&double(&p1), &p1);
        assert_eq!(all[entry_index(1, 3)].point, add(&window_offset(), &three));
        // p - 1's windows compare equal, and only they.
        assert!(all[entry_index(24, 17)].eq && all[entry_index(24, 16)].lt);
        assert!(!all[entry_index(31, 9)].lt && !all[entry_index(31, 9)].eq);
        assert!(all[entry_index(63, 8)].eq && all[entry_index(32, 0)].eq);
    }
}
