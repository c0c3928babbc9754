//===- Passes.td - passes every backend shares -------------*- tablegen -*-===//

#ifndef NNC_BACKENDS_COMMON_PASSES_TD
#define NNC_BACKENDS_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def SplitBufferSlicesPass
    : Pass<"nnc-split-buffer-slices", "::mlir::func::FuncOp"> {
  let summary = "Gives each slice of a flat function buffer its own tensor";
  let description = [{
    The entry points see the model state as one flat buffer: every parameter
    read is a `tensor.extract_slice` of one `bufferization.to_tensor`, and
    every update a `tensor.insert_slice` into a chain that ends in a
    `bufferization.materialize_in_destination` into the same buffer. For
    One-Shot Bufferize that whole chain is one alias set, and its conflict
    analysis walks the chain for every pair of reads and writes in it: the
    time grows with the cube of the depth (a 20-layer BatchNorm MLP spent
    minutes there).

    This pass replaces such a chain by one `memref.subview` and one
    `restrict` `to_tensor` per slice, and one `materialize_in_destination`
    per updated slice, so that each parameter is its own small alias set.
    It applies when the buffer is used only through that one `to_tensor`,
    the slices are static, unit-stride, and pairwise equal or disjoint, and
    the chain (if any) is stored back into the buffer; otherwise the IR is
    left as it is.

    Outputs that are built from a new tensor (`tensor.empty`, or a
    `linalg.fill` of one: the gradients and statistics that `diagnose` and
    the Hessian products return) by a chain of slice writes stored whole
    into a buffer that nothing else uses are split the same way: each
    slice's last value is stored into its own subview and the fill value
    into the parts between the slices.

    ```mlir
    %s = bufferization.to_tensor %buf restrict writable : memref<8xf32> to tensor<8xf32>
    %p = tensor.extract_slice %s[0] [4] [1] : tensor<8xf32> to tensor<4xf32>
    %u = linalg.generic ... outs(%p : tensor<4xf32>) -> tensor<4xf32>
    %n = tensor.insert_slice %u into %s[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
    bufferization.materialize_in_destination %n in restrict writable %buf : (tensor<8xf32>, memref<8xf32>) -> ()
    // becomes
    %v = memref.subview %buf[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    %p = bufferization.to_tensor %v restrict writable : memref<4xf32, strided<[1]>> to tensor<4xf32>
    %u = linalg.generic ... outs(%p : tensor<4xf32>) -> tensor<4xf32>
    bufferization.materialize_in_destination %u in restrict writable %v : (tensor<4xf32>, memref<4xf32, strided<[1]>>) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def FullRankTransferWritesPass
    : Pass<"nnc-full-rank-transfer-writes", "::mlir::func::FuncOp"> {
  let summary = "Writes each vector into a tensor at the tensor's rank";
  let description = [{
    Works around MLIR 22's One-Shot Bufferize deciding whether a
    `vector.transfer_write` reads its destination tensor (leaves part of it
    unchanged) by comparing the tensor's shape with the vector's position
    by position: a vector of lower rank was taken to cover the whole
    tensor, and a later read of the part it did not write saw other data
    (wrong GroupNorm statistics on a batch of 1). Run before bufferization,
    this pass gives such a vector leading unit dimensions (a
    `vector.shape_cast`, free after lowering) that the permutation map
    sends to the tensor dimensions it left out. Masked writes, which count
    as reads already, are left alone.

    ```mlir
    %t2 = vector.transfer_write %v, %t[%c0, %c0] {in_bounds = [true]}
        : vector<16xf64>, tensor<1x25xf64>
    // becomes
    %w = vector.shape_cast %v : vector<16xf64> to vector<1x16xf64>
    %t2 = vector.transfer_write %w, %t[%c0, %c0] {in_bounds = [true, true]}
        : vector<1x16xf64>, tensor<1x25xf64>
    ```
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect"];
}

def EmptyTensorPerUsePass
    : Pass<"nnc-empty-tensor-per-use", "::mlir::func::FuncOp"> {
  let summary = "Gives each use of a tensor.empty its own";
  let description = [{
    Run before bufferization. CSE merges equal `tensor.empty` ops, so the
    outputs of every layer's ops of one shape start from one value, and
    One-Shot Bufferize (and empty-tensor elimination) check every pair of
    the ops that write into it for conflicts: time that grows faster than
    the square of the depth. A clone of the empty tensor before each use
    makes each its own alias set; an empty tensor has no contents, so the
    program means the same.

    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %a = linalg.fill ins(%x : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
    %b = linalg.fill ins(%y : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %a = linalg.fill ins(%x : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
    %e1 = tensor.empty() : tensor<4xf32>
    %b = linalg.fill ins(%y : f32) outs(%e1 : tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
}

#endif // NNC_BACKENDS_COMMON_PASSES_TD
