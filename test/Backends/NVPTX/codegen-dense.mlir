// The NVPTX pipeline on a dense layer (a fill of a temporary, then the matmul
// accumulating onto it): one kernel, its sum carried in a register (one store per output
// element, after the loop); and a bias-gradient-like sum over the batch
// (reduction dimension first) on threads per output and batch chunk, not on
// one thread.
// RUN: nnc-opt %s --nnc-nvptx-codegen -mlir-print-ir-after=scf-parallel-loop-fusion -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOOPS
// RUN: nnc-opt %s --nnc-nvptx-codegen | FileCheck %s

// LOOPS-LABEL: func.func @nnc_predict
// LOOPS:       %[[OUT:.*]] = gpu.alloc () : memref<128x256xf32>
// LOOPS:       scf.parallel (%[[I:.*]], %[[J:.*]]) = (%c0, %c0) to (%c128, %c256)
// LOOPS:         memref.store %{{.*}}, %[[OUT]][%[[I]], %[[J]]]
// LOOPS:         %[[INIT:.*]] = memref.load %[[OUT]][%[[I]], %[[J]]]
// LOOPS:         %[[SUM:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (f32)
// LOOPS-NOT:       memref.store
// LOOPS:         memref.store %[[SUM]], %[[OUT]][%[[I]], %[[J]]]
// LOOPS:       scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %c0) to (%c2, %c256)
// LOOPS:         scf.for {{.*}} -> (f32)
// LOOPS:       scf.parallel (%{{.*}}) = (%c0) to (%c256)

// CHECK-COUNT-4: gpu.launch_func
// CHECK-NOT:     gpu.launch_func
// CHECK:         .visible .entry nnc_predict_kernel(
module {
  llvm.mlir.global external constant @nnc_manifest("nnc 1\0A\00") {addr_space = 0 : i32}
  func.func @nnc_predict(%x: memref<128x784xf32>, %w: memref<784x256xf32>, %colsum: memref<256xf32>) {
    %xt = bufferization.to_tensor %x restrict : memref<128x784xf32> to tensor<128x784xf32>
    %wt = bufferization.to_tensor %w restrict : memref<784x256xf32> to tensor<784x256xf32>
    %e = tensor.empty() : tensor<128x256xf32>
    %half = arith.constant 0.5 : f32
    %bias = linalg.fill ins(%half : f32) outs(%e : tensor<128x256xf32>) -> tensor<128x256xf32>
    %y = linalg.matmul ins(%xt, %wt : tensor<128x784xf32>, tensor<784x256xf32>) outs(%bias : tensor<128x256xf32>) -> tensor<128x256xf32>
    %z = arith.constant 0.0 : f32
    %e2 = tensor.empty() : tensor<256xf32>
    %zeros = linalg.fill ins(%z : f32) outs(%e2 : tensor<256xf32>) -> tensor<256xf32>
    %s = linalg.generic {indexing_maps = [affine_map<(n, j) -> (n, j)>, affine_map<(n, j) -> (j)>],
                         iterator_types = ["reduction", "parallel"]}
        ins(%y : tensor<128x256xf32>) outs(%zeros : tensor<256xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %a = arith.addf %acc, %in : f32
      linalg.yield %a : f32
    } -> tensor<256xf32>
    bufferization.materialize_in_destination %s in restrict writable %colsum : (tensor<256xf32>, memref<256xf32>) -> ()
    return
  }
}
