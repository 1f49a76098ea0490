#!/usr/bin/env bash
# On the GPU machine, from the tree scripts/gpu-bundle.sh prepared: a 10-fold cross-validation
# on WebGPU for at most SECONDS, in PROCESSES child processes (an H200 makes about 9 training
# steps a second at 224 whatever the number, one process 7), resuming what runs/ already holds,
# so a CV longer than one call's limit goes on in the next call. RECIPES separated by commas run
# side by side, PROCESSES each, into runs/cv-RECIPE-SIZE (with TAG set: runs/cv-RECIPE-SIZE-TAG).
# Packs into $OUT the results and logs, and for each finished CV, in the order given, its fold
# models, velocities stripped, in tars of 3 (what fits the 8 files and 64 MiB a call returns).
#   [TAG=seed2] bash scripts/gpu-cv.sh SECONDS RECIPES [SIZE=224] [PROCESSES=5] [cv flags...]
set -u
cd "$(dirname "$0")/.."
secs=$1; recipes=$2; size=${3:-224}; processes=${4:-5}; shift $(($# < 4 ? $# : 4))
out=${OUT:-/tmp/gpu-cv-out}; mkdir -p "$out"
if [ -z "${REHEARSE:-}" ]; then
  command -v nvidia-smi >/dev/null || { echo "gpu-cv.sh: no nvidia-smi here; it unpacks packages into / and is meant for the GPU machine (REHEARSE=1 in a scratch copy tries it on SwiftShader)" >&2; exit 1; }
  for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
fi
if [ ! -x /tmp/rt/usr/bin/node ]; then mkdir -p /tmp/rt && tar -xJf .gpu/rt.tar.xz -C /tmp/rt && rm -rf node_modules && mv /tmp/rt/node_modules .; fi
export PATH=$(dirname "$(find /tmp/rt -name node -type f | head -1)"):$PATH
cross_validate() {
  local recipe=$1 dir=runs/cv-$1-$size${TAG:+-$TAG}; shift; mkdir -p "$dir"
  local resume=(); [ -f "$dir/part-1.json" ] && resume=(--resume)
  timeout -s INT "$secs" node bin/covid-ct.mjs cv --data ".gpu/data-$size" --recipe "$recipe" --size "$size" --folds 10 \
    --backend webgpu --out-dir "$dir" --processes "$processes" "${resume[@]}" "$@" >> "$dir.out" 2>> "$dir.err"
  local rc=$?; echo "$dir: cv exit $rc"; tail -c 3000 "$dir.out"; tail -c 1500 "$dir.err"
  [ $rc = 0 ] && touch "$dir.done"
}
dirs=()
for recipe in ${recipes//,/ }; do dirs+=("runs/cv-$recipe-$size${TAG:+-$TAG}"); cross_validate "$recipe" "$@" & done
wait
tar -czf "$out/results.tgz" $(for d in "${dirs[@]}"; do echo "$d.out" "$d.err"; find "$d" -name '*.json'; done)
for d in "${dirs[@]}"; do
  [ -f "$d.done" ] || continue
  node --import ./scripts/register-loader.mjs scripts/strip-velocity.ts "$d"/fold-*/checkpoint.safetensors
  ls "$d"/fold-*/checkpoint.safetensors | split -l 3 - "/tmp/gpu-cv-list-${d##*/}."
  for l in /tmp/gpu-cv-list-"${d##*/}".*; do
    [ "$(ls "$out" | wc -l)" -lt 8 ] && tar -cf "$out/${d##*/}-${l##*.}.tar" -T "$l"
  done
done
ls -la "$out"
