// Range checks in proof mode: for i = n..1, checks i >= 0, divides i * 1000003 by 97 and
// compares the remainder with 50 (all through the range_check builtin), and outputs the sum
// of the quotients, remainders and comparison results. `n` comes from the program input.
%builtins output range_check

from starkware.cairo.common.math import assert_nn, unsigned_div_rem
from starkware.cairo.common.math_cmp import is_le
from starkware.cairo.common.serialize import serialize_word

func main{output_ptr: felt*, range_check_ptr}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let sum = accumulate(n, 0);
    serialize_word(n);
    serialize_word(sum);
    return ();
}

func accumulate{range_check_ptr}(i: felt, acc: felt) -> felt {
    if (i == 0) {
        return acc;
    }
    assert_nn(i);
    let (q, r) = unsigned_div_rem(i * 1000003, 97);
    let small = is_le(r, 50);
    return accumulate(i - 1, acc + q + r + small);
}
