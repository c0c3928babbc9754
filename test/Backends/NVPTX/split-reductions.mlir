// RUN: nnc-opt %s --nnc-nvptx-split-reductions='target-threads=1024 min-work=8' --split-input-file | FileCheck %s

// 16 sums over 128x64 terms: 64 splits (1024 threads) of 2 iterations of
// the outer reduction loop, two accumulators (sum and sum of squares) in one
// loop. Phase 1 folds each chunk from 0; phase 2 adds the partials to the
// outputs.
// CHECK-LABEL: func.func @stats
// CHECK: gpu.alloc () : memref<64x16xf64>
// CHECK: gpu.alloc () : memref<64x16xf64>
// CHECK: scf.parallel (%[[S:.*]], %[[C:.*]]) = (%{{.*}}, %{{.*}}) to (%c64{{.*}}, %c16)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: arith.constant 2 : index
// CHECK: %[[BEGIN:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: %[[END:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
// CHECK: %[[PART:.*]]:2 = scf.for %{{.*}} = %[[BEGIN]] to %[[END]] step %{{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %{{.*}})
// CHECK: scf.for
// CHECK: memref.store %[[PART]]#0, %[[SUMS:.*]][%[[S]], %[[C]]]
// CHECK: memref.store %[[PART]]#1, %[[SQUARES:.*]][%[[S]], %[[C]]]
// CHECK: scf.parallel (%[[C2:.*]]) =
// CHECK: %[[I0:.*]] = memref.load %[[OUT:.*]][%[[C2]]]
// CHECK: %[[I1:.*]] = memref.load %[[OUT2:.*]][%[[C2]]]
// CHECK: %[[R:.*]]:2 = scf.for %[[S2:.*]] = %{{.*}} to %c64{{.*}} iter_args(%[[A:.*]] = %[[I0]], %[[B:.*]] = %[[I1]])
// CHECK: %[[P0:.*]] = memref.load %[[SUMS]][%[[S2]], %[[C2]]]
// CHECK: %[[A1:.*]] = arith.addf %[[A]], %[[P0]] : f64
// CHECK: %[[P1:.*]] = memref.load %[[SQUARES]][%[[S2]], %[[C2]]]
// CHECK: %[[B1:.*]] = arith.addf %[[B]], %[[P1]] : f64
// CHECK: scf.yield %[[A1]], %[[B1]]
// CHECK: memref.store %[[R]]#0, %[[OUT]][%[[C2]]]
// CHECK: memref.store %[[R]]#1, %[[OUT2]][%[[C2]]]
// CHECK-DAG: gpu.dealloc %[[SUMS]]
// CHECK-DAG: gpu.dealloc %[[SQUARES]]
// CHECK: return
func.func @stats(%x: memref<128x16x64xf32>, %sum: memref<16xf64>, %sq: memref<16xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  scf.parallel (%c) = (%c0) to (%c16) step (%c1) {
    %s0 = memref.load %sum[%c] : memref<16xf64>
    %q0 = memref.load %sq[%c] : memref<16xf64>
    %r:2 = scf.for %n = %c0 to %c128 step %c1 iter_args(%s = %s0, %q = %q0) -> (f64, f64) {
      %in:2 = scf.for %w = %c0 to %c64 step %c1 iter_args(%s1 = %s, %q1 = %q) -> (f64, f64) {
        %v = memref.load %x[%n, %c, %w] : memref<128x16x64xf32>
        %d = arith.extf %v : f32 to f64
        %s2 = arith.addf %s1, %d : f64
        %d2 = arith.mulf %d, %d : f64
        %q2 = arith.addf %q1, %d2 : f64
        scf.yield %s2, %q2 : f64, f64
      }
      scf.yield %in#0, %in#1 : f64, f64
    }
    memref.store %r#0, %sum[%c] : memref<16xf64>
    memref.store %r#1, %sq[%c] : memref<16xf64>
    scf.reduce
  }
  return
}

// -----

// A maximum over 100 values on one thread: 100 / 8 = 12 splits (each thread
// at least min-work = 8 iterations), interleaved since the loop walks the
// contiguous index of what it reads: split s (the fastest thread index)
// takes s, s + 12, ..., so that a warp reads neighbouring elements.
// CHECK-LABEL: func.func @max
// CHECK: gpu.alloc () : memref<12x1xf32>
// CHECK: scf.parallel (%[[O:.*]], %[[S:.*]]) = (%{{.*}}, %{{.*}}) to (%c1, %c12)
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: %[[FIRST:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: %[[STRIDE:.*]] = arith.muli %{{.*}}, %c12{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[FIRST]] to %c100 step %[[STRIDE]]
// CHECK: arith.maximumf
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[S]], %[[O]]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12
// CHECK: arith.maximumf
func.func @max(%x: memref<100xf32>, %m: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %m0 = memref.load %m[] : memref<f32>
    %r = scf.for %k = %c0 to %c100 step %c1 iter_args(%a = %m0) -> (f32) {
      %v = memref.load %x[%k] : memref<100xf32>
      %b = arith.maximumf %a, %v : f32
      scf.yield %b : f32
    }
    memref.store %r, %m[] : memref<f32>
    scf.reduce
  }
  return
}

// -----

// Not split: enough threads already (512 outputs > 1024 / 4),
// the accumulated value used inside the loop (a running quantity, not a
// reduction), a combiner without a neutral element.
// CHECK-LABEL: func.func @enough_threads
// CHECK-NOT: gpu.alloc
func.func @enough_threads(%x: memref<512x128xf32>, %s: memref<512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %c512 = arith.constant 512 : index
  scf.parallel (%i) = (%c0) to (%c512) step (%c1) {
    %s0 = memref.load %s[%i] : memref<512xf32>
    %r = scf.for %k = %c0 to %c128 step %c1 iter_args(%a = %s0) -> (f32) {
      %v = memref.load %x[%i, %k] : memref<512x128xf32>
      %b = arith.addf %a, %v : f32
      scf.yield %b : f32
    }
    memref.store %r, %s[%i] : memref<512xf32>
    scf.reduce
  }
  return
}

// CHECK-LABEL: func.func @running
// CHECK-NOT: gpu.alloc
func.func @running(%x: memref<100xf32>, %y: memref<100xf32>, %m: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %m0 = memref.load %m[] : memref<f32>
    %r = scf.for %k = %c0 to %c100 step %c1 iter_args(%a = %m0) -> (f32) {
      %v = memref.load %x[%k] : memref<100xf32>
      %b = arith.addf %a, %v : f32
      memref.store %b, %y[%k] : memref<100xf32>
      scf.yield %b : f32
    }
    memref.store %r, %m[] : memref<f32>
    scf.reduce
  }
  return
}

// CHECK-LABEL: func.func @no_neutral
// CHECK-NOT: gpu.alloc
func.func @no_neutral(%x: memref<100xf32>, %m: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %m0 = memref.load %m[] : memref<f32>
    %r = scf.for %k = %c0 to %c100 step %c1 iter_args(%a = %m0) -> (f32) {
      %v = memref.load %x[%k] : memref<100xf32>
      %b = arith.subf %a, %v : f32
      scf.yield %b : f32
    }
    memref.store %r, %m[] : memref<f32>
    scf.reduce
  }
  return
}

// -----

// Not split: a store inside the reduction loop (it would run in every
// chunk's thread at once), an init that is used in the loop too, a
// parallel loop without iterations.
// CHECK-LABEL: func.func @store_inside
// CHECK-NOT: gpu.alloc
func.func @store_inside(%x: memref<4096xf32>, %s: memref<f32>, %last: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %s0 = memref.load %s[] : memref<f32>
    %r = scf.for %k = %c0 to %c4096 step %c1 iter_args(%a = %s0) -> (f32) {
      %v = memref.load %x[%k] : memref<4096xf32>
      memref.store %v, %last[] : memref<f32>
      %b = arith.addf %a, %v : f32
      scf.yield %b : f32
    }
    memref.store %r, %s[] : memref<f32>
    scf.reduce
  }
  return
}

// CHECK-LABEL: func.func @init_used_inside
// CHECK-NOT: gpu.alloc
func.func @init_used_inside(%x: memref<4096xf32>, %s: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %s0 = memref.load %s[] : memref<f32>
    %r = scf.for %k = %c0 to %c4096 step %c1 iter_args(%a = %s0) -> (f32) {
      %v = memref.load %x[%k] : memref<4096xf32>
      %w = arith.mulf %v, %s0 : f32
      %b = arith.addf %a, %w : f32
      scf.yield %b : f32
    }
    memref.store %r, %s[] : memref<f32>
    scf.reduce
  }
  return
}

// CHECK-LABEL: func.func @no_iterations
// CHECK-NOT: gpu.alloc
func.func @no_iterations(%x: memref<4096xf32>, %s: memref<0xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%c0) step (%c1) {
    %s0 = memref.load %s[%i] : memref<0xf32>
    %r = scf.for %k = %c0 to %c4096 step %c1 iter_args(%a = %s0) -> (f32) {
      %v = memref.load %x[%k] : memref<4096xf32>
      %b = arith.addf %a, %v : f32
      scf.yield %b : f32
    }
    memref.store %r, %s[%i] : memref<0xf32>
    scf.reduce
  }
  return
}

// -----

// A squared norm over 16x64 terms into one output: splitting the outer
// loop would give 16 threads of 64 iterations; the nest becomes one loop of
// 1024, split 128 ways (8 iterations each, min-work), interleaved.
// CHECK-LABEL: func.func @norm_nest
// CHECK: gpu.alloc () : memref<128x1xf64>
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%c1, %c128)
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %c1024 step %{{.*}} iter_args
// CHECK-NEXT: %[[IJ:.*]]:2 = affine.delinearize_index %[[K]] into (16, 64)
// CHECK-NEXT: memref.load %arg0[%[[IJ]]#0, %[[IJ]]#1]
// CHECK-NOT: scf.for
// CHECK: scf.parallel
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128
func.func @norm_nest(%g: memref<16x64xf32>, %out: memref<f64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
    %init = memref.load %out[] : memref<f64>
    %r = scf.for %i = %c0 to %c16 step %c1 iter_args(%a = %init) -> (f64) {
      %s = scf.for %j = %c0 to %c64 step %c1 iter_args(%b = %a) -> (f64) {
        %x = memref.load %g[%i, %j] : memref<16x64xf32>
        %e = arith.extf %x : f32 to f64
        %q = arith.mulf %e, %e : f64
        %n = arith.addf %b, %q : f64
        scf.yield %n : f64
      }
      scf.yield %s : f64
    }
    memref.store %r, %out[] : memref<f64>
    scf.reduce
  }
  return
}
