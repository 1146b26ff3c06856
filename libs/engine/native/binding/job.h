// Long engine calls run on their own native thread (not libuv's small shared pool, which fs and
// dns also use) and settle a Promise back on the JavaScript thread through a thread-safe function.
// Arguments are copied into plain C++ values before the thread starts; the thread never touches
// a JavaScript value.
#pragma once
#include <napi.h>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "../core/model/decoder.h"

namespace xr_binding {

template <class R>
struct Job {
  Napi::Promise::Deferred deferred;
  std::function<R()> work;
  std::function<Napi::Value(Napi::Env, R&)> to_js;
  std::optional<R> result;
  std::string error;
  bool cancelled = false;
};

template <class R>
void settle(Napi::Env env, Napi::Function, Job<R>* job, void*) {
  std::unique_ptr<Job<R>> owned(job);
  if (env == nullptr) return;  // the environment is shutting down
  Napi::HandleScope scope(env);
  if (job->result) {
    job->deferred.Resolve(job->to_js(env, *job->result));
    return;
  }
  Napi::Error err = Napi::Error::New(env, job->error);
  if (job->cancelled) {
    err.Set("name", Napi::String::New(env, "AbortError"));
    err.Set("code", Napi::String::New(env, "ABORT_ERR"));
  }
  job->deferred.Reject(err.Value());
}

template <class R>
Napi::Promise run_job(Napi::Env env, std::function<R()> work, std::function<Napi::Value(Napi::Env, R&)> to_js) {
  auto* job = new Job<R>{Napi::Promise::Deferred::New(env), std::move(work), std::move(to_js), std::nullopt, "", false};
  Napi::Promise promise = job->deferred.Promise();
  using Tsfn = Napi::TypedThreadSafeFunction<Job<R>, void, settle<R>>;
  Tsfn tsfn = Tsfn::New(env, "xreason-engine-job", 0, 1, job);
  std::thread([job, tsfn]() mutable {
    try {
      job->result.emplace(job->work());
    } catch (const xr::Cancelled& e) {
      job->cancelled = true;
      job->error = e.what();
    } catch (const std::exception& e) {
      job->error = e.what();
    } catch (...) {
      job->error = "unknown native error";
    }
    tsfn.BlockingCall();
    tsfn.Release();
  }).detach();
  return promise;
}

}  // namespace xr_binding
