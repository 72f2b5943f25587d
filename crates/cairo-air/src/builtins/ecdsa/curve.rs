//! The `ecdsa` table's rows: the periodic columns of an instance's 512 rows (selectors and the
//! multiples of `G`), and the Stark curve's helpers ([`crate::builtins::stark_curve`]) it
//! uses.

use std::sync::OnceLock;

use stark::Felt;

pub use crate::builtins::stark_curve::{
    Point, beta, chord, double_with, generator, lift_x, neg, on_curve, shift_point, tangent_slope,
};

/// Bits of a scalar the table decomposes: `z`, `r` and `w` are below `2^251`.
pub const N_BITS: usize = 251;
/// Rows per phase: the bit rows, then rows where the accumulators rest.
pub const ROWS_PER_PHASE: usize = 256;
/// Rows per instance: phase 1 (`z G` and `r Q` side by side), phase 2 (`w B`).
pub const ROWS_PER_INSTANCE: usize = 2 * ROWS_PER_PHASE;
/// Instance rows of note: the pubkey is read on row 0 (`dx`), the message on row 1 (the `z`
/// lane runs one row behind, so that each row reads at most one cell).
pub const KEY_ROW: usize = 0;
pub const MESSAGE_ROW: usize = 1;
pub const COMBINE_ROW: usize = ROWS_PER_PHASE - 1;
pub const W_ROW: usize = ROWS_PER_PHASE;
pub const LAST_ROW: usize = ROWS_PER_INSTANCE - 1;

/// Indices of the periodic columns (period [`ROWS_PER_INSTANCE`]).
/// 1 on an instance's first row: the accumulators start at `S` (`z` lane) and `-S` (the other),
/// `D` is the key, the suffix is `r`, the pubkey cell is read.
pub const FIRST: usize = 0;
/// 1 on row 1: the message cell is read (the `z` lane's first suffix).
pub const MESSAGE: usize = 1;
/// 1 on row 255: the next `D` is the sum of the two accumulators.
pub const COMBINE: usize = 2;
/// 1 on row 256: the accumulator restarts at `S`, the suffix is `w`.
pub const W_FIRST: usize = 3;
/// 1 on an instance's last row: the final check; the next row is another instance.
pub const LAST: usize = 4;
/// 1 on the rows whose next row holds `2 D` (all but 255 and 511).
pub const DOUBLE: usize = 5;
/// 1 on the `z` lane's bit rows `1..=251`.
pub const BIT_ROW_Z: usize = 6;
/// 1 on row 252 (the `z` lane's suffix is 0 there).
pub const END_Z: usize = 7;
/// 1 on the main lane's bit rows `0..251` and `256..507`.
pub const BIT_ROW: usize = 8;
/// 1 on rows 251 and 507 (the main lane's suffix is 0 there).
pub const END: usize = 9;
/// The point the `z` lane adds on its bit row `1 + i`: `2^i G` (0 elsewhere).
pub const GX: usize = 10;
pub const GY: usize = 11;
pub const N_PERIODIC: usize = 12;

/// `2^i G` for `i < 251`.
fn generator_multiples() -> Vec<Point> {
    let mut points = Vec::with_capacity(N_BITS);
    let mut p = generator();
    for _ in 0..N_BITS {
        points.push(p);
        p = double_with(&p, &tangent_slope(&p).expect("y != 0"));
    }
    points
}

/// The periodic columns, one period of [`ROWS_PER_INSTANCE`] rows each.
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let multiples = generator_multiples();
        let mut columns = vec![Vec::new(); N_PERIODIC];
        for row in 0..ROWS_PER_INSTANCE {
            let i = row % ROWS_PER_PHASE;
            let z_bit = (1..=N_BITS).contains(&row);
            columns[FIRST].push(flag(row == 0));
            columns[MESSAGE].push(flag(row == MESSAGE_ROW));
            columns[COMBINE].push(flag(row == COMBINE_ROW));
            columns[W_FIRST].push(flag(row == W_ROW));
            columns[LAST].push(flag(row == LAST_ROW));
            columns[DOUBLE].push(flag(row != COMBINE_ROW && row != LAST_ROW));
            columns[BIT_ROW_Z].push(flag(z_bit));
            columns[END_Z].push(flag(row == N_BITS + 1));
            columns[BIT_ROW].push(flag(i < N_BITS));
            columns[END].push(flag(i == N_BITS));
            let point =
                if z_bit { multiples[row - 1] } else { Point { x: Felt::zero(), y: Felt::zero() } };
            columns[GX].push(point.x);
            columns[GY].push(point.y);
        }
        columns
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_partition_as_documented() {
        let p = periodic_columns();
        let count = |c: usize| p[c].iter().filter(|v| **v == Felt::one()).count();
        assert_eq!(count(BIT_ROW), 2 * N_BITS);
        assert_eq!(count(BIT_ROW_Z), N_BITS);
        assert_eq!(count(END), 2);
        assert_eq!(count(DOUBLE), ROWS_PER_INSTANCE - 2);
        assert!([FIRST, MESSAGE, COMBINE, W_FIRST, LAST, END_Z].iter().all(|c| count(*c) == 1));
        // The z lane's last point is 2^250 G, on the curve.
        let last = Point { x: p[GX][N_BITS], y: p[GY][N_BITS] };
        assert!(on_curve(&last) && last != generator());
    }
}
