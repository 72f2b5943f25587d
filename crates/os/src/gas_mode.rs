//! Which Sierra classes were compiled before Sierra 1.7.0: blockifier runs those in its
//! Cairo-steps mode (`min_sierra_version_for_sierra_gas`), and the CASM the OS loads does not
//! carry its Sierra version, so the runner tells the OS (`crate::OsInput::cairo_steps_classes`).

use executor::SierraClass;

/// blockifier's `min_sierra_version_for_sierra_gas` (versioned constants of 0.14.4).
const MIN_SIERRA_VERSION_FOR_SIERRA_GAS: (u64, u64, u64) = (1, 7, 0);

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
