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

#endif // NN_TRANSFORMS_PASSES_TD
