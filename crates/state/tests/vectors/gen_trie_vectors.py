"""Computes the trie and state-root vectors in `tests/vectors.rs` with cairo-lang 0.14.0.1's own
Patricia tree (`starkware_utils.commitment_tree.patricia_tree.PatriciaTree`) and Poseidon
(`poseidon_hash_func`, `poseidon_hash`, `poseidon_hash_many`), i.e. Starknet's trie rules with
Poseidon as the node hash. Run in a venv with `pip install cairo-lang==0.14.0.1`:

    python gen_trie_vectors.py
"""
import asyncio

from starkware.cairo.common.poseidon_hash import poseidon_hash, poseidon_hash_func, poseidon_hash_many
from starkware.storage.dict_storage import DictStorage
from starkware.storage.storage import FactFetchingContext
from starkware.storage.storage_utils import SimpleLeafFact
from starkware.starkware_utils.commitment_tree.patricia_tree.patricia_tree import PatriciaTree


def short_string(text):
    return int.from_bytes(text.encode(), "big")


async def root_of(ffc, tree, modifications):
    updated = await tree.update(ffc, [(k, SimpleLeafFact(v)) for k, v in modifications])
    return updated


async def main():
    ffc = FactFetchingContext(storage=DictStorage(), hash_func=poseidon_hash_func)
    empty = await PatriciaTree.empty_tree(ffc, height=251, leaf_fact=SimpleLeafFact(0))

    single = await root_of(ffc, empty, [(0x1234, 0x99)])
    print(f"single_leaf_root = {hex(int.from_bytes(single.root, 'big'))}")

    storage = [(1, 2), (3, 4), (2**250 + 5, 7), (2**251 - 1, 9), (0x10, 0x11)]
    tree = await root_of(ffc, empty, storage)
    print(f"five_leaves_root = {hex(int.from_bytes(tree.root, 'big'))}")
    tree = await root_of(ffc, tree, [(3, 0), (1, 5), (2**251 - 1, 0)])
    print(f"after_delete_root = {hex(int.from_bytes(tree.root, 'big'))}")

    # A whole state: contract A with storage, contract B without; two deprecated classes.
    a_storage = await root_of(ffc, empty, [(1, 2), (3, 4)])
    a_storage_root = int.from_bytes(a_storage.root, "big")

    def contract_leaf(class_hash, storage_root, nonce):
        return poseidon_hash(poseidon_hash(poseidon_hash(class_hash, storage_root), nonce), 0)

    contracts = await root_of(ffc, empty, [
        (0x100, contract_leaf(0xC1, a_storage_root, 2)),
        (2**250 + 7, contract_leaf(0xC2, 0, 0)),
    ])
    class_leaf = lambda compiled: poseidon_hash(short_string("CONTRACT_CLASS_LEAF_V0"), compiled)
    classes = await root_of(ffc, empty, [(0xC1, class_leaf(0xC1)), (0xC2, class_leaf(0xC2))])
    contracts_root = int.from_bytes(contracts.root, "big")
    classes_root = int.from_bytes(classes.root, "big")
    print(f"state_a_storage_root = {hex(a_storage_root)}")
    print(f"state_contracts_root = {hex(contracts_root)}")
    print(f"state_classes_root = {hex(classes_root)}")
    global_root = poseidon_hash_many([short_string("STARKNET_STATE_V0"), contracts_root, classes_root])
    print(f"state_global_root = {hex(global_root)}")


asyncio.run(main())
