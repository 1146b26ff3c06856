// Device memory owned by one backend: what parameters, activations, caches and scratch live in.
// The model code hands data() to ops only; the host reads and writes through upload/download
// (a memcpy on the CPU backend, a transfer on a GPU), so the CUDA backend needs no other change.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "backend.h"

namespace xr {

template <class T>
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(Backend& backend, size_t n = 0) : backend_(&backend) { resize(n); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept : backend_(o.backend_), ptr_(o.ptr_), size_(o.size_) {
    o.ptr_ = nullptr;
    o.size_ = 0;
  }
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      clear();
      backend_ = o.backend_;
      ptr_ = o.ptr_;
      size_ = o.size_;
      o.ptr_ = nullptr;
      o.size_ = 0;
    }
    return *this;
  }
  ~Buffer() { clear(); }

  // Contents after a size change are unspecified, as with cudaMalloc; zeros() where they must start at 0.
  void resize(size_t n) {
    if (n == size_) return;
    clear();
    if (n == 0) return;
    if (!backend_) throw std::logic_error("a Buffer was used before it was given a backend");
    ptr_ = static_cast<T*>(backend_->alloc(n * sizeof(T)));
    size_ = n;
  }
  void zeros(size_t n) {
    resize(n);
    if (n) backend_->zero(ptr_, bytes());
  }
  void clear() {
    if (ptr_) backend_->release(ptr_);
    ptr_ = nullptr;
    size_ = 0;
  }

  void upload(const T* host, size_t n) {
    resize(n);
    if (n) backend_->upload(ptr_, host, bytes());
  }
  void upload(const std::vector<T>& host) { upload(host.data(), host.size()); }
  std::vector<T> download() const {
    std::vector<T> host(size_);
    if (size_) backend_->download(host.data(), ptr_, bytes());
    return host;
  }
  void copy_from(const Buffer& src) {
    resize(src.size_);
    if (size_) backend_->copy(ptr_, src.ptr_, bytes());
  }
  // One element through the host, for gradient checks and small reads.
  T get(size_t i) const {
    T v;
    backend_->download(&v, ptr_ + i, sizeof(T));
    return v;
  }
  void set(size_t i, T v) { backend_->upload(ptr_ + i, &v, sizeof(T)); }

  T* data() { return ptr_; }
  const T* data() const { return ptr_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t bytes() const { return size_ * sizeof(T); }
  Backend& backend() const { return *backend_; }

 private:
  Backend* backend_ = nullptr;
  T* ptr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace xr
