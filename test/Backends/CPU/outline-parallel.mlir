// RUN: nnc-opt %s --nnc-cpu-outline-parallel | FileCheck %s
// RUN: nnc -emit=llvm --cpu=x86-64-v4 %s | FileCheck %s --check-prefix=IR

// The loop body moves into @scale_parallel(ctx, begin, end). The values it
// uses from above travel in ctx in their LLVM form — memref descriptors,
// index as i64, f32 as is — while the constant and the static buffer are
// recomputed inside. The loop becomes one call of the runtime with the trip
// count.

// CHECK:       func.func private @nnrt_parallel_for((!llvm.ptr, i64, i64) -> (), !llvm.ptr, i64)
// CHECK-LABEL: func.func private @scale_parallel(
// CHECK-SAME:      %[[CTX:.*]]: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK-SAME:      llvm.linkage = #llvm.linkage<internal>
// CHECK:         %[[XD:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK:         %[[X:.*]] = builtin.unrealized_conversion_cast %[[XD]] {{.*}} to memref<4x64xf32>
// CHECK:         %[[I:.*]] = builtin.unrealized_conversion_cast %{{.*}} : i64 to index
// CHECK:         %[[S:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK:         %[[BUF:.*]] = memref.get_global @__nnc_buffer
// CHECK:         %[[B:.*]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK:         %[[E:.*]] = arith.index_cast %[[END]] : i64 to index
// CHECK:         scf.for %[[K:.*]] = %[[B]] to %[[E]] step %{{.*}} {
// CHECK:           %[[R:.*]] = affine.apply #{{.*}}(%[[K]])
// CHECK:           memref.subview %[[X]][%[[R]], 0]
// CHECK:           memref.load %{{.*}}[%[[I]]]
// CHECK:           arith.mulf %{{.*}}, %[[S]]
// CHECK:           memref.store %{{.*}}, %[[BUF]]
// CHECK-LABEL: func.func @scale(
// CHECK:         %[[CTXP:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, i64, f32, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)>
// CHECK-COUNT-4: llvm.store
// CHECK:         %[[FN:.*]] = constant @scale_parallel
// CHECK:         %[[N:.*]] = arith.constant 4 : i64
// CHECK:         call @nnrt_parallel_for(%[[FN]], %[[CTXP]], %[[N]])
// CHECK-NOT:     scf.forall

// After the lowering the casts are gone: the body is an internal function
// whose address is passed to the runtime.
// IR-LABEL:    define internal void @scale_parallel(ptr
// IR-LABEL:    define void @scale(
// IR:          call void @nnrt_parallel_for(ptr nonnull @scale_parallel, ptr {{.*}}, i64 4)

memref.global "private" @__nnc_buffer : memref<64xf32> = uninitialized
func.func @scale(%x: memref<4x64xf32>, %y: memref<4x64xf32>, %s: f32, %i: index) {
  %buf = memref.get_global @__nnc_buffer : memref<64xf32>
  %c0 = arith.constant 0 : index
  scf.forall (%r) = (0) to (4) step (1) {
    %row = memref.subview %x[%r, 0] [1, 64] [1, 1]
        : memref<4x64xf32> to memref<64xf32, strided<[1], offset: ?>>
    %v = memref.load %row[%i] : memref<64xf32, strided<[1], offset: ?>>
    %w = arith.mulf %v, %s : f32
    memref.store %w, %buf[%c0] : memref<64xf32>
    memref.store %w, %y[%r, %c0] : memref<4x64xf32>
  }
  return
}

// A loop with results (on tensors) is not outlined.
// CHECK-LABEL: func.func @on_tensors
// CHECK:         scf.forall
func.func @on_tensors(%t: tensor<4xf32>) -> tensor<4xf32> {
  %r = scf.forall (%i) in (4) shared_outs(%o = %t) -> (tensor<4xf32>) {
    %s = tensor.extract_slice %o[%i] [1] [1] : tensor<4xf32> to tensor<1xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[%i] [1] [1] : tensor<1xf32> into tensor<4xf32>
    }
  }
  return %r : tensor<4xf32>
}
