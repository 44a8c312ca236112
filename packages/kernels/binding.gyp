{
  "variables": {
    "openblas%": "<!(sh -c 'test \"$TSA_KERNELS_BLAS\" != none && pkg-config --exists openblas && echo 1 || echo 0')"
  },
  "targets": [
    {
      "target_name": "tsa_kernels",
      "sources": ["native/addon.cc", "native/blas.cc", "native/lstm.cc", "native/attention.cc", "native/conv1d.cc", "native/pooling.cc", "native/batch_norm.cc", "native/thread_pool.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=gnu++17", "-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-pthread"],
      "ldflags": ["-pthread"],
      "conditions": [
        [
          "openblas==1",
          {
            "defines": ["TSA_OPENBLAS"],
            "cflags_cc": ["<!@(pkg-config --cflags openblas)"],
            "libraries": ["<!@(pkg-config --libs openblas)"]
          }
        ]
      ]
    }
  ]
}
