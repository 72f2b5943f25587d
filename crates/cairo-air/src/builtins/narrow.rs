//! What the narrow builtin tables (`pedersen`, `ecdsa`, `ec_op`: many rows per instance)
//! share: their size (instances padded to a power of two by repeating the last one), the
//! stacking of instance blocks, and the auxiliary memory columns. Each instance's cells are
//! read on fixed rows of its block of rows; `factor` is `z - (address + offset + alpha v)` on
//! those rows and 1 elsewhere, `product` its running product, whose last value is the table's
//! memory claim.

use stark::{Felt, TraceTable, parallel, running_products};

use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};

/// Where an instance's cell is read: on row `row` of the instance's block, at
/// `address + offset`, with the value in main column `column`.
#[derive(Clone, Copy, Debug)]
pub struct CellRow {
    pub row: usize,
    pub offset: u64,
    pub column: usize,
}

/// Instances a table of `instances` holds, `rows_per_instance` rows each (a power of two):
/// the next power of two, and at least enough for the engine's smallest table.
pub fn padded_instances(instances: usize, rows_per_instance: usize) -> usize {
    let smallest = (1usize << super::MIN_LOG_ROWS).div_ceil(rows_per_instance);
    instances.max(1).next_power_of_two().max(smallest)
}

/// log2 of the rows of a table of `instances` instances of `rows_per_instance` rows.
pub fn log_size(instances: usize, rows_per_instance: usize) -> u32 {
    (padded_instances(instances, rows_per_instance) * rows_per_instance).trailing_zeros()
}

/// Stacks instance blocks (at least one; each a list of columns of `rows_per_instance` rows)
/// and pads with copies of the last; returns the table and its memory accesses in row order:
/// `cells` of every instance, padding included, with the base address in column `address`.
pub fn stack(
    blocks: Vec<Vec<Vec<Felt>>>,
    rows_per_instance: usize,
    address: usize,
    cells: &[CellRow],
) -> (TraceTable, Vec<(u64, Felt)>) {
    let count = blocks.len();
    let padded = padded_instances(count, rows_per_instance);
    let n = padded * rows_per_instance;
    let width = blocks[0].len();
    let mut columns: Vec<Vec<Felt>> = (0..width).map(|_| Vec::with_capacity(n)).collect();
    for k in 0..padded {
        let block = &blocks[k.min(count - 1)];
        for (column, rows) in columns.iter_mut().zip(block) {
            column.extend_from_slice(rows);
        }
    }
    let accesses = accesses(&columns, rows_per_instance, address, cells);
    (TraceTable::new(columns, n), accesses)
}

/// Fills the instances after the first `count` (columns of a whole padded table) with copies
/// of instance `count - 1`.
pub fn pad(columns: &mut [Vec<Felt>], count: usize, rows_per_instance: usize) {
    let last = (count - 1) * rows_per_instance;
    for column in columns.iter_mut() {
        let (filled, rest) = column.split_at_mut(count * rows_per_instance);
        let block = &filled[last..];
        for chunk in rest.chunks_mut(rows_per_instance) {
            chunk.copy_from_slice(block);
        }
    }
}

/// The memory accesses of a table's columns, in row order: `cells` of every instance, with
/// the base address in column `address`.
pub fn accesses(
    columns: &[Vec<Felt>],
    rows_per_instance: usize,
    address: usize,
    cells: &[CellRow],
) -> Vec<(u64, Felt)> {
    let instances = columns[address].len() / rows_per_instance;
    let mut accesses = Vec::with_capacity(cells.len() * instances);
    for k in 0..instances {
        let base = k * rows_per_instance;
        let at = crate::trace::felt_to_u64(&columns[address][base]).expect("an address");
        for cell in cells {
            accesses.push((at + cell.offset, columns[cell.column][base + cell.row]));
        }
    }
    accesses
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
    let factor = parallel::map_range(n, |row| {
        let within = row % rows_per_instance;
        match cells.iter().find(|cell| cell.row == within) {
            Some(cell) => {
                let at = *main.get(row, address) + Felt::from(cell.offset);
                z - (at + alpha * main.get(row, cell.column))
            }
            None => Felt::one(),
        }
    });
    let mut product = factor.clone();
    running_products(&mut product);
    TraceTable::new(vec![factor, product], n)
}
