//===- NNNormOps.td - normalization layers -----------------*- tablegen -*-===//

#ifndef NN_NORM_OPS_TD
#define NN_NORM_OPS_TD

def NN_BatchNormOp : NN_Op<"batch_norm", [
    AllTypesMatch<["input", "output"]>, MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Batch normalization over the batch (and spatial) dimensions";
  let description = [{
    PyTorch `nn.BatchNorm1d` on `[N, C]` or `nn.BatchNorm2d` on `[N, C, H,
    W]`, with learnable `weight` (γ) and `bias` (β) and the buffers
    `running_mean` and `running_var` (declared `buffer`).

    In training (`training` is set by `nn-autodiff` in the loss and training
    functions) it normalizes with the batch mean and the biased batch
    variance, backpropagates through both, and the training step updates
    the running statistics with `momentum`, using the unbiased variance. In
    `@predict` it uses the running statistics.

    ```mlir
    %n = nn.batch_norm %h, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var
        {epsilon = 1.0e-5 : f32, momentum = 0.1 : f32} : tensor<128x16x28x28xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, FlatSymbolRefAttr:$weight,
                       FlatSymbolRefAttr:$bias, FlatSymbolRefAttr:$running_mean,
                       FlatSymbolRefAttr:$running_var,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<F32Attr, "0.1">:$momentum,
                       UnitAttr:$training);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `,` $running_mean `,` $running_var attr-dict
    `:` type($output)
  }];
  let hasVerifier = 1;
}

def NN_BatchNormActOp : NN_Op<"batch_norm_act", [
    AllTypesMatch<["input", "output"]>, MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "BatchNorm and the activation after it, computed in fused loops";
  let description = [{
    `nn.batch_norm` followed by an optional activation (`then relu`, ...),
    as produced by `nn-fuse-batchnorm`: the same semantics, parameters and
    `training` flag, but lowered to one statistics pass (Σx and Σx² together,
    in f64) and one pass that normalizes, scales, shifts and activates.
    Its gradient (`nn.batch_norm_act_grad`) is one reduction pass and one
    elementwise pass.

    ```mlir
    %a = nn.batch_norm_act %h, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var
        then relu : tensor<128x256xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, FlatSymbolRefAttr:$weight,
                       FlatSymbolRefAttr:$bias, FlatSymbolRefAttr:$running_mean,
                       FlatSymbolRefAttr:$running_var,
                       OptionalAttr<NN_ActivationAttr>:$activation,
                       DefaultValuedAttr<F32Attr, "0.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<F32Attr, "0.1">:$momentum,
                       UnitAttr:$training);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `,` $running_mean `,` $running_var
    (`then` $activation^)? attr-dict `:` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Per-sample normalization: statistics of each sample, the same in training
// and inference. All three see their input as [rows, groups, channels per
// group, elements per channel] (`NormView`) and share one gradient op and one
// lowering.
//===----------------------------------------------------------------------===//

class NN_SampleNormOp<string mnemonic> : NN_Op<mnemonic, [
    AllTypesMatch<["input", "output"]>, MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let results = (outs NN_Tensor:$output);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// How the statistics group the input; `weightType` is the declared type
    /// of the weight (null without one).
    ::mlir::nn::NormView getNormView(::mlir::RankedTensorType weightType);
  }];
}

def NN_LayerNormOp : NN_SampleNormOp<"layer_norm"> {
  let summary = "Layer normalization over the trailing dimensions";
  let description = [{
    PyTorch `nn.LayerNorm(normalized_shape, eps)` with its default
    `elementwise_affine=True`: each sample is normalized over the trailing
    dimensions that the `weight` (γ) and `bias` (β) parameters span, with
    the mean and the biased variance of those elements; then scaled by γ and
    shifted by β elementwise. Training and inference behave the same.

    ```mlir
    %n = nn.layer_norm %h, @ln1.weight, @ln1.bias {epsilon = 1.0e-5 : f32} : tensor<128x256xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, FlatSymbolRefAttr:$weight,
                       FlatSymbolRefAttr:$bias,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias attr-dict `:` type($output)
  }];
}

def NN_GroupNormOp : NN_SampleNormOp<"group_norm"> {
  let summary = "Group normalization: statistics per sample and channel group";
  let description = [{
    PyTorch `nn.GroupNorm(groups, C, eps)` on `[N, C, ...]`: the C channels
    are split into `groups` consecutive groups (groups must divide C), each
    sample's group is normalized with its mean and biased variance, then
    every channel is scaled by `weight` (γ, `[C]`) and shifted by `bias` (β,
    `[C]`). Without `weight` and `bias` it is PyTorch's `affine=False`.

    ```mlir
    %n = nn.group_norm %c, @gn1.weight, @gn1.bias {groups = 4 : i64} : tensor<128x16x28x28xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, OptionalAttr<FlatSymbolRefAttr>:$weight,
                       OptionalAttr<FlatSymbolRefAttr>:$bias, I64Attr:$groups,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let assemblyFormat = [{
    $input (`,` $weight^)? (`,` $bias^)? attr-dict `:` type($output)
  }];
}

def NN_InstanceNormOp : NN_SampleNormOp<"instance_norm"> {
  let summary = "Instance normalization: statistics per sample and channel";
  let description = [{
    PyTorch `nn.InstanceNorm1d/2d/3d(C, eps, track_running_stats=False)` on
    `[N, C, spatial...]`: each channel of each sample is normalized over its
    spatial elements (more than one) with their mean and biased variance.
    PyTorch's default is `affine=False`: no parameters; with `affine=True`
    the `weight` (γ, `[C]`) and `bias` (β, `[C]`) scale and shift each
    channel. Training and inference behave the same.

    ```mlir
    %n = nn.instance_norm %c : tensor<128x16x28x28xf32>
    %m = nn.instance_norm %c, @in1.weight, @in1.bias {epsilon = 1.0e-5 : f32} : tensor<128x16x28x28xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, OptionalAttr<FlatSymbolRefAttr>:$weight,
                       OptionalAttr<FlatSymbolRefAttr>:$bias,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let assemblyFormat = [{
    $input (`,` $weight^)? (`,` $bias^)? attr-dict `:` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Weight normalization
//===----------------------------------------------------------------------===//

def NN_WeightNormOp : NN_Op<"weight_norm", [
    MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "A layer's weight reparameterized as g · v / ‖v‖ per output unit";
  let description = [{
    PyTorch `torch.nn.utils.weight_norm(layer)` (dim 0): the layer's weight
    is computed from the parameters `weight_g` (`[out, 1, ...]`, the norm of
    each output unit's weights) and `weight_v` (the weight's shape, their
    direction) as `w[o] = g[o] · v[o] / ‖v[o]‖`, the norm over all but the
    first dimension. The result is the weight that `nn.dense` or
    `nn.conv2d` takes as a value; gradients flow back to g and v.

    ```mlir
    %w = nn.weight_norm @fc1.weight_g, @fc1.weight_v : tensor<256x784xf32>
    %h = nn.dense %x, %w, @fc1.bias : tensor<128x784xf32>, tensor<256x784xf32> -> tensor<128x256xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$weight_g, FlatSymbolRefAttr:$weight_v);
  let results = (outs NN_Tensor:$weight);
  let assemblyFormat = "$weight_g `,` $weight_v attr-dict `:` type($weight)";
  let extraClassDeclaration = [{
    /// The type of `weight_g`: [out, 1, ...].
    ::mlir::RankedTensorType getNormType();
  }];
}

#endif // NN_NORM_OPS_TD
