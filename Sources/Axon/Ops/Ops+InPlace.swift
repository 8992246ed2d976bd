// In-place updates with PyTorch's autograd rules (`copy_`, `add_`, `mul_`, `fill_`, ...).
//
// - Under no-grad (`withNoGrad`, `torch.no_grad()`) any tensor may be updated: that is how
//   optimizers and hand-written update rules change parameters.
// - While recording, a tensor that requires grad may not be updated in place (PyTorch: "a
//   leaf Variable that requires grad is being used in an in-place operation"); neither may a
//   tensor carrying a forward-mode tangent.
// - Every update bumps the storage's version; backward refuses to run a pullback whose inputs
//   or output were overwritten since the op recorded them (PyTorch's "one of the variables
//   needed for gradient computation has been modified by an inplace operation").
//
// A failed update leaves the tensor as it was: the new value is computed out of place, checked,
// then copied in.

extension Tensor {
    /// Replaces the elements with `newValue()` (which must have this tensor's shape) after
    /// checking the rules above.
    func updateInPlace(_ op: String, _ newValue: () throws -> Tensor) throws {
        let state = ThreadState.current
        if state.recording, requiresGrad {
            throw AxonError(.invalidState, "\(op): a tensor of shape \(shape) that requires grad cannot be updated "
                            + "in place while gradients are recorded; update it under no-grad (torch.no_grad())")
        }
        if state.propagatingTangents, tangent != nil {
            throw AxonError(.invalidState, "\(op): a tensor carrying a forward-mode tangent cannot be updated in place")
        }
        let value = try withNoGrad { try withoutTangents { try newValue() } }
        guard value.shape == shape else {
            throw AxonError.shape("\(op): the result has shape \(value.shape), the tensor has shape \(shape)")
        }
        try assign(value)
    }

    /// self <- source, broadcast to this tensor's shape (`copy_`).
    public func copy_(_ source: Tensor) throws {
        try updateInPlace("copy_") { try source.shape == shape ? source.copy() : source.expand(to: shape) }
    }

    /// self <- self + alpha other, other broadcast (`add_(other, alpha=alpha)`).
    public func add_(_ other: Tensor, alpha: Float = 1) throws {
        // One pass computing self + (other alpha) with the product rounded first: the bits
        // of the two ops it stands for.
        try updateInPlace("add_") {
            try alpha == 1 ? self + other : Tensor.zipped(self, other, op: "add_") { $0 + $1 * alpha }
        }
    }

    /// self <- self - alpha other (`sub_(other, alpha=alpha)`).
    public func sub_(_ other: Tensor, alpha: Float = 1) throws {
        try updateInPlace("sub_") {
            try alpha == 1 ? self - other : Tensor.zipped(self, other, op: "sub_") { $0 - $1 * alpha }
        }
    }

    /// self <- self * other (`mul_`).
    public func mul_(_ other: Tensor) throws {
        try updateInPlace("mul_") { try self * other }
    }

    /// self <- self / other (`div_`).
    public func div_(_ other: Tensor) throws {
        try updateInPlace("div_") { try self / other }
    }

    /// self <- self + value (`add_(scalar)`).
    public func add_(_ value: Float) throws {
        try updateInPlace("add_") { try self + value }
    }

    /// self <- self * value (`mul_(scalar)`).
    public func mul_(_ value: Float) throws {
        try updateInPlace("mul_") { try self * value }
    }

    /// Every element <- value (`fill_`).
    public func fill_(_ value: Float) throws {
        try updateInPlace("fill_") { try Tensor(repeating: value, shape: shape) }
    }

    /// Every element <- 0 (`zero_`).
    public func zero_() throws { try fill_(0) }
}
