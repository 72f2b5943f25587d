// A Cairo 0 contract that sends L2 -> L1 messages around a nested call (crates/os/tests/blocks.rs):
// the receipt lists them in sending order (its own first message, the callee's, then its own
// second one), which a walk of the call tree that lists a call's own messages before its inner
// calls' would not.
%lang starknet

from starkware.cairo.common.alloc import alloc
from starkware.starknet.common.messages import send_message_to_l1
from starkware.starknet.common.syscalls import call_contract

// Sends (to_address, [1]), calls `other.selector(to_address, 2)` (the syscalls test contract's
// `send`, which sends (to_address, [2]) from `other`), then sends (to_address, [3, 4]).
@external
func send_around{syscall_ptr: felt*}(to_address: felt, other: felt, selector: felt) {
    alloc_locals;
    let (local first: felt*) = alloc();
    assert first[0] = 1;
    send_message_to_l1(to_address=to_address, payload_size=1, payload=first);
    let (local calldata: felt*) = alloc();
    assert calldata[0] = to_address;
    assert calldata[1] = 2;
    call_contract(
        contract_address=other, function_selector=selector, calldata_size=2, calldata=calldata
    );
    let (local last: felt*) = alloc();
    assert last[0] = 3;
    assert last[1] = 4;
    send_message_to_l1(to_address=to_address, payload_size=2, payload=last);
    return ();
}
