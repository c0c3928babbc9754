// RUN: nnc-opt %s --nnc-nvptx-emulated-kernels --split-input-file --verify-diagnostics | FileCheck %s

// A host copy of each kernel: ids from the id array (thread, block, block
// size, grid size; x, y, z), math from libm (rsqrt expanded: libm has none).
// The kernel itself is unchanged.
// CHECK-DAG: func.func private @expf(f32) -> f32
// CHECK-DAG: func.func private @sqrtf(f32) -> f32
// CHECK-LABEL: gpu.module @nnc_kernels
// CHECK: gpu.func @k(%{{.*}}: memref<4xf32>) kernel
// CHECK: gpu.thread_id x
// CHECK-LABEL: func.func @nnc_emu_body_k(
// CHECK-SAME: %[[IDS:.*]]: memref<12xindex>, %[[A:.*]]: memref<4xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK: %[[TX:.*]] = memref.load %[[IDS]][%[[C0]]] : memref<12xindex>
// CHECK: %[[BY:.*]] = memref.load %[[IDS]][%[[C4]]] : memref<12xindex>
// CHECK: %[[DZ:.*]] = memref.load %[[IDS]][%[[C8]]] : memref<12xindex>
// CHECK: %[[GY:.*]] = memref.load %[[IDS]][%[[C10]]] : memref<12xindex>
// CHECK: call @expf
// CHECK: call @sqrtf
// CHECK: arith.divf
// CHECK: memref.store %{{.*}}, %[[A]][%[[TX]]]
// CHECK: return
gpu.module @nnc_kernels {
  gpu.func @k(%a: memref<4xf32>) kernel {
    %tx = gpu.thread_id x
    %by = gpu.block_id y
    %dz = gpu.block_dim z
    %gy = gpu.grid_dim y
    %s0 = arith.addi %by, %dz : index
    %s1 = arith.addi %s0, %gy : index
    %i = arith.index_cast %s1 : index to i32
    %f = arith.sitofp %i : i32 to f32
    %e = math.exp %f : f32
    %r = math.rsqrt %e : f32
    memref.store %r, %a[%tx] : memref<4xf32>
    gpu.return
  }
}

// -----

// Helper functions (not kernels) are not copied.
// CHECK-LABEL: gpu.module @helpers
// CHECK-NOT: func.func
gpu.module @helpers {
  gpu.func @helper(%a: f32) {
    gpu.return
  }
}

// -----

gpu.module @nnc_kernels {
  // expected-error @+1 {{has memory attributions, which the emulator does not support}}
  gpu.func @shared(%a: memref<4xf32>) workgroup(%s: memref<4xf32, #gpu.address_space<workgroup>>) kernel {
    gpu.return
  }
}

// -----

gpu.module @nnc_kernels {
  gpu.func @barrier(%a: memref<4xf32>) kernel {
    // expected-error @+1 {{cannot be emulated on the host}}
    gpu.barrier
    gpu.return
  }
}
