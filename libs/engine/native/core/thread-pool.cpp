#include "thread-pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace xr {
namespace {

thread_local bool in_parallel_region = false;

class Pool {
 public:
  Pool() {
    int n = static_cast<int>(std::thread::hardware_concurrency());
    if (const char* env = std::getenv("XREASON_ENGINE_THREADS")) n = std::atoi(env);
    threads_ = std::max(1, n);
    for (int i = 1; i < threads_; ++i) workers_.emplace_back([this] { worker_loop(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }
  int size() const { return threads_; }

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    int64_t chunks = std::min<int64_t>((n + grain - 1) / grain, static_cast<int64_t>(threads_) * 4);
    if (chunks <= 1 || threads_ == 1 || in_parallel_region) {
      fn(0, n);
      return;
    }
    // One top-level loop at a time: two jobs racing for the pool would each get half of it anyway.
    std::lock_guard<std::mutex> serial(run_mu_);
    uint64_t generation;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn_ = &fn;
      n_ = n;
      chunks_ = chunks;
      next_ = 0;
      done_ = 0;
      generation = ++generation_;
    }
    cv_.notify_all();
    in_parallel_region = true;
    work(generation);
    in_parallel_region = false;
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return done_ == chunks; });
    fn_ = nullptr;
  }

 private:
  // Chunks are claimed under the mutex and only for the loop the caller was woken for: a worker late
  // from an earlier loop can never take (or count) a chunk of the next one. (The lock-free version
  // let a late worker compare a stale claim against the next loop's chunk count, and a batch-32
  // generation hung with the caller waiting for a chunk nobody owned.) Chunks are few (≤ 4 per thread),
  // so two lock round-trips per chunk cost nothing next to the chunk.
  void work(uint64_t generation) {
    for (;;) {
      const std::function<void(int64_t, int64_t)>* fn;
      int64_t c, n, chunks;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (generation_ != generation || next_ >= chunks_) return;
        c = next_++;
        fn = fn_;
        n = n_;
        chunks = chunks_;
      }
      (*fn)(n * c / chunks, n * (c + 1) / chunks);
      std::lock_guard<std::mutex> lock(mu_);
      if (++done_ == chunks) done_cv_.notify_all();
    }
  }
  void worker_loop() {
    in_parallel_region = true;
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      work(seen);
    }
  }

  int threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_, done_cv_;
  bool stop_ = false;
  // All guarded by mu_.
  uint64_t generation_ = 0;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0, chunks_ = 0, next_ = 0, done_ = 0;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) { pool().run(n, grain, fn); }

int thread_count() { return pool().size(); }

}  // namespace xr
