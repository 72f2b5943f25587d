//! Cairo 1 (CASM) classes in the OS: what a loaded class is ([`CasmClassInput`]: its
//! `CompiledClass` layout, entry-point selectors and CASM hints), the Sierra gas the OS charges
//! per syscall ([`syscall_gas_cost`], the values of `os-program/os/constants.cairo`), and the
//! responses of the `SystemCall` hint (`write_syscall_response`) from the executor's trace.
//!
//! The hints only propose: the OS checks every response after the entry point returns
//! (`os-program/os/execution.cairo`, `execute_cairo1_syscalls`).

use std::sync::Arc;

use cairo_lang_casm::hints::Hint;
use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_vm::types::relocatable::Relocatable;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::vm_core::VirtualMachine;
use chain::Felt;

use crate::compiled_class::CompiledClassInput;

/// The Cairo 1 TxInfo fields the OS takes from a hint and checks (`cairo1_tx_info` in
/// `transactions.cairo`): the encoded resource bounds as (resource, max_amount,
/// max_price_per_unit) triples, and the nonce and fee data-availability modes.
pub(crate) fn decode_v3_fields(resource_bounds: &[Felt], modes: Felt) -> (Vec<Felt>, Felt, Felt) {
    let mut flat = Vec::with_capacity(3 * resource_bounds.len());
    for encoded in resource_bounds {
        let bytes = encoded.to_bytes_be();
        flat.push(Felt::from_bytes_be_slice(&bytes[..8]));
        flat.push(Felt::from_bytes_be_slice(&bytes[8..16]));
        flat.push(Felt::from_bytes_be_slice(&bytes[16..]));
    }
    let modes = modes.to_bytes_be();
    let nonce_mode = Felt::from_bytes_be_slice(&modes[..28]);
    let fee_mode = Felt::from_bytes_be_slice(&modes[28..]);
    (flat, nonce_mode, fee_mode)
}

/// A CASM class as the OS loads it, for the Sierra class `class_hash`.
#[derive(Clone, Debug)]
pub struct CasmClassInput {
    /// The Sierra class hash (the OS binds the CASM to it through the classes trie).
    pub class_hash: Felt,
    /// The `CompiledClass` the hint writes.
    pub class: CompiledClassInput,
    /// The CASM hints by bytecode offset.
    pub hints: Vec<(usize, Vec<Hint>)>,
}

impl CasmClassInput {
    /// The OS's view of `casm`, the CASM of the Sierra class `class_hash`.
    pub fn new(class_hash: Felt, casm: &Arc<CasmContractClass>) -> Self {
        CasmClassInput {
            class_hash,
            class: CompiledClassInput::from_casm(casm),
            hints: casm.hints.clone(),
        }
    }

    /// The selectors of the entry points of type `entry_point_type` (0 external, 1
    /// constructor), in the class's order.
    pub fn selectors(&self, entry_point_type: Felt) -> Vec<Felt> {
        let list = if entry_point_type == Felt::ZERO {
            &self.class.external
        } else {
            &self.class.constructor
        };
        list.iter().map(|entry_point| entry_point.selector).collect()
    }
}

/// `STORAGE_READ_GAS_COST` of `constants.cairo`, and so on: the Sierra gas a syscall costs
/// beyond the base cost the compiled code charged; `None` for a syscall the OS does not replay.
pub fn syscall_gas_cost(selector: &str) -> Option<u64> {
    Some(match selector {
        "StorageRead" => 14_070,
        "StorageWrite" => 49_970,
        "EmitEvent" => 0,
        "CallContract" => 81_360,
        "LibraryCall" => 78_660,
        "GetExecutionInfo" => 1_240,
        "SendMessageToL1" => 2_770,
        "ReplaceClass" => 0,
        "Deploy" => 137_120,
        "GetBlockHash" => 810,
        "GetClassHashAt" => 0,
        "Keccak" => 0,
        "Sha256ProcessBlock" => 829_995,
        _ => return None,
    })
}

/// `KECCAK_ROUND_GAS_COST` of `constants.cairo`: what the `keccak` syscall costs per 17-word
/// block of its input, beyond [`syscall_gas_cost`].
pub const KECCAK_ROUND_GAS_COST: u64 = 165_137;

/// 64-bit words a `keccak` syscall absorbs per Keccak-f round (its input is whole blocks).
const KECCAK_RATE_WORDS: usize = 17;

/// The `keccak` syscall's answer to `words`: Keccak-f[1600] over each 17-word block xored into
/// the state, and the state's first four words as a u256 (low, high), with the number of
/// rounds; `None` if `words` is not whole blocks (blockifier reverts the call).
pub(crate) fn keccak_syscall(words: &[u64]) -> Option<(u64, (Felt, Felt))> {
    if !words.len().is_multiple_of(KECCAK_RATE_WORDS) {
        return None;
    }
    let mut state = [0u64; 25];
    for block in words.chunks(KECCAK_RATE_WORDS) {
        for (lane, word) in state.iter_mut().zip(block) {
            *lane ^= word;
        }
        keccak::f1600(&mut state);
    }
    let u128_of = |low: u64, high: u64| Felt::from((u128::from(high) << 64) | u128::from(low));
    let rounds = (words.len() / KECCAK_RATE_WORDS) as u64;
    Some((rounds, (u128_of(state[0], state[1]), u128_of(state[2], state[3]))))
}

/// `SEND_MESSAGE_TO_L1_GAS_COST_PER_FELT` of `constants.cairo`: the Sierra gas a syscall costs
/// per felt of its variable-length part (blockifier's `calldata_factor`; for `send_message_to_l1`
/// its payload, for `deploy` the constructor calldata), 0 for the syscalls without one.
pub fn syscall_gas_cost_per_felt(selector: &str) -> u64 {
    match selector {
        "SendMessageToL1" => 600,
        "Deploy" => 4_850,
        _ => 0,
    }
}

/// The syscall a request at `ptr` makes: its selector as a string.
pub(crate) fn syscall_name(vm: &VirtualMachine, ptr: Relocatable) -> Result<String, HintError> {
    let selector = *vm.get_integer(ptr)?;
    let bytes = selector.to_bytes_be();
    let text: String = bytes
        .iter()
        .skip_while(|byte| **byte == 0)
        .map(|byte| if byte.is_ascii_graphic() { *byte as char } else { '?' })
        .collect();
    Ok(text)
}

/// The `sha256_process_block` syscall's answer: `state` after compressing the 64-byte `block`
/// (16 big-endian 32-bit words).
pub(crate) fn sha256_compress(mut state: [u32; 8], block: &[u32; 16]) -> [u32; 8] {
    let mut bytes = [0u8; 64];
    for (chunk, word) in bytes.chunks_mut(4).zip(block) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    sha2::compress256(&mut state, &[bytes.into()]);
    state
}

/// What the executor's trace answers for one syscall of the running call.
pub(crate) enum SyscallAnswer {
    /// A syscall answering one felt: a storage read's value, `get_block_hash`'s hash,
    /// `get_class_hash_at`'s class hash.
    Value(Felt),
    /// A `keccak`: the rounds run (each charged [`KECCAK_ROUND_GAS_COST`]) and the hash (low,
    /// high).
    Keccak { rounds: u64, hash: (Felt, Felt) },
    /// A syscall whose response has no fields (storage write, event).
    Empty,
    /// A syscall whose response has no fields and whose cost grows with the length of a span of
    /// its request (`send_message_to_l1`: its payload's).
    EmptyCharged { linear_length: u64 },
    /// A pointer (`get_execution_info`: the OS's ExecutionInfo; `sha256_process_block`: the new
    /// state).
    Pointer(Relocatable),
    /// A call: the gas the callee consumed (deducted beyond the syscall's cost) and its return
    /// data (start, end).
    Call { consumed: u64, retdata: (Relocatable, Relocatable) },
    /// A deployment: the constructor's consumed gas, the calldata length (priced per felt), the
    /// deployed address and the constructor's return data (start, end).
    Deploy { consumed: u64, linear_length: u64, address: Felt, retdata: (Relocatable, Relocatable) },
}

/// Writes the response of the Cairo 1 syscall at `ptr` (request `[selector, gas, fields...]`):
/// `[gas - cost, 0, fields...]` after the request (for a call, the gas less the callee's
/// consumption too). `request_len` is the request's length.
pub(crate) fn write_syscall_response(
    vm: &mut VirtualMachine,
    ptr: Relocatable,
    name: &str,
    request_len: usize,
    answer: SyscallAnswer,
) -> Result<(), HintError> {
    let cost = syscall_gas_cost(name).ok_or_else(|| unsupported(name))?;
    let gas = *vm.get_integer((ptr + 1)?)?;
    let consumed = match answer {
        SyscallAnswer::Call { consumed, .. } => consumed,
        SyscallAnswer::EmptyCharged { linear_length } => {
            syscall_gas_cost_per_felt(name) * linear_length
        }
        SyscallAnswer::Deploy { consumed, linear_length, .. } => {
            syscall_gas_cost_per_felt(name) * linear_length + consumed
        }
        SyscallAnswer::Keccak { rounds, .. } => KECCAK_ROUND_GAS_COST * rounds,
        _ => 0,
    };
    let charged = Felt::from(cost) + Felt::from(consumed);
    if gas < charged {
        return Err(custom(format!("the {name} syscall runs out of gas (not supported yet)")));
    }
    let response = (ptr + request_len)?;
    vm.insert_value(response, gas - charged)?;
    vm.insert_value((response + 1)?, Felt::ZERO)?;
    match answer {
        SyscallAnswer::Value(value) => vm.insert_value((response + 2)?, value)?,
        SyscallAnswer::Keccak { hash: (low, high), .. } => {
            vm.insert_value((response + 2)?, low)?;
            vm.insert_value((response + 3)?, high)?;
        }
        SyscallAnswer::Call { retdata: (start, end), .. } => {
            vm.insert_value((response + 2)?, start)?;
            vm.insert_value((response + 3)?, end)?;
        }
        SyscallAnswer::Deploy { address, retdata: (start, end), .. } => {
            vm.insert_value((response + 2)?, address)?;
            vm.insert_value((response + 3)?, start)?;
            vm.insert_value((response + 4)?, end)?;
        }
        SyscallAnswer::Pointer(pointer) => vm.insert_value((response + 2)?, pointer)?,
        SyscallAnswer::Empty | SyscallAnswer::EmptyCharged { .. } => {}
    }
    Ok(())
}

pub(crate) fn unsupported(name: &str) -> HintError {
    custom(format!("the OS does not support the Cairo 1 syscall {name} yet"))
}

fn custom(message: String) -> HintError {
    HintError::CustomHint(message.into_boxed_str())
}
