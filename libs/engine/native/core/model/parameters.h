// Named parameters with their gradients, in the backend's memory. Names are Hugging Face's (LoRA
// factors use PEFT's leaf names: "<module>.lora_A.weight" / "<module>.lora_B.weight" without the
// "base_model.model." prefix).
#pragma once
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../buffer.h"

namespace xr {

template <class T>
struct Param {
  explicit Param(Backend& backend) : value(backend), grad(backend) {}
  std::vector<int64_t> shape;
  Buffer<T> value, grad;  // grad is empty while the parameter is frozen
  bool trainable() const { return !grad.empty(); }
  void set_trainable(bool on) {
    if (on) grad.zeros(value.size());
    else grad.clear();
  }
  int64_t numel() const { return static_cast<int64_t>(value.size()); }
};

template <class T>
class ParameterStore {
 public:
  explicit ParameterStore(Backend& backend) : backend_(backend) {}
  Param<T>& add(const std::string& name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    auto p = std::make_unique<Param<T>>(backend_);
    p->shape = std::move(shape);
    p->value.zeros(static_cast<size_t>(n));
    Param<T>& ref = *p;
    params_[name] = std::move(p);
    return ref;
  }
  Param<T>& at(const std::string& name) {
    auto it = params_.find(name);
    if (it == params_.end()) throw std::invalid_argument("no tensor named '" + name + "'");
    return *it->second;
  }
  Param<T>* find(const std::string& name) {
    auto it = params_.find(name);
    return it == params_.end() ? nullptr : it->second.get();
  }
  void remove(const std::string& name) { params_.erase(name); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [n, _] : params_) out.push_back(n);
    return out;
  }
  template <class F>
  void for_each(F&& f) {
    for (auto& [n, p] : params_) f(n, *p);
  }

 private:
  Backend& backend_;
  std::map<std::string, std::unique_ptr<Param<T>>> params_;
};

}  // namespace xr
