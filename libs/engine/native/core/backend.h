// The backend seam: everything the model code needs from a device. The CPU backend implements it
// now; the CUDA backend implements the same interface (device memory, a stream, the op table).
//
// Conventions shared by every op: row-major contiguous tensors; "input" gradients are overwritten,
// parameter gradients (dw, dtable) are accumulated (+=) so gradient accumulation is free.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace xr {

enum class DType { f32, f64 };

// q/k/v are [batch, q_len | cache_len, heads, head_dim]. Keys live in a buffer of capacity
// `kv_capacity` per sequence, of which [0, kv_len) are valid; query i sits at key position
// q_start + i. A query sees key j when j <= q_start + i and both carry the same non-zero segment id
// (segment 0 marks padding; packed sequences use distinct ids; a plain batch uses 1 everywhere).
struct AttentionShape {
  int64_t batch, q_len, kv_len, kv_capacity, q_heads, kv_heads, head_dim;
  int64_t q_start;
};

struct RopeShape {
  int64_t tokens, heads, head_dim;
  double theta;
};

// One AdamW update (Loshchilov & Hutter): g = grad · grad_scale (the clipping factor);
// m, v = moving moments; w −= lr · (weight_decay · w + (m / bias_correction1) / (√(v / bias_correction2) + eps)).
struct AdamWUpdate {
  double lr, beta1, beta2, eps, weight_decay, grad_scale, bias_correction1, bias_correction2;
};

template <class T>
struct OpTable {
  // C[m,n] = alpha * op(A) op(B) + beta * C; op(X) = X or Xᵀ; lda/ldb/ldc are row strides.
  void (*gemm)(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
               const T* b, int64_t ldb, T beta, T* c, int64_t ldc);
  // y = x / rms(x) * w per row; rstd[row] = 1/sqrt(mean(x²) + eps) kept for backward.
  void (*rmsnorm_forward)(int64_t rows, int64_t dim, T eps, const T* x, const T* w, T* y, T* rstd);
  void (*rmsnorm_backward)(int64_t rows, int64_t dim, const T* x, const T* w, const T* rstd, const T* dy, T* dx,
                           T* dw);
  // Rotates pairs (i, i + head_dim/2) by pos * theta^(-2i/head_dim) (Hugging Face rotate_half layout).
  void (*rope_forward)(const RopeShape& s, const int32_t* pos, const T* x, T* y);
  void (*rope_backward)(const RopeShape& s, const int32_t* pos, const T* dy, T* dx);
  // Causal grouped-query attention; lse[b, h, i] (log-sum-exp of the scaled scores) for backward.
  void (*attention_forward)(const AttentionShape& s, const T* q, const T* k, const T* v, const int32_t* q_seg,
                            const int32_t* k_seg, T* o, T* lse);
  void (*attention_backward)(const AttentionShape& s, const T* q, const T* k, const T* v, const int32_t* q_seg,
                             const int32_t* k_seg, const T* o, const T* lse, const T* d_o, T* dq, T* dk, T* dv);
  // h = silu(g) * u elementwise.
  void (*swiglu_forward)(int64_t n, const T* g, const T* u, T* h);
  void (*swiglu_backward)(int64_t n, const T* g, const T* u, const T* dh, T* dg, T* du);
  void (*embedding_forward)(int64_t tokens, int64_t dim, const int32_t* ids, const T* table, T* out);
  void (*embedding_backward)(int64_t tokens, int64_t dim, const int32_t* ids, const T* dout, T* dtable);
  // logp[r] = log softmax(logits[r])[target[r]] (0 where target < 0); entropy may be null.
  void (*logprobs_forward)(int64_t rows, int64_t vocab, const T* logits, const int32_t* targets, T* logp, T* lse,
                           T* entropy);
  // dlogits[r] = dlogp[r] * (onehot(target[r]) - softmax(logits[r])).
  void (*logprobs_backward)(int64_t rows, int64_t vocab, const T* logits, const int32_t* targets, const T* lse,
                            const T* dlogp, T* dlogits);
  // y += x (residual stream, gradient sums).
  void (*add)(int64_t n, const T* x, T* y);
  // y[r, :] += b; its backward db += Σ_r dy[r, :].
  void (*bias_forward)(int64_t rows, int64_t dim, const T* b, T* y);
  void (*bias_backward)(int64_t rows, int64_t dim, const T* dy, T* db);
  // y = x · keep / (1 − p), keep_i = dropout_keep(seed, i, p) (ops/dropout.h). Linear and its own
  // transpose: the backward is the same call on dy with the same seed. x and y may alias.
  void (*dropout)(int64_t n, double p, uint64_t seed, const T* x, T* y);
  // Σ x², accumulated in double (the global gradient norm).
  double (*sum_squares)(int64_t n, const T* x);
  void (*adamw)(int64_t n, const AdamWUpdate& u, T* w, const T* g, T* m, T* v);
};

// The op list, once: supports() and every table initialiser iterate it, so they cannot drift.
#define XR_OPS(X)                                                                                             \
  X(gemm) X(rmsnorm_forward) X(rmsnorm_backward) X(rope_forward) X(rope_backward) X(attention_forward)       \
  X(attention_backward) X(swiglu_forward) X(swiglu_backward) X(embedding_forward) X(embedding_backward)       \
  X(logprobs_forward) X(logprobs_backward) X(add) X(bias_forward) X(bias_backward) X(dropout) X(sum_squares)   \
  X(adamw)

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  // Device memory. Implementations cache freed blocks by size (a training step asks for the same
  // shapes every time), so alloc/release per call costs no page faults after the first step.
  virtual void* alloc(size_t bytes) = 0;
  virtual void release(void* ptr) = 0;
  // Bytes of freed blocks the cache may keep (0 = none: every release goes back to the system).
  virtual void set_cache_limit(size_t bytes) = 0;
  virtual void upload(void* device_dst, const void* host_src, size_t bytes) = 0;
  virtual void download(void* host_dst, const void* device_src, size_t bytes) = 0;
  virtual void copy(void* device_dst, const void* device_src, size_t bytes) = 0;
  virtual void zero(void* device_ptr, size_t bytes) = 0;
  // Waits for all queued work (the CPU backend runs ops synchronously, so this returns at once).
  virtual void synchronize() = 0;
  // Null when the backend has no ops for that precision; an entry is null when that op is missing.
  virtual const OpTable<float>* ops_f32() const = 0;
  virtual const OpTable<double>* ops_f64() const = 0;
  // Which GEMM implementation runs, for reports ("openblas", "blocked-avx2", ...).
  virtual std::string gemm_kernel() const = 0;

  bool supports(const std::string& op, DType dtype) const;
};

template <class T>
const OpTable<T>& ops_of(const Backend& backend);

Backend& cpu_backend();

}  // namespace xr
