//===- Passes.td - CPU backend passes ----------------------*- tablegen -*-===//

#ifndef NNC_BACKENDS_CPU_PASSES_TD
#define NNC_BACKENDS_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPUFuseElementwisePass
    : Pass<"nnc-cpu-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuses elementwise linalg ops, leaving contractions alone";
  let description = [{
    Upstream's `linalg-fuse-elementwise-ops` (producer-consumer fusion of
    elementwise generics, reshape propagation by expansion, constant folding)
    where a contraction neither absorbs its producers nor is expanded through
    a reshape. A convolution lowered as im2col (a copy with affine maps) and
    a matmul would otherwise fuse back into one 7-loop generic: no matmul to
    `nnc-cpu-tile-and-vectorize`, so scalar loops ~20× slower.

    ```mlir
    %col = linalg.generic ... ins(%x) -> tensor<128x14x14x16x3x3xf32>  // im2col
    %cols = tensor.collapse_shape %col [[0, 1, 2], [3, 4, 5]]
    %y = linalg.matmul ins(%cols, %w : ...)
    // stays as it is (upstream: one generic over (n, y, x, o, c, i, j))
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::affine::AffineDialect"
  ];
}

def CPUTransposeRHSPass
    : Pass<"nnc-cpu-transpose-rhs", "::mlir::func::FuncOp"> {
  let summary = "Turns matmuls with a transposed right operand into NN matmuls";
  let description = [{
    A matmul `A·Bᵀ` (B stored `[n, k]`, e.g. a dense layer with PyTorch's
    `[out, in]` weights) reads B across rows in the register tile, which does
    not vectorize. This pass materializes `Bᵀ` with a `linalg.transpose` (tiled
    into 16×16 blocks later, which lower to shuffles) and rewrites the matmul
    into the plain `A·B` form that the register tiling handles at full speed.

    ```mlir
    %c = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (n, k)>,
                                        affine_map<(m, n, k) -> (m, n)>]
           ins(%a, %b : tensor<128x784xf32>, tensor<256x784xf32>) ...
    // becomes
    %bt = linalg.transpose ins(%b : tensor<256x784xf32>)
            outs(%e : tensor<784x256xf32>) permutation = [1, 0]
    %c = linalg.matmul ins(%a, %bt : tensor<128x784xf32>, tensor<784x256xf32>) ...
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def CPUSplitReductionsPass
    : Pass<"nnc-cpu-split-reductions", "::mlir::func::FuncOp"> {
  let summary = "Reduces whole tensors to scalars through lane-wise partials";
  let description = [{
    A reduction of a whole tensor into a scalar (the squared norms of the
    gradients) vectorizes into one long chain of dependent scalar additions:
    the order of a floating-point sum is part of its result, and the
    vectorizer keeps it. This pass fixes another order, as fast as a
    vectorized elementwise op: the input, viewed as
    `[parts, n / (parts·lanes), lanes]`, is reduced over the middle
    dimension into `parts × lanes` partials (`parts` rows that
    `nnc-cpu-parallelize` runs on separate threads, `lanes` accumulators in
    vector registers), which a second op combines into the original init.
    The order depends on the shape alone, so results stay the same for every
    thread count. Applies to generic ops whose inputs are read whole in
    row-major order and whose body combines the running value with one
    operation that has a neutral element (sum, product, min, max);
    `parts` becomes 1 unless it divides `n / lanes`.

    Reductions into a smaller tensor (per-channel statistics over N, H, W)
    whose contiguous loop is a reduction of at most `lanes` iterations are
    split the same way along that loop: stage 1 keeps its elements apart
    as an extra output dimension (vector lanes, `[C, W]`), stage 2 combines
    them into the original init.

    ```mlir
    %s = linalg.generic {iterator_types = ["reduction", "reduction"]}
        ins(%g : tensor<256x784xf32>) outs(%zero : tensor<f32>) {
      ^bb0(%in: f32, %acc: f32):
        %sq = arith.mulf %in, %in : f32
        %r = arith.addf %acc, %sq : f32
        linalg.yield %r : f32
    } -> tensor<f32>
    // becomes: %g as tensor<8x392x64xf32>,
    %p = linalg.generic {iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%g3 : tensor<8x392x64xf32>) outs(%zeros : tensor<8x64xf32>) { (same body) }
    %s = linalg.generic {iterator_types = ["reduction", "reduction"]}
        ins(%p : tensor<8x64xf32>) outs(%zero : tensor<f32>) { arith.addf }
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"64",
           "Partial results kept in vector registers">,
    Option<"parts", "parts", "int64_t", /*default=*/"8",
           "Independent rows of partial results (parallel work)">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def CPUParallelizePass : Pass<"nnc-cpu-parallelize", "::mlir::func::FuncOp"> {
  let summary = "Splits large linalg ops on tensors into independent output tiles";
  let description = [{
    Wraps every static linalg op on tensors with at least `min-iterations`
    loop iterations (a matmul's count a quarter: they are multiply-adds in
    registers) and not inside a loop already in an `scf.forall` over
    disjoint tiles of its output, which `nnc-cpu-outline-parallel` later
    hands to the runtime's thread pool (`nnrt_parallel_for`). Only parallel
    loops are split, into tiles whose number depends on the shapes alone,
    never on the thread count, and reduction loops are never split: every
    output element is computed by the same instructions in the same order
    with any number of threads, so results are bit-identical.

    * matmuls are split along N in `tile-n` columns (or M in `tile-m` rows,
      whichever cuts the larger operand and divides evenly);
    * transposes in 16-row blocks;
    * other ops (several outputs too) along their outermost parallel loop,
      one iteration per tile (`vector-lanes` iterations when that loop is the
      one tile-and-vectorize puts its vectors along).

    ```mlir
    %c = linalg.matmul ins(%a, %b : tensor<128x784xf32>, tensor<784x256xf32>)
                       outs(%init : tensor<128x256xf32>) -> tensor<128x256xf32>
    // becomes
    %c = scf.forall (%j) = (0) to (256) step (32) shared_outs(%o = %init) -> (tensor<128x256xf32>) {
      ... linalg.matmul ins(%a, %bj : tensor<128x784xf32>, tensor<784x32xf32>) outs(%oj : tensor<128x32xf32>)
      scf.forall.in_parallel { tensor.parallel_insert_slice ... }
    }
    ```
  }];
  let options = [
    Option<"minIterations", "min-iterations", "int64_t", /*default=*/"32768",
           "Loop iterations below which an op stays serial (the cost of "
           "waking the threads outweighs the gain)">,
    Option<"tileM", "tile-m", "int64_t", /*default=*/"8",
           "Rows of a matmul tile (the register tile's)">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"32",
           "Columns of a matmul tile (the register tile's)">,
    Option<"vectorLanes", "vector-lanes", "int64_t", /*default=*/"64",
           "Iterations of a tile along a contiguous loop">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def CPUTileAndVectorizePass
    : Pass<"nnc-cpu-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tiles linalg ops on tensors to register tiles and vectorizes them";
  let description = [{
    Works on static-shaped linalg ops on tensors, before bufferization:

    * matmuls (all operand layouts) get an `m×n` register tile (8×32 by
      default: 16 accumulator registers of 16 lanes) and a K step of
      `k-tile`; a right operand over 1 MiB is first cut into blocks of 256
      rows of K, each reused by all register tiles while in cache;
    * stencils (direct convolutions, see `getStencilLoops`) get blocks of
      up to 16 output channels × one output row (at most one vector); their
      unit reduction loops but the input channel are then dropped, which
      leaves a matmul [channels × 1]·[1 × row] of the tuned kind;
    * reductions of small 2-D windows (max pooling through the view
      [N, C, Ho, kh, Wo, kw]) get one output row per tile, one window per
      lane; without their unit loops they vectorize as elementwise ops;
    * `linalg.transpose` gets 16×16 blocks;
    * every other op gets one vector of up to `vector-lanes` elements along
      the loop dimension that is contiguous in memory for its largest
      operand, and unit tiles elsewhere.

    Loops whose trip count the tile does not divide are peeled, so that every
    tile has a static shape and vectorizes; ops that the vectorizer rejects
    stay as (tiled) linalg ops and become scalar loops later. Finally the
    accumulator tile of each K loop is hoisted out of the loop (read before,
    written after), so that it stays in registers.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"8",
           "Rows of the matmul register tile">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"32",
           "Columns of the matmul register tile">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"1",
           "Reduction step of the matmul register tile">,
    Option<"vectorLanes", "vector-lanes", "int64_t", /*default=*/"64",
           "Elements per vector for elementwise and reduction ops">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def CPUStaticBuffersPass : Pass<"nnc-cpu-static-buffers", "::mlir::ModuleOp"> {
  let summary = "Turns the functions' static temporary buffers into globals that temporaries of disjoint lifetimes share";
  let description = [{
    Every `memref.alloc` of static shape in the entry block of a function lives
    at most for one call. A training step allocates megabytes of such
    temporaries; `malloc` serves large blocks with fresh pages from the kernel,
    and the page faults cost a third of the step. This pass gives them
    uninitialized private `memref.global`s instead (and drops their
    `memref.dealloc`s), so the pages are touched once per process.

    Temporaries whose lifetimes do not overlap share a global: a temporary
    lives from its allocation to the last op of the entry block that uses
    it or any alias of it (views, casts, loop results it is yielded to).
    Largest first, each goes into the first global whose temporaries are
    all dead while it lives; a shared global is a byte buffer of its
    largest temporary's size, and each temporary a `memref.view` of it.
    The entry points run one at a time and call no function of the module,
    so temporaries of different functions share globals too (with calls
    between them, each function gets its own). A temporary that escapes
    (returned) or whose elements are not whole bytes keeps a global of its
    own. Distinct live temporaries stay distinct globals, which LLVM knows
    do not alias. `examples/cnn.mlir`: 319 MB of temporaries became 80 MB.

    The functions become non-reentrant, which the ABI allows: the runtime
    calls the entry points from one thread at a time (nnrt.h).

    ```mlir
    %a = memref.alloc() {alignment = 64 : i64} : memref<128x256xf32>
    "use"(%a)
    %b = memref.alloc() : memref<256xf32>
    "use"(%b)
    // becomes
    memref.global "private" @__nnc_buffer : memref<131072xi8> = uninitialized {alignment = 64 : i64}
    %g = memref.get_global @__nnc_buffer : memref<131072xi8>
    %a = memref.view %g[%c0][] : memref<131072xi8> to memref<128x256xf32>
    "use"(%a)
    %g1 = memref.get_global @__nnc_buffer : memref<131072xi8>
    %b = memref.view %g1[%c0][] : memref<131072xi8> to memref<256xf32>
    "use"(%b)
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def CPULowerVectorsPass
    : Pass<"nnc-cpu-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Lowers n-D vector ops to 1-D vector ops that LLVM handles well";
  let description = [{
    Lowers, in separate greedy applications (transpose and shape-cast lowering
    in one set never reach a fixpoint): contractions into outer products,
    multi-reductions, transfers (permutation maps, then rank-1 transfers),
    transposes (16×16 shuffles), then shape casts and broadcasts.
  }];
  let dependentDialects = [
    "::mlir::vector::VectorDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def CPUOutlineParallelPass
    : Pass<"nnc-cpu-outline-parallel", "::mlir::ModuleOp"> {
  let summary = "Runs scf.forall loops on buffers on the runtime's threads";
  let description = [{
    Moves the body of every one-dimensional `scf.forall` with constant bounds
    and no results (after bufferization) into a private function
    `fn(ctx, begin, end)` that runs iterations `[begin, end)`, and replaces
    the loop by a call `nnrt_parallel_for(fn, ctx, count)` of the runtime
    (runtime/include/nnrt/nnrt.h), which splits the iterations statically
    over its threads. Constants and static buffers (`memref.get_global`) are
    recomputed in the body; every other value from above travels through
    `ctx`, a stack struct of the caller holding their LLVM forms (memref
    descriptors, i64 for index), bridged with `unrealized_conversion_cast`s
    that the lowering to LLVM reconciles. Other foralls stay, and are lowered
    to serial loops.

    ```mlir
    scf.forall (%j) = (0) to (256) step (32) {
      ... %c[..., %j] ...
    }
    // becomes
    func.func private @f_parallel(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
      %d = llvm.load ... : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
      %c = builtin.unrealized_conversion_cast %d : ... to memref<128x256xf32>
      scf.for %k = %b to %e step %c1 { %j = affine.apply (d0 * 32)(%k) ... }
    }
    ... llvm.store ... ; call @nnrt_parallel_for(%fn, %ctx, %c8_i64)
    ```
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def CPUApproximateMathPass
    : Pass<"nnc-cpu-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "Replaces f32 transcendental functions by vectorizable polynomials";
  let description = [{
    LLVM has no vector `expf` on x86 without a vector math library: a
    `math.exp` on `vector<16xf32>` would become 16 calls into libm. This pass
    rewrites f32 `exp`, `expm1`, `log`, `log1p`, `log2`, `tanh` and `erf` into
    MLIR's polynomial approximations (within a few ulp), which vectorize.
    Other functions, and f64 (used by the gradient check), keep their libm
    calls.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // NNC_BACKENDS_CPU_PASSES_TD
