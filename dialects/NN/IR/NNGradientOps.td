//===- NNGradientOps.td - ops produced by nn-autodiff/nn-optimizer -*- tablegen -*-===//
//
// Users do not write these: the autodiff and optimizer passes create them.
// Keeping the backward pass in the nn dialect (rather than emitting linalg
// directly) lets later passes, e.g. BatchNorm fusion, recognise it.
//
//===----------------------------------------------------------------------===//

#ifndef NN_GRADIENT_OPS_TD
#define NN_GRADIENT_OPS_TD


def NN_ReadParamOp : NN_Op<"read_param", [
    MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "The current value of a parameter";
  let description = [{
    Backward rules that need a parameter's value (dx = dy·W) read it here.

    ```mlir
    %w = nn.read_param @fc1.weight : tensor<256x784xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param);
  let results = (outs NN_Tensor:$value);
  let assemblyFormat = "$param attr-dict `:` type($value)";
}

def NN_MatmulOp : NN_Op<"matmul", [Pure]> {
  let summary = "Matrix product with optional transposed operands";
  let description = [{
    `result = op(lhs) · op(rhs)` where `op` transposes the operand when the
    matching unit attribute is present. The backward pass of `nn.dense` is
    two of these.

    ```mlir
    %dw = nn.matmul %dy, %x {transpose_lhs} : tensor<128x256xf32>, tensor<128x784xf32> -> tensor<256x784xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$lhs, NN_Tensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def NN_ReduceSumOp : NN_Op<"reduce_sum", [Pure]> {
  let summary = "Sum over the listed dimensions, which are dropped";
  let description = [{
    ```mlir
    %db = nn.reduce_sum %dy {dims = array<i64: 0>} : tensor<128x256xf32> -> tensor<256xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$dims);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def NN_ReshapeOp : NN_Op<"reshape", [Pure]> {
  let summary = "Same elements in row-major order, another shape";
  let description = [{
    ```mlir
    %g = nn.reshape %df : tensor<128x784xf32> -> tensor<128x1x28x28xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def NN_ActivationGradOp : NN_Op<"activation_grad", [Pure,
    AllTypesMatch<["input", "output", "output_grad", "input_grad"]>]> {
  let summary = "Gradient of an elementwise activation";
  let description = [{
    Given the activation's input `x`, its output `y` and the gradient `dy`
    of its output, returns `dy · f'(x)` (written in terms of `y` where that
    is cheaper, e.g. sigmoid' = y (1 - y)).

    ```mlir
    %dx = nn.activation_grad relu %x, %y, %dy : tensor<128x256xf32>
    ```
  }];
  let arguments = (ins NN_ActivationAttr:$kind, NN_Tensor:$input,
                       NN_Tensor:$output, NN_Tensor:$output_grad,
                       DefaultValuedAttr<F32Attr, "0.0">:$alpha);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = [{
    $kind $input `,` $output `,` $output_grad attr-dict `:` type($input_grad)
  }];
}

def NN_SoftmaxCrossEntropyGradOp : NN_Op<"softmax_cross_entropy_grad", [Pure,
    AllTypesMatch<["logits", "logits_grad"]>]> {
  let summary = "Gradient of the mean softmax cross-entropy w.r.t. the logits";
  let description = [{
    `dloss · (softmax(logits) - onehot(labels)) / batch`.

    ```mlir
    %dz = nn.softmax_cross_entropy_grad %z, %y, %dl : tensor<128x10xf32>, tensor<128xi32>, tensor<f32> -> tensor<128x10xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$logits, NN_Labels:$labels,
                       NN_Scalar:$loss_grad);
  let results = (outs NN_Tensor:$logits_grad);
  let assemblyFormat = [{
    $logits `,` $labels `,` $loss_grad attr-dict `:` type($logits) `,`
    type($labels) `,` type($loss_grad) `->` type($logits_grad)
  }];
}

def NN_MseGradOp : NN_Op<"mse_grad", [Pure,
    AllTypesMatch<["input", "target", "input_grad"]>]> {
  let summary = "Gradient of the mean squared error w.r.t. its input";
  let description = [{
    `dloss · 2 (input - target) / numel`, without `/ numel` for
    `reduction = "sum"` (as `nn.mse`).

    ```mlir
    %dp = nn.mse_grad %p, %t, %dl : tensor<32x1xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$target, NN_Scalar:$loss_grad,
                       DefaultValuedAttr<StrAttr, "\"mean\"">:$reduction);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = [{
    $input `,` $target `,` $loss_grad attr-dict `:` type($input) `,` type($loss_grad)
  }];
}

def NN_Conv2dInputGradOp : NN_Op<"conv2d_input_grad", [Pure]> {
  let summary = "Gradient of nn.conv2d with respect to its input";
  let description = [{
    The transposed convolution of the output gradient with the weight,
    cropped to the input's shape (the result type).

    ```mlir
    %dx = nn.conv2d_input_grad %dy, %w {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
        : tensor<8x4x6x6xf32>, tensor<4x3x3x3xf32> -> tensor<8x3x6x6xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$output_grad, NN_Tensor:$weight,
                       NN_Pair:$stride, NN_Pair:$padding, NN_Pair:$dilation);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $weight attr-dict `:` type($output_grad) `,` type($weight)
    `->` type($input_grad)
  }];
}

def NN_Conv2dWeightGradOp : NN_Op<"conv2d_weight_grad", [Pure]> {
  let summary = "Gradient of nn.conv2d with respect to its weight";
  let description = [{
    `dW[o,c,i,j] = Σ_{n,y,x} dY[n,o,y,x] · Xpad[n,c,y·s+i·d,x·s+j·d]`.

    ```mlir
    %dw = nn.conv2d_weight_grad %x, %dy {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
        : tensor<8x3x6x6xf32>, tensor<8x4x6x6xf32> -> tensor<4x3x3x3xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$output_grad,
                       NN_Pair:$stride, NN_Pair:$padding, NN_Pair:$dilation);
  let results = (outs NN_Tensor:$weight_grad);
  let assemblyFormat = [{
    $input `,` $output_grad attr-dict `:` type($input) `,` type($output_grad)
    `->` type($weight_grad)
  }];
}

def NN_MaxPool2dGradOp : NN_Op<"max_pool2d_grad", [Pure,
    AllTypesMatch<["input", "input_grad"]>]> {
  let summary = "Gradient of nn.max_pool2d: to the first maximum of each window";
  let description = [{
    ```mlir
    %dx = nn.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>}
        : tensor<8x4x6x6xf32>, tensor<8x4x3x3xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$output_grad,
                       NN_Pair:$kernel, NN_Pair:$stride, NN_Pair:$padding);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = [{
    $input `,` $output_grad attr-dict `:` type($input) `,` type($output_grad)
  }];
}

def NN_AvgPool2dGradOp : NN_Op<"avg_pool2d_grad", [Pure]> {
  let summary = "Gradient of nn.avg_pool2d: each window's gradient spread evenly";
  let description = [{
    ```mlir
    %dx = nn.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>}
        : tensor<8x4x3x3xf32> -> tensor<8x4x6x6xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$output_grad, NN_Pair:$kernel, NN_Pair:$stride,
                       NN_Pair:$padding);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad attr-dict `:` type($output_grad) `->` type($input_grad)
  }];
}

def NN_BatchNormGradOp : NN_Op<"batch_norm_grad", [Pure,
    AllTypesMatch<["input", "output_grad", "input_grad"]>,
    AllTypesMatch<["weight", "weight_grad", "bias_grad"]>]> {
  let summary = "Gradient of training-mode nn.batch_norm";
  let description = [{
    With x̂ the input normalized by its batch statistics, M the elements per
    channel: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/(M·σ) · (M·dy − dβ − x̂·dγ).

    ```mlir
    %dx, %dg, %db = nn.batch_norm_grad %x, %dy, %gamma {epsilon = 1.0e-5 : f32}
        : tensor<8x4x6x6xf32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$output_grad,
                       NN_Tensor:$weight, F32Attr:$epsilon);
  let results = (outs NN_Tensor:$input_grad, NN_Tensor:$weight_grad,
                      NN_Tensor:$bias_grad);
  let assemblyFormat = [{
    $input `,` $output_grad `,` $weight attr-dict `:` type($input) `,` type($weight)
  }];
}

def NN_BatchNormActGradOp : NN_Op<"batch_norm_act_grad", [Pure,
    AllTypesMatch<["input", "output", "output_grad", "input_grad"]>,
    AllTypesMatch<["weight", "bias", "weight_grad", "bias_grad"]>]> {
  let summary = "Gradient of training-mode nn.batch_norm_act";
  let description = [{
    With y the op's output, g = dy·f'(y) the gradient through the optional
    activation (written in terms of y), x̂ the input normalized by its batch
    statistics and M the elements per channel: dβ = Σ g, dγ = Σ g·x̂ (one
    pass), dx = γ/(M·σ) · (M·g − dβ − x̂·dγ) (one pass). For ReLU and leaky
    ReLU, f'(y) is taken from the sign of z = γ·x̂ + β instead, so that
    neither pass reads y.

    ```mlir
    %dx, %dg, %db = nn.batch_norm_act_grad %x, %y, %dy, %gamma, %beta then relu
        {epsilon = 1.0e-5 : f32} : tensor<8x4x6x6xf32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$output,
                       NN_Tensor:$output_grad, NN_Tensor:$weight,
                       NN_Tensor:$bias,
                       OptionalAttr<NN_ActivationAttr>:$activation,
                       DefaultValuedAttr<F32Attr, "0.0">:$alpha,
                       F32Attr:$epsilon);
  let results = (outs NN_Tensor:$input_grad, NN_Tensor:$weight_grad,
                      NN_Tensor:$bias_grad);
  let assemblyFormat = [{
    $input `,` $output `,` $output_grad `,` $weight `,` $bias
    (`then` $activation^)? attr-dict `:` type($input) `,` type($weight)
  }];
}

def NN_BatchNormFoldOp : NN_Op<"batch_norm_fold", [
    AllTypesMatch<["weight", "folded_weight"]>,
    OptionalTypesMatchWith<"the bias is shaped like the folded bias",
                           "folded_bias", "bias", "$_self">,
    MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "A layer's weight and bias with an inference BatchNorm folded in";
  let description = [{
    Produced by `nn-fold-batchnorm` in `@predict`. With s = γ/√(running_var
    + ε) per output channel (dimension 0 of the weight): W' = W·s and
    b' = (b − running_mean)·s + β, b = 0 without a bias.

    ```mlir
    %w2, %b2 = nn.batch_norm_fold @bn1.weight, @bn1.bias, @bn1.running_mean,
        @bn1.running_var into %w, %b {epsilon = 1.0e-5 : f32} : tensor<256x784xf32>, tensor<256xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$weight, Optional<NN_Tensor>:$bias,
                       FlatSymbolRefAttr:$bn_weight, FlatSymbolRefAttr:$bn_bias,
                       FlatSymbolRefAttr:$running_mean,
                       FlatSymbolRefAttr:$running_var, F32Attr:$epsilon);
  let results = (outs NN_Tensor:$folded_weight, NN_Tensor:$folded_bias);
  let assemblyFormat = [{
    $bn_weight `,` $bn_bias `,` $running_mean `,` $running_var `into` $weight
    (`,` $bias^)? attr-dict `:` type($weight) `,` type($folded_bias)
  }];
  let hasVerifier = 1;
}

def NN_BiasAddOp : NN_Op<"bias_add", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Adds a per-channel (dimension 1) bias, then an optional activation";
  let description = [{
    The bias of a folded layer (`nn-fold-batchnorm`), whose value is
    computed rather than read from a parameter, and the activation that
    followed the BatchNorm, in one pass.

    ```mlir
    %y = nn.bias_add %h, %b : tensor<128x16x28x28xf32>, tensor<16xf32>
    %a = nn.bias_add %h, %b then relu : tensor<128x16x28x28xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$bias,
                       OptionalAttr<NN_ActivationAttr>:$activation,
                       DefaultValuedAttr<F32Attr, "0.0">:$alpha);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $bias (`then` $activation^)? attr-dict `:` type($input) `,`
    type($bias)
  }];
  let hasVerifier = 1;
}

def NN_SampleNormGradOp : NN_Op<"sample_norm_grad", [Pure,
    AllTypesMatch<["input", "output_grad", "input_grad"]>,
    AllTypesMatch<["weight_grad", "bias_grad"]>,
    OptionalTypesMatchWith<"γ is shaped like its gradient", "weight_grad",
                           "weight", "$_self">]> {
  let summary = "Gradient of layer, group and instance normalization";
  let description = [{
    On the `[rows, groups, channels per group, elements per channel]` view
    of the input (`NormView`), statistics per (row, group), the optional γ
    per (group, channel). With x̂ the normalized input, M the elements per
    statistic and g = γ·dy: dβ = Σ dy, dγ = Σ dy·x̂ over rows and elements,
    dx = 1/(M·σ) · (M·g − Σ g − x̂·Σ g·x̂) with sums per statistic.

    ```mlir
    %dx, %dg, %db = nn.sample_norm_grad %x, %dy, %gamma {epsilon = 1.0e-5 : f32}
        : tensor<8x4x2x36xf32> -> tensor<4x2xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$output_grad,
                       Optional<NN_Tensor>:$weight, F32Attr:$epsilon);
  let results = (outs NN_Tensor:$input_grad, NN_Tensor:$weight_grad,
                      NN_Tensor:$bias_grad);
  let assemblyFormat = [{
    $input `,` $output_grad (`,` $weight^)? attr-dict `:` type($input) `->`
    type($weight_grad)
  }];
  let hasVerifier = 1;
}

def NN_WeightNormGradOp : NN_Op<"weight_norm_grad", [Pure,
    AllTypesMatch<["weight_v", "weight_grad", "weight_v_grad"]>,
    AllTypesMatch<["weight_g", "weight_g_grad"]>]> {
  let summary = "Gradient of nn.weight_norm with respect to g and v";
  let description = [{
    Given dW, the gradient of the weight w = g·v/‖v‖ (per output unit o):
    dg = Σ dW·v / ‖v‖, dv = g/‖v‖ · (dW − dg·v/‖v‖).

    ```mlir
    %dg, %dv = nn.weight_norm_grad %g, %v, %dw : tensor<256x1xf32>, tensor<256x784xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$weight_g, NN_Tensor:$weight_v,
                       NN_Tensor:$weight_grad);
  let results = (outs NN_Tensor:$weight_g_grad, NN_Tensor:$weight_v_grad);
  let assemblyFormat = [{
    $weight_g `,` $weight_v `,` $weight_grad attr-dict `:` type($weight_g) `,`
    type($weight_v)
  }];
}

//===----------------------------------------------------------------------===//
// Optimizer (created by nn-optimizer)
//===----------------------------------------------------------------------===//

def NN_GlobalNormOp : NN_Op<"global_norm", [Pure]> {
  let summary = "L2 norm of all listed gradients taken together";
  let description = [{
    `sqrt(Σ_i ‖g_i‖²)` over the gradients of the parameters named in
    `params` (one per operand). Parameters frozen at run time (`--freeze`)
    are left out, as PyTorch's `clip_grad_norm_` leaves out parameters
    without gradients.

    ```mlir
    %n = nn.global_norm %g0, %g1 {params = [@fc.weight, @fc.bias]} : tensor<10x784xf32>, tensor<10xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins Variadic<NN_Tensor>:$grads, SymbolRefArrayAttr:$params);
  let results = (outs NN_Scalar:$norm);
  let assemblyFormat = "$grads attr-dict `:` type($grads) `->` type($norm)";
  let hasVerifier = 1;
}

def NN_SgdUpdateOp : NN_Op<"sgd_update", [
    MemoryEffects<[MemRead<NN_ParamResource>, MemWrite<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "x ← x − lr·scale·g + √noise·ξ, ξ ~ N(0, I) from Philox";
  let description = [{
    Updates a parameter in place. `scale` is the clipping factor
    min(1, clip/‖g‖); the noise term is drawn from Philox 4x32-10 keyed by
    `seed`, with the counter built from `step`, `stream` (the parameter's
    ordinal) and the element index, so every run with one seed sees the same
    noise. With `noise` = 0 no random numbers are drawn at all.

    ```mlir
    nn.sgd_update @fc.weight, %g, %scale, %lr, %noise, %seed, %step {stream = 0 : i64} : tensor<10x784xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param, NN_Tensor:$grad,
                       F32:$scale, F32:$lr, F32:$noise, I64:$seed,
                       I64:$step, I64Attr:$stream);
  let assemblyFormat = [{
    $param `,` $grad `,` $scale `,` $lr `,` $noise `,` $seed `,` $step attr-dict
    `:` type($grad)
  }];
}

def NN_BatchNormUpdateStatsOp : NN_Op<"batch_norm_update_stats", [
    MemoryEffects<[MemRead<NN_ParamResource>, MemWrite<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Updates BatchNorm's running statistics from a training batch";
  let description = [{
    `r ← (1 − m)·r + m·s` with s the batch mean for `running_mean` and the
    *unbiased* batch variance for `running_var`, as PyTorch does. With
    `single_pass` the batch statistics are computed as `nn.batch_norm_act`
    computes them (Σx and Σx² in one pass), so that the lowering computes
    them once for both.

    ```mlir
    nn.batch_norm_update_stats %h, @bn1.running_mean, @bn1.running_var {momentum = 0.1 : f32} : tensor<128x16x28x28xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, FlatSymbolRefAttr:$running_mean,
                       FlatSymbolRefAttr:$running_var, F32Attr:$momentum,
                       UnitAttr:$single_pass);
  let assemblyFormat = [{
    $input `,` $running_mean `,` $running_var attr-dict `:` type($input)
  }];
}

#endif // NN_GRADIENT_OPS_TD
