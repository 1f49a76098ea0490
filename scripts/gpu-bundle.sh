#!/usr/bin/env bash
# Packs what a cross-validation needs on an offline Linux x86-64 GPU machine without Node
# (such as a lent H100/H200) for scripts/gpu-cv.sh there:
#   .gpu/rt.tar.xz  node and the packages the CLI runs on (webgpu for linux-x64 only, esbuild
#                   for our loader), about 33 MB;
#   .gpu/data-SIZE  the data set resized to SIZE × SIZE by scripts/resized-dataset.ts: the same
#                   inputs, to rounding, for recipes without a crop (about 21 MB at 224);
#   .gl/*.deb       Debian's Vulkan and GL loaders (the NVIDIA ICD needs libglvnd beside libvulkan).
# Both folders are git-ignored through .git/info/exclude; send them with the tree (carry .gpu, .gl).
#   bash scripts/gpu-bundle.sh [DATA=../shared/data/covid-ct] [SIZE=224]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/covid-ct}; size=${2:-224}
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || printf '/.gpu/\n/.gl/\n' >> .git/info/exclude
mkdir -p .gpu .gl /tmp/amd64/partial
packages=(fast-png jpeg-js protobufjs @protobufjs long webgpu/package.json webgpu/index.js webgpu/dist/linux-x64
  wgsl_reflect fflate iobuffer esbuild @esbuild/linux-x64)
tar -cJf .gpu/rt.tar.xz -C / "${NODE_BINARY:-$(command -v node)}" -C "$PWD" "${packages[@]/#/node_modules/}"
[ -d ".gpu/data-$size" ] || node --import ./scripts/register-loader.mjs scripts/resized-dataset.ts "$data" ".gpu/data-$size" "$size"
apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
apt-get "${apt[@]}" update -qq
(cd .gl && apt-get "${apt[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -sh .gpu .gl
