// RUN: nnc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(nnc-split-buffer-slices))' | FileCheck %s

// A state of two parameters: reads, updates in a chain, a read of the
// updated first parameter in the middle of the chain, one store at the end.
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[BUF:.*]]: memref<12xf32>)
// CHECK-DAG: %[[V0:.*]] = memref.subview %[[BUF]][0] [4] [1]
// CHECK-DAG: %[[V1:.*]] = memref.subview %[[BUF]][4] [8] [1]
// CHECK-DAG: %[[T0:.*]] = bufferization.to_tensor %[[V0]] restrict writable
// CHECK-DAG: %[[T1:.*]] = bufferization.to_tensor %[[V1]] restrict writable
// CHECK: %[[U0:.*]] = linalg.generic {{.*}} outs(%[[T0]] : tensor<4xf32>)
// CHECK: %[[U1:.*]] = linalg.generic {{.*}} ins(%[[U0]] : tensor<4xf32>) outs(%[[T1]] : tensor<8xf32>)
// CHECK-NOT: tensor.insert_slice
// CHECK-NOT: tensor.extract_slice
// CHECK-DAG: bufferization.materialize_in_destination %[[U0]] in restrict writable %[[V0]]
// CHECK-DAG: bufferization.materialize_in_destination %[[U1]] in restrict writable %[[V1]]
// CHECK-NOT: bufferization.materialize_in_destination
// CHECK: return
#id = affine_map<(d0) -> (d0)>
#first = affine_map<(d0) -> (d0 floordiv 2)>
func.func @step(%buf: memref<12xf32>) {
  %s = bufferization.to_tensor %buf restrict writable : memref<12xf32> to tensor<12xf32>
  %p0 = tensor.extract_slice %s[0] [4] [1] : tensor<12xf32> to tensor<4xf32>
  %u0 = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]}
      outs(%p0 : tensor<4xf32>) {
  ^bb0(%o: f32):
    %n = arith.negf %o : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  %s1 = tensor.insert_slice %u0 into %s[0] [4] [1] : tensor<4xf32> into tensor<12xf32>
  %q0 = tensor.extract_slice %s1[0] [4] [1] : tensor<12xf32> to tensor<4xf32>
  %p1 = tensor.extract_slice %s1[4] [8] [1] : tensor<12xf32> to tensor<8xf32>
  %u1 = linalg.generic {indexing_maps = [#first, #id], iterator_types = ["parallel"]}
      ins(%q0 : tensor<4xf32>) outs(%p1 : tensor<8xf32>) {
  ^bb0(%i: f32, %o: f32):
    %n = arith.addf %i, %o : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  %s2 = tensor.insert_slice %u1 into %s1[4] [8] [1] : tensor<8xf32> into tensor<12xf32>
  bufferization.materialize_in_destination %s2 in restrict writable %buf : (tensor<12xf32>, memref<12xf32>) -> ()
  return
}

// -----

// Read-only: each slice becomes its own read-only tensor.
// CHECK-LABEL: func.func @predict
// CHECK: %[[V:.*]] = memref.subview %{{.*}}[2] [3] [1]
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[V]] restrict :
// CHECK: return %[[T]]
func.func @predict(%buf: memref<8xf32>) -> tensor<3xf32> {
  %s = bufferization.to_tensor %buf restrict : memref<8xf32> to tensor<8xf32>
  %p = tensor.extract_slice %s[2] [3] [1] : tensor<8xf32> to tensor<3xf32>
  return %p : tensor<3xf32>
}

// -----

// Overlapping slices that differ: left alone.
// CHECK-LABEL: func.func @overlap
// CHECK: bufferization.to_tensor %{{.*}} restrict : memref<8xf32>
// CHECK-COUNT-2: tensor.extract_slice
func.func @overlap(%buf: memref<8xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s = bufferization.to_tensor %buf restrict : memref<8xf32> to tensor<8xf32>
  %a = tensor.extract_slice %s[0] [4] [1] : tensor<8xf32> to tensor<4xf32>
  %b = tensor.extract_slice %s[2] [4] [1] : tensor<8xf32> to tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// The whole state is used as a tensor: left alone.
// CHECK-LABEL: func.func @whole
// CHECK-NOT: memref.subview
func.func @whole(%buf: memref<8xf32>) -> (tensor<8xf32>, tensor<4xf32>) {
  %s = bufferization.to_tensor %buf restrict : memref<8xf32> to tensor<8xf32>
  %a = tensor.extract_slice %s[0] [4] [1] : tensor<8xf32> to tensor<4xf32>
  return %s, %a : tensor<8xf32>, tensor<4xf32>
}

// -----

// Updates that are never stored back: left alone.
// CHECK-LABEL: func.func @unstored
// CHECK-NOT: memref.subview
// CHECK: tensor.insert_slice
func.func @unstored(%buf: memref<8xf32>, %v: tensor<4xf32>) -> tensor<8xf32> {
  %s = bufferization.to_tensor %buf restrict writable : memref<8xf32> to tensor<8xf32>
  %s1 = tensor.insert_slice %v into %s[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %s1 : tensor<8xf32>
}

// -----

// The buffer is also read as a memref: left alone.
// CHECK-LABEL: func.func @other_use
// CHECK-NOT: memref.subview
func.func @other_use(%buf: memref<8xf32>) -> (tensor<4xf32>, f32) {
  %s = bufferization.to_tensor %buf restrict : memref<8xf32> to tensor<8xf32>
  %a = tensor.extract_slice %s[0] [4] [1] : tensor<8xf32> to tensor<4xf32>
  %c0 = arith.constant 0 : index
  %x = memref.load %buf[%c0] : memref<8xf32>
  return %a, %x : tensor<4xf32>, f32
}

// -----

// Dynamic offsets: left alone.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: memref.subview
func.func @dynamic(%buf: memref<8xf32>, %i: index) -> tensor<4xf32> {
  %s = bufferization.to_tensor %buf restrict : memref<8xf32> to tensor<8xf32>
  %a = tensor.extract_slice %s[%i] [4] [1] : tensor<8xf32> to tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

// An output built from zeros by slice writes and stored whole (the
// gradients of diagnose): each slice is stored into its own subview, the
// parts no slice covers get the fill value.
// CHECK-LABEL: func.func @built
// CHECK-SAME: (%[[BUF:.*]]: memref<12xf32>, %[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<2xf32>)
// CHECK-NOT: tensor.insert_slice
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<2xf32>
// CHECK: %[[F0:.*]] = linalg.fill ins(%[[ZERO:.*]] : f32) outs(%[[E0]] : tensor<2xf32>)
// CHECK: %[[G0:.*]] = memref.subview %[[BUF]][0] [2] [1]
// CHECK: bufferization.materialize_in_destination %[[F0]] in restrict writable %[[G0]]
// CHECK: %[[VA:.*]] = memref.subview %[[BUF]][2] [4] [1]
// CHECK: bufferization.materialize_in_destination %[[A]] in restrict writable %[[VA]]
// CHECK: %[[VB:.*]] = memref.subview %[[BUF]][6] [2] [1]
// CHECK: bufferization.materialize_in_destination %[[B]] in restrict writable %[[VB]]
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[F1:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E1]] : tensor<4xf32>)
// CHECK: %[[G1:.*]] = memref.subview %[[BUF]][8] [4] [1]
// CHECK: bufferization.materialize_in_destination %[[F1]] in restrict writable %[[G1]]
// CHECK-NOT: bufferization.materialize_in_destination
// CHECK: return
func.func @built(%buf: memref<12xf32>, %a: tensor<4xf32>, %b: tensor<2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<12xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<12xf32>) -> tensor<12xf32>
  %s1 = tensor.insert_slice %b into %z[6] [2] [1] : tensor<2xf32> into tensor<12xf32>
  %s2 = tensor.insert_slice %a into %s1[2] [4] [1] : tensor<4xf32> into tensor<12xf32>
  bufferization.materialize_in_destination %s2 in restrict writable %buf : (tensor<12xf32>, memref<12xf32>) -> ()
  return
}

// -----

// Without a fill the parts no slice covers are left as they are; the same
// slice written twice stores its last value.
// CHECK-LABEL: func.func @built_empty
// CHECK-SAME: (%[[BUF:.*]]: memref<8xf32>, %[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[V:.*]] = memref.subview %[[BUF]][4] [4] [1]
// CHECK: bufferization.materialize_in_destination %[[B]] in restrict writable %[[V]]
// CHECK-NOT: bufferization.materialize_in_destination
// CHECK: return
func.func @built_empty(%buf: memref<8xf32>, %a: tensor<4xf32>, %b: tensor<4xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %s1 = tensor.insert_slice %a into %e[4] [4] [1] : tensor<4xf32> into tensor<8xf32>
  %s2 = tensor.insert_slice %b into %s1[4] [4] [1] : tensor<4xf32> into tensor<8xf32>
  bufferization.materialize_in_destination %s2 in restrict writable %buf : (tensor<8xf32>, memref<8xf32>) -> ()
  return
}

// -----

// The tensor being built is also read in the middle: left alone.
// CHECK-LABEL: func.func @built_read
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice
// CHECK-NOT: memref.subview
func.func @built_read(%buf: memref<8xf32>, %a: tensor<4xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %s1 = tensor.insert_slice %a into %z[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  %s2 = tensor.insert_slice %a into %s1[4] [4] [1] : tensor<4xf32> into tensor<8xf32>
  bufferization.materialize_in_destination %s2 in restrict writable %buf : (tensor<8xf32>, memref<8xf32>) -> ()
  return %s1 : tensor<8xf32>
}

// -----

// The buffer is used elsewhere too: left alone.
// CHECK-LABEL: func.func @built_shared
// CHECK: tensor.insert_slice
// CHECK-NOT: memref.subview
func.func @built_shared(%buf: memref<8xf32>, %a: tensor<4xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %s1 = tensor.insert_slice %a into %e[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  bufferization.materialize_in_destination %s1 in restrict writable %buf : (tensor<8xf32>, memref<8xf32>) -> ()
  %t = bufferization.to_tensor %buf : memref<8xf32> to tensor<8xf32>
  return %t : tensor<8xf32>
}

// -----

// Overlapping slices that differ: left alone.
// CHECK-LABEL: func.func @built_overlap
// CHECK-COUNT-2: tensor.insert_slice
// CHECK-NOT: memref.subview
func.func @built_overlap(%buf: memref<8xf32>, %a: tensor<4xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %s1 = tensor.insert_slice %a into %e[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  %s2 = tensor.insert_slice %a into %s1[2] [4] [1] : tensor<4xf32> into tensor<8xf32>
  bufferization.materialize_in_destination %s2 in restrict writable %buf : (tensor<8xf32>, memref<8xf32>) -> ()
  return
}
