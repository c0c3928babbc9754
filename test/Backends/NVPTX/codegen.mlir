// The whole NVPTX pipeline on a small ABI function: kernels in one PTX
// module, host code launching them, the manifest's device record.
// RUN: nnc-opt %s --nnc-nvptx-codegen | FileCheck %s
// RUN: nnc-opt %s --nnc-nvptx-codegen=chip=sm_80 | FileCheck %s --check-prefix=SM80

// CHECK:       llvm.mlir.global external constant @nnc_manifest("nnc 1\0Adevice cuda sm_90\0A\00")
// CHECK-LABEL: llvm.func @nnc_predict(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT:     memref.
// CHECK:         llvm.call @mgpuStreamCreate()
// CHECK:         gpu.launch_func <%{{.*}} : !llvm.ptr> @nnc_kernels::@nnc_predict_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in
// CHECK:         llvm.call @mgpuStreamSynchronize
// CHECK:       gpu.binary @nnc_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80"
// CHECK-SAME:    assembly = "
// CHECK-SAME:    .target sm_90
// CHECK-SAME:    .visible .entry nnc_predict_kernel(
// libdevice's expf is linked and inlined: no call remains.
// CHECK-NOT:     __nv_expf
// SM80: .target sm_80
module {
  llvm.mlir.global external constant @nnc_manifest("nnc 1\0A\00") {addr_space = 0 : i32}
  func.func @nnc_predict(%x: memref<128x784xf32>, %out: memref<128x784xf32>) {
    %0 = bufferization.to_tensor %x restrict : memref<128x784xf32> to tensor<128x784xf32>
    %e = tensor.empty() : tensor<128x784xf32>
    %1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%0 : tensor<128x784xf32>) outs(%e : tensor<128x784xf32>) {
    ^bb0(%in: f32, %o: f32):
      %v = math.exp %in : f32
      linalg.yield %v : f32
    } -> tensor<128x784xf32>
    bufferization.materialize_in_destination %1 in restrict writable %out : (tensor<128x784xf32>, memref<128x784xf32>) -> ()
    return
  }
}
