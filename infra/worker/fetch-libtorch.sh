#!/usr/bin/env bash
# fetch-libtorch.sh VERSION FLAVOR DEST
#   e.g. fetch-libtorch.sh 2.7.1 cu128 /opt/libtorch
#
# Downloads DJL's build of libtorch for one PyTorch version and flavour (cpu, cu128, ...)
# for linux-x86_64 into DEST. This is what DJL's LibUtils downloads on first use when no
# native jar fits: https://publish.djl.ai/pytorch/<version>/files.txt lists paths such as
# cu128/linux-x86_64/native/lib/libtorch_cuda.so.gz; each is gzip-compressed and its name
# URL-encoded. Doing it while the image is built means the container starts offline
# (DJL_OFFLINE=true) and every task gets exactly the same libraries.
#
# The worker's class path carries pytorch-native-cpu, which DJL would otherwise prefer;
# PYTORCH_LIBRARY_PATH=DEST makes DJL load these libraries instead.
set -euo pipefail

version="${1:?usage: fetch-libtorch.sh VERSION FLAVOR DEST}"
flavor="${2:?usage: fetch-libtorch.sh VERSION FLAVOR DEST}"
dest="${3:?usage: fetch-libtorch.sh VERSION FLAVOR DEST}"
classifier="linux-x86_64"
# DJL_PUBLISH_URL: a mirror of publish.djl.ai, if you have one.
base="${DJL_PUBLISH_URL:-https://publish.djl.ai}/pytorch/${version}"

curl_() { curl -fsSL --retry 5 --retry-delay 3 --retry-all-errors "$@"; }

mkdir -p "$dest"
files="$(curl_ "${base}/files.txt" | tr -d '\r' | grep "^${flavor}/${classifier}/native/lib/" || true)"
if [[ -z "$files" ]]; then
  echo "fetch-libtorch: ${base}/files.txt lists nothing for ${flavor}/${classifier}" >&2
  exit 1
fi

while IFS= read -r path; do
  encoded="$(basename "$path" .gz)"
  name="$(printf '%b' "${encoded//%/\\x}")" # URL-decode
  echo "fetch-libtorch: ${path}" >&2
  curl_ "${base}/${path}" | gunzip > "${dest}/${name}"
done <<< "$files"

if [[ ! -f "${dest}/libtorch.so" ]]; then
  echo "fetch-libtorch: no libtorch.so in ${dest}" >&2
  exit 1
fi
chmod 0755 "${dest}"/*
echo "fetch-libtorch: $(ls "$dest" | wc -l) files, $(du -sh "$dest" | cut -f1) in ${dest}" >&2
