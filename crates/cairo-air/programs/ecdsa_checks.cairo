// ECDSA in proof mode, for benches: checks one fixed Stark-curve signature `n` times through
// the ecdsa builtin (one instance per check; `n` comes from the program input), then outputs
// `n`. The key, message and signature were made with cairo-lang's
// `starkware.crypto.signature.signature.sign` (private key 0x3c1e...3cc, message "witcher").
%builtins output ecdsa

from starkware.cairo.common.cairo_builtins import SignatureBuiltin
from starkware.cairo.common.serialize import serialize_word
from starkware.cairo.common.signature import verify_ecdsa_signature

const KEY = 0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43;
const MESSAGE = 0x77697463686572;
const SIG_R = 0x4a6f15a2371f1852c761728945f114c3d01e45644ddf8144c6652b5e79c9bad;
const SIG_S = 0x2417f456af92f93ae8d2e03d87028dabfd6a32fb9595a3b7254b1187af7eacd;

func main{output_ptr: felt*, ecdsa_ptr: SignatureBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    check(n);
    serialize_word(n);
    return ();
}

func check{ecdsa_ptr: SignatureBuiltin*}(i: felt) {
    if (i == 0) {
        return ();
    }
    verify_ecdsa_signature(message=MESSAGE, public_key=KEY, signature_r=SIG_R, signature_s=SIG_S);
    return check(i - 1);
}
