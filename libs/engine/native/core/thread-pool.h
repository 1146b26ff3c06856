// A fixed pool of worker threads for data-parallel CPU loops. One pool per process: the engine's
// jobs are serialised per model, and nesting runs inline, so the pool never oversubscribes the cores.
#pragma once
#include <cstdint>
#include <functional>

namespace xr {

// Runs fn(begin, end) over [0, n) split into contiguous chunks of at least `grain` items, on the
// pool's workers and the calling thread, and returns when all chunks are done. Called from inside
// a worker (nested), it runs inline on that thread.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Number of threads parallel_for spreads work over (workers + the caller).
int thread_count();

}  // namespace xr
