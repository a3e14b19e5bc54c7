#!/usr/bin/env bash
# Build and install llama-cpp-python (the version pinned in requirements.txt) into the venv without AMX.
#
# pip builds llama.cpp with -march=native by default. On a CPU with AMX (Intel Sapphire Rapids and later)
# that compiles ggml's AMX backend, which repacks Q8_0/Q4 weights and then crashes in
# ggml_backend_amx_mul_mat (SIGSEGV at the first evaluation; seen here with every GGUF variant of
# 07_edge_bench, and upstream: ggml-org/llama.cpp#20824). So llama.cpp is built with GGML_NATIVE=OFF and
# the instruction sets this CPU has, AMX excepted: AVX2/FMA/F16C/BMI2 (ggml's non-native defaults) plus
# AVX-VNNI and the AVX-512 extensions when /proc/cpuinfo lists them. Other architectures keep native.
#
# The wheel is kept in ~/.cache/edgecloud/ under the version and a hash of the build options, so a new
# venv on the same machine installs it in seconds; pip's own wheel cache is bypassed (it is keyed by the
# sdist only and may hold a native build). Idempotent: nothing happens when the venv already has this
# version built with these options.
set -euo pipefail
VENV=${1:-.venv}
PY="$VENV/bin/python"
VERSION=$(grep -E '^llama-cpp-python==' requirements.txt | cut -d= -f3)

ARGS="-DGGML_NATIVE=ON"
if [[ "$(uname -m)" == "x86_64" && -r /proc/cpuinfo ]]; then
  FLAGS=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  has() { for f in "$@"; do [[ "$FLAGS" == *" $f "* ]] || return 1; done; }
  ARGS="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  has avx_vnni && ARGS+=" -DGGML_AVX_VNNI=ON"
  if has avx512f avx512cd avx512vl avx512dq avx512bw; then
    ARGS+=" -DGGML_AVX512=ON"
    has avx512vbmi && ARGS+=" -DGGML_AVX512_VBMI=ON"
    has avx512_vnni && ARGS+=" -DGGML_AVX512_VNNI=ON"
    has avx512_bf16 && ARGS+=" -DGGML_AVX512_BF16=ON"
  fi
fi

STAMP="$VENV/share/edgecloud/llama-cpp-python.build"
WANT="llama-cpp-python==$VERSION $ARGS"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] && "$PY" -c "import llama_cpp" 2>/dev/null; then
  exit 0
fi
KEY=$(printf '%s' "$WANT" | sha256sum | cut -c1-12)
WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/edgecloud/llama-cpp-python/$VERSION-$KEY"
if ! ls "$WHEELS"/llama_cpp_python-"$VERSION"-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $VERSION with CMAKE_ARGS='$ARGS' (about 4 min on 2 cores, once per machine)"
  mkdir -p "$WHEELS"
  CMAKE_ARGS="$ARGS" "$PY" -m pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
    "llama-cpp-python==$VERSION" -w "$WHEELS"
fi
"$PY" -m pip install --quiet --no-deps --force-reinstall "$WHEELS"/llama_cpp_python-"$VERSION"-*.whl
mkdir -p "$(dirname "$STAMP")"
printf '%s' "$WANT" > "$STAMP"
echo "llama-cpp-python $VERSION installed ($ARGS)"
