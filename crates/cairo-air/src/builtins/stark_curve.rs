//! The Stark curve `y^2 = x^3 + x + beta` in affine coordinates, as the curve tables (`ecdsa`,
//! `ec_op`) lay it out: the coefficient `beta`, the generator, and the chord and tangent steps
//! together with the witnesses (slopes, inverses) their constraints check.

use stark::Felt;

pub use crate::builtins::pedersen::points::{Point, shift_point};

/// `beta`, the constant coefficient of the Stark curve.
pub fn beta() -> Felt {
    static BETA: std::sync::OnceLock<Felt> = std::sync::OnceLock::new();
    *BETA.get_or_init(|| {
        Felt::from_hex_unchecked("06f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89")
    })
}

/// The generator `G` of the Stark curve's group of prime order.
pub fn generator() -> Point {
    Point {
        x: Felt::from_hex_unchecked(
            "01ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca",
        ),
        y: Felt::from_hex_unchecked(
            "005668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f",
        ),
    }
}

/// `y` with `(x, y)` on the curve (one of the two roots), if `x` is a point's abscissa.
pub fn lift_x(x: &Felt) -> Option<Felt> {
    stark::sqrt(&(x.square() * x + x + beta()))
}

pub fn on_curve(p: &Point) -> bool {
    p.y.square() == p.x.square() * p.x + p.x + beta()
}

/// `-p`.
pub fn neg(p: &Point) -> Point {
    Point { x: p.x, y: -p.y }
}

/// `2 p`'s tangent slope `(3 x^2 + 1) / 2 y`, `None` for `y = 0` (no curve point has it: the
/// group order is prime, so there is no point of order 2).
pub fn tangent_slope(p: &Point) -> Option<Felt> {
    Some((Felt::from(3u64) * p.x.square() + Felt::one()) * p.y.double().inv().ok()?)
}

/// `2 p` from its tangent slope.
pub fn double_with(p: &Point, slope: &Felt) -> Point {
    let x = slope.square() - p.x.double();
    Point { x, y: slope * (p.x - x) - p.y }
}

/// `p + q` by the chord through them, with the slope and `1 / (p.x - q.x)`; `None` when the
/// abscissas agree (the exceptional case the curve tables refuse).
pub fn chord(p: &Point, q: &Point) -> Option<(Point, Felt, Felt)> {
    let inverse = (p.x - q.x).inv().ok()?;
    let slope = (p.y - q.y) * inverse;
    let x = slope.square() - p.x - q.x;
    Some((Point { x, y: slope * (p.x - x) - p.y }, slope, inverse))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_on_the_curve() {
        assert!(on_curve(&generator()));
        assert!(on_curve(&shift_point()));
        let y = lift_x(&generator().x).unwrap();
        assert!(y == generator().y || y == -generator().y);
    }

    #[test]
    fn chord_and_tangent_agree_with_the_group_law() {
        // (G + 2G) + G = 2G + 2G: both sides by chords and tangents.
        let g = generator();
        let two = double_with(&g, &tangent_slope(&g).unwrap());
        let (three, _, _) = chord(&g, &two).unwrap();
        let (four, _, _) = chord(&three, &g).unwrap();
        assert_eq!(four, double_with(&two, &tangent_slope(&two).unwrap()));
        assert!(on_curve(&three) && on_curve(&four));
        assert!(chord(&g, &g).is_none() && chord(&g, &neg(&g)).is_none());
    }
}
