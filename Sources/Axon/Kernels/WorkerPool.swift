#if canImport(Glibc)
import AxonKernels
import Glibc
import Synchronization

/// The threads `parallelFor` runs work on besides the caller's.
///
/// A training step is a sequence of parallel regions separated by a few microseconds of
/// serial work (allocation, the graph's bookkeeping). Threads that go to sleep after each
/// region spend longer waking up than the region takes, so a worker that finishes its part
/// spins on the job counter for a short while (`spinNanoseconds`) and only then sleeps on a
/// condition variable: busy through a step, idle (no core burnt) when the library is.
///
/// One job runs at a time. The caller runs part 0 itself, worker i runs part i + 1, and the
/// caller returns when every part is done. A `parallelFor` issued while a job runs (from
/// inside a part, or from another thread of the program) runs on its caller's thread alone.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle worker keeps spinning before it sleeps.
    static let spinNanoseconds = 200_000

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    // Written under `mutex`; read under it by the workers.
    private var job: ((Int) -> Void)?
    private var jobParts = 0
    private var jobNumber = 0
    private var sleepers = 0
    private var workers = 0
    /// `jobNumber`, readable without the lock: what spinning workers watch.
    private let posted = Atomic<Int>(0)
    /// Parts of the current job that workers have not finished.
    private let remaining = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)

    private init() {
        mutex = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        // A child of fork() has none of the workers: it starts its own on first use.
        pthread_atfork(nil, nil) { WorkerPool.shared.forgetWorkers() }
    }

    /// The state of a pool without workers, in a forked child (only the forking thread lives
    /// on there, and the lock may have been held by another).
    private func forgetWorkers() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        (job, jobParts, sleepers, workers) = (nil, 0, 0, 0)
        remaining.store(0, ordering: .relaxed)
        busy.store(false, ordering: .relaxed)
    }

    /// Runs part(t) for t in 0..<parts, part 0 on the calling thread; false (nothing run)
    /// when a job is already running or a worker cannot be started.
    func run(parts: Int, _ part: (Int) -> Void) -> Bool {
        guard parts > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        guard startWorkers(parts - 1) else { return false }
        withoutActuallyEscaping(part) { part in
            remaining.store(parts - 1, ordering: .relaxed)
            pthread_mutex_lock(mutex)
            (job, jobParts, jobNumber) = (part, parts, jobNumber + 1)
            posted.store(jobNumber, ordering: .releasing)
            if sleepers > 0 { pthread_cond_broadcast(wake) }
            pthread_mutex_unlock(mutex)
            part(0)
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins < 1 << 16 { axon_spin_pause() } else { sched_yield() }
            }
            pthread_mutex_lock(mutex)
            job = nil   // the workers released their copies before counting their part done
            pthread_mutex_unlock(mutex)
        }
        return true
    }

    /// Starts workers until there are `count`.
    private func startWorkers(_ count: Int) -> Bool {
        while workers < count {
            let start = Unmanaged.passRetained(WorkerStart(pool: self, index: workers)).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { argument in
                guard let argument else { return nil }
                let start = Unmanaged<WorkerStart>.fromOpaque(argument).takeRetainedValue()
                start.pool.work(index: start.index)
            }, start)
            guard started == 0 else {
                Unmanaged<WorkerStart>.fromOpaque(start).release()
                return false
            }
            pthread_detach(thread)
            workers += 1
        }
        return true
    }

    /// A worker's loop: wait for a job after `seen`, run its part when it has one, repeat.
    private func work(index: Int) -> Never {
        var seen = 0
        while true {
            waitForJob(after: seen)
            let (number, ran) = runPart(index + 1)
            seen = number
            if ran { remaining.subtract(1, ordering: .releasing) }
        }
    }

    /// Spins until a job after `seen` is posted, for `spinNanoseconds` at most, then sleeps.
    private func waitForJob(after seen: Int) {
        let deadline = Self.nanoseconds() + Self.spinNanoseconds
        var spins = 0
        while posted.load(ordering: .acquiring) == seen {
            axon_spin_pause()
            spins += 1
            if spins & 63 == 0, Self.nanoseconds() > deadline {
                pthread_mutex_lock(mutex)
                while jobNumber == seen {
                    sleepers += 1
                    pthread_cond_wait(wake, mutex)
                    sleepers -= 1
                }
                pthread_mutex_unlock(mutex)
                return
            }
        }
    }

    /// Runs `part` of the current job when the job has that many parts. Returns the job's
    /// number and whether it ran; its copy of the job is released before it returns.
    @inline(never)
    private func runPart(_ part: Int) -> (Int, Bool) {
        pthread_mutex_lock(mutex)
        let number = jobNumber, body = part < jobParts ? job : nil
        pthread_mutex_unlock(mutex)
        guard let body else { return (number, false) }
        body(part)
        return (number, true)
    }

    private static func nanoseconds() -> Int {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t.tv_sec * 1_000_000_000 + t.tv_nsec
    }
}

private final class WorkerStart {
    let pool: WorkerPool
    let index: Int
    init(pool: WorkerPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}
#endif
