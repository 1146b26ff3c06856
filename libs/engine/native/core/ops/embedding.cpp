// Embedding reference: out[t] = table[ids[t]]; backward scatters dout rows back (+=) into dtable.
// Ids are validated before they reach the engine (TypeScript checks 0 <= id < vocab).
#include "ops.h"

namespace xr {

template <class T>
void ReferenceOps<T>::embedding_forward(int64_t tokens, int64_t dim, const int32_t* ids, const T* table, T* out) {
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t i = 0; i < dim; ++i) out[t * dim + i] = table[static_cast<int64_t>(ids[t]) * dim + i];
}

template <class T>
void ReferenceOps<T>::embedding_backward(int64_t tokens, int64_t dim, const int32_t* ids, const T* dout, T* dtable) {
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t i = 0; i < dim; ++i) dtable[static_cast<int64_t>(ids[t]) * dim + i] += dout[t * dim + i];
}

#define XR_INSTANTIATE(T) \
  template void ReferenceOps<T>::embedding_forward(int64_t, int64_t, const int32_t*, const T*, T*); \
  template void ReferenceOps<T>::embedding_backward(int64_t, int64_t, const int32_t*, const T*, T*); \

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
