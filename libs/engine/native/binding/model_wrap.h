// The JavaScript face of one decoder (float, CPU backend). Calls that take time return Promises and
// run on their own thread; the model's mutex serialises them, and the synchronous methods refuse
// (rather than block the event loop) while a job holds it.
#pragma once
#include <napi.h>

#include <memory>
#include <mutex>

#include "../core/model/adamw.h"
#include "../core/model/decoder.h"

namespace xr_binding {

struct ModelState {
  explicit ModelState(const xr::ModelConfig& c);
  xr::Decoder<float> decoder;
  xr::AdamW<float> optimizer;
  std::mutex mu;
};

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit ModelWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value TensorSpecs(const Napi::CallbackInfo& info);
  Napi::Value TensorNames(const Napi::CallbackInfo& info);
  void SetTensor(const Napi::CallbackInfo& info);
  Napi::Value GetTensor(const Napi::CallbackInfo& info);
  Napi::Value GetGradient(const Napi::CallbackInfo& info);
  void SetBaseTrainable(const Napi::CallbackInfo& info);
  void ZeroGrad(const Napi::CallbackInfo& info);
  void AddLora(const Napi::CallbackInfo& info);
  void MergeLora(const Napi::CallbackInfo& info);
  Napi::Value Loss(const Napi::CallbackInfo& info);
  Napi::Value Train(const Napi::CallbackInfo& info);
  Napi::Value TokenLogprobs(const Napi::CallbackInfo& info);
  Napi::Value Logits(const Napi::CallbackInfo& info);
  Napi::Value Generate(const Napi::CallbackInfo& info);
  Napi::Value AdamWStep(const Napi::CallbackInfo& info);

  std::unique_lock<std::mutex> lock_now(Napi::Env env);
  std::shared_ptr<ModelState> state_;
};

// A flag JavaScript raises (from an AbortSignal) and a running job polls between layers and steps.
class CancelTokenWrap : public Napi::ObjectWrap<CancelTokenWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit CancelTokenWrap(const Napi::CallbackInfo& info);
  std::shared_ptr<std::atomic<bool>> flag() const { return flag_; }
  // The token passed as argument `i`, or a fresh never-raised flag when it is absent/undefined.
  static std::shared_ptr<std::atomic<bool>> from_arg(const Napi::CallbackInfo& info, size_t i);
  static Napi::FunctionReference* constructor;

 private:
  void Cancel(const Napi::CallbackInfo& info);
  std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace xr_binding
