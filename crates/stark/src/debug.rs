//! The debug checker: evaluates every constraint on every row of every table and reports the
//! first failure. Used by tests and, in debug builds, by the prover before it commits to
//! anything.

use crate::air::{Air, ClaimedComponent, ConstraintKind, Frame};
use crate::field::Felt;
use crate::trace::TraceTable;

/// The first constraint that does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{component}: constraint {constraint} ({name}) fails at row {row}")]
pub struct ConstraintViolation {
    pub component: String,
    pub constraint: usize,
    pub name: String,
    pub row: usize,
}

/// Checks main traces (one per component) against `air` with the given challenges: builds
/// each auxiliary trace, checks every constraint of every component, then the statement's
/// check of the claims (reported as row 0 of a pseudo component named "claims").
pub fn validate_traces<A: Air + ?Sized>(
    air: &A,
    mains: &[TraceTable],
    challenges: &[Felt],
) -> Result<(), ConstraintViolation> {
    let mut claims = Vec::new();
    for (component, main) in air.components().into_iter().zip(mains) {
        let aux = component.build_aux_trace(main, challenges);
        let last = main.length() - 1;
        let own: Vec<Felt> = component.claim_columns().iter().map(|c| *aux.get(last, *c)).collect();
        validate_component(&ClaimedComponent::new(component), main, &aux, challenges, &own)?;
        claims.push(own);
    }
    if !air.check_claims(challenges, &claims) {
        return Err(ConstraintViolation {
            component: "claims".into(),
            constraint: 0,
            name: "the components' claims do not fit together".into(),
            row: 0,
        });
    }
    Ok(())
}

pub(crate) fn validate_component(
    claimed: &ClaimedComponent<'_>,
    main: &TraceTable,
    aux: &TraceTable,
    challenges: &[Felt],
    claims: &[Felt],
) -> Result<(), ConstraintViolation> {
    let n = main.length();
    let kinds = claimed.kinds();
    let periodic = claimed.component.periodic_columns();
    if !crate::periodic::shapes_ok(periodic, n) {
        return Err(ConstraintViolation {
            component: claimed.component.component_name().to_string(),
            constraint: 0,
            name: "a periodic column's period is not a power of two dividing the length".into(),
            row: 0,
        });
    }
    let mut out = vec![Felt::zero(); kinds.len()];
    let (mut mc, mut mn, mut ac, mut an) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut pc = Vec::new();
    for row in 0..n {
        main.read_row(row, &mut mc);
        main.read_row((row + 1) % n, &mut mn);
        aux.read_row(row, &mut ac);
        aux.read_row((row + 1) % n, &mut an);
        crate::periodic::values_at_row(periodic, row, &mut pc);
        let frame = Frame {
            main_current: &mc,
            main_next: &mn,
            aux_current: &ac,
            aux_next: &an,
            periodic: &pc,
        };
        claimed.evaluate(&frame, challenges, claims, &mut out);
        for (k, (kind, value)) in kinds.iter().zip(out.iter()).enumerate() {
            let applies = match kind {
                ConstraintKind::EveryRow => true,
                ConstraintKind::Transition => row + 1 < n,
                ConstraintKind::FirstRow => row == 0,
                ConstraintKind::LastRow => row + 1 == n,
            };
            if applies && *value != Felt::zero() {
                return Err(ConstraintViolation {
                    component: claimed.component.component_name().to_string(),
                    constraint: k,
                    name: claimed.constraint_name(k),
                    row,
                });
            }
        }
    }
    Ok(())
}
