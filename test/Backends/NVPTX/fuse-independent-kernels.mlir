// RUN: nnc-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-fuse-independent-kernels))' | FileCheck %s

// Updates of two tensors of the state (disjoint ranges of one buffer): one
// loop; the second part starts at 256 (a block boundary), the first is
// masked past 200, the second's indices come from the shifted index. The
// view the second kernel uses moves with it.
// CHECK-LABEL: func.func @updates
// CHECK: %[[E:.*]] = memref.expand_shape
// CHECK: %[[N:.*]] = arith.constant 356 : index
// CHECK: scf.parallel (%[[K:.*]]) = (%{{.*}}) to (%[[N]]) step
// CHECK-NEXT: %[[C256:.*]] = arith.constant 256 : index
// CHECK-NEXT: %[[LOW:.*]] = arith.cmpi ult, %[[K]], %[[C256]] : index
// CHECK-NEXT: scf.if %[[LOW]] {
// CHECK-NEXT:   arith.constant 200 : index
// CHECK-NEXT:   arith.cmpi ult, %[[K]]
// CHECK-NEXT:   scf.if
// CHECK-NEXT:     memref.load %{{.*}}[%[[K]]]
// CHECK:      } else {
// CHECK-NEXT:   %[[J:.*]] = arith.subi %[[K]], %[[C256]] : index
// CHECK-NEXT:   affine.delinearize_index %[[J]] into (10, 10)
// CHECK:        memref.store %{{.*}}, %[[E]]
// CHECK:      scf.reduce
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @updates(%state: memref<300xf32>, %g: memref<200xf32>, %lr: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c200 = arith.constant 200 : index
  %w1 = memref.subview %state[0] [200] [1] : memref<300xf32> to memref<200xf32, strided<[1]>>
  scf.parallel (%i) = (%c0) to (%c200) step (%c1) {
    %a = memref.load %w1[%i] : memref<200xf32, strided<[1]>>
    %b = memref.load %g[%i] : memref<200xf32>
    %c = arith.mulf %b, %lr : f32
    %d = arith.subf %a, %c : f32
    memref.store %d, %w1[%i] : memref<200xf32, strided<[1]>>
    scf.reduce
  }
  %w2 = memref.subview %state[200] [100] [1] : memref<300xf32> to memref<100xf32, strided<[1], offset: 200>>
  %e = memref.expand_shape %w2 [[0, 1]] output_shape [10, 10] : memref<100xf32, strided<[1], offset: 200>> into memref<10x10xf32, strided<[10, 1], offset: 200>>
  %c10 = arith.constant 10 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c10, %c10) step (%c1, %c1) {
    %a = memref.load %e[%i, %j] : memref<10x10xf32, strided<[10, 1], offset: 200>>
    %d = arith.subf %a, %lr : f32
    memref.store %d, %e[%i, %j] : memref<10x10xf32, strided<[10, 1], offset: 200>>
    scf.reduce
  }
  return
}

// -----

// Partial sums of two norms with the combine of the first in between: the
// second partial kernel does not read what the combine writes, so it moves
// up into the first; the combines stay after it, in order.
// CHECK-LABEL: func.func @hoisted
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c264)
// CHECK: memref.store %{{.*}}, %arg2
// CHECK: memref.store %{{.*}}, %arg3
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1)
// CHECK: memref.load %arg2
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1)
// CHECK: memref.load %arg3
func.func @hoisted(%a: memref<256xf32>, %b: memref<8xf32>, %pa: memref<256xf32>, %pb: memref<8xf32>, %out: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%i) = (%c0) to (%c256) step (%c1) {
    %x = memref.load %a[%i] : memref<256xf32>
    %y = arith.mulf %x, %x : f32
    memref.store %y, %pa[%i] : memref<256xf32>
    scf.reduce
  }
  scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
    %x = memref.load %pa[%c0] : memref<256xf32>
    memref.store %x, %out[%c0] : memref<2xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %b[%i] : memref<8xf32>
    %y = arith.mulf %x, %x : f32
    memref.store %y, %pb[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
    %x = memref.load %pb[%c0] : memref<8xf32>
    memref.store %x, %out[%c1] : memref<2xf32>
    scf.reduce
  }
  return
}

// -----

// Dependent kernels stay apart: the second reads what the first writes, the
// third writes what the second reads, and a write to a whole buffer
// overlaps every view of it.
// CHECK-LABEL: func.func @dependent
// CHECK-COUNT-3: scf.parallel (%{{.*}}) = (%c0) to (%c8) step (%c1)
func.func @dependent(%a: memref<8xf32>, %b: memref<8xf32>, %s: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %z, %a[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %a[%i] : memref<8xf32>
    memref.store %x, %b[%i] : memref<8xf32>
    scf.reduce
  }
  %v = memref.subview %s[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %b[%i] : memref<8xf32>
    memref.store %x, %v[%i] : memref<8xf32, strided<[1], offset: 8>>
    memref.store %z, %a[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A kernel that no later kernel can join upwards moves down into the first
// later kernel it is independent of: the one-iteration combine of a loss
// sinks past a launch (its TF32 rounding touches no memory) into the kernel
// that reads the launch's result, which could not move up past it. The
// partial sums before stay where they are.
// CHECK-LABEL: func.func @sunk
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%c2)
// CHECK:         gpu.launch
// CHECK:           nvvm.convert.float.to.tf32
// CHECK:         %[[N:.*]] = arith.constant 320 : index
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[N]])
// CHECK:           memref.store %{{.*}}, %arg1[]
// CHECK:           memref.load %arg3
// CHECK-NOT:     scf.parallel
// CHECK:         return
func.func @sunk(%p: memref<2xf32>, %loss: memref<f32>, %a: memref<64xf32>,
                %c: memref<64xi32>, %d: memref<64xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    memref.store %one, %p[%i] : memref<2xf32>
    scf.reduce
  }
  scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
    %x = memref.load %p[%c0] : memref<2xf32>
    %y = memref.load %p[%c1] : memref<2xf32>
    %s = arith.addf %x, %y : f32
    memref.store %s, %loss[] : memref<f32>
    scf.reduce
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
    %x = memref.load %a[%tx] : memref<64xf32>
    %t = nvvm.convert.float.to.tf32 %x {rnd = #nvvm.fp_rnd_mode<rna>}
    memref.store %t, %c[%tx] : memref<64xi32>
    gpu.terminator
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %x = memref.load %c[%i] : memref<64xi32>
    memref.store %x, %d[%i] : memref<64xi32>
    scf.reduce
  }
  return
}

// -----

// The combine stays when what it writes is read in between.
// CHECK-LABEL: func.func @not_sunk
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1)
// CHECK:         gpu.launch
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%c64)
func.func @not_sunk(%p: memref<2xf32>, %loss: memref<f32>, %c: memref<64xf32>,
                    %d: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
    %x = memref.load %p[%c0] : memref<2xf32>
    memref.store %x, %loss[] : memref<f32>
    scf.reduce
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
    %x = memref.load %loss[] : memref<f32>
    memref.store %x, %c[%tx] : memref<64xf32>
    gpu.terminator
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %x = memref.load %c[%i] : memref<64xf32>
    memref.store %x, %d[%i] : memref<64xf32>
    scf.reduce
  }
  return
}
