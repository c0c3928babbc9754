// RUN: nnc-opt %s --split-input-file --nnc-nvptx-dedupe-kernels | FileCheck %s

// Three copies of one kernel on slices of the state: @scale and @scale_0
// differ only in the offset of their buffer, which becomes an appended
// index argument; @scale_1 is @scale's exact copy (same offset). @other
// computes something else and stays. Every launch calls @scale, the moved
// offsets passed as constants, the buffers offset-free.
// CHECK-LABEL: gpu.module @nnc_kernels
// CHECK:         gpu.func @scale(%[[W:.*]]: memref<4xf32>, %[[S:.*]]: f32, %[[OFF:.*]]: index) kernel
// CHECK-NEXT:      %[[V:.*]] = memref.reinterpret_cast %[[W]] to offset: [%[[OFF]]], sizes: [4], strides: [1] : memref<4xf32> to memref<4xf32, strided<[1], offset: ?>>
// CHECK-NEXT:      %[[I:.*]] = gpu.thread_id x
// CHECK-NEXT:      memref.load %[[V]][%[[I]]]
// CHECK:           memref.store %{{.*}}, %[[V]][%[[I]]]
// CHECK-NOT:     gpu.func @scale_0
// CHECK-NOT:     gpu.func @scale_1
// CHECK:         gpu.func @other(
// CHECK-LABEL: func.func @step
// CHECK:         %[[A:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [4], strides: [1] : memref<4xf32, strided<[1], offset: 8>> to memref<4xf32>
// CHECK:         %[[C8:.*]] = arith.constant 8 : index
// CHECK:         gpu.launch_func @nnc_kernels::@scale {{.*}} args(%[[A]] : memref<4xf32>, %{{.*}} : f32, %[[C8]] : index)
// CHECK:         %[[B:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [4], strides: [1] : memref<4xf32, strided<[1], offset: 16>> to memref<4xf32>
// CHECK:         %[[C16:.*]] = arith.constant 16 : index
// CHECK:         gpu.launch_func @nnc_kernels::@scale {{.*}} args(%[[B]] : memref<4xf32>, %{{.*}} : f32, %[[C16]] : index)
// CHECK:         gpu.launch_func @nnc_kernels::@scale {{.*}} : memref<4xf32>, %{{.*}} : f32, %{{.*}} : index)
// CHECK:         gpu.launch_func @nnc_kernels::@other
module attributes {gpu.container_module} {
  gpu.module @nnc_kernels {
    gpu.func @scale(%w: memref<4xf32, strided<[1], offset: 8>>, %s: f32) kernel {
      %i = gpu.thread_id x
      %x = memref.load %w[%i] : memref<4xf32, strided<[1], offset: 8>>
      %y = arith.mulf %x, %s : f32
      memref.store %y, %w[%i] : memref<4xf32, strided<[1], offset: 8>>
      gpu.return
    }
    gpu.func @scale_0(%w: memref<4xf32, strided<[1], offset: 16>>, %s: f32) kernel {
      %i = gpu.thread_id x
      %x = memref.load %w[%i] : memref<4xf32, strided<[1], offset: 16>>
      %y = arith.mulf %x, %s : f32
      memref.store %y, %w[%i] : memref<4xf32, strided<[1], offset: 16>>
      gpu.return
    }
    gpu.func @scale_1(%w: memref<4xf32, strided<[1], offset: 8>>, %s: f32) kernel {
      %i = gpu.thread_id x
      %x = memref.load %w[%i] : memref<4xf32, strided<[1], offset: 8>>
      %y = arith.mulf %x, %s : f32
      memref.store %y, %w[%i] : memref<4xf32, strided<[1], offset: 8>>
      gpu.return
    }
    gpu.func @other(%w: memref<4xf32, strided<[1], offset: 8>>, %s: f32) kernel {
      %i = gpu.thread_id x
      %x = memref.load %w[%i] : memref<4xf32, strided<[1], offset: 8>>
      %y = arith.addf %x, %s : f32
      memref.store %y, %w[%i] : memref<4xf32, strided<[1], offset: 8>>
      gpu.return
    }
  }
  func.func @step(%state: memref<32xf32>, %s: f32) {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %a = memref.subview %state[8] [4] [1] : memref<32xf32> to memref<4xf32, strided<[1], offset: 8>>
    %b = memref.subview %state[16] [4] [1] : memref<32xf32> to memref<4xf32, strided<[1], offset: 16>>
    gpu.launch_func @nnc_kernels::@scale blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%a : memref<4xf32, strided<[1], offset: 8>>, %s : f32)
    gpu.launch_func @nnc_kernels::@scale_0 blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%b : memref<4xf32, strided<[1], offset: 16>>, %s : f32)
    gpu.launch_func @nnc_kernels::@scale_1 blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%a : memref<4xf32, strided<[1], offset: 8>>, %s : f32)
    gpu.launch_func @nnc_kernels::@other blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%a : memref<4xf32, strided<[1], offset: 8>>, %s : f32)
    return
  }
}

// -----

// Offsets that are the same in every copy stay static, and no index
// argument is added; only the layouts' spelling (strided<[1]> or none) is
// made one.
// CHECK-LABEL: gpu.module @nnc_kernels
// CHECK:         gpu.func @copy(%{{.*}}: memref<4xf32, strided<[1], offset: 4>>, %{{.*}}: memref<4xf32>) kernel
// CHECK-NOT:     gpu.func @copy_0
// CHECK-LABEL: func.func @step
// CHECK:         gpu.launch_func @nnc_kernels::@copy {{.*}} args(%{{.*}} : memref<4xf32, strided<[1], offset: 4>>, %{{.*}} : memref<4xf32>)
// CHECK:         %[[T:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [4], strides: [1] : memref<4xf32, strided<[1]>> to memref<4xf32>
// CHECK:         gpu.launch_func @nnc_kernels::@copy {{.*}} args(%{{.*}} : memref<4xf32, strided<[1], offset: 4>>, %[[T]] : memref<4xf32>)
module attributes {gpu.container_module} {
  gpu.module @nnc_kernels {
    gpu.func @copy(%a: memref<4xf32, strided<[1], offset: 4>>, %b: memref<4xf32>) kernel {
      %i = gpu.thread_id x
      %x = memref.load %a[%i] : memref<4xf32, strided<[1], offset: 4>>
      memref.store %x, %b[%i] : memref<4xf32>
      gpu.return
    }
    gpu.func @copy_0(%a: memref<4xf32, strided<[1], offset: 4>>, %b: memref<4xf32, strided<[1]>>) kernel {
      %i = gpu.thread_id x
      %x = memref.load %a[%i] : memref<4xf32, strided<[1], offset: 4>>
      memref.store %x, %b[%i] : memref<4xf32, strided<[1]>>
      gpu.return
    }
  }
  func.func @step(%state: memref<32xf32>, %t: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %a = memref.subview %state[4] [4] [1] : memref<32xf32> to memref<4xf32, strided<[1], offset: 4>>
    %b = memref.subview %state[0] [4] [1] : memref<32xf32> to memref<4xf32, strided<[1]>>
    gpu.launch_func @nnc_kernels::@copy blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%a : memref<4xf32, strided<[1], offset: 4>>, %t : memref<4xf32>)
    gpu.launch_func @nnc_kernels::@copy_0 blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%a : memref<4xf32, strided<[1], offset: 4>>, %b : memref<4xf32, strided<[1]>>)
    return
  }
}

// -----

// A buffer that something other than a load or a store uses (a subview,
// whose type carries the offset) keeps its offset: kernels whose offsets
// differ there stay apart. Kernels launched with other grids stay apart
// too, as do kernels that are not kernels.
// CHECK-LABEL: gpu.module @nnc_kernels
// CHECK: gpu.func @view(
// CHECK: gpu.func @view_0(
// CHECK: gpu.func @sized(
// CHECK: gpu.func @sized_0(
module attributes {gpu.container_module} {
  gpu.module @nnc_kernels {
    gpu.func @view(%w: memref<4xf32, strided<[1], offset: 8>>) kernel {
      %s = memref.subview %w[1] [2] [1] : memref<4xf32, strided<[1], offset: 8>> to memref<2xf32, strided<[1], offset: 9>>
      %c0 = arith.constant 0 : index
      %x = memref.load %s[%c0] : memref<2xf32, strided<[1], offset: 9>>
      memref.store %x, %w[%c0] : memref<4xf32, strided<[1], offset: 8>>
      gpu.return
    }
    gpu.func @view_0(%w: memref<4xf32, strided<[1], offset: 16>>) kernel {
      %s = memref.subview %w[1] [2] [1] : memref<4xf32, strided<[1], offset: 16>> to memref<2xf32, strided<[1], offset: 17>>
      %c0 = arith.constant 0 : index
      %x = memref.load %s[%c0] : memref<2xf32, strided<[1], offset: 17>>
      memref.store %x, %w[%c0] : memref<4xf32, strided<[1], offset: 16>>
      gpu.return
    }
    gpu.func @sized(%w: memref<4xf32>) kernel attributes {known_block_size = array<i32: 4, 1, 1>} {
      gpu.return
    }
    gpu.func @sized_0(%w: memref<4xf32>) kernel attributes {known_block_size = array<i32: 2, 1, 1>} {
      gpu.return
    }
  }
  func.func @step(%state: memref<32xf32>) {
    %c1 = arith.constant 1 : index
    %a = memref.subview %state[8] [4] [1] : memref<32xf32> to memref<4xf32, strided<[1], offset: 8>>
    %b = memref.subview %state[16] [4] [1] : memref<32xf32> to memref<4xf32, strided<[1], offset: 16>>
    gpu.launch_func @nnc_kernels::@view blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32, strided<[1], offset: 8>>)
    gpu.launch_func @nnc_kernels::@view_0 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%b : memref<4xf32, strided<[1], offset: 16>>)
    return
  }
}
