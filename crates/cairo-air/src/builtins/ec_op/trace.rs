//! The `ec_op` main trace: 256 rows per instance (see [`super`] for the columns), instances in
//! address order, padded to a power of two by repeating the last one.

use stark::{Felt, TraceTable};

use super::rows::*;
use super::*;
use crate::builtins::pedersen::canonical_bits;
use crate::builtins::pedersen::points::bit_of_p_minus_one;
use crate::builtins::stark_curve::{Point, chord, double_with, on_curve, tangent_slope};

/// What the table lays out for one instance: the points `P`, `Q` and the scalar's 252 bits
/// (least significant first). Nothing here says the points are on the curve or the bits are
/// `m`'s canonical ones: [`Witness::honest`] reads them from the cells, tests build others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witness {
    /// The instance's base address (`p_x`; the other cells follow).
    pub address: u64,
    pub p: Point,
    pub q: Point,
    pub bits: [bool; N_BITS],
}

impl Witness {
    /// The instance of the input cells `(p_x, p_y, q_x, q_y, m)` at `address`.
    pub fn honest(address: u64, cells: &[Felt; 5]) -> Self {
        let [px, py, qx, qy, m] = *cells;
        Self {
            address,
            p: Point { x: px, y: py },
            q: Point { x: qx, y: qy },
            bits: canonical_bits(&m),
        }
    }

    /// The scalar the bits recompose to, in the field.
    pub fn scalar(&self) -> Felt {
        self.bits.iter().rev().fold(Felt::zero(), |acc, b| acc.double() + flag(*b))
    }
}

/// Why an instance cannot be proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EcOpError {
    #[error("ec_op instance at {address}: P or Q is not a point of the Stark curve")]
    NotOnCurve { address: u64 },
    #[error("ec_op instance at {address} meets the exceptional case of the curve addition")]
    Exceptional { address: u64 },
}

fn flag(b: bool) -> Felt {
    if b { Felt::one() } else { Felt::zero() }
}

/// One instance's 256 rows, column by column, and `R` (the accumulator on its last row).
/// Fails only where a step cannot be computed: an addition of two points with the same
/// abscissa, or a doubling of a point with `y = 0`.
fn instance_rows(witness: &Witness) -> Result<(Vec<Vec<Felt>>, Point), EcOpError> {
    let exceptional = EcOpError::Exceptional { address: witness.address };
    let mut columns = vec![vec![Felt::zero(); ROWS_PER_INSTANCE]; MAIN_WIDTH];
    columns[ADDRESS].fill(Felt::from(witness.address));

    // The scalar: suffixes from the last bit row up, the comparison with p - 1 from the first.
    let mut suffix = Felt::zero();
    for i in (0..N_BITS).rev() {
        suffix = suffix.double() + flag(witness.bits[i]);
        columns[SUFFIX][FIRST_BIT_ROW + i] = suffix;
        columns[BIT][FIRST_BIT_ROW + i] = flag(witness.bits[i]);
    }
    let m = suffix;
    columns[SUFFIX][..FIRST_BIT_ROW].fill(m);
    let mut below = true;
    columns[BELOW][..=FIRST_BIT_ROW].fill(Felt::one());
    for i in 0..N_BITS {
        let (bit, row) = (witness.bits[i], FIRST_BIT_ROW + i);
        columns[BELOW_AND_BIT][row] = flag(below && bit);
        below = match (bit, bit_of_p_minus_one(i)) {
            (false, true) => true,
            (true, false) => false,
            _ => below,
        };
        columns[BELOW][row + 1] = flag(below);
    }

    // The doubling point: P on row 0, Q until the first bit row, then 2^i Q on bit row i; it
    // rests on the last row. The accumulator: P until the first bit row, then P + sum 2^j m_j Q
    // over the bits before the row.
    let periodic = periodic_columns();
    let mut d = witness.p;
    let mut acc = witness.p;
    for row in 0..ROWS_PER_INSTANCE {
        if row == P_Y_ROW {
            d = witness.q;
        }
        columns[DX][row] = d.x;
        columns[DY][row] = d.y;
        columns[DX_SQ][row] = d.x.square();
        columns[X][row] = acc.x;
        columns[Y][row] = acc.y;
        if columns[BIT][row] == Felt::one() {
            let (sum, slope, inverse) = chord(&acc, &d).ok_or(exceptional)?;
            columns[SLOPE][row] = slope;
            columns[X_DIFF_INV][row] = inverse;
            acc = sum;
        }
        if periodic[rows::DOUBLE][row] == Felt::one() {
            let slope = tangent_slope(&d).ok_or(exceptional)?;
            columns[DSLOPE][row] = slope;
            d = double_with(&d, &slope);
        }
    }
    columns[CARRY][..CARRY_SWITCH_ROW].fill(m);
    columns[CARRY][CARRY_SWITCH_ROW..].fill(acc.x);
    Ok((columns, acc))
}

/// `P + m Q` as the table computes it, for an instance whose points are on the curve.
pub fn ec_op(witness: &Witness) -> Result<Point, EcOpError> {
    check_points(witness)?;
    instance_rows(witness).map(|(_, r)| r)
}

/// The points an honest instance may have: on the curve (cairo-vm refuses others too).
fn check_points(witness: &Witness) -> Result<(), EcOpError> {
    if on_curve(&witness.p) && on_curve(&witness.q) {
        Ok(())
    } else {
        Err(EcOpError::NotOnCurve { address: witness.address })
    }
}

/// Stacks instance blocks and their accesses: the seven cells per instance, padding included.
fn stack(blocks: Vec<Vec<Vec<Felt>>>) -> (TraceTable, Vec<(u64, Felt)>) {
    crate::builtins::narrow::stack(blocks, ROWS_PER_INSTANCE, ADDRESS, &cell_rows())
}

/// The honest main trace of `instances` (at least one, in address order) and its memory
/// accesses.
pub fn build_trace(instances: &[Witness]) -> Result<(TraceTable, Vec<(u64, Felt)>), EcOpError> {
    instances.iter().try_for_each(check_points)?;
    layout(instances)
}

/// The main trace of arbitrary witnesses (at least one), valid or not: what a prover could
/// commit to. Fails only where a step cannot even be computed.
pub fn layout(witnesses: &[Witness]) -> Result<(TraceTable, Vec<(u64, Felt)>), EcOpError> {
    let blocks = witnesses
        .iter()
        .map(|w| instance_rows(w).map(|(rows, _)| rows))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(stack(blocks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::stark_curve::generator;
    use crate::public_input::{from_vm_felt, to_vm_felt};
    use starknet_types_core::curve::ProjectivePoint;

    /// `P + m Q` by starknet-types-core's projective arithmetic (what cairo-vm uses).
    fn reference(p: &Point, q: &Point, m: &Felt) -> Point {
        let projective =
            |p: &Point| ProjectivePoint::from_affine(to_vm_felt(&p.x), to_vm_felt(&p.y)).unwrap();
        let r = (projective(p) + &projective(q) * to_vm_felt(m)).to_affine().unwrap();
        Point { x: from_vm_felt(&r.x()), y: from_vm_felt(&r.y()) }
    }

    #[test]
    fn honest_rows_compute_p_plus_m_q() {
        let g = generator();
        let q = double_with(&g, &tangent_slope(&g).unwrap());
        for m in [Felt::zero(), Felt::one(), Felt::from(0xdead_beefu64), -Felt::one(), -q.x] {
            let cells = [g.x, g.y, q.x, q.y, m];
            let w = Witness::honest(40, &cells);
            assert_eq!(w.scalar(), m);
            let r = ec_op(&w).unwrap();
            assert_eq!(r, reference(&g, &q, &m), "m = {m:?}");
            let (rows, _) = instance_rows(&w).unwrap();
            assert_eq!(rows[CARRY][M_ROW], m);
            assert_eq!(rows[CARRY][R_X_ROW], r.x);
            assert_eq!(rows[Y][R_Y_ROW], r.y);
            assert_eq!(rows[BELOW][LAST_ROW], Felt::one(), "canonical bits are below p");
        }
    }

    #[test]
    fn points_off_the_curve_and_exceptional_steps_are_refused() {
        let g = generator();
        let off = Point { x: g.x, y: g.y + Felt::one() };
        let w = Witness::honest(7, &[off.x, off.y, g.x, g.y, Felt::one()]);
        assert_eq!(ec_op(&w), Err(EcOpError::NotOnCurve { address: 7 }));
        // P = Q and m = 1: the first addition doubles, which the chord cannot.
        let w = Witness::honest(7, &[g.x, g.y, g.x, g.y, Felt::one()]);
        assert_eq!(ec_op(&w), Err(EcOpError::Exceptional { address: 7 }));
    }
}
