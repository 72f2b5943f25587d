//! The state store: commit a block's state diff, read any committed block, build proofs.

use chain::rpc::NodeHashToNodeMapping;
use chain::rpc::types::{ContractLeafData, ContractsProof, GlobalRoots, StorageProof};

use chain::{Felt, StateDiff};

use crate::backend::{Backend, Table, WriteBatch};
use crate::codec::{
    decode_contract_state, decode_felt, decode_roots, encode_contract_state, encode_roots,
};
use crate::error::{ProofError, StateError};
use crate::hash::{
    CLASSES_TRIE_HASH, CONTRACTS_TRIE_HASH, ContractState, STORAGE_TRIE_HASH, StateRoots,
    class_leaf_hash, global_root,
};
use crate::node::Node;
use crate::proof;
use crate::trie::{self, NodeReader};

/// Reads of the state at one block.
pub trait StateReader {
    /// Storage value of `address` at `key` (0 if unset).
    fn storage_at(&self, address: Felt, key: Felt) -> Result<Felt, StateError>;
    /// Nonce of `address` (0 if never used).
    fn nonce_at(&self, address: Felt) -> Result<Felt, StateError>;
    /// Class hash of the contract at `address` (0 if none is deployed).
    fn class_hash_at(&self, address: Felt) -> Result<Felt, StateError>;
    /// How `class_hash` is declared, or `None` if it is not.
    fn declared_class(&self, class_hash: Felt) -> Result<Option<DeclaredClass>, StateError>;
}

/// How a class is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclaredClass {
    /// A Cairo 0 (deprecated) class: in no trie, as on Starknet. The store keeps the block that
    /// declared it, outside the commitment.
    Cairo0,
    /// A Sierra class, whose classes-trie leaf commits to its compiled class hash.
    Sierra {
        /// The compiled class hash the classes trie commits to.
        compiled_class_hash: Felt,
    },
}

/// The state store over a [`Backend`].
pub struct State<B> {
    backend: B,
}

impl<B: Backend> NodeReader for State<B> {
    fn node(&self, hash: &Felt) -> Result<Node, StateError> {
        match self.backend.get(Table::Nodes, &hash.to_bytes_be())? {
            Some(bytes) => Node::decode(&bytes),
            None => Err(StateError::MissingNode { hash: *hash }),
        }
    }
}

/// The state at one committed block (or the empty genesis pre-state).
pub struct Snapshot<'a, B> {
    state: &'a State<B>,
    /// The block (`None`: before the first commit); Cairo 0 classes declared after it are not
    /// declared here.
    block_number: Option<u64>,
    roots: StateRoots,
}

impl<B: Backend> State<B> {
    /// A state store over `backend` (empty or previously committed to).
    pub fn new(backend: B) -> Self {
        State { backend }
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The latest committed block and its roots.
    pub fn latest(&self) -> Result<Option<(u64, StateRoots)>, StateError> {
        match self.backend.last(Table::Roots)? {
            None => Ok(None),
            Some((key, value)) => {
                let number: [u8; 8] = key.as_slice().try_into().map_err(|_| {
                    StateError::Corrupt { table: "roots", detail: "key is not 8 bytes".into() }
                })?;
                Ok(Some((u64::from_be_bytes(number), decode_roots(&value)?)))
            }
        }
    }

    /// The roots after block `block_number`.
    pub fn roots_at(&self, block_number: u64) -> Result<StateRoots, StateError> {
        match self.backend.get(Table::Roots, &block_number.to_be_bytes())? {
            Some(bytes) => decode_roots(&bytes),
            None => Err(StateError::UnknownBlock { block_number }),
        }
    }

    /// The state after block `block_number`.
    pub fn at_block(&self, block_number: u64) -> Result<Snapshot<'_, B>, StateError> {
        let roots = self.roots_at(block_number)?;
        Ok(Snapshot { state: self, block_number: Some(block_number), roots })
    }

    /// The latest state (the empty state before the first commit).
    pub fn latest_snapshot(&self) -> Result<Snapshot<'_, B>, StateError> {
        let latest = self.latest()?;
        let roots = latest.map(|(_, roots)| roots).unwrap_or_default();
        Ok(Snapshot { state: self, block_number: latest.map(|(number, _)| number), roots })
    }

    fn contract_state(
        &self,
        contracts_root: Felt,
        address: Felt,
    ) -> Result<ContractState, StateError> {
        let leaf = trie::get(self, contracts_root, &address)?;
        if leaf == Felt::ZERO {
            return Ok(ContractState::default());
        }
        match self.backend.get(Table::ContractStates, &leaf.to_bytes_be())? {
            Some(bytes) => decode_contract_state(&bytes),
            None => Err(StateError::Corrupt {
                table: "contract_states",
                detail: format!("no preimage for contract leaf {leaf:#x}"),
            }),
        }
    }

    /// Applies `diff` on top of the latest state as block `block_number` (the block after the
    /// latest, or any number for the first commit) and returns the new roots. Sierra classes go
    /// into the classes trie; Cairo 0 classes into no trie (the store records the block that
    /// declared them, for [`StateReader::declared_class`]).
    pub fn commit_block(
        &self,
        block_number: u64,
        diff: &StateDiff,
    ) -> Result<StateRoots, StateError> {
        let previous = self.latest()?;
        if let Some((latest, _)) = previous {
            let expected = latest
                .checked_add(1)
                .ok_or(StateError::OutOfOrderBlock { expected: latest, got: block_number })?;
            if block_number != expected {
                return Err(StateError::OutOfOrderBlock { expected, got: block_number });
            }
        }
        let old = previous.map(|(_, roots)| roots).unwrap_or_default();
        let mut batch = WriteBatch::default();
        let put_nodes = |batch: &mut WriteBatch, nodes: Vec<(Felt, Node)>| {
            for (hash, node) in nodes {
                batch.put(Table::Nodes, hash.to_bytes_be().to_vec(), node.encode());
            }
        };

        // Every address the diff touches.
        let mut addresses: std::collections::BTreeSet<Felt> =
            diff.storage_diffs.keys().copied().collect();
        addresses.extend(diff.nonces.keys());
        addresses.extend(diff.deployed_contracts.keys());
        addresses.extend(diff.replaced_classes.keys());

        let mut contract_leaves = Vec::with_capacity(addresses.len());
        for address in addresses {
            let mut contract = self.contract_state(old.contracts_root, address)?;
            if let Some(entries) = diff.storage_diffs.get(&address) {
                let updates: Vec<(Felt, Felt)> = entries.iter().map(|(k, v)| (*k, *v)).collect();
                let (root, nodes) =
                    trie::update(self, STORAGE_TRIE_HASH, contract.storage_root, &updates)?;
                put_nodes(&mut batch, nodes);
                contract.storage_root = root;
            }
            if let Some(class_hash) = diff.deployed_contracts.get(&address) {
                contract.class_hash = *class_hash;
            }
            if let Some(class_hash) = diff.replaced_classes.get(&address) {
                contract.class_hash = *class_hash;
            }
            if let Some(nonce) = diff.nonces.get(&address) {
                contract.nonce = *nonce;
            }
            let leaf = contract.leaf_hash();
            if leaf != Felt::ZERO {
                batch.put(
                    Table::ContractStates,
                    leaf.to_bytes_be().to_vec(),
                    encode_contract_state(&contract),
                );
            }
            contract_leaves.push((address, leaf));
        }
        let (contracts_root, nodes) =
            trie::update(self, CONTRACTS_TRIE_HASH, old.contracts_root, &contract_leaves)?;
        put_nodes(&mut batch, nodes);

        let mut class_leaves = Vec::new();
        for (&class_hash, &compiled_class_hash) in &diff.declared_classes {
            let leaf = class_leaf_hash(compiled_class_hash);
            batch.put(
                Table::ClassLeaves,
                leaf.to_bytes_be().to_vec(),
                compiled_class_hash.to_bytes_be().to_vec(),
            );
            class_leaves.push((class_hash, leaf));
        }
        let (classes_root, nodes) =
            trie::update(self, CLASSES_TRIE_HASH, old.classes_root, &class_leaves)?;
        put_nodes(&mut batch, nodes);
        for class_hash in &diff.deprecated_declared_classes {
            batch.put(
                Table::DeprecatedClasses,
                class_hash.to_bytes_be().to_vec(),
                block_number.to_be_bytes().to_vec(),
            );
        }

        let roots = StateRoots { contracts_root, classes_root };
        batch.put(Table::Roots, block_number.to_be_bytes().to_vec(), encode_roots(&roots));
        self.backend.write(batch)?;
        Ok(roots)
    }

    /// `starknet_getStorageProof` at block `block_number`: paths for `class_hashes` in the
    /// classes trie, for `contract_addresses` in the contracts trie (with their leaf data, in
    /// request order), and for each `(address, keys)` in that contract's storage trie.
    /// `block_hash` goes into `global_roots` as the spec asks.
    pub fn storage_proof(
        &self,
        block_number: u64,
        block_hash: Felt,
        class_hashes: &[Felt],
        contract_addresses: &[Felt],
        contracts_storage_keys: &[(Felt, Vec<Felt>)],
    ) -> Result<StorageProof, StateError> {
        let roots = self.roots_at(block_number)?;
        let mut classes_proof = NodeHashToNodeMapping::default();
        for class_hash in class_hashes {
            proof::collect_path(self, roots.classes_root, class_hash, &mut classes_proof)?;
        }
        let mut contract_nodes = NodeHashToNodeMapping::default();
        let mut contract_leaves_data = Vec::with_capacity(contract_addresses.len());
        for address in contract_addresses {
            proof::collect_path(self, roots.contracts_root, address, &mut contract_nodes)?;
            let contract = self.contract_state(roots.contracts_root, *address)?;
            contract_leaves_data.push(ContractLeafData {
                nonce: contract.nonce,
                class_hash: contract.class_hash,
                storage_root: Some(contract.storage_root),
            });
        }
        let mut contracts_storage_proofs = Vec::with_capacity(contracts_storage_keys.len());
        for (address, keys) in contracts_storage_keys {
            let contract = self.contract_state(roots.contracts_root, *address)?;
            let mut nodes = NodeHashToNodeMapping::default();
            for key in keys {
                proof::collect_path(self, contract.storage_root, key, &mut nodes)?;
            }
            contracts_storage_proofs.push(nodes);
        }
        Ok(StorageProof {
            classes_proof,
            contracts_proof: ContractsProof { nodes: contract_nodes, contract_leaves_data },
            contracts_storage_proofs,
            global_roots: GlobalRoots {
                contracts_tree_root: roots.contracts_root,
                classes_tree_root: roots.classes_root,
                block_hash,
            },
        })
    }
}

impl<B: Backend> Snapshot<'_, B> {
    /// The roots of this state.
    pub fn roots(&self) -> StateRoots {
        self.roots
    }

    /// The contract state (class, storage root, nonce) at `address`.
    pub fn contract(&self, address: Felt) -> Result<ContractState, StateError> {
        self.state.contract_state(self.roots.contracts_root, address)
    }
}

impl<B: Backend> StateReader for Snapshot<'_, B> {
    fn storage_at(&self, address: Felt, key: Felt) -> Result<Felt, StateError> {
        let contract = self.contract(address)?;
        trie::get(self.state, contract.storage_root, &key)
    }

    fn nonce_at(&self, address: Felt) -> Result<Felt, StateError> {
        Ok(self.contract(address)?.nonce)
    }

    fn class_hash_at(&self, address: Felt) -> Result<Felt, StateError> {
        Ok(self.contract(address)?.class_hash)
    }

    fn declared_class(&self, class_hash: Felt) -> Result<Option<DeclaredClass>, StateError> {
        let leaf = trie::get(self.state, self.roots.classes_root, &class_hash)?;
        if leaf != Felt::ZERO {
            return match self.state.backend.get(Table::ClassLeaves, &leaf.to_bytes_be())? {
                Some(bytes) => Ok(Some(DeclaredClass::Sierra {
                    compiled_class_hash: decode_felt(&bytes, "class_leaves")?,
                })),
                None => Err(StateError::Corrupt {
                    table: "class_leaves",
                    detail: format!("no preimage for class leaf {leaf:#x}"),
                }),
            };
        }
        let Some(block_number) = self.block_number else {
            return Ok(None);
        };
        let key = class_hash.to_bytes_be();
        let Some(bytes) = self.state.backend.get(Table::DeprecatedClasses, &key)? else {
            return Ok(None);
        };
        let declared_in: [u8; 8] =
            bytes.as_slice().try_into().map_err(|_| StateError::Corrupt {
                table: "deprecated_classes",
                detail: "value is not 8 bytes".into(),
            })?;
        let declared = u64::from_be_bytes(declared_in) <= block_number;
        Ok(declared.then_some(DeclaredClass::Cairo0))
    }
}

/// What a verified storage proof establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedStorageProof {
    /// Classes-trie leaf of each requested class (0: not a declared Sierra class).
    pub class_leaves: Vec<Felt>,
    /// State of each requested contract (all zero: no contract).
    pub contracts: Vec<ContractState>,
    /// Values of each requested storage key, per requested contract.
    pub storage_values: Vec<Vec<Felt>>,
}

/// Verifies a [`StorageProof`] against a trusted `global_root` for the request it answers: the
/// contracts trie's and the storage tries' nodes must hash with Pedersen, the classes trie's with
/// Poseidon (a node hashed with the other function is a [`ProofError::HashMismatch`]).
pub fn verify_storage_proof(
    proof: &StorageProof,
    expected_global_root: Felt,
    class_hashes: &[Felt],
    contract_addresses: &[Felt],
    contracts_storage_keys: &[(Felt, Vec<Felt>)],
) -> Result<VerifiedStorageProof, ProofError> {
    let roots = &proof.global_roots;
    let actual = global_root(roots.contracts_tree_root, roots.classes_tree_root);
    if actual != expected_global_root {
        return Err(ProofError::GlobalRootMismatch { expected: expected_global_root, actual });
    }
    let class_leaves = class_hashes
        .iter()
        .map(|class_hash| {
            proof::verify(
                CLASSES_TRIE_HASH,
                roots.classes_tree_root,
                class_hash,
                &proof.classes_proof,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    if proof.contracts_proof.contract_leaves_data.len() != contract_addresses.len() {
        return Err(ProofError::Shape("one contract leaf per requested address".into()));
    }
    let mut contracts = Vec::with_capacity(contract_addresses.len());
    for (address, data) in
        contract_addresses.iter().zip(&proof.contracts_proof.contract_leaves_data)
    {
        let leaf = proof::verify(
            CONTRACTS_TRIE_HASH,
            roots.contracts_tree_root,
            address,
            &proof.contracts_proof.nodes,
        )?;
        let contract = ContractState {
            class_hash: data.class_hash,
            storage_root: data.storage_root.unwrap_or_default(),
            nonce: data.nonce,
        };
        if contract.leaf_hash() != leaf {
            return Err(ProofError::ContractLeafMismatch { address: *address });
        }
        contracts.push(contract);
    }
    if proof.contracts_storage_proofs.len() != contracts_storage_keys.len() {
        return Err(ProofError::Shape("one storage proof per requested contract".into()));
    }
    let mut storage_values = Vec::with_capacity(contracts_storage_keys.len());
    for ((address, keys), nodes) in
        contracts_storage_keys.iter().zip(&proof.contracts_storage_proofs)
    {
        let index = contract_addresses.iter().position(|a| a == address).ok_or_else(|| {
            ProofError::Shape(format!(
                "storage keys for {address:#x}, which is not in contract_addresses"
            ))
        })?;
        let storage_root = contracts[index].storage_root;
        let values = keys
            .iter()
            .map(|key| proof::verify(STORAGE_TRIE_HASH, storage_root, key, nodes))
            .collect::<Result<Vec<_>, _>>()?;
        storage_values.push(values);
    }
    Ok(VerifiedStorageProof { class_leaves, contracts, storage_values })
}
