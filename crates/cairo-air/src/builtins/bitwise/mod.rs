//! The `bitwise` builtin: each instance is five cells `(x, y, x & y, x ^ y, x | y)` with
//! `x, y < 2^251` (cairo-vm's `BitwiseBuiltinRunner`).
//!
//! # Layout
//!
//! Four rows per instance, eight bytes of `x`, `y` and `x & y` per row (row `r` holds bytes
//! `8r..8r+8`, little-endian), each byte triple looked up in the table of every byte pair
//! ([`LookupTable::BytePairs`], entries `(a, b, a & b)`). Instances in address order, padded
//! to a power of two by repeating the last one. Main columns (31):
//!
//! | column | content on row `r` of an instance |
//! |---|---|
//! | `address` | the instance's base address |
//! | `x`, `y`, `and` | the instance's `x`, `y` and `x & y` (the same on its four rows) |
//! | `suffix_x`, `suffix_y`, `suffix_and` | the value shifted right by `64 r` bits |
//! | `x_bytes`, `y_bytes`, `and_bytes` | eight columns each: the row's bytes; slot 7 of the last row holds the top byte times 32 |
//!
//! Periodic columns (period 4): the row selectors `first`, `row1`, `row2`, `last`, and `unscale`
//! (1, then `1/32` on the last row).
//!
//! # Constraints (each of degree at most 2, a periodic column counting as a trace column)
//!
//! For each of `x`, `y`, `and` (`v`, with suffix `s` and bytes `b_0..b_7`):
//! 1. `(1 - last)(v' - v) = 0`: the value is the same on the instance's rows;
//! 2. `s = sum_j 256^j b_j unscale_j + 2^64 (1 - last) s'` (transition; on the table's last row
//!    `s = sum_j 256^j b_j unscale_j`), with `unscale_j = 1` for `j < 7`: the row's bytes and the
//!    next row's suffix;
//! 3. `first (s - v) = 0`: on the first row the suffix is the value.
//!
//! Lookups: every row looks up its eight triples `(b_x, b_y, b_and)` in the byte-pair table:
//! inverses `w_j (z - c_j) = 1` and the running sum of the `w_j` (its last value is the
//! second claim; the statement equates it with the table's). So every looked-up value is a
//! byte and `b_and = b_x & b_y`; slot 7 of the last row is a multiple of 32 below 256, so the
//! top byte (the looked-up value over 32) is below 8 and its `and` is right. Hence
//! `x = sum_i 256^i x_i < 2^251 < p` as integers, the same for `y`, and `and` is the integer
//! `x & y` for the one decomposition there is. The cells `x ^ y = x + y - 2 (x & y)` and
//! `x | y = x + y - (x & y)` are linear in them.
//!
//! Memory, two access slots per row (auxiliary `factor_a`, `factor_b`, `z - (a + alpha v)` on
//! an access and 1 elsewhere): row 0 reads `x` at `address` and `y` at `address + 1`, row 1
//! `x & y` at `+ 2` and `x ^ y` at `+ 3`, row 2 `x | y` at `+ 4`. The running product goes
//! through `mid = product_before factor_a` and `product = mid factor_b`; its last value is the
//! first claim. Addresses: first `begin`, last `stop - 5`, and
//! `(address' - address)(address' - address - 5 last) = 0`: constant within an instance, a step
//! of 0 or 5 between instances, so every instance of `[begin, stop)` has its rows.

pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::lookup::{self, LookupTable};
use crate::builtins::narrow;
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};

pub use trace::{
    BYTE_PAIRS_LOG_ROWS, Instance, build_trace, byte_pair_columns, bytes_of, count_lookups,
};

pub const CELLS: usize = 5;
/// Rows of an instance.
pub const ROWS: usize = 4;
/// Bytes of a value on one row.
pub const SLOTS: usize = 8;
/// The top byte is looked up times this on an instance's last row, so it is below 8.
pub const TOP_SCALE: u64 = 32;
pub const ADDRESS: usize = 0;
pub const X: usize = 1;
pub const Y: usize = 2;
pub const AND: usize = 3;
pub const SUFFIX_X: usize = 4;
pub const SUFFIX_Y: usize = 5;
pub const SUFFIX_AND: usize = 6;
pub const X_BYTES: usize = 7;
pub const Y_BYTES: usize = X_BYTES + SLOTS;
pub const AND_BYTES: usize = Y_BYTES + SLOTS;
pub const MAIN_WIDTH: usize = AND_BYTES + SLOTS;
pub const AUX_FACTOR_A: usize = 0;
pub const AUX_FACTOR_B: usize = 1;
pub const AUX_MID: usize = 2;
pub const AUX_PRODUCT: usize = 3;
pub const AUX_INVERSES: usize = 4;
pub const AUX_SUM: usize = AUX_INVERSES + SLOTS;
pub const AUX_WIDTH: usize = AUX_SUM + 1;
/// Periodic columns.
pub const FIRST: usize = 0;
pub const ROW1: usize = 1;
pub const ROW2: usize = 2;
pub const LAST: usize = 3;
pub const UNSCALE: usize = 4;

/// The value, suffix and bytes columns of `x`, `y` and `x & y`, with their names.
const VALUES: [(&str, usize, usize, usize); 3] =
    [("x", X, SUFFIX_X, X_BYTES), ("y", Y, SUFFIX_Y, Y_BYTES), ("and", AND, SUFFIX_AND, AND_BYTES)];

/// The periodic columns: row selectors and the top slot's scale.
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: std::sync::OnceLock<Vec<Vec<Felt>>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let selector = |row: usize| (0..ROWS).map(|r| Felt::from(u64::from(r == row))).collect();
        let inverse = Felt::from(TOP_SCALE).inv().expect("non-zero");
        let unscale =
            (0..ROWS).map(|r| if r == ROWS - 1 { inverse } else { Felt::one() }).collect();
        vec![selector(0), selector(1), selector(2), selector(ROWS - 1), unscale]
    })
}

/// The component for one run's `bitwise` segment.
pub struct Bitwise {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claims: [usize; 2],
}

impl Bitwise {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 5).
    pub fn new(begin: u64, stop: u64) -> Self {
        let instances = ((stop - begin) / CELLS as u64) as usize;
        let mut table = Self {
            log_size: narrow::log_size(instances, ROWS),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claims: [AUX_PRODUCT, AUX_SUM],
        };
        let periodic = periodic_columns().len();
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, periodic, N_CHALLENGES);
        table
    }
}

/// The value of a row's eight bytes starting at column `bytes`, slot 7 times `unscale`.
fn row_bytes(c: &[Felt], bytes: usize, unscale: &Felt) -> Felt {
    let byte = Felt::from(256u64);
    (0..SLOTS - 1).rev().fold(c[bytes + SLOTS - 1] * unscale, |acc, j| acc * byte + c[bytes + j])
}

/// The byte triple of slot `j`, compressed as the table compresses its entries.
pub fn slot_tuple(challenges: &[Felt], c: &[Felt], j: usize) -> Felt {
    lookup::compress(challenges, &[&c[X_BYTES + j], &c[Y_BYTES + j], &c[AND_BYTES + j]])
}

impl Constraints for Bitwise {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p, a, an) =
            (f.main_current, f.main_next, f.periodic, f.aux_current, f.aux_next);
        let one = Felt::one();
        let (first, row1, row2, last) = (p[FIRST], p[ROW1], p[ROW2], p[LAST]);
        let two64 = Felt::from(2u64).pow(64u64);
        // The table's last row is an instance's last row: its `unscale` as a constant keeps
        // the boundary constraint linear, as the engine's degree rules require.
        let last_unscale = Felt::from(TOP_SCALE).inv().expect("non-zero");
        for (name, value, suffix, bytes) in VALUES {
            let own = row_bytes(c, bytes, &p[UNSCALE]);
            b.transition(
                format_args!("bitwise: {name} is the same on the instance's rows"),
                (one - last) * (nx[value] - c[value]),
            );
            b.transition(
                format_args!("bitwise: suffix of {name} is the row's bytes and the next suffix"),
                c[suffix] - own - two64 * (one - last) * nx[suffix],
            );
            b.last_row(
                format_args!("bitwise: suffix of {name} on the last row is its bytes"),
                c[suffix] - row_bytes(c, bytes, &last_unscale),
            );
            b.every_row(
                format_args!("bitwise: {name} is its suffix on the first row"),
                first * (c[suffix] - c[value]),
            );
        }
        // Byte lookups.
        let z_lookup = lookup::lookup_z(challenges);
        let (mut sum, mut next_sum) = (Felt::zero(), Felt::zero());
        for j in 0..SLOTS {
            let w = a[AUX_INVERSES + j];
            b.every_row(
                format_args!("bitwise: byte lookup {j}"),
                w * (z_lookup - slot_tuple(challenges, c, j)) - one,
            );
            sum += w;
            next_sum += an[AUX_INVERSES + j];
        }
        b.first_row("bitwise: byte lookup sum starts", a[AUX_SUM] - sum);
        b.transition("bitwise: byte lookup sum carries", an[AUX_SUM] - a[AUX_SUM] - next_sum);
        // Memory.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let (address, x, y, and) = (c[ADDRESS], c[X], c[Y], c[AND]);
        let access = |offset: u64, v: Felt| z - (address + Felt::from(offset) + alpha * v) - one;
        b.every_row(
            "bitwise: memory factor a",
            a[AUX_FACTOR_A]
                - one
                - first * access(0, x)
                - row1 * access(2, and)
                - row2 * access(4, x + y - and),
        );
        b.every_row(
            "bitwise: memory factor b",
            a[AUX_FACTOR_B] - one - first * access(1, y) - row1 * access(3, x + y - and.double()),
        );
        b.first_row("bitwise: memory product starts", a[AUX_MID] - a[AUX_FACTOR_A]);
        b.every_row(
            "bitwise: memory product through the row",
            a[AUX_PRODUCT] - a[AUX_MID] * a[AUX_FACTOR_B],
        );
        b.transition(
            "bitwise: memory product across rows",
            an[AUX_MID] - a[AUX_PRODUCT] * an[AUX_FACTOR_A],
        );
        // Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("bitwise: first address is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "bitwise: addresses step by 0 or 5 between instances",
            step * (step - Felt::from(CELLS as u64) * last),
        );
        b.last_row("bitwise: last address is the segment's last instance", c[ADDRESS] - self.last);
    }
}

impl Component for Bitwise {
    fn component_name(&self) -> &str {
        "bitwise"
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        MAIN_WIDTH
    }
    fn aux_width(&self) -> usize {
        AUX_WIDTH
    }
    fn periodic_columns(&self) -> &[Vec<Felt>] {
        periodic_columns()
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }
    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(self, index)
    }
    fn claim_columns(&self) -> &[usize] {
        &self.claims
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        trace::aux_columns(main, challenges)
    }
}

/// The `bitwise` builtin in the registry.
pub struct BitwiseTable;

impl BuiltinTable for BitwiseTable {
    fn name(&self) -> &'static str {
        "bitwise"
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn rows_per_instance(&self) -> usize {
        ROWS
    }
    fn lookups(&self) -> &'static [LookupTable] {
        &[LookupTable::BytePairs]
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
        let instances = run
            .instances::<2>(self.name(), begin, stop, CELLS)?
            .into_iter()
            .map(|(address, [x, y])| {
                Instance::new(address, &x, &y).ok_or_else(|| {
                    CairoError::BadExecution(format!(
                        "bitwise instance at {address} has an input of 2^251 or more"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (trace, accesses) = build_trace(&instances);
        count_lookups(&trace, run.lookups(LookupTable::BytePairs));
        Ok(Some(TableTrace { trace, accesses }))
    }
}
