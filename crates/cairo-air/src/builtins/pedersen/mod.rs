//! The `pedersen` builtin: each instance is three cells `(a, b, h)` with
//! `h = [P0 + a_low P1 + a_high P2 + b_low P3 + b_high P4].x` on the Stark curve, `a_low` the
//! low 248 bits of `a`'s canonical integer and `a_high` its top 4 bits (cairo-vm's
//! `HashBuiltinRunner`, `starknet_crypto::pedersen_hash`).
//!
//! # Layout
//!
//! Windowed scalar multiplication over a table of precomputed points, as stwo-cairo's partial
//! EC multiplication does: one row per 8-bit window of a scalar, the window's point looked up
//! in the [`points_table`] (LogUp) instead of built bit by bit. An input is 32 windows (31 of 8
//! bits times `2^(8j) P_low`, then the top 4 bits times `P_high`), an instance 64 rows (`a`,
//! then `b`; row `r` adds window `r`), instances in address order and padded to a power of
//! two by repeating the last one. Main columns (15):
//!
//! | column | content on row `j` of an input |
//! |---|---|
//! | `address` | the instance's base address (all 64 rows) |
//! | `suffix` | `s_j = N >> 8j`, `N` the input's integer (`s_0` is the cell) |
//! | `value` | window `v_j = s_j - 256 s_(j+1)` (`s_31` on the top window) |
//! | `px`, `py` | the window's point `H + v_j B_r` (looked up) |
//! | `lt`, `eq` | `v_j` is below / equal to window `j` of `p - 1` (looked up) |
//! | `below_in`, `below_out` | the low `j`, resp. `j + 1`, windows of `N` are at most those of `p - 1` |
//! | `x`, `y` | the accumulator before the row's addition (`P0 - 64 H` on the first row) |
//! | `slope`, `x_diff_inv` | the chord's slope and `1 / (x - px)` |
//! | `x_new`, `y_new` | the accumulator after the addition |
//!
//! `H` is an offset every entry carries ([`points::window_offset`], the curve's generator), so
//! a window of value 0 adds an affine point too; the 64 offsets cancel against the start
//! `P0 - 64 H`. Periodic columns ([`points`]): the row's window index `r` and the selectors
//! hash first row, second input's first row, input last row, hash last row.
//!
//! # Constraints (each degree ≤ 2, counting a periodic column like a trace column)
//!
//! Decomposition (`LAST_IN` the input's last row):
//! 1. `(1 - LAST_IN)(s - 256 s' - value) = 0` and `LAST_IN (s - value) = 0`, so the cell
//!    `s_0 = sum_j v_j 256^j` in the field;
//! 2. the lookup (below) puts each `v_j` in `0..256` and the top one in `0..16`: so the cell
//!    is `N mod p` for the integer `N = sum_j v_j 256^j < 2^252`.
//!
//! Canonical decomposition: `N < 2^252` may still be `≥ p` (then the table would multiply by
//! another scalar). The comparison with `p - 1` runs from the least significant window:
//! `below_in = 1` on an input's first row, `below_out = lt + eq below_in` (with `lt`, `eq` the
//! looked-up comparison of `v_j` with window `j` of `p - 1`), `(1 - LAST_IN)(below_in' -
//! below_out) = 0`, and `LAST_IN (below_out - 1) = 0`: `N ≤ p - 1`, exactly, so every value
//! below `p` is provable and no other.
//!
//! Lookup: every row looks up `(r, value, px, py, lt, eq)` in the points table, compressed as
//! the table does ([`lookup::compress`]): auxiliary `before` (the running sum before the row)
//! and `after = before + 1 / (z - c)`: `(after - before)(z - c) = 1` on every row, `before`
//! starts at 0, `before' = after`. The last `after` is the table's second claim; the
//! statement equates it with the points table's sum of `multiplicity / (z - c)`. So each row's
//! tuple is an entry: its point is the right multiple for its window, and its comparison flags
//! are right. The window index `r` is a periodic column here, so a row cannot borrow another
//! window's entry.
//!
//! Elliptic-curve accumulation, every row adding `(px, py)` to `(x, y)`:
//! 3. `(x - px) x_diff_inv = 1`: `x != px`;
//! 4. `slope (x - px) = y - py`: the chord's slope, unique because `x != px`;
//! 5. `x_new = slope^2 - x - px`, `y_new = slope (x - x_new) - y`;
//! 6. `(1 - LAST)(x' - x_new) = 0`, same for `y`: the sum carries to the next window, except
//!    on an instance's last row, where the next instance starts afresh;
//! 7. `FIRST (x - (P0 - 64 H).x) = 0`, same for `y`.
//!
//! Why the exceptional case cannot cheat: the chord formulas are wrong only when `x == px`
//! (doubling or adding the opposite point), where 4 no longer fixes the slope. Constraint 3
//! rules it out. The honest prover never meets it either, short of a linear relation between
//! `P0..P4` and `H` with known small coefficients (a discrete logarithm, the assumption
//! Pedersen's collision resistance rests on); it then reports the instance instead of
//! proving. Every accumulator is an affine curve point (the start is, and a chord sum of
//! distinct-x points is), so the point at infinity never arises.
//!
//! # Memory
//!
//! The cells enter the memory argument like every builtin's (see [`crate::builtins`]): the
//! auxiliary column `factor` is `z - (address + k + alpha v)` on the rows that hold a cell
//! (`a = s` on the first row, `b = s` on row 32, `h = x_new` on the last row) and 1 elsewhere;
//! `product` is their running product, its last value the first claim. Addresses: first
//! `begin`, last `stop - 3`, and `(address' - address)(address' - address - 3 LAST) = 0`, so
//! they are constant within an instance and step by 0 or 3 between instances: every instance
//! of `[begin, stop)` has its rows.

pub mod points;
pub mod points_table;
pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::lookup::{self, LookupTable};
use crate::builtins::narrow::{self, CellRow, memory_columns};
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};
use points::*;

pub use trace::{
    Bits, ExceptionalAddition, Instance, Windows, build_trace, canonical_bits, canonical_windows,
    count_lookups, hash, windows_of,
};

pub const CELLS: usize = 3;
pub const ADDRESS: usize = 0;
pub const SUFFIX: usize = 1;
pub const VALUE: usize = 2;
pub const PX: usize = 3;
pub const PY: usize = 4;
pub const LT: usize = 5;
pub const EQ: usize = 6;
pub const BELOW_IN: usize = 7;
pub const BELOW_OUT: usize = 8;
pub const X: usize = 9;
pub const Y: usize = 10;
pub const SLOPE: usize = 11;
pub const X_DIFF_INV: usize = 12;
pub const X_NEW: usize = 13;
pub const Y_NEW: usize = 14;
pub const MAIN_WIDTH: usize = 15;
/// Auxiliary columns: the memory factor of the row and the running product, then the lookup
/// sum before and after the row.
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = 1;
pub const AUX_LOOKUP_BEFORE: usize = 2;
pub const AUX_LOOKUP_AFTER: usize = 3;
pub const AUX_WIDTH: usize = 4;

/// The component for one run's `pedersen` segment.
pub struct Pedersen {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 2],
}

impl Pedersen {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 3).
    pub fn new(begin: u64, stop: u64) -> Self {
        let mut table = Self {
            log_size: narrow::log_size(((stop - begin) / CELLS as u64) as usize, ROWS_PER_HASH),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claim: [AUX_PRODUCT, AUX_LOOKUP_AFTER],
        };
        let periodic = periodic_columns().len();
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, periodic, N_CHALLENGES);
        table
    }
}

/// The tuple row `c` looks up, with `r` the row's window index.
fn row_tuple<'a>(r: &'a Felt, c: &'a [Felt]) -> [&'a Felt; 6] {
    [r, &c[VALUE], &c[PX], &c[PY], &c[LT], &c[EQ]]
}

impl Constraints for Pedersen {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();
        let (first, second, last_in, last) =
            (p[HASH_FIRST], p[SECOND_INPUT], p[INPUT_LAST], p[HASH_LAST]);
        let (s, v, px, py) = (c[SUFFIX], c[VALUE], c[PX], c[PY]);
        let (x, y, slope, x_new, y_new) = (c[X], c[Y], c[SLOPE], c[X_NEW], c[Y_NEW]);
        let start = start_point();
        let byte = Felt::from(1u64 << WINDOW_BITS);

        // Decomposition.
        b.transition(
            "pedersen: window is the suffix's low byte",
            (one - last_in) * (s - byte * nx[SUFFIX] - v),
        );
        b.every_row("pedersen: top window is the rest of the suffix", last_in * (s - v));
        // Canonical: N <= p - 1.
        b.every_row(
            "pedersen: comparison with p - 1 starts",
            (first + second) * (c[BELOW_IN] - one),
        );
        b.every_row(
            "pedersen: comparison with p - 1 steps",
            c[BELOW_OUT] - c[LT] - c[EQ] * c[BELOW_IN],
        );
        b.transition(
            "pedersen: comparison with p - 1 carries",
            (one - last_in) * (nx[BELOW_IN] - c[BELOW_OUT]),
        );
        b.every_row("pedersen: input decomposition is canonical", last_in * (c[BELOW_OUT] - one));
        // Window lookup.
        let (a, an) = (f.aux_current, f.aux_next);
        let tuple = lookup::compress(challenges, &row_tuple(&p[WINDOW], c));
        b.every_row(
            "pedersen: window lookup term",
            (a[AUX_LOOKUP_AFTER] - a[AUX_LOOKUP_BEFORE]) * (lookup::lookup_z(challenges) - tuple)
                - one,
        );
        b.first_row("pedersen: window lookup sum starts at 0", a[AUX_LOOKUP_BEFORE]);
        b.transition(
            "pedersen: window lookup sum carries",
            an[AUX_LOOKUP_BEFORE] - a[AUX_LOOKUP_AFTER],
        );
        // Accumulation.
        b.every_row("pedersen: x differs from the added point's", (x - px) * c[X_DIFF_INV] - one);
        b.every_row("pedersen: slope", slope * (x - px) - (y - py));
        b.every_row("pedersen: sum x", x_new - (slope.square() - x - px));
        b.every_row("pedersen: sum y", y_new - (slope * (x - x_new) - y));
        b.transition("pedersen: x carries to the next window", (one - last) * (nx[X] - x_new));
        b.transition("pedersen: y carries to the next window", (one - last) * (nx[Y] - y_new));
        b.every_row("pedersen: x starts at P0 - 64 H", first * (x - start.x));
        b.every_row("pedersen: y starts at P0 - 64 H", first * (y - start.y));
        // Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("pedersen: first address is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "pedersen: addresses step by 0 or 3 between instances",
            step * (step - Felt::from(CELLS as u64) * last),
        );
        b.last_row("pedersen: last address is the segment's last instance", c[ADDRESS] - self.last);
        // Memory.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let address = c[ADDRESS];
        b.every_row(
            "pedersen: memory factor",
            a[AUX_FACTOR]
                - one
                - first * (z - address - alpha * s - one)
                - second * (z - address - one - alpha * s - one)
                - last * (z - address - Felt::from(2u64) - alpha * x_new - one),
        );
        b.first_row("pedersen: memory product starts", a[AUX_PRODUCT] - a[AUX_FACTOR]);
        b.transition(
            "pedersen: memory product across rows",
            an[AUX_PRODUCT] - a[AUX_PRODUCT] * an[AUX_FACTOR],
        );
    }
}

impl Component for Pedersen {
    fn component_name(&self) -> &str {
        "pedersen"
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
        let cells = [
            CellRow { row: 0, offset: 0, column: SUFFIX },
            CellRow { row: ROWS_PER_INPUT, offset: 1, column: SUFFIX },
            CellRow { row: ROWS_PER_HASH - 1, offset: 2, column: X_NEW },
        ];
        let memory = memory_columns(main, challenges, ROWS_PER_HASH, ADDRESS, &cells);
        let windows = &periodic_columns()[WINDOW];
        let compressed = stark::parallel::map_range(main.length(), |row| {
            let column = |k: usize| &main.column(k)[row];
            let tuple = [
                &windows[row % ROWS_PER_HASH],
                column(VALUE),
                column(PX),
                column(PY),
                column(LT),
                column(EQ),
            ];
            lookup::compress(challenges, &tuple)
        });
        let [before, after] = lookup::user_sum_columns(compressed, challenges);
        let mut columns = memory.into_columns();
        columns.extend([before, after]);
        TraceTable::new(columns, main.length())
    }
}

/// The `pedersen` builtin in the registry.
pub struct PedersenTable;

impl BuiltinTable for PedersenTable {
    fn name(&self) -> &'static str {
        "pedersen"
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn lookups(&self) -> &'static [LookupTable] {
        &[LookupTable::PedersenPoints]
    }
    fn rows_per_instance(&self) -> usize {
        ROWS_PER_HASH
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(Pedersen::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let instances: Vec<Instance> = run
            .instances::<2>(self.name(), begin, stop, CELLS)?
            .iter()
            .map(|(address, [a, b])| Instance::honest(*address, a, b))
            .collect();
        let (trace, accesses) = build_trace(&instances).map_err(|e| {
            CairoError::BadExecution(format!(
                "pedersen instance at {} meets the exceptional case of the curve addition",
                e.address
            ))
        })?;
        count_lookups(&trace, run.lookups(LookupTable::PedersenPoints));
        Ok(Some(TableTrace { trace, accesses }))
    }
}
