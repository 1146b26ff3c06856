// Reference ops (plain loops, any precision) and the CPU fast paths (float, multithreaded).
// The reference is what every other path is tested against, and what the double-precision
// gradient checks run through.
#pragma once
#include "../backend.h"

namespace xr {

template <class T>
struct ReferenceOps {
  static void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
                   int64_t ldb, T beta, T* c, int64_t ldc);
  static void rmsnorm_forward(int64_t rows, int64_t dim, T eps, const T* x, const T* w, T* y, T* rstd);
  static void rmsnorm_backward(int64_t rows, int64_t dim, const T* x, const T* w, const T* rstd, const T* dy, T* dx,
                               T* dw);
  static void rope_forward(const RopeShape& s, const int32_t* pos, const T* x, T* y);
  static void rope_backward(const RopeShape& s, const int32_t* pos, const T* dy, T* dx);
  static void attention_forward(const AttentionShape& s, const T* q, const T* k, const T* v, const int32_t* q_seg,
                                const int32_t* k_seg, T* o, T* lse);
  static void attention_backward(const AttentionShape& s, const T* q, const T* k, const T* v, const int32_t* q_seg,
                                 const int32_t* k_seg, const T* o, const T* lse, const T* d_o, T* dq, T* dk, T* dv);
  static void swiglu_forward(int64_t n, const T* g, const T* u, T* h);
  static void swiglu_backward(int64_t n, const T* g, const T* u, const T* dh, T* dg, T* du);
  static void embedding_forward(int64_t tokens, int64_t dim, const int32_t* ids, const T* table, T* out);
  static void embedding_backward(int64_t tokens, int64_t dim, const int32_t* ids, const T* dout, T* dtable);
  static void logprobs_forward(int64_t rows, int64_t vocab, const T* logits, const int32_t* targets, T* logp, T* lse,
                               T* entropy);
  static void logprobs_backward(int64_t rows, int64_t vocab, const T* logits, const int32_t* targets, const T* lse,
                                const T* dlogp, T* dlogits);
  static void add(int64_t n, const T* x, T* y);
  static void bias_forward(int64_t rows, int64_t dim, const T* b, T* y);
  static void bias_backward(int64_t rows, int64_t dim, const T* dy, T* db);
  static void dropout(int64_t n, double p, uint64_t seed, const T* x, T* y);
  static double sum_squares(int64_t n, const T* x);
  static void adamw(int64_t n, const AdamWUpdate& u, T* w, const T* g, T* m, T* v);

  // Per-(sequence, kv-head) pieces of attention, shared with the fast path that runs them in parallel.
  static void attention_forward_group(const AttentionShape& s, int64_t b, int64_t g, const T* q, const T* k, const T* v,
                                      const int32_t* q_seg, const int32_t* k_seg, T* o, T* lse);
  static void attention_backward_group(const AttentionShape& s, int64_t b, int64_t g, const T* q, const T* k,
                                       const T* v, const int32_t* q_seg, const int32_t* k_seg, const T* o, const T* lse,
                                       const T* d_o, T* dq, T* dk, T* dv);
};

// CPU fast paths (float). Each file <op>-cpu.cpp defines its entry.
struct CpuOps {
  static void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                   const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
  static void rmsnorm_forward(int64_t rows, int64_t dim, float eps, const float* x, const float* w, float* y,
                              float* rstd);
  static void rmsnorm_backward(int64_t rows, int64_t dim, const float* x, const float* w, const float* rstd,
                               const float* dy, float* dx, float* dw);
  static void rope_forward(const RopeShape& s, const int32_t* pos, const float* x, float* y);
  static void rope_backward(const RopeShape& s, const int32_t* pos, const float* dy, float* dx);
  static void attention_forward(const AttentionShape& s, const float* q, const float* k, const float* v,
                                const int32_t* q_seg, const int32_t* k_seg, float* o, float* lse);
  static void attention_backward(const AttentionShape& s, const float* q, const float* k, const float* v,
                                 const int32_t* q_seg, const int32_t* k_seg, const float* o, const float* lse,
                                 const float* d_o, float* dq, float* dk, float* dv);
  static void swiglu_forward(int64_t n, const float* g, const float* u, float* h);
  static void swiglu_backward(int64_t n, const float* g, const float* u, const float* dh, float* dg, float* du);
  static void embedding_forward(int64_t tokens, int64_t dim, const int32_t* ids, const float* table, float* out);
  static void embedding_backward(int64_t tokens, int64_t dim, const int32_t* ids, const float* dout, float* dtable);
  static void logprobs_forward(int64_t rows, int64_t vocab, const float* logits, const int32_t* targets, float* logp,
                               float* lse, float* entropy);
  static void logprobs_backward(int64_t rows, int64_t vocab, const float* logits, const int32_t* targets,
                                const float* lse, const float* dlogp, float* dlogits);
  static void add(int64_t n, const float* x, float* y);
  static void bias_forward(int64_t rows, int64_t dim, const float* b, float* y);
  static void bias_backward(int64_t rows, int64_t dim, const float* dy, float* db);
  static void dropout(int64_t n, double p, uint64_t seed, const float* x, float* y);
  static double sum_squares(int64_t n, const float* x);
  static void adamw(int64_t n, const AdamWUpdate& u, float* w, const float* g, float* m, float* v);
};

// GEMM kernels selectable at run time (tests hold each against the reference).
enum class GemmKernel { blas, blocked };
bool gemm_blas_available();
void set_gemm_kernel(GemmKernel kernel);  // falls back to blocked when no BLAS was found at build time
std::string gemm_kernel_name();
// The CPU kernel OpenBLAS picked at load time (e.g. "Cooperlake" = AVX-512), empty without BLAS.
std::string blas_core_name();
// Seconds for `iterations` GEMMs [m,k]·[n,k]ᵀ run by OpenBLAS on its own threads (one per engine
// thread) — the bench's yardstick for what this machine's BLAS reaches; −1 without BLAS.
double time_blas_own_threads(int64_t m, int64_t n, int64_t k, int64_t iterations);
void gemm_blocked(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                  const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

}  // namespace xr
