//! What the narrow builtin tables (`pedersen`, `ecdsa`: many rows per instance) share: the
//! auxiliary memory columns. Each instance's cells are read on fixed rows of its block of rows;
//! `factor` is `z - (address + offset + alpha v)` on those rows and 1 elsewhere, `product` its
//! running product, whose last value is the table's memory claim.

use stark::{Felt, TraceTable};

use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};

/// Where an instance's cell is read: on row `row` of the instance's block, at
/// `address + offset`, with the value in main column `column`.
#[derive(Clone, Copy, Debug)]
pub struct CellRow {
    pub row: usize,
    pub offset: u64,
    pub column: usize,
}

/// The `(factor, product)` auxiliary columns of a table whose instances take
/// `rows_per_instance` rows, with the base address in main column `address` and the cells on
/// `cells`.
pub fn memory_columns(
    main: &TraceTable,
    challenges: &[Felt],
    rows_per_instance: usize,
    address: usize,
    cells: &[CellRow],
) -> TraceTable {
    let n = main.length();
    let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
    let mut factor = vec![Felt::one(); n];
    for (row, f) in factor.iter_mut().enumerate() {
        let within = row % rows_per_instance;
        if let Some(cell) = cells.iter().find(|cell| cell.row == within) {
            let at = *main.get(row, address) + Felt::from(cell.offset);
            *f = z - (at + alpha * main.get(row, cell.column));
        }
    }
    let mut product = Vec::with_capacity(n);
    let mut acc = Felt::one();
    for f in &factor {
        acc *= f;
        product.push(acc);
    }
    TraceTable::new(vec![factor, product], n)
}
