//! The lookup tables: fixed tables of entries with a multiplicity column, the table side of the
//! LogUp arguments that builtin tables make (16-bit limbs, Pedersen window points, byte pairs
//! with their `and`).
//! A builtin table names the lookup tables it uses ([`super::BuiltinTable::lookups`]); a
//! lookup table is in a proof when a present builtin table uses it, after the builtin tables,
//! in the order of [`LookupTable::ALL`].
//!
//! Each one's claim is its sum `sum_entries m / (z - c)`; each user's claims after its memory
//! product are its sums `sum_rows 1 / (z - c)`, one per lookup table it names, in that order.
//! The statement equates each lookup table's sum with the sum of its users' sums.

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable, batch_inverse, parallel, running_sums,
};

use crate::layout::{CHALLENGE_LOOKUP_Z, CHALLENGE_MEM_ALPHA, N_CHALLENGES};

use super::bitwise::{self, BYTE_PAIRS_LOG_ROWS};
use super::ecdsa::generator_table;
use super::pedersen::points_table;
use super::range16;

/// A lookup table. Its position in [`LookupTable::ALL`] is part of the proof format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupTable {
    /// Every 16-bit value ([`range16`]).
    Range16,
    /// Every point a Pedersen window may add ([`points_table`]).
    PedersenPoints,
    /// Every byte pair with its `and` ([`bitwise::byte_pair_columns`]).
    BytePairs,
    /// Every window point of `G` an `ecdsa` row may add ([`generator_table`]).
    EcdsaGenerator,
}

impl LookupTable {
    /// Every lookup table, in the order of their components in a proof.
    pub const ALL: [LookupTable; 4] = [
        LookupTable::Range16,
        LookupTable::PedersenPoints,
        LookupTable::BytePairs,
        LookupTable::EcdsaGenerator,
    ];

    /// Position in [`Self::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).expect("listed")
    }

    /// Entries whose multiplicities a trace builder counts.
    pub fn entries(self) -> usize {
        match self {
            LookupTable::Range16 => 1 << range16::LOG_ROWS,
            LookupTable::PedersenPoints => super::pedersen::points::entries().len(),
            LookupTable::BytePairs => 1 << BYTE_PAIRS_LOG_ROWS,
            LookupTable::EcdsaGenerator => generator_table::ENTRIES,
        }
    }

    /// The table's component.
    pub fn component(self) -> Box<dyn Component> {
        match self {
            LookupTable::Range16 => Box::new(range16::Range16::new()),
            LookupTable::PedersenPoints => {
                Box::new(FixedTable::new("pedersen_points", points_table::entry_columns()))
            }
            LookupTable::BytePairs => {
                Box::new(FixedTable::new("bitwise_bytes", bitwise::byte_pair_columns()))
            }
            LookupTable::EcdsaGenerator => {
                Box::new(FixedTable::new("ecdsa_generator", generator_table::entry_columns()))
            }
        }
    }

    /// The table's main trace from the multiplicity of every entry.
    pub fn build_trace(self, multiplicities: &[u64]) -> TraceTable {
        match self {
            LookupTable::Range16 => range16::build_trace(multiplicities),
            LookupTable::PedersenPoints => {
                FixedTable::build_trace(points_table::LOG_ROWS, multiplicities)
            }
            LookupTable::BytePairs => FixedTable::build_trace(BYTE_PAIRS_LOG_ROWS, multiplicities),
            LookupTable::EcdsaGenerator => {
                FixedTable::build_trace(generator_table::LOG_ROWS, multiplicities)
            }
        }
    }
}

/// A looked-up tuple compressed with `beta` (the memory argument's `alpha`), Horner's way:
/// `t_0 + beta t_1 + beta^2 t_2 + ...`. Both sides of an argument compress alike.
pub fn compress(challenges: &[Felt], tuple: &[&Felt]) -> Felt {
    let beta = &challenges[CHALLENGE_MEM_ALPHA];
    tuple.iter().rev().fold(Felt::zero(), |acc, value| acc * beta + *value)
}

/// The lookup challenge `z`.
pub fn lookup_z(challenges: &[Felt]) -> &Felt {
    &challenges[CHALLENGE_LOOKUP_Z]
}

/// A lookup table whose entries are constants: each tuple coordinate is a periodic column
/// whose period is the whole table (or a shorter one, for a coordinate that repeats), so the
/// verifier computes the entries itself and nothing of them is committed. Main column:
/// `multiplicity`. Auxiliary: `s` (running sum before the row) and
/// `t = s + multiplicity / (z - c)`, `c` the row's compressed tuple. Constraints:
/// `(t - s)(z - c) = multiplicity` (every row), `s` starts at 0 (first row), `s' = t`
/// (transition); the claim is the last `t`.
pub struct FixedTable {
    name: &'static str,
    log_rows: u32,
    /// The tuple coordinates, `2^log_rows` values each.
    entries: &'static [Vec<Felt>],
    constraints: ConstraintList,
}

pub const FIXED_MULTIPLICITY: usize = 0;
pub const FIXED_AUX_S: usize = 0;
pub const FIXED_AUX_T: usize = 1;

impl FixedTable {
    pub fn new(name: &'static str, entries: &'static [Vec<Felt>]) -> Self {
        let log_rows = entries.iter().map(Vec::len).max().expect("a coordinate").trailing_zeros();
        let mut table = Self { name, log_rows, entries, constraints: ConstraintList::empty() };
        table.constraints = ConstraintList::new(&table, 1, 2, entries.len(), N_CHALLENGES);
        table
    }

    /// The main trace from the multiplicities of the first entries (the rest get 0).
    pub fn build_trace(log_rows: u32, multiplicities: &[u64]) -> TraceTable {
        let n = 1usize << log_rows;
        let mut counts: Vec<Felt> = multiplicities.iter().map(|m| Felt::from(*m)).collect();
        counts.resize(n, Felt::zero());
        TraceTable::new(vec![counts], n)
    }
}

impl Constraints for FixedTable {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (a, an, name) = (f.aux_current, f.aux_next, self.name);
        let tuple: Vec<&Felt> = f.periodic.iter().collect();
        let denominator = lookup_z(challenges) - compress(challenges, &tuple);
        b.every_row(
            format_args!("{name}: sum term"),
            (a[FIXED_AUX_T] - a[FIXED_AUX_S]) * denominator - f.main_current[FIXED_MULTIPLICITY],
        );
        b.first_row(format_args!("{name}: sum starts at 0"), a[FIXED_AUX_S]);
        b.transition(
            format_args!("{name}: sum carries to the next row"),
            an[FIXED_AUX_S] - a[FIXED_AUX_T],
        );
    }
}

impl Component for FixedTable {
    fn component_name(&self) -> &str {
        self.name
    }
    fn log_size(&self) -> u32 {
        self.log_rows
    }
    fn main_width(&self) -> usize {
        1
    }
    fn aux_width(&self) -> usize {
        2
    }
    fn periodic_columns(&self) -> &[Vec<Felt>] {
        self.entries
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }
    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(self, index)
    }
    fn claim_columns(&self) -> &[usize] {
        &[FIXED_AUX_T]
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let n = main.length();
        let z = lookup_z(challenges);
        let denominators = parallel::map_range(n, |row| {
            let tuple: Vec<&Felt> = self.entries.iter().map(|c| &c[row % c.len()]).collect();
            z - compress(challenges, &tuple)
        });
        TraceTable::new(table_sum_columns(denominators, main.column(FIXED_MULTIPLICITY)).into(), n)
    }
}

/// The running sums of a lookup table's rows, `m / (z - c)` each, from the rows' `z - c` and
/// multiplicities `m`: the columns "before the row" (`s`) and "after the row" (`t`).
pub fn table_sum_columns(mut denominators: Vec<Felt>, multiplicities: &[Felt]) -> [Vec<Felt>; 2] {
    batch_inverse(&mut denominators);
    let chunk = parallel::chunk_size(denominators.len(), 1 << 12);
    parallel::for_each_chunk_mut(&mut denominators, chunk, |c, terms| {
        for (term, m) in terms.iter_mut().zip(&multiplicities[c * chunk..]) {
            *term *= m;
        }
    });
    before_and_after(denominators)
}

/// The running lookup sums of a table's rows, `1 / (z - c_row)` each: the columns "before the
/// row" and "after the row" of a user of a lookup table.
pub fn user_sum_columns(compressed: Vec<Felt>, challenges: &[Felt]) -> [Vec<Felt>; 2] {
    let z = lookup_z(challenges);
    let mut terms = compressed;
    let chunk = parallel::chunk_size(terms.len(), 1 << 12);
    parallel::for_each_chunk_mut(&mut terms, chunk, |_, c| {
        for term in c.iter_mut() {
            *term = z - *term;
        }
    });
    batch_inverse(&mut terms);
    before_and_after(terms)
}

/// The running sums of `terms` before each term (from 0) and after it.
fn before_and_after(terms: Vec<Felt>) -> [Vec<Felt>; 2] {
    let mut after = terms;
    running_sums(&mut after);
    let before =
        std::iter::once(Felt::zero()).chain(after.iter().copied()).take(after.len()).collect();
    [before, after]
}
