// The NVPTX pipeline on a dense layer (a fill of a temporary, then the matmul
// accumulating onto it): the matmul is one shared-memory tiled kernel on the
// tensor cores (nnc-nvptx-tile-matmuls), its accumulators starting from the
// fill's value (no kernel for the fill); and a bias-gradient-like sum over
// the batch (reduction dimension first) on threads per output and batch
// chunk, not on one thread; the fill of its output and its partial sums are
// independent, one launch (nnc-nvptx-fuse-independent-kernels): 3 kernels.
// RUN: nnc-opt %s --nnc-nvptx-codegen -mlir-print-ir-after=scf-parallel-loop-fusion -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOOPS
// RUN: nnc-opt %s --nnc-nvptx-codegen | FileCheck %s
// RUN: nnc-opt %s --nnc-nvptx-codegen=tf32=false | FileCheck %s --check-prefix=FP32

// LOOPS-LABEL: func.func @nnc_predict
// LOOPS:       %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// LOOPS:       %[[OUT:.*]] = gpu.alloc () : memref<128x256xf32>
// LOOPS-NOT:   scf.parallel
// LOOPS:       gpu.launch blocks({{.*}}) in ({{.*}} = %c4, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c128, {{.*}} = %c1, {{.*}} = %c1) workgroup({{.*}} : memref<64x20xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<16x68xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<64x20xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<16x68xf32, #gpu.address_space<workgroup>>)
// LOOPS:         scf.yield %[[HALF]] : f32
// LOOPS:         nvvm.mma.sync
// LOOPS:         memref.store %{{.*}}, %[[OUT]]
// LOOPS:       scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %c0) to (%c2{{(_[0-9]+)?}}, %c256)
// LOOPS:         scf.for {{.*}} -> (f32)
// LOOPS:       scf.parallel (%{{.*}}) = (%c0) to (%c256)

// CHECK-COUNT-3: gpu.launch_func
// CHECK-NOT:     gpu.launch_func
// CHECK:         .visible .entry nnc_predict_kernel(
// CHECK:         bar.sync
// CHECK:         cvt.rna.tf32.f32
// CHECK:         mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32

// FP32-NOT:      mma.sync
// FP32:          bar.sync
// FP32-NOT:      mma.sync
module {
  llvm.mlir.global external constant @nnc_manifest("nnc 1\0A\00") {addr_space = 0 : i32}
  func.func @nnc_predict(%x: memref<128x512xf32>, %w: memref<512x256xf32>, %colsum: memref<256xf32>) {
    %xt = bufferization.to_tensor %x restrict : memref<128x512xf32> to tensor<128x512xf32>
    %wt = bufferization.to_tensor %w restrict : memref<512x256xf32> to tensor<512x256xf32>
    %e = tensor.empty() : tensor<128x256xf32>
    %half = arith.constant 0.5 : f32
    %bias = linalg.fill ins(%half : f32) outs(%e : tensor<128x256xf32>) -> tensor<128x256xf32>
    %y = linalg.matmul ins(%xt, %wt : tensor<128x512xf32>, tensor<512x256xf32>) outs(%bias : tensor<128x256xf32>) -> tensor<128x256xf32>
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
