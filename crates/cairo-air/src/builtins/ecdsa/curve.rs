//! The Stark curve `y^2 = x^3 + x + beta` as the `ecdsa` table needs it: the generator, the
//! coefficient `beta`, affine chord and tangent steps, and the periodic row selectors of an
//! instance's 1024 rows.

use std::sync::OnceLock;

use stark::Felt;

pub use crate::builtins::pedersen::points::{Point, shift_point};

/// `beta`, the constant coefficient of the Stark curve.
pub fn beta() -> Felt {
    Felt::from_hex_unchecked("06f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89")
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
    (x.square() * x + x + beta()).sqrt().map(|(y, _)| y)
}

pub fn on_curve(p: &Point) -> bool {
    p.y.square() == p.x.square() * p.x + p.x + beta()
}

/// Bits of a scalar the table decomposes: `z`, `r` and `w` are below `2^251`.
pub const N_BITS: usize = 251;
/// Rows per phase: the bit rows `0..251`, then five rows where the accumulator rests.
pub const ROWS_PER_PHASE: usize = 256;
/// Rows per instance: phases `z G`, `r Q`, `w B` and one idle phase (a power of two).
pub const ROWS_PER_INSTANCE: usize = 4 * ROWS_PER_PHASE;
/// Instance rows of note.
pub const KEY_ROW: usize = ROWS_PER_PHASE;
pub const SUBTRACT_ROW: usize = 2 * ROWS_PER_PHASE - 1;
pub const W_ROW: usize = 2 * ROWS_PER_PHASE;
pub const LAST_ROW: usize = ROWS_PER_INSTANCE - 1;

/// Indices of the periodic columns (period [`ROWS_PER_INSTANCE`]).
/// 1 on an instance's first row: `D = G`, the accumulator is `S`, the message cell is read.
pub const FIRST: usize = 0;
/// 1 on phase `r Q`'s first row: the pubkey cell is `dx`, the suffix is `r`.
pub const KEY: usize = 1;
/// 1 on that phase's last row: the next `D` is the accumulator minus `S`.
pub const SUBTRACT: usize = 2;
/// 1 on phase `w B`'s first row: the accumulator restarts at `S`, the suffix is `w`.
pub const W_FIRST: usize = 3;
/// 1 on an instance's last row: the final check; the next row is another instance.
pub const LAST: usize = 4;
/// 1 on the rows whose next row holds `2 D` (all but the phase ends 255, 511 and 1023).
pub const DOUBLE: usize = 5;
/// 1 on bit rows `0..251` of the three scalar phases.
pub const BIT_ROW: usize = 6;
/// 1 on row 251 of the three scalar phases (the suffix is 0 there).
pub const END: usize = 7;
pub const N_PERIODIC: usize = 8;

/// The periodic columns, one period of [`ROWS_PER_INSTANCE`] rows each.
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let mut columns = vec![Vec::new(); N_PERIODIC];
        for row in 0..ROWS_PER_INSTANCE {
            let (phase, i) = (row / ROWS_PER_PHASE, row % ROWS_PER_PHASE);
            let scalar_phase = phase < 3;
            columns[FIRST].push(flag(row == 0));
            columns[KEY].push(flag(row == KEY_ROW));
            columns[SUBTRACT].push(flag(row == SUBTRACT_ROW));
            columns[W_FIRST].push(flag(row == W_ROW));
            columns[LAST].push(flag(row == LAST_ROW));
            columns[DOUBLE].push(flag(!matches!(row, 255 | SUBTRACT_ROW | LAST_ROW)));
            columns[BIT_ROW].push(flag(scalar_phase && i < N_BITS));
            columns[END].push(flag(scalar_phase && i == N_BITS));
        }
        columns
    })
}

/// The chord sum of two points of distinct abscissas, `None` when they are equal (the case
/// the table refuses).
pub fn add(p: &Point, q: &Point) -> Option<Point> {
    let slope = (p.y - q.y) * (p.x - q.x).inv().ok()?;
    let x = slope.square() - p.x - q.x;
    Some(Point { x, y: slope * (p.x - x) - p.y })
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
    fn selectors_partition_as_documented() {
        let p = periodic_columns();
        let count = |c: usize| p[c].iter().filter(|v| **v == Felt::one()).count();
        assert_eq!(count(BIT_ROW), 3 * N_BITS);
        assert_eq!(count(END), 3);
        assert_eq!(count(DOUBLE), ROWS_PER_INSTANCE - 3);
        assert!([FIRST, KEY, SUBTRACT, W_FIRST, LAST].iter().all(|c| count(*c) == 1));
    }
}
