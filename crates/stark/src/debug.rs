//! The debug checker: evaluates every constraint on every row of a trace and reports the first
//! failure. Used by tests and, in debug builds, by the prover before it commits to anything.

use crate::air::{Air, ConstraintKind, Frame};
use crate::field::Felt;
use crate::trace::TraceTable;

/// The first constraint that does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("constraint {constraint} ({name}) fails at row {row}")]
pub struct ConstraintViolation {
    pub constraint: usize,
    pub name: String,
    pub row: usize,
}

pub fn validate_trace<A: Air + ?Sized>(
    air: &A,
    main: &TraceTable,
    aux: &TraceTable,
    challenges: &[Felt],
) -> Result<(), ConstraintViolation> {
    let n = main.length();
    let kinds = air.constraint_kinds();
    let mut out = vec![Felt::zero(); kinds.len()];
    let (mut mc, mut mn, mut ac, mut an) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in 0..n {
        main.read_row(row, &mut mc);
        main.read_row((row + 1) % n, &mut mn);
        aux.read_row(row, &mut ac);
        aux.read_row((row + 1) % n, &mut an);
        let frame = Frame { main_current: &mc, main_next: &mn, aux_current: &ac, aux_next: &an };
        air.evaluate(&frame, challenges, &mut out);
        for (k, (kind, value)) in kinds.iter().zip(out.iter()).enumerate() {
            let applies = match kind {
                ConstraintKind::EveryRow => true,
                ConstraintKind::Transition => row + 1 < n,
                ConstraintKind::FirstRow => row == 0,
                ConstraintKind::LastRow => row + 1 == n,
            };
            if applies && *value != Felt::zero() {
                return Err(ConstraintViolation {
                    constraint: k,
                    name: air.constraint_name(k),
                    row,
                });
            }
        }
    }
    Ok(())
}
