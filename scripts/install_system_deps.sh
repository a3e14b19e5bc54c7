#!/usr/bin/env bash
# System packages the workspace needs beyond Python: Noto CJK fonts so figures (and browser screenshots)
# draw Chinese labels, and Debian's chromium for the headless-browser check of 06_e2e (Playwright drives it
# through executable_path; `playwright install` downloads its own browsers and is not used), and TeX Live
# (xelatex + ctex for Chinese, latexmk; poppler-utils for pdftotext/pdftoppm) to compile the sample thesis
# that `python -m edgecloud publish` fills (about 50 s and 590 MB the first time), and pandoc, which builds the
# thesis' Word version (build/thesis.docx) from the docx_source.md that publish writes.
# libtcmalloc-minimal4 is the malloc 03_train preloads into `swift sft` (train.allocator: tcmalloc, 1.2x faster here).
# Installs them with apt-get when running as root on Debian/Ubuntu; otherwise says what to install.
set -euo pipefail
packages=(fonts-noto-cjk chromium libtcmalloc-minimal4 latexmk texlive-xetex texlive-lang-chinese texlive-latex-recommended poppler-utils pandoc)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || echo "note: install a Noto Sans CJK font for Chinese figure labels (macOS: brew install --cask font-noto-sans-cjk)"
  command -v latexmk >/dev/null 2>&1 || echo "note: the sample thesis compiles with latexmk + xelatex + ctex (macOS: MacTeX)"
  command -v pandoc >/dev/null 2>&1 || echo "note: the Word version of the thesis is built with pandoc (macOS: brew install pandoc)"
  echo "note: 06_e2e drives a Chromium through Playwright: set e2e.chromium_path to its executable (macOS: brew install --cask chromium)"
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "note: missing system packages ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
fi
