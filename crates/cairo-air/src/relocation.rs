//! Reads a finished cairo-vm proof-mode run into a [`CairoExecution`], laying its memory
//! segments out at the bases a relocation table gives: cairo-vm's own
//! ([`SegmentSizes::cairo_vm_layout`]), which every honest run uses, or any other a prover
//! chooses (the adversarial tests lay segments out where cairo-vm never would). A prover's
//! layout is no trust assumption: the verifier checks the statement it yields (segments in the
//! program's order, disjoint, after the execution segment, and the program's builtin list).
//! Only with the `prover` feature (cairo-vm).

use cairo_vm::air_private_input::PrivateInput;
use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable, relocate_value};
use cairo_vm::vm::runners::cairo_runner::CairoRunner;
use stark::Felt;

use crate::error::CairoError;
use crate::execution::{CairoExecution, EcdsaSignature};
use crate::program::Builtin;
use crate::public_input::{BuiltinSegment, from_vm_felt};

/// The memory segments of a finished run, before relocation.
#[derive(Clone, Debug)]
pub struct SegmentSizes {
    /// Cells of each segment as cairo-vm relocates it, by segment index: the program (0), the
    /// execution (1), the layout's builtins in its order, then the segments the run allocated.
    /// A builtin segment's size is padded to a power of two of instances.
    pub sizes: Vec<usize>,
    /// `(builtin name, segment index, stop offset)` of each builtin of the layout.
    builtins: Vec<(&'static str, usize, usize)>,
}

impl SegmentSizes {
    /// The segments of `runner`'s finished run (sizes as cairo-vm relocates them).
    pub fn of(runner: &CairoRunner) -> Self {
        let segments = &runner.vm.segments;
        let sizes = (0..segments.num_segments())
            .map(|index| segments.get_segment_size(index).unwrap_or(0))
            .collect();
        let builtins = runner
            .vm
            .builtin_runners
            .iter()
            .map(|b| {
                let (index, stop) = b.get_memory_segment_addresses();
                (b.name().to_str(), index, stop.unwrap_or(0))
            })
            .collect();
        SegmentSizes { sizes, builtins }
    }

    /// The segment index of builtin `name` (`"output"`, `"range_check"`, ...), if the layout
    /// has it.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.builtins.iter().find(|(builtin, _, _)| *builtin == name).map(|(_, index, _)| *index)
    }

    /// The stop offset of builtin `name`'s segment (its instances times their cells), if the
    /// layout has it.
    pub fn stop(&self, name: &str) -> Option<usize> {
        self.builtins.iter().find(|(builtin, _, _)| *builtin == name).map(|(_, _, stop)| *stop)
    }

    /// Bases that lay the segments out one after another from address 1, those in `first`
    /// first (in that order), then the others in index order.
    pub fn laid_out(&self, first: &[usize]) -> Vec<usize> {
        let rest = (0..self.sizes.len()).filter(|i| !first.contains(i));
        let mut bases = vec![0; self.sizes.len()];
        let mut next = 1;
        for i in first.iter().copied().chain(rest) {
            if let Some(base) = bases.get_mut(i) {
                *base = next;
                next += self.sizes[i];
            }
        }
        bases
    }

    /// cairo-vm's relocation: every segment in index order from address 1.
    pub fn cairo_vm_layout(&self) -> Vec<usize> {
        self.laid_out(&[])
    }
}

/// Reads `runner`'s finished run of `program` (run with neither memory nor trace relocated:
/// [`crate::proof_mode_config`]) with segment `i` at address `bases[i]`. Pointers in memory and
/// the trace are relocated with the same table, so the run stays a valid execution; a cell that
/// two segments would both hold must agree. The builtin segments are the program's, in
/// `%builtins` order.
pub fn read_execution(
    runner: &mut CairoRunner,
    program: &Program,
    bases: &[usize],
) -> Result<CairoExecution, CairoError> {
    let run_error = |e: &dyn std::fmt::Display| CairoError::Run(e.to_string());
    let sizes = SegmentSizes::of(runner);
    if bases.len() != sizes.sizes.len() {
        return Err(CairoError::Run(format!(
            "{} bases for {} segments",
            bases.len(),
            sizes.sizes.len()
        )));
    }
    let memory = relocated_memory(runner, &sizes.sizes, bases)?;
    runner.relocate_trace(bases).map_err(|e| run_error(&e))?;
    let trace = runner
        .relocated_trace
        .as_ref()
        .ok_or_else(|| CairoError::Run("no relocated trace".into()))?
        .iter()
        .map(|e| (e.pc as u64, e.ap as u64, e.fp as u64))
        .collect();

    let mut builtins = Vec::new();
    let mut output = Vec::new();
    let mut signatures = Vec::new();
    for name in program.iter_builtins() {
        let builtin = Builtin::from_name(name.to_str())
            .ok_or_else(|| CairoError::UnsupportedBuiltins(name.to_str().into()))?;
        let builtin_runner =
            runner.vm.builtin_runners.iter().find(|b| b.name() == *name).ok_or_else(|| {
                CairoError::Run(format!("no segment for builtin {}", name.to_str()))
            })?;
        let (index, stop) = builtin_runner.get_memory_segment_addresses();
        let stop = stop.ok_or_else(|| {
            CairoError::Run(format!("builtin {} has no stop pointer", name.to_str()))
        })?;
        let base = *bases.get(index).ok_or_else(|| {
            CairoError::Run(format!("no base for the segment of {}", name.to_str()))
        })?;
        let (begin, stop) = (base as u64, (base + stop) as u64);
        if builtin == Builtin::Output {
            output = (begin..stop)
                .map(|a| {
                    memory
                        .get(a as usize)
                        .copied()
                        .flatten()
                        .ok_or_else(|| CairoError::Run(format!("output cell {a} is empty")))
                })
                .collect::<Result<_, _>>()?;
        }
        if builtin == Builtin::Ecdsa {
            signatures = ecdsa_signatures(runner, begin);
        }
        builtins.push(BuiltinSegment { builtin, begin, stop });
    }
    Ok(CairoExecution {
        program: program_data(program)?,
        trace,
        memory,
        builtins,
        output,
        signatures,
    })
}

/// The memory, segment `i` at `bases[i]`; `None` for cells never written.
fn relocated_memory(
    runner: &CairoRunner,
    sizes: &[usize],
    bases: &[usize],
) -> Result<Vec<Option<Felt>>, CairoError> {
    let segments = &runner.vm.segments;
    let mut memory: Vec<Option<Felt>> = Vec::new();
    for (index, (size, base)) in sizes.iter().zip(bases).enumerate() {
        for offset in 0..*size {
            let Ok(value) =
                segments.memory.get_maybe_relocatable(Relocatable::from((index as isize, offset)))
            else {
                continue;
            };
            let value = relocate_value(value, bases).map_err(|e| CairoError::Run(e.to_string()))?;
            let value = from_vm_felt(&value);
            let address = base + offset;
            if memory.len() <= address {
                memory.resize(address + 1, None);
            }
            match memory[address] {
                Some(other) if other != value => {
                    return Err(CairoError::Run(format!(
                        "the layout puts two different values at cell {address}"
                    )));
                }
                _ => memory[address] = Some(value),
            }
        }
    }
    Ok(memory)
}

/// The program's bytecode.
pub(crate) fn program_data(program: &Program) -> Result<Vec<Felt>, CairoError> {
    program
        .iter_data()
        .map(|w| match w {
            MaybeRelocatable::Int(x) => Ok(from_vm_felt(x)),
            MaybeRelocatable::RelocatableValue(_) => {
                Err(CairoError::BadProgram("relocatable in program data".into()))
            }
        })
        .collect()
}

/// The signatures of the run's `ecdsa` instances, from cairo-vm's AIR private input (instance
/// `index` lies at `begin + 2 index` once relocated).
fn ecdsa_signatures(runner: &CairoRunner, begin: u64) -> Vec<EcdsaSignature> {
    let private = runner.get_air_private_input();
    let mut signatures: Vec<EcdsaSignature> = private
        .0
        .get(&BuiltinName::ecdsa)
        .into_iter()
        .flatten()
        .filter_map(|input| match input {
            PrivateInput::Signature(s) => Some(EcdsaSignature {
                address: begin + 2 * s.index as u64,
                r: from_vm_felt(&s.signature_input.r),
                w: from_vm_felt(&s.signature_input.w),
            }),
            _ => None,
        })
        .collect();
    signatures.sort_by_key(|s| s.address);
    signatures
}
