{
  "variables": { "blas%": "<!(node native/detect-blas.mjs)" },
  "targets": [
    {
      "target_name": "engine",
      "sources": [
        "native/core/backend.cpp",
        "native/core/thread-pool.cpp",
        "native/core/cpu/cpu-backend.cpp",
        "native/core/ops/gemm.cpp",
        "native/core/ops/gemm-cpu.cpp",
        "native/core/ops/rmsnorm.cpp",
        "native/core/ops/rmsnorm-cpu.cpp",
        "native/core/ops/rope.cpp",
        "native/core/ops/rope-cpu.cpp",
        "native/core/ops/attention.cpp",
        "native/core/ops/attention-cpu.cpp",
        "native/core/ops/swiglu.cpp",
        "native/core/ops/swiglu-cpu.cpp",
        "native/core/ops/embedding.cpp",
        "native/core/ops/embedding-cpu.cpp",
        "native/core/ops/logprobs.cpp",
        "native/core/ops/logprobs-cpu.cpp",
        "native/core/ops/cross-entropy.cpp",
        "native/core/ops/add.cpp",
        "native/core/ops/add-cpu.cpp",
        "native/core/ops/dropout.cpp",
        "native/core/ops/dropout-cpu.cpp",
        "native/core/ops/adamw.cpp",
        "native/core/ops/adamw-cpu.cpp",
        "native/core/model/config.cpp",
        "native/core/model/linear.cpp",
        "native/core/model/decoder.cpp",
        "native/core/model/adamw.cpp",
        "native/core/losses/policy-loss.cpp",
        "native/core/losses/info-nce.cpp",
        "native/core/testing/objective-checks.cpp",
        "native/core/testing/op-checks.cpp",
        "native/core/testing/model-checks.cpp",
        "native/binding/model_wrap.cc",
        "native/binding/addon.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math", "-fexceptions", "-Wall", "-Wno-unused-parameter"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["blas=='openblas'", {
          "defines": ["XR_HAVE_CBLAS"],
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
