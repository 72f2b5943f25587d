//! The `ecdsa` table's rows: where each part of an instance's 128 rows lies, the periodic
//! columns that say so, the fixed points the accumulations start from, and the Stark curve's
//! helpers ([`crate::builtins::stark_curve`]) it uses.

use std::sync::OnceLock;

use stark::Felt;

pub use crate::builtins::stark_curve::{
    Point, beta, chord, double_with, generator, lift_x, neg, on_curve, shift_point, tangent_slope,
};

/// Rows per instance.
pub const ROWS_PER_INSTANCE: usize = 128;
/// 2-bit digits of `r` and `s` (252 bits; the top digit is at most 1).
pub const DIGITS: usize = 126;
/// Rows of the joint chain `4 acc + T[a][b]`, one digit pair each: rows `0..126`; row
/// [`FINAL_ROW`] holds its result.
pub const CHAIN_ROWS: usize = DIGITS;
/// 4-bit windows of `z` (252 bits; the top window is below 8).
pub const Z_WINDOWS: usize = 63;
/// Bits of a `z` window.
pub const Z_WINDOW_BITS: usize = 4;
/// The `z` chain's first row: rows `63..126` add one window each, from the top one.
pub const Z_FIRST_ROW: usize = FINAL_ROW - Z_WINDOWS;
/// The row where both chains have ended: the final sum is taken here.
pub const FINAL_ROW: usize = CHAIN_ROWS;
/// An instance's last row: the final sum is compared with `K` here.
pub const LAST_ROW: usize = ROWS_PER_INSTANCE - 1;
/// Where the cells are read: the pubkey on row 0, the message on the final row.
pub const KEY_ROW: usize = 0;
pub const MESSAGE_ROW: usize = FINAL_ROW;

/// The entries of an instance's table `T`, in walk order: row `e` holds entry `e` as
/// `(i, j, top)` for the point `H + i Q - j R`. The four `top` entries (digits 0 or 1) are the
/// only ones row 0 may look up, which bounds `r` and `s` below `2^251`. Each entry is one
/// step `±Q` or `±R` from the one before.
pub const WALK: [(u8, u8, bool); 20] = [
    (0, 0, true),
    (0, 1, true),
    (1, 1, true),
    (1, 0, true),
    (0, 0, false),
    (0, 1, false),
    (0, 2, false),
    (0, 3, false),
    (1, 3, false),
    (1, 2, false),
    (1, 1, false),
    (1, 0, false),
    (2, 0, false),
    (2, 1, false),
    (2, 2, false),
    (2, 3, false),
    (3, 3, false),
    (3, 2, false),
    (3, 1, false),
    (3, 0, false),
];

/// The walk row of entry `(i, j, top)`; `None` for a digit pair with no entry (a digit above 3,
/// or a top digit above 1).
pub fn walk_row(i: usize, j: usize, top: bool) -> Option<usize> {
    WALK.iter().position(|e| (e.0 as usize, e.1 as usize, e.2) == (i, j, top))
}

/// The step from walk entry `e` to `e + 1`: `(q, r)` with the point `q Q + r R`, one of
/// `q, r` is 0 and the other `±1`.
pub fn walk_step(e: usize) -> (i64, i64) {
    let ((i0, j0, _), (i1, j1, _)) = (WALK[e], WALK[e + 1]);
    let (q, r) = (i1 as i64 - i0 as i64, -(j1 as i64 - j0 as i64));
    assert!(q.abs() + r.abs() == 1, "walk entries are one step apart");
    (q, r)
}

/// Indices of the periodic columns (period [`ROWS_PER_INSTANCE`]).
/// Row 0: the chain starts at `S`, its prefixes at 0, the walk at `H`; the key is read; the
/// looked-up digits are the top ones.
pub const FIRST: usize = 0;
/// Rows `0..126`: the chain step `acc' = 4 acc + E` and its lookup.
pub const CHAIN: usize = 1;
/// Row 126: `r` is the chain's prefix; the add lane adds the chain's result to `z`'s.
pub const FINAL: usize = 2;
/// Row 127: the add lane holds `K`.
pub const LAST: usize = 3;
/// Rows `0..20`: a walk entry (a multiplicity may be nonzero).
pub const ENTRY: usize = 4;
/// The entry's labels `i`, `j`, `top` on the walk rows (0 elsewhere).
pub const LABEL_I: usize = 5;
pub const LABEL_J: usize = 6;
pub const LABEL_TOP: usize = 7;
/// Rows `0..19`: the add lane adds the walk step `(SEL_Q QX + SEL_R RX, SIGN_Q QY + SIGN_R RY)`.
pub const STEP: usize = 8;
pub const SEL_Q: usize = 9;
pub const SEL_R: usize = 10;
pub const SIGN_Q: usize = 11;
pub const SIGN_R: usize = 12;
/// Row 63: the `z` chain starts at `S_z`, its prefix at 0.
pub const Z_START: usize = 13;
/// Rows `63..126`: the add lane adds a looked-up window point of `G`.
pub const Z_STEP: usize = 14;
/// The window index `k` of `z` that the row adds (`62` on row 63 down to `0` on row 125).
pub const Z_WINDOW: usize = 15;
/// Rows where the add lane adds: `STEP + Z_STEP + FINAL`.
pub const ADD: usize = 16;
pub const N_PERIODIC: usize = 17;

/// The `z` window row `row` adds (for `Z_FIRST_ROW <= row < FINAL_ROW`).
pub fn z_window_of_row(row: usize) -> usize {
    Z_WINDOWS - 1 - (row - Z_FIRST_ROW)
}

/// The periodic columns, one period of [`ROWS_PER_INSTANCE`] rows each.
#[allow(clippy::needless_range_loop)] // a row sets a value in most columns
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let signed =
            |v: i64| if v < 0 { -Felt::from(v.unsigned_abs()) } else { Felt::from(v as u64) };
        let mut columns = vec![vec![Felt::zero(); ROWS_PER_INSTANCE]; N_PERIODIC];
        for row in 0..ROWS_PER_INSTANCE {
            let z_step = (Z_FIRST_ROW..FINAL_ROW).contains(&row);
            let step = row + 1 < WALK.len();
            columns[FIRST][row] = flag(row == 0);
            columns[CHAIN][row] = flag(row < CHAIN_ROWS);
            columns[FINAL][row] = flag(row == FINAL_ROW);
            columns[LAST][row] = flag(row == LAST_ROW);
            columns[ENTRY][row] = flag(row < WALK.len());
            if let Some((i, j, top)) = WALK.get(row) {
                columns[LABEL_I][row] = Felt::from(*i as u64);
                columns[LABEL_J][row] = Felt::from(*j as u64);
                columns[LABEL_TOP][row] = flag(*top);
            }
            columns[STEP][row] = flag(step);
            if step {
                let (q, r) = walk_step(row);
                columns[SEL_Q][row] = flag(q != 0);
                columns[SEL_R][row] = flag(r != 0);
                columns[SIGN_Q][row] = signed(q);
                columns[SIGN_R][row] = signed(r);
            }
            columns[Z_START][row] = flag(row == Z_FIRST_ROW);
            columns[Z_STEP][row] = flag(z_step);
            if z_step {
                columns[Z_WINDOW][row] = Felt::from(z_window_of_row(row) as u64);
            }
            columns[ADD][row] = flag(step || z_step || row == FINAL_ROW);
        }
        columns
    })
}

/// The fixed points. No discrete-logarithm relation between them, `G` and the keys is known
/// (they are Starknet's Pedersen points, from the digits of pi), which keeps an honest
/// accumulation away from the chord formula's exceptional case. The constraints read them on
/// every row, so each is parsed once.
fn fixed_point(index: usize) -> Point {
    static POINTS: OnceLock<[Point; 4]> = OnceLock::new();
    POINTS.get_or_init(|| {
        let [p1, p2, p3, _] = crate::builtins::pedersen::points::base_points();
        [shift_point(), p1, p2, p3]
    })[index]
}

/// `S`, where the joint chain starts (Starknet's shift point `P0`).
pub fn chain_start() -> Point {
    fixed_point(0)
}

/// `H`, the offset of every entry of an instance's table (`T[i][j] = H + i Q - j R`), so that
/// the digit pair `(0, 0)` adds an affine point too (`P1`).
pub fn entry_offset() -> Point {
    fixed_point(1)
}

/// `S_z`, where the `z` chain starts (`P2`).
pub fn z_start() -> Point {
    fixed_point(2)
}

/// `H_z`, the offset of every window point of `G` (`H_z + d 16^k G`; `P3`).
pub fn z_offset() -> Point {
    fixed_point(3)
}

/// `4 p` (two tangent steps; no point of the prime-order group has `y = 0`).
fn quadruple(p: &Point) -> Point {
    let two = double_with(p, &tangent_slope(p).expect("y != 0"));
    double_with(&two, &tangent_slope(&two).expect("y != 0"))
}

/// `K`, what the final sum is for a valid signature: the chain's offsets
/// `4^126 S + (4^126 - 1)/3 H` plus the `z` chain's `S_z + 63 H_z`. Computed the way the
/// chains accumulate the offsets (with all digits 0), so no scalar is written down.
pub fn target() -> Point {
    static TARGET: OnceLock<Point> = OnceLock::new();
    *TARGET.get_or_init(|| {
        let add = |a: &Point, b: &Point| chord(a, b).expect("distinct abscissas").0;
        let mut chain = chain_start();
        for _ in 0..CHAIN_ROWS {
            chain = add(&quadruple(&chain), &entry_offset());
        }
        let mut z = z_start();
        for _ in 0..Z_WINDOWS {
            z = add(&z, &z_offset());
        }
        add(&z, &chain)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_partition_as_documented() {
        let p = periodic_columns();
        let count = |c: usize| p[c].iter().filter(|v| **v == Felt::one()).count();
        assert_eq!(count(CHAIN), CHAIN_ROWS);
        assert_eq!(count(Z_STEP), Z_WINDOWS);
        assert_eq!(count(ENTRY), WALK.len());
        assert_eq!(count(STEP), WALK.len() - 1);
        assert_eq!(count(ADD), WALK.len() - 1 + Z_WINDOWS + 1);
        assert!([FIRST, FINAL, LAST, Z_START].iter().all(|c| count(*c) == 1));
        assert_eq!(p[Z_WINDOW][Z_FIRST_ROW], Felt::from(62u64));
        assert_eq!(p[Z_WINDOW][FINAL_ROW - 1], Felt::zero());
        // The z chain and the walk do not share rows.
        assert!((0..ROWS_PER_INSTANCE).all(|r| p[STEP][r] * p[Z_STEP][r] == Felt::zero()));
    }

    #[test]
    fn walk_visits_every_entry_once() {
        for i in 0..4 {
            for j in 0..4 {
                assert!(walk_row(i, j, false).is_some());
                assert_eq!(walk_row(i, j, true).is_some(), i < 2 && j < 2);
            }
        }
        assert_eq!(walk_row(4, 0, false), None);
        assert_eq!(WALK.len(), 16 + 4);
        for e in 0..WALK.len() - 1 {
            walk_step(e);
        }
    }

    #[test]
    fn fixed_points_are_on_the_curve_and_no_abscissa_is_zero() {
        for p in [chain_start(), entry_offset(), z_start(), z_offset(), target()] {
            assert!(on_curve(&p));
        }
        // beta is not a square: no curve point has x = 0, so r = x(R) is never 0.
        assert!(lift_x(&Felt::zero()).is_none());
    }
}
