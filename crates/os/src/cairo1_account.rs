//! What the runner decides about Cairo 1 classes before a run: it refuses a reverted INVOKE of
//! a Cairo 1 account (its `__execute__`'s revert is not proven yet), and it tells the OS which
//! Sierra classes were compiled before Sierra 1.7.0: blockifier runs those in its Cairo-steps
//! mode (`min_sierra_version_for_sierra_gas`), and the CASM the OS loads does not carry its
//! Sierra version (`crate::OsInput::cairo_steps_classes`).

use std::collections::BTreeSet;

use chain::Felt;
use executor::{CallTrace, SierraClass};

use crate::OsError;
use crate::input::TransactionInput;

/// blockifier's `min_sierra_version_for_sierra_gas` (versioned constants of 0.14.4).
const MIN_SIERRA_VERSION_FOR_SIERRA_GAS: (u64, u64, u64) = (1, 7, 0);

/// Refuses a reverted INVOKE whose account (its first call, `__validate__`) runs a Sierra class.
pub(crate) fn check_cairo1_accounts(
    sierra: &BTreeSet<Felt>,
    transactions: &[TransactionInput],
    tx_calls: &[Vec<CallTrace>],
) -> Result<(), OsError> {
    for (tx, calls) in transactions.iter().zip(tx_calls) {
        let Some(account) = calls.first().map(|call| call.class_hash) else { continue };
        if tx.is_reverted && sierra.contains(&account) {
            return Err(OsError::SierraClass {
                class_hash: account,
                how: "as the account of a reverted INVOKE (a Cairo 1 account's revert)",
            });
        }
    }
    Ok(())
}

/// Whether blockifier runs `class` in Cairo-steps mode: it was compiled from a Sierra version
/// before 1.7.0 (or one that does not parse).
pub(crate) fn runs_in_cairo_steps_mode(class: &SierraClass) -> bool {
    let program = &class.definition().sierra_program;
    let part = |i: usize| program.get(i).and_then(|felt| u64::try_from(*felt).ok());
    let version = match (part(0), part(1), part(2)) {
        (Some(major), Some(minor), Some(patch)) => (major, minor, patch),
        _ => (0, 0, 0),
    };
    version < MIN_SIERRA_VERSION_FOR_SIERRA_GAS
}
