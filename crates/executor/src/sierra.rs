//! Sierra (Cairo 1) classes: a declared class compiled to CASM, with its class hash and both
//! compiled class hashes, ready for blockifier to run.
//!
//! A DECLARE v3 carries the Sierra class and names its class hash and the hash of the CASM the
//! sender compiled it to. The node checks both as a sequencer's gateway does: the class hash is
//! recomputed from the class (`starknet-core`'s `FlattenedSierraClass::class_hash`), the Sierra
//! program may use only the libfuncs of the audited allow-list of the pinned compiler, and the
//! class is compiled here with the Cairo compiler crates (`cairo-lang-starknet-classes`, the
//! version blockifier resolves to) and the compiled class hash recomputed:
//!
//! * [`SierraClass::compiled_class_hash`] is the hash the protocol uses since Starknet 0.14.1
//!   (Blake2s over the CASM, `HashVersion::V2`); the state commits to it and a DECLARE must
//!   name it;
//! * [`SierraClass::compiled_class_hash_v1`] is the Poseidon hash of older versions, kept for
//!   clients that still compute it (it is also what `starknet-core` computes, which the tests
//!   use as an independent check).
//!
//! Compiling is the expensive step (milliseconds to seconds for large classes); a node compiles
//! a class once and keeps the `Arc`.

use std::sync::Arc;

use blockifier::execution::contract_class::{CompiledClassV1, RunnableCompiledClass};
use cairo_lang_starknet_classes::allowed_libfuncs::ListSelector;
use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_lang_starknet_classes::contract_class::ContractClass as CompilerClass;
use chain::Felt;
use starknet_api::contract_class::compiled_class_hash::{HashVersion, HashableCompiledClass};
use starknet_api::contract_class::{ClassInfo, ContractClass, SierraVersion};
use starknet_core::types::FlattenedSierraClass;

use crate::ExecutorError;

/// The largest CASM bytecode a class may compile to (felts): Starknet's limit on a declared
/// class's bytecode (`max_bytecode_size` of the sequencer's compiler configuration).
pub const MAX_CASM_BYTECODE_SIZE: usize = 81_920;

/// A Sierra class as the executor runs it: definition, hashes, CASM and blockifier's form.
pub struct SierraClass {
    class_hash: Felt,
    compiled_class_hash: Felt,
    compiled_class_hash_v1: Felt,
    definition: Arc<FlattenedSierraClass>,
    casm: Arc<CasmContractClass>,
    sierra_version: SierraVersion,
    runnable: RunnableCompiledClass,
    /// The ABI length a DECLARE of the class is priced by, when the sequencer followed does not
    /// take the declared ABI text's (starknet-devnet: its compact JSON re-serialization).
    priced_abi_length: Option<usize>,
}

impl std::fmt::Debug for SierraClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SierraClass")
            .field("class_hash", &self.class_hash)
            .field("compiled_class_hash", &self.compiled_class_hash)
            .finish()
    }
}

impl SierraClass {
    /// Checks the Sierra program against the allow-list, compiles it to CASM and hashes both.
    /// Every failure is [`ExecutorError::UncompilableClass`] (the sender's fault).
    pub fn compile(definition: Arc<FlattenedSierraClass>) -> Result<Self, ExecutorError> {
        let class_hash = definition.class_hash();
        let compiler_class = compiler_class(&definition)?;
        let program = compiler_class
            .extract_sierra_program(false)
            .map_err(|e| uncompilable(class_hash, format!("Sierra program: {e}")))?;
        program
            .validate_version_compatible(ListSelector::default())
            .map_err(|e| uncompilable(class_hash, e.to_string()))?;
        let casm = CasmContractClass::from_contract_class(
            compiler_class,
            program,
            false,
            MAX_CASM_BYTECODE_SIZE,
        )
        .map_err(|e| uncompilable(class_hash, format!("Sierra to CASM: {e}")))?;
        Self::from_casm(definition, class_hash, casm)
    }

    /// A class whose CASM was compiled before (e.g. stored by the node), trusting `class_hash`.
    pub fn from_casm(
        definition: Arc<FlattenedSierraClass>,
        class_hash: Felt,
        casm: CasmContractClass,
    ) -> Result<Self, ExecutorError> {
        let sierra_version = SierraVersion::extract_from_program(&definition.sierra_program)
            .map_err(|e| uncompilable(class_hash, format!("Sierra version: {e}")))?;
        let compiled_class_hash = casm.hash(&HashVersion::V2).0;
        let compiled_class_hash_v1 = casm.hash(&HashVersion::V1).0;
        let compiled = CompiledClassV1::try_from((casm.clone(), sierra_version.clone()))
            .map_err(|e| uncompilable(class_hash, format!("CASM for the executor: {e}")))?;
        Ok(SierraClass {
            class_hash,
            compiled_class_hash,
            compiled_class_hash_v1,
            definition,
            casm: Arc::new(casm),
            sierra_version,
            runnable: RunnableCompiledClass::V1(compiled),
            priced_abi_length: None,
        })
    }

    /// The same class, a DECLARE of which is priced as if its ABI were `abi_length` bytes long
    /// (a sequencer that prices the ABI otherwise than by its declared text).
    pub fn with_priced_abi_length(&self, abi_length: usize) -> Self {
        SierraClass {
            class_hash: self.class_hash,
            compiled_class_hash: self.compiled_class_hash,
            compiled_class_hash_v1: self.compiled_class_hash_v1,
            definition: Arc::clone(&self.definition),
            casm: Arc::clone(&self.casm),
            sierra_version: self.sierra_version.clone(),
            runnable: self.runnable.clone(),
            priced_abi_length: Some(abi_length),
        }
    }

    /// The class hash.
    pub fn class_hash(&self) -> Felt {
        self.class_hash
    }

    /// The compiled class hash the state commits to (Blake2s, Starknet 0.14.1 and later).
    pub fn compiled_class_hash(&self) -> Felt {
        self.compiled_class_hash
    }

    /// The Poseidon compiled class hash of Starknet before 0.14.1.
    pub fn compiled_class_hash_v1(&self) -> Felt {
        self.compiled_class_hash_v1
    }

    /// The Sierra class as declared.
    pub fn definition(&self) -> &Arc<FlattenedSierraClass> {
        &self.definition
    }

    /// The CASM it compiles to.
    pub fn casm(&self) -> &Arc<CasmContractClass> {
        &self.casm
    }

    pub(crate) fn runnable(&self) -> RunnableCompiledClass {
        self.runnable.clone()
    }

    /// What a DECLARE of this class hands blockifier (it prices the declared code by these
    /// lengths).
    pub(crate) fn class_info(&self) -> Result<ClassInfo, ExecutorError> {
        let contract_class = ContractClass::V1(((*self.casm).clone(), self.sierra_version.clone()));
        ClassInfo::new(
            &contract_class,
            self.definition.sierra_program.len(),
            self.priced_abi_length.unwrap_or(self.definition.abi.len()),
            self.sierra_version.clone(),
        )
        .map_err(|e| uncompilable(self.class_hash, format!("class info: {e}")))
    }
}

fn uncompilable(class_hash: Felt, reason: String) -> ExecutorError {
    ExecutorError::UncompilableClass { class_hash, reason }
}

/// The compiler's form of a class, through the JSON both sides read (the ABI travels as a
/// string on the wire and as JSON in the compiler's class).
fn compiler_class(definition: &FlattenedSierraClass) -> Result<CompilerClass, ExecutorError> {
    let class_hash = definition.class_hash();
    let abi: serde_json::Value = if definition.abi.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&definition.abi)
            .map_err(|e| uncompilable(class_hash, format!("ABI is not JSON: {e}")))?
    };
    let mut json = serde_json::to_value(definition)
        .map_err(|e| uncompilable(class_hash, format!("cannot serialize class: {e}")))?;
    json["abi"] = abi;
    json["sierra_program_debug_info"] = serde_json::Value::Null;
    serde_json::from_value(json)
        .map_err(|e| uncompilable(class_hash, format!("not a Sierra class: {e}")))
}
