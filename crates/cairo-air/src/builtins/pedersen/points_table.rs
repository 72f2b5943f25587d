//! The points table: every point a pedersen row may add, the table side of the LogUp argument
//! that binds each window of a hash input to its point (a [`FixedTable`]).
//!
//! An entry is the tuple `(r, v, x, y, lt, eq)` of [`super::points::entries`]: window `r`
//! (`0..64`), its value `v` (`0..256`, or `0..16` for the top 4 bits of an input), the point
//! `(x, y) = H + v B_r`, and `lt`/`eq`, whether `v` is below or equal to the same window of
//! `p - 1`. Rows past the 15,904 entries repeat entry 0, a valid tuple, with multiplicity 0.
//!
//! [`FixedTable`]: crate::builtins::lookup::FixedTable

use std::sync::OnceLock;

use stark::Felt;

use super::points::entries;

/// log2 of the table's rows: the 15,904 entries fit in 2^14.
pub const LOG_ROWS: u32 = 14;

/// The entries' tuples as columns of `2^LOG_ROWS` values, padded with entry 0.
pub fn entry_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let all = entries();
        let mut columns: Vec<Vec<Felt>> =
            (0..6).map(|_| Vec::with_capacity(1 << LOG_ROWS)).collect();
        for row in 0..1usize << LOG_ROWS {
            let e = all.get(row).unwrap_or(&all[0]);
            let tuple = [
                Felt::from(e.window as u64),
                Felt::from(e.value as u64),
                e.point.x,
                e.point.y,
                flag(e.lt),
                flag(e.eq),
            ];
            for (column, value) in columns.iter_mut().zip(tuple) {
                column.push(value);
            }
        }
        columns
    })
}
