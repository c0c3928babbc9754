//===- Passes.td - nn dialect passes -----------------------*- tablegen -*-===//

#ifndef NN_TRANSFORMS_PASSES_TD
#define NN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NNVerifyModelPass : Pass<"nn-verify-model", "ModuleOp"> {
  let summary = "Checks the input contract of a model before training passes";
  let description = [{
    Every `nn.model` must have exactly one `nn.forward` whose `nn.return`
    gives the output and a loss computed by a loss op, must declare at least
    one parameter, and every op of the forward region must belong to the
    `nn` dialect (or be a constant). Errors point at the offending op.
  }];
}

def NNAutodiffPass : Pass<"nn-autodiff", "ModuleOp"> {
  let summary = "Derives the backward graph by reverse-mode automatic differentiation";
  let description = [{
    Replaces each model's `nn.forward` with three functions inside the model:

    * `@predict(%x) -> output`: the forward computation without the loss,
    * `@loss(%x, %y) -> loss`: the forward computation up to the loss,
    * `@gradient(%x, %y) -> (loss, output, grads...)`: the forward
      computation followed by its reverse: the gradient of the loss with
      respect to every trained parameter, in declaration order, named by the
      function's `nn.params` attribute.

    Each op contributes its own gradient rule through
    `DifferentiableOpInterface`; gradients of values with several uses are
    summed. Frozen parameters, and values on which no trained parameter
    depends, get no backward work at all. An op on the differentiated path
    without a gradient rule is an error naming the op.

    ```mlir
    // before
    nn.forward(%x: tensor<8x4xf32>, %y: tensor<8xi32>) {
      %h = nn.dense %x, @fc.weight, @fc.bias : tensor<8x4xf32> -> tensor<8x3xf32>
      %l = nn.softmax_cross_entropy %h, %y : tensor<8x3xf32>, tensor<8xi32> -> tensor<f32>
      nn.return %h, %l : tensor<8x3xf32>, tensor<f32>
    }
    // after (@gradient)
    %dl = arith.constant dense<1.0> : tensor<f32>
    %dh = nn.softmax_cross_entropy_grad %h, %y, %dl : ...
    %dw = nn.matmul %dh, %x {transpose_lhs} : ...
    %db = nn.reduce_sum %dh {dims = array<i64: 0>} : ...
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::arith::ArithDialect"];
}

def NNOptimizerPass : Pass<"nn-optimizer", "ModuleOp"> {
  let summary = "Appends the SGD update (clipping, noise) to make the training step";
  let description = [{
    Clones each model's `@gradient` into `@train_step(%x, %y, %lr, %clip,
    %noise, %seed, %step) -> (loss, grad_norm, output)`, which ends with the
    update of every trained parameter:

    * global L2 norm of all gradients, `n = sqrt(Σ ‖g_i‖²)`,
    * clipping scale `s = min(1, clip / (n + 1e-6))` when `clip > 0`, else 1
      (PyTorch's `clip_grad_norm_`),
    * `x ← x − lr·s·g + √noise·ξ`, ξ ~ N(0, I) from Philox 4x32-10,
    * BatchNorm's running statistics updated from the batch
      (`nn.batch_norm_update_stats`).
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NNFuseBatchNormPass : Pass<"nn-fuse-batchnorm", "ModuleOp"> {
  let summary = "Fuses BatchNorm with the activation after it, for training";
  let description = [{
    Runs on `nn.forward`, before `nn-autodiff`. Every `nn.batch_norm`
    becomes an `nn.batch_norm_act`; when its only user is an activation
    (`relu`, `leaky_relu`, `elu`, `sigmoid`, `tanh`), the activation moves
    into it. The fused op is lowered to one statistics pass (Σx and Σx²
    together) and one pass that normalizes, scales, shifts and activates;
    its gradient to one pass for Σg and Σg·x̂ and one for dx.

    ```mlir
    // before
    %n = nn.batch_norm %h, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<8x4xf32>
    %a = nn.relu %n : tensor<8x4xf32>
    // after
    %a = nn.batch_norm_act %h, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var then relu : tensor<8x4xf32>
    ```
  }];
}

def NNFoldBatchNormPass : Pass<"nn-fold-batchnorm", "ModuleOp"> {
  let summary = "Folds inference BatchNorm into the preceding dense or conv2d";
  let description = [{
    Runs on each model's `@predict` (after `nn-autodiff`), where BatchNorm
    uses its running statistics. A BatchNorm (or `nn.batch_norm_act`) whose
    input is an `nn.dense` or `nn.conv2d` used by nothing else, with its
    weight a parameter, is folded into that layer: with
    s = γ/√(running_var + ε) per output channel, W' = W·s and
    b' = (b − running_mean)·s + β (`nn.batch_norm_fold`, computed from the
    state in `@predict`); the layer takes W' as a value and `nn.bias_add`
    adds b' and, in the same pass, the activation of an `nn.batch_norm_act`.
    Any other BatchNorm
    is left as it is, and the training functions are never changed.

    ```mlir
    // before
    %h = nn.dense %x, @fc.weight, @fc.bias : tensor<8x3xf32> -> tensor<8x4xf32>
    %n = nn.batch_norm %h, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<8x4xf32>
    // after
    %w = nn.read_param @fc.weight : tensor<4x3xf32>
    %b = nn.read_param @fc.bias : tensor<4xf32>
    %w2, %b2 = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %w, %b {epsilon = 1.0e-5 : f32} : tensor<4x3xf32>, tensor<4xf32>
    %h2 = nn.dense %x, %w2 : tensor<8x3xf32>, tensor<4x3xf32> -> tensor<8x4xf32>
    %n = nn.bias_add %h2, %b2 : tensor<8x4xf32>, tensor<4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

#endif // NN_TRANSFORMS_PASSES_TD
