#include "model_wrap.h"

#include "convert.h"
#include "job.h"

namespace xr_binding {

ModelState::ModelState(const xr::ModelConfig& c) : decoder(xr::cpu_backend(), c) {}

Napi::FunctionReference* CancelTokenWrap::constructor = nullptr;

Napi::Function CancelTokenWrap::Init(Napi::Env env) {
  Napi::Function fn = DefineClass(env, "CancelToken", {InstanceMethod<&CancelTokenWrap::Cancel>("cancel")});
  constructor = new Napi::FunctionReference(Napi::Persistent(fn));
  return fn;
}

CancelTokenWrap::CancelTokenWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CancelTokenWrap>(info) {}

void CancelTokenWrap::Cancel(const Napi::CallbackInfo&) { flag_->store(true); }

std::shared_ptr<std::atomic<bool>> CancelTokenWrap::from_arg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() > i && info[i].IsObject()) {
    Napi::Object o = info[i].As<Napi::Object>();
    if (o.InstanceOf(constructor->Value())) return CancelTokenWrap::Unwrap(o)->flag();
  }
  if (info.Length() > i && !info[i].IsUndefined() && !info[i].IsNull())
    throw Napi::TypeError::New(info.Env(), "the cancel argument must be a CancelToken");
  return std::make_shared<std::atomic<bool>>(false);
}

Napi::Function ModelWrap::Init(Napi::Env env) {
  return DefineClass(env, "Model",
                     {
                         InstanceMethod<&ModelWrap::TensorSpecs>("tensorSpecs"),
                         InstanceMethod<&ModelWrap::TensorNames>("tensorNames"),
                         InstanceMethod<&ModelWrap::SetTensor>("setTensor"),
                         InstanceMethod<&ModelWrap::GetTensor>("getTensor"),
                         InstanceMethod<&ModelWrap::GetGradient>("getGradient"),
                         InstanceMethod<&ModelWrap::SetBaseTrainable>("setBaseTrainable"),
                         InstanceMethod<&ModelWrap::ZeroGrad>("zeroGrad"),
                         InstanceMethod<&ModelWrap::AddLora>("addLora"),
                         InstanceMethod<&ModelWrap::MergeLora>("mergeLora"),
                         InstanceMethod<&ModelWrap::Loss>("loss"),
                         InstanceMethod<&ModelWrap::Train>("train"),
                         InstanceMethod<&ModelWrap::TokenLogprobs>("tokenLogprobs"),
                         InstanceMethod<&ModelWrap::Logits>("logits"),
                         InstanceMethod<&ModelWrap::Generate>("generate"),
                         InstanceMethod<&ModelWrap::AdamWStep>("adamwStep"),
                     });
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
  try {
    state_ = std::make_shared<ModelState>(model_config(object_arg(info, 0, "config")));
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

std::unique_lock<std::mutex> ModelWrap::lock_now(Napi::Env env) {
  std::unique_lock<std::mutex> lock(state_->mu, std::try_to_lock);
  if (!lock.owns_lock()) throw Napi::Error::New(env, "the model is busy with another engine call; await it first");
  return lock;
}

Napi::Value ModelWrap::TensorSpecs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto specs = xr::tensor_specs(state_->decoder.config());
  Napi::Array out = Napi::Array::New(env, specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", specs[i].name);
    Napi::Array shape = Napi::Array::New(env, specs[i].shape.size());
    for (size_t j = 0; j < specs[i].shape.size(); ++j) shape[j] = Napi::Number::New(env, double(specs[i].shape[j]));
    o.Set("shape", shape);
    out[i] = o;
  }
  return out;
}

Napi::Value ModelWrap::TensorNames(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  auto names = state_->decoder.params().names();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) out[i] = Napi::String::New(info.Env(), names[i]);
  return out;
}

void ModelWrap::SetTensor(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  const std::string name = info[0].As<Napi::String>();
  xr::Param<float>* p = state_->decoder.params().find(name);
  if (!p) throw Napi::Error::New(info.Env(), "the model has no tensor named '" + name + "'");
  std::vector<float> data = typed_copy<Napi::Float32Array, float>(info[1], "data", napi_float32_array);
  if (data.size() != p->value.size())
    throw Napi::Error::New(info.Env(), "tensor '" + name + "' needs " + std::to_string(p->value.size()) +
                                           " values, got " + std::to_string(data.size()));
  p->value.upload(data);
}

Napi::Value ModelWrap::GetTensor(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  const std::string name = info[0].As<Napi::String>();
  xr::Param<float>* p = state_->decoder.params().find(name);
  if (!p) throw Napi::Error::New(info.Env(), "the model has no tensor named '" + name + "'");
  return float32_array(info.Env(), p->value.download());
}

Napi::Value ModelWrap::GetGradient(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  const std::string name = info[0].As<Napi::String>();
  xr::Param<float>* p = state_->decoder.params().find(name);
  if (!p) throw Napi::Error::New(info.Env(), "the model has no tensor named '" + name + "'");
  if (!p->trainable()) return info.Env().Null();
  return float32_array(info.Env(), p->grad.download());
}

void ModelWrap::SetBaseTrainable(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  state_->decoder.set_base_trainable(info[0].As<Napi::Boolean>().Value());
}

void ModelWrap::ZeroGrad(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  state_->decoder.zero_grad();
}

void ModelWrap::AddLora(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  Napi::Object o = object_arg(info, 0, "lora");
  xr::LoraConfig lc;
  lc.rank = static_cast<int64_t>(number_field(o, "rank"));
  lc.alpha = number_field(o, "alpha");
  lc.rslora = bool_field(o, "rslora");
  lc.seed = static_cast<uint64_t>(number_field(o, "seed"));
  lc.zero_b = bool_field(o, "zeroB");
  lc.dropout = number_field(o, "dropout");
  Napi::Array targets = o.Get("targets").As<Napi::Array>();
  for (uint32_t i = 0; i < targets.Length(); ++i) lc.targets.push_back(targets.Get(i).As<Napi::String>());
  try {
    state_->decoder.add_lora(lc);
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

void ModelWrap::MergeLora(const Napi::CallbackInfo& info) {
  auto lock = lock_now(info.Env());
  state_->decoder.merge_lora();
}

Napi::Value ModelWrap::Loss(const Napi::CallbackInfo& info) {
  auto batch = std::make_shared<xr::Batch>(batch_arg(object_arg(info, 0, "batch")));
  const bool backward = info[1].As<Napi::Boolean>().Value();
  auto cancel = CancelTokenWrap::from_arg(info, 2);
  const std::optional<uint64_t> dropout_seed = optional_seed(info, 3);
  auto state = state_;
  return run_job<double>(
      info.Env(),
      [state, batch, backward, cancel, dropout_seed] {
        std::lock_guard<std::mutex> lock(state->mu);
        return state->decoder.loss(*batch, backward, cancel.get(), dropout_seed);
      },
      [](Napi::Env env, double& v) { return Napi::Number::New(env, v); });
}

Napi::Value ModelWrap::Train(const Napi::CallbackInfo& info) {
  auto batch = std::make_shared<xr::Batch>(batch_arg(object_arg(info, 0, "batch")));
  auto objective = std::make_shared<xr::Objective>(objective_arg(object_arg(info, 1, "objective")));
  const bool backward = info[2].As<Napi::Boolean>().Value();
  auto cancel = CancelTokenWrap::from_arg(info, 3);
  auto state = state_;
  using Out = xr::ObjectiveResult<float>;
  return run_job<Out>(
      info.Env(),
      [state, batch, objective, backward, cancel] {
        std::lock_guard<std::mutex> lock(state->mu);
        Out out;
        state->decoder.train(*batch, *objective, backward, out, cancel.get());
        return out;
      },
      [](Napi::Env env, Out& r) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("loss", r.loss);
        o.Set("ce", r.ce);
        o.Set("policy", r.policy);
        o.Set("contrastive", r.contrastive);
        o.Set("clipFraction", r.clip_fraction);
        o.Set("kl", r.kl);
        o.Set("tokens", double(r.tokens));
        Napi::Array hidden = Napi::Array::New(env, r.hidden.size());
        uint32_t i = 0;
        for (const auto& [k, h] : r.hidden) {
          Napi::Object e = Napi::Object::New(env);
          e.Set("layer", double(k));
          e.Set("values", float32_array(env, h));
          hidden[i++] = e;
        }
        o.Set("hidden", hidden);
        o.Set("inputGrad", r.input_grad.empty() ? env.Null() : Napi::Value(float32_array(env, r.input_grad)));
        return o;
      });
}

Napi::Value ModelWrap::TokenLogprobs(const Napi::CallbackInfo& info) {
  auto batch = std::make_shared<xr::Batch>(batch_arg(object_arg(info, 0, "batch")));
  auto cancel = CancelTokenWrap::from_arg(info, 1);
  auto state = state_;
  using Out = std::pair<std::vector<float>, std::vector<float>>;
  return run_job<Out>(
      info.Env(),
      [state, batch, cancel] {
        std::lock_guard<std::mutex> lock(state->mu);
        Out out;
        state->decoder.token_logprobs(*batch, out.first, &out.second, cancel.get());
        return out;
      },
      [](Napi::Env env, Out& out) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("logprobs", float32_array(env, out.first));
        o.Set("entropy", float32_array(env, out.second));
        return o;
      });
}

Napi::Value ModelWrap::Logits(const Napi::CallbackInfo& info) {
  auto batch = std::make_shared<xr::Batch>(batch_arg(object_arg(info, 0, "batch")));
  auto cancel = CancelTokenWrap::from_arg(info, 1);
  auto state = state_;
  return run_job<std::vector<float>>(
      info.Env(),
      [state, batch, cancel] {
        std::lock_guard<std::mutex> lock(state->mu);
        return state->decoder.logits(*batch, cancel.get());
      },
      [](Napi::Env env, std::vector<float>& v) { return float32_array(env, v); });
}

Napi::Value ModelWrap::Generate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "prompts must be an array of Int32Array");
  Napi::Array arr = info[0].As<Napi::Array>();
  auto prompts = std::make_shared<std::vector<std::vector<int32_t>>>();
  for (uint32_t i = 0; i < arr.Length(); ++i)
    prompts->push_back(typed_copy<Napi::Int32Array, int32_t>(arr.Get(i), "prompts[]", napi_int32_array));
  Napi::Object o = object_arg(info, 1, "options");
  xr::SamplingOptions so;
  so.max_new_tokens = static_cast<int64_t>(number_field(o, "maxNewTokens"));
  so.temperature = number_field(o, "temperature");
  so.top_k = static_cast<int64_t>(number_field(o, "topK"));
  so.top_p = number_field(o, "topP");
  so.seed = static_cast<uint64_t>(number_field(o, "seed"));
  so.stop_tokens = int32_field(o, "stopTokens");
  auto cancel = CancelTokenWrap::from_arg(info, 2);
  auto state = state_;
  return run_job<xr::Generation>(
      env,
      [state, prompts, so, cancel] {
        std::lock_guard<std::mutex> lock(state->mu);
        return state->decoder.generate(*prompts, so, cancel.get());
      },
      [](Napi::Env env, xr::Generation& g) {
        Napi::Array tokens = Napi::Array::New(env, g.tokens.size());
        Napi::Array logprobs = Napi::Array::New(env, g.tokens.size());
        for (size_t b = 0; b < g.tokens.size(); ++b) {
          Napi::Int32Array t = Napi::Int32Array::New(env, g.tokens[b].size());
          for (size_t i = 0; i < g.tokens[b].size(); ++i) t[i] = g.tokens[b][i];
          tokens[b] = t;
          logprobs[b] = float32_array(env, g.logprobs[b]);
        }
        Napi::Object out = Napi::Object::New(env);
        out.Set("tokens", tokens);
        out.Set("logprobs", logprobs);
        return out;
      });
}

Napi::Value ModelWrap::AdamWStep(const Napi::CallbackInfo& info) {
  Napi::Object o = object_arg(info, 0, "options");
  xr::AdamWOptions ao;
  ao.lr = number_field(o, "lr");
  ao.beta1 = number_field(o, "beta1");
  ao.beta2 = number_field(o, "beta2");
  ao.eps = number_field(o, "eps");
  ao.weight_decay = number_field(o, "weightDecay");
  ao.max_grad_norm = number_field(o, "maxGradNorm");
  auto state = state_;
  return run_job<double>(
      info.Env(),
      [state, ao] {
        std::lock_guard<std::mutex> lock(state->mu);
        return state->optimizer.step(state->decoder.params(), ao);
      },
      [](Napi::Env env, double& v) { return Napi::Number::New(env, v); });
}

}  // namespace xr_binding
