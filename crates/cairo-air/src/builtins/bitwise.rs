//! The `bitwise` builtin: each instance is five cells `(x, y, x & y, x ^ y, x | y)` with
//! `x, y < 2^251` (cairo-vm's `BitwiseBuiltinRunner`).
//!
//! One row per instance with the bits of `x` and `y` in columns (the plain decomposition;
//! Stone's "diluted" form or a lookup of byte pairs would be about four times narrower, and is
//! the next step if bitwise-heavy programs matter). Constraints:
//! * every bit column is a bit;
//! * `x = sum_i 2^i x_i` and `y = sum_i 2^i y_i` over 251 bits (linear): below `2^251 < p`,
//!   so the decomposition is the integer's and `x, y < 2^251`;
//! * `x & y = sum_i 2^i x_i y_i` (degree 2), `x ^ y = x + y - 2 (x & y)`,
//!   `x | y = (x & y) + (x ^ y)` (linear);
//! * addresses and memory: the shared rules of [`InstanceTable`], five cells.

use stark::{Component, ConstraintBuilder, Felt, TraceTable};

use crate::builtins::table::{InstanceRow, InstanceTable};
use crate::builtins::{BuiltinTable, TableTrace, TraceInput, table_log_size};
use crate::error::CairoError;

pub const CELLS: usize = 5;
pub const N_BITS: usize = 251;
pub const ADDRESS: usize = 0;
pub const X: usize = 1;
pub const Y: usize = 2;
pub const AND: usize = 3;
pub const XOR: usize = 4;
pub const OR: usize = 5;
pub const X_BITS: usize = 6;
pub const Y_BITS: usize = X_BITS + N_BITS;
pub const MAIN_WIDTH: usize = Y_BITS + N_BITS;

/// The `bitwise` row; the component is [`Bitwise`].
pub struct BitwiseRow;

/// The component for one run's `bitwise` segment.
pub type Bitwise = InstanceTable<BitwiseRow>;

/// The 251 low bits of a value, or `None` if it is `2^251` or more.
fn bits(value: &Felt) -> Option<Vec<bool>> {
    let words = value.representative().limbs; // big-endian 64-bit words
    if words[0] >> (N_BITS - 192) != 0 {
        return None;
    }
    Some((0..N_BITS).map(|i| (words[3 - i / 64] >> (i % 64)) & 1 == 1).collect())
}

/// The main trace of the instances `(address, x, y)` (at least one), padded by repeating the
/// last instance, and the memory accesses it makes in row order. `Err` names an instance
/// whose input is `2^251` or more.
pub fn build_trace(instances: &[(u64, Felt, Felt)]) -> Result<(TraceTable, Vec<(u64, Felt)>), u64> {
    let n = 1usize << table_log_size(instances.len());
    let mut columns: Vec<Vec<Felt>> = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    let mut accesses = Vec::with_capacity(CELLS * n);
    for r in 0..n {
        let (address, x, y) = instances[r.min(instances.len() - 1)];
        let (xb, yb) = (bits(&x).ok_or(address)?, bits(&y).ok_or(address)?);
        let and = xb.iter().zip(&yb).rev().fold(Felt::zero(), |acc, (a, b)| {
            acc.double() + if *a && *b { Felt::one() } else { Felt::zero() }
        });
        let xor = x + y - and.double();
        let cells = [x, y, and, xor, and + xor];
        columns[ADDRESS].push(Felt::from(address));
        for (k, cell) in cells.iter().enumerate() {
            columns[X + k].push(*cell);
            accesses.push((address + k as u64, *cell));
        }
        let bit = |b: bool| if b { Felt::one() } else { Felt::zero() };
        for i in 0..N_BITS {
            columns[X_BITS + i].push(bit(xb[i]));
            columns[Y_BITS + i].push(bit(yb[i]));
        }
    }
    Ok((TraceTable::new(columns, n), accesses))
}

impl InstanceRow for BitwiseRow {
    const NAME: &'static str = "bitwise";
    const CELLS: usize = CELLS;
    const MAIN_WIDTH: usize = MAIN_WIDTH;
    const ADDRESS: usize = ADDRESS;
    const FIRST_CELL: usize = X;

    fn eval<B: ConstraintBuilder>(c: &[Felt], b: &mut B) {
        let one = Felt::one();
        for i in 0..N_BITS {
            let (xi, yi) = (c[X_BITS + i], c[Y_BITS + i]);
            b.every_row(format_args!("bitwise: bit {i} of x is a bit"), xi * (xi - one));
            b.every_row(format_args!("bitwise: bit {i} of y is a bit"), yi * (yi - one));
        }
        let (mut x, mut y, mut and) = (Felt::zero(), Felt::zero(), Felt::zero());
        for i in (0..N_BITS).rev() {
            let (xi, yi) = (c[X_BITS + i], c[Y_BITS + i]);
            x = x.double() + xi;
            y = y.double() + yi;
            and = and.double() + xi * yi;
        }
        b.every_row("bitwise: x is its bits", c[X] - x);
        b.every_row("bitwise: y is its bits", c[Y] - y);
        b.every_row("bitwise: and", c[AND] - and);
        b.every_row("bitwise: xor", c[XOR] - (c[X] + c[Y] - c[AND].double()));
        b.every_row("bitwise: or", c[OR] - (c[AND] + c[XOR]));
    }
}

/// The `bitwise` builtin in the registry.
pub struct BitwiseTable;

impl BuiltinTable for BitwiseTable {
    fn name(&self) -> &'static str {
        BitwiseRow::NAME
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(Bitwise::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let instances: Vec<(u64, Felt, Felt)> = run
            .instances::<2>(self.name(), begin, stop, CELLS)?
            .into_iter()
            .map(|(a, [x, y])| (a, x, y))
            .collect();
        let (trace, accesses) = build_trace(&instances).map_err(|a| {
            CairoError::BadExecution(format!(
                "bitwise instance at {a} has an input of 2^251 or more"
            ))
        })?;
        Ok(Some(TableTrace { trace, accesses }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_of_values_below_and_at_2_to_251() {
        let two251 = Felt::from(2u64).pow(251u64);
        let top = bits(&(two251 - Felt::one())).unwrap();
        assert!(top.iter().all(|b| *b));
        assert!(bits(&two251).is_none());
        assert_eq!(bits(&Felt::from(5u64)).unwrap()[..4], [true, false, true, false]);
    }
}
