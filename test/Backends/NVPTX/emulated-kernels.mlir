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
// CHECK-SAME: %[[IDS:.*]]: memref<15xindex>, %[[A:.*]]: memref<4xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK: %[[TX:.*]] = memref.load %[[IDS]][%[[C0]]] : memref<15xindex>
// CHECK: %[[BY:.*]] = memref.load %[[IDS]][%[[C4]]] : memref<15xindex>
// CHECK: %[[DZ:.*]] = memref.load %[[IDS]][%[[C8]]] : memref<15xindex>
// CHECK: %[[GY:.*]] = memref.load %[[IDS]][%[[C10]]] : memref<15xindex>
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

// Shared memory, a barrier and the tensor cores: the shared buffer becomes
// an argument (plain memory), the barrier and the warp multiply call the
// emulator's functions (id slots 12 and 14) through a pointer, the operands
// and results of the multiply pass through 14 words allocated once; the
// TF32 rounding is computed on the bits. The copy is marked synchronizing.
// CHECK-LABEL: gpu.module @nnc_kernels
// CHECK-LABEL: func.func @nnc_emu_body_sync(
// CHECK-SAME: %[[IDS:.*]]: memref<15xindex>, %[[A:.*]]: memref<4xf32>, %[[S:.*]]: memref<8xf32>)
// CHECK-SAME: attributes {nnc.emu_shared = array<i64: 32>, nnc.emu_sync}
// CHECK-DAG: %[[C14:.*]] = arith.constant 14 : index
// CHECK-DAG: %[[MASK:.*]] = arith.constant -8192 : i32
// CHECK-DAG: %[[HALF:.*]] = arith.constant 4096 : i32
// CHECK-DAG: %[[C12:.*]] = arith.constant 12 : index
// CHECK: %[[WORDS:.*]] = llvm.alloca %{{.*}} x i32
// CHECK: memref.store %{{.*}}, %[[S]][%{{.*}}] : memref<8xf32>
// CHECK: %[[BSLOT:.*]] = memref.load %[[IDS]][%[[C12]]]
// CHECK: %[[BINT:.*]] = arith.index_cast %[[BSLOT]] : index to i64
// CHECK: %[[BAR:.*]] = llvm.inttoptr %[[BINT]]
// CHECK: llvm.call %[[BAR]]() : !llvm.ptr, () -> ()
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: %[[UP:.*]] = arith.addi %[[BITS]], %[[HALF]]
// CHECK: %[[TF32:.*]] = arith.andi %[[UP]], %[[MASK]]
// CHECK-COUNT-10: llvm.store %{{.*}}, %{{.*}} : {{i32|f32}}, !llvm.ptr
// CHECK: %[[MSLOT:.*]] = memref.load %[[IDS]][%[[C14]]]
// CHECK: %[[MINT:.*]] = arith.index_cast %[[MSLOT]] : index to i64
// CHECK: %[[MMA:.*]] = llvm.inttoptr %[[MINT]]
// CHECK: llvm.call %[[MMA]](%[[WORDS]]) : !llvm.ptr, (!llvm.ptr) -> ()
// CHECK: %[[D0:.*]] = llvm.getelementptr %[[WORDS]][10]
// CHECK: %[[D:.*]] = llvm.load %[[D0]] : !llvm.ptr -> f32
// CHECK: memref.store %[[D]], %[[A]]
// CHECK: return
gpu.module @nnc_kernels {
  gpu.func @sync(%a: memref<4xf32>) workgroup(%s: memref<8xf32, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %v = memref.load %a[%c0] : memref<4xf32>
    memref.store %v, %s[%c0] : memref<8xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %w = memref.load %s[%c0] : memref<8xf32, #gpu.address_space<workgroup>>
    %t = nvvm.convert.float.to.tf32 %w {rnd = #nvvm.fp_rnd_mode<rna>}
    %r = nvvm.mma.sync A[%t, %t, %t, %t] B[%t, %t] C[%w, %w, %w, %w] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<tf32>, multiplicandBPtxType = #nvvm.mma_type<tf32>, shape = #nvvm.shape<m = 16, n = 8, k = 8>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
    %d = llvm.extractvalue %r[0] : !llvm.struct<(f32, f32, f32, f32)>
    memref.store %d, %a[%c0] : memref<4xf32>
    gpu.return
  }
}

// -----

gpu.module @nnc_kernels {
  // expected-error @+1 {{has private memory attributions, which the emulator does not support}}
  gpu.func @private(%a: memref<4xf32>) private(%p: memref<4xf32, #gpu.address_space<private>>) kernel {
    gpu.return
  }
}

// -----

gpu.module @nnc_kernels {
  gpu.func @shuffle(%a: f32) kernel {
    %c1 = arith.constant 1 : i32
    %c32 = arith.constant 32 : i32
    // expected-error @+1 {{cannot be emulated on the host}}
    %s, %ok = gpu.shuffle xor %a, %c1, %c32 : f32
    gpu.return
  }
}

// -----

gpu.module @nnc_kernels {
  gpu.func @truncating(%a: f32) kernel {
    // expected-error @+1 {{is not the round-to-nearest-away form the emulator runs}}
    %t = nvvm.convert.float.to.tf32 %a {rnd = #nvvm.fp_rnd_mode<rn>}
    gpu.return
  }
}

// -----

gpu.module @nnc_kernels {
  gpu.func @f16(%a: vector<2xf16>, %c: f32) kernel {
    // expected-error @+1 {{is not the m16n8k8 tf32 form the emulator runs}}
    %r = nvvm.mma.sync A[%a, %a] B[%a] C[%c, %c, %c, %c] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 8>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
    gpu.return
  }
}
