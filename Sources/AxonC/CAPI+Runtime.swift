// Process-wide settings and queries (include/axon.h, "Runtime"): the thread count, the CPU
// features, and the number of live handles.

import Axon
import AxonCHeader

@_cdecl("axon_set_num_threads")
public func axon_set_num_threads(_ n: Int32) -> Int32 {
    cCall("axon_set_num_threads") {
        guard n >= 1, n <= 256 else {
            throw invalidArgument("axon_set_num_threads", "n \(n) must be in 1...256")
        }
        Threading.threadCount = Int(n)
    }
}

@_cdecl("axon_get_num_threads")
public func axon_get_num_threads() -> Int32 {
    Int32(clamping: Threading.threadCount)
}

private let cpuFeatures = ProcessCString((CPU.features + ["kernels=\(CPU.kernelPath)"]).joined(separator: " "))

@_cdecl("axon_cpu_features")
public func axon_cpu_features() -> UnsafePointer<CChar> {
    cpuFeatures.pointer ?? staticCString("")
}

@_cdecl("axon_live_handles")
public func axon_live_handles(_ out: UnsafeMutablePointer<Int>?, _ type: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_live_handles"
    return cCall(f) {
        let out = try scalarOut(out, f)
        guard let type else {
            out.pointee = allHandleTables.reduce(0) { $0 + $1.liveCount }
            return
        }
        let name = String(cString: type)
        guard let table = allHandleTables.first(where: { $0.typeName == name }) else {
            let known = allHandleTables.map(\.typeName).joined(separator: ", ")
            throw invalidArgument(f, "unknown handle type '\(name)'; known: \(known)")
        }
        out.pointee = table.liveCount
    }
}
