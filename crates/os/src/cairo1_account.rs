//! What the OS refuses about Cairo 1 accounts before a run: a reverted INVOKE of a Cairo 1
//! account (its `__execute__`'s revert is not proven yet), and, in a block with a Cairo 1 class
//! at the top level of a transaction (an account, or a fee token's fee transfer), a Sierra class
//! compiled before Sierra 1.7.0, which blockifier runs in its Cairo-steps mode
//! (`min_sierra_version_for_sierra_gas`) while the OS runs every CASM class under a Cairo 1
//! account in Sierra-gas mode (`os-program/os/execution.cairo`, execute_cairo1_entry_point):
//! the CASM the OS loads does not carry its Sierra version, so the runner checks it.

use std::collections::BTreeSet;

use chain::Felt;
use executor::{CallTrace, SierraClass};

use crate::OsError;
use crate::input::TransactionInput;

/// blockifier's `min_sierra_version_for_sierra_gas` (versioned constants of 0.14.4).
const MIN_SIERRA_VERSION_FOR_SIERRA_GAS: (u64, u64, u64) = (1, 7, 0);

/// Whether a top-level call of a transaction of the block (its account's entry points, its fee
/// transfer) runs a Sierra class; refuses a reverted INVOKE of a Cairo 1 account.
pub(crate) fn check_cairo1_accounts(
    sierra: &BTreeSet<Felt>,
    transactions: &[TransactionInput],
    tx_calls: &[Vec<CallTrace>],
) -> Result<bool, OsError> {
    let mut any = false;
    for (tx, calls) in transactions.iter().zip(tx_calls) {
        any |= calls.iter().any(|call| sierra.contains(&call.class_hash));
        let Some(account) = calls.first().map(|call| call.class_hash) else { continue };
        if !sierra.contains(&account) {
            continue;
        }
        if tx.is_reverted {
            return Err(OsError::SierraClass {
                class_hash: account,
                how: "as the account of a reverted INVOKE (a Cairo 1 account's revert)",
            });
        }
    }
    Ok(any)
}

/// Refuses `class` if it was compiled from a Sierra version before 1.7.0 (or one that does not
/// parse): under a Cairo 1 account blockifier would run it in Cairo-steps mode.
pub(crate) fn check_sierra_gas_mode(class: &SierraClass) -> Result<(), OsError> {
    let program = &class.definition().sierra_program;
    let part = |i: usize| program.get(i).and_then(|felt| u64::try_from(*felt).ok());
    let version = match (part(0), part(1), part(2)) {
        (Some(major), Some(minor), Some(patch)) => (major, minor, patch),
        _ => (0, 0, 0),
    };
    if version < MIN_SIERRA_VERSION_FOR_SIERRA_GAS {
        return Err(OsError::SierraClass {
            class_hash: class.class_hash(),
            how: "compiled from Sierra before 1.7.0 in a block with a Cairo 1 account or fee \
                  token (blockifier runs it in Cairo-steps mode)",
        });
    }
    Ok(())
}
