// Data through the C door (include/axon.h, "Data"): `axon_dataset` (features and targets),
// `axon_loader` (a `BatchCursor`: batches, seeded shuffling, drop-last, read one batch per
// call), `axon_standardizer` and `axon_pca` (fitted transforms), IDX files, and checkpoints
// that record a loader's position.

import Axon

let datasetHandles = HandleTable<Dataset>("axon_dataset")
let loaderHandles = HandleTable<BatchCursor>("axon_loader", exclusive: true)
let standardizerHandles = HandleTable<Standardizer>("axon_standardizer")
let pcaHandles = HandleTable<PCAWhitening>("axon_pca")

// MARK: - Datasets

@_cdecl("axon_dataset_new")
public func axon_dataset_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ features: OpaquePointer?,
                             _ targets: OpaquePointer?) -> Int32 {
    let f = "axon_dataset_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let x = try tensorHandles.resolve(features, f, "features")
        let y = try tensorHandles.resolve(targets, f, "targets")
        out.pointee = datasetHandles.make(try Dataset(features: x, targets: y))
    }
}

@_cdecl("axon_dataset_free")
public func axon_dataset_free(_ d: OpaquePointer?) {
    datasetHandles.free(d)
}

@_cdecl("axon_dataset_count")
public func axon_dataset_count(_ d: OpaquePointer?) -> Int {
    (try? datasetHandles.resolve(d, "axon_dataset_count", "d"))?.count ?? 0
}

// MARK: - Loaders

@_cdecl("axon_loader_new")
public func axon_loader_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ dataset: OpaquePointer?,
                            _ batchSize: Int, _ shuffle: Int32, _ dropLast: Int32, _ seed: UInt64) -> Int32 {
    let f = "axon_loader_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let dataset = try datasetHandles.resolve(dataset, f, "dataset")
        let batchSize = try size(batchSize, f, "batch_size")
        let shuffle = try bool(shuffle, f, "shuffle"), dropLast = try bool(dropLast, f, "drop_last")
        out.pointee = loaderHandles.make(try BatchCursor(dataset, batchSize: batchSize, shuffle: shuffle,
                                                         dropLast: dropLast, seed: seed))
    }
}

@_cdecl("axon_loader_free")
public func axon_loader_free(_ loader: OpaquePointer?) {
    loaderHandles.free(loader)
}

@_cdecl("axon_loader_batch_count")
public func axon_loader_batch_count(_ loader: OpaquePointer?) -> Int {
    (try? loaderHandles.resolve(loader, "axon_loader_batch_count", "loader"))?.batchCount ?? 0
}

@_cdecl("axon_loader_next")
public func axon_loader_next(_ outX: UnsafeMutablePointer<OpaquePointer?>?,
                             _ outY: UnsafeMutablePointer<OpaquePointer?>?, _ loader: OpaquePointer?) -> Int32 {
    let f = "axon_loader_next"
    return cCall(f) {
        let outX = try outSlot(outX, f), outY = try outSlot(outY, f)
        guard outX != outY else { throw invalidArgument(f, "out_x and out_y are the same pointer") }
        let cursor = try loaderHandles.resolve(loader, f, "loader")
        guard let batch = try cursor.next() else { return }
        outX.pointee = tensorHandles.make(batch.features)
        outY.pointee = tensorHandles.make(batch.targets)
    }
}

// MARK: - Checkpoints with a loader

@_cdecl("axon_checkpoint_save_loader")
public func axon_checkpoint_save_loader(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                                        _ s: OpaquePointer?, _ loader: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_save_loader"
    return cCall(f) {
        let a = try CheckpointArguments(path, m, opt, s, f)
        let cursor = try loaderHandles.resolve(loader, f, "loader")
        try Checkpoint.save(to: a.path, model: a.model, optimizer: a.optimizer, scheduler: a.scheduler, cursor: cursor)
    }
}

@_cdecl("axon_checkpoint_restore_loader")
public func axon_checkpoint_restore_loader(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                                           _ s: OpaquePointer?, _ loader: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_restore_loader"
    return cCall(f) {
        let a = try CheckpointArguments(path, m, opt, s, f)
        let cursor = try loaderHandles.resolve(loader, f, "loader")
        try Checkpoint.restore(from: a.path, model: a.model, optimizer: a.optimizer, scheduler: a.scheduler,
                               cursor: cursor)
    }
}

// MARK: - Standardization and PCA whitening

@_cdecl("axon_standardizer_new")
public func axon_standardizer_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ x: OpaquePointer?) -> Int32 {
    let f = "axon_standardizer_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let x = try tensorHandles.resolve(x, f, "x")
        out.pointee = standardizerHandles.make(try Standardizer(fitting: x))
    }
}

@_cdecl("axon_standardizer_free")
public func axon_standardizer_free(_ s: OpaquePointer?) {
    standardizerHandles.free(s)
}

@_cdecl("axon_standardizer_apply")
public func axon_standardizer_apply(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ s: OpaquePointer?,
                                    _ x: OpaquePointer?) -> Int32 {
    let f = "axon_standardizer_apply"
    return cCall(f) {
        let out = try outSlot(out, f)
        let standardizer = try standardizerHandles.resolve(s, f, "s")
        let x = try tensorHandles.resolve(x, f, "x")
        out.pointee = tensorHandles.make(try standardizer.transform(x))
    }
}

@_cdecl("axon_pca_new")
public func axon_pca_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ x: OpaquePointer?, _ eps: Double) -> Int32 {
    let f = "axon_pca_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let x = try tensorHandles.resolve(x, f, "x")
        out.pointee = pcaHandles.make(try PCAWhitening(fitting: x, eps: eps))
    }
}

@_cdecl("axon_pca_free")
public func axon_pca_free(_ p: OpaquePointer?) {
    pcaHandles.free(p)
}

@_cdecl("axon_pca_apply")
public func axon_pca_apply(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ p: OpaquePointer?,
                           _ x: OpaquePointer?) -> Int32 {
    let f = "axon_pca_apply"
    return cCall(f) {
        let out = try outSlot(out, f)
        let pca = try pcaHandles.resolve(p, f, "p")
        let x = try tensorHandles.resolve(x, f, "x")
        out.pointee = tensorHandles.make(try pca.transform(x))
    }
}

// MARK: - Files

@_cdecl("axon_tensor_load_idx")
public func axon_tensor_load_idx(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ path: UnsafePointer<CChar>?,
                                 _ scale: Float) -> Int32 {
    let f = "axon_tensor_load_idx"
    return cCall(f) {
        let out = try outSlot(out, f)
        let path = try filePath(path, f)
        out.pointee = tensorHandles.make(try IDX.load(path, scale: scale))
    }
}
