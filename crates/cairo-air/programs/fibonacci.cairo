// Fibonacci in proof mode: outputs n and the n-th element of the sequence 1, 1, 2, 3, ...
// `n` comes from the program input (`{"n": N}`); the step count grows linearly with it.
%builtins output

from starkware.cairo.common.serialize import serialize_word

func main{output_ptr: felt*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let result = fib(1, 1, n);
    serialize_word(n);
    serialize_word(result);
    return ();
}

func fib(first_element: felt, second_element: felt, n: felt) -> felt {
    if (n == 0) {
        return first_element;
    }
    return fib(second_element, first_element + second_element, n - 1);
}
