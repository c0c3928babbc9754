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

#endif // NN_NORM_OPS_TD
