//===- NNOps.td - nn dialect operations --------------------*- tablegen -*-===//

#ifndef NN_OPS_TD
#define NN_OPS_TD

include "dialects/NN/IR/NNBase.td"
include "dialects/NN/IR/NNAttrs.td"
include "dialects/NN/IR/NNInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

// Parameters live in the model, not in SSA values: reading one is a read of
// this resource and the optimizer's update a write, so no pass can move a
// read of a parameter across its update.
def NN_ParamResource : Resource<"::mlir::nn::ParamResource">;

def NN_Tensor : StaticShapeTensorOf<[F32]>;
def NN_Labels : StaticShapeTensorOf<[I32]>;
def NN_Scalar : 0DTensorOf<[F32]>;

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

def NN_ModelOp : NN_Op<"model", [SymbolTable, Symbol, IsolatedFromAbove,
    NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "A trainable network: parameters and a forward computation";
  let description = [{
    Holds the model's `nn.param` declarations and exactly one `nn.forward`.
    Hyperparameter defaults are attributes of the model; the compiled binary's
    command line overrides them: `lr` (> 0), `clip_norm` (>= 0, 0 disables
    clipping), `noise` (the variance ε of the injected noise, >= 0), `epochs`
    (>= 1).

    ```mlir
    nn.model @regression attributes {lr = 0.01 : f32, epochs = 10 : i64} {
      nn.param @fc.weight : tensor<1x8xf32> init = #nn.xavier_uniform
      nn.param @fc.bias : tensor<1xf32> init = #nn.zeros
      nn.forward(%x: tensor<32x8xf32>, %y: tensor<32x1xf32>) {
        %p = nn.dense %x, @fc.weight, @fc.bias : tensor<32x8xf32> -> tensor<32x1xf32>
        %l = nn.mse %p, %y : tensor<32x1xf32> -> tensor<f32>
        nn.return %p, %l : tensor<32x1xf32>, tensor<f32>
      }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The model's only forward computation, or null after `nn-autodiff`.
    ForwardOp getForward();
    /// Parameters in declaration order (the order of the checkpoint).
    ::llvm::SmallVector<ParamOp, 8> getParams();
  }];
}

def NN_ParamOp : NN_Op<"param", [Symbol, HasParent<"ModelOp">]> {
  let summary = "A named parameter tensor with its initializer";
  let description = [{
    Declares a parameter. Its name is its key in checkpoints (PyTorch
    `state_dict` names: `fc1.weight` is `[out, in]`). `frozen` parameters
    are never updated and get no backward work. A `buffer` is state that is
    not trained by gradient descent, such as BatchNorm's running statistics.

    ```mlir
    nn.param @fc1.weight : tensor<256x784xf32> init = #nn.kaiming_normal
    nn.param @fc1.bias : tensor<256xf32> init = #nn.zeros frozen
    nn.param @bn1.running_var : tensor<256xf32> init = #nn.ones buffer
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<NN_Tensor>:$type,
                       NN_InitializerAttrInterface:$init,
                       UnitAttr:$frozen, UnitAttr:$buffer);
  let assemblyFormat = [{
    $sym_name `:` $type `init` `=` $init (`frozen` $frozen^)? (`buffer` $buffer^)?
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::RankedTensorType getTensorType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getType());
    }
    /// Whether gradient descent updates this tensor.
    bool isTrained() { return !getFrozen() && !getBuffer(); }
  }];
}

def NN_ForwardOp : NN_Op<"forward", [HasParent<"ModelOp">, IsolatedFromAbove]> {
  let summary = "The forward computation: input batch (and labels) to output and loss";
  let description = [{
    The region takes the input batch and, for training, its targets (class
    indices as `i32`, or a float tensor for regression) and ends with
    `nn.return %output, %loss`, the loss a 0-d tensor. The batch size is the
    leading dimension of the input.

    ```mlir
    nn.forward(%x: tensor<128x784xf32>, %y: tensor<128xi32>) {
      %h = nn.dense %x, @fc.weight, @fc.bias : tensor<128x784xf32> -> tensor<128x10xf32>
      %l = nn.softmax_cross_entropy %h, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
      nn.return %h, %l : tensor<128x10xf32>, tensor<f32>
    }
    ```
  }];
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def NN_ReturnOp : NN_Op<"return", [Pure, Terminator, ReturnLike,
    HasParent<"ForwardOp">]> {
  let summary = "Ends `nn.forward` with the network's output and its loss";
  let description = [{
    ```mlir
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins NN_Tensor:$output, NN_Scalar:$loss);
  let assemblyFormat = "$output `,` $loss attr-dict `:` type($output) `,` type($loss)";
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def NN_DenseOp : NN_Op<"dense", [
    MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Fully connected layer: y = x Wᵀ + b";
  let description = [{
    PyTorch `nn.Linear`: the weight is `[out, in]`, the optional bias
    `[out]`, the input `[batch, in]`. The weight is a parameter or, when it
    is computed from parameters (`nn.weight_norm`), a value whose type
    follows the input's.

    ```mlir
    %h = nn.dense %x, @fc1.weight, @fc1.bias : tensor<128x784xf32> -> tensor<128x256xf32>
    %g = nn.dense %x, %w, @fc2.bias : tensor<128x784xf32>, tensor<256x784xf32> -> tensor<128x256xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, OptionalAttr<FlatSymbolRefAttr>:$weight,
                       Optional<NN_Tensor>:$weight_value,
                       OptionalAttr<FlatSymbolRefAttr>:$bias);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` ($weight^) : ($weight_value)? (`,` $bias^)? attr-dict `:`
    type($input) (`,` type($weight_value)^)? `->` type($output)
  }];
  let hasVerifier = 1;
}

def NN_AddOp : NN_Op<"add", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Elementwise sum, e.g. a residual connection";
  let description = [{
    ```mlir
    %r = nn.add %h, %x : tensor<128x256xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$lhs, NN_Tensor:$rhs);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($output)";
}

def NN_GramOp : NN_Op<"gram", [
    MemoryEffects<[MemRead<NN_ParamResource>]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "The Gram matrix U Uᵀ of a parameter U";
  let description = [{
    For a parameter `U` of shape `[n, r]`, the `[n, n]` matrix `U Uᵀ`: the
    low-rank factorization of a symmetric matrix (examples/
    matrix_factorization.mlir). Its gradient is `(G + Gᵀ) U` for the
    result's gradient `G`.

    ```mlir
    %m = nn.gram @u : tensor<32x32xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$param attr-dict `:` type($output)";
  let extraClassDeclaration = [{
    /// The type of U, looked up in the enclosing nn.model.
    ::mlir::RankedTensorType getParamType();
  }];
}

def NN_FlattenOp : NN_Op<"flatten", [Pure,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Collapses all dimensions but the first (PyTorch `nn.Flatten`)";
  let description = [{
    ```mlir
    %f = nn.flatten %x : tensor<128x1x28x28xf32> -> tensor<128x784xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

class NN_ActivationOp<string mnemonic, string formula, string example>
    : NN_Op<mnemonic, [Pure, SameOperandsAndResultType,
        DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Elementwise " # formula;
  let description = "```mlir\n" # example # "\n```";
  let results = (outs NN_Tensor:$output);
}

def NN_SigmoidOp : NN_ActivationOp<"sigmoid", "sigmoid: 1 / (1 + exp(-x))",
    "%a = nn.sigmoid %h : tensor<128x256xf32>"> {
  let arguments = (ins NN_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def NN_TanhOp : NN_ActivationOp<"tanh", "hyperbolic tangent",
    "%a = nn.tanh %h : tensor<128x256xf32>"> {
  let arguments = (ins NN_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def NN_ReluOp : NN_ActivationOp<"relu", "ReLU: max(x, 0)",
    "%a = nn.relu %h : tensor<128x256xf32>"> {
  let arguments = (ins NN_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def NN_LeakyReluOp : NN_ActivationOp<"leaky_relu",
    "leaky ReLU: x if x > 0 else alpha * x (0 <= alpha < 1)",
    "%a = nn.leaky_relu %h {alpha = 0.01 : f32} : tensor<128x256xf32>"> {
  let arguments = (ins NN_Tensor:$input,
                       DefaultValuedAttr<F32Attr, "0.01">:$alpha);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def NN_EluOp : NN_ActivationOp<"elu",
    "ELU: x if x > 0 else alpha * (exp(x) - 1) (alpha > 0)",
    "%a = nn.elu %h {alpha = 1.0 : f32} : tensor<128x256xf32>"> {
  let arguments = (ins NN_Tensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def NN_SoftmaxCrossEntropyOp : NN_Op<"softmax_cross_entropy", [Pure,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Mean softmax cross-entropy of logits against class indices";
  let description = [{
    PyTorch `nn.CrossEntropyLoss()` (mean reduction): logits `[batch,
    classes]`, labels `[batch]` of class indices in `[0, classes)`.

    ```mlir
    %l = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_Tensor:$logits, NN_Labels:$labels);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->` type($loss)
  }];
  let hasVerifier = 1;
}

def NN_MseOp : NN_Op<"mse", [Pure, AllTypesMatch<["input", "target"]>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Mean (or sum) of the squared errors over all elements";
  let description = [{
    PyTorch `nn.MSELoss(reduction=...)`: the mean of (input - target)², or
    with `reduction = "sum"` their sum (a squared Frobenius norm).

    ```mlir
    %l = nn.mse %p, %t : tensor<32x1xf32> -> tensor<f32>
    %f = nn.mse %m, %t {reduction = "sum"} : tensor<32x32xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$target,
                       DefaultValuedAttr<StrAttr, "\"mean\"">:$reduction);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat = "$input `,` $target attr-dict `:` type($input) `->` type($loss)";
  let hasVerifier = 1;
}

include "dialects/NN/IR/NNConvOps.td"
include "dialects/NN/IR/NNNormOps.td"
include "dialects/NN/IR/NNGradientOps.td"

#endif // NN_OPS_TD
