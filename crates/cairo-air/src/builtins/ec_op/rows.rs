//! The rows of an `ec_op` instance: where each step and each memory cell lies in its 256 rows,
//! and the periodic columns (selectors) that say so.

use std::sync::OnceLock;

use stark::Felt;

use crate::builtins::pedersen::points::bit_of_p_minus_one;

/// Bits of the scalar: its canonical integer is below the field prime `< 2^252`.
pub const N_BITS: usize = 252;
/// Rows per instance: three rows before the bits, the 252 bit rows, one row after.
pub const ROWS_PER_INSTANCE: usize = 256;
/// Bit `i` of `m` is added on row `FIRST_BIT_ROW + i`.
pub const FIRST_BIT_ROW: usize = 3;
pub const LAST_BIT_ROW: usize = FIRST_BIT_ROW + N_BITS - 1;
pub const LAST_ROW: usize = ROWS_PER_INSTANCE - 1;
/// The `carry` column holds `m` on rows `0..CARRY_SWITCH_ROW` and `R.x` from there on.
pub const CARRY_SWITCH_ROW: usize = ROWS_PER_INSTANCE / 2;

/// Where cell `k` of the instance (`p_x, p_y, q_x, q_y, m, r_x, r_y`) is read: one cell per
/// row, `(row, cell offset)`; the column is in [`super::CELL_COLUMNS`].
pub const P_X_ROW: usize = 0;
pub const P_Y_ROW: usize = 1;
pub const Q_X_ROW: usize = 2;
pub const Q_Y_ROW: usize = FIRST_BIT_ROW;
pub const M_ROW: usize = FIRST_BIT_ROW + 1;
pub const R_X_ROW: usize = LAST_BIT_ROW;
pub const R_Y_ROW: usize = LAST_ROW;
/// The read rows in cell order.
pub const CELL_ROWS: [usize; 7] = [P_X_ROW, P_Y_ROW, Q_X_ROW, Q_Y_ROW, M_ROW, R_X_ROW, R_Y_ROW];
// The bits fill the rows between the reads of P, Q and those of R; m is read where the carry
// still holds it, r_x where it already holds R.x.
const _: () = assert!(LAST_BIT_ROW + 1 == LAST_ROW && Q_Y_ROW == FIRST_BIT_ROW);
const _: () = assert!(M_ROW < CARRY_SWITCH_ROW && R_X_ROW >= CARRY_SWITCH_ROW);

/// Indices of the periodic columns (period [`ROWS_PER_INSTANCE`]).
/// Row 0: the doubling point is `P` and the accumulator starts there; `p_x` is read.
pub const FIRST: usize = 0;
/// Row 1: `p_y` is read.
pub const READ_P_Y: usize = 1;
/// Row 2: `q_x` is read.
pub const READ_Q_X: usize = 2;
/// Row 3, the first bit row: the suffix is `m` (the carry's), the comparison with `p - 1`
/// starts, `q_y` is read.
pub const BIT_FIRST: usize = 3;
/// Row 4: `m` is read (from the carry).
pub const READ_M: usize = 4;
/// Row 254, the last bit row: `r_x` is read (from the carry).
pub const READ_R_X: usize = 5;
/// Row 255: the suffix is 0, the comparison must have succeeded, the carry is `R.x`, `r_y` is
/// read; the next row is another instance.
pub const LAST: usize = 6;
/// Bit rows where bit `i` of `p - 1` is 1, and where it is 0 (together: the bit rows).
pub const BIT_ROW_P_ONE: usize = 7;
pub const BIT_ROW_P_ZERO: usize = 8;
/// Rows `3..=253`: the next row's doubling point is twice this row's.
pub const DOUBLE: usize = 9;
/// Rows 1 and 2: the next row's doubling point is this row's (`Q` until the first bit row).
pub const D_REST: usize = 10;
/// Rows whose next row has the same carry: all but 127 (where `m` gives way to `R.x`) and 255.
pub const CARRY_REST: usize = 11;
pub const N_PERIODIC: usize = 12;

/// The periodic columns, one period of [`ROWS_PER_INSTANCE`] rows each.
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let mut columns = vec![Vec::new(); N_PERIODIC];
        for row in 0..ROWS_PER_INSTANCE {
            let bit_row = (FIRST_BIT_ROW..=LAST_BIT_ROW).contains(&row);
            let p_one = bit_row && bit_of_p_minus_one(row - FIRST_BIT_ROW);
            columns[FIRST].push(flag(row == P_X_ROW));
            columns[READ_P_Y].push(flag(row == P_Y_ROW));
            columns[READ_Q_X].push(flag(row == Q_X_ROW));
            columns[BIT_FIRST].push(flag(row == FIRST_BIT_ROW));
            columns[READ_M].push(flag(row == M_ROW));
            columns[READ_R_X].push(flag(row == R_X_ROW));
            columns[LAST].push(flag(row == LAST_ROW));
            columns[BIT_ROW_P_ONE].push(flag(p_one));
            columns[BIT_ROW_P_ZERO].push(flag(bit_row && !p_one));
            columns[DOUBLE].push(flag((FIRST_BIT_ROW..LAST_BIT_ROW).contains(&row)));
            columns[D_REST].push(flag((1..FIRST_BIT_ROW).contains(&row)));
            columns[CARRY_REST].push(flag(row != CARRY_SWITCH_ROW - 1 && row != LAST_ROW));
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
        assert_eq!(count(BIT_ROW_P_ONE) + count(BIT_ROW_P_ZERO), N_BITS);
        assert_eq!(count(BIT_ROW_P_ONE), 3, "p - 1 = 2^251 + 2^196 + 2^192");
        assert_eq!(count(DOUBLE), N_BITS - 1);
        assert_eq!(count(D_REST), 2);
        assert_eq!(count(CARRY_REST), ROWS_PER_INSTANCE - 2);
        let reads = [FIRST, READ_P_Y, READ_Q_X, BIT_FIRST, READ_M, READ_R_X, LAST];
        for (selector, row) in reads.iter().zip(CELL_ROWS) {
            assert_eq!(count(*selector), 1);
            assert_eq!(p[*selector][row], Felt::one());
        }
        // One cell per row, in cell order.
        assert!(CELL_ROWS.windows(2).all(|w| w[0] < w[1]));
    }
}
