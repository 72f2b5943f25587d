//! Builds the Cairo trace tables from a proof-mode run: the CPU table (decodes every step, pads
//! to a power of two, places public-memory and builtin dummies, memory-hole and range-check-gap
//! fillers, and sorts the memory and range-check copies) and the builtin tables. Also builds
//! the CPU's auxiliary (permutation) columns.

use stark::{Felt, TraceTable, batch_inverse, parallel, running_products};

use crate::builtins::TraceInput;
use crate::error::CairoError;
use crate::execution::CairoExecution;
use crate::layout::*;
use crate::opcodes::blake::trace::{self as blake_trace, Instance as BlakeInstance};
use crate::program::Builtin;
use crate::public_input::{CairoPublicInput, PROGRAM_BASE};
use crate::statement::used_segment;

/// One decoded step.
#[derive(Clone, Debug)]
struct Step {
    pc: u64,
    ap: u64,
    fp: u64,
    inst: Felt,
    flags: [bool; N_FLAGS],
    offsets: [u64; 3],
    dst_addr: u64,
    op0_addr: u64,
    op1_addr: u64,
    dst: Felt,
    op0: Felt,
    op1: Felt,
    res: Felt,
    /// The opcode extension: 0 (Cairo's original instructions), 1 `Blake`, 2
    /// `BlakeFinalize`.
    extension: u8,
}

/// The integer value of a field element, if it fits in 64 bits.
pub fn felt_to_u64(x: &Felt) -> Option<u64> {
    let limbs = x.representative().limbs;
    (limbs[0] == 0 && limbs[1] == 0 && limbs[2] == 0).then_some(limbs[3])
}

fn offset_address(base: u64, biased: u64) -> Result<u64, CairoError> {
    (base as i64 + biased as i64 - OFFSET_BIAS)
        .try_into()
        .map_err(|_| CairoError::BadExecution(format!("address below zero from base {base}")))
}

/// Names of the opcode extensions (instruction bits 63 and up) that cairo-vm runs; extension
/// 0 is Cairo's original instruction set. `Blake` and `BlakeFinalize` are proven with the
/// Blake table; `QM31Operation` only the Stwo layout proves.
const STWO_OPCODES: [&str; 3] = ["Blake", "BlakeFinalize", "QM31Operation"];
/// Extensions proven here: none, `Blake`, `BlakeFinalize`.
const PROVEN_EXTENSIONS: u64 = 3;

/// The instruction word at `pc`: 63 bits of offsets and flags, and its opcode extension (0,
/// or 1 and 2 for the Blake opcodes).
fn instruction_word(pc: u64, inst: &Felt) -> Result<(u64, u8), CairoError> {
    let limbs = inst.representative().limbs;
    if limbs[0] == 0 && limbs[1] == 0 && limbs[2] >> 62 == 0 {
        let extension = (limbs[2] << 1) | (limbs[3] >> 63);
        if extension < PROVEN_EXTENSIONS {
            return Ok((limbs[3] & ((1 << 63) - 1), extension as u8));
        }
        if let Some(name) = STWO_OPCODES.get(extension as usize - 1) {
            return Err(CairoError::StwoOpcode { pc, name });
        }
    }
    Err(CairoError::BadExecution(format!("no valid instruction at pc {pc}")))
}

/// The run's number of Blake steps (instructions with extension `Blake` or `BlakeFinalize`).
pub fn blake_steps(execution: &CairoExecution) -> u64 {
    let memory = Memory(&execution.memory);
    let blake = |pc: u64| matches!(instruction_word(pc, &memory.get(pc)), Ok((_, 1 | 2)));
    execution.trace.iter().filter(|(pc, ..)| blake(*pc)).count() as u64
}

fn decode(pc: u64, ap: u64, fp: u64, memory: &Memory<'_>) -> Result<Step, CairoError> {
    let inst = memory.get(pc);
    let (word, extension) = instruction_word(pc, &inst)?;
    let offsets = [word & 0xffff, (word >> 16) & 0xffff, (word >> 32) & 0xffff];
    let mut flags = [false; N_FLAGS];
    for (i, f) in flags.iter_mut().enumerate() {
        *f = (word >> (48 + i)) & 1 == 1;
    }
    let dst_addr = offset_address(if flags[F_DST_REG] { fp } else { ap }, offsets[0])?;
    let op0_addr = offset_address(if flags[F_OP0_REG] { fp } else { ap }, offsets[1])?;
    let op0 = memory.get(op0_addr);
    let op1_base = if flags[F_OP1_IMM] {
        pc
    } else if flags[F_OP1_AP] {
        ap
    } else if flags[F_OP1_FP] {
        fp
    } else {
        felt_to_u64(&op0).ok_or_else(|| {
            CairoError::BadExecution(format!("op0 at {op0_addr} is not an address"))
        })?
    };
    let op1_addr = offset_address(op1_base, offsets[2])?;
    let dst = memory.get(dst_addr);
    let op1 = memory.get(op1_addr);
    let res = if flags[F_PC_JNZ] {
        dst.inv().unwrap_or(Felt::zero())
    } else if flags[F_RES_ADD] {
        op0 + op1
    } else if flags[F_RES_MUL] {
        op0 * op1
    } else {
        op1
    };
    Ok(Step {
        pc,
        ap,
        fp,
        inst,
        flags,
        offsets,
        dst_addr,
        op0_addr,
        op1_addr,
        dst,
        op0,
        op1,
        res,
        extension,
    })
}

/// The Blake table's instance of a Blake step, read from the run's memory.
fn blake_instance(step: &Step, memory: &Memory<'_>) -> Result<BlakeInstance, CairoError> {
    let bad = |what: &str| {
        CairoError::BadExecution(format!("the Blake step at pc {} has {what}", step.pc))
    };
    let pointer = |x: &Felt, what: &str| felt_to_u64(x).ok_or_else(|| bad(what));
    let word = |address: u64| {
        memory
            .cell(address)
            .and_then(|x| felt_to_u64(&x))
            .and_then(|x| u32::try_from(x).ok())
            .ok_or_else(|| bad(&format!("a word at {address} that is not a u32")))
    };
    let state_ptr = pointer(&step.op0, "no state pointer")?;
    let message_ptr = pointer(&step.op1, "no message pointer")?;
    let output_ptr = pointer(&memory.get(step.ap), "no output pointer")?;
    let counter = felt_to_u64(&step.dst)
        .and_then(|x| u32::try_from(x).ok())
        .ok_or_else(|| bad("a counter that is not a u32"))?;
    Ok(BlakeInstance {
        ap: step.ap,
        state_ptr,
        message_ptr,
        output_ptr,
        counter,
        finalize: step.extension == 2,
        h: (0..8)
            .map(|k| word(state_ptr + k))
            .collect::<Result<Vec<_>, _>>()?
            .try_into()
            .expect("8"),
        message: (0..16)
            .map(|k| word(message_ptr + k))
            .collect::<Result<Vec<_>, _>>()?
            .try_into()
            .expect("16"),
    })
}

/// Final memory of the run; a cell never written reads as 0 (nothing else can claim it).
struct Memory<'a>(&'a [Option<Felt>]);

impl Memory<'_> {
    fn get(&self, address: u64) -> Felt {
        self.cell(address).unwrap_or(Felt::zero())
    }

    fn cell(&self, address: u64) -> Option<Felt> {
        self.0.get(address as usize).cloned().flatten()
    }
}

/// Outputs the program read must be the builtin's; unread ones join memory through the table.
fn check_deduced(
    memory: &Memory<'_>,
    accesses: &[(u64, Felt)],
    builtin: &str,
) -> Result<(), CairoError> {
    match accesses.iter().find(|(a, v)| memory.cell(*a).is_some_and(|m| m != *v)) {
        Some((a, _)) => Err(CairoError::BadExecution(format!(
            "{builtin} cell {a} disagrees with the builtin's result"
        ))),
        None => Ok(()),
    }
}

/// The main traces (one per component of [`crate::CairoAir`], in order) and the public input
/// of an execution.
pub fn build_traces(
    execution: &CairoExecution,
) -> Result<(Vec<TraceTable>, CairoPublicInput), CairoError> {
    let memory = Memory(&execution.memory);
    let trace = &execution.trace;
    let steps = parallel::map_range(trace.len(), |i| {
        let (pc, ap, fp) = trace[i];
        decode(pc, ap, fp, &memory)
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    let last = steps.last().ok_or_else(|| CairoError::BadExecution("empty trace".into()))?.clone();
    if last.inst != Felt::from(crate::public_input::JMP_REL_0) {
        return Err(CairoError::BadExecution(
            "the run does not end on `jmp rel 0` (not proof mode?)".into(),
        ));
    }

    let mut public = CairoPublicInput {
        log_size: 0,
        program: execution.program.clone(),
        initial_pc: steps[0].pc,
        final_pc: last.pc,
        initial_ap: steps[0].ap,
        final_ap: last.ap,
        rc_min: 0,
        rc_max: 0,
        builtins: execution.builtins.clone(),
        output: execution.output.clone(),
        blake_instances: 0,
    };
    // Builtin tables first, in registry order: their accesses join the CPU's sorted memory.
    let mut builtin_traces = Vec::new();
    let mut builtin_accesses: Vec<(u64, Felt)> = Vec::new();
    let mut input = TraceInput::new(execution);
    let mut used = Vec::new();
    for builtin in Builtin::ALL {
        let Some((begin, stop)) = used_segment(&public, builtin) else { continue };
        let table = builtin.table();
        let Some(built) = table.build_trace(begin, stop, &mut input)? else { continue };
        check_deduced(&memory, &built.accesses, table.name())?;
        builtin_accesses.extend(built.accesses);
        builtin_traces.push(built.trace);
        builtin_traces.extend(table.build_linked_traces(begin, stop, &input)?);
        used.push(builtin);
    }
    // The Blake table, after the builtin tables: one instance per Blake step.
    let blake_steps: Vec<&Step> = steps.iter().filter(|s| s.extension != 0).collect();
    public.blake_instances = blake_steps.len() as u64;
    let has_blake = !blake_steps.is_empty();
    if has_blake {
        let instances = blake_steps
            .iter()
            .map(|s| blake_instance(s, &memory))
            .collect::<Result<Vec<_>, _>>()?;
        let (trace, accesses) = blake_trace::build_trace(&instances);
        check_deduced(&memory, &accesses, "blake")?;
        blake_trace::count_lookups(&trace, &mut input);
        builtin_accesses.extend(accesses);
        builtin_traces.push(trace);
    }
    for lookup in crate::statement::used_lookup_tables(used.into_iter(), has_blake) {
        builtin_traces.push(input.lookup_trace(lookup));
    }

    let public_memory = public.public_memory();
    for (address, value) in &public_memory {
        if memory.get(*address) != *value {
            return Err(CairoError::BadExecution(format!(
                "public memory cell {address} disagrees with the run"
            )));
        }
    }

    // Memory holes: addresses up to the highest one used that no access or public cell covers.
    let step_addresses = |s: &Step| [s.pc, s.dst_addr, s.op0_addr, s.op1_addr];
    let addresses = || {
        public_memory
            .iter()
            .chain(&builtin_accesses)
            .map(|(a, _)| *a)
            .chain(steps.iter().flat_map(step_addresses))
    };
    let min_address = addresses().min().expect("non-empty");
    let max_address = addresses().max().expect("non-empty");
    if min_address != PROGRAM_BASE {
        return Err(CairoError::BadExecution(
            "the smallest address used must be the program base".into(),
        ));
    }
    // Every address in the range is a memory slot of some row (5 a row), so a longer range
    // cannot fit the largest trace: refuse it before allocating for it.
    let range = max_address - PROGRAM_BASE + 1;
    if range > (MEM_SLOTS as u64) << stark::MAX_LOG_TRACE_LENGTH {
        return Err(CairoError::TooLarge { steps: steps.len() });
    }
    let mut used = vec![false; range as usize];
    for address in addresses() {
        used[(address - PROGRAM_BASE) as usize] = true;
    }
    let holes: Vec<u64> =
        (PROGRAM_BASE..=max_address).filter(|a| !used[(a - PROGRAM_BASE) as usize]).collect();
    drop(used);

    // Range-check values: the offsets (16-bit by decoding), and fillers for the gaps between
    // them.
    let mut offsets = vec![false; 1 << 16];
    for offset in steps.iter().flat_map(|s| s.offsets) {
        offsets[offset as usize] = true;
    }
    let rc_min = offsets.iter().position(|&o| o).expect("non-empty") as u64;
    let rc_max = offsets.iter().rposition(|&o| o).expect("non-empty") as u64;
    let rc_gaps: Vec<u64> = (rc_min..=rc_max).filter(|v| !offsets[*v as usize]).collect();
    public.rc_min = rc_min;
    public.rc_max = rc_max;

    // Cells that only the sorted copy holds, each against a dummy `(0, 0)` access.
    let sorted_only: Vec<(u64, Felt)> =
        public_memory.iter().cloned().chain(builtin_accesses).collect();
    let needed = steps
        .len()
        .max(sorted_only.len() + holes.len())
        .max(1 + rc_gaps.len())
        .max(1 << stark::MIN_LOG_TRACE_LENGTH);
    let n = needed.next_power_of_two();
    public.log_size = n.trailing_zeros();
    if public.log_size > stark::MAX_LOG_TRACE_LENGTH {
        return Err(CairoError::TooLarge { steps: steps.len() });
    }

    let width = if has_blake { BLAKE_MAIN_WIDTH } else { MAIN_WIDTH };
    let mut columns = parallel::map_range(width, |_| vec![Felt::zero(); n]);
    let mut sorted_memory = vec![(0u64, Felt::zero()); MEM_SLOTS * n];
    let mut rc_values = vec![0u64; RC_SLOTS * n];
    // Rows in parallel chunks: each chunk owns its part of every column and of both lists.
    let chunk = parallel::chunk_size(n, 1 << 12);
    let mut parts: Vec<RowChunk<'_>> = sorted_memory
        .chunks_mut(MEM_SLOTS * chunk)
        .zip(rc_values.chunks_mut(RC_SLOTS * chunk))
        .enumerate()
        .map(|(i, (memory, rc))| RowChunk {
            first_row: i * chunk,
            columns: Vec::with_capacity(width),
            memory,
            rc,
        })
        .collect();
    for column in columns.iter_mut() {
        for (part, rows) in parts.iter_mut().zip(column.chunks_mut(chunk)) {
            part.columns.push(rows);
        }
    }
    let rows = CpuRows { steps: &steps, last: &last, sorted_only: &sorted_only, holes: &holes };
    let (rc_gaps, memory) = (&rc_gaps, &memory);
    parallel::for_each_mut(&mut parts, |_, part| rows.fill(part, rc_min, rc_gaps, memory));
    drop(parts);

    parallel::sort_by_key(&mut sorted_memory, |(a, _)| *a);
    parallel::sort_unstable(&mut rc_values);
    parallel::for_each_mut(&mut columns, |c, column| {
        if let Some(k) = (0..MEM_SLOTS).find(|k| sorted_addr(*k) == c) {
            for (r, v) in column.iter_mut().enumerate() {
                *v = Felt::from(sorted_memory[MEM_SLOTS * r + k].0);
            }
        } else if let Some(k) = (0..MEM_SLOTS).find(|k| sorted_value(*k) == c) {
            for (r, v) in column.iter_mut().enumerate() {
                *v = sorted_memory[MEM_SLOTS * r + k].1;
            }
        } else if (SORTED_RC..SORTED_RC + RC_SLOTS).contains(&c) {
            for (r, v) in column.iter_mut().enumerate() {
                *v = Felt::from(rc_values[RC_SLOTS * r + c - SORTED_RC]);
            }
        }
    });
    let mut traces = vec![TraceTable::new(columns, n)];
    traces.extend(builtin_traces);
    // The memory argument's count of builtin accesses (the statement's) is the tables' own.
    debug_assert_eq!(
        sorted_only.len() - public_memory.len(),
        crate::CairoAir::new(public.clone()).builtin_accesses() as usize
    );
    Ok((traces, public))
}

/// A chunk of CPU rows being filled: from `first_row`, its part of every main column and its
/// slots of the memory and range-check lists (to be sorted afterwards).
struct RowChunk<'a> {
    first_row: usize,
    columns: Vec<&'a mut [Felt]>,
    memory: &'a mut [(u64, Felt)],
    rc: &'a mut [u64],
}

/// What the CPU rows are made of: the steps (the last one repeats as padding), then the cells
/// that only the sorted copy holds and the memory holes, which fill the extra slots.
struct CpuRows<'a> {
    steps: &'a [Step],
    last: &'a Step,
    sorted_only: &'a [(u64, Felt)],
    holes: &'a [u64],
}

impl CpuRows<'_> {
    fn fill(&self, part: &mut RowChunk<'_>, rc_min: u64, rc_gaps: &[u64], memory: &Memory<'_>) {
        let rows = part.columns[0].len();
        let wide = part.columns.len() > MAIN_WIDTH;
        for j in 0..rows {
            let r = part.first_row + j;
            let s = self.steps.get(r).unwrap_or(self.last);
            let columns = &mut part.columns;
            let mut set = |c: usize, v: Felt| columns[c][j] = v;
            set(PC, Felt::from(s.pc));
            set(AP, Felt::from(s.ap));
            set(FP, Felt::from(s.fp));
            for (i, f) in s.flags.iter().enumerate() {
                set(flag(i), if *f { Felt::one() } else { Felt::zero() });
            }
            set(OFF_DST, Felt::from(s.offsets[0]));
            set(OFF_OP0, Felt::from(s.offsets[1]));
            set(OFF_OP1, Felt::from(s.offsets[2]));
            set(INST, s.inst);
            set(DST_ADDR, Felt::from(s.dst_addr));
            set(DST, s.dst);
            set(OP0_ADDR, Felt::from(s.op0_addr));
            set(OP0, s.op0);
            set(OP1_ADDR, Felt::from(s.op1_addr));
            set(OP1, s.op1);
            set(RES, s.res);
            let t0 = if s.flags[F_PC_JNZ] { s.dst } else { Felt::zero() };
            set(T1, t0 * s.res);
            set(T0, t0);
            set(MUL, s.op0 * s.op1);
            if wide {
                let bit = |b: bool| if b { Felt::one() } else { Felt::zero() };
                set(BLAKE, bit(s.extension == 1));
                set(BLAKE_FINALIZE, bit(s.extension == 2));
            }
            // Extra memory slot: dummy for a public or builtin cell, hole filler, or a repeat
            // of the fetch.
            let (extra_trace, extra_sorted) = if r < self.sorted_only.len() {
                ((0, Felt::zero()), self.sorted_only[r])
            } else if let Some(hole) = self.holes.get(r - self.sorted_only.len()) {
                let cell = (*hole, memory.get(*hole));
                (cell, cell)
            } else {
                let cell = (s.pc, s.inst);
                (cell, cell)
            };
            set(MEM_EXTRA_ADDR, Felt::from(extra_trace.0));
            set(MEM_EXTRA_VALUE, extra_trace.1);
            part.memory[MEM_SLOTS * j..MEM_SLOTS * (j + 1)].copy_from_slice(&[
                (s.pc, s.inst),
                (s.dst_addr, s.dst),
                (s.op0_addr, s.op0),
                (s.op1_addr, s.op1),
                extra_sorted,
            ]);
            // Extra range-check slot: rc_min first, then the gap fillers, then repeats.
            let extra_rc =
                if r == 0 { rc_min } else { rc_gaps.get(r - 1).copied().unwrap_or(rc_min) };
            set(RC_EXTRA, Felt::from(extra_rc));
            part.rc[RC_SLOTS * j..RC_SLOTS * (j + 1)].copy_from_slice(&[
                extra_rc,
                s.offsets[0],
                s.offsets[1],
                s.offsets[2],
            ]);
        }
    }
}

/// Running products of the memory and range-check permutations, slot by slot in row-major
/// order. Row 0's first factor is 1 by construction (see the AIR), so both start at 1.
pub fn build_aux_trace(main: &TraceTable, challenges: &[Felt]) -> TraceTable {
    let n = main.length();
    let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
    let z_rc = &challenges[CHALLENGE_RC_Z];
    let cell = |address: usize, value: usize, r: usize| {
        z - (main.get(r, address) + alpha * main.get(r, value))
    };
    let memory = permutation_products(
        n,
        MEM_SLOTS,
        |r, k| cell(MEM_ACCESS[k].0, MEM_ACCESS[k].1, r),
        |r, k| cell(sorted_addr(k), sorted_value(k), r),
    );
    let range_checks = permutation_products(
        n,
        RC_SLOTS,
        |r, k| z_rc - main.get(r, RC_ACCESS[k]),
        |r, k| z_rc - main.get(r, SORTED_RC + k),
    );
    let blake = main.width() > MAIN_WIDTH;
    let mut columns = vec![Vec::new(); if blake { BLAKE_AUX_WIDTH } else { AUX_WIDTH }];
    if blake {
        let z = crate::builtins::lookup::lookup_z(challenges);
        let denominators =
            parallel::map_range(n, |r| z - crate::air::blake_call(challenges, &row_of(main, r)));
        let steps: Vec<Felt> =
            (0..n).map(|r| main.get(r, BLAKE) + main.get(r, BLAKE_FINALIZE)).collect();
        let [before, after] = crate::builtins::lookup::table_sum_columns(denominators, &steps);
        columns[AUX_BLAKE_BEFORE] = before;
        columns[AUX_BLAKE_AFTER] = after;
    }
    for (k, column) in memory.into_iter().enumerate() {
        columns[AUX_MEM_PRODUCT + k] = column;
    }
    for (k, column) in range_checks.into_iter().enumerate() {
        columns[AUX_RC_PRODUCT + k] = column;
    }
    TraceTable::new(columns, n)
}

/// Row `r` of `main`.
fn row_of(main: &TraceTable, r: usize) -> Vec<Felt> {
    let mut row = Vec::new();
    main.read_row(r, &mut row);
    row
}

/// The running product of `numerator(r, k) / denominator(r, k)` over the `slots` of each row
/// `r` in row-major order, as one column per slot, with the first slot's factor replaced by 1.
/// Every step but the final scan runs in parallel.
fn permutation_products<N, D>(
    n: usize,
    slots: usize,
    numerator: N,
    denominator: D,
) -> Vec<Vec<Felt>>
where
    N: Fn(usize, usize) -> Felt + Sync + Send,
    D: Fn(usize, usize) -> Felt + Sync + Send,
{
    let mut factors = parallel::map_range(n * slots, |i| denominator(i / slots, i % slots));
    batch_inverse(&mut factors);
    let chunk = parallel::chunk_size(factors.len(), 1 << 12);
    parallel::for_each_chunk_mut(&mut factors, chunk, |c, out| {
        for (j, f) in out.iter_mut().enumerate() {
            let i = c * chunk + j;
            *f = if i == 0 { Felt::one() } else { numerator(i / slots, i % slots) * *f };
        }
    });
    running_products(&mut factors);
    parallel::map_range(slots, |k| (0..n).map(|r| factors[slots * r + k]).collect())
}

#[cfg(test)]
mod instruction_tests {
    use super::*;

    /// `[ap] = [ap - 1] + [fp - 2]; ap++`-like word with an opcode extension `extension`.
    fn word(extension: u64) -> Felt {
        let base: u64 = 0x4802_8000_7fff_7ffe;
        Felt::from(base) + Felt::from(extension) * Felt::from(2u64).pow(63u64)
    }

    #[test]
    fn stone_and_blake_instructions_decode_and_qm31_is_named() {
        assert_eq!(instruction_word(7, &word(0)).unwrap(), (0x4802_8000_7fff_7ffe, 0));
        assert_eq!(instruction_word(7, &word(1)).unwrap(), (0x4802_8000_7fff_7ffe, 1));
        assert_eq!(instruction_word(7, &word(2)).unwrap(), (0x4802_8000_7fff_7ffe, 2));
        let error = instruction_word(7, &word(3)).unwrap_err();
        assert!(matches!(error, CairoError::StwoOpcode { pc: 7, name: "QM31Operation" }));
        assert!(error.to_string().contains("QM31Operation"), "{error}");
        assert!(error.to_string().contains("Stwo"), "{error}");
        let unknown = instruction_word(7, &word(4)).unwrap_err();
        assert!(unknown.to_string().contains("no valid instruction at pc 7"), "{unknown}");
        let huge = instruction_word(7, &(Felt::zero() - Felt::one())).unwrap_err();
        assert!(huge.to_string().contains("no valid instruction"), "{huge}");
    }
}
