// RUN: nnc-opt %s --nnc-cpu-codegen | FileCheck %s
// RUN: nnc -emit=llvm --cpu=x86-64-v4 %s | FileCheck %s --check-prefix=IR

// The whole CPU pipeline on an ABI entry point: the manifest survives as an
// exported constant, memrefs are passed as bare pointers, the dense layer's
// matmul becomes FMAs on 32-lane vectors, and the temporary lives in a global
// rather than on the heap.

// CHECK-DAG:   llvm.mlir.global external constant @nnc_manifest("nnc 1\0Amodel codegen\0A\00")
// CHECK-DAG:   llvm.mlir.global private @__nnc_buffer()
// CHECK-LABEL: llvm.func @nnc_predict(
// CHECK-SAME:    %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64)
// CHECK-NOT:   llvm.call @malloc
// CHECK-COUNT-8: llvm.intr.fmuladd({{.*}}) : (vector<32xf32>, vector<32xf32>, vector<32xf32>) -> vector<32xf32>
// CHECK:       llvm.return

// IR:          @nnc_manifest = {{.*}}constant [21 x i8] c"nnc 1\0Amodel codegen\0A\00"
// IR:          define void @nnc_predict(ptr {{.*}}, ptr {{.*}}, ptr {{.*}}, i64 {{.*}}) {{.*}}#[[ATTRS:[0-9]+]]
// IR-COUNT-8:  @llvm.fmuladd.v32f32
// IR:          attributes #[[ATTRS]] = {{.*}}"target-cpu"="x86-64-v4"

llvm.mlir.global external constant @nnc_manifest("nnc 1\0Amodel codegen\0A\00") {addr_space = 0 : i32}

// relu(x·Wᵀ) with W stored [out, in] in the state, as PyTorch does.
func.func @nnc_predict(%state: memref<4096xf32>, %x: memref<16x64xf32>,
                       %out: memref<16x64xf32>, %step: i64) {
  %s = bufferization.to_tensor %state restrict : memref<4096xf32> to tensor<4096xf32>
  %xt = bufferization.to_tensor %x restrict : memref<16x64xf32> to tensor<16x64xf32>
  %w = tensor.expand_shape %s [[0, 1]] output_shape [64, 64] : tensor<4096xf32> into tensor<64x64xf32>
  %e = tensor.empty() : tensor<16x64xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%xt, %w : tensor<16x64xf32>, tensor<64x64xf32>)
      outs(%f : tensor<16x64xf32>) -> tensor<16x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %v = arith.maximumf %in, %z : f32
    linalg.yield %v : f32
  } -> tensor<16x64xf32>
  bufferization.materialize_in_destination %r in restrict writable %out
      : (tensor<16x64xf32>, memref<16x64xf32>) -> ()
  return
}
