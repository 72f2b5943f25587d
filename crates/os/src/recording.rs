//! The executor's run of a block with what it read ([`execute_recorded`]): the pre-block state
//! the OS needs (storage keys, contracts, classes) and the classes it loaded. Replay runs blocks
//! this way, so that the OS's input is built from replay's run and a block executes once.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;

use chain::Felt;
use executor::{BlockContext, ClassProvider, ExecutableTransaction, ExecutorConfig, ExecutorError};
use state::witness::TouchedKeys;
use state::{DeclaredClass, StateError, StateReader};

/// A block's executor run and what it read.
#[derive(Debug)]
pub struct RecordedExecution {
    /// The run: outcomes, state diff, declared classes.
    pub execution: Arc<executor::BlockExecution>,
    /// The storage keys, contracts and classes the run read.
    pub(crate) touched: TouchedKeys,
    /// The Cairo 0 classes it loaded (the OS loads them too).
    pub(crate) loaded: BTreeSet<Felt>,
    /// The Sierra classes it loaded (the OS does not run them yet).
    pub(crate) sierra: BTreeSet<Felt>,
}

/// Executes `transactions` as one block on `state` (as `executor::execute_block`), recording
/// what the run reads.
pub fn execute_recorded(
    config: &ExecutorConfig,
    context: BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    transactions: &[ExecutableTransaction],
) -> Result<RecordedExecution, ExecutorError> {
    let recording = RecordingReader { inner: state, touched: RefCell::default() };
    let recording_classes =
        RecordingClasses { inner: classes, loaded: RefCell::default(), sierra: RefCell::default() };
    let execution =
        executor::execute_block(config, context, &recording, &recording_classes, transactions)?;
    Ok(RecordedExecution {
        execution: Arc::new(execution),
        touched: recording.touched.into_inner(),
        loaded: recording_classes.loaded.into_inner(),
        sierra: recording_classes.sierra.into_inner(),
    })
}

/// A [`ClassProvider`] that records which classes the executor loaded (Cairo 0 ones, which the
/// OS runs, and Sierra ones, which it does not run yet).
struct RecordingClasses<'a> {
    inner: &'a dyn ClassProvider,
    loaded: RefCell<BTreeSet<Felt>>,
    sierra: RefCell<BTreeSet<Felt>>,
}

impl ClassProvider for RecordingClasses<'_> {
    fn class(
        &self,
        class_hash: Felt,
    ) -> Result<Option<std::sync::Arc<executor::DeprecatedClass>>, executor::ExecutorError> {
        let class = self.inner.class(class_hash)?;
        if class.is_some() {
            self.loaded.borrow_mut().insert(class_hash);
        }
        Ok(class)
    }

    fn sierra_class(
        &self,
        class_hash: Felt,
    ) -> Result<Option<std::sync::Arc<executor::SierraClass>>, executor::ExecutorError> {
        let class = self.inner.sierra_class(class_hash)?;
        if class.is_some() {
            self.sierra.borrow_mut().insert(class_hash);
        }
        Ok(class)
    }
}

/// A [`StateReader`] that records what it is asked.
struct RecordingReader<'a> {
    inner: &'a dyn StateReader,
    touched: RefCell<TouchedKeys>,
}

impl StateReader for RecordingReader<'_> {
    fn storage_at(&self, address: Felt, key: Felt) -> Result<Felt, StateError> {
        self.touched.borrow_mut().add_storage(address, key);
        self.inner.storage_at(address, key)
    }

    fn nonce_at(&self, address: Felt) -> Result<Felt, StateError> {
        self.touched.borrow_mut().add_contract(address);
        self.inner.nonce_at(address)
    }

    fn class_hash_at(&self, address: Felt) -> Result<Felt, StateError> {
        self.touched.borrow_mut().add_contract(address);
        self.inner.class_hash_at(address)
    }

    fn declared_class(&self, class_hash: Felt) -> Result<Option<DeclaredClass>, StateError> {
        self.touched.borrow_mut().add_class(class_hash);
        self.inner.declared_class(class_hash)
    }
}
