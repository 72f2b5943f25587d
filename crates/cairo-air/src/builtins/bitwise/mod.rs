//! The `bitwise` builtin: each instance is five cells `(x, y, x & y, x ^ y, x | y)` with
//! `x, y < 2^251` (cairo-vm's `BitwiseBuiltinRunner`).
//!
//! # Layout
//!
//! One row per byte: 32 rows per instance, bytes 0..31 of `x` and `y` (bits `8j..8j+8`) on rows
//! 0..31 and their top 3 bits (248..251) on row 31, each row looking up its byte pair and their
//! `and` in the [`byte_pairs`] table (LogUp). Instances in address order, padded to a power of
//! two by repeating the last one. Main columns (11):
//!
//! | column | content on row `j` of an instance |
//! |---|---|
//! | `address` | the instance's base address |
//! | `x`, `y`, `and` | the instance's `x`, `y` and `x & y` (all 32 rows) |
//! | `xs`, `ys`, `as` | suffixes `x >> 8j`, `y >> 8j`, `(x & y) >> 8j` |
//! | `xb`, `yb`, `ab` | byte `j` of each (the top 3 bits on row 31) |
//! | `small` | the pair's flag `xb < 8 and yb < 8` (looked up) |
//!
//! Periodic columns: `CELL_k` (1 on row `k`, for the five cells) and `TOP` (row 31).
//!
//! # Constraints (each degree ≤ 2)
//!
//! * the instance's values are constant over its rows: `(1 - TOP)(x' - x) = 0`, same for `y`
//!   and `and`; the suffixes start at them: `CELL_0 (xs - x) = 0`;
//! * bytes: `(1 - TOP)(xs - 256 xs' - xb) = 0` and `TOP (xs - xb) = 0`, same for `y` and
//!   `and`; `TOP (small - 1) = 0`;
//! * lookup: every row's `(xb, yb, ab, small)` is an entry: each byte is below 256, `ab` is
//!   their `and`, and on row 31 (`small = 1`) both are below 8. So `x = sum_j xb_j 256^j` is
//!   an integer below `2^251` (no wrap: the field's prime is above `2^251`), likewise `y`, and
//!   `and` is the integer whose bytes are the bytes' `and`s: `x & y`. The lookup sums are
//!   auxiliary `before`/`after` with `(after - before)(z - c) = 1`, the table's second claim;
//! * `x ^ y = x + y - 2 (x & y)` and `x | y = x + y - (x & y)` are integers below `2^251`, so the
//!   field values are theirs; the memory factor reads the five cells on rows 0..4 from `x`,
//!   `y` and `and`: `factor = 1 + sum_k CELL_k (z - (address + k + alpha v_k) - 1)`;
//! * addresses: first `begin`, last `stop - 5`, `(address' - address)(address' - address -
//!   5 TOP) = 0`.

pub mod byte_pairs;
pub mod trace;

use std::sync::OnceLock;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::lookup::{self, LookupTable};
use crate::builtins::narrow;
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};

pub use trace::{Instance, build_trace, count_lookups};

pub const CELLS: usize = 5;
pub const N_BITS: usize = 251;
pub const ROWS_PER_INSTANCE: usize = 32;
pub const ADDRESS: usize = 0;
pub const X: usize = 1;
pub const Y: usize = 2;
pub const AND: usize = 3;
pub const XS: usize = 4;
pub const YS: usize = 5;
pub const AS: usize = 6;
pub const XB: usize = 7;
pub const YB: usize = 8;
pub const AB: usize = 9;
pub const SMALL: usize = 10;
pub const MAIN_WIDTH: usize = 11;
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = 1;
pub const AUX_LOOKUP_BEFORE: usize = 2;
pub const AUX_LOOKUP_AFTER: usize = 3;
pub const AUX_WIDTH: usize = 4;

/// Periodic columns: `CELL_0..CELL_4` are 0..4, then `TOP`.
pub const TOP: usize = CELLS;
pub const N_PERIODIC: usize = CELLS + 1;

fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        (0..N_PERIODIC)
            .map(|k| {
                let row = if k == TOP { ROWS_PER_INSTANCE - 1 } else { k };
                (0..ROWS_PER_INSTANCE).map(|r| flag(r == row)).collect()
            })
            .collect()
    })
}

/// The five cells' values from `x`, `y` and `and` (expressions of one row's columns).
fn cell_values(c: &[Felt]) -> [Felt; CELLS] {
    let sum = c[X] + c[Y];
    [c[X], c[Y], c[AND], sum - c[AND].double(), sum - c[AND]]
}

/// The component for one run's `bitwise` segment.
pub struct Bitwise {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 2],
}

impl Bitwise {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 5).
    pub fn new(begin: u64, stop: u64) -> Self {
        let instances = ((stop - begin) / CELLS as u64) as usize;
        let mut table = Self {
            log_size: narrow::log_size(instances, ROWS_PER_INSTANCE),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claim: [AUX_PRODUCT, AUX_LOOKUP_AFTER],
        };
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, N_PERIODIC, N_CHALLENGES);
        table
    }
}

impl Constraints for Bitwise {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();
        let (first, top) = (p[0], p[TOP]);
        let byte = Felt::from(256u64);
        for (name, value, suffix, part) in
            [("x", X, XS, XB), ("y", Y, YS, YB), ("and", AND, AS, AB)]
        {
            b.transition(
                format_args!("bitwise: {name} is constant in an instance"),
                (one - top) * (nx[value] - c[value]),
            );
            b.every_row(
                format_args!("bitwise: {name} suffix starts at {name}"),
                first * (c[suffix] - c[value]),
            );
            b.transition(
                format_args!("bitwise: {name} byte is the suffix's low byte"),
                (one - top) * (c[suffix] - byte * nx[suffix] - c[part]),
            );
            b.every_row(
                format_args!("bitwise: {name} top bits are the rest of the suffix"),
                top * (c[suffix] - c[part]),
            );
        }
        b.every_row("bitwise: top bytes are small", top * (c[SMALL] - one));
        // Byte-pair lookup.
        let (a, an) = (f.aux_current, f.aux_next);
        let tuple = lookup::compress(challenges, &[&c[XB], &c[YB], &c[AB], &c[SMALL]]);
        b.every_row(
            "bitwise: byte lookup term",
            (a[AUX_LOOKUP_AFTER] - a[AUX_LOOKUP_BEFORE]) * (lookup::lookup_z(challenges) - tuple)
                - one,
        );
        b.first_row("bitwise: byte lookup sum starts at 0", a[AUX_LOOKUP_BEFORE]);
        b.transition(
            "bitwise: byte lookup sum carries",
            an[AUX_LOOKUP_BEFORE] - a[AUX_LOOKUP_AFTER],
        );
        // Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("bitwise: first address is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "bitwise: addresses step by 0 or 5 between instances",
            step * (step - Felt::from(CELLS as u64) * top),
        );
        b.last_row("bitwise: last address is the segment's last instance", c[ADDRESS] - self.last);
        // Memory.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let values = cell_values(c);
        let mut factor = one;
        for (k, value) in values.iter().enumerate() {
            let address = c[ADDRESS] + Felt::from(k as u64);
            factor += p[k] * (z - address - alpha * value - one);
        }
        b.every_row("bitwise: memory factor", a[AUX_FACTOR] - factor);
        b.first_row("bitwise: memory product starts", a[AUX_PRODUCT] - a[AUX_FACTOR]);
        b.transition(
            "bitwise: memory product across rows",
            an[AUX_PRODUCT] - a[AUX_PRODUCT] * an[AUX_FACTOR],
        );
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
        &self.claim
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let n = main.length();
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let column = |k: usize, row: usize| main.column(k)[row];
        let mut factor = vec![Felt::one(); n];
        for (row, f) in factor.iter_mut().enumerate() {
            let k = row % ROWS_PER_INSTANCE;
            if k < CELLS {
                let c: Vec<Felt> = (0..MAIN_WIDTH).map(|col| column(col, row)).collect();
                let address = c[ADDRESS] + Felt::from(k as u64);
                *f = z - (address + alpha * cell_values(&c)[k]);
            }
        }
        let mut product = Vec::with_capacity(n);
        let mut acc = Felt::one();
        for f in &factor {
            acc *= f;
            product.push(acc);
        }
        let compressed = (0..n)
            .map(|row| {
                let t = [XB, YB, AB, SMALL].map(|k| column(k, row));
                lookup::compress(challenges, &[&t[0], &t[1], &t[2], &t[3]])
            })
            .collect();
        let [before, after] = lookup::user_sum_columns(compressed, challenges);
        TraceTable::new(vec![factor, product, before, after], n)
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
        ROWS_PER_INSTANCE
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
