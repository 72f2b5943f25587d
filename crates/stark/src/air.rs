//! The `Air` trait: what a computation must say about its trace for the engine to prove it.
//!
//! To implement an AIR:
//! 1. Fix the trace shape: `log_trace_length`, `main_width`, and, if the AIR needs verifier
//!    randomness (permutation arguments), `num_aux_challenges` and `aux_width`.
//! 2. List the constraints with `constraint_kinds`, one [`ConstraintKind`] per constraint, in
//!    the order `evaluate` writes them.
//! 3. Write `evaluate`: given a [`Frame`] (two consecutive rows), write each constraint's value
//!    into `out`; zero means satisfied. Every constraint must be a polynomial of degree at most
//!    [`MAX_CONSTRAINT_DEGREE`] in the frame's cells, and first/last-row constraints must be
//!    linear: then every quotient `C / Z` has degree below the trace length, which is the
//!    bound the composition polynomial is built for. (A quadratic first-row constraint would
//!    give a quotient of degree `2n - 3`.) Debug builds of the prover report a violation.
//! 4. Bind the statement: `public_input_bytes` returns every public value the constraints
//!    depend on; it seeds the transcript.
//! 5. If there are auxiliary columns, `build_aux_trace` computes them from the main trace and
//!    the challenges (prover only).

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

/// Two consecutive rows of the trace (or their out-of-domain values).
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    pub main_current: &'a [Felt],
    pub main_next: &'a [Felt],
    pub aux_current: &'a [Felt],
    pub aux_next: &'a [Felt],
}

/// An algebraic intermediate representation. See the module docs for the recipe.
pub trait Air: Sync {
    /// Identifies the AIR and its version; bound into the transcript.
    fn name(&self) -> &str;

    /// log2 of the number of rows.
    fn log_trace_length(&self) -> u32;

    fn main_width(&self) -> usize;

    fn aux_width(&self) -> usize {
        0
    }

    /// Challenges drawn after the main trace is committed, passed to `build_aux_trace` and
    /// `evaluate`.
    fn num_aux_challenges(&self) -> usize {
        0
    }

    /// One entry per constraint, in the order `evaluate` writes them.
    fn constraint_kinds(&self) -> &[ConstraintKind];

    /// Human-readable name of constraint `index`, for the debug checker.
    fn constraint_name(&self, index: usize) -> String {
        format!("constraint {index}")
    }

    /// Values the constraints need that depend only on the challenges and the public input
    /// (a public-memory product, say). Computed once per proof and appended to the challenges
    /// that `evaluate` and `build_aux_trace` receive.
    fn challenge_terms(&self, challenges: &[Felt]) -> Vec<Felt> {
        let _ = challenges;
        Vec::new()
    }

    /// Writes the value of every constraint at `frame` into `out` (len = constraint count).
    /// `challenges` holds the drawn challenges followed by the `challenge_terms`.
    fn evaluate(&self, frame: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]);

    /// Canonical bytes of the public input.
    fn public_input_bytes(&self) -> Vec<u8>;

    /// Builds the auxiliary columns (prover only).
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let _ = challenges;
        TraceTable::new(Vec::new(), main.length())
    }
}
