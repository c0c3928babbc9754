//===- NNAttrs.td - nn initializer attributes --------------*- tablegen -*-===//
//
// Initializers are attributes on `nn.param`. Their definitions follow
// PyTorch's `torch.nn.init` exactly (untruncated distributions; fan_in of a
// tensor [out, in, k...] is in*prod(k), fan_out is out*prod(k)), so that a
// model initialized here is distributed like the same model in PyTorch.
//
//===----------------------------------------------------------------------===//

#ifndef NN_ATTRS_TD
#define NN_ATTRS_TD

include "dialects/NN/IR/NNBase.td"
include "mlir/IR/EnumAttr.td"

def NN_FanMode : I32EnumAttr<"FanMode", "which fan an initializer scales by", [
    I32EnumAttrCase<"fan_in", 0>, I32EnumAttrCase<"fan_out", 1>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_FanModeAttr : EnumAttr<NN_Dialect, NN_FanMode, "fan_mode">;

def NN_Activation : I32EnumAttr<"Activation", "an elementwise activation", [
    I32EnumAttrCase<"sigmoid", 0>, I32EnumAttrCase<"tanh", 1>,
    I32EnumAttrCase<"relu", 2>, I32EnumAttrCase<"leaky_relu", 3>,
    I32EnumAttrCase<"elu", 4>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_ActivationAttr : EnumAttr<NN_Dialect, NN_Activation, "activation">;

// Every initializer implements this interface so that the verifier and the
// manifest writer can treat them alike.
def NN_InitializerAttrInterface : AttrInterface<"InitializerAttr"> {
  let cppNamespace = "::mlir::nn";
  let description = [{
    An initializer of a parameter tensor. `getDistribution` resolves it for a
    concrete shape into the distribution the runtime samples from.
  }];
  let methods = [
    InterfaceMethod<[{
      Resolves the initializer for a tensor of `shape` into a distribution, or
      fails with a message in `error` (e.g. fans of a 1-D tensor).
    }], "::llvm::FailureOr<::mlir::nn::Distribution>", "getDistribution",
    (ins "::llvm::ArrayRef<int64_t>":$shape, "std::string &":$error)>
  ];
}

class NN_InitAttr<string name, string mnemonic>
    : NN_Attr<name, mnemonic, [DeclareAttrInterfaceMethods<NN_InitializerAttrInterface>]>;

def NN_ZerosAttr : NN_InitAttr<"Zeros", "zeros"> {
  let summary = "All elements 0 (PyTorch `init.zeros_`)";
}

def NN_OnesAttr : NN_InitAttr<"Ones", "ones"> {
  let summary = "All elements 1 (PyTorch `init.ones_`)";
}

def NN_ConstantAttr : NN_InitAttr<"Constant", "constant"> {
  let summary = "All elements equal to a value (PyTorch `init.constant_`)";
  let parameters = (ins "::llvm::APFloat":$value);
  let assemblyFormat = "`<` $value `>`";
}

def NN_XavierUniformAttr : NN_InitAttr<"XavierUniform", "xavier_uniform"> {
  let summary = "U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))";
  let description = [{
    Glorot/Xavier uniform initialization, PyTorch `init.xavier_uniform_`.
    `gain` defaults to 1.

    ```mlir
    nn.param @fc1.weight : tensor<256x784xf32> init = #nn.xavier_uniform
    nn.param @fc2.weight : tensor<10x256xf32> init = #nn.xavier_uniform<gain = 1.414>
    ```
  }];
  let parameters = (ins DefaultValuedParameter<"::llvm::APFloat", "::llvm::APFloat(1.0)">:$gain);
  let assemblyFormat = "(`<` struct($gain)^ `>`)?";
}

def NN_XavierNormalAttr : NN_InitAttr<"XavierNormal", "xavier_normal"> {
  let summary = "N(0, s^2), s = gain * sqrt(2 / (fan_in + fan_out))";
  let description = [{
    Glorot/Xavier normal initialization, PyTorch `init.xavier_normal_`.
    `gain` defaults to 1.
  }];
  let parameters = (ins DefaultValuedParameter<"::llvm::APFloat", "::llvm::APFloat(1.0)">:$gain);
  let assemblyFormat = "(`<` struct($gain)^ `>`)?";
}

def NN_KaimingNormalAttr : NN_InitAttr<"KaimingNormal", "kaiming_normal"> {
  let summary = "N(0, s^2), s = gain / sqrt(fan)";
  let description = [{
    Kaiming/He normal initialization, PyTorch `init.kaiming_normal_`:
    `mode` defaults to `fan_in` and `gain` to sqrt(2) (ReLU), untruncated.

    ```mlir
    nn.param @fc1.weight : tensor<256x784xf32> init = #nn.kaiming_normal
    nn.param @fc2.weight : tensor<10x256xf32> init = #nn.kaiming_normal<mode = fan_out, gain = 1.0>
    ```
  }];
  let parameters = (ins
    DefaultValuedParameter<"::mlir::nn::FanMode", "::mlir::nn::FanMode::fan_in">:$mode,
    DefaultValuedParameter<"::llvm::APFloat", "::llvm::APFloat(M_SQRT2)">:$gain);
  let assemblyFormat = "(`<` struct($mode, $gain)^ `>`)?";
}

def NN_KaimingUniformAttr : NN_InitAttr<"KaimingUniform", "kaiming_uniform"> {
  let summary = "U(-b, b), b = gain * sqrt(3 / fan)";
  let description = [{
    Kaiming/He uniform initialization, PyTorch `init.kaiming_uniform_`:
    `mode` defaults to `fan_in` and `gain` to sqrt(2) (ReLU).
  }];
  let parameters = (ins
    DefaultValuedParameter<"::mlir::nn::FanMode", "::mlir::nn::FanMode::fan_in">:$mode,
    DefaultValuedParameter<"::llvm::APFloat", "::llvm::APFloat(M_SQRT2)">:$gain);
  let assemblyFormat = "(`<` struct($mode, $gain)^ `>`)?";
}

def NN_PretrainedAttr : NN_InitAttr<"Pretrained", "pretrained"> {
  let summary = "Loaded from the checkpoint given to `--init-from`";
  let description = [{
    The parameter has no initializer of its own: the runtime refuses to train
    unless `--init-from` supplies it (or `--reinit` names it).
  }];
}

#endif // NN_ATTRS_TD
