//! The CPU component of the Cairo AIR (Cairo paper, sections 4 and 9) over the layout of
//! [`crate::layout`]: one row per step. The statement that ties it to the builtin tables is
//! [`crate::CairoAir`].
//!
//! Every constraint has degree at most 2 and the first/last-row ones are linear, as the
//! `stark` engine requires. Families, in evaluation order:
//!
//! 1. **Instruction decoding** (every row): each flag is a bit, and
//!    `inst = off_dst + 2^16 off_op0 + 2^32 off_op1 + 2^48 sum_i 2^i f_i`. With the offsets
//!    range-checked to 16 bits the decomposition is unique (it stays below `2^63 < p`).
//! 2. **Operands** (every row): `dst_addr`, `op0_addr`, `op1_addr` from the flags, registers
//!    and offsets; `mul = op0 op1`; `res` per the res-logic flags (unconstrained under `jnz`,
//!    where it holds `dst^-1`); `t0 = f_jnz dst`, `t1 = t0 res`; the opcode checks of `call`
//!    (`dst = fp`, `op0 = pc + size`) and `assert_eq` (`dst = res`).
//! 3. **Register updates** (transition): `pc` (regular, absolute, relative, `jnz`), `ap`, `fp`.
//! 4. **Memory** (every row and transition): the five accesses of each row and their sorted
//!    copy; sorted addresses step by 0 or 1, a repeated address repeats its value, and the
//!    running product of `(z - (a + alpha v)) / (z - (a' + alpha v'))` over all slots is the
//!    component's claim. The trace's extra slots hold one dummy `(0, 0)` access per public
//!    cell and per builtin-table access where the sorted copy has those cells, and the
//!    statement checks the claim against the builtin tables' products and the public memory
//!    (see [`crate::builtins`]). Row 0's first access is the first instruction fetch, which
//!    is also the smallest sorted cell, so its factor is 1 and the product starts at 1 (a
//!    linear first-row rule).
//! 5. **Range checks** (every row and transition): the four values of each row (extra slot and
//!    three offsets) and their sorted copy; sorted values step by 0 or 1 from `rc_min` (first
//!    row, also the first extra value) to `rc_max` (last row); the product ends at 1.
//! 6. **Boundary**: initial `pc`, `ap`, `fp`; final `pc`, `ap`.
//! 7. **Blake steps** (only when the public input has Blake instances; a run without has
//!    none of these columns and constraints): the extension bits `blake` and
//!    `blake_finalize` are bits, not both set, and enter the decomposition as
//!    `+ 2^63 (blake + 2 blake_finalize)` (still unique: below `2^65 < p`). On a Blake row
//!    (`e = blake + blake_finalize`) the flags are cairo-vm's valid Blake pattern:
//!    `e f = 0` for `op1_imm`, `res_add`, `res_mul`, the three jumps, `ap_add`, `call`, `ret`,
//!    `assert_eq`, and `e (op1_fp + op1_ap - 1) = 0`; the generic constraints then give
//!    `pc += 1`, `ap += ap_add1`, `fp` unchanged. Each row adds `e / (z - c)` to a running
//!    sum (`c` the compressed call `(ap, op0, op1, dst, blake_finalize)`), whose last value
//!    is the CPU's second claim; the statement equates it with the Blake table's.

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::lookup;
use crate::layout::*;
use crate::public_input::CairoPublicInput;
use crate::trace::build_aux_trace;

/// The flags a Blake step must have clear (cairo-vm's decoder refuses the others).
const NOT_ON_BLAKE: [usize; 10] = [
    F_OP1_IMM,
    F_RES_ADD,
    F_RES_MUL,
    F_PC_JUMP_ABS,
    F_PC_JUMP_REL,
    F_PC_JNZ,
    F_AP_ADD,
    F_OPCODE_CALL,
    F_OPCODE_RET,
    F_OPCODE_ASSERT_EQ,
];

/// The call a Blake row makes, compressed as the Blake table compresses the calls it
/// receives: `(ap, op0, op1, dst, blake_finalize)`.
pub fn blake_call(challenges: &[Felt], row: &[Felt]) -> Felt {
    lookup::compress(challenges, &[&row[AP], &row[OP0], &row[OP1], &row[DST], &row[BLAKE_FINALIZE]])
}

/// The CPU component for one public input.
pub struct Cpu {
    constraints: ConstraintList,
    log_size: u32,
    /// Whether the run has Blake steps (and the table their columns).
    blake: bool,
    // Constants of the constraints, converted once.
    initial_pc: Felt,
    initial_ap: Felt,
    final_pc: Felt,
    final_ap: Felt,
    rc_min: Felt,
    rc_max: Felt,
}

impl Cpu {
    pub fn new(public: &CairoPublicInput) -> Self {
        let mut cpu = Self {
            log_size: public.log_size,
            blake: public.blake_instances > 0,
            initial_pc: Felt::from(public.initial_pc),
            initial_ap: Felt::from(public.initial_ap),
            final_pc: Felt::from(public.final_pc),
            final_ap: Felt::from(public.final_ap),
            rc_min: Felt::from(public.rc_min),
            rc_max: Felt::from(public.rc_max),
            constraints: ConstraintList::empty(),
        };
        cpu.constraints =
            ConstraintList::new(&cpu, cpu.main_width(), cpu.aux_width(), 0, N_CHALLENGES);
        cpu
    }
}

impl Component for Cpu {
    fn component_name(&self) -> &str {
        "cpu"
    }

    fn log_size(&self) -> u32 {
        self.log_size
    }

    fn main_width(&self) -> usize {
        if self.blake { BLAKE_MAIN_WIDTH } else { MAIN_WIDTH }
    }

    fn aux_width(&self) -> usize {
        if self.blake { BLAKE_AUX_WIDTH } else { AUX_WIDTH }
    }

    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }

    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(self, index)
    }

    fn claim_columns(&self) -> &[usize] {
        if self.blake {
            &[AUX_MEM_PRODUCT + MEM_SLOTS - 1, AUX_BLAKE_AFTER]
        } else {
            &[AUX_MEM_PRODUCT + MEM_SLOTS - 1]
        }
    }

    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        build_aux_trace(main, challenges)
    }

    fn evaluate(&self, frame: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, frame, challenges, out);
    }
}

impl Cpu {
    /// Family 7: the Blake steps' flags and calls.
    fn eval_blake<B: ConstraintBuilder>(&self, frame: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, aux, aux_next) = (frame.main_current, frame.aux_current, frame.aux_next);
        let one = Felt::one();
        let (blake, finalize) = (&c[BLAKE], &c[BLAKE_FINALIZE]);
        b.every_row("blake: the blake flag is a bit", blake * (blake - one));
        b.every_row("blake: the finalize flag is a bit", finalize * (finalize - one));
        b.every_row("blake: not both blake flags", blake * finalize);
        let step = blake + finalize;
        for f in NOT_ON_BLAKE {
            b.every_row(
                format_args!("blake: flag {f} is clear on a blake step"),
                step * c[flag(f)],
            );
        }
        b.every_row(
            "blake: op1 is read from fp or ap on a blake step",
            step * (c[flag(F_OP1_FP)] + c[flag(F_OP1_AP)] - one),
        );
        b.every_row(
            "blake: call term",
            (aux[AUX_BLAKE_AFTER] - aux[AUX_BLAKE_BEFORE])
                * (lookup::lookup_z(challenges) - blake_call(challenges, c))
                - step,
        );
        b.first_row("blake: call sum starts at 0", aux[AUX_BLAKE_BEFORE]);
        b.transition("blake: call sum carries", aux_next[AUX_BLAKE_BEFORE] - aux[AUX_BLAKE_AFTER]);
    }
}

impl Constraints for Cpu {
    fn eval<B: ConstraintBuilder>(&self, frame: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let c = frame.main_current;
        let nx = frame.main_next;
        let aux = frame.aux_current;
        let aux_next = frame.aux_next;
        let one = Felt::one();
        let f = |i: usize| &c[flag(i)];
        let bias = Felt::from(OFFSET_BIAS as u64);

        // 1. Decoding.
        for i in 0..N_FLAGS {
            let bit = f(i);
            b.every_row(format_args!("decode: flag {i} is a bit"), bit * (bit - one));
        }
        let flag_sum = (0..N_FLAGS).rev().fold(Felt::zero(), |acc, i| acc.double() + f(i));
        let two16 = Felt::from(1u64 << 16);
        let two32 = Felt::from(1u64 << 32);
        let two48 = Felt::from(1u64 << 48);
        let extension = if self.blake {
            Felt::from(1u64 << 63) * (c[BLAKE] + c[BLAKE_FINALIZE].double())
        } else {
            Felt::zero()
        };
        b.every_row(
            "decode: instruction decomposition",
            c[INST]
                - (c[OFF_DST] + two16 * c[OFF_OP0] + two32 * c[OFF_OP1] + two48 * flag_sum)
                - extension,
        );

        // 2. Operands.
        let (pc, ap, fp) = (&c[PC], &c[AP], &c[FP]);
        let (dst, op0, op1, res) = (&c[DST], &c[OP0], &c[OP1], &c[RES]);
        let dst_base = f(F_DST_REG) * fp + (one - f(F_DST_REG)) * ap;
        b.every_row("operands: dst_addr", c[DST_ADDR] - (dst_base + c[OFF_DST] - bias));
        let op0_base = f(F_OP0_REG) * fp + (one - f(F_OP0_REG)) * ap;
        b.every_row("operands: op0_addr", c[OP0_ADDR] - (op0_base + c[OFF_OP0] - bias));
        let op1_src_none = one - f(F_OP1_IMM) - f(F_OP1_AP) - f(F_OP1_FP);
        let op1_base = f(F_OP1_IMM) * pc + f(F_OP1_AP) * ap + f(F_OP1_FP) * fp + op1_src_none * op0;
        b.every_row("operands: op1_addr", c[OP1_ADDR] - (op1_base + c[OFF_OP1] - bias));
        b.every_row("operands: mul", c[MUL] - op0 * op1);
        let jnz = f(F_PC_JNZ);
        let res_op1 = one - f(F_RES_ADD) - f(F_RES_MUL) - jnz;
        b.every_row(
            "operands: res",
            (one - jnz) * res
                - (f(F_RES_ADD) * (op0 + op1) + f(F_RES_MUL) * c[MUL] + res_op1 * op1),
        );
        b.every_row("operands: t0", c[T0] - jnz * dst);
        b.every_row("operands: t1", c[T1] - c[T0] * res);
        let call = f(F_OPCODE_CALL);
        let size = f(F_OP1_IMM) + one;
        b.every_row("opcode: call pushes fp", call * (dst - fp));
        b.every_row("opcode: call pushes return pc", call * (op0 - (pc + size)));
        b.every_row("opcode: assert_eq", f(F_OPCODE_ASSERT_EQ) * (dst - res));

        // 3. Register updates.
        let next_pc = &nx[PC];
        b.transition("update: pc (jnz taken or regular)", (c[T1] - jnz) * (next_pc - (pc + size)));
        let regular = one - f(F_PC_JUMP_ABS) - f(F_PC_JUMP_REL) - jnz;
        b.transition(
            "update: pc",
            c[T0] * (next_pc - (pc + op1)) + (one - jnz) * next_pc
                - (regular * (pc + size) + f(F_PC_JUMP_ABS) * res + f(F_PC_JUMP_REL) * (pc + res)),
        );
        b.transition(
            "update: ap",
            nx[AP] - (ap + f(F_AP_ADD) * res + f(F_AP_ADD1) + call.double()),
        );
        let ret = f(F_OPCODE_RET);
        b.transition(
            "update: fp",
            nx[FP] - (ret * dst + call * (ap + Felt::from(2u64)) + (one - ret - call) * fp),
        );

        // 4. Memory.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let sorted_factor =
            |row: &[Felt], k: usize| z - (row[sorted_addr(k)] + alpha * row[sorted_value(k)]);
        let access_factor = |row: &[Felt], k: usize| {
            let (a, v) = MEM_ACCESS[k];
            z - (row[a] + alpha * row[v])
        };
        for k in 0..MEM_SLOTS - 1 {
            let da = c[sorted_addr(k + 1)] - c[sorted_addr(k)];
            let dv = c[sorted_value(k + 1)] - c[sorted_value(k)];
            b.every_row(format_args!("memory: continuity in row, slot {k}"), da * (da - one));
            b.every_row(format_args!("memory: single value in row, slot {k}"), dv * (da - one));
            b.every_row(
                format_args!("memory: permutation product, slot {}", k + 1),
                aux[AUX_MEM_PRODUCT + k + 1] * sorted_factor(c, k + 1)
                    - aux[AUX_MEM_PRODUCT + k] * access_factor(c, k + 1),
            );
        }
        let last = MEM_SLOTS - 1;
        let da = nx[sorted_addr(0)] - c[sorted_addr(last)];
        let dv = nx[sorted_value(0)] - c[sorted_value(last)];
        b.transition("memory: continuity across rows", da * (da - one));
        b.transition("memory: single value across rows", dv * (da - one));
        b.transition(
            "memory: permutation product across rows",
            aux_next[AUX_MEM_PRODUCT] * sorted_factor(nx, 0)
                - aux[AUX_MEM_PRODUCT + last] * access_factor(nx, 0),
        );

        // 5. Range checks.
        let z_rc = &challenges[CHALLENGE_RC_Z];
        for k in 0..RC_SLOTS - 1 {
            let ds = c[SORTED_RC + k + 1] - c[SORTED_RC + k];
            b.every_row(format_args!("range check: continuity in row, slot {k}"), ds * (ds - one));
            b.every_row(
                format_args!("range check: permutation product, slot {}", k + 1),
                aux[AUX_RC_PRODUCT + k + 1] * (z_rc - c[SORTED_RC + k + 1])
                    - aux[AUX_RC_PRODUCT + k] * (z_rc - c[RC_ACCESS[k + 1]]),
            );
        }
        let rc_last = RC_SLOTS - 1;
        let ds = nx[SORTED_RC] - c[SORTED_RC + rc_last];
        b.transition("range check: continuity across rows", ds * (ds - one));
        b.transition(
            "range check: permutation product across rows",
            aux_next[AUX_RC_PRODUCT] * (z_rc - nx[SORTED_RC])
                - aux[AUX_RC_PRODUCT + rc_last] * (z_rc - nx[RC_ACCESS[0]]),
        );

        if self.blake {
            self.eval_blake(frame, challenges, b);
        }

        // 6. Boundary (linear).
        b.first_row("boundary: initial pc", pc - self.initial_pc);
        b.first_row("boundary: initial ap", ap - self.initial_ap);
        b.first_row("boundary: initial fp", fp - self.initial_ap);
        b.first_row("memory: product starts at 1", aux[AUX_MEM_PRODUCT] - one);
        b.first_row("memory: first sorted address is the first fetch", c[sorted_addr(0)] - pc);
        b.first_row(
            "memory: first sorted value is the first instruction",
            c[sorted_value(0)] - c[INST],
        );
        b.first_row("range check: product starts at 1", aux[AUX_RC_PRODUCT] - one);
        b.first_row("range check: first extra value is rc_min", c[RC_EXTRA] - self.rc_min);
        b.first_row("range check: first sorted value is rc_min", c[SORTED_RC] - self.rc_min);
        b.last_row("boundary: final pc", pc - self.final_pc);
        b.last_row("boundary: final ap", ap - self.final_ap);
        b.last_row("range check: product ends at 1", aux[AUX_RC_PRODUCT + rc_last] - one);
        b.last_row(
            "range check: last sorted value is rc_max",
            c[SORTED_RC + rc_last] - self.rc_max,
        );
    }
}
