// Additions reference: the residual stream (y += x) and a linear layer's bias (forward adds the
// row vector to every row; backward sums the rows of dy into db).
#include "ops.h"

namespace xr {

template <class T>
void ReferenceOps<T>::add(int64_t n, const T* x, T* y) {
  for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

template <class T>
void ReferenceOps<T>::bias_forward(int64_t rows, int64_t dim, const T* b, T* y) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < dim; ++j) y[r * dim + j] += b[j];
}

template <class T>
void ReferenceOps<T>::bias_backward(int64_t rows, int64_t dim, const T* dy, T* db) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < dim; ++j) db[j] += dy[r * dim + j];
}

#define XR_INSTANTIATE(T)                                                             \
  template void ReferenceOps<T>::add(int64_t, const T*, T*);                          \
  template void ReferenceOps<T>::bias_forward(int64_t, int64_t, const T*, T*);        \
  template void ReferenceOps<T>::bias_backward(int64_t, int64_t, const T*, T*);

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
