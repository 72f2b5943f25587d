//! The `add_mod` and `mul_mod` builtins (cairo-vm's `ModBuiltinRunner`, `mod_builtin`
//! feature; in the `all_cairo` layout with `batch_size` 1 and words of 96 bits). Each instance
//! is seven cells `(p0, p1, p2, p3, values_ptr, offsets_ptr, n)` at `begin + 7 i`: it proves one
//! operation, `a + b = c + k p` with `k` in `{0, 1}` (`add_mod`) or `a * b = c + k p` with
//! `0 <= k < 2^384` (`mul_mod`), where `p = sum p_i 2^(96 i)` and `a`, `b`, `c` are the values
//! of four 96-bit words at `values_ptr + offset` for the offsets `[offsets_ptr]`,
//! `[offsets_ptr + 1]`, `[offsets_ptr + 2]`. A program writes the first instance of a chain of
//! `n` operations (`starkware.cairo.common.modulo.run_mod_p_circuit`) and the runner fills the
//! next `n - 1`: the same `p` and `values_ptr`, `offsets_ptr` 3 further, `n` one less.
//!
//! What is proven is Stone's statement for these builtins (cairo-lang's `k_bound`: 2 for
//! `add_mod`, `2^384` for `mul_mod`), which is what cairo-vm writes when it deduces a value;
//! cairo-vm's own check of a run is weaker (`a op b = c mod p`), so a program that writes all
//! three values itself with another `k` runs but is not proven
//! ([`ModError::QuotientOutOfRange`]). Values need not be reduced (`c >= p` is allowed).
//!
//! # Layout
//!
//! One row per instance, instances in address order, padded to a power of two by repeating
//! the last one ([`columns`]): the address, the seven cells, `more`, the three offsets, the
//! twelve words of `a`, `b`, `c`, the quotient `k` (a bit for `add_mod`, four words for
//! `mul_mod`), the carries, the six 16-bit limbs of each word of `p`, `a`, `b`, `c` (and `k`),
//! and the 16-bit limbs of each shifted carry. `add_mod`: 127 main and 123 auxiliary columns;
//! `mul_mod`: 196 and 186.
//!
//! # Constraints (each degree ≤ 2)
//!
//! 1. **Words**: each word of `p`, `a`, `b`, `c` (and `k`) is the sum of its six limbs, and
//!    every limb is looked up in the [`range16`](super::range16) table (`w (z_lookup - limb) =
//!    1`, the row's sum, the running sum; its last value is the table's second claim): every
//!    word is in `[0, 2^96)`, as cairo-vm requires of the words it reads.
//! 2. **Carries**: `carry + shift` is the sum of its limbs (`shift` 1 and one limb for
//!    `add_mod`, `2^99` and seven limbs for `mul_mod`), so each carry is an integer in
//!    `[-shift, 2^(16 L) - shift)`, at most `2^112` in size.
//! 3. **The quotient** (`add_mod`): `k (k - 1) = 0`. (`mul_mod`'s `k` is four checked words.)
//! 4. **The operation**, one equation per word column `n` (4 for `add_mod`, 7 for `mul_mod`):
//!    `sum_{i+j=n} (a_i b_j - k_i p_j) - c_n + carry_(n-1) - 2^96 carry_n = 0` (`a_n + b_n - c_n
//!    - k p_n + ...` for `add_mod`), without `carry_(-1)` and the last column's carry out.
//!    Every term is an integer below `2^211` in size, far below the field prime (`> 2^251`),
//!    so each equation holds over the integers; adding them times `2^(96 n)` telescopes the
//!    carries away: `a op b = c + k p` over the integers.
//! 5. **Chains**: `more` is a bit; `(1 - more)(n - 1) = 0` (a chain ends only at `n = 1`);
//!    where `more = 1` the next row has `n - 1`, the same `p` and `values_ptr`, and
//!    `offsets_ptr + 3`; the last row has `more = 0`. So an instance with `n = N` is followed
//!    by the `N - 1` instances of the rest of its chain, each one operation further in the
//!    offsets table (a chain that never reaches `n = 1` cannot end the segment), and no
//!    operation the program asked for goes unchecked. `n = 0` or a huge `n` cannot be proven
//!    (cairo-vm refuses `n < 1`).
//! 6. **Addresses**: first `begin`, last `stop - 7`, steps of 0 or 7 (as
//!    [`SegmentRule`](super::segment::SegmentRule)).
//! 7. **Memory**: the row's 22 accesses (the cells at `address + k`, the offsets at
//!    `offsets_ptr + j`, the values' words at `values_ptr + offset + i`) enter the running
//!    product of `z - (address + alpha value)`; its last value is the first claim. So the words
//!    and offsets are those of the run's memory, and the statement counts 22 accesses per
//!    instance ([`super::BuiltinTable::accesses_per_instance`]).

pub mod columns;
pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::lookup::LookupTable;
use crate::builtins::{BuiltinTable, TableTrace, TraceInput, table_log_size};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_LOOKUP_Z, CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};
use columns::*;

pub use trace::{Instance, ModError, build_trace, instance_row, row_with_quotient};

/// The component for one run's `add_mod` or `mul_mod` segment.
pub struct ModTable {
    op: ModOp,
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claims: [usize; 2],
}

impl ModTable {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 7).
    pub fn new(op: ModOp, begin: u64, stop: u64) -> Self {
        let mut table = Self {
            op,
            log_size: table_log_size(((stop - begin) / CELLS as u64) as usize),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claims: [AUX_MEMORY + ACCESSES - 1, op.aux_t()],
        };
        table.constraints =
            ConstraintList::new(&table, op.main_width(), op.aux_width(), 0, N_CHALLENGES);
        table
    }

    fn memory_factor(row: &[Felt], k: usize, challenges: &[Felt]) -> Felt {
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let (address, value) = accesses(row)[k];
        z - (address + alpha * value)
    }
}

/// `sum_k limbs[k] 2^(16 k)`.
fn recompose(limbs: &[Felt]) -> Felt {
    let two16 = Felt::from(1u64 << 16);
    limbs.iter().rev().fold(Felt::zero(), |acc, limb| acc * two16 + limb)
}

impl Constraints for ModTable {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let op = self.op;
        let name = op.name();
        let (c, nx, a, an) = (f.main_current, f.main_next, f.aux_current, f.aux_next);
        let one = Felt::one();
        let two96 = Felt::from(2u64).pow(u64::from(WORD_BITS));

        // 1. Words: the sum of their limbs.
        for w in 0..op.checked_words() {
            let limbs = op.limbs() + LIMBS_PER_WORD * w;
            b.every_row(
                format_args!("{name}: word {w} is the sum of its limbs"),
                c[checked_word(w)] - recompose(&c[limbs..limbs + LIMBS_PER_WORD]),
            );
        }
        // 2. Carries: shifted, the sum of their limbs.
        let carries = &c[op.carry_column()..op.carry_column() + op.carries()];
        for (i, carry) in carries.iter().enumerate() {
            let limbs = op.carry_limbs() + op.limbs_per_carry() * i;
            b.every_row(
                format_args!("{name}: carry {i} is its shifted limbs"),
                carry + op.carry_shift() - recompose(&c[limbs..limbs + op.limbs_per_carry()]),
            );
        }
        // 3. and 4. The quotient and the operation, word column by word column.
        let word = |first: usize, i: usize| c[first + i];
        let carry_in = |n: usize| if n == 0 { Felt::zero() } else { carries[n - 1] };
        let carry_out = |n: usize| carries.get(n).map_or(Felt::zero(), |carry| two96 * carry);
        match op {
            ModOp::Add => {
                let k = c[K];
                b.every_row(format_args!("{name}: k is a bit"), k * (k - one));
                for n in 0..N_WORDS {
                    b.every_row(
                        format_args!("{name}: a + b = c + k p, word {n}"),
                        word(A, n) + word(B, n) - word(C, n) - k * word(P, n) + carry_in(n)
                            - carry_out(n),
                    );
                }
            }
            ModOp::Mul => {
                for n in 0..2 * N_WORDS - 1 {
                    let mut column = carry_in(n) - carry_out(n);
                    if n < N_WORDS {
                        column = column - word(C, n);
                    }
                    for i in n.saturating_sub(N_WORDS - 1)..=n.min(N_WORDS - 1) {
                        column += word(A, i) * word(B, n - i) - word(K, i) * word(P, n - i);
                    }
                    b.every_row(format_args!("{name}: a * b = c + k p, column {n}"), column);
                }
            }
        }
        // 5. Chains.
        let more = c[MORE];
        b.every_row(format_args!("{name}: more is a bit"), more * (more - one));
        b.every_row(format_args!("{name}: a chain ends at n = 1"), (one - more) * (c[N] - one));
        b.transition(format_args!("{name}: next n is n - 1"), more * (nx[N] - c[N] + one));
        for i in 0..N_WORDS {
            b.transition(
                format_args!("{name}: next p word {i} is p's"),
                more * (nx[P + i] - c[P + i]),
            );
        }
        b.transition(
            format_args!("{name}: next values_ptr is values_ptr"),
            more * (nx[VALUES_PTR] - c[VALUES_PTR]),
        );
        b.transition(
            format_args!("{name}: next offsets_ptr is offsets_ptr + 3"),
            more * (nx[OFFSETS_PTR] - c[OFFSETS_PTR] - Felt::from(3u64)),
        );
        b.last_row(format_args!("{name}: the segment ends a chain"), more);
        // 6. Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row(
            format_args!("{name}: first address is the segment begin"),
            c[ADDRESS] - self.begin,
        );
        b.transition(
            format_args!("{name}: addresses step by 0 or 7"),
            step * (step - Felt::from(CELLS as u64)),
        );
        b.last_row(
            format_args!("{name}: last address is the segment's last instance"),
            c[ADDRESS] - self.last,
        );
        // 7. Memory: the row's accesses, one product column each.
        let factor = |row: &[Felt], k: usize| Self::memory_factor(row, k, challenges);
        b.first_row(format_args!("{name}: memory product starts"), a[AUX_MEMORY] - factor(c, 0));
        for k in 1..ACCESSES {
            b.every_row(
                format_args!("{name}: memory product, access {k}"),
                a[AUX_MEMORY + k] - a[AUX_MEMORY + k - 1] * factor(c, k),
            );
        }
        b.transition(
            format_args!("{name}: memory product across rows"),
            an[AUX_MEMORY] - a[AUX_MEMORY + ACCESSES - 1] * factor(nx, 0),
        );
        // 1. (continued) The limbs' lookups.
        let z_lookup = &challenges[CHALLENGE_LOOKUP_Z];
        let mut inverse_sum = Felt::zero();
        for l in 0..op.lookups() {
            let w = a[AUX_INVERSES + l];
            b.every_row(
                format_args!("{name}: inverse of limb {l}"),
                w * (z_lookup - c[op.limbs() + l]) - one,
            );
            inverse_sum += w;
        }
        let (aux_u, aux_t) = (op.aux_u(), op.aux_t());
        b.every_row(
            format_args!("{name}: lookup sum of the row"),
            a[aux_t] - a[aux_u] - inverse_sum,
        );
        b.first_row(format_args!("{name}: lookup sum starts at 0"), a[aux_u]);
        b.transition(
            format_args!("{name}: lookup sum carries to the next row"),
            an[aux_u] - a[aux_t],
        );
    }
}

impl Component for ModTable {
    fn component_name(&self) -> &str {
        self.op.name()
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        self.op.main_width()
    }
    fn aux_width(&self) -> usize {
        self.op.aux_width()
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }
    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(self, index)
    }
    fn claim_columns(&self) -> &[usize] {
        &self.claims
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        trace::aux_columns(self.op, main, challenges)
    }
}

/// The `add_mod` builtin in the registry.
pub struct AddModTable;
/// The `mul_mod` builtin in the registry.
pub struct MulModTable;

macro_rules! mod_builtin_table {
    ($table:ident, $op:expr) => {
        impl BuiltinTable for $table {
            fn name(&self) -> &'static str {
                $op.name()
            }
            fn cells_per_instance(&self) -> usize {
                CELLS
            }
            fn accesses_per_instance(&self) -> usize {
                ACCESSES
            }
            fn lookups(&self) -> &'static [LookupTable] {
                &[LookupTable::Range16]
            }
            fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
                Some(Box::new(ModTable::new($op, begin, stop)))
            }
            fn build_trace(
                &self,
                begin: u64,
                stop: u64,
                run: &mut TraceInput<'_>,
            ) -> Result<Option<TableTrace>, CairoError> {
                trace::build_table($op, begin, stop, run).map(Some)
            }
        }
    };
}

mod_builtin_table!(AddModTable, ModOp::Add);
mod_builtin_table!(MulModTable, ModOp::Mul);
