//! The `keccak` table's constraints, in the families of [`super`]'s documentation. Each is of
//! degree at most 2, counting a periodic column like a trace column. A constraint's name
//! starts with `keccak: <family>:` so that a test can tell which family caught a trace.

use stark::{ConstraintBuilder, Constraints, Felt, Frame};

use super::Keccak;
use super::columns::*;
use super::trace::factor;

/// `a ^ b` for bits `a`, `b` (degree 2).
fn xor(a: Felt, b: Felt) -> Felt {
    a + b - (a * b).double()
}

impl Constraints for Keccak {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();

        // 1. The state is bits.
        for g in 0..STATE_BITS {
            let s = c[STATE + g];
            b.every_row(format_args!("keccak: state: bit {g} is a bit"), s * (s - one));
        }

        // 2. Theta's parities: sum_y A[x][y][z] = C + 2 twos + 4 fours with three bits, so
        //    C is the sum's parity (the sum is at most 5: no wrap in the field).
        for x in 0..5 {
            for z in 0..LANE_BITS {
                let i = LANE_BITS * x + z;
                let (parity, twos, fours) = (c[PARITY + i], c[TWOS + i], c[FOURS + i]);
                for (name, v) in [("C", parity), ("twos", twos), ("fours", fours)] {
                    b.every_row(
                        format_args!("keccak: parity: {name} {x}.{z} is a bit"),
                        v * (v - one),
                    );
                }
                let sum =
                    (0..5).fold(Felt::zero(), |acc, y| acc + c[STATE + LANE_BITS * lane(x, y) + z]);
                b.every_row(
                    format_args!("keccak: parity: column sum {x}.{z}"),
                    sum - parity - twos.double() - fours.double().double(),
                );
            }
        }

        // 3. Theta's effect D[x][z] = C[x - 1][z] ^ C[x + 1][z - 1].
        for x in 0..5 {
            for z in 0..LANE_BITS {
                let left = c[PARITY + LANE_BITS * ((x + 4) % 5) + z];
                let right = c[PARITY + LANE_BITS * ((x + 1) % 5) + (z + LANE_BITS - 1) % LANE_BITS];
                b.every_row(
                    format_args!("keccak: effect: D {x}.{z}"),
                    c[EFFECT + LANE_BITS * x + z] - xor(left, right),
                );
            }
        }

        // 4. Theta: A'[x][y][z] = A[x][y][z] ^ D[x][z].
        for l in 0..LANES {
            for z in 0..LANE_BITS {
                let g = LANE_BITS * l + z;
                let effect = c[EFFECT + LANE_BITS * (l % 5) + z];
                b.every_row(
                    format_args!("keccak: theta: lane {l} bit {z}"),
                    c[THETA + g] - xor(c[STATE + g], effect),
                );
            }
        }

        // 5. Rho, pi and chi: with B the theta output's bits moved by rho and pi (no columns),
        //    chi ^ B[x][y] = (1 - B[x + 1][y]) B[x + 2][y].
        for l in 0..LANES {
            let (x, y) = (l % 5, l / 5);
            for z in 0..LANE_BITS {
                let b0 = c[chi_input_column(l, z)];
                let b1 = c[chi_input_column(lane((x + 1) % 5, y), z)];
                let b2 = c[chi_input_column(lane((x + 2) % 5, y), z)];
                b.every_row(
                    format_args!("keccak: chi: lane {l} bit {z}"),
                    xor(c[CHI + LANE_BITS * l + z], b0) - (one - b1) * b2,
                );
            }
        }

        // 6. Iota and the link: on rows 0 to 22 the next row's state is the chi output with
        //    the row's round constant in lane 0 (`A' = rc + (1 - 2 rc) chi`, the constant's
        //    bit times LINK a periodic column of its own).
        let link = p[LINK];
        let constant_bits = round_constant_bits();
        for g in 0..STATE_BITS {
            let (next, chi) = (nx[STATE + g], c[CHI + g]);
            let value = match constant_bits.iter().position(|&z| z == g) {
                Some(j) => {
                    let constant = p[LINK_CONSTANT + j];
                    link * next - constant - (link - constant.double()) * chi
                }
                None => link * (next - chi),
            };
            b.transition(format_args!("keccak: link: bit {g}"), value);
        }

        // 7. Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("keccak: address: first is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "keccak: address: steps by 0 or 16 between instances",
            step * (step - Felt::from(CELLS as u64) * p[LAST]),
        );
        b.last_row("keccak: address: last is the segment's last instance", c[ADDRESS] - self.last);

        // 8. Memory: the input cells on row 0, the output cells on row 23.
        let (a, an) = (f.aux_current, f.aux_next);
        for k in 0..INPUT_CELLS {
            b.every_row(
                format_args!("keccak: memory: factor {k}"),
                a[AUX_FACTOR + k] - factor(c, k, p[FIRST], p[READ_OUTPUT], challenges),
            );
        }
        b.first_row("keccak: memory: product starts", a[AUX_PRODUCT] - a[AUX_FACTOR]);
        for k in 1..INPUT_CELLS {
            b.every_row(
                format_args!("keccak: memory: product {k}"),
                a[AUX_PRODUCT + k] - a[AUX_PRODUCT + k - 1] * a[AUX_FACTOR + k],
            );
        }
        b.transition(
            "keccak: memory: product across rows",
            an[AUX_PRODUCT] - a[AUX_PRODUCT + INPUT_CELLS - 1] * an[AUX_FACTOR],
        );
    }
}
