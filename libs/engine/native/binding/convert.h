// JavaScript → plain C++ copies. TypeScript validates shapes and ranges before calling; these
// throw a JavaScript TypeError (never abort) if something slips through.
#pragma once
#include <napi.h>

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

template <class T>
Napi::Float32Array float32_array(Napi::Env env, const std::vector<T>& v) {
  Napi::Float32Array out = Napi::Float32Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i]);
  return out;
}

}  // namespace xr_binding
