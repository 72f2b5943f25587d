//! What the browser's verifier trusts, fixed when it is built.

use chain::Felt;

/// Hash of the bundled OS program (`os-program/os/main.json`), as `watcher-prover os-hash`
/// prints it. A proof of any other program is rejected. The test `pinned_hash_is_the_os`
/// fails when the OS program changes without this line: update it to the new hash (a new OS is
/// a new statement, so light clients must opt in to it).
pub const PINNED_OS_PROGRAM_HASH: &str =
    "0x4becd5aecc12562db7a138d5555c2b4635ba0f6ce5f2b1a12f19e0c5bfc4d0c";

/// Minimum conjectured security of an accepted proof (`standard`).
pub const MIN_SECURITY_BITS: u32 = 100;

/// [`PINNED_OS_PROGRAM_HASH`] as a field element.
pub fn pinned_os_program_hash() -> Felt {
    Felt::from_hex(PINNED_OS_PROGRAM_HASH).expect("the pinned hash is a felt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_hash_is_the_os() {
        let bundled = os::program_hash().expect("the bundled OS program loads");
        assert_eq!(
            pinned_os_program_hash(),
            bundled,
            "the OS program changed: set PINNED_OS_PROGRAM_HASH to {bundled:#x}"
        );
    }
}
