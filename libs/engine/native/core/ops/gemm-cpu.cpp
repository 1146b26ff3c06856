// GEMM fast path: a Debian BLAS when one was found at build time (OpenBLAS picks its kernel per CPU
// at run time), else a cache-blocked, multithreaded loop nest whose inner kernel is compiled twice
// (AVX2+FMA and baseline x86-64) and chosen at load time, so one binary runs on any x86-64 CPU.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../thread-pool.h"
#include "ops.h"

#ifdef XR_HAVE_CBLAS
#include <cblas.h>
// OpenBLAS's own controls (declared here too in case cblas.h is another vendor's header).
extern "C" {
void openblas_set_num_threads(int num_threads);
char* openblas_get_corename(void);
}
#endif

namespace xr {
namespace {

std::atomic<GemmKernel> current_kernel{gemm_blas_available() ? GemmKernel::blas : GemmKernel::blocked};

constexpr int64_t MC = 64, KC = 256, NC = 512;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define XR_MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define XR_MULTIVERSION
#endif

// C[mc, nc] += A[mc, kc] · B[kc, nc] with A and B packed row-major (lda = kc, ldb = nc). Four rows of
// C at a time so each B row loaded feeds four FMAs; the j loop vectorises.
XR_MULTIVERSION
void micro_kernel(int64_t mc, int64_t nc, int64_t kc, const float* a, const float* b, float* c, int64_t ldc) {
  int64_t i = 0;
  for (; i + 4 <= mc; i += 4) {
    float* __restrict c0 = c + i * ldc;
    float* __restrict c1 = c0 + ldc;
    float* __restrict c2 = c1 + ldc;
    float* __restrict c3 = c2 + ldc;
    for (int64_t p = 0; p < kc; ++p) {
      const float a0 = a[i * kc + p], a1 = a[(i + 1) * kc + p], a2 = a[(i + 2) * kc + p], a3 = a[(i + 3) * kc + p];
      const float* __restrict bp = b + p * nc;
      for (int64_t j = 0; j < nc; ++j) {
        const float bv = bp[j];
        c0[j] += a0 * bv;
        c1[j] += a1 * bv;
        c2[j] += a2 * bv;
        c3[j] += a3 * bv;
      }
    }
  }
  for (; i < mc; ++i) {
    float* ci = c + i * ldc;
    for (int64_t p = 0; p < kc; ++p) {
      const float av = a[i * kc + p];
      const float* __restrict bp = b + p * nc;
      for (int64_t j = 0; j < nc; ++j) ci[j] += av * bp[j];
    }
  }
}

}  // namespace

bool gemm_blas_available() {
#ifdef XR_HAVE_CBLAS
  return std::getenv("XREASON_ENGINE_NO_BLAS") == nullptr;
#else
  return false;
#endif
}

void set_gemm_kernel(GemmKernel kernel) {
  current_kernel = (kernel == GemmKernel::blas && !gemm_blas_available()) ? GemmKernel::blocked : kernel;
}

std::string blas_core_name() {
#ifdef XR_HAVE_CBLAS
  const char* core = openblas_get_corename();
  return core ? core : "";
#else
  return "";
#endif
}

std::string gemm_kernel_name() {
#ifdef XR_HAVE_CBLAS
  if (current_kernel == GemmKernel::blas) return "openblas";
#endif
  return "blocked";
}

void gemm_blocked(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                  const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  // Scale C by beta first; the blocks then accumulate alpha·A·B into it.
  parallel_for(m, 16, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i) {
      float* ci = c + i * ldc;
      if (beta == 0.0f)
        std::memset(ci, 0, sizeof(float) * n);
      else if (beta != 1.0f)
        for (int64_t j = 0; j < n; ++j) ci[j] *= beta;
    }
  });
  if (k == 0 || alpha == 0.0f) return;
  for (int64_t jc = 0; jc < n; jc += NC) {
    const int64_t nc = std::min(NC, n - jc);
    for (int64_t pc = 0; pc < k; pc += KC) {
      const int64_t kc = std::min(KC, k - pc);
      // Pack op(B)[pc:pc+kc, jc:jc+nc] row-major, with alpha folded in.
      std::vector<float> bp(static_cast<size_t>(kc * nc));
      parallel_for(kc, 8, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p)
          for (int64_t j = 0; j < nc; ++j)
            bp[p * nc + j] = alpha * (tb ? b[(jc + j) * ldb + pc + p] : b[(pc + p) * ldb + jc + j]);
      });
      const int64_t blocks = (m + MC - 1) / MC;
      parallel_for(blocks, 1, [&](int64_t i0, int64_t i1) {
        std::vector<float> ap(static_cast<size_t>(MC * kc));
        for (int64_t blk = i0; blk < i1; ++blk) {
          const int64_t ic = blk * MC, mc = std::min(MC, m - ic);
          for (int64_t i = 0; i < mc; ++i)
            for (int64_t p = 0; p < kc; ++p)
              ap[i * kc + p] = ta ? a[(pc + p) * lda + ic + i] : a[(ic + i) * lda + pc + p];
          micro_kernel(mc, nc, kc, ap.data(), bp.data(), c + ic * ldc + jc, ldc);
        }
      });
    }
  }
}

#ifdef XR_HAVE_CBLAS
namespace {

// OpenBLAS runs single-threaded on whichever thread calls it; the engine's pool splits GEMMs itself.
// OpenBLAS's own worker threads spin (sched_yield) for a while after each call, and on a small machine
// they took the cores from the pool's threads running attention and norms: about a fifth of a training
// step went to sched_yield with 2 OpenBLAS threads next to 2 pool threads on 2 cores.
const bool blas_single_threaded = [] {
  openblas_set_num_threads(1);
  return true;
}();

void blas_sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
              c, static_cast<int>(ldc));
}

}  // namespace
#endif

double time_blas_own_threads(int64_t m, int64_t n, int64_t k, int64_t iterations) {
#ifdef XR_HAVE_CBLAS
  std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n);
  openblas_set_num_threads(thread_count());
  blas_sgemm(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, c.data(), n);
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iterations; ++i) blas_sgemm(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, c.data(), n);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  openblas_set_num_threads(1);
  return seconds;
#else
  return -1;
#endif
}

void CpuOps::gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                  const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
#ifdef XR_HAVE_CBLAS
  if (current_kernel == GemmKernel::blas) {
    (void)blas_single_threaded;
    // Slabs of C along its longer side, four per thread so that a worker the scheduler wakes late
    // (a shared machine) still takes its share; called from inside a parallel loop (attention's
    // per-head GEMMs) parallel_for runs inline, so that is one serial call.
    const int64_t threads = thread_count();
    // Below ~1M multiply-adds (decode-step GEMVs) waking the pool costs more than it saves.
    if (m * n * k < (int64_t(1) << 20) || threads == 1) {
      blas_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
    const bool by_rows = m >= n;
    const int64_t extent = by_rows ? m : n;
    const int64_t grain = std::max<int64_t>(64, (extent + 4 * threads - 1) / (4 * threads));
    parallel_for(extent, grain, [&](int64_t r0, int64_t r1) {
      if (by_rows) {
        blas_sgemm(ta, tb, r1 - r0, n, k, alpha, ta ? a + r0 : a + r0 * lda, lda, b, ldb, beta, c + r0 * ldc, ldc);
      } else {
        blas_sgemm(ta, tb, m, r1 - r0, k, alpha, a, lda, tb ? b + r0 * ldb : b + r0, ldb, beta, c + r0, ldc);
      }
    });
    return;
  }
#endif
  gemm_blocked(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace xr
