//===- LowerConv.cpp - convolution, pooling and their gradients -----------===//
//
// Forward convolution and pooling map to linalg's named NCHW ops on a padded
// input. The input gradient of a convolution is again a convolution: the
// output gradient, spread out by the stride and padded by the kernel extent,
// convolved with the flipped, transposed weight, then cropped. Pooling
// gradients gather, for every input element, the windows that contain it.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::nn;

namespace {
using utils::IteratorType;

/// Static index attributes for tensor slice ops.
SmallVector<OpFoldResult> indexAttrs(OpBuilder &b, ArrayRef<int64_t> values) {
  return llvm::map_to_vector(values, [&](int64_t v) -> OpFoldResult {
    return b.getIndexAttr(v);
  });
}

/// `source` written into `dest` at `offsets` with `strides`, by a
/// linalg.copy into the slice: unlike a bare tensor.insert_slice (a serial
/// memref.copy after bufferization), the backend splits it across threads
/// and vectorizes it.
Value insertByCopy(OpBuilder &b, Location loc, Value source, Value dest,
                   ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> offs = indexAttrs(b, offsets),
                            sizes = indexAttrs(b, type.getShape()),
                            steps = indexAttrs(b, strides);
  Value slice = tensor::ExtractSliceOp::create(b, loc, type, dest, offs, sizes,
                                               steps);
  Value copied =
      linalg::CopyOp::create(b, loc, source, slice).getResult(0);
  return tensor::InsertSliceOp::create(b, loc, copied, dest, offs, sizes,
                                       steps);
}

/// `x` [N,C,H,W] padded by `pad` on both sides of H and W with `value`.
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pad,
                 double value) {
  if (pad[0] == 0 && pad[1] == 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += 2 * pad[0];
  shape[3] += 2 * pad[1];
  Value padded = nnc::filledTensor(
      b, loc, RankedTensorType::get(shape, type.getElementType()), value);
  return insertByCopy(b, loc, x, padded, {0, 0, pad[0], pad[1]},
                      {1, 1, 1, 1});
}

NamedAttribute pairAttr(OpBuilder &b, StringRef name, ArrayRef<int64_t> v) {
  auto type = RankedTensorType::get({2}, b.getI64Type());
  return b.getNamedAttr(name, DenseIntElementsAttr::get(type, v));
}

/// The patches of an already padded NCHW input under a kh×kw kernel
/// (im2col): [N·Ho·Wo, C·kh·kw], one row per output position. A copy with
/// affine maps, which vectorizes; the backend keeps it out of the matmul
/// that consumes it (nnc-cpu-fuse-elementwise).
Value patchMatrix(OpBuilder &b, Location loc, Value input, int64_t kh,
                  int64_t kw, int64_t ho, int64_t wo, ArrayRef<int64_t> stride,
                  ArrayRef<int64_t> dilation) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
  MLIRContext *ctx = b.getContext();
  // col[n, y, x, c, i, j] = input[n, c, y·s + i·d, x·s + j·d]
  AffineExpr dn, dy, dx, dc, di, dj;
  bindDims(ctx, dn, dy, dx, dc, di, dj);
  auto patchMap = AffineMap::get(
      6, 0,
      {dn, dc, dy * stride[0] + di * dilation[0],
       dx * stride[1] + dj * dilation[1]},
      ctx);
  Value col = nnc::buildGeneric(
      b, loc, input, patchMap,
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{n, ho, wo, c, kh, kw},
                              inType.getElementType()),
      b.getMultiDimIdentityMap(6),
      SmallVector<IteratorType>(6, IteratorType::parallel),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  return tensor::CollapseShapeOp::create(
      b, loc, col, SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
}

/// A stride-1 convolution of an already padded NCHW input as one generic:
/// out[n, o, y, x] += in[n, c, y + i·d, x + j·d] · w[o, c, i, j]. No patch
/// matrix is built: the backend tiles it into register blocks of
/// [output channels × one output row], each step of the reduction an outer
/// product of a weight column and a contiguous input row
/// (nnc-cpu-tile-and-vectorize, "stencils"). The weight is read as
/// [C, kh, kw, O], so that a block's output channels are contiguous.
Value convolveDirect(OpBuilder &b, Location loc, Value input, Value weight,
                     Value init, ArrayRef<int64_t> dilation) {
  auto wType = cast<RankedTensorType>(weight.getType());
  Type elem = wType.getElementType();
  int64_t o = wType.getDimSize(0), c = wType.getDimSize(1),
          kh = wType.getDimSize(2), kw = wType.getDimSize(3);
  MLIRContext *ctx = b.getContext();
  AffineExpr tc, ti, tj, to;
  bindDims(ctx, tc, ti, tj, to);
  Value channelsLast = nnc::buildGeneric(
      b, loc, weight, AffineMap::get(4, 0, {to, tc, ti, tj}, ctx),
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{c, kh, kw, o}, elem),
      b.getMultiDimIdentityMap(4),
      SmallVector<IteratorType>(4, IteratorType::parallel),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  AffineExpr dn, dout, dy, dx, dc, di, dj;
  bindDims(ctx, dn, dout, dy, dx, dc, di, dj);
  // The weight first: a register block is then the matmul-shaped
  // [channels × 1]·[1 × row] of the backend's tuned path.
  SmallVector<AffineMap> inputMaps = {
      AffineMap::get(7, 0, {dc, di, dj, dout}, ctx),
      AffineMap::get(7, 0,
                     {dn, dc, dy + di * dilation[0], dx + dj * dilation[1]},
                     ctx)};
  SmallVector<IteratorType> iterators(4, IteratorType::parallel);
  iterators.append(3, IteratorType::reduction);
  return nnc::buildGeneric(
      b, loc, {channelsLast, input}, inputMaps, init,
      AffineMap::get(7, 0, {dn, dout, dy, dx}, ctx), iterators,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
        return arith::AddFOp::create(b, loc, args[2], product);
      });
}

/// Output rows narrower than this use the GEMM path: a register block of
/// the direct convolution is one row wide, and would leave most vector
/// lanes idle.
constexpr int64_t kMinDirectRowWidth = 8;

/// A convolution of an already padded NCHW input with an OIHW weight, into
/// `outType` ([N, O, Ho, Wo]), plus the per-channel `bias` if there is one.
/// Stride 1 with rows of a useful vector width: directly (convolveDirect),
/// the sum starting from the bias unless `biasAfterSum`
/// (kBiasAfterSumAttr). Otherwise as a GEMM: the patches of the input
/// ([N·Ho·Wo, C·kh·kw]) times the weight ([O, C·kh·kw])ᵀ, the result,
/// [N·Ho·Wo, O], transposed back to NCHW and the bias added on the way.
Value convolve(OpBuilder &b, Location loc, Value input, Value weight,
               Value bias, bool biasAfterSum, RankedTensorType outType,
               ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
  auto wType = cast<RankedTensorType>(weight.getType());
  Type elem = outType.getElementType();
  int64_t n = outType.getDimSize(0), o = wType.getDimSize(0),
          ho = outType.getDimSize(2), wo = outType.getDimSize(3);
  MLIRContext *ctx = b.getContext();
  AffineExpr an, ao, ay, ax;
  bindDims(ctx, an, ao, ay, ax);
  auto identity = b.getMultiDimIdentityMap(4);
  auto perChannel = AffineMap::get(4, 0, {ao}, ctx);
  SmallVector<IteratorType> parallel(4, IteratorType::parallel);
  auto addBias = [&](Value sum, AffineMap sumMap) -> Value {
    SmallVector<Value> inputs = {sum};
    SmallVector<AffineMap> maps = {sumMap};
    if (bias) {
      inputs.push_back(bias);
      maps.push_back(perChannel);
    }
    Value empty = tensor::EmptyOp::create(b, loc, outType.getShape(), elem);
    return nnc::buildGeneric(
        b, loc, inputs, maps, empty, identity, parallel,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (!bias)
            return args[0];
          return arith::AddFOp::create(b, loc, args[0], args[1]);
        });
  };

  if (stride[0] == 1 && stride[1] == 1 && wo >= kMinDirectRowWidth) {
    if (bias && !biasAfterSum) {
      Value init = nnc::buildGeneric(
          b, loc, bias, perChannel,
          tensor::EmptyOp::create(b, loc, outType.getShape(), elem), identity,
          parallel,
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
      return convolveDirect(b, loc, input, weight, init, dilation);
    }
    Value sum = convolveDirect(b, loc, input, weight,
                               nnc::filledTensor(b, loc, outType, 0.0),
                               dilation);
    return bias ? addBias(sum, identity) : sum;
  }
  Value cols = patchMatrix(b, loc, input, wType.getDimSize(2),
                           wType.getDimSize(3), ho, wo, stride, dilation);
  Value filters = tensor::CollapseShapeOp::create(
      b, loc, weight, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  auto rowsType = RankedTensorType::get({n * ho * wo, o}, elem);
  Value rows = nnc::buildMatmul(b, loc, cols, filters, false,
                                /*transposeRhs=*/true,
                                nnc::filledTensor(b, loc, rowsType, 0.0));
  Value nhwc = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({n, ho, wo, o}, elem), rows,
      SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  // out[n, o, y, x] = nhwc[n, y, x, o] (+ bias[o])
  return addBias(nhwc, AffineMap::get(4, 0, {an, ay, ax, ao}, ctx));
}

/// The model is gone by the time patterns run: parameter types come from
/// the state layout.
struct LowerConv2d : OpRewritePattern<Conv2dOp> {
  LowerConv2d(MLIRContext *ctx, const nnc::StateLayout &layout)
      : OpRewritePattern(ctx), layout(layout) {}

  LogicalResult matchAndRewrite(Conv2dOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = op.getOutput().getType();
    Value weight = op.getWeightValue();
    if (!weight) {
      auto slot = layout.slots.find(op.getWeightAttr().getAttr());
      if (slot == layout.slots.end())
        return rewriter.notifyMatchFailure(op, "weight not in the state");
      weight = ReadParamOp::create(rewriter, loc, slot->second.type,
                                   op.getWeightAttr());
    }
    Value bias;
    if (auto biasSym = op.getBiasAttr()) {
      auto biasType = RankedTensorType::get({outType.getDimSize(1)},
                                            outType.getElementType());
      bias = ReadParamOp::create(rewriter, loc, biasType, biasSym);
    }
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    rewriter.replaceOp(
        op, convolve(rewriter, loc, input, weight, bias,
                     op->hasAttr(nnc::kBiasAfterSumAttr), outType,
                     op.getStride(), op.getDilation()));
    return success();
  }

private:
  const nnc::StateLayout &layout;
};

struct LowerConv2dInputGrad : OpRewritePattern<Conv2dInputGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2dInputGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto wType = op.getWeight().getType();
    auto dxType = op.getInputGrad().getType();
    Type elem = dxType.getElementType();
    ArrayRef<int64_t> s = op.getStride(), p = op.getPadding(),
                      d = op.getDilation();
    int64_t n = dxType.getDimSize(0), c = dxType.getDimSize(1),
            o = wType.getDimSize(0);
    // The output gradient spread out by the stride into a zero buffer with
    // room for the full kernel extent on both sides, less the forward
    // padding: the gradient of the padding is cropped anyway, so only the
    // part of the padding wider than extent − 1 is computed (none for the
    // usual "same" convolutions) and then cropped.
    SmallVector<int64_t> bufShape = {n, o}, offsets = {0, 0},
                         strides = {1, 1}, padded = {n, c}, crop = {0, 0};
    for (int i = 0; i < 2; ++i) {
      int64_t extent = d[i] * (wType.getDimSize(2 + i) - 1) + 1;
      int64_t shift = std::min(p[i], extent - 1);
      int64_t paddedIn = dxType.getDimSize(2 + i) + 2 * (p[i] - shift);
      bufShape.push_back(paddedIn + extent - 1);
      offsets.push_back(extent - 1 - shift);
      strides.push_back(s[i]);
      padded.push_back(paddedIn);
      crop.push_back(p[i] - shift);
    }
    Value buf = nnc::filledTensor(rewriter, loc,
                                  RankedTensorType::get(bufShape, elem), 0.0);
    buf = insertByCopy(rewriter, loc, op.getOutputGrad(), buf, offsets,
                       strides);
    // wf[c, o, i, j] = w[o, c, kh−1−i, kw−1−j], gathered by index: a
    // reversed affine map would mislead tiling, which assumes monotone maps.
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    Value weight = op.getWeight();
    Value flipped = nnc::buildElementwise(
        rewriter, loc, RankedTensorType::get({c, o, kh, kw}, elem), ValueRange{},
        [&](OpBuilder &b, Location loc, ValueRange) -> Value {
          auto idx = [&](int64_t d) { return linalg::IndexOp::create(b, loc, d); };
          auto reversed = [&](int64_t d, int64_t size) -> Value {
            return arith::SubIOp::create(
                b, loc, arith::ConstantIndexOp::create(b, loc, size - 1), idx(d));
          };
          return tensor::ExtractOp::create(
              b, loc, weight,
              ValueRange{idx(1), idx(0), reversed(2, kh), reversed(3, kw)});
        });
    Value dxPadded =
        convolve(rewriter, loc, buf, flipped, /*bias=*/nullptr,
                 /*biasAfterSum=*/false, RankedTensorType::get(padded, elem),
                 {1, 1}, d);
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, dxType, dxPadded, indexAttrs(rewriter, crop),
        indexAttrs(rewriter, dxType.getShape()),
        indexAttrs(rewriter, {1, 1, 1, 1}));
    return success();
  }
};

/// dW[o, (c,i,j)] = Σ_{n,y,x} dY[n,o,y,x] · col[(n,y,x), (c,i,j)]: the
/// output gradient, channels first ([O, N·Ho·Wo]), times the patches of the
/// input that the forward convolution multiplied (CSE shares them).
struct LowerConv2dWeightGrad : OpRewritePattern<Conv2dWeightGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2dWeightGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto dyType = op.getOutputGrad().getType();
    auto dwType = op.getWeightGrad().getType();
    Type elem = dwType.getElementType();
    int64_t n = dyType.getDimSize(0), o = dyType.getDimSize(1),
            ho = dyType.getDimSize(2), wo = dyType.getDimSize(3);
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    Value cols = patchMatrix(rewriter, loc, input, dwType.getDimSize(2),
                             dwType.getDimSize(3), ho, wo, op.getStride(),
                             op.getDilation());
    // dyT[o, n, y, x] = dY[n, o, y, x]
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr a0, a1, a2, a3;
    bindDims(ctx, a0, a1, a2, a3);
    Value dyT = nnc::buildGeneric(
        rewriter, loc, op.getOutputGrad(),
        AffineMap::get(4, 0, {a1, a0, a2, a3}, ctx),
        tensor::EmptyOp::create(rewriter, loc,
                                ArrayRef<int64_t>{o, n, ho, wo}, elem),
        rewriter.getMultiDimIdentityMap(4),
        SmallVector<IteratorType>(4, IteratorType::parallel),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    Value rows = tensor::CollapseShapeOp::create(
        rewriter, loc, dyT, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    int64_t patch = dwType.getNumElements() / o;
    Value dw = nnc::buildMatmul(
        rewriter, loc, rows, cols, false, false,
        nnc::filledTensor(rewriter, loc,
                          RankedTensorType::get({o, patch}, elem), 0.0));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, dwType, dw, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    return success();
  }
};

/// linalg's NCHW pooling of `op`'s padded input.
template <typename LinalgPool, typename PoolOp>
Value pool(OpBuilder &b, PoolOp op, double padValue) {
  Location loc = op.getLoc();
  auto outType = op.getOutput().getType();
  Value input = padSpatial(b, loc, op.getInput(), op.getPadding(), padValue);
  Value window = tensor::EmptyOp::create(b, loc, op.getKernel(),
                                         outType.getElementType());
  Value init = nnc::filledTensor(b, loc, outType, padValue);
  return LinalgPool::create(b, loc, TypeRange{outType},
                            ValueRange{input, window}, ValueRange{init},
                            {pairAttr(b, "strides", op.getStrides()),
                             pairAttr(b, "dilations", {1, 1})})
      .getResult(0);
}

linalg::GenericOp windowArgmax(OpBuilder &b, Location loc, Value source,
                               RankedTensorType dyType, ArrayRef<int64_t> k,
                               ArrayRef<int64_t> s, ArrayRef<int64_t> pad);

/// Whether pooling windows tile the input exactly: stride = kernel, no
/// padding, no rows or columns left over.
bool windowsTile(RankedTensorType inType, RankedTensorType outType,
                 ArrayRef<int64_t> k, ArrayRef<int64_t> s,
                 ArrayRef<int64_t> pad) {
  for (int i = 0; i < 2; ++i)
    if (s[i] != k[i] || pad[i] != 0 ||
        outType.getDimSize(2 + i) * k[i] != inType.getDimSize(2 + i))
      return false;
  return true;
}

/// [N, C, H, W] as [N, C, Ho, kh, Wo, kw] when the windows tile it.
SmallVector<ReassociationIndices> windowViewDims() {
  return {{0}, {1}, {2, 3}, {4, 5}};
}

struct LowerMaxPool2d : OpRewritePattern<MaxPool2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2dOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(nnc::kSharesArgmaxAttr)) {
      rewriter.replaceOp(op, windowArgmax(rewriter, op.getLoc(), op.getInput(),
                                          op.getOutput().getType(),
                                          op.getKernel(), op.getStrides(),
                                          op.getPadding())
                                 .getResult(0));
      return success();
    }
    rewriter.replaceOp(op, pool<linalg::PoolingNchwMaxOp>(
                               rewriter, op,
                               -std::numeric_limits<double>::infinity()));
    return success();
  }
};

struct LowerAvgPool2d : OpRewritePattern<AvgPool2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool2dOp op,
                                PatternRewriter &rewriter) const override {
    Value sums = pool<linalg::PoolingNchwSumOp>(rewriter, op, 0.0);
    double area = double(op.getKernel()[0] * op.getKernel()[1]);
    auto type = op.getOutput().getType();
    rewriter.replaceOp(
        op, nnc::buildElementwise(
                rewriter, op.getLoc(), type, sums,
                [&](OpBuilder &b, Location loc, ValueRange args) {
                  return arith::DivFOp::create(
                      b, loc, args[0],
                      nnc::floatConstant(b, loc, type.getElementType(), area));
                }));
    return success();
  }
};

/// Geometry of a pooling gradient: for input position h and kernel offset
/// i, the window oh = (h + p − i) / s contains it when that division is
/// exact and 0 <= oh < out.
struct WindowIndex {
  Value index; // clamped into range, safe to extract with
  Value valid;
};

WindowIndex windowOf(OpBuilder &b, Location loc, Value h, Value i,
                     int64_t stride, int64_t pad, int64_t outSize) {
  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value num = arith::SubIOp::create(
      b, loc, arith::AddIOp::create(b, loc, h, cst(pad)), i);
  Value nonNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, num, cst(0));
  Value safeNum = arith::SelectOp::create(b, loc, nonNegative, num, cst(0));
  Value exact = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, safeNum, cst(stride)), cst(0));
  Value oh = arith::DivUIOp::create(b, loc, safeNum, cst(stride));
  Value inRange =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, oh, cst(outSize));
  Value valid = arith::AndIOp::create(
      b, loc, nonNegative, arith::AndIOp::create(b, loc, exact, inRange));
  Value clamped = arith::SelectOp::create(b, loc, inRange, oh, cst(outSize - 1));
  return {clamped, valid};
}

/// dx[n,c,h,w] = Σ_{i,j} contribution(window containing (h,w) at offset
/// (i,j)), as a generic over (n, c, h, w, i, j).
template <typename GradOp>
Value gatherWindows(
    OpBuilder &b, GradOp op, RankedTensorType dxType,
    function_ref<Value(OpBuilder &, Location, ValueRange window, Value i,
                       Value j)>
        contribution) {
  Location loc = op.getLoc();
  auto dyType = cast<RankedTensorType>(op.getOutputGrad().getType());
  Type elem = dxType.getElementType();
  MLIRContext *ctx = b.getContext();
  auto outMap = AffineMap::get(6, 0,
                               {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx),
                                getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)},
                               ctx);
  SmallVector<IteratorType> iterators(4, IteratorType::parallel);
  iterators.append(2, IteratorType::reduction);
  ArrayRef<int64_t> stride = op.getStride(), pad = op.getPadding();
  // The window operand only gives the reduction loops their bounds.
  Value window = tensor::EmptyOp::create(b, loc, op.getKernel(), elem);
  auto windowMap = AffineMap::get(
      6, 0, {getAffineDimExpr(4, ctx), getAffineDimExpr(5, ctx)}, ctx);
  return nnc::buildGeneric(
      b, loc, window, windowMap, nnc::filledTensor(b, loc, dxType, 0.0), outMap,
      iterators, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        SmallVector<Value> idx;
        for (int64_t k = 0; k < 6; ++k)
          idx.push_back(linalg::IndexOp::create(b, loc, k));
        WindowIndex row = windowOf(b, loc, idx[2], idx[4], stride[0], pad[0],
                                   dyType.getDimSize(2));
        WindowIndex col = windowOf(b, loc, idx[3], idx[5], stride[1], pad[1],
                                   dyType.getDimSize(3));
        Value valid = arith::AndIOp::create(b, loc, row.valid, col.valid);
        Value v = contribution(b, loc, {idx[0], idx[1], row.index, col.index},
                               idx[4], idx[5]);
        Value zero = nnc::floatConstant(b, loc, elem, 0.0);
        return arith::AddFOp::create(
            b, loc, args[1], arith::SelectOp::create(b, loc, valid, v, zero));
      });
}

struct LowerAvgPool2dGrad : OpRewritePattern<AvgPool2dGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool2dGradOp op,
                                PatternRewriter &rewriter) const override {
    auto dxType = op.getInputGrad().getType();
    double area = double(op.getKernel()[0] * op.getKernel()[1]);
    Value dy = op.getOutputGrad();
    rewriter.replaceOp(
        op, gatherWindows(rewriter, op, dxType,
                          [&](OpBuilder &b, Location loc, ValueRange window,
                              Value, Value) -> Value {
                            Value g = tensor::ExtractOp::create(b, loc, dy, window);
                            return arith::DivFOp::create(
                                b, loc, g,
                                nnc::floatConstant(b, loc, dxType.getElementType(),
                                                   area));
                          }));
    return success();
  }
};

/// The maximum of every window and the position i·kw + j of its first
/// occurrence (ties go to the smaller position whatever the order of
/// evaluation), as the results of one generic over `x`'s windows. The
/// forward max pooling of a trained model and its gradient build the same
/// generic on the same input, which CSE then computes once.
linalg::GenericOp windowArgmax(OpBuilder &b, Location loc, Value source,
                               RankedTensorType dyType, ArrayRef<int64_t> k,
                               ArrayRef<int64_t> s, ArrayRef<int64_t> pad) {
  Value input = padSpatial(b, loc, source, pad,
                           -std::numeric_limits<double>::infinity());
  MLIRContext *ctx = b.getContext();
  AffineExpr n, c, y, x, i, j;
  bindDims(ctx, n, c, y, x, i, j);
  auto inMap = AffineMap::get(6, 0, {n, c, y * s[0] + i, x * s[1] + j}, ctx);
  // Windows that tile the input exactly (kernel = stride, no padding) are
  // read through the view [N, C, Ho, kh, Wo, kw]: plain dimensions, which
  // the backend vectorizes along Wo (a strided window map it does not).
  auto inType = cast<RankedTensorType>(input.getType());
  if (windowsTile(inType, dyType, k, s, pad)) {
    input = tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get({inType.getDimSize(0), inType.getDimSize(1),
                               dyType.getDimSize(2), k[0],
                               dyType.getDimSize(3), k[1]},
                              inType.getElementType()),
        input, windowViewDims());
    inMap = AffineMap::get(6, 0, {n, c, y, i, x, j}, ctx);
  }
  auto outMap = AffineMap::get(6, 0, {n, c, y, x}, ctx);
  Value maxInit = nnc::filledTensor(b, loc, dyType,
                                    -std::numeric_limits<double>::infinity());
  auto idxType = RankedTensorType::get(dyType.getShape(), b.getIndexType());
  Value idxEmpty = tensor::EmptyOp::create(b, loc, dyType.getShape(),
                                           b.getIndexType());
  Value idxInit = linalg::FillOp::create(
                      b, loc, ValueRange{arith::ConstantIndexOp::create(b, loc, 0)},
                      ValueRange{idxEmpty})
                      .getResult(0);
  SmallVector<IteratorType> iterators(4, IteratorType::parallel);
  iterators.append(2, IteratorType::reduction);
  // The window operand only gives the reduction loops their bounds.
  Value window = tensor::EmptyOp::create(b, loc, k, dyType.getElementType());
  auto windowMap = AffineMap::get(6, 0, {i, j}, ctx);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{dyType, idxType}, ValueRange{input, window},
      ValueRange{maxInit, idxInit},
      ArrayRef<AffineMap>{inMap, windowMap, outMap, outMap}, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value pos = arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc, linalg::IndexOp::create(b, loc, 4),
                                  arith::ConstantIndexOp::create(b, loc, k[1])),
            linalg::IndexOp::create(b, loc, 5));
        Value v = args[0], best = args[2], bestPos = args[3];
        Value greater = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                              v, best);
        Value equal = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                            v, best);
        Value earlier = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                              pos, bestPos);
        Value take = arith::OrIOp::create(
            b, loc, greater, arith::AndIOp::create(b, loc, equal, earlier));
        linalg::YieldOp::create(
            b, loc,
            ValueRange{arith::SelectOp::create(b, loc, take, v, best),
                       arith::SelectOp::create(b, loc, take, pos, bestPos)});
      });
  return generic;
}

Value firstArgmax(OpBuilder &b, MaxPool2dGradOp op) {
  return windowArgmax(b, op.getLoc(), op.getInput(),
                      op.getOutputGrad().getType(), op.getKernel(),
                      op.getStride(), op.getPadding())
      .getResult(1);
}

bool windowsTileInput(MaxPool2dGradOp op) {
  return windowsTile(op.getInputGrad().getType(), op.getOutputGrad().getType(),
                     op.getKernel(), op.getStride(), op.getPadding());
}

/// The max-pooling gradient when the windows tile the input: every input
/// element lies in one window, so dx viewed as [N, C, Ho, kh, Wo, kw] is an
/// elementwise function of the window's argmax and output gradient, with
/// affine maps only (the general gather does four bounds-checked lookups
/// per element, in scalar loops).
Value scatterToArgmax(OpBuilder &b, MaxPool2dGradOp op, Value argmax) {
  Location loc = op.getLoc();
  auto dxType = op.getInputGrad().getType();
  auto dyType = op.getOutputGrad().getType();
  ArrayRef<int64_t> k = op.getKernel();
  int64_t n = dyType.getDimSize(0), c = dyType.getDimSize(1),
          ho = dyType.getDimSize(2), wo = dyType.getDimSize(3);
  MLIRContext *ctx = b.getContext();
  AffineExpr dn, dc, dy, di, dx, dj;
  bindDims(ctx, dn, dc, dy, di, dx, dj);
  auto windowMap = AffineMap::get(6, 0, {dn, dc, dy, dx}, ctx);
  Value empty = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{n, c, ho, k[0], wo, k[1]},
      dxType.getElementType());
  Value grad = nnc::buildGeneric(
      b, loc, {argmax, op.getOutputGrad()}, {windowMap, windowMap}, empty,
      b.getMultiDimIdentityMap(6),
      SmallVector<IteratorType>(6, IteratorType::parallel),
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value pos = arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc, linalg::IndexOp::create(b, loc, 3),
                                  arith::ConstantIndexOp::create(b, loc, k[1])),
            linalg::IndexOp::create(b, loc, 5));
        Value hit = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          pos, args[0]);
        Value zero = nnc::floatConstant(b, loc, args[1].getType(), 0.0);
        return arith::SelectOp::create(b, loc, hit, args[1], zero);
      });
  return tensor::CollapseShapeOp::create(b, loc, dxType, grad,
                                         windowViewDims());
}

struct LowerMaxPool2dGrad : OpRewritePattern<MaxPool2dGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2dGradOp op,
                                PatternRewriter &rewriter) const override {
    Value argmax = firstArgmax(rewriter, op);
    if (windowsTileInput(op)) {
      rewriter.replaceOp(op, scatterToArgmax(rewriter, op, argmax));
      return success();
    }
    Value dy = op.getOutputGrad();
    int64_t kw = op.getKernel()[1];
    rewriter.replaceOp(
        op, gatherWindows(
                rewriter, op, op.getInputGrad().getType(),
                [&](OpBuilder &b, Location loc, ValueRange window, Value i,
                    Value j) -> Value {
                  Value pos = arith::AddIOp::create(
                      b, loc,
                      arith::MulIOp::create(
                          b, loc, i, arith::ConstantIndexOp::create(b, loc, kw)),
                      j);
                  Value best = tensor::ExtractOp::create(b, loc, argmax, window);
                  Value hit = arith::CmpIOp::create(
                      b, loc, arith::CmpIPredicate::eq, pos, best);
                  Value g = tensor::ExtractOp::create(b, loc, dy, window);
                  Value zero = nnc::floatConstant(b, loc, g.getType(), 0.0);
                  return arith::SelectOp::create(b, loc, hit, g, zero);
                }));
    return success();
  }
};
} // namespace

void nnc::markSharedArgmax(Operation *root) {
  root->walk([](MaxPool2dGradOp grad) {
    for (Operation *user : grad.getInput().getUsers()) {
      auto pool = dyn_cast<MaxPool2dOp>(user);
      if (pool && pool->getBlock() == grad->getBlock() &&
          pool.getKernel() == grad.getKernel() &&
          pool.getStrides() == grad.getStride() &&
          pool.getPadding() == grad.getPadding() &&
          pool.getOutput().getType() == grad.getOutputGrad().getType())
        pool->setAttr(nnc::kSharesArgmaxAttr,
                      UnitAttr::get(pool.getContext()));
    }
  });
}

void nnc::markBiasAfterSum(Operation *root) {
  root->walk([](Conv2dOp conv) {
    auto normalizes = [](Operation *user) {
      return isa<BatchNormOp, BatchNormActOp, BatchNormGradOp,
                 BatchNormActGradOp, BatchNormUpdateStatsOp>(user);
    };
    if (conv.getBiasAttr() && llvm::any_of(conv->getUsers(), normalizes))
      conv->setAttr(nnc::kBiasAfterSumAttr, UnitAttr::get(conv.getContext()));
  });
}

void nnc::populateConvLoweringPatterns(RewritePatternSet &patterns,
                                       const StateLayout &layout) {
  patterns.add<LowerConv2d>(patterns.getContext(), layout);
  patterns.add<LowerConv2dInputGrad, LowerConv2dWeightGrad,
               LowerMaxPool2d, LowerAvgPool2d, LowerAvgPool2dGrad,
               LowerMaxPool2dGrad>(patterns.getContext());
}
