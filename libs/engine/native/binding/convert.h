// JavaScript → plain C++ copies. TypeScript validates shapes and ranges before calling; these
// throw a JavaScript TypeError (never abort) if something slips through.
#pragma once
#include <napi.h>

#include <optional>
#include <string>
#include <vector>

#include "../core/model/config.h"
#include "../core/model/decoder.h"

namespace xr_binding {

inline Napi::Object object_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsObject()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an object");
  return info[i].As<Napi::Object>();
}

inline double number_field(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("field '") + key + "' must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

inline bool bool_field(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsBoolean()) throw Napi::TypeError::New(o.Env(), std::string("field '") + key + "' must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

template <class TA, class T>
std::vector<T> typed_copy(const Napi::Value& v, const char* key, napi_typedarray_type type) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throw Napi::TypeError::New(v.Env(), std::string("field '") + key + "' has the wrong array type");
  TA a = v.As<TA>();
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

inline std::vector<int32_t> int32_field(const Napi::Object& o, const char* key) {
  return typed_copy<Napi::Int32Array, int32_t>(o.Get(key), key, napi_int32_array);
}

inline xr::ModelConfig model_config(const Napi::Object& o) {
  xr::ModelConfig c;
  c.vocab = static_cast<int64_t>(number_field(o, "vocabSize"));
  c.hidden = static_cast<int64_t>(number_field(o, "hiddenSize"));
  c.layers = static_cast<int64_t>(number_field(o, "numLayers"));
  c.heads = static_cast<int64_t>(number_field(o, "numHeads"));
  c.kv_heads = static_cast<int64_t>(number_field(o, "numKvHeads"));
  c.head_dim = static_cast<int64_t>(number_field(o, "headDim"));
  c.intermediate = static_cast<int64_t>(number_field(o, "intermediateSize"));
  c.rope_theta = number_field(o, "ropeTheta");
  c.rms_eps = number_field(o, "rmsNormEps");
  c.tie_embeddings = bool_field(o, "tieEmbeddings");
  c.qkv_bias = bool_field(o, "qkvBias");
  return c;
}

inline xr::Batch batch_arg(const Napi::Object& o) {
  xr::Batch b;
  b.batch = static_cast<int64_t>(number_field(o, "batch"));
  b.seq = static_cast<int64_t>(number_field(o, "seq"));
  b.ids = int32_field(o, "ids");
  b.positions = int32_field(o, "positions");
  b.segments = int32_field(o, "segments");
  b.targets = int32_field(o, "targets");
  const size_t n = static_cast<size_t>(b.batch * b.seq);
  if (b.ids.size() != n || b.positions.size() != n || b.segments.size() != n || b.targets.size() != n)
    throw Napi::TypeError::New(o.Env(), "batch arrays must each hold batch × seq entries");
  return b;
}

inline bool is_nullish(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

// A training call's dropout seed (a non-negative integer checked in TypeScript), or none.
inline std::optional<uint64_t> optional_seed(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || is_nullish(info[i])) return std::nullopt;
  return static_cast<uint64_t>(info[i].As<Napi::Number>().DoubleValue());
}

// The TypeScript Objective, already checked against the batch's shape by engine-model.ts.
inline xr::Objective objective_arg(const Napi::Object& o) {
  xr::Objective obj;
  obj.ce_weight = number_field(o, "ceWeight");
  Napi::Value pv = o.Get("policy");
  if (!is_nullish(pv)) {
    Napi::Object p = pv.As<Napi::Object>();
    const std::string kind = p.Get("kind").As<Napi::String>();
    if (kind == "grpo") obj.policy.kind = xr::PolicyKind::grpo;
    else if (kind == "dr_grpo") obj.policy.kind = xr::PolicyKind::dr_grpo;
    else if (kind == "dapo") obj.policy.kind = xr::PolicyKind::dapo;
    else throw Napi::TypeError::New(o.Env(), "unknown policy loss '" + kind + "'");
    obj.policy.eps_low = number_field(p, "epsLow");
    obj.policy.eps_high = number_field(p, "epsHigh");
    obj.policy.kl_beta = number_field(p, "klBeta");
    obj.policy.max_tokens = number_field(p, "maxTokens");
    obj.policy.old_logp = typed_copy<Napi::Float64Array, double>(p.Get("oldLogprobs"), "oldLogprobs", napi_float64_array);
    obj.policy.advantages = typed_copy<Napi::Float64Array, double>(p.Get("advantages"), "advantages", napi_float64_array);
    if (!is_nullish(p.Get("refLogprobs")))
      obj.policy.ref_logp = typed_copy<Napi::Float64Array, double>(p.Get("refLogprobs"), "refLogprobs", napi_float64_array);
  }
  Napi::Value cv = o.Get("contrastive");
  if (!is_nullish(cv)) {
    Napi::Object c = cv.As<Napi::Object>();
    obj.contrastive.enabled = true;
    obj.contrastive.layer = static_cast<int64_t>(number_field(c, "layer"));
    obj.contrastive.temperature = number_field(c, "temperature");
    obj.contrastive.weight = number_field(c, "weight");
    obj.contrastive.anchors = int32_field(c, "anchors");
    obj.contrastive.positives = int32_field(c, "positives");
    if (!is_nullish(c.Get("poolMask")))
      obj.contrastive.pool_mask = typed_copy<Napi::Float64Array, double>(c.Get("poolMask"), "poolMask", napi_float64_array);
  }
  for (int32_t k : int32_field(o, "captureLayers")) obj.capture_layers.push_back(k);
  Napi::Array inject = o.Get("inject").As<Napi::Array>();
  for (uint32_t i = 0; i < inject.Length(); ++i) {
    Napi::Object g = inject.Get(i).As<Napi::Object>();
    obj.inject[static_cast<int64_t>(number_field(g, "layer"))] =
        typed_copy<Napi::Float32Array, double>(g.Get("grad"), "inject[].grad", napi_float32_array);
  }
  Napi::Value ev = o.Get("inputEmbeddings");
  if (!is_nullish(ev)) {
    Napi::Object e = ev.As<Napi::Object>();
    obj.input_embeddings.mask = typed_copy<Napi::Uint8Array, uint8_t>(e.Get("mask"), "mask", napi_uint8_array);
    obj.input_embeddings.values = typed_copy<Napi::Float32Array, double>(e.Get("values"), "values", napi_float32_array);
  }
  obj.want_input_grad = bool_field(o, "wantInputGrad");
  Napi::Value seed = o.Get("dropoutSeed");
  if (!is_nullish(seed)) obj.dropout_seed = static_cast<uint64_t>(seed.As<Napi::Number>().DoubleValue());
  return obj;
}

template <class T>
Napi::Float32Array float32_array(Napi::Env env, const std::vector<T>& v) {
  Napi::Float32Array out = Napi::Float32Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i]);
  return out;
}

}  // namespace xr_binding
