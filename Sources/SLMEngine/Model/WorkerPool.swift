import SLMKernels

/// The engine's persistent worker threads (SLMKernels' pool): `run` calls `body(worker)`
/// for every worker in `0..<workers`, the calling thread being worker 0, and returns when
/// all are done. Bodies must only write memory no other worker touches.
enum WorkerPool {
    static func run(_ workers: Int, _ body: (Int) -> Void) {
        guard workers > 1 else {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var closure = escapable
            withUnsafeMutablePointer(to: &closure) { pointer in
                slm_parallel_run(Int32(workers), { context, worker in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(worker))
                }, pointer)
            }
        }
    }
}
