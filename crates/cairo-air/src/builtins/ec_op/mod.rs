//! The `ec_op` builtin (cairo-vm's `EcOpBuiltinRunner`): each instance is seven cells
//! `(p_x, p_y, q_x, q_y, m, r_x, r_y)` at `begin + 7k`, with `P = (p_x, p_y)` and
//! `Q = (q_x, q_y)` points of the Stark curve `y^2 = x^3 + x + beta` and `R = (r_x, r_y) =
//! P + m Q`, `m` taken as its canonical integer (below the field prime `p < 2^252`), computed
//! by double-and-add from the least significant bit.
//!
//! # Layout
//!
//! A narrow table, one row per scalar bit: 256 rows per instance, three rows before the bits
//! (`0..3`), the bit rows `3..=254` (bit `i` of `m` on row `3 + i`), and row 255. Instances are
//! in address order, padded to a power of two by repeating the last one. Main columns (14):
//!
//! | column | content |
//! |---|---|
//! | `address` | the instance's base address (all rows) |
//! | `suffix`, `bit` | `m >> i` on row `3 + i` (`m` on row 3, 0 on row 255), its bit |
//! | `below`, `below_and_bit` | the comparison of `m`'s bits with `p - 1`'s, bit by bit |
//! | `dx`, `dy` | the doubling point `D`: `P` on row 0, `Q` on rows 1 to 3, `2^i Q` on `3 + i` |
//! | `dx_sq` | `dx^2` |
//! | `dslope` | the tangent slope of `D` where `D` doubles (rows `3..=253`), else 0 |
//! | `x`, `y` | the accumulator before the row's addition: `P` on rows 0 to 3, `R` on row 255 |
//! | `slope`, `x_diff_inv` | its chord's slope and `1 / (x - dx)` when `bit = 1`, else 0 |
//! | `carry` | `m` on rows `0..128`, `R.x` on rows `128..256` |
//!
//! Each row reads at most one memory cell (that keeps the memory factor of degree 2), and
//! only 4 rows of 256 are not bit rows. `P`, `Q` and `m` are where they are read only up to
//! the first bit row, `R` only after the last one: 6 rows for 7 cells. The `carry` column
//! carries `m` forward and `R.x` backward to rows of their own. Cell `k` is read on row:
//! `p_x` 0 (`x`), `p_y` 1 (`y`), `q_x` 2 (`dx`), `q_y` 3 (`dy`), `m` 4 (`carry`), `r_x` 254
//! (`carry`), `r_y` 255 (`y`).
//!
//! Periodic columns ([`rows`]): `FIRST` (row 0), the read rows `READ_P_Y` (1), `READ_Q_X` (2),
//! `BIT_FIRST` (3), `READ_M` (4), `READ_R_X` (254), `LAST` (255); the bit rows split by the bit
//! of `p - 1` (`ONE`, `ZERO`; `BIT_ROW = ONE + ZERO`); `DOUBLE` (rows `3..=253`), `D_REST`
//! (rows 1 and 2), `CARRY_REST` (all rows but 127 and 255).
//!
//! # Constraints (each degree ≤ 2, counting a periodic column like a trace column)
//!
//! The scalar:
//! 1. `bit (bit - 1) = 0`, `(1 - BIT_ROW) bit = 0`, `BIT_ROW (s - 2 s' - bit) = 0`, `LAST s =
//!    0`: row 3's suffix is `N = sum_{i<252} b_i 2^i` in the field for an integer `N <
//!    2^252`;
//! 2. canonical: `below_and_bit = below bit`, `BIT_FIRST (below - 1) = 0`, `BIT_ROW below' -
//!    ONE (1 - bit + below_and_bit) - ZERO (below - below_and_bit) = 0`, `LAST (below - 1) =
//!    0`: `N ≤ p - 1`, so `N` is `m`'s canonical integer (without it `N = m + p` would pass,
//!    and `(m + p) Q != m Q` since the group's order is not `p`);
//! 3. the carry: `BIT_FIRST (s - carry) = 0`, `CARRY_REST (carry' - carry) = 0` and
//!    `LAST (carry - x) = 0`: `carry` is `m` on rows `0..128` (the cell read on row 4) and
//!    `R.x` on rows `128..256` (the cell read on row 254).
//!
//! The doubling point:
//! 4. `dx_sq = dx^2` and `dy^2 = dx_sq dx + dx + beta` on every row: `D` is on the curve, so
//!    `P` (row 0) and `Q` (row 1) are (cairo-vm refuses other inputs; the same formulas on
//!    another curve `y^2 = x^3 + x + beta'` would compute in another group), and `dy != 0` (the
//!    group's order is prime and odd: no point of order 2);
//! 5. `2 dslope dy - DOUBLE (3 dx_sq + 1) = 0`, `dslope^2 - DOUBLE (2 dx + dx') = 0`,
//!    `DOUBLE (dy + dy') - dslope (dx - dx') = 0`: where `DOUBLE = 1`, `dslope` is the tangent
//!    slope and `D' = 2 D`; elsewhere `dslope = 0`. `D_REST (dx' - dx) = 0`, same for `y`:
//!    `D` is the same `Q` on rows 1 to 3 (row 0 to 1 is free: `P` gives way to `Q`).
//!
//! The accumulator, chord additions as in [`crate::builtins::pedersen`]:
//! 6. `(x - dx) x_diff_inv - bit = 0`, `bit (y - dy) - slope (x - dx) = 0`, `slope^2 - bit (x +
//!    dx + x') = 0`, `bit (y + y') - slope (x - x') = 0`: on a bit row with `bit = 1`, `(x',
//!    y') = (x, y) + D` with distinct abscissas; `(1 - bit - LAST)(x' - x) = 0`, same for `y`:
//!    it rests elsewhere; `FIRST (x - dx) = 0`, same for `y`: it starts at `P`. Row 255 holds
//!    `P + sum_i b_i 2^i Q = P + m Q`.
//!
//! Addresses and memory (as every narrow table's, [`crate::builtins::narrow`]):
//! 7. first address `begin`, last `stop - 7`, `(address' - address)(address' - address - 7
//!    LAST) = 0`;
//! 8. `factor = 1 + sum_k SEL_k (z - (address + k) - alpha v_k - 1)` over the seven read rows
//!    above, `product_0 = factor_0`, `product' = product factor'`, the last product the claim.
//!
//! Why the exceptional cases cannot cheat: a chord step is wrong only when the two points
//! share their abscissa (a doubling or the opposite point), where the slope equation no
//! longer fixes the slope; the inverse witness of 6 has no solution then, so every accepted
//! addition is a true affine addition of two curve points, every accumulator is an affine
//! curve point, and the point at infinity never arises (`R = O` is refused, as cairo-vm
//! refuses it). cairo-vm fails the run when the accumulator and `D` share an abscissa on any
//! step below `m`'s bit length, added or not; the table refuses only the added ones, so it
//! proves every instance cairo-vm computes, and the few more it accepts still have `R = P + m
//! Q`. The honest prover meets an exceptional step only for a relation between `P` and `Q`
//! with known small coefficients; it then reports the instance instead of proving it.
//!
//! Cost: 256 rows of 14 main and 2 auxiliary columns per instance (4,096 cells).

pub mod rows;
pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
};

use crate::builtins::narrow::{self, CellRow, memory_columns};
use crate::builtins::stark_curve::beta;
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};
use rows::*;

pub use trace::{EcOpError, Witness, build_trace, ec_op, layout};

pub const CELLS: usize = 7;
pub const ADDRESS: usize = 0;
pub const SUFFIX: usize = 1;
pub const BIT: usize = 2;
pub const BELOW: usize = 3;
pub const BELOW_AND_BIT: usize = 4;
pub const DX: usize = 5;
pub const DY: usize = 6;
pub const DX_SQ: usize = 7;
pub const DSLOPE: usize = 8;
pub const X: usize = 9;
pub const Y: usize = 10;
pub const SLOPE: usize = 11;
pub const X_DIFF_INV: usize = 12;
pub const CARRY: usize = 13;
pub const MAIN_WIDTH: usize = 14;
/// The main column each cell is read from, in cell order (rows in [`rows::CELL_ROWS`]).
pub const CELL_COLUMNS: [usize; CELLS] = [X, Y, DX, DY, CARRY, CARRY, Y];

/// Where each cell is read: its row, its offset from the instance's address and its column.
pub fn cell_rows() -> [CellRow; CELLS] {
    std::array::from_fn(|k| CellRow {
        row: CELL_ROWS[k],
        offset: k as u64,
        column: CELL_COLUMNS[k],
    })
}
/// Auxiliary columns: the memory factor of the row and the running product.
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = 1;

/// The component for one run's `ec_op` segment.
pub struct EcOp {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 1],
}

impl EcOp {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 7).
    pub fn new(begin: u64, stop: u64) -> Self {
        let mut table = Self {
            log_size: narrow::log_size(((stop - begin) / CELLS as u64) as usize, ROWS_PER_INSTANCE),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claim: [AUX_PRODUCT],
        };
        let periodic = periodic_columns().len();
        table.constraints = ConstraintList::new(&table, MAIN_WIDTH, 2, periodic, N_CHALLENGES);
        table
    }
}

impl Constraints for EcOp {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();
        let (first, bit_first, last) = (p[FIRST], p[BIT_FIRST], p[LAST]);
        let (one_bit, zero_bit) = (p[BIT_ROW_P_ONE], p[BIT_ROW_P_ZERO]);
        let bit_row = one_bit + zero_bit;
        let (double, d_rest) = (p[DOUBLE], p[D_REST]);
        let (bit, s, below, t) = (c[BIT], c[SUFFIX], c[BELOW], c[BELOW_AND_BIT]);
        let carry = c[CARRY];
        let (dx, dy, dx_sq, dslope) = (c[DX], c[DY], c[DX_SQ], c[DSLOPE]);
        let (dx_next, dy_next) = (nx[DX], nx[DY]);
        let (x, y, slope) = (c[X], c[Y], c[SLOPE]);
        let (x_next, y_next) = (nx[X], nx[Y]);

        // 1. The scalar's bits.
        b.every_row("ec_op: bit is a bit", bit * (bit - one));
        b.every_row("ec_op: no bit outside the bit rows", (one - bit_row) * bit);
        b.transition("ec_op: suffix drops its bit", bit_row * (s - nx[SUFFIX].double() - bit));
        b.every_row("ec_op: suffix ends at 0", last * s);
        // 2. Canonical: N <= p - 1.
        b.every_row("ec_op: below_and_bit is below * bit", t - below * bit);
        b.every_row("ec_op: comparison with p - 1 starts", bit_first * (below - one));
        b.transition(
            "ec_op: comparison with p - 1 steps",
            bit_row * nx[BELOW] - one_bit * (one - bit + t) - zero_bit * (below - t),
        );
        b.every_row("ec_op: scalar decomposition is canonical", last * (below - one));
        // 3. The carry: m, then R.x.
        b.every_row("ec_op: carry starts as m", bit_first * (s - carry));
        b.transition("ec_op: carry rests", p[CARRY_REST] * (nx[CARRY] - carry));
        b.every_row("ec_op: carry ends as R.x", last * (carry - x));
        // 4. The doubling point is on the curve.
        b.every_row("ec_op: dx_sq is dx^2", dx_sq - dx.square());
        b.every_row(
            "ec_op: doubling point is on the curve",
            dy.square() - dx_sq * dx - dx - beta(),
        );
        // 5. Doubling, and Q resting until the first bit row.
        b.every_row(
            "ec_op: doubling slope",
            dslope * dy.double() - double * (Felt::from(3u64) * dx_sq + one),
        );
        b.transition("ec_op: doubled x", dslope.square() - double * (dx.double() + dx_next));
        b.transition("ec_op: doubled y", double * (dy + dy_next) - dslope * (dx - dx_next));
        b.transition("ec_op: Q x rests before the bits", d_rest * (dx_next - dx));
        b.transition("ec_op: Q y rests before the bits", d_rest * (dy_next - dy));
        // 6. The accumulator: P, then P + m Q.
        b.every_row("ec_op: x differs from the added point's", (x - dx) * c[X_DIFF_INV] - bit);
        b.every_row("ec_op: slope", bit * (y - dy) - slope * (x - dx));
        b.transition("ec_op: next x", slope.square() - bit * (x + dx + x_next));
        b.transition("ec_op: next y", bit * (y + y_next) - slope * (x - x_next));
        b.transition("ec_op: x rests without a bit", (one - bit - last) * (x_next - x));
        b.transition("ec_op: y rests without a bit", (one - bit - last) * (y_next - y));
        b.every_row("ec_op: x starts at P", first * (x - dx));
        b.every_row("ec_op: y starts at P", first * (y - dy));
        // 7. Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("ec_op: first address is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "ec_op: addresses step by 0 or 7 between instances",
            step * (step - Felt::from(CELLS as u64) * last),
        );
        b.last_row("ec_op: last address is the segment's last instance", c[ADDRESS] - self.last);
        // 8. Memory: cell k on its read row.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let (a, an) = (f.aux_current, f.aux_next);
        let selectors = [first, p[READ_P_Y], p[READ_Q_X], bit_first, p[READ_M], p[READ_R_X], last];
        let mut factor = a[AUX_FACTOR] - one;
        for (k, (selector, column)) in selectors.iter().zip(CELL_COLUMNS).enumerate() {
            let address = c[ADDRESS] + Felt::from(k as u64);
            factor = factor - selector * (z - address - alpha * c[column] - one);
        }
        b.every_row("ec_op: memory factor", factor);
        b.first_row("ec_op: memory product starts", a[AUX_PRODUCT] - a[AUX_FACTOR]);
        b.transition(
            "ec_op: memory product across rows",
            an[AUX_PRODUCT] - a[AUX_PRODUCT] * an[AUX_FACTOR],
        );
    }
}

impl Component for EcOp {
    fn component_name(&self) -> &str {
        "ec_op"
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        MAIN_WIDTH
    }
    fn aux_width(&self) -> usize {
        2
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

    fn build_aux_trace(&self, main: &stark::TraceTable, challenges: &[Felt]) -> stark::TraceTable {
        memory_columns(main, challenges, ROWS_PER_INSTANCE, ADDRESS, &cell_rows())
    }
}

/// The `ec_op` builtin in the registry.
pub struct EcOpTable;

impl BuiltinTable for EcOpTable {
    fn name(&self) -> &'static str {
        "ec_op"
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn rows_per_instance(&self) -> usize {
        ROWS_PER_INSTANCE
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(EcOp::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let instances: Vec<Witness> = run
            .instances::<5>(self.name(), begin, stop, CELLS)?
            .iter()
            .map(|(address, cells)| Witness::honest(*address, cells))
            .collect();
        let (trace, accesses) = build_trace(&instances)?;
        Ok(Some(TableTrace { trace, accesses }))
    }
}
