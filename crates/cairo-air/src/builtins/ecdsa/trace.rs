//! The `ecdsa` main trace: 512 rows per instance (see [`super`] for the columns), instances in
//! address order, padded to a power of two by repeating the last one.

use stark::{Felt, TraceTable};

use super::curve::*;
use super::*;
use crate::builtins::pedersen::canonical_bits;

/// One signature check as the run gives it: the instance's cells and the prover's `(r, w)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The instance's base address (the pubkey cell; the message is at `address + 1`).
    pub address: u64,
    pub pubkey: Felt,
    pub message: Felt,
    pub r: Felt,
    /// `s^-1 mod n`.
    pub w: Felt,
}

/// What the table lays out for one instance: the key as a point (the prover picks `y_Q`) and
/// the three scalars, whose integers must be below `2^251`. Nothing here says the signature is
/// valid: [`witness`] finds the honest one, tests build others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witness {
    pub address: u64,
    pub key: Point,
    pub message: Felt,
    pub r: Felt,
    pub w: Felt,
}

/// Why an instance cannot be proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EcdsaError {
    #[error("ecdsa instance at {address} has no signature")]
    MissingSignature { address: u64 },
    #[error("ecdsa instance at {address}: the public key is not the x of a curve point")]
    KeyNotOnCurve { address: u64 },
    #[error("ecdsa instance at {address}: the message, r or w is not below 2^251")]
    ScalarTooLarge { address: u64 },
    #[error("ecdsa instance at {address} meets the exceptional case of the curve addition")]
    Exceptional { address: u64 },
    #[error("ecdsa instance at {address}: the signature does not verify")]
    InvalidSignature { address: u64 },
}

fn flag(b: bool) -> Felt {
    if b { Felt::one() } else { Felt::zero() }
}

/// The 251 bits of a scalar below `2^251`, least significant first.
fn scalar_bits(x: &Felt, address: u64) -> Result<[bool; N_BITS], EcdsaError> {
    let bits = canonical_bits(x);
    if bits[N_BITS..].iter().any(|b| *b) {
        return Err(EcdsaError::ScalarTooLarge { address });
    }
    Ok(std::array::from_fn(|i| bits[i]))
}

/// One instance's 512 rows, column by column, and `x(acc - S)` on its last row (the value
/// the final check compares with `r`).
fn instance_rows(witness: &Witness) -> Result<(Vec<Vec<Felt>>, Felt), EcdsaError> {
    let address = witness.address;
    let exceptional = EcdsaError::Exceptional { address };
    let mut columns = vec![vec![Felt::zero(); ROWS_PER_INSTANCE]; MAIN_WIDTH];
    columns[ADDRESS].fill(Felt::from(address));
    columns[R].fill(witness.r);

    // Scalars: z in the z lane from row 1, r and w in the main lane from rows 0 and 256. The z
    // lane's row 0 holds z too (unconstrained).
    // Which rows add a point, in the z lane (0) and the main lane (1).
    let mut adds = [vec![false; ROWS_PER_INSTANCE], vec![false; ROWS_PER_INSTANCE]];
    let lanes = [
        (witness.message, MESSAGE_ROW, SUFFIX_Z, BIT_Z, 0),
        (witness.r, KEY_ROW, SUFFIX, BIT, 1),
        (witness.w, W_ROW, SUFFIX, BIT, 1),
    ];
    for (scalar, first, suffix_column, bit_column, lane) in lanes {
        let bits = scalar_bits(&scalar, address)?;
        let mut suffix = Felt::zero();
        for i in (0..N_BITS).rev() {
            suffix = suffix.double() + flag(bits[i]);
            columns[suffix_column][first + i] = suffix;
            columns[bit_column][first + i] = flag(bits[i]);
            adds[lane][first + i] = bits[i];
        }
    }
    columns[SUFFIX_Z][0] = witness.message;
    for row in [KEY_ROW, W_ROW] {
        columns[NONZERO_INV][row] = columns[SUFFIX][row].inv().unwrap_or(Felt::zero());
    }

    let (shift, periodic) = (shift_point(), periodic_columns());
    let mut d = witness.key;
    let mut acc_z = shift;
    let mut acc = neg(&shift);
    let mut third_base = None;
    let mut result = Felt::zero();
    for row in 0..ROWS_PER_INSTANCE {
        if row == W_ROW {
            d = third_base.expect("set on the row before");
            acc = shift;
        }
        columns[DX][row] = d.x;
        columns[DY][row] = d.y;
        columns[DX_SQ][row] = d.x.square();
        columns[XZ][row] = acc_z.x;
        columns[YZ][row] = acc_z.y;
        columns[X][row] = acc.x;
        columns[Y][row] = acc.y;
        let next_d = if periodic[DOUBLE][row] == Felt::one() {
            let slope = tangent_slope(&d).ok_or(exceptional)?;
            columns[DSLOPE][row] = slope;
            Some(double_with(&d, &slope))
        } else {
            None
        };
        if adds[0][row] {
            let point = Point { x: periodic[GX][row], y: periodic[GY][row] };
            let (sum, slope, inverse) = chord(&acc_z, &point).ok_or(exceptional)?;
            columns[INV_Z][row] = inverse;
            columns[SLOPE_Z][row] = slope;
            acc_z = sum;
        }
        if adds[1][row] {
            let (sum, slope, inverse) = chord(&acc, &d).ok_or(exceptional)?;
            columns[X_DIFF_INV][row] = inverse;
            columns[SLOPE][row] = slope;
            acc = sum;
        }
        if row == COMBINE_ROW {
            let (sum, slope, inverse) = chord(&acc_z, &acc).ok_or(exceptional)?;
            columns[COMBINE_INV][row] = inverse;
            columns[COMBINE_SLOPE][row] = slope;
            third_base = Some(sum);
        }
        if row == LAST_ROW {
            let (difference, slope, inverse) = chord(&acc, &neg(&shift)).ok_or(exceptional)?;
            columns[SHIFT_INV][row] = inverse;
            columns[FINAL_SLOPE][row] = slope;
            result = difference.x;
        }
        if let Some(next) = next_d {
            d = next;
        }
    }
    Ok((columns, result))
}

/// The honest witness of a signature: `y_Q` is the root for which the check holds (either
/// works for `starknet_crypto::verify`), with its rows.
pub fn witness(signature: &Signature) -> Result<(Witness, Vec<Vec<Felt>>), EcdsaError> {
    let address = signature.address;
    let y = lift_x(&signature.pubkey).ok_or(EcdsaError::KeyNotOnCurve { address })?;
    if signature.r == Felt::zero() || signature.w == Felt::zero() {
        return Err(EcdsaError::InvalidSignature { address });
    }
    let mut error = EcdsaError::InvalidSignature { address };
    for y in [y, -y] {
        let witness = Witness {
            address,
            key: Point { x: signature.pubkey, y },
            message: signature.message,
            r: signature.r,
            w: signature.w,
        };
        match instance_rows(&witness) {
            Ok((rows, result)) if result == signature.r => return Ok((witness, rows)),
            Ok(_) => {}
            Err(e @ EcdsaError::ScalarTooLarge { .. }) => return Err(e),
            Err(e) => error = e,
        }
    }
    Err(error)
}

/// Stacks instance blocks and their accesses: `(address, pubkey)`, `(address + 1, message)`
/// per instance, padding included.
fn stack(blocks: Vec<Vec<Vec<Felt>>>) -> (TraceTable, Vec<(u64, Felt)>) {
    crate::builtins::narrow::stack(blocks, ROWS_PER_INSTANCE, ADDRESS, &CELL_ROWS)
}

/// The honest main trace of `signatures` (at least one, in address order) and its memory
/// accesses.
pub fn build_trace(signatures: &[Signature]) -> Result<(TraceTable, Vec<(u64, Felt)>), EcdsaError> {
    let blocks = signatures
        .iter()
        .map(|s| witness(s).map(|(_, rows)| rows))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(stack(blocks))
}

/// The main trace of arbitrary witnesses (at least one), valid or not: what a prover could
/// commit to. Fails only where a step cannot even be computed (a scalar of 2^251 or more, an
/// exceptional addition).
pub fn layout(witnesses: &[Witness]) -> Result<(TraceTable, Vec<(u64, Felt)>), EcdsaError> {
    let blocks = witnesses
        .iter()
        .map(|w| instance_rows(w).map(|(rows, _)| rows))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(stack(blocks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_input::from_vm_felt;
    use starknet_crypto::Felt as F;

    /// A key pair and a signature of `message` by starknet-crypto, as the table's input.
    fn signed(seed: u64, message: F) -> Signature {
        let private = starknet_crypto::pedersen_hash(&F::from(seed), &F::from(0x5eedu64));
        let k = starknet_crypto::rfc6979_generate_k(&message, &private, None);
        let signature = starknet_crypto::sign(&private, &message, &k).unwrap();
        let pubkey = starknet_crypto::get_public_key(&private);
        assert!(starknet_crypto::verify(&pubkey, &message, &signature.r, &signature.s).unwrap());
        let w = mod_inverse_order(&signature.s);
        Signature {
            address: 100 + 2 * seed,
            pubkey: from_vm_felt(&pubkey),
            message: from_vm_felt(&message),
            r: from_vm_felt(&signature.r),
            w: from_vm_felt(&w),
        }
    }

    /// `s^-1 mod n`, as cairo-vm computes `w`.
    pub(crate) fn mod_inverse_order(s: &F) -> F {
        let n = F::from_hex_unchecked(
            "0x0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f",
        );
        s.mod_inverse(&n.try_into().unwrap()).unwrap()
    }

    #[test]
    fn honest_witnesses_match_starknet_crypto() {
        for seed in 1..4u64 {
            let message = starknet_crypto::pedersen_hash(&F::from(seed), &F::from(7u64));
            let signature = signed(seed, message);
            let (w, rows) = witness(&signature).unwrap();
            assert!(on_curve(&w.key));
            assert_eq!(rows[FINAL_SLOPE].len(), ROWS_PER_INSTANCE);
            // The same key with another message's signature does not verify.
            let other = signed(seed, message + F::ONE);
            let forged = Signature { message: signature.message, ..other };
            assert_eq!(
                witness(&forged),
                Err(EcdsaError::InvalidSignature { address: forged.address })
            );
        }
    }
}
