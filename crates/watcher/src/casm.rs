//! The CASM a fetched Sierra class runs as ([`compile_checked`]): this build's compilation when
//! it gives the compiled class hash the chain commits to, else the CASM the sequencer serves
//! (`starknet_getCompiledCasm`), when that one hashes to it.
//!
//! A sequencer compiles Sierra with its own compiler version (starknet-devnet 0.10.1 with
//! cairo-lang 2.19, this build with the version `executor` pins), and the state commits to the
//! hash of *its* CASM (Blake2s, `HashVersion::V2`). Another compiler version may emit other
//! CASM for the same Sierra: other bytecode lengths (a DECLARE's fee), other gas. Running the
//! CASM the chain committed to is what re-executes the block faithfully; the compiled class
//! hash is the binding (as in Starknet, where the OS trusts the committed compiled class hash for
//! the Sierra-to-CASM step).

use std::sync::Arc;

use chain::Felt;
use executor::SierraClass;
use starknet_core::types::FlattenedSierraClass;

use crate::client::SequencerClient;
use crate::error::{CompiledClassMismatch, WatcherError};

/// A fetched Sierra class, compiled.
#[derive(Clone, Debug)]
pub struct CompiledSierra {
    pub class: Arc<SierraClass>,
    /// The CASM is the sequencer's: this build's compiler gives another compiled class hash
    /// than the one the chain commits to. Stored with the class, since it cannot be rebuilt.
    pub from_sequencer: bool,
}

/// Compiles `definition` (CPU work, on a blocking thread) and, when the chain commits to
/// another compiled class hash than this build's (`committed`), takes the sequencer's CASM
/// instead, after checking that it hashes to `committed`.
pub async fn compile_checked(
    client: &SequencerClient,
    class_hash: Felt,
    definition: Arc<FlattenedSierraClass>,
    committed: Option<Felt>,
) -> Result<CompiledSierra, WatcherError> {
    let ours = blocking("Sierra compilation", {
        let definition = Arc::clone(&definition);
        move || SierraClass::compile(definition)
    })
    .await?;
    // This build's CASM, unless the chain commits to another, or this build cannot compile a
    // class the sequencer compiled (then `compiled` is 0 in the error).
    let (committed, compiled) = match (ours, committed) {
        (Ok(ours), Some(committed)) if ours.compiled_class_hash() != committed => {
            (committed, ours.compiled_class_hash())
        }
        (Ok(ours), _) => {
            return Ok(CompiledSierra { class: Arc::new(ours), from_sequencer: false });
        }
        (Err(error), None) => return Err(error.into()),
        (Err(_), Some(committed)) => (committed, Felt::ZERO),
    };
    let casm = client.compiled_casm(class_hash).await?;
    let theirs =
        blocking("CASM hashing", move || SierraClass::from_casm(definition, class_hash, casm))
            .await??;
    let served = theirs.compiled_class_hash();
    if served != committed {
        return Err(WatcherError::CompiledClassMismatch(Box::new(CompiledClassMismatch {
            class_hash,
            committed,
            compiled,
            served,
        })));
    }
    tracing::info!(
        class_hash = %format!("{class_hash:#x}"),
        committed = %format!("{committed:#x}"),
        ours = %format!("{compiled:#x}"),
        "the sequencer's compiler made other CASM of this class: running the sequencer's"
    );
    Ok(CompiledSierra { class: Arc::new(theirs), from_sequencer: true })
}

async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WatcherError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| WatcherError::Task { what, reason: error.to_string() })
}
