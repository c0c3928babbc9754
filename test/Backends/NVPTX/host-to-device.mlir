// RUN: nnc-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-host-to-device))' | FileCheck %s

// CHECK-LABEL: func.func @scalars
// A load whose value the host needs: one thread copies it into a device
// scalar, which gpu.memcpy brings to the host.
// CHECK:         %[[D:.*]] = gpu.alloc () : memref<f32>
// CHECK:         scf.parallel (%{{.*}}) = (%[[C0:.*]]) to (%[[C1:.*]]) step (%[[C1]]) {
// CHECK-NEXT:      %[[V:.*]] = memref.load %arg0[%{{.*}}] : memref<3xf32>
// CHECK-NEXT:      memref.store %[[V]], %[[D]][] : memref<f32>
// CHECK:         %[[H:.*]] = memref.alloca() : memref<f32>
// CHECK-NEXT:    gpu.memcpy %[[H]], %[[D]] : memref<f32>, memref<f32>
// CHECK-NEXT:    %[[LR:.*]] = memref.load %[[H]][] : memref<f32>
// CHECK-NEXT:    gpu.dealloc %[[D]] : memref<f32>
// A serial loop nest (a reduction to a scalar) runs whole on one thread.
// CHECK:         scf.parallel
// CHECK-NEXT:      scf.for
// A store of a host value: the value becomes a kernel argument.
// CHECK:         scf.if
// CHECK:           scf.parallel
// CHECK-NEXT:        memref.store %[[LR]], %arg1[] : memref<f32>
// Loops that are already parallel are left alone.
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT:      memref.load %arg2
func.func @scalars(%arg0: memref<3xf32>, %arg1: memref<f32>, %arg2: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %lr = memref.load %arg0[%c0] : memref<3xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %arg2[%i] : memref<8xf32>
    %s = memref.load %arg1[] : memref<f32>
    %t = arith.addf %s, %x : f32
    memref.store %t, %arg1[] : memref<f32>
  }
  %zero = arith.constant 0.0 : f32
  %positive = arith.cmpf ogt, %lr, %zero : f32
  scf.if %positive {
    memref.store %lr, %arg1[] : memref<f32>
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %arg2[%i] : memref<8xf32>
    %y = arith.mulf %x, %lr : f32
    memref.store %y, %arg2[%i] : memref<8xf32>
  }
  return
}

// -----

func.func @yields(%arg0: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @below {{yields values: the NVPTX backend cannot run this loop on one GPU thread}}
  %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
    %x = memref.load %arg0[%i] : memref<8xf32>
    %t = arith.addf %acc, %x : f32
    scf.yield %t : f32
  }
  return %sum : f32
}

// -----

// nnc_train_step's hyperparameters (argument 3) and trainable flags
// (argument 4) are host memory: their loads stay on the host, no copy; the
// value is passed to the kernel.
// CHECK-LABEL: func.func @nnc_train_step
// CHECK-NOT: gpu.memcpy
// CHECK: %[[LR:.*]] = memref.load %arg3[%{{.*}}] : memref<3xf32>
// CHECK: %[[T:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<2xf32, strided<[1], offset: 1>>
// CHECK: %[[S:.*]] = arith.mulf %[[LR]], %[[T]] : f32
// CHECK-NOT: gpu.memcpy
// CHECK: scf.parallel
// CHECK: arith.mulf %[[S]]
func.func @nnc_train_step(%state: memref<8xf32>, %x: memref<1xf32>, %y: memref<1xi32>, %hyper: memref<3xf32>, %trainable: memref<3xf32>, %seed: i64, %step: i64, %metrics: memref<2xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %lr = memref.load %hyper[%c0] : memref<3xf32>
  %view = memref.subview %trainable[1] [2] [1] : memref<3xf32> to memref<2xf32, strided<[1], offset: 1>>
  %t = memref.load %view[%c0] : memref<2xf32, strided<[1], offset: 1>>
  %s = arith.mulf %lr, %t : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %w = memref.load %state[%i] : memref<8xf32>
    %u = arith.mulf %s, %w : f32
    memref.store %u, %state[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A kernel cannot read them.
func.func @nnc_train_step(%state: memref<8xf32>, %x: memref<1xf32>, %y: memref<1xi32>, %hyper: memref<3xf32>, %trainable: memref<3xf32>, %seed: i64, %step: i64, %metrics: memref<2xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    // expected-error @+1 {{reads host memory (a hyperparameter or trainable flag) inside a GPU kernel}}
    %lr = memref.load %hyper[%c0] : memref<3xf32>
    %w = memref.load %state[%i] : memref<8xf32>
    %u = arith.mulf %lr, %w : f32
    memref.store %u, %state[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A scalar copied between device buffers runs on one thread (no copy to the
// host); a value the host stored and loads back is forwarded.
// CHECK-LABEL: func.func @scalar_copies
// CHECK-NOT: gpu.memcpy
// CHECK: scf.parallel
// CHECK-NEXT: %[[V:.*]] = memref.load %arg0[] : memref<f64>
// CHECK-NEXT: memref.store %[[V]], %arg1[] : memref<f64>
// CHECK: scf.parallel
// CHECK-NEXT: memref.store %arg3, %arg2[] : memref<f32>
// CHECK-NOT: gpu.memcpy
// CHECK: %[[T:.*]] = arith.mulf %arg3, %arg3 : f32
// CHECK: return %[[T]]
func.func @scalar_copies(%a: memref<f64>, %b: memref<f64>, %c: memref<f32>, %x: f32) -> f32 {
  %v = memref.load %a[] : memref<f64>
  memref.store %v, %b[] : memref<f64>
  memref.store %x, %c[] : memref<f32>
  %y = memref.load %c[] : memref<f32>
  %t = arith.mulf %y, %y : f32
  return %t : f32
}

// -----

// Not forwarded past a kernel that may write the buffer.
// CHECK-LABEL: func.func @kernel_between
// CHECK: scf.parallel
// CHECK: gpu.memcpy
func.func @kernel_between(%c: memref<f32>, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  memref.store %x, %c[] : memref<f32>
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %w = memref.load %c[] : memref<f32>
    %u = arith.mulf %w, %w : f32
    memref.store %u, %c[] : memref<f32>
    scf.reduce
  }
  %y = memref.load %c[] : memref<f32>
  return %y : f32
}

// -----

// Scalars computed from device memory that only kernels and device stores
// use (a gradient norm, the clipping scale): no copy to the host; the
// kernel recomputes them and the store runs on one thread with them.
// CHECK-LABEL: func.func @device_scalars
// CHECK-NOT: gpu.memcpy
// CHECK: scf.parallel (%[[I:.*]]) =
// CHECK-NEXT: %[[N:.*]] = memref.load %arg0[] : memref<f32>
// CHECK-NEXT: %[[R:.*]] = math.sqrt %[[N]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.mulf %arg3, %[[R]] : f32
// CHECK: memref.load %arg1[%[[I]]]
// CHECK: arith.mulf %[[S]]
// CHECK: scf.parallel
// CHECK-NEXT: %[[N2:.*]] = memref.load %arg0[] : memref<f32>
// CHECK-NEXT: %[[R2:.*]] = math.sqrt %[[N2]] : f32
// CHECK-NEXT: memref.store %[[R2]], %arg2[%{{.*}}] : memref<2xf32>
// CHECK-NOT: gpu.memcpy
// CHECK: return
func.func @device_scalars(%sq: memref<f32>, %w: memref<8xf32>, %metrics: memref<2xf32>, %lr: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %n = memref.load %sq[] : memref<f32>
  %r = math.sqrt %n : f32
  %s = arith.mulf %lr, %r : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %w[%i] : memref<8xf32>
    %u = arith.mulf %s, %v : f32
    memref.store %u, %w[%i] : memref<8xf32>
    scf.reduce
  }
  memref.store %r, %metrics[%c1] : memref<2xf32>
  return
}

// -----

// Not when a kernel writes the buffer before the value is used: the value
// is copied to the host where it was loaded.
// CHECK-LABEL: func.func @overwritten
// CHECK: gpu.memcpy
// CHECK: scf.parallel
func.func @overwritten(%sq: memref<f32>, %w: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %n = memref.load %sq[] : memref<f32>
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %z = arith.constant 0.0 : f32
    memref.store %z, %sq[] : memref<f32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %w[%i] : memref<8xf32>
    %u = arith.mulf %n, %v : f32
    memref.store %u, %w[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A scalar that takes more than 8 device loads (a global norm over many
// tensors) is computed once, by one thread, into a device scalar that each
// kernel loads, instead of by every thread of every kernel: the sum of the
// squares (the last partial sum, not the first one of more than 8 loads,
// which left each kernel adding the rest), where the chain of operands that
// take all the loads ends; the square root, and the product with a host
// value, are recomputed.
// CHECK-LABEL: func.func @many_loads
// CHECK-NOT: gpu.memcpy
// CHECK: %[[BUF:.*]] = gpu.alloc () : memref<f32>
// CHECK: scf.parallel
// CHECK-COUNT-12: memref.load %arg0
// CHECK: memref.store %{{.*}}, %[[BUF]][] : memref<f32>
// CHECK: scf.parallel
// CHECK-NEXT: %[[SUM:.*]] = memref.load %[[BUF]][] : memref<f32>
// CHECK-NEXT: %[[S:.*]] = math.sqrt %[[SUM]]
// CHECK-NEXT: %[[SH:.*]] = arith.mulf %[[S]], %arg3
// CHECK-NOT: memref.load %arg0
// CHECK: arith.mulf %[[SH]]
// CHECK: scf.parallel
// CHECK-NEXT: %[[SUM2:.*]] = memref.load %[[BUF]][] : memref<f32>
// CHECK-NEXT: %[[S2:.*]] = math.sqrt %[[SUM2]]
// CHECK-NEXT: %[[SH2:.*]] = arith.mulf %[[S2]], %arg3
// CHECK: arith.mulf %[[SH2]]
// CHECK: gpu.dealloc %[[BUF]]
// CHECK-NEXT: return
func.func @many_loads(%norms: memref<12xf32>, %w: memref<8xf32>, %v: memref<8xf32>, %host: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %k0 = arith.constant 0 : index
  %k1 = arith.constant 1 : index
  %k2 = arith.constant 2 : index
  %k3 = arith.constant 3 : index
  %k4 = arith.constant 4 : index
  %k5 = arith.constant 5 : index
  %k6 = arith.constant 6 : index
  %k7 = arith.constant 7 : index
  %k8 = arith.constant 8 : index
  %k9 = arith.constant 9 : index
  %k10 = arith.constant 10 : index
  %k11 = arith.constant 11 : index
  %n0 = memref.load %norms[%k0] : memref<12xf32>
  %n1 = memref.load %norms[%k1] : memref<12xf32>
  %n2 = memref.load %norms[%k2] : memref<12xf32>
  %n3 = memref.load %norms[%k3] : memref<12xf32>
  %n4 = memref.load %norms[%k4] : memref<12xf32>
  %n5 = memref.load %norms[%k5] : memref<12xf32>
  %n6 = memref.load %norms[%k6] : memref<12xf32>
  %n7 = memref.load %norms[%k7] : memref<12xf32>
  %n8 = memref.load %norms[%k8] : memref<12xf32>
  %n9 = memref.load %norms[%k9] : memref<12xf32>
  %n10 = memref.load %norms[%k10] : memref<12xf32>
  %n11 = memref.load %norms[%k11] : memref<12xf32>
  %s1 = arith.addf %n0, %n1 : f32
  %s2 = arith.addf %s1, %n2 : f32
  %s3 = arith.addf %s2, %n3 : f32
  %s4 = arith.addf %s3, %n4 : f32
  %s5 = arith.addf %s4, %n5 : f32
  %s6 = arith.addf %s5, %n6 : f32
  %s7 = arith.addf %s6, %n7 : f32
  %s8 = arith.addf %s7, %n8 : f32
  %s9 = arith.addf %s8, %n9 : f32
  %s10 = arith.addf %s9, %n10 : f32
  %s11 = arith.addf %s10, %n11 : f32
  %root = math.sqrt %s11 : f32
  %scale = arith.mulf %root, %host : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %w[%i] : memref<8xf32>
    %y = arith.mulf %scale, %x : f32
    memref.store %y, %w[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %v[%i] : memref<8xf32>
    %y = arith.mulf %scale, %x : f32
    memref.store %y, %v[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A tiled matmul (gpu.launch) is a kernel like an scf.parallel: the scalar
// is recomputed at the start of its body, and a launch between the load and
// its use that writes other buffers keeps nothing on the host.
// CHECK-LABEL: func.func @launch_users
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch
// CHECK: gpu.launch
// CHECK-NEXT: %[[N:.*]] = memref.load %arg0[] : memref<f32>
// CHECK-NEXT: %[[S:.*]] = math.sqrt %[[N]] : f32
// CHECK: gpu.barrier
// CHECK: memref.store %[[S]], %arg2
// CHECK-NOT: gpu.memcpy
// CHECK: return
func.func @launch_users(%sq: memref<f32>, %a: memref<8xf32>, %b: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.load %sq[] : memref<f32>
  %r = math.sqrt %n : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %a[%tx] : memref<8xf32>
    memref.store %v, %a[%tx] : memref<8xf32>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    gpu.barrier
    memref.store %r, %b[%tx] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

// Not when the launch in between writes the scalar's buffer.
// CHECK-LABEL: func.func @launch_overwrites
// CHECK: gpu.memcpy
// CHECK: gpu.launch
func.func @launch_overwrites(%sq: memref<f32>, %b: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.load %sq[] : memref<f32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %z = arith.constant 0.0 : f32
    memref.store %z, %sq[] : memref<f32>
    gpu.terminator
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    memref.store %n, %b[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// Loads of the hyperparameters and trainable flags move to the start of
// the function, before every kernel: read later, the host would wait for
// the kernels launched before them.
// CHECK-LABEL: func.func @nnc_train_step
// CHECK-NEXT: %[[I:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[T:.*]] = memref.load %arg4[%[[I]]] : memref<3xf32>
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: arith.mulf %[[T]]
func.func @nnc_train_step(%state: memref<8xf32>, %x: memref<1xf32>, %y: memref<1xi32>, %hyper: memref<3xf32>, %trainable: memref<3xf32>, %seed: i64, %step: i64, %metrics: memref<2xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %w = memref.load %state[%i] : memref<8xf32>
    %u = arith.mulf %w, %w : f32
    memref.store %u, %state[%i] : memref<8xf32>
    scf.reduce
  }
  %c2 = arith.constant 2 : index
  %t = memref.load %trainable[%c2] : memref<3xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %w = memref.load %state[%i] : memref<8xf32>
    %u = arith.mulf %t, %w : f32
    memref.store %u, %state[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
