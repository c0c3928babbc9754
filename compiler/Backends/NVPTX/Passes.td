//===- Passes.td - NVPTX backend passes --------------------*- tablegen -*-===//

#ifndef NNC_BACKENDS_NVPTX_PASSES_TD
#define NNC_BACKENDS_NVPTX_PASSES_TD

include "mlir/Pass/PassBase.td"

def NVPTXDeviceBuffersPass
    : Pass<"nnc-nvptx-device-buffers", "::mlir::func::FuncOp"> {
  let summary = "Puts a function's temporary buffers in GPU memory";
  let description = [{
    After bufferization every buffer of an ABI function is either one of
    its arguments (device memory that the runtime owns, docs/gpu.md) or a
    `memref.alloc` of static shape. This pass allocates the latter on the
    device: each one becomes a `gpu.alloc` at the start of the function and
    a `gpu.dealloc` before every return (the runtime's allocator caches the
    blocks, so a step allocates nothing from the driver after the first).
    Allocations inside `scf.if` branches are hoisted with them: their shape
    is static, so they cost nothing when the branch is not taken.

    A temporary that is copied into an argument of the function (an
    output such as the training step's metrics, built by bufferization in
    a temporary) becomes that argument when nothing uses it after the copy
    and nothing else uses the argument: one kernel fewer. Any other
    `memref.copy` (which would be a host `memcpy` on device pointers)
    becomes `linalg.copy`, which the later passes turn into a kernel like
    any other linalg op.

    ```mlir
    %t = memref.alloc() {alignment = 64 : i64} : memref<128x256xf32>
    memref.copy %a, %t : memref<128x256xf32> to memref<128x256xf32>
    // becomes
    %t = gpu.alloc () : memref<128x256xf32>
    linalg.copy ins(%a : memref<128x256xf32>) outs(%t : memref<128x256xf32>)
    ...
    gpu.dealloc %t : memref<128x256xf32>
    return
    ```
  }];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

def NVPTXHostToDevicePass
    : Pass<"nnc-nvptx-host-to-device", "::mlir::func::FuncOp"> {
  let summary = "Moves the host's memory accesses into single-thread loops for the GPU";
  let description = [{
    Runs on loops (after linalg is lowered to `scf.parallel`/`scf.for`).
    Everything outside an `scf.parallel` stays on the host, where the
    buffers, being device memory, cannot be read or written. This pass moves
    each such access into a one-iteration `scf.parallel` (a one-thread
    kernel once mapped to the GPU):

    * a loop nest of `scf.for` (a reduction to a scalar, a 0-d fill) is
      wrapped whole;
    * a `memref.store` is wrapped, the value it stores becoming a kernel
      argument;
    * a `memref.load` whose value the host needs (to branch on, or as a
      scalar argument of later kernels) is copied into a one-element device
      buffer by a one-thread loop and brought to the host with
      `gpu.memcpy`; loads of `nnc_train_step`'s hyperparameters and
      trainable flags (arguments 3 and 4), which are host memory in GPU
      models (docs/abi.md), stay as they are, and a kernel that reads them
      is an error.

    Before that, in each host block: a load of what the host stored just
    before, with nothing in between that may write memory, takes the
    stored value; a load whose value is only stored once (a scalar copy
    between device buffers, as bufferization makes for 0-d tensors) runs
    with its store on one GPU thread; scalars computed from device memory
    that only kernels and device stores use (the gradient norms, the
    clipping scale, the metrics) are recomputed by each kernel that uses
    them (a few loads its threads share) or stored by a one-thread kernel,
    instead of being copied to the host, unless a buffer they read is
    written before the use; a value that takes more than 8 loads (the sum
    of the squared norms of many tensors) is computed once by one thread
    into a device scalar that the kernels read. An MLP training step went from 29 synchronous
    copies to none.

    ```mlir
    %lr = memref.load %hyper[%c0] : memref<3xf32>
    // becomes
    %d = gpu.alloc () : memref<f32>
    scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
      %v = memref.load %hyper[%c0] : memref<3xf32>
      memref.store %v, %d[] : memref<f32>
    }
    %h = memref.alloca() : memref<f32>
    gpu.memcpy %h, %d : memref<f32>, memref<f32>
    %lr = memref.load %h[] : memref<f32>
    gpu.dealloc %d : memref<f32>
    ```
  }];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def NVPTXParallelDimsOutermostPass
    : Pass<"nnc-nvptx-parallel-dims-outermost", "::mlir::func::FuncOp"> {
  let summary = "Puts the parallel dimensions of every linalg.generic first";
  let description = [{
    `convert-linalg-to-parallel-loops` nests loops in the order of the
    iterators, so a generic whose reduction dimension comes first (a bias
    gradient summed over the batch: (n, c) with n reduced) became
    `scf.for n { scf.parallel c }`, which the GPU mapping runs on a single
    thread. Interchanged, it is `scf.parallel c { scf.for n }`: one thread
    per output element. Each group keeps its order.

    ```mlir
    linalg.generic {iterator_types = ["reduction", "parallel"],
      indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d1)]} ...
    // becomes
    linalg.generic {iterator_types = ["parallel", "reduction"],
      indexing_maps = [(d0, d1) -> (d1, d0), (d0, d1) -> (d0)]} ...
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def NVPTXPromoteAccumulatorsPass
    : Pass<"nnc-nvptx-promote-accumulators", "::mlir::func::FuncOp"> {
  let summary = "Keeps reduction accumulators in registers";
  let description = [{
    A reduction lowered to loops loads and stores its output element in
    every iteration; on a GPU that is a round trip through global memory
    (through L2) per iteration, serialized by the dependence, and LLVM
    cannot keep the value in a register because it cannot prove that the
    inputs do not alias the output. Linalg semantics guarantee it (the
    output of a reduction is never one of its inputs after bufferization),
    so this pass does it: when the body of an `scf.for` loads and later
    stores the same element, at indices defined outside the loop, of a
    buffer that nothing else in the loop touches, the element is loaded
    before the loop, carried as an iter_arg and stored after it. Inner loops
    go first, so that a nest of reduction loops carries the value through
    all of them.

    ```mlir
    scf.for %k = %c0 to %c784 step %c1 {
      %c = memref.load %out[%i, %j] : memref<128x256xf32>
      ...
      memref.store %s, %out[%i, %j] : memref<128x256xf32>
    }
    // becomes
    %init = memref.load %out[%i, %j] : memref<128x256xf32>
    %r = scf.for %k = %c0 to %c784 step %c1 iter_args(%c = %init) -> (f32) {
      ...
      scf.yield %s : f32
    }
    memref.store %r, %out[%i, %j] : memref<128x256xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"];
}

def NVPTXSplitReductionsPass
    : Pass<"nnc-nvptx-split-reductions", "::mlir::func::FuncOp"> {
  let summary = "Spreads long reductions with few outputs over more threads";
  let description = [{
    One thread per output element leaves the GPU nearly idle when there are
    few outputs and long sums: BatchNorm statistics (one per channel, over
    N·H·W), weight gradients of small convolutions, a parameter's squared
    gradient norm (one output, on one thread). This pass rewrites such a
    reduction (as nnc-nvptx-promote-accumulators leaves it: `scf.parallel
    { load; scf.for iter_args; store }`) in two phases when it has at most
    a quarter of `target-threads` outputs:

    1. `scf.parallel` over (split, output): each thread folds one chunk of
       the reduction loop, from the combiner's neutral element, into a
       partial result in a device buffer [splits, outputs...];
    2. the original loop, its reduction loop now running over the partials,
       folded into the output's initial value.

    The number of splits fills `target-threads` but leaves each thread at
    least `min-work` iterations (counting the loops nested in the reduction
    loop). When the outer reduction loop has fewer iterations than that (a
    squared norm over a 256x784 weight), its perfect nest of static loops
    becomes one loop first (`coalesceLoops`), which is then split. When
    that loop walks the contiguous index of what it reads, the splits are
    interleaved (split s takes iterations s, s + splits, ... and is the
    fastest thread index: a warp's loads are neighbouring elements);
    otherwise each split takes a chunk and the outputs vary fastest. Supported combiners: add, mul, max, min (float and integer).
    Summation order changes, as on any parallel machine; the long sums of
    nnc accumulate in float64.

    ```mlir
    scf.parallel (%c) = (%c0) to (%c16) step (%c1) {
      %init = memref.load %sum[%c] : memref<16xf64>
      %r = scf.for %n = %c0 to %c128 step %c1 iter_args(%a = %init) -> (f64) {
        ... %s = arith.addf %a, %x : f64
        scf.yield %s : f64
      }
      memref.store %r, %sum[%c] : memref<16xf64>
    }
    // becomes (128 splits)
    scf.parallel (%s, %c) = (%c0, %c0) to (%c128, %c16) step (%c1, %c1) {
      %r = scf.for %n = %lo to %hi step %c1 iter_args(%a = %zero) -> (f64) { ... }
      memref.store %r, %partial[%s, %c] : memref<128x16xf64>
    }
    scf.parallel (%c) = (%c0) to (%c16) step (%c1) {
      %init = memref.load %sum[%c] : memref<16xf64>
      %r = scf.for %s = %c0 to %c128 step %c1 iter_args(%a = %init) -> (f64) {
        %p = memref.load %partial[%s, %c] : memref<128x16xf64>
        %t = arith.addf %a, %p : f64
        scf.yield %t : f64
      }
      memref.store %r, %sum[%c] : memref<16xf64>
    }
    ```
  }];
  let options = [
    Option<"targetThreads", "target-threads", "int64_t", /*default=*/"262144",
           "Threads a reduction is spread over (an H100 runs 270 336 at once)">,
    Option<"minWorkPerThread", "min-work", "int64_t", /*default=*/"64",
           "Fewest reduction iterations per thread">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def NVPTXBranchesIntoKernelsPass
    : Pass<"nnc-nvptx-branches-into-kernels", "::mlir::func::FuncOp"> {
  let summary = "Moves host branches around kernels into the kernels";
  let description = [{
    The host picks an update kernel per tensor from host values (noise on or
    off, the tensor trainable or frozen). `gpu-async-region` makes the host
    wait for the GPU at the end of every such `scf.if`: six waits per MLP
    step. A branch whose regions hold only kernels (`scf.parallel`) and pure
    operations becomes kernels that test the condition themselves: the pure
    operations move before it, a kernel of the `then` region gets
    `scf.if %cond` around its body, one of the `else` region `scf.if` on
    the negation, and when each region is one kernel over the same space
    both become one kernel with the `scf.if` inside. Kernels of the branch
    not taken still launch, and do nothing.

    ```mlir
    scf.if %c {
      scf.parallel (%i) = (%c0) to (%n) step (%c1) { A(%i) }
    } else {
      scf.parallel (%j) = (%c0) to (%n) step (%c1) { B(%j) }
    }
    // becomes
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      scf.if %c { A(%i) } else { B(%i) }
    }
    ```
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def NVPTXMergeSerialKernelsPass
    : Pass<"nnc-nvptx-merge-serial-kernels", "::mlir::func::FuncOp"> {
  let summary = "Makes neighbouring one-thread kernels one";
  let description = [{
    Host scalar work runs as one-thread kernels (nnc-nvptx-host-to-device;
    the combining phase of nnc-nvptx-split-reductions): starting an
    accumulator, combining partial sums, scaling a norm. Each costs a launch
    although it does next to nothing. Neighbouring one-iteration
    `scf.parallel` loops without results become one: the single thread runs
    their bodies in the same order, which is what launching them one after
    the other did. Pure host operations between them (constants, views,
    scalar arithmetic) move before the merged loop when their operands
    allow; anything else ends the run.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def NVPTXFuseIndependentKernelsPass
    : Pass<"nnc-nvptx-fuse-independent-kernels", "::mlir::func::FuncOp"> {
  let summary = "Makes kernels that do not depend on each other one launch";
  let description = [{
    A training step launches many small kernels that touch different
    tensors: the update of each parameter, the partial sums of each
    gradient's squared norm, BatchNorm's per-channel sums. A GPU spends a
    few microseconds on each launch however little it does. This pass moves
    each kernel (a top-level `scf.parallel` of static trip counts) up into
    the earliest kernel before it when nothing in between (that kernel
    included) writes what it reads or touches what it writes, and makes the
    two one loop over both iteration spaces: the second part starts at a
    multiple of `block-size` (so a block of threads runs one part only, the
    branch does not diverge within it) and each part is masked past its
    end. Buffers are told apart by their root; views of a one-dimensional
    buffer (the tensors of the state) by their static element ranges.
    Pure host operations that the moved kernel uses move with it. Then a
    kernel that stayed moves down into the first later kernel it is
    independent of (with everything in between), when that one could not
    move up to it: a loss's final sum between two tiled matmuls (launches
    of their own, whose tensor-core operations touch no memory) joins the
    kernel after them.

    ```mlir
    scf.parallel (%i) = (%c0) to (%c300) step (%c1) { A(%i) }
    scf.parallel (%j) = (%c0) to (%c10) step (%c1) { B(%j) }
    // becomes
    scf.parallel (%k) = (%c0) to (%c522) step (%c1) {
      scf.if %k < 512 { scf.if %k < 300 { A(%k) } } else { B(%k - 512) }
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block of nnc-nvptx-tile-parallel-loops">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def NVPTXRegisterTilePass
    : Pass<"nnc-nvptx-register-tile", "::mlir::func::FuncOp"> {
  let summary = "Computes several outputs of a reduction per thread";
  let description = [{
    One thread per output element loads both operands of every
    multiply-add. For a parallel loop with a reduction loop of at least
    `min-reduction` iterations in its body, this pass gives each thread
    `factor` consecutive elements of the outermost dimension (the rows of a
    matmul, the batch of a convolution): that dimension steps by `factor`,
    an `scf.for` of `factor` iterations runs the old body, and
    unroll-and-jam fuses its copies of the reduction loop, so that what does
    not depend on that dimension (the other matrix, the weights) is loaded
    once for `factor` multiply-adds, the accumulators in registers. Only
    when the dimension divides by `factor` and at least `min-threads`
    threads remain.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c256) step (%c1, %c1) {
      %init = memref.load %C[%i, %j]
      %r = scf.for %k ... iter_args(%acc = %init) { A[%i, %k] * B[%k, %j] ... }
      memref.store %r, %C[%i, %j]
    }
    // becomes (factor 4)
    scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c256) step (%c4, %c1) {
      %init0 = memref.load %C[%i, %j] ... %init3 = memref.load %C[%i + 3, %j]
      %r:4 = scf.for %k ... iter_args(%a0 = %init0, ..., %a3 = %init3) {
        %b = memref.load %B[%k, %j]   // once
        ... A[%i + r, %k] * %b for r = 0..3
      }
      memref.store %r#0, %C[%i, %j] ... memref.store %r#3, %C[%i + 3, %j]
    }
    ```
  }];
  let options = [
    Option<"factor", "factor", "int64_t", /*default=*/"4",
           "Elements of the outermost dimension per thread">,
    Option<"minReduction", "min-reduction", "int64_t", /*default=*/"8",
           "Shortest reduction loop worth it">,
    Option<"minThreads", "min-threads", "int64_t", /*default=*/"8192",
           "Fewest threads to leave">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect"];
}

def NVPTXTileMatmulsPass
    : Pass<"nnc-nvptx-tile-matmuls", "::mlir::func::FuncOp"> {
  let summary = "Turns matmuls into shared-memory tiled kernels on the tensor cores";
  let description = [{
    Runs on buffers, before linalg is lowered to loops. Each
    `linalg.matmul` of static f32 operands (any transposes, expressed by
    its indexing maps) becomes one `gpu.launch` of 128-thread blocks, each
    computing a 64x64 tile of the output:

    * per step of 16 along the reduction, the block copies a 64x16 panel of
      each operand into shared memory (workgroup attributions; coalesced
      along the operand's contiguous index, zero outside the operand);
      double buffered: two pairs of panels, the loads of the next step
      issued before the multiplies of this one (which hide their latency)
      and stored into the other pair after them, one `gpu.barrier` per
      step, two steps per loop iteration (the reduction padded to 32 with
      zeros);
    * each warp computes a 32x32 sub-tile as 2x4 tiles of 16x8, a thread
      keeping the 32 accumulators that the PTX ISA's m16n8k8 fragment
      layout gives its lane (in registers, as `scf.for` iteration values);
    * `tf32=true` (the default for training): `nvvm.mma.sync` m16n8k8 on
      the tensor cores, operands rounded by `nvvm.convert.float.to.tf32`
      (round to nearest, ties away: 10 bits of mantissa, products exact,
      sums in f32); `tf32=false`: the same accumulators by f32
      multiply-adds in the reduction's order, as on the CPU;
    * the accumulators start from the output's values and are stored back
      where they are inside it.

    A matmul with fewer than `min-blocks` tiles whose reduction is longer
    than `max-serial-reduction` would keep few of the GPU's multiprocessors
    busy, each walking its reduction one 16-wide step after another, waiting
    for its loads (a CNN's classifier, 128x10 outputs over 1568 terms,
    would keep 2 of 132 busy for 98 steps). With `tf32`, its reduction is
    split: block (x, y, z) sums chunk z (a multiple of 32 terms, at least
    64) of tile (x, y) from zero into a temporary [splits, M, N] in device
    memory, about `split-blocks` blocks in all; then a linalg.generic adds
    the partial sums onto the output, in the order of the chunks. A
    prologue moves right before that sum and the epilogue stays right after
    it, where the loop passes fuse them into one kernel. With f32 it is
    left to the loop passes (nnc-nvptx-split-reductions sums in f64, close
    to the CPU's results).
  }];
  let options = [
    Option<"tf32", "tf32", "bool", /*default=*/"true",
           "Multiply on the tensor cores in TF32 (else f32 multiply-adds)">,
    Option<"minBlocks", "min-blocks", "int64_t", /*default=*/"16",
           "Fewest output tiles for a long reduction">,
    Option<"maxSerialReduction", "max-serial-reduction", "int64_t",
           /*default=*/"512",
           "Longest reduction one block runs whatever the tile count">,
    Option<"splitBlocks", "split-blocks", "int64_t", /*default=*/"256",
           "Blocks a split reduction aims for (TF32)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def NVPTXTileParallelLoopsPass
    : Pass<"nnc-nvptx-tile-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Splits each outermost parallel loop into blocks of threads";
  let description = [{
    Tiles every outermost `scf.parallel` so that `gpu-map-parallel-loops`
    maps the tile loop to the grid and the loop inside a tile to the threads
    of a block. A loop of several dimensions first becomes one dimension
    over all its iterations (the old indices come back by
    `affine.delinearize_index`): the mapping gives threads to three
    dimensions at most and runs the others in sequence in each thread, and
    small inner dimensions made small blocks (a 128x16x14x14 loop ran as
    blocks of 14 threads, each looping 14 times). Tiles take `block-size`
    iterations; the innermost dimension varies fastest, so neighbouring
    threads read neighbouring addresses of row-major buffers; iterations
    past the end are masked with `scf.if`, so every block has the same
    static size.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c10) step (%c1, %c1) { ... }
    // becomes, with block-size = 256: 5 blocks of 256 threads
    scf.parallel (%t0) = (%c0) to (%c1280) step (%c256) {
      scf.parallel (%t1) = (%c0) to (%c256) step (%c1) {
        scf.if %in_bounds {
          %ij:2 = affine.delinearize_index %t into (128, 10) : index, index
          ...
        }
      }
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Largest number of threads of a block">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def NVPTXMergeKernelModulesPass
    : Pass<"nnc-nvptx-merge-kernel-modules", "::mlir::ModuleOp"> {
  let summary = "Puts every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` gives each kernel a `gpu.module` of its own; each
    would become a PTX module of its own, JIT-compiled and loaded by the
    driver separately. This pass moves every kernel into one module,
    `@nnc_kernels` (one PTX text, one `cuModuleLoadData`), names each kernel
    after the module it came from (unique, and what CUDA errors quote), and
    updates the launches.

    ```mlir
    gpu.module @nnc_predict_kernel { gpu.func @nnc_predict_kernel(...) kernel {...} }
    gpu.module @nnc_predict_kernel_0 { gpu.func @nnc_predict_kernel(...) kernel {...} }
    gpu.launch_func @nnc_predict_kernel_0::@nnc_predict_kernel ...
    // becomes
    gpu.module @nnc_kernels {
      gpu.func @nnc_predict_kernel(...) kernel {...}
      gpu.func @nnc_predict_kernel_0(...) kernel {...}
    }
    gpu.launch_func @nnc_kernels::@nnc_predict_kernel_0 ...
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def NVPTXDedupeKernelsPass
    : Pass<"nnc-nvptx-dedupe-kernels", "::mlir::ModuleOp"> {
  let summary = "Keeps one kernel for each distinct piece of code";
  let description = [{
    Repeated layers, and the entry points that share layers (training step,
    prediction, diagnostics, Hessian products), give kernels with the same
    code. Most copies differ only in where their tensors lie in the state
    buffer: a static offset in the type of a buffer argument. This pass
    groups the kernels whose code is the same once such offsets are left
    out, keeps the first of each group, and points every launch of the
    others at it; an offset that differs within the group becomes an
    `index` argument of the kept kernel (appended after the others), which
    each launch passes, with the buffer itself offset-free. Only offsets of
    arguments that nothing but `memref.load` and `memref.store` use move;
    those of other arguments must be equal for kernels to merge.

    Fewer, shared kernels: less PTX, and less time in LLVM's NVPTX backend
    and in ptxas (the 20-layer BatchNorm MLP had 842 kernels).

    ```mlir
    gpu.func @k(%w: memref<4xf32, strided<[1], offset: 8>>) kernel {...}
    gpu.func @k_0(%w: memref<4xf32, strided<[1], offset: 16>>) kernel {...}
    gpu.launch_func @nnc_kernels::@k_0 ... args(%v : memref<4xf32, strided<[1], offset: 16>>)
    // becomes
    gpu.func @k(%w: memref<4xf32>, %offset: index) kernel {
      %view = memref.reinterpret_cast %w to offset: [%offset], sizes: [4], strides: [1]
      ...
    }
    %flat = memref.reinterpret_cast %v to offset: [0], sizes: [4], strides: [1]
    gpu.launch_func @nnc_kernels::@k ... args(%flat : memref<4xf32>, %c16 : index)
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def NVPTXDeviceManifestPass
    : Pass<"nnc-nvptx-device-manifest", "::mlir::ModuleOp"> {
  let summary = "Records in the manifest that the model runs on a CUDA GPU";
  let description = [{
    Appends the record `device cuda <chip>` to `nnc_manifest`
    (docs/abi.md), which tells the runtime to pass device pointers to the
    entry points. Fails when the module has no manifest.

    ```mlir
    llvm.mlir.global external constant @nnc_manifest("nnc 1\0A...\0A\00")
    // becomes
    llvm.mlir.global external constant @nnc_manifest("nnc 1\0A...\0Adevice cuda sm_90\0A\00")
    ```
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "GPU architecture the PTX is generated for">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def NVPTXEmulatedKernelsPass
    : Pass<"nnc-nvptx-emulated-kernels", "::mlir::ModuleOp"> {
  let summary = "Copies every kernel into a host function for the CUDA emulator";
  let description = [{
    For `nnc --gpu-emulate` (tests without a GPU, docs/gpu.md): each
    `gpu.func` kernel also becomes a host function
    `@nnc_emu_body_<kernel>(%ids: memref<15xindex>, <kernel arguments>,
    <shared buffers>)` whose thread, block, block-size and grid-size ids
    (x, y, z each, in that order) are read from `%ids`; tools/cuda-emulator
    fills them for every thread it runs. The kernels stay as they are and
    still become PTX. Beyond the ids:

    * shared memory (workgroup attributions) becomes arguments in plain
      host memory, which the entry point carves out of the block's shared
      memory (`%ids[13]`);
    * `gpu.barrier` calls the emulator's barrier (`%ids[12]`), and
      `nvvm.mma.sync` (m16n8k8, tf32, f32 accumulators) its warp-wide
      multiply (`%ids[14]`), its operands and results passing through 14
      words of stack; such kernels get the `nnc.emu_sync` attribute, and
      the emulator runs their threads as fibers;
    * `nvvm.convert.float.to.tf32` (round to nearest, ties away) is
      computed on the f32's bits.

    Kernels with private memory or other GPU operations are rejected.

    ```mlir
    gpu.func @k(%a: memref<4xf32>) kernel {
      %t = gpu.thread_id x
      ...
      gpu.return
    }
    // also gives
    func.func @nnc_emu_body_k(%ids: memref<15xindex>, %a: memref<4xf32>) {
      %c0 = arith.constant 0 : index
      %t = memref.load %ids[%c0] : memref<15xindex>
      ...
      return
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def NVPTXEmulatorEntriesPass
    : Pass<"nnc-nvptx-emulator-entries", "::mlir::ModuleOp"> {
  let summary = "Gives each emulated kernel the entry point the emulator calls";
  let description = [{
    Runs on the LLVM dialect, after the host lowering. For every
    `@nnc_emu_body_<kernel>` it defines `@nnc_emu_<kernel>(ptr %params,
    ptr %ids)`, which loads each argument from the array of pointers that
    `cuLaunchKernel` receives (as the GPU would), points the shared
    buffers into the block's shared memory and calls the body: the
    emulator finds it by name and runs it once per thread. Kernels whose
    threads synchronize get `@nnc_emu_sync_<kernel>` instead, which the
    emulator runs as fibers. The constant string `@nnc_emu_args_<kernel>`
    has one letter per launch parameter, `p` for pointers and `v` for other
    values: the emulator finds the device buffers a launch uses with it
    (races between streams).

    With `race-check`, every load and store of a body (but those of the id
    array and of its own stack) first calls the emulator's access check
    (`%ids[15]`, void(ptr %ids, ptr %address, i64 %bytes, i32 %isWrite)),
    and `@nnc_emu_race_check` is defined: the emulator then reports two
    threads of one launch that touch the same word, one of them writing,
    without a barrier between them (`nnc --gpu-race-check`).
  }];
  let options = [
    Option<"raceCheck", "race-check", "bool", /*default=*/"false",
           "Report each memory access of an emulated kernel to the emulator">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // NNC_BACKENDS_NVPTX_PASSES_TD
