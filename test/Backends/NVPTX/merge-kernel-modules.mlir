// RUN: nnc-opt %s --nnc-nvptx-merge-kernel-modules | FileCheck %s

// CHECK:       gpu.module @nnc_kernels {
// CHECK-NEXT:    gpu.func @step_kernel(%{{.*}}: memref<4xf32>) kernel
// CHECK:         gpu.func @step_kernel_0(%{{.*}}: memref<4xf32>) kernel
// CHECK-NOT:   gpu.module
// CHECK-LABEL: func.func @step
// CHECK:         gpu.launch_func  @nnc_kernels::@step_kernel blocks
// CHECK:         gpu.launch_func  @nnc_kernels::@step_kernel_0 blocks
module attributes {gpu.container_module} {
  gpu.module @step_kernel {
    gpu.func @step_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @step_kernel_0 {
    gpu.func @step_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func @step(%a: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @step_kernel::@step_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    gpu.launch_func @step_kernel_0::@step_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return
  }
}
