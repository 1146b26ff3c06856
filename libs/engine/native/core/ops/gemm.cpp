// GEMM reference: the textbook triple loop, accumulating in the element type.
#include "ops.h"

namespace xr {

template <class T>
void ReferenceOps<T>::gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
                           const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      T acc = 0;
      for (int64_t p = 0; p < k; ++p) {
        const T av = ta ? a[p * lda + i] : a[i * lda + p];
        const T bv = tb ? b[j * ldb + p] : b[p * ldb + j];
        acc += av * bv;
      }
      T& out = c[i * ldc + j];
      out = alpha * acc + (beta == T(0) ? T(0) : beta * out);
    }
  }
}

#define XR_INSTANTIATE(T) \
  template void ReferenceOps<T>::gemm(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T, T*, int64_t); \

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
