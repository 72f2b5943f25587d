// The segment arena of Sierra's runtime, in Cairo 0 with cairo-lang's
// `starkware.starknet.builtins.segment_arena` (its `new_arena` hint adds a segment: the hint
// family cairo-vm leaves out and the prover's runner serves): allocates `n` segments through
// the arena (the first a real segment, the others temporary), writes i, i + 1, ..., 2 i - 1 into the i-th, finalizes them in
// order, sums every value written (read back through the arena's records) and validates the
// arena, which relocates the temporary segments next to each other (a relocation rule per
// segment). Outputs the number of segments and the sum. `n` comes from the program input.
%builtins output range_check

from starkware.cairo.common.alloc import alloc
from starkware.starknet.builtins.segment_arena.segment_arena import (
    SegmentArenaBuiltin,
    SegmentInfo,
    new_arena,
    validate_segment_arena,
)

func main{output_ptr: felt*, range_check_ptr}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let arena = new_arena();
    let arena = allocate(arena, 0, n);
    let arena = finalize(arena, 0, n);
    let last = arena - SegmentArenaBuiltin.SIZE;
    let (total) = sum_segments(last.infos, n, 0);
    validate_segment_arena(last);
    assert output_ptr[0] = last.n_segments;
    assert output_ptr[1] = total;
    let output_ptr = output_ptr + 2;
    return ();
}

// Allocates segments i..n-1 as Sierra's `alloc_segment` does: a new segment whose start goes
// into the next SegmentInfo, and a new arena record with one more segment.
func allocate(arena: SegmentArenaBuiltin*, i: felt, n: felt) -> SegmentArenaBuiltin* {
    alloc_locals;
    if (i == n) {
        return arena;
    }
    let prev = arena - SegmentArenaBuiltin.SIZE;
    let segment = new_segment(prev.n_segments);
    assert prev.infos[prev.n_segments].start = segment;
    fill(segment, i, 0);
    assert arena[0] = SegmentArenaBuiltin(
        infos=prev.infos, n_segments=prev.n_segments + 1, n_finalized=prev.n_finalized
    );
    return allocate(&arena[1], i + 1, n);
}

// The first segment is a real one, every later one temporary (validation relocates it to
// one cell past the end of the segment before it).
func new_segment(n_segments: felt) -> felt* {
    alloc_locals;
    if (n_segments == 0) {
        let (segment) = alloc();
        return segment;
    }
    local temporary_array: felt*;
    %{ ids.temporary_array = segments.add_temp_segment() %}
    return temporary_array;
}

// Writes i, i + 1, ..., 2 i - 1 (i values) from `ptr`.
func fill(ptr: felt*, i: felt, k: felt) {
    if (k == i) {
        return ();
    }
    assert ptr[k] = i + k;
    return fill(ptr, i, k + 1);
}

// Finalizes segments i..n-1 in order: the end of segment i is its start plus i, and its
// finalization index is the number finalized before it.
func finalize{range_check_ptr}(arena: SegmentArenaBuiltin*, i: felt, n: felt) -> SegmentArenaBuiltin* {
    if (i == n) {
        return arena;
    }
    let prev = arena - SegmentArenaBuiltin.SIZE;
    let info = prev.infos[i];
    assert info.end = info.start + i;
    assert info.finalization_index = prev.n_finalized;
    assert [range_check_ptr] = info.end - info.start;
    let range_check_ptr = range_check_ptr + 1;
    assert arena[0] = SegmentArenaBuiltin(
        infos=prev.infos, n_segments=prev.n_segments, n_finalized=prev.n_finalized + 1
    );
    return finalize(&arena[1], i + 1, n);
}

// The sum of every value in segments i..n-1, read between each record's start and end.
func sum_segments(infos: SegmentInfo*, n: felt, acc: felt) -> (total: felt) {
    if (n == 0) {
        return (total=acc);
    }
    let (segment) = sum_range(infos[0].start, infos[0].end, 0);
    return sum_segments(&infos[1], n - 1, acc + segment);
}

func sum_range(ptr: felt*, end: felt*, acc: felt) -> (total: felt) {
    if (ptr == end) {
        return (total=acc);
    }
    return sum_range(ptr + 1, end, acc + [ptr]);
}
