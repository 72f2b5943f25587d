//! Column layout of the Cairo trace: one row per Cairo step.
//!
//! Main trace (49 columns):
//!
//! | columns | content |
//! |---|---|
//! | 0..3 | `pc`, `ap`, `fp` |
//! | 3..18 | the 15 instruction flags `f0..f14`, one bit each |
//! | 18..21 | biased offsets `off_dst`, `off_op0`, `off_op1` (in `[0, 2^16)`) |
//! | 21 | `inst`, the instruction word read at `pc` |
//! | 22..28 | `dst_addr`, `dst`, `op0_addr`, `op0`, `op1_addr`, `op1` |
//! | 28..32 | `res`, `t0 = f_jnz dst`, `t1 = t0 res`, `mul = op0 op1` |
//! | 32..34 | an extra memory access (public-memory dummy, hole filler or repeat) |
//! | 34..44 | the five memory accesses of all rows, sorted by address: `(a'_k, v'_k)` |
//! | 44 | an extra range-checked value (`rc_min` in row 0, gap fillers, repeats) |
//! | 45..49 | the four range-checked values of all rows, sorted |
//!
//! Auxiliary trace (9 columns): running products of the memory permutation (one per access
//! slot) and of the range-check permutation (one per slot).
//!
//! A run with Blake steps (opcode extensions `Blake`, `BlakeFinalize`) has two more main
//! columns, [`BLAKE`] and [`BLAKE_FINALIZE`], and two more auxiliary ones, the running sum
//! of its calls to the Blake table ([`AUX_BLAKE_BEFORE`], [`AUX_BLAKE_AFTER`]); a run
//! without has exactly the layout above.

/// Columns the CPU table has only when the run has Blake steps: the opcode-extension bits
/// `blake` and `blake_finalize` (instruction bits 63 and 64), after [`MAIN_WIDTH`].
pub const BLAKE: usize = MAIN_WIDTH;
pub const BLAKE_FINALIZE: usize = BLAKE + 1;
pub const BLAKE_MAIN_WIDTH: usize = BLAKE_FINALIZE + 1;
/// The running sum of the Blake steps' calls to the Blake table, before and after the row
/// (auxiliary, only with Blake steps).
pub const AUX_BLAKE_BEFORE: usize = AUX_WIDTH;
pub const AUX_BLAKE_AFTER: usize = AUX_BLAKE_BEFORE + 1;
pub const BLAKE_AUX_WIDTH: usize = AUX_BLAKE_AFTER + 1;

/// Number of instruction flags.
pub const N_FLAGS: usize = 15;

pub const PC: usize = 0;
pub const AP: usize = 1;
pub const FP: usize = 2;
pub const FLAGS: usize = 3;
pub const OFF_DST: usize = 18;
pub const OFF_OP0: usize = 19;
pub const OFF_OP1: usize = 20;
pub const INST: usize = 21;
pub const DST_ADDR: usize = 22;
pub const DST: usize = 23;
pub const OP0_ADDR: usize = 24;
pub const OP0: usize = 25;
pub const OP1_ADDR: usize = 26;
pub const OP1: usize = 27;
pub const RES: usize = 28;
pub const T0: usize = 29;
pub const T1: usize = 30;
pub const MUL: usize = 31;
pub const MEM_EXTRA_ADDR: usize = 32;
pub const MEM_EXTRA_VALUE: usize = 33;
pub const SORTED_MEM: usize = 34;
pub const RC_EXTRA: usize = 44;
pub const SORTED_RC: usize = 45;
pub const MAIN_WIDTH: usize = 49;

/// Memory accesses per row: instruction fetch, dst, op0, op1, extra.
pub const MEM_SLOTS: usize = 5;
/// Range-checked values per row: extra, off_dst, off_op0, off_op1.
pub const RC_SLOTS: usize = 4;

/// Address and value columns of each memory access slot, in permutation order. Slot 0 is
/// the instruction fetch, so row 0's first access is `(pc_init, inst)`, the smallest address.
pub const MEM_ACCESS: [(usize, usize); MEM_SLOTS] = [
    (PC, INST),
    (DST_ADDR, DST),
    (OP0_ADDR, OP0),
    (OP1_ADDR, OP1),
    (MEM_EXTRA_ADDR, MEM_EXTRA_VALUE),
];

/// Range-checked columns of each slot, in permutation order. Slot 0 is the extra value, so
/// row 0's first value can be `rc_min`.
pub const RC_ACCESS: [usize; RC_SLOTS] = [RC_EXTRA, OFF_DST, OFF_OP0, OFF_OP1];

/// Sorted memory address column of slot `k`.
pub const fn sorted_addr(k: usize) -> usize {
    SORTED_MEM + 2 * k
}

/// Sorted memory value column of slot `k`.
pub const fn sorted_value(k: usize) -> usize {
    SORTED_MEM + 2 * k + 1
}

/// Flag column `i`.
pub const fn flag(i: usize) -> usize {
    FLAGS + i
}

// Flag indices (Cairo paper, section 4.5).
pub const F_DST_REG: usize = 0;
pub const F_OP0_REG: usize = 1;
pub const F_OP1_IMM: usize = 2;
pub const F_OP1_FP: usize = 3;
pub const F_OP1_AP: usize = 4;
pub const F_RES_ADD: usize = 5;
pub const F_RES_MUL: usize = 6;
pub const F_PC_JUMP_ABS: usize = 7;
pub const F_PC_JUMP_REL: usize = 8;
pub const F_PC_JNZ: usize = 9;
pub const F_AP_ADD: usize = 10;
pub const F_AP_ADD1: usize = 11;
pub const F_OPCODE_CALL: usize = 12;
pub const F_OPCODE_RET: usize = 13;
pub const F_OPCODE_ASSERT_EQ: usize = 14;

/// Auxiliary columns.
pub const AUX_MEM_PRODUCT: usize = 0;
pub const AUX_RC_PRODUCT: usize = 5;
pub const AUX_WIDTH: usize = 9;

/// Challenges drawn after the main traces: `z` and `alpha` of the memory permutation, `z` of
/// the CPU's range-check permutation, `z` of the 16-bit lookups of builtin tables.
pub const CHALLENGE_MEM_Z: usize = 0;
pub const CHALLENGE_MEM_ALPHA: usize = 1;
pub const CHALLENGE_RC_Z: usize = 2;
pub const CHALLENGE_LOOKUP_Z: usize = 3;
pub const N_CHALLENGES: usize = 4;

/// Offsets are biased by 2^15 so they fit in `[0, 2^16)`.
pub const OFFSET_BIAS: i64 = 1 << 15;
