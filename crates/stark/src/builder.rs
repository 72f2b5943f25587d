//! Constraints written once, against a builder, and named where they are written (as
//! Plonky3's `AirBuilder` and stwo's `EvalAtRow` do).
//!
//! A table implements [`Constraints::eval`]: given a [`Frame`] and the challenges, it hands
//! each constraint to a [`ConstraintBuilder`] with its kind, its name and its value. The same
//! code then serves everyone who needs the constraints:
//!
//! * the prover's composition and the verifier's out-of-domain check call
//!   [`crate::Component::evaluate`], which [`write_constraints`] implements by writing each
//!   value in order (the name is never formatted);
//! * [`ConstraintList`] finds the kinds (once, for [`crate::Component::constraint_kinds`]) and,
//!   for the debug checker, the name of the constraint at an index.
//!
//! So a constraint's kind, name and value cannot drift apart: there is one place that says
//! all three.
//!
//! ```
//! use stark::{ConstraintBuilder, Constraints, ConstraintList, Felt, Frame};
//!
//! /// `a' = b`, `b' = a + b`, first row `a = 1`.
//! struct Fibonacci;
//!
//! impl Constraints for Fibonacci {
//!     fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, _: &[Felt], builder: &mut B) {
//!         let (a, b) = (f.main_current[0], f.main_current[1]);
//!         builder.transition("a steps to b", f.main_next[0] - b);
//!         builder.transition("b steps to a + b", f.main_next[1] - (a + b));
//!         builder.first_row("a starts at 1", a - Felt::one());
//!     }
//! }
//!
//! let list = ConstraintList::new(&Fibonacci, 2, 0, 0, 0);
//! assert_eq!(list.kinds().len(), 3);
//! assert_eq!(list.name(&Fibonacci, 2), "a starts at 1");
//! ```

use std::fmt;
use std::sync::OnceLock;

use crate::air::{ConstraintKind, Frame};
use crate::field::Felt;

/// Receives a table's constraints, in the order they are written.
pub trait ConstraintBuilder {
    /// A constraint: `value` must be zero on the rows `kind` selects. `name` is formatted only
    /// when someone asks for it (the debug checker reporting a violation), so
    /// `format_args!("bit {i}")` costs nothing on the prover's path.
    fn assert_zero(&mut self, kind: ConstraintKind, name: impl fmt::Display, value: Felt);

    /// A constraint on every row (see [`ConstraintKind::EveryRow`]).
    #[inline]
    fn every_row(&mut self, name: impl fmt::Display, value: Felt) {
        self.assert_zero(ConstraintKind::EveryRow, name, value);
    }

    /// A constraint on every row but the last (see [`ConstraintKind::Transition`]).
    #[inline]
    fn transition(&mut self, name: impl fmt::Display, value: Felt) {
        self.assert_zero(ConstraintKind::Transition, name, value);
    }

    /// A constraint on the first row (see [`ConstraintKind::FirstRow`]).
    #[inline]
    fn first_row(&mut self, name: impl fmt::Display, value: Felt) {
        self.assert_zero(ConstraintKind::FirstRow, name, value);
    }

    /// A constraint on the last row (see [`ConstraintKind::LastRow`]).
    #[inline]
    fn last_row(&mut self, name: impl fmt::Display, value: Felt) {
        self.assert_zero(ConstraintKind::LastRow, name, value);
    }
}

/// A table's constraints, written once against a builder. The kinds and the number of
/// constraints must not depend on the frame's values (they are found on a frame of zeros).
pub trait Constraints {
    fn eval<B: ConstraintBuilder>(&self, frame: &Frame<'_>, challenges: &[Felt], builder: &mut B);
}

/// Writes the constraints' values into `out`, in order: what
/// [`crate::Component::evaluate`] does for a table written against the builder.
#[inline]
pub fn write_constraints<C: Constraints + ?Sized>(
    constraints: &C,
    frame: &Frame<'_>,
    challenges: &[Felt],
    out: &mut [Felt],
) {
    let mut writer = ValueWriter { out, next: 0 };
    constraints.eval(frame, challenges, &mut writer);
    debug_assert_eq!(writer.next, writer.out.len(), "constraint count and evaluation disagree");
}

struct ValueWriter<'a> {
    out: &'a mut [Felt],
    next: usize,
}

impl ConstraintBuilder for ValueWriter<'_> {
    #[inline(always)]
    fn assert_zero(&mut self, _: ConstraintKind, _: impl fmt::Display, value: Felt) {
        self.out[self.next] = value;
        self.next += 1;
    }
}

/// Records the kinds.
struct Lister {
    kinds: Vec<ConstraintKind>,
}

impl ConstraintBuilder for Lister {
    fn assert_zero(&mut self, kind: ConstraintKind, _: impl fmt::Display, _: Felt) {
        self.kinds.push(kind);
    }
}

/// The kinds of a table's constraints, in order, found by evaluating them once on a frame of
/// zeros of the table's shape; and their names on demand.
#[derive(Clone, Debug)]
pub struct ConstraintList {
    kinds: Vec<ConstraintKind>,
    /// main, aux and periodic widths and the number of challenges: the zero frame's shape.
    shape: [usize; 4],
    /// Every constraint's name, listed once when one is first asked for (a name costs an
    /// evaluation of all the constraints, and wide tables have thousands).
    names: OnceLock<Vec<String>>,
}

impl ConstraintList {
    pub fn new<C: Constraints + ?Sized>(
        constraints: &C,
        main_width: usize,
        aux_width: usize,
        periodic_columns: usize,
        challenges: usize,
    ) -> Self {
        let shape = [main_width, aux_width, periodic_columns, challenges];
        let mut lister = Lister { kinds: Vec::new() };
        eval_on_zeros(constraints, shape, &mut lister);
        Self { kinds: lister.kinds, shape, names: OnceLock::new() }
    }

    /// A list of no constraints, for a table to hold while it is built (the list is made
    /// from the finished table: `ConstraintList::new(&table, ...)`).
    pub fn empty() -> Self {
        Self { kinds: Vec::new(), shape: [0; 4], names: OnceLock::new() }
    }

    pub fn kinds(&self) -> &[ConstraintKind] {
        &self.kinds
    }

    /// The name of constraint `index` of `constraints` (the table this list was made for).
    /// The first call lists every name; later calls read that list.
    pub fn name<C: Constraints + ?Sized>(&self, constraints: &C, index: usize) -> String {
        let names = self.names.get_or_init(|| self.names(constraints));
        names.get(index).cloned().unwrap_or_else(|| format!("constraint {index}"))
    }

    /// Every constraint's name, in order (for tests and documentation).
    pub fn names<C: Constraints + ?Sized>(&self, constraints: &C) -> Vec<String> {
        struct All(Vec<String>);
        impl ConstraintBuilder for All {
            fn assert_zero(&mut self, _: ConstraintKind, name: impl fmt::Display, _: Felt) {
                self.0.push(name.to_string());
            }
        }
        let mut all = All(Vec::new());
        eval_on_zeros(constraints, self.shape, &mut all);
        all.0
    }
}

/// Evaluates `constraints` on a frame of zeros of `shape` (main, aux, periodic widths and the
/// number of challenges): the kinds and names do not depend on the values.
fn eval_on_zeros<C: Constraints + ?Sized, B: ConstraintBuilder>(
    constraints: &C,
    [main, aux, periodic, challenges]: [usize; 4],
    builder: &mut B,
) {
    let zeros = |n: usize| vec![Felt::zero(); n];
    let (main, aux, periodic) = (zeros(main), zeros(aux), zeros(periodic));
    let frame = Frame {
        main_current: &main,
        main_next: &main,
        aux_current: &aux,
        aux_next: &aux,
        periodic: &periodic,
    };
    constraints.eval(&frame, &zeros(challenges), builder);
}
