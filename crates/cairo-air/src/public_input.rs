//! The public input of a Cairo proof: the program, the initial and final registers, the
//! range of offsets, the output, and the trace length. Everything the verifier trusts about
//! the run is derived from it, and its canonical bytes seed the transcript.

use lambdaworks_math::unsigned_integer::element::UnsignedInteger;
use stark::{ByteReader, ByteWriter, DecodeError, Felt};
use starknet_types_core::felt::Felt as Felt252;
use starknet_types_core::hash::{Poseidon, StarkHash};

use crate::error::CairoError;

/// cairo-vm relocates the program segment to address 1.
pub const PROGRAM_BASE: u64 = 1;
/// Encoding of `jmp rel 0`, the instruction proof mode loops on at `__end__`.
pub const JMP_REL_0: u64 = 0x0107_8001_7fff_7fff;
/// Version tag of the public-input encoding.
const ENCODING_VERSION: u8 = 1;

/// Builtins the prover supports, with a segment in the public input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Output,
    RangeCheck,
    Bitwise,
    Poseidon,
    Pedersen,
    Ecdsa,
}

impl Builtin {
    fn id(self) -> u8 {
        match self {
            Builtin::Output => 0,
            Builtin::RangeCheck => 1,
            Builtin::Poseidon => 2,
            Builtin::Bitwise => 3,
            Builtin::Pedersen => 4,
            Builtin::Ecdsa => 5,
        }
    }
    fn from_id(id: u8) -> Option<Self> {
        match id {
            0 => Some(Builtin::Output),
            1 => Some(Builtin::RangeCheck),
            2 => Some(Builtin::Poseidon),
            3 => Some(Builtin::Bitwise),
            4 => Some(Builtin::Pedersen),
            5 => Some(Builtin::Ecdsa),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Output => "output",
            Builtin::RangeCheck => "range_check",
            Builtin::Poseidon => "poseidon",
            Builtin::Bitwise => "bitwise",
            Builtin::Pedersen => "pedersen",
            Builtin::Ecdsa => "ecdsa",
        }
    }
}

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
    pub log_trace_length: u32,
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
}

pub(crate) fn to_vm_felt(x: &Felt) -> Felt252 {
    Felt252::from_raw(x.value().limbs)
}

pub(crate) fn from_vm_felt(x: &Felt252) -> Felt {
    Felt::from_raw(UnsignedInteger { limbs: x.to_raw() })
}

/// Poseidon hash of the program bytecode: the value a verifier pins.
pub fn program_hash(program: &[Felt]) -> Felt252 {
    let words: Vec<Felt252> = program.iter().map(to_vm_felt).collect();
    Poseidon::hash_array(&words)
}

impl CairoPublicInput {
    pub fn program_hash(&self) -> Felt252 {
        program_hash(&self.program)
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

    pub fn output_segment(&self) -> Option<&BuiltinSegment> {
        self.builtins.iter().find(|b| b.builtin == Builtin::Output)
    }

    /// Structural checks a verifier makes before looking at the proof: the run starts at the
    /// program's first word and ends on a `jmp rel 0` of the program, the stack lies above the
    /// program, offsets fit in 16 bits and the output matches its segment.
    pub fn validate(&self) -> Result<(), CairoError> {
        let bad = |why: &str| Err(CairoError::BadPublicInput(why.to_string()));
        let program_end = PROGRAM_BASE + self.program.len() as u64;
        if self.initial_pc != PROGRAM_BASE {
            return bad("the run must start at the program's first word");
        }
        let end = self.final_pc.checked_sub(PROGRAM_BASE).map(|o| o as usize);
        let loops = end.is_some_and(|o| {
            self.program.get(o) == Some(&Felt::from(JMP_REL_0))
                && self.program.get(o + 1) == Some(&Felt::zero())
        });
        if !loops {
            return bad("the final pc is not a `jmp rel 0` of the program");
        }
        if self.initial_ap < program_end + 2
            || self.final_ap < self.initial_ap + self.builtins.len() as u64
        {
            return bad("the stack must lie above the program");
        }
        if self.rc_min > self.rc_max || self.rc_max >= 1 << 16 {
            return bad("range-check bounds must satisfy rc_min <= rc_max < 2^16");
        }
        if self.builtins.iter().any(|b| b.stop < b.begin || b.begin < self.final_ap) {
            return bad("builtin segments must lie after the execution segment");
        }
        for (i, b) in self.builtins.iter().enumerate() {
            if self.builtins[..i].iter().any(|other| other.builtin == b.builtin) {
                return bad("a builtin appears twice");
            }
            if b.builtin != Builtin::Output && b.stop - b.begin > 1 << stark::MAX_LOG_TRACE_LENGTH {
                return bad("a builtin segment is larger than the prover's largest table");
            }
            // 512 rows per pedersen instance.
            let pedersen_limit = 3 << (stark::MAX_LOG_TRACE_LENGTH - 9);
            if b.builtin == Builtin::Pedersen && b.stop - b.begin > pedersen_limit {
                return bad("the pedersen segment is larger than the prover's largest table");
            }
            // 512 rows per ecdsa instance.
            let ecdsa_limit = 2 << (stark::MAX_LOG_TRACE_LENGTH - 9);
            if b.builtin == Builtin::Ecdsa && b.stop - b.begin > ecdsa_limit {
                return bad("the ecdsa segment is larger than the prover's largest table");
            }
        }
        let output_len = self.output_segment().map_or(0, |o| o.stop - o.begin);
        if output_len != self.output.len() as u64 {
            return bad("the output does not fill its segment");
        }
        if !(stark::MIN_LOG_TRACE_LENGTH..=stark::MAX_LOG_TRACE_LENGTH)
            .contains(&self.log_trace_length)
        {
            return bad("unsupported trace length");
        }
        Ok(())
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::new();
        w.u8(ENCODING_VERSION);
        w.u8(self.log_trace_length as u8);
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
        w.into_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = ByteReader::new(bytes);
        let version = r.u8("public input version")?;
        if version != ENCODING_VERSION {
            return Err(DecodeError(format!("public input version {version} is not supported")));
        }
        let log_trace_length = u32::from(r.u8("trace length")?);
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
        r.finish()?;
        Ok(Self {
            log_trace_length,
            program,
            initial_pc,
            final_pc,
            initial_ap,
            final_ap,
            rc_min,
            rc_max,
            builtins,
            output,
        })
    }
}
