//! The columns of a mod builtin table (one row per instance), the memory accesses of a row and
//! the shape that differs between `add_mod` and `mul_mod` ([`ModOp`]).

use stark::Felt;

/// Words of a value (`p`, `a`, `b`, `c`): cairo-vm's `N_WORDS`.
pub const N_WORDS: usize = 4;
/// Bits of a word: cairo-vm's `word_bit_len` in every layout with these builtins.
pub const WORD_BITS: u32 = 96;
/// 16-bit limbs of a word.
pub const LIMBS_PER_WORD: usize = 6;
/// Memory cells of an instance: `p0..p3, values_ptr, offsets_ptr, n`.
pub const CELLS: usize = 7;
/// Memory accesses of an instance: its cells, the three offsets, the three values' words.
pub const ACCESSES: usize = CELLS + 3 + 3 * N_WORDS;

pub const ADDRESS: usize = 0;
/// `p`'s words: cells 0 to 3.
pub const P: usize = 1;
/// Cell 4.
pub const VALUES_PTR: usize = P + N_WORDS;
/// Cell 5.
pub const OFFSETS_PTR: usize = VALUES_PTR + 1;
/// Cell 6: operations left in the instance's chain, this one included.
pub const N: usize = OFFSETS_PTR + 1;
/// 1 when the next instance continues this one's chain (`n > 1`), else 0.
pub const MORE: usize = N + 1;
/// The offsets of `a`, `b`, `c` in the values table, read at `offsets_ptr + 0, 1, 2`.
pub const OFFSETS: usize = MORE + 1;
/// `a`, `b`, `c`'s words, read at `values_ptr + offset + i`; then the quotient `k`.
pub const A: usize = OFFSETS + 3;
pub const B: usize = A + N_WORDS;
pub const C: usize = B + N_WORDS;
pub const K: usize = C + N_WORDS;

/// Which of the two builtins: they differ in the operation, the quotient and the carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModOp {
    /// `a + b = c + k p`, `k` in `{0, 1}`.
    Add,
    /// `a * b = c + k p`, `0 <= k < 2^384`.
    Mul,
}

impl ModOp {
    /// Cairo's name of the builtin.
    pub const fn name(self) -> &'static str {
        match self {
            ModOp::Add => "add_mod",
            ModOp::Mul => "mul_mod",
        }
    }

    /// The operation, as cairo-vm's messages write it.
    pub const fn symbol(self) -> &'static str {
        match self {
            ModOp::Add => "+",
            ModOp::Mul => "*",
        }
    }

    /// Columns of `k`: one bit for `add_mod`, four range-checked words for `mul_mod`.
    pub const fn k_columns(self) -> usize {
        match self {
            ModOp::Add => 1,
            ModOp::Mul => N_WORDS,
        }
    }

    /// The carries between the equation's word columns: 4 columns for `add_mod` (3 carries),
    /// 7 for `mul_mod` (the product's columns `i + j = 0..6`, 6 carries).
    pub const fn carries(self) -> usize {
        match self {
            ModOp::Add => N_WORDS - 1,
            ModOp::Mul => 2 * N_WORDS - 2,
        }
    }

    /// 16-bit limbs of a shifted carry (`carry + CARRY_SHIFT`).
    pub const fn limbs_per_carry(self) -> usize {
        match self {
            ModOp::Add => 1,
            ModOp::Mul => 7,
        }
    }

    /// What is added to a carry before its limbs are range-checked: an honest carry is in
    /// `{-1, 0, 1}` for `add_mod` and in `(-2^98 - 2, 2^98 + 2)` for `mul_mod`.
    pub fn carry_shift(self) -> Felt {
        match self {
            ModOp::Add => Felt::one(),
            ModOp::Mul => Felt::from(2u64).pow(99u64),
        }
    }

    /// Words whose limbs are range-checked: `p`, `a`, `b`, `c`, and `k` for `mul_mod`.
    pub const fn checked_words(self) -> usize {
        match self {
            ModOp::Add => 4 * N_WORDS,
            ModOp::Mul => 5 * N_WORDS,
        }
    }

    /// First carry column.
    pub const fn carry_column(self) -> usize {
        K + self.k_columns()
    }

    /// First limb column: the checked words' limbs (word after word, least significant
    /// first), then the carries' limbs; they run to the end of the main trace.
    pub const fn limbs(self) -> usize {
        self.carry_column() + self.carries()
    }

    /// First limb column of the carries.
    pub const fn carry_limbs(self) -> usize {
        self.limbs() + LIMBS_PER_WORD * self.checked_words()
    }

    pub const fn main_width(self) -> usize {
        self.carry_limbs() + self.carries() * self.limbs_per_carry()
    }

    /// 16-bit values looked up per row: every limb column.
    pub const fn lookups(self) -> usize {
        self.main_width() - self.limbs()
    }

    /// Auxiliary columns: the memory product (one per access), one inverse per lookup, the
    /// lookup sum before the row (`AUX_U`) and after it (`AUX_T`).
    pub const fn aux_u(self) -> usize {
        ACCESSES + self.lookups()
    }
    pub const fn aux_t(self) -> usize {
        self.aux_u() + 1
    }
    pub const fn aux_width(self) -> usize {
        self.aux_t() + 1
    }
}

/// Auxiliary columns: `AUX_MEMORY + k` is the memory product up to access `k` of the row.
pub const AUX_MEMORY: usize = 0;
pub const AUX_INVERSES: usize = ACCESSES;

/// The main column of checked word `w` (`p`'s four, then `a`, `b`, `c` and `k`'s).
pub const fn checked_word(w: usize) -> usize {
    if w < N_WORDS { P + w } else { A + (w - N_WORDS) }
}

/// The memory accesses `(address, value)` of a row, in order: the instance's seven cells, the
/// three offsets, then `a`, `b`, `c`'s words. The addresses are sums of the row's columns, so
/// the constraints and the auxiliary trace compute them alike.
pub fn accesses(row: &[Felt]) -> [(Felt, Felt); ACCESSES] {
    let mut out = [(Felt::zero(), Felt::zero()); ACCESSES];
    for (k, slot) in out.iter_mut().take(CELLS).enumerate() {
        *slot = (row[ADDRESS] + Felt::from(k as u64), row[P + k]);
    }
    for j in 0..3 {
        out[CELLS + j] = (row[OFFSETS_PTR] + Felt::from(j as u64), row[OFFSETS + j]);
    }
    for (v, first) in [A, B, C].into_iter().enumerate() {
        for i in 0..N_WORDS {
            let address = row[VALUES_PTR] + row[OFFSETS + v] + Felt::from(i as u64);
            out[CELLS + 3 + N_WORDS * v + i] = (address, row[first + i]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_as_documented() {
        // Cells 0..7 are consecutive columns from P, so `accesses` reads them in place.
        assert_eq!(P + CELLS, MORE);
        assert_eq!(ModOp::Add.main_width(), 24 + 1 + 3 + 16 * 6 + 3);
        assert_eq!(ModOp::Mul.main_width(), 24 + 4 + 6 + 20 * 6 + 6 * 7);
        assert_eq!(ModOp::Add.aux_width(), 22 + 99 + 2);
        assert_eq!(ModOp::Mul.aux_width(), 22 + 162 + 2);
        assert_eq!(checked_word(4), A);
        assert_eq!(checked_word(19), K + 3);
    }
}
