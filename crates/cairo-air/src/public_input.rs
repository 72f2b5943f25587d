//! The public input of a Cairo proof: the program, the initial and final registers, the
//! range of offsets, the output, and the trace length. Everything the verifier trusts about
//! the run is derived from it, and its canonical bytes seed the transcript.

use lambdaworks_math::unsigned_integer::element::UnsignedInteger;
use stark::{ByteReader, ByteWriter, DecodeError, Felt};
use starknet_types_core::felt::Felt as Felt252;

use crate::error::PublicInputError;
use crate::program::{Builtin, CairoProgram};

/// cairo-vm relocates the program segment to address 1.
pub const PROGRAM_BASE: u64 = 1;
/// Encoding of `jmp rel 0`, the instruction proof mode loops on at `__end__`.
pub const JMP_REL_0: u64 = 0x0107_8001_7fff_7fff;
/// Version tag of the public-input encoding (2: the program hash binds the builtin list and
/// the end; the encoding itself is the same as version 1's).
const ENCODING_VERSION: u8 = 2;

/// A builtin's memory segment `[begin, stop)`: `begin` is what `main` received in its
/// implicit argument, `stop` what it returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltinSegment {
    pub builtin: Builtin,
    pub begin: u64,
    pub stop: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CairoPublicInput {
    pub log_size: u32,
    /// The program's bytecode, loaded at [`PROGRAM_BASE`].
    pub program: Vec<Felt>,
    pub initial_pc: u64,
    pub final_pc: u64,
    /// Initial `ap` (equal to the initial `fp`).
    pub initial_ap: u64,
    pub final_ap: u64,
    /// Smallest and largest biased offset (and range-checked value).
    pub rc_min: u64,
    pub rc_max: u64,
    /// Builtin segments, in the order of the program's `%builtins` directive.
    pub builtins: Vec<BuiltinSegment>,
    /// Values written to the output segment, `stop - begin` of them.
    pub output: Vec<Felt>,
    /// The run's number of Blake steps (opcode extensions `Blake` and `BlakeFinalize`): it
    /// sizes the Blake table and its memory accesses. Encoded only when not 0, so a proof
    /// of a run without Blake steps has the same public input as before the Blake table.
    pub blake_instances: u64,
}

pub(crate) fn to_vm_felt(x: &Felt) -> Felt252 {
    Felt252::from_raw(x.value().limbs)
}

#[cfg_attr(not(feature = "prover"), allow(dead_code))]
pub(crate) fn from_vm_felt(x: &Felt252) -> Felt {
    Felt::from_raw(UnsignedInteger { limbs: x.to_raw() })
}

impl CairoPublicInput {
    /// The program this statement is about: its bytecode, its builtin list (the segments'
    /// builtins, in order) and its end (the final pc's offset).
    pub fn program(&self) -> CairoProgram {
        CairoProgram {
            bytecode: self.program.clone(),
            builtins: self.builtins.iter().map(|b| b.builtin).collect(),
            end: self.final_pc.saturating_sub(PROGRAM_BASE),
        }
    }

    /// The hash a verifier pins: [`CairoProgram::hash`] of [`Self::program`].
    pub fn program_hash(&self) -> Felt252 {
        self.program().hash()
    }

    /// Memory cells the verifier knows: the program, the execution segment's initial stack
    /// (return fp and pc dummies, builtin bases) and final stack (builtin stops), and the
    /// output. Their values enter the memory permutation as public memory.
    pub fn public_memory(&self) -> Vec<(u64, Felt)> {
        let k = self.builtins.len() as u64;
        let mut cells = Vec::with_capacity(
            self.program.len() + 2 + 2 * self.builtins.len() + self.output.len(),
        );
        for (i, word) in self.program.iter().enumerate() {
            cells.push((PROGRAM_BASE + i as u64, *word));
        }
        cells.push((self.initial_ap - 2, Felt::from(self.initial_ap)));
        cells.push((self.initial_ap - 1, Felt::zero()));
        for (i, segment) in self.builtins.iter().enumerate() {
            cells.push((self.initial_ap + i as u64, Felt::from(segment.begin)));
            cells.push((self.final_ap - k + i as u64, Felt::from(segment.stop)));
        }
        if let Some(output) = self.output_segment() {
            for (i, value) in self.output.iter().enumerate() {
                cells.push((output.begin + i as u64, *value));
            }
        }
        cells
    }

    /// The segment labelled `output`, if the program has one.
    pub fn output_segment(&self) -> Option<&BuiltinSegment> {
        self.builtins.iter().find(|b| b.builtin == Builtin::Output)
    }

    /// Structural checks a verifier makes before looking at the proof: the run starts at the
    /// program's first word and ends on a `jmp rel 0` of the program, the stack lies above the
    /// program, offsets fit in 16 bits, the builtin segments lie after the execution segment,
    /// in order, disjoint, each a whole number of instances, and the output fills its segment.
    /// Every bound is computed with checked arithmetic: no value makes it panic.
    pub fn validate(&self) -> Result<(), PublicInputError> {
        use PublicInputError as E;
        if !(stark::MIN_LOG_TRACE_LENGTH..=stark::MAX_LOG_TRACE_LENGTH).contains(&self.log_size) {
            return Err(E::UnsupportedTraceLength { log_size: self.log_size });
        }
        if self.initial_pc != PROGRAM_BASE {
            return Err(E::StartNotAtProgram { initial_pc: self.initial_pc });
        }
        let loops = self.final_pc.checked_sub(PROGRAM_BASE).is_some_and(|offset| {
            let word = |k: u64| {
                offset
                    .checked_add(k)
                    .and_then(|o| usize::try_from(o).ok())
                    .and_then(|o| self.program.get(o))
            };
            word(0) == Some(&Felt::from(JMP_REL_0)) && word(1) == Some(&Felt::zero())
        });
        if !loops {
            return Err(E::EndNotJmpRel0 { final_pc: self.final_pc });
        }
        let n_builtins = self.builtins.len() as u64;
        let stack_floor = (self.program.len() as u64).checked_add(PROGRAM_BASE + 2);
        if stack_floor.is_none_or(|floor| self.initial_ap < floor) {
            return Err(E::StackBelowProgram { initial_ap: self.initial_ap });
        }
        if self.initial_ap.checked_add(n_builtins).is_none_or(|top| self.final_ap < top) {
            return Err(E::StackTooShort { final_ap: self.final_ap, n_builtins });
        }
        if self.rc_min > self.rc_max || self.rc_max >= 1 << 16 {
            return Err(E::RangeCheckBounds { rc_min: self.rc_min, rc_max: self.rc_max });
        }
        let mut previous: Option<&BuiltinSegment> = None;
        for (i, segment) in self.builtins.iter().enumerate() {
            let builtin = segment.builtin;
            if self.builtins[..i].iter().any(|other| other.builtin == builtin) {
                return Err(E::DuplicateBuiltin { builtin });
            }
            if segment.stop < segment.begin {
                return Err(E::SegmentReversed {
                    builtin,
                    begin: segment.begin,
                    stop: segment.stop,
                });
            }
            if segment.begin < self.final_ap {
                return Err(E::SegmentInExecution { builtin, begin: segment.begin });
            }
            if let Some(previous) = previous {
                if segment.begin < previous.begin {
                    return Err(E::SegmentsOutOfOrder { first: previous.builtin, second: builtin });
                }
                if segment.begin < previous.stop {
                    return Err(E::SegmentsOverlap { first: previous.builtin, second: builtin });
                }
            }
            let size = segment.stop - segment.begin;
            let cells = builtin.cells_per_instance();
            if size % cells != 0 {
                return Err(E::PartialInstance { builtin, size, cells });
            }
            if size > builtin.max_segment_size() {
                return Err(E::SegmentTooLarge { builtin, size });
            }
            previous = Some(segment);
        }
        let max_blake =
            (1u64 << stark::MAX_LOG_TRACE_LENGTH) / crate::opcodes::blake::columns::ROWS as u64;
        if self.blake_instances > max_blake {
            return Err(E::TooManyBlakeInstances { instances: self.blake_instances });
        }
        let output_len = self.output_segment().map_or(0, |o| o.stop - o.begin);
        if output_len != self.output.len() as u64 {
            return Err(E::OutputLength { segment: output_len, values: self.output.len() as u64 });
        }
        Ok(())
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::new();
        w.u8(ENCODING_VERSION);
        w.u8(self.log_size as u8);
        w.felts(&self.program);
        for v in [
            self.initial_pc,
            self.final_pc,
            self.initial_ap,
            self.final_ap,
            self.rc_min,
            self.rc_max,
        ] {
            w.u64(v);
        }
        w.u32(self.builtins.len() as u32);
        for b in &self.builtins {
            w.u8(b.builtin.id());
            w.u64(b.begin);
            w.u64(b.stop);
        }
        w.felts(&self.output);
        if self.blake_instances > 0 {
            w.u64(self.blake_instances);
        }
        w.into_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = ByteReader::new(bytes);
        let version = r.u8("public input version")?;
        if version != ENCODING_VERSION {
            return Err(DecodeError(format!("public input version {version} is not supported")));
        }
        let log_size = u32::from(r.u8("trace length")?);
        let program = r.felts("program")?;
        let mut registers = [0u64; 6];
        for v in registers.iter_mut() {
            *v = r.u64("registers")?;
        }
        let [initial_pc, final_pc, initial_ap, final_ap, rc_min, rc_max] = registers;
        let n_builtins = r.count(17, "builtins")?;
        let mut builtins = Vec::with_capacity(n_builtins);
        for _ in 0..n_builtins {
            let id = r.u8("builtin")?;
            let builtin = Builtin::from_id(id)
                .ok_or_else(|| DecodeError(format!("unknown builtin id {id}")))?;
            builtins.push(BuiltinSegment {
                builtin,
                begin: r.u64("builtin begin")?,
                stop: r.u64("builtin stop")?,
            });
        }
        let output = r.felts("output")?;
        // Trailing, and only when not 0: one encoding per statement.
        let blake_instances = if r.finish().is_ok() {
            0
        } else {
            let count = r.u64("blake instances")?;
            if count == 0 {
                return Err(DecodeError("0 Blake instances are encoded by omission".into()));
            }
            r.finish()?;
            count
        };
        Ok(Self {
            log_size,
            program,
            initial_pc,
            final_pc,
            initial_ap,
            final_ap,
            rc_min,
            rc_max,
            builtins,
            output,
            blake_instances,
        })
    }
}
