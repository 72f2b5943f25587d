//! The byte-pairs table: every pair of bytes `(a, b)` with `a & b` and the flag `small`
//! (`a < 8` and `b < 8`), the table side of the LogUp argument that decomposes `bitwise`
//! inputs into bytes and computes their `and` (a [`FixedTable`]). Entry `a + 256 b` is
//! `(a, b, a & b, small)`.
//!
//! [`FixedTable`]: crate::builtins::lookup::FixedTable

use std::sync::OnceLock;

use stark::Felt;

/// log2 of the table's rows: one per pair of bytes.
pub const LOG_ROWS: u32 = 16;
/// Entries: every pair.
pub const ENTRIES: usize = 1 << LOG_ROWS;

/// The entry of the pair `(a, b)`.
pub fn entry_index(a: usize, b: usize) -> usize {
    a + 256 * b
}

/// The entries' tuples `(a, b, a & b, small)` as four columns.
pub fn entry_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut columns = vec![Vec::with_capacity(ENTRIES); 4];
        for row in 0..ENTRIES {
            let (a, b) = (row % 256, row / 256);
            let tuple = [a, b, a & b, usize::from(a < 8 && b < 8)];
            for (column, value) in columns.iter_mut().zip(tuple) {
                column.push(Felt::from(value as u64));
            }
        }
        columns
    })
}
