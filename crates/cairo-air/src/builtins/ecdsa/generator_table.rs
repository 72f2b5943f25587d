//! The generator table: every point the `ecdsa` table's `z` chain may add, the table side of
//! the LogUp argument that binds each 4-bit window of the message to its point (a
//! [`FixedTable`]).
//!
//! An entry is the tuple `(k, d, x, y)`: window `k` (`0..63`), its value `d` (`0..16`, or `0..8`
//! for the top window, so the message is below `2^251`), and the point
//! `(x, y) = H_z + d 16^k G` ([`super::curve::z_offset`]). Entry `16 k + d`; rows past the
//! 1,000 entries repeat entry 0 with multiplicity 0.
//!
//! [`FixedTable`]: crate::builtins::lookup::FixedTable

use std::sync::OnceLock;

use stark::Felt;

use super::curve::{
    Point, Z_WINDOW_BITS, Z_WINDOWS, chord, double_with, generator, tangent_slope, z_offset,
};

/// log2 of the table's rows: the 1,000 entries fit in 2^10.
pub const LOG_ROWS: u32 = 10;
/// Values of a window below the top one.
pub const WINDOW_VALUES: usize = 1 << Z_WINDOW_BITS;
/// Values of the top window (bits 248..251 of a message below `2^251`).
pub const TOP_WINDOW_VALUES: usize = 8;
/// Entries of the table.
pub const ENTRIES: usize = (Z_WINDOWS - 1) * WINDOW_VALUES + TOP_WINDOW_VALUES;
const _: () = assert!(ENTRIES <= 1 << LOG_ROWS);

/// The entry of window `k` with value `d`.
pub fn entry_index(k: usize, d: usize) -> usize {
    k * WINDOW_VALUES + d
}

/// Every entry's point `H_z + d 16^k G`, in entry order.
pub fn entries() -> &'static [Point] {
    static ENTRIES_: OnceLock<Vec<Point>> = OnceLock::new();
    ENTRIES_.get_or_init(|| {
        let mut points = Vec::with_capacity(ENTRIES);
        let mut base = generator();
        for k in 0..Z_WINDOWS {
            let values = if k + 1 == Z_WINDOWS { TOP_WINDOW_VALUES } else { WINDOW_VALUES };
            let mut point = z_offset();
            for _ in 0..values {
                points.push(point);
                point = chord(&point, &base).expect("distinct abscissas").0;
            }
            for _ in 0..Z_WINDOW_BITS {
                base = double_with(&base, &tangent_slope(&base).expect("y != 0"));
            }
        }
        points
    })
}

/// The entries' tuples as columns of `2^LOG_ROWS` values, padded with entry 0.
pub fn entry_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let all = entries();
        let mut columns: Vec<Vec<Felt>> =
            (0..4).map(|_| Vec::with_capacity(1 << LOG_ROWS)).collect();
        for row in 0..1usize << LOG_ROWS {
            let index = if row < ENTRIES { row } else { 0 };
            let (k, d) = (index / WINDOW_VALUES, index % WINDOW_VALUES);
            let tuple = [Felt::from(k as u64), Felt::from(d as u64), all[index].x, all[index].y];
            for (column, value) in columns.iter_mut().zip(tuple) {
                column.push(value);
            }
        }
        columns
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::ecdsa::curve::on_curve;

    #[test]
    fn entries_are_the_window_multiples_of_g() {
        let all = entries();
        assert_eq!(all.len(), ENTRIES);
        assert!(all.iter().all(on_curve));
        // Window 1, value 1: H_z + 16 G.
        let mut sixteen = generator();
        for _ in 0..4 {
            sixteen = double_with(&sixteen, &tangent_slope(&sixteen).unwrap());
        }
        assert_eq!(all[entry_index(1, 1)], chord(&z_offset(), &sixteen).unwrap().0);
        assert_eq!(all[entry_index(0, 0)], z_offset());
        let columns = entry_columns();
        assert_eq!(columns[0][entry_index(62, 7)], Felt::from(62u64));
        assert_eq!(columns[1][entry_index(62, 7)], Felt::from(7u64));
        assert_eq!(columns[2][ENTRIES], all[0].x);
    }
}
