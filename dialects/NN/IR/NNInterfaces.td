//===- NNInterfaces.td - nn op interfaces ------------------*- tablegen -*-===//

#ifndef NN_INTERFACES_TD
#define NN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def NN_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::nn";
  let description = [{
    An op that knows its own reverse-mode gradient rule. `nn-autodiff` walks
    the forward computation backwards and asks each op, given the gradients of
    its results, for the gradients of its operands and of the parameters it
    reads. The rule asks `sink` which gradients are wanted, so that frozen
    parameters and inputs that need no gradient cost no backward work.
  }];
  let methods = [
    InterfaceMethod<[{
      Emits the gradient computation at the builder's insertion point.
      `resultGrads` holds one gradient per result (null: the result does not
      influence the loss). Operand gradients go to `sink.setOperandGradient`,
      parameter gradients to `sink.addParamGradient`.
    }], "::llvm::LogicalResult", "buildGradient",
    (ins "::mlir::OpBuilder &":$builder, "::mlir::ValueRange":$resultGrads,
         "::mlir::nn::GradientSink &":$sink)>
  ];
}

#endif // NN_INTERFACES_TD
