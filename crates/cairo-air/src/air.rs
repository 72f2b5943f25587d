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

use crate::constraints::ConstraintList;
use stark::{Component, ConstraintKind, Felt, Frame, TraceTable};

use crate::layout::*;
use crate::public_input::CairoPublicInput;
use crate::trace::build_aux_trace;

use ConstraintKind::{EveryRow, FirstRow, LastRow, Transition};

/// The constraint list: kind and name, in evaluation order.
fn constraint_list() -> Vec<(ConstraintKind, String)> {
    let mut list = Vec::new();
    let mut add = |kind, name: String| list.push((kind, name));
    for i in 0..N_FLAGS {
        add(EveryRow, format!("decode: flag {i} is a bit"));
    }
    add(EveryRow, "decode: instruction decomposition".into());
    add(EveryRow, "operands: dst_addr".into());
    add(EveryRow, "operands: op0_addr".into());
    add(EveryRow, "operands: op1_addr".into());
    add(EveryRow, "operands: mul".into());
    add(EveryRow, "operands: res".into());
    add(EveryRow, "operands: t0".into());
    add(EveryRow, "operands: t1".into());
    add(EveryRow, "opcode: call pushes fp".into());
    add(EveryRow, "opcode: call pushes return pc".into());
    add(EveryRow, "opcode: assert_eq".into());
    add(Transition, "update: pc (jnz taken or regular)".into());
    add(Transition, "update: pc".into());
    add(Transition, "update: ap".into());
    add(Transition, "update: fp".into());
    for k in 0..MEM_SLOTS - 1 {
        add(EveryRow, format!("memory: continuity in row, slot {k}"));
        add(EveryRow, format!("memory: single value in row, slot {k}"));
        add(EveryRow, format!("memory: permutation product, slot {}", k + 1));
    }
    add(Transition, "memory: continuity across rows".into());
    add(Transition, "memory: single value across rows".into());
    add(Transition, "memory: permutation product across rows".into());
    for k in 0..RC_SLOTS - 1 {
        add(EveryRow, format!("range check: continuity in row, slot {k}"));
        add(EveryRow, format!("range check: permutation product, slot {}", k + 1));
    }
    add(Transition, "range check: continuity across rows".into());
    add(Transition, "range check: permutation product across rows".into());
    add(FirstRow, "boundary: initial pc".into());
    add(FirstRow, "boundary: initial ap".into());
    add(FirstRow, "boundary: initial fp".into());
    add(FirstRow, "memory: product starts at 1".into());
    add(FirstRow, "memory: first sorted address is the first fetch".into());
    add(FirstRow, "memory: first sorted value is the first instruction".into());
    add(FirstRow, "range check: product starts at 1".into());
    add(FirstRow, "range check: first extra value is rc_min".into());
    add(FirstRow, "range check: first sorted value is rc_min".into());
    add(LastRow, "boundary: final pc".into());
    add(LastRow, "boundary: final ap".into());
    add(LastRow, "range check: product ends at 1".into());
    add(LastRow, "range check: last sorted value is rc_max".into());
    list
}

/// The CPU component for one public input.
pub struct Cpu {
    constraints: ConstraintList,
    log_size: u32,
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
        Self {
            log_size: public.log_size,
            initial_pc: Felt::from(public.initial_pc),
            initial_ap: Felt::from(public.initial_ap),
            final_pc: Felt::from(public.final_pc),
            final_ap: Felt::from(public.final_ap),
            rc_min: Felt::from(public.rc_min),
            rc_max: Felt::from(public.rc_max),
            constraints: ConstraintList::new(constraint_list()),
        }
    }
}

/// Writes constraint values in order.
struct Sink<'a> {
    out: &'a mut [Felt],
    next: usize,
}

impl Sink<'_> {
    #[inline]
    fn push(&mut self, value: Felt) {
        self.out[self.next] = value;
        self.next += 1;
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
        MAIN_WIDTH
    }

    fn aux_width(&self) -> usize {
        AUX_WIDTH
    }

    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }

    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(index)
    }

    fn claim_columns(&self) -> &[usize] {
        &[AUX_MEM_PRODUCT + MEM_SLOTS - 1]
    }

    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        build_aux_trace(main, challenges)
    }

    fn evaluate(&self, frame: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        let c = frame.main_current;
        let nx = frame.main_next;
        let aux = frame.aux_current;
        let aux_next = frame.aux_next;
        let one = Felt::one();
        let mut sink = Sink { out, next: 0 };
        let f = |i: usize| &c[flag(i)];
        let bias = Felt::from(OFFSET_BIAS as u64);

        // 1. Decoding.
        for i in 0..N_FLAGS {
            let b = f(i);
            sink.push(b * (b - one));
        }
        let flag_sum = (0..N_FLAGS).rev().fold(Felt::zero(), |acc, i| acc.double() + f(i));
        let two16 = Felt::from(1u64 << 16);
        let two32 = Felt::from(1u64 << 32);
        let two48 = Felt::from(1u64 << 48);
        sink.push(
            c[INST] - (c[OFF_DST] + two16 * c[OFF_OP0] + two32 * c[OFF_OP1] + two48 * flag_sum),
        );

        // 2. Operands.
        let (pc, ap, fp) = (&c[PC], &c[AP], &c[FP]);
        let (dst, op0, op1, res) = (&c[DST], &c[OP0], &c[OP1], &c[RES]);
        let dst_base = f(F_DST_REG) * fp + (one - f(F_DST_REG)) * ap;
        sink.push(c[DST_ADDR] - (dst_base + c[OFF_DST] - bias));
        let op0_base = f(F_OP0_REG) * fp + (one - f(F_OP0_REG)) * ap;
        sink.push(c[OP0_ADDR] - (op0_base + c[OFF_OP0] - bias));
        let op1_src_none = one - f(F_OP1_IMM) - f(F_OP1_AP) - f(F_OP1_FP);
        let op1_base = f(F_OP1_IMM) * pc + f(F_OP1_AP) * ap + f(F_OP1_FP) * fp + op1_src_none * op0;
        sink.push(c[OP1_ADDR] - (op1_base + c[OFF_OP1] - bias));
        sink.push(c[MUL] - op0 * op1);
        let jnz = f(F_PC_JNZ);
        let res_op1 = one - f(F_RES_ADD) - f(F_RES_MUL) - jnz;
        sink.push(
            (one - jnz) * res
                - (f(F_RES_ADD) * (op0 + op1) + f(F_RES_MUL) * c[MUL] + res_op1 * op1),
        );
        sink.push(c[T0] - jnz * dst);
        sink.push(c[T1] - c[T0] * res);
        let call = f(F_OPCODE_CALL);
        let size = f(F_OP1_IMM) + one;
        sink.push(call * (dst - fp));
        sink.push(call * (op0 - (pc + size)));
        sink.push(f(F_OPCODE_ASSERT_EQ) * (dst - res));

        // 3. Register updates.
        let next_pc = &nx[PC];
        sink.push((c[T1] - jnz) * (next_pc - (pc + size)));
        let regular = one - f(F_PC_JUMP_ABS) - f(F_PC_JUMP_REL) - jnz;
        sink.push(
            c[T0] * (next_pc - (pc + op1)) + (one - jnz) * next_pc
                - (regular * (pc + size) + f(F_PC_JUMP_ABS) * res + f(F_PC_JUMP_REL) * (pc + res)),
        );
        sink.push(nx[AP] - (ap + f(F_AP_ADD) * res + f(F_AP_ADD1) + call.double()));
        let ret = f(F_OPCODE_RET);
        sink.push(nx[FP] - (ret * dst + call * (ap + Felt::from(2u64)) + (one - ret - call) * fp));

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
            sink.push(da * (da - one));
            sink.push(dv * (da - one));
            sink.push(
                aux[AUX_MEM_PRODUCT + k + 1] * sorted_factor(c, k + 1)
                    - aux[AUX_MEM_PRODUCT + k] * access_factor(c, k + 1),
            );
        }
        let last = MEM_SLOTS - 1;
        let da = nx[sorted_addr(0)] - c[sorted_addr(last)];
        let dv = nx[sorted_value(0)] - c[sorted_value(last)];
        sink.push(da * (da - one));
        sink.push(dv * (da - one));
        sink.push(
            aux_next[AUX_MEM_PRODUCT] * sorted_factor(nx, 0)
                - aux[AUX_MEM_PRODUCT + last] * access_factor(nx, 0),
        );

        // 5. Range checks.
        let z_rc = &challenges[CHALLENGE_RC_Z];
        for k in 0..RC_SLOTS - 1 {
            let ds = c[SORTED_RC + k + 1] - c[SORTED_RC + k];
            sink.push(ds * (ds - one));
            sink.push(
                aux[AUX_RC_PRODUCT + k + 1] * (z_rc - c[SORTED_RC + k + 1])
                    - aux[AUX_RC_PRODUCT + k] * (z_rc - c[RC_ACCESS[k + 1]]),
            );
        }
        let rc_last = RC_SLOTS - 1;
        let ds = nx[SORTED_RC] - c[SORTED_RC + rc_last];
        sink.push(ds * (ds - one));
        sink.push(
            aux_next[AUX_RC_PRODUCT] * (z_rc - nx[SORTED_RC])
                - aux[AUX_RC_PRODUCT + rc_last] * (z_rc - nx[RC_ACCESS[0]]),
        );

        // 6. Boundary (linear).
        sink.push(pc - self.initial_pc);
        sink.push(ap - self.initial_ap);
        sink.push(fp - self.initial_ap);
        sink.push(aux[AUX_MEM_PRODUCT] - one);
        sink.push(c[sorted_addr(0)] - pc);
        sink.push(c[sorted_value(0)] - c[INST]);
        sink.push(aux[AUX_RC_PRODUCT] - one);
        sink.push(c[RC_EXTRA] - self.rc_min);
        sink.push(c[SORTED_RC] - self.rc_min);
        sink.push(pc - self.final_pc);
        sink.push(ap - self.final_ap);
        sink.push(aux[AUX_RC_PRODUCT + rc_last] - one);
        sink.push(c[SORTED_RC + rc_last] - self.rc_max);
        debug_assert_eq!(
            sink.next,
            self.constraints.kinds().len(),
            "constraint list and evaluation disagree"
        );
    }
}
