//! The table of Starknet's deprecated syscalls: the hint string that calls each one, its
//! request selector and the size of its request-plus-response struct (see [`crate::syscalls`]
//! for the layouts).

/// The deprecated syscalls, by the exact hint code that calls them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Syscall {
    StorageRead,
    StorageWrite,
    CallContract,
    LibraryCall,
    GetCallerAddress,
    GetContractAddress,
    GetSequencerAddress,
    GetTxInfo,
    GetTxSignature,
    EmitEvent,
    SendMessageToL1,
    GetBlockNumber,
    GetBlockTimestamp,
    Deploy,
}

impl Syscall {
    pub(crate) fn from_hint(code: &str) -> Option<Syscall> {
        let name = code
            .strip_prefix("syscall_handler.")?
            .strip_suffix("(segments=segments, syscall_ptr=ids.syscall_ptr)")?;
        Some(match name {
            "storage_read" => Syscall::StorageRead,
            "storage_write" => Syscall::StorageWrite,
            "call_contract" => Syscall::CallContract,
            "library_call" => Syscall::LibraryCall,
            "get_caller_address" => Syscall::GetCallerAddress,
            "get_contract_address" => Syscall::GetContractAddress,
            "get_sequencer_address" => Syscall::GetSequencerAddress,
            "get_tx_info" => Syscall::GetTxInfo,
            "get_tx_signature" => Syscall::GetTxSignature,
            "emit_event" => Syscall::EmitEvent,
            "send_message_to_l1" => Syscall::SendMessageToL1,
            "get_block_number" => Syscall::GetBlockNumber,
            "get_block_timestamp" => Syscall::GetBlockTimestamp,
            "deploy" => Syscall::Deploy,
            _ => return None,
        })
    }

    /// The request selector (a short string) and the size of the whole struct.
    pub(crate) fn selector_and_size(self) -> (&'static str, usize) {
        match self {
            Syscall::StorageRead => ("StorageRead", 3),
            Syscall::StorageWrite => ("StorageWrite", 3),
            Syscall::CallContract => ("CallContract", 7),
            Syscall::LibraryCall => ("LibraryCall", 7),
            Syscall::GetCallerAddress => ("GetCallerAddress", 2),
            Syscall::GetContractAddress => ("GetContractAddress", 2),
            Syscall::GetSequencerAddress => ("GetSequencerAddress", 2),
            Syscall::GetTxInfo => ("GetTxInfo", 2),
            Syscall::GetTxSignature => ("GetTxSignature", 3),
            Syscall::EmitEvent => ("EmitEvent", 5),
            Syscall::SendMessageToL1 => ("SendMessageToL1", 4),
            Syscall::GetBlockNumber => ("GetBlockNumber", 2),
            Syscall::GetBlockTimestamp => ("GetBlockTimestamp", 2),
            Syscall::Deploy => ("Deploy", 9),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_strings_map_to_syscalls() {
        let code = "syscall_handler.storage_read(segments=segments, syscall_ptr=ids.syscall_ptr)";
        assert_eq!(Syscall::from_hint(code), Some(Syscall::StorageRead));
        assert_eq!(
            Syscall::from_hint(
                "syscall_handler.call_contract(segments=segments, syscall_ptr=ids.syscall_ptr)"
            ),
            Some(Syscall::CallContract)
        );
        assert_eq!(Syscall::from_hint("syscall_handler.storage_read(segments=segments)"), None);
        assert_eq!(Syscall::from_hint("memory[ap] = segments.add()"), None);
        assert_eq!(
            Syscall::from_hint(
                "syscall_handler.replace_class(segments=segments, syscall_ptr=ids.syscall_ptr)"
            ),
            None
        );
    }
}
