//! The `poseidon` table: the full rounds, two rows an instance (see [`super`] for the whole
//! argument). Row 0 runs the first four full rounds from the inputs, row 1 the last four from
//! the state the partial table sends back; row 0's cells are the inputs (its entering state),
//! row 1's the outputs (its result).
//!
//! Main columns: `address` (the instance's base, on both rows), `state` (3, the row's
//! entering state), `values` (3, the row's memory cells) and per S-box of the row's 12 its
//! square and cube. Periodic (period 2): the row's 12 round constants and `first` (1 on row
//! 0). Auxiliary: the memory product over the three cells of every row (3 columns, as in
//! [`crate::builtins::segment`], at `address + 3 (1 - first) + k`) and the link sum, before
//! and after the row, of `(2 first - 1) / (z - (address, 1 - first, state + result -
//! values))`: row 0 sends its result at stage 0, row 1 receives its entering state at stage 1
//! (the cells are the one of the two that is not linked, so the linked state is linear).

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable, parallel, running_products,
};

use super::{CELLS, FULL_ROUNDS_PER_ROW, Instance, full_constants, full_round, hades, mix};
use crate::builtins::lookup::{self, compress, lookup_z};
use crate::builtins::narrow::{self, CellRow};
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};

pub const NAME: &str = "poseidon";
/// Rows an instance.
pub const ROWS: usize = 2;
/// Cells each row reads.
const ROW_CELLS: usize = CELLS / ROWS;
pub const ADDRESS: usize = 0;
pub const STATE: usize = 1;
pub const VALUES: usize = STATE + 3;
pub const SBOXES: usize = VALUES + ROW_CELLS;
/// S-boxes a row.
pub const ROW_SBOXES: usize = 3 * FULL_ROUNDS_PER_ROW;
pub const MAIN_WIDTH: usize = SBOXES + 2 * ROW_SBOXES;
/// Auxiliary: the memory product (3 columns), then the link sum before and after the row.
pub const AUX_MEMORY: usize = 0;
pub const AUX_LINK_BEFORE: usize = AUX_MEMORY + ROW_CELLS;
pub const AUX_LINK_AFTER: usize = AUX_LINK_BEFORE + 1;
pub const AUX_WIDTH: usize = AUX_LINK_AFTER + 1;
/// Periodic: the row's constants, then `first`.
const FIRST: usize = ROW_SBOXES;

/// The row's four rounds from `state`; `sbox(i, x)` gives S-box `i`'s output for input `x`.
fn rounds(
    state: [Felt; 3],
    constants: &[Felt],
    mut sbox: impl FnMut(usize, Felt) -> Felt,
) -> [Felt; 3] {
    let mut state = state;
    let mut index = 0;
    for round in constants.chunks(3) {
        full_round(&mut state, round, |x| {
            index += 1;
            sbox(index - 1, x)
        });
    }
    state
}

/// The component for one run's `poseidon` segment.
pub struct PoseidonFull {
    log_size: u32,
    begin: Felt,
    last: Felt,
    periodic: Vec<Vec<Felt>>,
    constraints: ConstraintList,
    claims: [usize; 2],
}

impl PoseidonFull {
    /// A segment with at least one instance.
    pub fn new(begin: u64, stop: u64) -> Self {
        let count = ((stop - begin) / CELLS as u64) as usize;
        let mut periodic: Vec<Vec<Felt>> = (0..ROW_SBOXES)
            .map(|i| (0..ROWS).map(|row| full_constants(row)[i]).collect())
            .collect();
        periodic.push(vec![Felt::one(), Felt::zero()]);
        let mut table = Self {
            log_size: (super::padded_instances(count) * ROWS).trailing_zeros(),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            periodic,
            constraints: ConstraintList::empty(),
            claims: [AUX_MEMORY + ROW_CELLS - 1, AUX_LINK_AFTER],
        };
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, table.periodic.len(), N_CHALLENGES);
        table
    }
}

/// Cell `k`'s memory factor `z - (address + 3 second + k + alpha v_k)` of a row.
fn memory_factor(row: &[Felt], second: &Felt, k: usize, challenges: &[Felt]) -> Felt {
    let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
    let address = row[ADDRESS] + Felt::from(ROW_CELLS as u64) * second + Felt::from(k as u64);
    z - (address + alpha * row[VALUES + k])
}

/// The row's link denominator `z - (address, second, state + result - values)`.
fn link_denominator(row: &[Felt], second: &Felt, result: &[Felt; 3], challenges: &[Felt]) -> Felt {
    let linked: [Felt; 3] = std::array::from_fn(|k| row[STATE + k] + result[k] - row[VALUES + k]);
    let tuple = [&row[ADDRESS], second, &linked[0], &linked[1], &linked[2]];
    lookup_z(challenges) - compress(challenges, &tuple)
}

/// The row's result from its S-box columns (the mix of the last round's cubes).
fn result(row: &[Felt]) -> [Felt; 3] {
    let last = SBOXES + 2 * (ROW_SBOXES - 3);
    let mut state = [row[last + 1], row[last + 3], row[last + 5]];
    mix(&mut state);
    state
}

impl Constraints for PoseidonFull {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, a, an, p) =
            (f.main_current, f.main_next, f.aux_current, f.aux_next, f.periodic);
        let (first, second) = (p[FIRST], Felt::one() - p[FIRST]);
        let state = [c[STATE], c[STATE + 1], c[STATE + 2]];
        let result = rounds(state, &p[..ROW_SBOXES], |i, x| {
            let (q, cube) = (c[SBOXES + 2 * i], c[SBOXES + 2 * i + 1]);
            b.every_row(format_args!("poseidon: S-box {i} square"), q - x.square());
            b.every_row(format_args!("poseidon: S-box {i} cube"), cube - q * x);
            cube
        });
        for k in 0..ROW_CELLS {
            b.every_row(
                format_args!("poseidon: the first row's cells are its entering state ({k})"),
                first * (c[VALUES + k] - state[k]),
            );
            b.every_row(
                format_args!("poseidon: the second row's cells are its rounds' result ({k})"),
                second * (c[VALUES + k] - result[k]),
            );
        }

        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row(
            format_args!("poseidon: first address is the segment begin"),
            c[ADDRESS] - self.begin,
        );
        b.transition(format_args!("poseidon: an instance's rows share its address"), first * step);
        b.transition(
            format_args!("poseidon: addresses step by 0 or {CELLS}"),
            step * (step - Felt::from(CELLS as u64)),
        );
        b.last_row(
            format_args!("poseidon: last address is the segment's last instance"),
            c[ADDRESS] - self.last,
        );

        let memory = &a[AUX_MEMORY..AUX_MEMORY + ROW_CELLS];
        b.first_row(
            format_args!("poseidon: memory product starts"),
            memory[0] - memory_factor(c, &second, 0, challenges),
        );
        for k in 1..ROW_CELLS {
            b.every_row(
                format_args!("poseidon: memory product, cell {k}"),
                memory[k] - memory[k - 1] * memory_factor(c, &second, k, challenges),
            );
        }
        // The next row's `second` is this row's `first` (period 2).
        b.transition(
            format_args!("poseidon: memory product across rows"),
            an[AUX_MEMORY] - memory[ROW_CELLS - 1] * memory_factor(nx, &first, 0, challenges),
        );

        b.first_row(format_args!("poseidon: link sum starts at 0"), a[AUX_LINK_BEFORE]);
        b.every_row(
            format_args!("poseidon: link term"),
            (a[AUX_LINK_AFTER] - a[AUX_LINK_BEFORE])
                * link_denominator(c, &second, &result, challenges)
                - (first - second),
        );
        b.transition(
            format_args!("poseidon: link sum carries to the next row"),
            an[AUX_LINK_BEFORE] - a[AUX_LINK_AFTER],
        );
    }
}

impl Component for PoseidonFull {
    fn component_name(&self) -> &str {
        NAME
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
        &self.periodic
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
        let n = main.length();
        let row = |r: usize| -> Vec<Felt> { (0..MAIN_WIDTH).map(|c| *main.get(r, c)).collect() };
        let second = |r: usize| Felt::from((r % ROWS) as u64);
        // Memory factors in row-major order, then their running product.
        let mut products = parallel::map_range(n * ROW_CELLS, |i| {
            let r = i / ROW_CELLS;
            memory_factor(&row(r), &second(r), i % ROW_CELLS, challenges)
        });
        running_products(&mut products);
        let mut columns: Vec<Vec<Felt>> =
            (0..ROW_CELLS).map(|k| (0..n).map(|r| products[ROW_CELLS * r + k]).collect()).collect();
        let denominators = parallel::map_range(n, |r| {
            let values = row(r);
            link_denominator(&values, &second(r), &result(&values), challenges)
        });
        let signs: Vec<Felt> =
            (0..n).map(|r| if r % ROWS == 0 { Felt::one() } else { -Felt::one() }).collect();
        columns.extend(lookup::table_sum_columns(denominators, &signs));
        TraceTable::new(columns, n)
    }
}

/// The two rows of an instance, as columns: its inputs' first four rounds, and the last four
/// from `back`, the state after the partial rounds.
pub fn instance_rows(address: u64, input: [Felt; 3], back: [Felt; 3]) -> Vec<Vec<Felt>> {
    let mut columns = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(ROWS)).collect::<Vec<_>>();
    for (row, state) in [input, back].into_iter().enumerate() {
        let mut sboxes = Vec::with_capacity(2 * ROW_SBOXES);
        let result = rounds(state, full_constants(row), |_, x| {
            let q = x.square();
            sboxes.extend([q, q * x]);
            q * x
        });
        let values = if row == 0 { state } else { result };
        let cells = std::iter::once(Felt::from(address)).chain(state).chain(values).chain(sboxes);
        for (column, value) in columns.iter_mut().zip(cells) {
            column.push(value);
        }
    }
    columns
}

/// The cells an instance reads: row 0's at `a..a+3`, row 1's at `a+3..a+6`.
pub fn cell_rows() -> Vec<CellRow> {
    (0..CELLS)
        .map(|k| CellRow { row: k / ROW_CELLS, offset: k as u64, column: VALUES + k % ROW_CELLS })
        .collect()
}

/// The main trace (padded by repeating the last instance) and its memory accesses, in row
/// order.
pub fn build_trace(instances: &[Instance]) -> (TraceTable, Vec<(u64, Felt)>) {
    let blocks = parallel::map_range(instances.len(), |i| {
        let (address, input) = instances[i];
        let back = super::partial_rounds(super::full_half(input, 0));
        let rows = instance_rows(address, input, back);
        debug_assert_eq!(
            std::array::from_fn::<_, 3, _>(|k| rows[VALUES + k][1]),
            hades(input),
            "the rows compute the permutation"
        );
        rows
    });
    narrow::stack(blocks, ROWS, ADDRESS, &cell_rows())
}
