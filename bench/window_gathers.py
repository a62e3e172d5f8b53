"""im2col and col2im (minigan/backends/numba/windows.py) written with SIMD gathers and scatters,
timed against the serial kernels there: alone at the DCGAN's shapes, and inside the replayed
DCGAN step (bench/step.py's ``minigan_step``), interleaved pairs of steps.

    python bench/window_gathers.py [--pairs 40] [--repeats 30]

windows.py's kernels read (im2col) or add back (col2im) each window through a table of places
in a padded plane, one scalar at a time: LLVM does not vectorise a loop whose reads go through
an index table. The kernels here keep the same loops and the same order of every addition (so
the same bits, checked below) but move a vector of ``LANES`` values per instruction: im2col with
``llvm.masked.gather`` from the padded plane, col2im with a gather, an add and
``llvm.masked.scatter`` (the places of one kernel position are distinct, so no lane collides).
The intrinsics are emitted through ``numba.extending.intrinsic``. ``LANES`` fills 256 bits.

What it prints: each kernel's median time alone (process time, the two builds interleaved), a
check that the step's parameters are the same bits after a few steps with either build, then the
median over ``--pairs`` of (step with these kernels) / (step with windows.py's), each pair run in
alternating order. Run it with one thread (OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1).
"""
from __future__ import annotations

import argparse
import time

import _common  # noqa: F401 - makes the package importable from a source checkout
import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from minigan.backends.numba import windows
from minigan.backends.numba.windows import U, _padded_planes
from step import minigan_step

VECTOR_BYTES = 32  # ymm: measured faster than zmm for both kernels on the AVX-512 machine


def _lanes(dtype: types.Type) -> int:
    return VECTOR_BYTES // (4 if dtype == types.float32 else 8)


def _vector_setup(context, builder, signature, args):  # noqa: ANN001, ANN202
    """For (contiguous, c0, src, s0, table, t0): the contiguous array's data, the vector type,
    the vector of pointers src.flat[s0 + table.flat[t0 : t0 + lanes]], an all-true mask, the
    element size and the intrinsics' type suffix."""
    contiguous_t, _, src_t, _, table_t, _ = signature.args
    contiguous = context.make_array(contiguous_t)(context, builder, args[0])
    src = context.make_array(src_t)(context, builder, args[2])
    table = context.make_array(table_t)(context, builder, args[4])
    element = context.get_value_type(src_t.dtype)
    size = 4 if src_t.dtype == types.float32 else 8
    lanes = _lanes(src_t.dtype)
    i32, i64 = ir.IntType(32), ir.IntType(64)
    places = builder.load(builder.bitcast(builder.gep(table.data, [args[5]]),
                                          ir.VectorType(i32, lanes).as_pointer()), align=4)
    # llvmlite's gep takes no vector index: the addresses are built as integers
    base = builder.ptrtoint(builder.gep(src.data, [args[3]]), i64)
    wide = ir.VectorType(i64, lanes)
    bases = builder.shuffle_vector(builder.insert_element(ir.Constant(wide, None), base, ir.Constant(i32, 0)),
                                   ir.Constant(wide, None), ir.Constant(ir.VectorType(i32, lanes), [0] * lanes))
    offsets = builder.mul(builder.sext(places, wide), ir.Constant(wide, [size] * lanes))
    pointers = builder.inttoptr(builder.add(bases, offsets), ir.VectorType(element.as_pointer(), lanes))
    mask = ir.Constant(ir.VectorType(ir.IntType(1), lanes), [1] * lanes)
    suffix = f"v{lanes}{'f32' if size == 4 else 'f64'}.v{lanes}p0"
    return contiguous.data, ir.VectorType(element, lanes), pointers, mask, size, suffix


def _gather(builder, vector, pointers, mask, size, suffix):  # noqa: ANN001, ANN202
    i32 = ir.IntType(32)
    gather = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(vector, [pointers.type, i32, mask.type, vector]), f"llvm.masked.gather.{suffix}")
    return builder.call(gather, [pointers, ir.Constant(i32, size), mask, ir.Constant(vector, None)])


@intrinsic
def gather_store(typingctx, out, o0, src, s0, table, t0):  # noqa: ANN001, ANN201
    """out.flat[o0 : o0 + lanes] = src.flat[s0 + table.flat[t0 : t0 + lanes]]."""
    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202
        data, vector, pointers, mask, size, suffix = _vector_setup(context, builder, signature, args)
        values = _gather(builder, vector, pointers, mask, size, suffix)
        builder.store(values, builder.bitcast(builder.gep(data, [args[1]]), vector.as_pointer()), align=size)
        return context.get_dummy_value()
    return types.void(out, o0, src, s0, table, t0), codegen


@intrinsic
def scatter_add(typingctx, cols, c0, dst, d0, table, t0):  # noqa: ANN001, ANN201
    """dst.flat[d0 + table.flat[t0 : t0 + lanes]] += cols.flat[c0 : c0 + lanes] (distinct places)."""
    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202
        data, vector, pointers, mask, size, suffix = _vector_setup(context, builder, signature, args)
        added = builder.load(builder.bitcast(builder.gep(data, [args[1]]), vector.as_pointer()), align=size)
        total = builder.fadd(_gather(builder, vector, pointers, mask, size, suffix), added)
        i32 = ir.IntType(32)
        scatter = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [vector, pointers.type, i32, mask.type]),
            f"llvm.masked.scatter.{suffix}")
        builder.call(scatter, [total, pointers, ir.Constant(i32, size), mask])
        return context.get_dummy_value()
    return types.void(cols, c0, dst, d0, table, t0), codegen


@njit(nogil=True, error_model="numpy")
def unfold_gather(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, pad_value):  # noqa: ANN001, ANN201
    """windows._unfold_py, its window reads made ``lanes`` at a time by gather_store."""
    A, B, H, W = x.shape
    PH, PW, places, block = _padded_planes(kh, kw, sh, sw, dh, dw, OH, OW)
    table = places.astype(np.int32)  # the intrinsics read 32-bit places
    padded = np.empty((block, PH * PW), x.dtype)
    rows = (max(0, -ph), min(H, PH - ph))
    columns = (max(0, -pw), min(W, PW - pw))
    planes, M = A * B, OH * OW
    lanes = VECTOR_BYTES // x.itemsize
    vectors_end = M - M % lanes
    for first in range(0, planes, block):
        last = min(first + block, planes)
        for ab in range(first, last):
            a, b = ab // B, ab % B
            plane = padded[U(ab - first)]
            plane[:] = pad_value
            for r in range(rows[0], rows[1]):
                for c in range(columns[0], columns[1]):
                    plane[U((r + ph) * PW + c + pw)] = x[U(a), U(b), U(r), U(c)]
        for k in range(kh * kw):
            for ab in range(first, last):
                for m in range(0, vectors_end, lanes):
                    gather_store(cols, (k * planes + ab) * M + m, padded, (ab - first) * PH * PW, table, k * M + m)
                for m in range(vectors_end, M):
                    cols[U(k), U(ab), U(m)] = padded[U(ab - first), U(table[U(k), U(m)])]


@njit(nogil=True, error_model="numpy")
def fold_scatter(cols, out, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW):  # noqa: ANN001, ANN201
    """windows._fold_py, its adds made ``lanes`` at a time by scatter_add (same order per pixel)."""
    A, B, H, W = out.shape
    PH, PW, places, block = _padded_planes(kh, kw, sh, sw, dh, dw, OH, OW)
    table = places.astype(np.int32)
    padded = np.empty((block, PH * PW), out.dtype)
    zero = out.dtype.type(0)
    planes, M = A * B, OH * OW
    lanes = VECTOR_BYTES // out.itemsize
    vectors_end = M - M % lanes
    for first in range(0, planes, block):
        last = min(first + block, planes)
        padded[:] = zero
        for k in range(kh * kw):
            for ab in range(first, last):
                for m in range(0, vectors_end, lanes):
                    scatter_add(cols, (k * planes + ab) * M + m, padded, (ab - first) * PH * PW, table, k * M + m)
                for m in range(vectors_end, M):
                    padded[U(ab - first), U(table[U(k), U(m)])] += cols[U(k), U(ab), U(m)]
        for ab in range(first, last):
            a, b = ab // B, ab % B
            plane = padded[U(ab - first)]
            for r in range(H):
                for c in range(W):
                    inside = 0 <= r + ph < PH and 0 <= c + pw < PW
                    out[U(a), U(b), U(r), U(c)] = plane[U((r + ph) * PW + c + pw)] if inside else zero


# The DCGAN's window calls (bench/step.py, batch 64): (A, B, H, W) planes, (OH, OW) windows, 4x4, stride 2, padding 1
SHAPES = (((64, 64, 14, 14), (7, 7)), ((1, 64, 28, 28), (14, 14)))


def alone(repeats: int) -> None:
    """Each kernel both ways at SHAPES, float32 and float64: same bits, then median times."""
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        for planes, (oh, ow) in SHAPES:
            geometry = (4, 4, 2, 2, 1, 1, 1, 1, oh, ow)
            x = rng.standard_normal(planes).astype(dtype)
            cols = rng.standard_normal((16, planes[0] * planes[1], oh * ow)).astype(dtype)
            got = {name: (np.empty_like(cols), np.empty_like(x)) for name in ("windows.py", "gathers")}
            builds = {"windows.py": (windows.unfold_kernel, windows.fold_kernel), "gathers": (unfold_gather, fold_scatter)}
            times = {(name, kernel): [] for name in builds for kernel in ("im2col", "col2im")}
            for _ in range(repeats + 1):  # the first round compiles
                for name, (unfold, fold) in builds.items():
                    start = time.process_time()
                    unfold(x, got[name][0], *geometry, dtype(0))
                    times[name, "im2col"].append(time.process_time() - start)
                    start = time.process_time()
                    fold(cols, got[name][1], *geometry)
                    times[name, "col2im"].append(time.process_time() - start)
            same = all(a.tobytes() == b.tobytes() for a, b in zip(got["windows.py"], got["gathers"]))
            line = ", ".join(f"{kernel} {1e3 * np.median(times['windows.py', kernel][1:]):.3f} -> "
                             f"{1e3 * np.median(times['gathers', kernel][1:]):.3f} ms" for kernel in ("im2col", "col2im"))
            print(f"{np.dtype(dtype).name} {planes} -> {oh}x{ow}: {line}; same bits: {same}")


def in_step(pairs: int) -> None:
    """The replayed DCGAN step (batch 64) with each build of the window kernels, pairs interleaved."""
    builds = {False: (windows.unfold_kernel, windows.fold_kernel), True: (unfold_gather, fold_scatter)}
    steps = {new: minigan_step("dcgan", 64, "numba", replayed=True, seed=1) for new in builds}

    def run(new: bool) -> float:
        windows.unfold_kernel, windows.fold_kernel = builds[new]  # looked up at each call
        start = time.process_time()
        steps[new]()
        return time.process_time() - start

    try:
        for _ in range(3):
            run(False)
            run(True)
        same = all(np.array_equal(p.detach().numpy(), q.detach().numpy())
                   for model in (0, 1) for p, q in zip(steps[False].models[model].parameters(),
                                                       steps[True].models[model].parameters()))
        print(f"parameters the same bits after 3 steps with either build: {same}")
        ratios, old, new = [], [], []
        for i in range(pairs):
            t = {flag: run(flag) for flag in ((False, True) if i % 2 == 0 else (True, False))}
            ratios.append(t[True] / t[False])
            old.append(t[False])
            new.append(t[True])
    finally:
        windows.unfold_kernel, windows.fold_kernel = builds[False]
    print(f"replayed step: windows.py {1e3 * np.median(old):.1f} ms, gathers {1e3 * np.median(new):.1f} ms; "
          f"gathers / windows.py: median {np.median(ratios):.4f} (quartiles {np.quantile(ratios, 0.25):.4f}, "
          f"{np.quantile(ratios, 0.75):.4f}) over {pairs} pairs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="runs of each kernel alone")
    parser.add_argument("--pairs", type=int, default=40, help="interleaved pairs of replayed steps")
    args = parser.parse_args()
    alone(args.repeats)
    in_step(args.pairs)


if __name__ == "__main__":
    main()
