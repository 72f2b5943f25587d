"""Computes the trie and state-root vectors in `tests/vectors.rs` with cairo-lang 0.14.0.1's own
Patricia tree (`starkware_utils.commitment_tree.patricia_tree.PatriciaTree`), Pedersen
(`pedersen_hash_func`, `pedersen_hash`) and Poseidon (`poseidon_hash_func`, `poseidon_hash`,
`poseidon_hash_many`), i.e. Starknet's state commitment: storage and contracts tries with
Pedersen, the classes trie (Sierra classes only) with Poseidon. Run in a venv with
`pip install cairo-lang==0.14.0.1` (`scripts/cairo-lang.sh` makes one in .venv/cairo-lang):

    python gen_trie_vectors.py
"""
import asyncio

from starkware.cairo.common.poseidon_hash import poseidon_hash, poseidon_hash_func, poseidon_hash_many
from starkware.crypto.signature.fast_pedersen_hash import pedersen_hash, pedersen_hash_func
from starkware.storage.dict_storage import DictStorage
from starkware.storage.storage import FactFetchingContext
from starkware.storage.storage_utils import SimpleLeafFact
from starkware.starkware_utils.commitment_tree.patricia_tree.patricia_tree import PatriciaTree


def short_string(text):
    return int.from_bytes(text.encode(), "big")


async def root_of(ffc, tree, modifications):
    return await tree.update(ffc, [(k, SimpleLeafFact(v)) for k, v in modifications])


def root(tree):
    return int.from_bytes(tree.root, "big")


async def main():
    pedersen = FactFetchingContext(storage=DictStorage(), hash_func=pedersen_hash_func)
    poseidon = FactFetchingContext(storage=DictStorage(), hash_func=poseidon_hash_func)
    empty_pedersen = await PatriciaTree.empty_tree(pedersen, height=251, leaf_fact=SimpleLeafFact(0))
    empty_poseidon = await PatriciaTree.empty_tree(poseidon, height=251, leaf_fact=SimpleLeafFact(0))

    for name, ffc, empty in [("pedersen", pedersen, empty_pedersen), ("poseidon", poseidon, empty_poseidon)]:
        single = await root_of(ffc, empty, [(0x1234, 0x99)])
        print(f"{name} single_leaf_root = {hex(root(single))}")
        storage = [(1, 2), (3, 4), (2**250 + 5, 7), (2**251 - 1, 9), (0x10, 0x11)]
        tree = await root_of(ffc, empty, storage)
        print(f"{name} five_leaves_root = {hex(root(tree))}")
        tree = await root_of(ffc, tree, [(3, 0), (1, 5), (2**251 - 1, 0)])
        print(f"{name} after_delete_root = {hex(root(tree))}")

    # A whole state: contract A with storage, contract B without; a Cairo 0 class 0xC1 (in no
    # trie) and a Sierra class 0xC2 with compiled class hash 0xCC2.
    a_storage_root = root(await root_of(pedersen, empty_pedersen, [(1, 2), (3, 4)]))

    def contract_leaf(class_hash, storage_root, nonce):
        return pedersen_hash(pedersen_hash(pedersen_hash(class_hash, storage_root), nonce), 0)

    contracts_root = root(await root_of(pedersen, empty_pedersen, [
        (0x100, contract_leaf(0xC1, a_storage_root, 2)),
        (2**250 + 7, contract_leaf(0xC2, 0, 0)),
    ]))
    class_leaf = poseidon_hash(short_string("CONTRACT_CLASS_LEAF_V0"), 0xCC2)
    classes_root = root(await root_of(poseidon, empty_poseidon, [(0xC2, class_leaf)]))
    print(f"state_a_storage_root = {hex(a_storage_root)}")
    print(f"state_contracts_root = {hex(contracts_root)}")
    print(f"state_classes_root = {hex(classes_root)}")
    global_root = poseidon_hash_many([short_string("STARKNET_STATE_V0"), contracts_root, classes_root])
    print(f"state_global_root = {hex(global_root)}")


asyncio.run(main())
