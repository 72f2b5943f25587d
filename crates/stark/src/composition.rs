//! The composition polynomial `H = sum_k alpha^k C_k / Z_k`, evaluated the same way by the
//! prover (on a coset) and the verifier (at the out-of-domain point).

use crate::air::{ClaimedComponent, ConstraintKind, Frame};
use crate::domain::Domain;
use crate::field::Felt;
use crate::periodic;
use crate::protocol::OodValues;

/// Inverses of the four zerofiers at one point.
#[derive(Clone, Debug)]
pub struct ZerofierInverses {
    pub every_row: Felt,
    pub transition: Felt,
    pub first_row: Felt,
    pub last_row: Felt,
}

impl ZerofierInverses {
    /// At a point `x` outside the trace domain; `None` if `x` is in it.
    pub fn at(x: &Felt, trace_length: usize, last_row_point: &Felt) -> Option<Self> {
        let vanishing = x.pow(trace_length as u64) - Felt::one();
        let every_row = vanishing.inv().ok()?;
        let first_row = (x - Felt::one()).inv().ok()?;
        let last_row = (x - last_row_point).inv().ok()?;
        let transition = (x - last_row_point) * every_row;
        Some(Self { every_row, transition, first_row, last_row })
    }

    fn for_kind(&self, kind: ConstraintKind) -> &Felt {
        match kind {
            ConstraintKind::EveryRow => &self.every_row,
            ConstraintKind::Transition => &self.transition,
            ConstraintKind::FirstRow => &self.first_row,
            ConstraintKind::LastRow => &self.last_row,
        }
    }
}

/// Combines constraint values into the composition value at one point. Constraints are
/// grouped by kind first so each zerofier inverse is multiplied once.
pub fn combine(
    kinds: &[ConstraintKind],
    values: &[Felt],
    alpha_powers: &[Felt],
    zerofiers: &ZerofierInverses,
) -> Felt {
    let mut sums = [Felt::zero(), Felt::zero(), Felt::zero(), Felt::zero()];
    for ((kind, value), alpha) in kinds.iter().zip(values).zip(alpha_powers) {
        let slot = *kind as usize;
        sums[slot] += value * alpha;
    }
    let order = [
        ConstraintKind::EveryRow,
        ConstraintKind::Transition,
        ConstraintKind::FirstRow,
        ConstraintKind::LastRow,
    ];
    order
        .iter()
        .fold(Felt::zero(), |acc, kind| acc + sums[*kind as usize] * zerofiers.for_kind(*kind))
}

/// The composition value a component's constraints give at the out-of-domain point `z`
/// from its out-of-domain row values; `None` if `z` is in the trace domain. The verifier's
/// check, also run by debug provers.
pub fn ood_composition(
    claimed: &ClaimedComponent<'_>,
    domain: &Domain,
    z: &Felt,
    ood: &OodValues<'_>,
    challenges: &[Felt],
    claims: &[Felt],
    alpha_powers: &[Felt],
) -> Option<Felt> {
    let kinds = claimed.kinds();
    let mut values = vec![Felt::zero(); kinds.len()];
    let periodic =
        periodic::values_at(claimed.component.periodic_columns(), domain.trace_length(), z);
    let frame = Frame {
        main_current: ood.main_current,
        main_next: ood.main_next,
        aux_current: ood.aux_current,
        aux_next: ood.aux_next,
        periodic: &periodic,
    };
    claimed.evaluate(&frame, challenges, claims, &mut values);
    let zerofiers = ZerofierInverses::at(z, domain.trace_length(), &domain.last_row_point())?;
    Some(combine(kinds, &values, alpha_powers, &zerofiers))
}
