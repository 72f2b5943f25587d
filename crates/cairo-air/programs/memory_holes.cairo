// Leaves holes in the execution segment (unused locals) and uses jnz, call and ret, so the
// prover must fill memory gaps and handle every opcode.
%builtins output

func main{output_ptr: felt*}() {
    alloc_locals;
    local unused_a;
    local unused_b;
    local x = 7;
    tempvar y = x * x + 3;
    assert [output_ptr] = y;
    let output_ptr = output_ptr + 1;
    let z = countdown(5, 0);
    assert [output_ptr] = z;
    let output_ptr = output_ptr + 1;
    return ();
}

func countdown(n: felt, acc: felt) -> felt {
    if (n == 0) {
        return acc;
    }
    return countdown(n - 1, acc + n);
}
