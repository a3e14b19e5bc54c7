#!/usr/bin/env bash
# Install llama.cpp's HF -> GGUF converter into the venv (not into the repository), from PyPI only.
#
# The converter is not on PyPI as a package of its own: the llama-cpp-python sdist carries it in
# vendor/llama.cpp/ (convert_hf_to_gguf.py, its conversion/ package and its own gguf-py, which is
# newer than PyPI's gguf 0.19.0: that one lacks LazyChunkedTensor). The sdist of the same version
# the venv pins is downloaded and only those files are extracted to $VENV/share/edgecloud/llama.cpp-convert.
# Idempotent: does nothing when the converter of that version is already there.
set -euo pipefail
VENV=${1:-.venv}
VERSION=$(grep -E '^llama-cpp-python==' requirements.txt | cut -d= -f3)
DEST="$VENV/share/edgecloud/llama.cpp-convert"
if [[ -f "$DEST/VERSION" && "$(cat "$DEST/VERSION")" == "$VERSION" && -f "$DEST/convert_hf_to_gguf.py" ]]; then
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$VENV/bin/python" -m pip download --quiet --no-deps --no-binary :all: "llama-cpp-python==$VERSION" -d "$TMP"
SDIST="$TMP/llama_cpp_python-$VERSION.tar.gz"
PREFIX="llama_cpp_python-$VERSION/vendor/llama.cpp"
tar -xzf "$SDIST" -C "$TMP" "$PREFIX/convert_hf_to_gguf.py" "$PREFIX/conversion" "$PREFIX/gguf-py" "$PREFIX/LICENSE"
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
mv "$TMP/$PREFIX" "$DEST"
echo "$VERSION" > "$DEST/VERSION"
echo "llama.cpp HF->GGUF converter $VERSION in $DEST"
