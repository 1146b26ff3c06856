// Module entry: backend info, the op and model checks, the GEMM timing the bench compares against,
// and the Model and CancelToken classes.
#include <napi.h>

#include <algorithm>
#include <chrono>

#include "../core/backend.h"
#include "../core/ops/ops.h"
#include "../core/testing/model-checks.h"
#include "../core/testing/objective-checks.h"
#include "../core/testing/op-checks.h"
#include "../core/thread-pool.h"
#include "convert.h"
#include "job.h"
#include "model_wrap.h"

namespace xr_binding {
namespace {

Napi::Value BackendInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("backend", xr::cpu_backend().name());
  o.Set("gemmKernel", xr::cpu_backend().gemm_kernel());
  o.Set("blasAvailable", xr::gemm_blas_available());
  o.Set("blasCore", xr::blas_core_name());
  o.Set("threads", xr::thread_count());
  return o;
}

void SetGemmKernel(const Napi::CallbackInfo& info) {
  const std::string name = info[0].As<Napi::String>();
  if (name != "blas" && name != "blocked") throw Napi::TypeError::New(info.Env(), "gemm kernel must be 'blas' or 'blocked'");
  xr::set_gemm_kernel(name == "blas" ? xr::GemmKernel::blas : xr::GemmKernel::blocked);
}

Napi::Value OpCheckNames(const Napi::CallbackInfo& info) {
  auto names = xr::op_check_names();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) out[i] = Napi::String::New(info.Env(), names[i]);
  return out;
}

Napi::Value CheckOp(const Napi::CallbackInfo& info) {
  const std::string name = info[0].As<Napi::String>();
  const auto seed = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
  xr::OpCheckResult r;
  try {
    r = xr::check_op(xr::cpu_backend(), name, seed);
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("gradError", r.grad_error);
  o.Set("forwardError", r.forward_error);
  o.Set("backwardError", r.backward_error);
  o.Set("checked", double(r.checked));
  return o;
}

Napi::Value CheckModel(const Napi::CallbackInfo& info) {
  const xr::ModelConfig config = model_config(object_arg(info, 0, "config"));
  const std::string mode = info[1].As<Napi::String>();
  const auto seed = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  return run_job<xr::ModelCheckResult>(
      info.Env(), [config, mode, seed] { return xr::check_model(config, mode.c_str(), seed); },
      [](Napi::Env env, xr::ModelCheckResult& r) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("gradError", r.grad_error);
        o.Set("lossError", r.loss_error);
        o.Set("floatGradError", r.float_grad_error);
        o.Set("checked", double(r.checked));
        return o;
      });
}

Napi::Value ObjectiveCheckNames(const Napi::CallbackInfo& info) {
  const auto names = xr::objective_check_names();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) out[i] = Napi::String::New(info.Env(), names[i]);
  return out;
}

Napi::Value CheckObjective(const Napi::CallbackInfo& info) {
  const xr::ModelConfig config = model_config(object_arg(info, 0, "config"));
  const std::string kind = info[1].As<Napi::String>();
  const auto seed = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  const auto names = xr::objective_check_names();
  if (std::find(names.begin(), names.end(), kind) == names.end())
    throw Napi::Error::New(info.Env(), "unknown objective check '" + kind + "'");
  return run_job<xr::ModelCheckResult>(
      info.Env(), [config, kind, seed] { return xr::check_objective(config, kind, seed); },
      [](Napi::Env env, xr::ModelCheckResult& r) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("gradError", r.grad_error);
        o.Set("lossError", r.loss_error);
        o.Set("floatGradError", r.float_grad_error);
        o.Set("checked", double(r.checked));
        return o;
      });
}

// Times `iterations` float GEMMs of [m, k] · [k, n] through the backend; returns seconds.
Napi::Value TimeGemm(const Napi::CallbackInfo& info) {
  const auto m = info[0].As<Napi::Number>().Int64Value(), n = info[1].As<Napi::Number>().Int64Value(),
             k = info[2].As<Napi::Number>().Int64Value(), iters = info[3].As<Napi::Number>().Int64Value();
  const bool blas_threads = info.Length() > 4 && info[4].IsString() && info[4].As<Napi::String>().Utf8Value() == "openblas-threads";
  return run_job<double>(
      info.Env(),
      [m, n, k, iters, blas_threads] {
        if (blas_threads) return xr::time_blas_own_threads(m, n, k, iters);
        std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n);
        const auto& ops = xr::ops_of<float>(xr::cpu_backend());
        ops.gemm(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, c.data(), n);  // warm-up
        const auto t0 = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < iters; ++i)
          ops.gemm(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, c.data(), n);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      },
      [](Napi::Env env, double& s) { return Napi::Number::New(env, s); });
}

// The backend's block cache, in MiB (the bench compares a step with and without it).
void SetBufferCacheLimit(const Napi::CallbackInfo& info) {
  const double mb = info[0].As<Napi::Number>().DoubleValue();
  if (!(mb >= 0)) throw Napi::RangeError::New(info.Env(), "the cache limit must be a non-negative number of MiB");
  xr::cpu_backend().set_cache_limit(static_cast<size_t>(mb * 1024 * 1024));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("backendInfo", Napi::Function::New(env, BackendInfo));
  exports.Set("setGemmKernel", Napi::Function::New(env, SetGemmKernel));
  exports.Set("opCheckNames", Napi::Function::New(env, OpCheckNames));
  exports.Set("checkOp", Napi::Function::New(env, CheckOp));
  exports.Set("checkModel", Napi::Function::New(env, CheckModel));
  exports.Set("objectiveCheckNames", Napi::Function::New(env, ObjectiveCheckNames));
  exports.Set("checkObjective", Napi::Function::New(env, CheckObjective));
  exports.Set("timeGemm", Napi::Function::New(env, TimeGemm));
  exports.Set("setBufferCacheLimit", Napi::Function::New(env, SetBufferCacheLimit));
  exports.Set("Model", ModelWrap::Init(env));
  exports.Set("CancelToken", CancelTokenWrap::Init(env));
  return exports;
}

}  // namespace xr_binding

Napi::Object InitEngine(Napi::Env env, Napi::Object exports) { return xr_binding::Init(env, exports); }

NODE_API_MODULE(engine, InitEngine)
