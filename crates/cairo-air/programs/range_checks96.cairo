// The range_check96 builtin in proof mode: writes 2^96 - 1 (the largest value it accepts) and
// then, for i = n..1, the value i * 2^80 + 12345 i into its segment, and outputs n and the sum
// of the values written in the loop. `n` comes from the program input.
%builtins output range_check96

from starkware.cairo.common.serialize import serialize_word

func main{output_ptr: felt*, range_check96_ptr: felt*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    assert [range_check96_ptr] = 2 ** 96 - 1;
    let range_check96_ptr = range_check96_ptr + 1;
    let sum = fill(n, 0);
    serialize_word(n);
    serialize_word(sum);
    return ();
}

func fill{range_check96_ptr: felt*}(i: felt, acc: felt) -> felt {
    if (i == 0) {
        return acc;
    }
    let value = i * 2 ** 80 + 12345 * i;
    assert [range_check96_ptr] = value;
    let range_check96_ptr = range_check96_ptr + 1;
    return fill(i - 1, acc + value);
}
