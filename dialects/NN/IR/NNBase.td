//===- NNBase.td - nn dialect definition -------------------*- tablegen -*-===//
//
// The `nn` dialect describes a trainable neural network: its parameters, the
// forward computation, and (after the autodiff and optimizer passes) the
// training step.
//
//===----------------------------------------------------------------------===//

#ifndef NN_BASE_TD
#define NN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::mlir::nn";
  let summary = "Neural-network models for ahead-of-time training";
  let description = [{
    A model is an `nn.model` holding `nn.param` declarations and one
    `nn.forward` region that maps an input batch and its labels to the
    network's output and a scalar loss. Layers refer to their parameters by
    symbol, as PyTorch modules own theirs: `@fc1.weight` is the tensor that a
    PyTorch `state_dict` calls `fc1.weight`, with the same layout.
  }];
  let useDefaultAttributePrinterParser = 1;
  // `nn.params` on the gradient function (nn-autodiff); any other `nn.`
  // attribute is a mistake (a misspelt hyperparameter) that would be
  // ignored.
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The parameters whose gradients a gradient function returns after
    /// the loss and the output, in order (symbol references).
    static constexpr ::llvm::StringLiteral kParamsAttrName = "nn.params";
  }];
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

class NN_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<NN_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // NN_BASE_TD
