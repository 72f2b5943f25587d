// Factorial without builtins: computes 10! and checks it, so the run has no output segment.
func main() {
    let result = factorial(10);
    assert result = 3628800;
    return ();
}

func factorial(n: felt) -> felt {
    if (n == 0) {
        return 1;
    }
    let rest = factorial(n - 1);
    return n * rest;
}
