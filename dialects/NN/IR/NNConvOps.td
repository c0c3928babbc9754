//===- NNConvOps.td - convolution and pooling --------------*- tablegen -*-===//
//
// NCHW activations and OIHW weights, PyTorch's nn.Conv2d / nn.MaxPool2d /
// nn.AvgPool2d semantics (no ceil_mode; average pooling counts padding).
//
//===----------------------------------------------------------------------===//

#ifndef NN_CONV_OPS_TD
#define NN_CONV_OPS_TD

def NN_Pair : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<2>]>;

def NN_Conv2dOp : NN_Op<"conv2d", [
    MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "2-d convolution (cross-correlation), NCHW input, OIHW weight";
  let description = [{
    PyTorch `nn.Conv2d` without groups: the weight is `[out, in, kh, kw]`,
    the optional bias `[out]`; `stride`, `padding` (zeros, both sides) and
    `dilation` are (height, width) pairs, default 1, 0, 1. The output size is
    `(H + 2p − d·(k − 1) − 1) / s + 1` (rounded down).

    The weight is a parameter or, when it is computed from parameters
    (`nn.weight_norm`), a value whose type follows the input's.

    ```mlir
    %c = nn.conv2d %x, @conv1.weight, @conv1.bias {padding = array<i64: 1, 1>}
        : tensor<128x1x28x28xf32> -> tensor<128x16x28x28xf32>
    %d = nn.conv2d %x, %w : tensor<128x1x28x28xf32>, tensor<16x1x3x3xf32> -> tensor<128x16x26x26xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, OptionalAttr<FlatSymbolRefAttr>:$weight,
                       Optional<NN_Tensor>:$weight_value,
                       OptionalAttr<FlatSymbolRefAttr>:$bias,
                       DefaultValuedAttr<NN_Pair, "{1, 1}">:$stride,
                       DefaultValuedAttr<NN_Pair, "{0, 0}">:$padding,
                       DefaultValuedAttr<NN_Pair, "{1, 1}">:$dilation);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` ($weight^) : ($weight_value)? (`,` $bias^)? attr-dict `:`
    type($input) (`,` type($weight_value)^)? `->` type($output)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The weight's type, from its value or its parameter (null when the
    /// parameter is not found).
    ::mlir::RankedTensorType getWeightType();
  }];
}

class NN_PoolOp<string mnemonic> : NN_Op<mnemonic, [Pure,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let arguments = (ins NN_Tensor:$input, NN_Pair:$kernel,
                       OptionalAttr<NN_Pair>:$stride,
                       DefaultValuedAttr<NN_Pair, "{0, 0}">:$padding);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The stride; PyTorch's default is the kernel size.
    ::llvm::ArrayRef<int64_t> getStrides() {
      return getStride() ? *getStride() : getKernel();
    }
  }];
}

def NN_MaxPool2dOp : NN_PoolOp<"max_pool2d"> {
  let summary = "2-d max pooling over NCHW windows";
  let description = [{
    PyTorch `nn.MaxPool2d(kernel, stride, padding)`: padding counts as −∞,
    and the gradient flows to the first maximum of each window (row-major),
    as in PyTorch.

    ```mlir
    %p = nn.max_pool2d %a {kernel = array<i64: 2, 2>} : tensor<128x16x28x28xf32> -> tensor<128x16x14x14xf32>
    ```
  }];
}

def NN_AvgPool2dOp : NN_PoolOp<"avg_pool2d"> {
  let summary = "2-d average pooling over NCHW windows";
  let description = [{
    PyTorch `nn.AvgPool2d(kernel, stride, padding)` with its default
    `count_include_pad=True`: every window sum is divided by kh·kw.

    ```mlir
    %p = nn.avg_pool2d %a {kernel = array<i64: 2, 2>} : tensor<128x16x28x28xf32> -> tensor<128x16x14x14xf32>
    ```
  }];
}

#endif // NN_CONV_OPS_TD
