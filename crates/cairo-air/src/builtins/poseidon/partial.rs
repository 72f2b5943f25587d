//! The `poseidon_partial` table: the 83 partial rounds, four rows an instance of 21 rounds
//! each (see [`super`] for the whole argument). A linked table of the `poseidon`
//! builtin: it has no memory accesses, only its side of the link sum.
//!
//! Main columns: `address` (the instance's, on all its rows), `state` (3, the row's entering
//! state) and per slot of the row's 11 its S-box's square and cube. Periodic (period 8): the
//! slots' round constants (0 for the surplus slot of the last row), `first`, `last` and
//! `next_last` (1 on an instance's first row, last row and the row before its last).
//! Auxiliary: the receive sum of `-first / (z - (address, 0, state))` before the row, and the
//! send sum of `last / (z - (address, 1, state after the row's 20th slot))` after the row;
//! their final values are the two claims.

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable, batch_inverse, parallel,
};

use super::{Instance, PARTIAL_ROUNDS, full_half, partial_constants, partial_round};
use crate::builtins::lookup::{compress, lookup_z};
use crate::layout::N_CHALLENGES;

pub const NAME: &str = "poseidon_partial";
/// Rows an instance.
pub const ROWS: usize = 4;
/// Partial rounds a row.
pub const SLOTS: usize = PARTIAL_ROUNDS.div_ceil(ROWS);
/// Rounds of the last row that are the permutation's; the rest are surplus.
pub const LAST_ROW_ROUNDS: usize = PARTIAL_ROUNDS - (ROWS - 1) * SLOTS;
pub const ADDRESS: usize = 0;
pub const STATE: usize = 1;
pub const SBOXES: usize = STATE + 3;
pub const MAIN_WIDTH: usize = SBOXES + 2 * SLOTS;
/// Auxiliary: the receive sum before the row, the send sum after it (each a claim).
pub const AUX_RECEIVED: usize = 0;
pub const AUX_SENT: usize = 1;
pub const AUX_WIDTH: usize = 2;
/// Periodic: the slots' constants, then `first`, `last` and `next_last` (1 on an instance's
/// first row, its last row and the row before its last).
const FIRST: usize = SLOTS;
const LAST: usize = SLOTS + 1;
const NEXT_LAST: usize = SLOTS + 2;

/// The row's slots from `state`, with `sbox(j, x)` slot `j`'s output for input `x`: the
/// state after the last row's real rounds, and after all the slots.
fn slots(
    state: [Felt; 3],
    constants: &[Felt],
    mut sbox: impl FnMut(usize, Felt) -> Felt,
) -> ([Felt; 3], [Felt; 3]) {
    let mut state = state;
    let mut sent = state;
    for (j, k) in constants.iter().enumerate() {
        partial_round(&mut state, k, |x| sbox(j, x));
        if j + 1 == LAST_ROW_ROUNDS {
            sent = state;
        }
    }
    (sent, state)
}

/// The state after the row's first [`LAST_ROW_ROUNDS`] slots, from its columns (the
/// constants enter only the S-box inputs).
fn sent_state(row: &[Felt]) -> [Felt; 3] {
    let state = [row[STATE], row[STATE + 1], row[STATE + 2]];
    slots(state, &[Felt::zero(); SLOTS], |j, _| row[SBOXES + 2 * j + 1]).0
}

/// Round constant of slot `j` of row `row` (0 for a surplus slot).
fn constant(row: usize, j: usize) -> Felt {
    partial_constants().get(row * SLOTS + j).copied().unwrap_or_else(Felt::zero)
}

/// The component for the partial rounds of a segment of `count` instances (at least one).
pub struct PoseidonPartial {
    log_size: u32,
    periodic: Vec<Vec<Felt>>,
    constraints: ConstraintList,
}

impl PoseidonPartial {
    pub fn new(count: usize) -> Self {
        let mut periodic: Vec<Vec<Felt>> =
            (0..SLOTS).map(|j| (0..ROWS).map(|row| constant(row, j)).collect()).collect();
        let indicator = |at: usize| (0..ROWS).map(|row| Felt::from(u64::from(row == at))).collect();
        periodic.push(indicator(0));
        periodic.push(indicator(ROWS - 1));
        periodic.push(indicator(ROWS - 2));
        let mut table = Self {
            log_size: (super::padded_instances(count) * ROWS).trailing_zeros(),
            periodic,
            constraints: ConstraintList::empty(),
        };
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, table.periodic.len(), N_CHALLENGES);
        table
    }
}

/// `z - (address, stage, state)`.
fn link_denominator(address: &Felt, stage: u64, state: &[Felt; 3], challenges: &[Felt]) -> Felt {
    let stage = Felt::from(stage);
    let tuple = [address, &stage, &state[0], &state[1], &state[2]];
    lookup_z(challenges) - compress(challenges, &tuple)
}

impl Constraints for PoseidonPartial {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, a, an, p) =
            (f.main_current, f.main_next, f.aux_current, f.aux_next, f.periodic);
        let (first, next_last) = (p[FIRST], p[NEXT_LAST]);
        // After an instance's last row, the next row is another instance's.
        let carry = Felt::one() - p[LAST];
        let state = [c[STATE], c[STATE + 1], c[STATE + 2]];
        let (_, after) = slots(state, &p[..SLOTS], |j, x| {
            let (q, cube) = (c[SBOXES + 2 * j], c[SBOXES + 2 * j + 1]);
            b.every_row(format_args!("poseidon_partial: S-box {j} square"), q - x.square());
            b.every_row(format_args!("poseidon_partial: S-box {j} cube"), cube - q * x);
            cube
        });
        for k in 0..3 {
            b.transition(
                format_args!("poseidon_partial: the state carries within an instance ({k})"),
                carry * (nx[STATE + k] - after[k]),
            );
        }
        b.transition(
            format_args!("poseidon_partial: the address carries within an instance"),
            carry * (nx[ADDRESS] - c[ADDRESS]),
        );
        // Two sums, so that each has a linear first-row constraint: the receive sum before
        // the row (no instance receives on the table's last row) and the send sum after it
        // (none sends on the first).
        b.first_row(format_args!("poseidon_partial: receive sum starts at 0"), a[AUX_RECEIVED]);
        b.transition(
            format_args!("poseidon_partial: link receive term"),
            (an[AUX_RECEIVED] - a[AUX_RECEIVED])
                * link_denominator(&c[ADDRESS], 0, &state, challenges)
                + first,
        );
        b.first_row(format_args!("poseidon_partial: send sum starts at 0"), a[AUX_SENT]);
        b.transition(
            format_args!("poseidon_partial: link send term"),
            (an[AUX_SENT] - a[AUX_SENT])
                * link_denominator(&nx[ADDRESS], 1, &sent_state(nx), challenges)
                - next_last,
        );
    }
}

impl Component for PoseidonPartial {
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
        &[AUX_RECEIVED, AUX_SENT]
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let n = main.length();
        // Row r's receive denominator at 2r, its send denominator at 2r + 1.
        let mut inverses = parallel::map_range(2 * n, |i| {
            let r = i / 2;
            let row: Vec<Felt> = (0..MAIN_WIDTH).map(|c| *main.get(r, c)).collect();
            if i % 2 == 0 {
                let state = [row[STATE], row[STATE + 1], row[STATE + 2]];
                link_denominator(&row[ADDRESS], 0, &state, challenges)
            } else {
                link_denominator(&row[ADDRESS], 1, &sent_state(&row), challenges)
            }
        });
        batch_inverse(&mut inverses);
        let mut columns = (0..AUX_WIDTH).map(|_| Vec::with_capacity(n)).collect::<Vec<_>>();
        let (mut received, mut sent) = (Felt::zero(), Felt::zero());
        for r in 0..n {
            columns[AUX_RECEIVED].push(received);
            if r % ROWS == 0 {
                received = received - inverses[2 * r];
            }
            if r % ROWS == ROWS - 1 {
                sent += inverses[2 * r + 1];
            }
            columns[AUX_SENT].push(sent);
        }
        TraceTable::new(columns, n)
    }
}

/// The eight rows of an instance, as columns: the partial rounds from `entering`, the state
/// after the first four full rounds.
pub fn instance_rows(address: u64, entering: [Felt; 3]) -> Vec<Vec<Felt>> {
    let mut columns = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(ROWS)).collect::<Vec<_>>();
    let mut state = entering;
    for row in 0..ROWS {
        let constants: Vec<Felt> = (0..SLOTS).map(|j| constant(row, j)).collect();
        let mut sboxes = Vec::with_capacity(2 * SLOTS);
        let (_, after) = slots(state, &constants, |_, x| {
            let q = x.square();
            sboxes.extend([q, q * x]);
            q * x
        });
        let cells = std::iter::once(Felt::from(address)).chain(state).chain(sboxes);
        for (column, value) in columns.iter_mut().zip(cells) {
            column.push(value);
        }
        state = after;
    }
    columns
}

/// The main trace: every instance's rows, padded by repeating the last instance up to the
/// `poseidon` table's instance count.
pub fn build_trace(instances: &[Instance]) -> TraceTable {
    let padded = super::padded_instances(instances.len());
    let blocks = parallel::map_range(instances.len(), |i| {
        let (address, input) = instances[i];
        instance_rows(address, full_half(input, 0))
    });
    let n = padded * ROWS;
    let mut columns: Vec<Vec<Felt>> = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    for k in 0..padded {
        let block = &blocks[k.min(blocks.len() - 1)];
        for (column, rows) in columns.iter_mut().zip(block) {
            column.extend_from_slice(rows);
        }
    }
    TraceTable::new(columns, n)
}
