//! Blockifier's `StateReader` over this chain's state snapshot and class provider.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use blockifier::execution::contract_class::RunnableCompiledClass;
use blockifier::state::errors::StateError as BlockifierStateError;
use blockifier::state::state_api::{StateReader as BlockifierStateReader, StateResult};
use chain::Felt;
use starknet_api::core::{ClassHash, CompiledClassHash, ContractAddress, Nonce};
use starknet_api::state::StorageKey;
use state::DeclaredClass;

use crate::engine::classes::runnable_class;
use crate::{ClassProvider, ExecutorError};

/// The state a block executes on, as blockifier reads it.
///
/// A class is served only if the state says it is declared (so a class the provider happens to
/// know is still undeclared on this chain). Failures of the environment (the state store, a
/// declared class whose definition is missing) are kept in [`Reader::take_failure`]: blockifier
/// folds them into the transaction's error, and the caller must report them as the node's
/// failure instead.
pub(crate) struct Reader<'a> {
    state: &'a dyn state::StateReader,
    classes: &'a dyn ClassProvider,
    runnable: RefCell<HashMap<Felt, RunnableCompiledClass>>,
    failure: Failures,
}

/// Where a [`Reader`] keeps the first environment failure; shared with whoever hands the reader
/// to blockifier by value.
#[derive(Clone, Default)]
pub(crate) struct Failures(Rc<RefCell<Option<ExecutorError>>>);

impl Failures {
    /// The first failure since the last call, if any.
    pub(crate) fn take(&self) -> Option<ExecutorError> {
        self.0.borrow_mut().take()
    }

    fn record(&self, error: ExecutorError) {
        self.0.borrow_mut().get_or_insert(error);
    }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(state: &'a dyn state::StateReader, classes: &'a dyn ClassProvider) -> Self {
        Reader {
            state,
            classes,
            runnable: RefCell::new(HashMap::new()),
            failure: Failures::default(),
        }
    }

    /// The first environment failure since the last call, if any.
    pub(crate) fn take_failure(&self) -> Option<ExecutorError> {
        self.failure.take()
    }

    /// A handle on this reader's failures, for when blockifier takes the reader by value.
    pub(crate) fn failures(&self) -> Failures {
        self.failure.clone()
    }

    fn fail<T>(&self, error: ExecutorError) -> StateResult<T> {
        let message = error.to_string();
        self.failure.record(error);
        Err(BlockifierStateError::StateReadError(message))
    }

    fn read<T>(&self, result: Result<T, state::StateError>) -> StateResult<T> {
        result.or_else(|error| self.fail(ExecutorError::State(error)))
    }
}

impl BlockifierStateReader for Reader<'_> {
    fn get_storage_at(
        &self,
        contract_address: ContractAddress,
        key: StorageKey,
    ) -> StateResult<Felt> {
        self.read(self.state.storage_at(*contract_address.0.key(), *key.0.key()))
    }

    fn get_nonce_at(&self, contract_address: ContractAddress) -> StateResult<Nonce> {
        self.read(self.state.nonce_at(*contract_address.0.key())).map(Nonce)
    }

    fn get_class_hash_at(&self, contract_address: ContractAddress) -> StateResult<ClassHash> {
        self.read(self.state.class_hash_at(*contract_address.0.key())).map(ClassHash)
    }

    fn get_compiled_class(&self, class_hash: ClassHash) -> StateResult<RunnableCompiledClass> {
        if let Some(class) = self.runnable.borrow().get(&class_hash.0) {
            return Ok(class.clone());
        }
        if self.read(self.state.declared_class(class_hash.0))?.is_none() {
            return Err(BlockifierStateError::UndeclaredClassHash(class_hash));
        }
        let runnable = match self.classes.class(class_hash.0) {
            Ok(Some(class)) => runnable_class(&class),
            Ok(None) => match self.classes.sierra_class(class_hash.0) {
                Ok(Some(class)) => class.runnable(),
                Ok(None) => {
                    return self
                        .fail(ExecutorError::MissingClassDefinition { class_hash: class_hash.0 });
                }
                Err(error) => return self.fail(error),
            },
            Err(error) => return self.fail(error),
        };
        self.runnable.borrow_mut().insert(class_hash.0, runnable.clone());
        Ok(runnable)
    }

    /// For a Sierra class, the compiled class hash the state commits to (the Blake2s hash: this
    /// chain declares with it, so blockifier never migrates a class). Zero for a Cairo 0 class,
    /// as for the protocol: it is in no trie (blockifier then never treats it as a Cairo 1 class
    /// to migrate).
    fn get_compiled_class_hash(&self, class_hash: ClassHash) -> StateResult<CompiledClassHash> {
        match self.read(self.state.declared_class(class_hash.0))? {
            Some(DeclaredClass::Sierra { compiled_class_hash }) => {
                Ok(CompiledClassHash(compiled_class_hash))
            }
            Some(DeclaredClass::Cairo0) | None => Ok(CompiledClassHash(Felt::ZERO)),
        }
    }

    fn get_compiled_class_hash_v2(
        &self,
        class_hash: ClassHash,
        compiled_class: &RunnableCompiledClass,
    ) -> StateResult<CompiledClassHash> {
        blockifier::state::utils::get_compiled_class_hash_v2(self, class_hash, compiled_class)
    }
}
