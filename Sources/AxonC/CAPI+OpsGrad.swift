// `axon_grad` (include/axon.h, "Gradients without .grad"): torch.autograd.grad through the
// core's `gradients(of:wrt:seeds:retainGraph:createGraph:)`.

import Axon

@_cdecl("axon_grad")
public func axon_grad(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
                      _ outputs: UnsafePointer<OpaquePointer?>?, _ nOutputs: Int,
                      _ gradOutputs: UnsafePointer<OpaquePointer?>?, _ inputs: UnsafePointer<OpaquePointer?>?,
                      _ nInputs: Int, _ retainGraph: Int32, _ createGraph: Int32) -> Int32 {
    let f = "axon_grad"
    return cCall(f) {
        let capacity = try size(capacity, f, "capacity"), n = try size(nInputs, f, "n_inputs")
        guard out != nil || capacity == 0 else { throw invalidArgument(f, "out is NULL but capacity is \(capacity)") }
        // The entries that will hold results are NULL until the call succeeds.
        if let out { for i in 0..<Swift.min(capacity, n) { out[i] = nil } }
        let ys = try tensors(outputs, nOutputs, f, "outputs"), xs = try tensors(inputs, nInputs, f, "inputs")
        guard capacity >= xs.count else {
            throw invalidArgument(f, "capacity \(capacity) is less than the \(xs.count) inputs")
        }
        let seeds = try gradOutputs.map { p in
            try UnsafeBufferPointer(start: p, count: ys.count).enumerated().map { i, h in
                try tensorHandles.resolveOptional(h, f, "grad_outputs[\(i)]")
            }
        }
        let retain = try OpsArgs.flag(retainGraph, f, "retain_graph")
        let create = try OpsArgs.flag(createGraph, f, "create_graph")
        let grads = try gradients(of: ys, wrt: xs, seeds: seeds, retainGraph: retain, createGraph: create)
        guard let out else { return }
        for (i, g) in grads.enumerated() { out[i] = tensorHandles.make(g) }
    }
}
