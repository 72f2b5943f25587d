//! The `Air` and `Component` traits: what a computation must say about its traces for the
//! engine to prove it.
//!
//! A statement ([`Air`]) is proven over one or more trace tables ([`Component`]s) that may have
//! different lengths: a CPU table of `2^20` rows and a hash table of `2^12`, say, so that a
//! table costs what its own rows cost. Components are tied together by permutation or lookup
//! arguments whose final values ("claims") the prover sends and the statement checks.
//!
//! To implement a component:
//! 1. Fix the trace shape: `log_size`, `main_width`, and, if it uses verifier
//!    randomness (permutation arguments), `aux_width`.
//! 2. Write the constraints once, against a builder ([`crate::Constraints::eval`]): given a
//!    [`Frame`] (two consecutive rows) and the challenges, hand each constraint to the
//!    [`crate::ConstraintBuilder`] with its kind, its name and its value (zero means
//!    satisfied), e.g. `b.transition("pc steps", next_pc - pc - 1)`. `constraint_kinds`,
//!    `constraint_name` and `evaluate` then come from that one place:
//!    [`crate::ConstraintList`] and [`crate::write_constraints`] (so the prover, the
//!    verifier and the debug checker all run the same code, and the checker names the
//!    constraint that fails).
//! 3. If the constraints need constants that repeat along the rows (round constants, row
//!    selectors such as "first row of each instance"), declare them with `periodic_columns`:
//!    one vector per column holding one period of its values (a power of two of at most the
//!    trace length). The verifier knows them, so they are not committed; the frame carries
//!    their values at the current row (see `periodic` for why they count as trace columns in
//!    the degree rules).
//! 4. Every constraint must be a polynomial of degree at most [`MAX_CONSTRAINT_DEGREE`] in the
//!    frame's cells, and first/last-row constraints must be linear: then every quotient
//!    `C / Z` has degree below the trace length, which is the bound the composition
//!    polynomial is built for. (A quadratic first-row constraint would give a quotient of
//!    degree `2n - 3`.) A periodic column counts as a trace column here. Debug builds of the
//!    prover report a violation.
//! 5. If there are auxiliary columns, `build_aux_trace` computes them from the main trace and
//!    the challenges (prover only), and `claim_columns` names the auxiliary columns whose
//!    last-row value the prover must announce. The engine itself adds, for each of them, the
//!    last-row constraint `column = claim`, so a claim is bound to the committed column.
//!
//! To implement the statement:
//! 1. `name` and `public_input_bytes` bind the statement: they seed the transcript.
//! 2. `components` lists the tables, in the order the prover receives their traces.
//! 3. `num_aux_challenges` challenges are drawn after every main trace is committed; all
//!    components see the same challenges.
//! 4. `check_claims` checks the claims of all components together against each other and the
//!    public input (the products of a permutation split over several tables must multiply to
//!    a public-memory value, say).

use crate::field::Felt;
use crate::trace::TraceTable;

/// The engine's composition polynomial has degree below the trace length only if no
/// constraint exceeds this degree.
pub const MAX_CONSTRAINT_DEGREE: usize = 2;

/// On which rows a constraint must vanish; this picks its zerofier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// Every row (zerofier `x^n - 1`). Must not read the next row.
    EveryRow,
    /// Every row but the last (zerofier `(x^n - 1) / (x - g^(n-1))`). May read the next row.
    Transition,
    /// The first row only (zerofier `x - 1`). Must be linear and not read the next row.
    FirstRow,
    /// The last row only (zerofier `x - g^(n-1)`). Must be linear and not read the next row.
    LastRow,
}

/// Two consecutive rows of a table (or their out-of-domain values), and the periodic
/// columns' values at the current row.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    pub main_current: &'a [Felt],
    pub main_next: &'a [Felt],
    pub aux_current: &'a [Felt],
    pub aux_next: &'a [Felt],
    /// One value per column of [`Component::periodic_columns`], in order.
    pub periodic: &'a [Felt],
}

/// One trace table and its constraints. See the module docs for the recipe.
pub trait Component: Sync {
    /// Short name for error messages and the debug checker.
    fn component_name(&self) -> &str;

    /// log2 of the number of rows.
    fn log_size(&self) -> u32;

    fn main_width(&self) -> usize;

    fn aux_width(&self) -> usize {
        0
    }

    /// Columns of constants known to prover and verifier, each given by one period of its
    /// values: row `i` of a column `c` holds `c[i mod c.len()]`. Each period must be a power
    /// of two of at most the trace length.
    fn periodic_columns(&self) -> &[Vec<Felt>] {
        &[]
    }

    /// One entry per constraint, in the order `evaluate` writes them.
    fn constraint_kinds(&self) -> &[ConstraintKind];

    /// Human-readable name of constraint `index`, for the debug checker.
    fn constraint_name(&self, index: usize) -> String {
        format!("constraint {index}")
    }

    /// Auxiliary columns whose last-row values are announced as this component's claims.
    fn claim_columns(&self) -> &[usize] {
        &[]
    }

    /// Writes the value of every constraint at `frame` into `out` (len = constraint count).
    /// `challenges` holds the statement's drawn challenges.
    fn evaluate(&self, frame: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]);

    /// Builds the auxiliary columns (prover only).
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let _ = challenges;
        TraceTable::new(Vec::new(), main.length())
    }
}

/// A statement over one or more components. See the module docs for the recipe.
pub trait Air: Sync {
    /// Identifies the AIR and its version; bound into the transcript.
    fn name(&self) -> &str;

    /// Canonical bytes of the public input.
    fn public_input_bytes(&self) -> Vec<u8>;

    /// The tables of the statement, in order.
    fn components(&self) -> Vec<&dyn Component>;

    /// Challenges drawn after every main trace is committed.
    fn num_aux_challenges(&self) -> usize {
        0
    }

    /// Checks the claims of all components (one vector per component, in order) against each
    /// other and the public input.
    fn check_claims(&self, challenges: &[Felt], claims: &[Vec<Felt>]) -> bool {
        let _ = (challenges, claims);
        true
    }
}

/// A component's constraints followed by the engine's claim constraints (`column = claim` on
/// the last row), as the prover and the verifier both evaluate them.
pub(crate) struct ClaimedComponent<'a> {
    pub component: &'a dyn Component,
    kinds: Vec<ConstraintKind>,
}

impl<'a> ClaimedComponent<'a> {
    pub fn new(component: &'a dyn Component) -> Self {
        let mut kinds = component.constraint_kinds().to_vec();
        kinds.extend(component.claim_columns().iter().map(|_| ConstraintKind::LastRow));
        Self { component, kinds }
    }

    pub fn kinds(&self) -> &[ConstraintKind] {
        &self.kinds
    }

    pub fn constraint_name(&self, index: usize) -> String {
        let own = self.component.constraint_kinds().len();
        if index < own {
            self.component.constraint_name(index)
        } else {
            format!("claim {} equals the last row of its column", index - own)
        }
    }

    pub fn evaluate(
        &self,
        frame: &Frame<'_>,
        challenges: &[Felt],
        claims: &[Felt],
        out: &mut [Felt],
    ) {
        let own = self.component.constraint_kinds().len();
        self.component.evaluate(frame, challenges, &mut out[..own]);
        for (k, (column, claim)) in self.component.claim_columns().iter().zip(claims).enumerate() {
            out[own + k] = frame.aux_current[*column] - claim;
        }
    }
}
