//! Square roots in the Stark252 field by table lookups.
//!
//! `p - 1 = 2^192 q` with `q = 2^59 + 17` odd, so Tonelli–Shanks (lambdaworks' `sqrt`) walks a
//! 2-Sylow subgroup of order `2^192`: about 20,000 field products a root, plus two Legendre
//! symbols. Here the discrete logarithm in that subgroup is read off eight bits at a time
//! (Pohlig–Hellman with precomputed tables, Bernstein's and Sarkar's idea):
//!
//! * `u = x^((q - 1) / 2)`, `r = x u = x^((q + 1) / 2)` and `t = r u = x^q`, which lies in the
//!   subgroup: `t = g^e` for the generator `g` and some `e < 2^192` with base-256 digits
//!   `e_0 .. e_23`;
//! * `t^(2^(184 - 8i))` times `g^(-e_k 2^(184 - 8i + 8k))` for the digits `k < i` already
//!   found is `h^(e_i)` with `h = g^(2^184)` of order 256: a lookup in a table of 256 entries
//!   gives `e_i`;
//! * `x` is a square exactly when `e` is even, and then `(r g^(-e/2))^2 = x^(q + 1) t^(-1) = x`.
//!
//! About 600 products a root: 60 squarings for `u`, 184 for the powers `t^(2^(8i))`, 276
//! products for the corrections and 24 for `g^(-e/2)`. The tables hold `g^(-j 2^(8m))` for
//! every digit `j` and position `m` (6,144 elements, built once).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::field::{Felt, root_of_unity};

/// log2 of the 2-Sylow subgroup's order.
const TWO_ADICITY: usize = 192;
/// Bits of the discrete logarithm read per lookup.
const WINDOW: usize = 8;
/// Digits of a logarithm.
const DIGITS: usize = TWO_ADICITY / WINDOW;
/// `(q - 1) / 2` with `q = (p - 1) / 2^192 = 2^59 + 17`.
const HALF_Q_MINUS_ONE: u64 = ((1u64 << 59) + 17 - 1) / 2;

struct Tables {
    /// `minus[m][j] = g^(-j 2^(8m))`.
    minus: Vec<[Felt; 1 << WINDOW]>,
    /// `h^j -> j` for `h = g^(2^184)`, keyed by the element's internal limbs.
    digit: HashMap<[u64; 4], u8>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let g = root_of_unity(TWO_ADICITY as u32);
        let mut base = g.inv().expect("a root of unity is not zero");
        let mut minus = Vec::with_capacity(DIGITS);
        for _ in 0..DIGITS {
            let mut row = [Felt::one(); 1 << WINDOW];
            for j in 1..row.len() {
                row[j] = row[j - 1] * base;
            }
            minus.push(row);
            for _ in 0..WINDOW {
                base = base.square();
            }
        }
        let h = root_of_unity(WINDOW as u32);
        let mut digit = HashMap::with_capacity(1 << WINDOW);
        let mut power = Felt::one();
        for j in 0..1u16 << WINDOW {
            digit.insert(power.value().limbs, j as u8);
            power *= h;
        }
        Tables { minus, digit }
    })
}

/// A square root of `x`, or `None` if `x` is not a square: the one lambdaworks'
/// Tonelli–Shanks gives first (`Felt::sqrt`), so callers that pick a root get the same one
/// either way. (Both compute `r g^(-f)` with `g^(2f) = t`; Tonelli–Shanks's exponent is
/// `2^191 - e/2` where ours is `e/2`, and `g^(2^191) = -1`.)
pub fn sqrt(x: &Felt) -> Option<Felt> {
    if *x == Felt::zero() {
        return Some(Felt::zero());
    }
    let tables = tables();
    let u = x.pow(HALF_Q_MINUS_ONE);
    let r = x * u;
    // t^(2^(8i)) for i < DIGITS.
    let mut powers = [Felt::one(); DIGITS];
    powers[0] = r * u;
    for i in 1..DIGITS {
        let mut p = powers[i - 1];
        for _ in 0..WINDOW {
            p = p.square();
        }
        powers[i] = p;
    }
    let mut digits = [0u8; DIGITS];
    for i in 0..DIGITS {
        let mut s = powers[DIGITS - 1 - i];
        for (k, d) in digits[..i].iter().enumerate() {
            s *= tables.minus[k + DIGITS - 1 - i][*d as usize];
        }
        // `s` is a 256th root of unity whenever `t` is in the subgroup, which it always is.
        digits[i] = *tables.digit.get(&s.value().limbs).expect("a 256th root of unity");
    }
    if digits[0] & 1 == 1 {
        return None;
    }
    // g^(-e/2) from the digits of e >> 1, negated (see above).
    let mut root = -r;
    for k in 0..DIGITS {
        let high = digits.get(k + 1).map_or(0, |d| d & 1);
        let half = (digits[k] >> 1) | (high << (WINDOW - 1));
        root *= tables.minus[k][half as usize];
    }
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_squares_and_non_squares() {
        for (x, square) in [(0u64, true), (1, true), (4, true), (25, true), (3, false)] {
            let x = Felt::from(x);
            let root = sqrt(&x);
            assert_eq!(root.is_some(), square, "{x:?}");
            if let Some(y) = root {
                assert_eq!(y.square(), x);
            }
        }
        let minus_one = -Felt::one();
        assert_eq!(sqrt(&minus_one).unwrap().square(), minus_one);
        // A primitive 2^192-th root of unity is not a square; its square is.
        let g = root_of_unity(192);
        assert!(sqrt(&g).is_none());
        assert_eq!(sqrt(&g.square()).unwrap().square(), g.square());
    }

    proptest! {
        #[test]
        fn agrees_with_tonelli_shanks(limbs in any::<[u64; 4]>()) {
            let x = Felt::from(limbs[0]) * Felt::from(limbs[1]) + Felt::from(limbs[2]).pow(5u64)
                + Felt::from(limbs[3]);
            // The same root as lambdaworks' first, or none for both.
            prop_assert_eq!(sqrt(&x), x.sqrt().map(|(a, _)| a));
            // Every square has a root.
            let y = sqrt(&x.square()).expect("a square");
            prop_assert_eq!(y.square(), x.square());
        }
    }
}
