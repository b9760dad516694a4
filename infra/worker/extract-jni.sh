#!/usr/bin/env bash
# extract-jni.sh LIB_DIR FLAVOR CACHE_DIR
#   e.g. extract-jni.sh /src/src/worker/target/quarkus-app/lib/main cu128 /opt/djl
#
# Puts DJL's JNI bridge for FLAVOR where DJL looks for it when libtorch comes from
# PYTORCH_LIBRARY_PATH: CACHE_DIR/pytorch/<native version>-<flavor>-linux-x86_64/
# <djl version>-libdjl_torch.so. DJL would copy the same file out of the pytorch-jni jar on
# the first start; doing it at build time lets the container run with a read-only cache.
# Needs the JDK's `jar` tool (the Maven build stage has it).
set -euo pipefail

lib="${1:?usage: extract-jni.sh LIB_DIR FLAVOR CACHE_DIR}"
flavor="${2:?usage: extract-jni.sh LIB_DIR FLAVOR CACHE_DIR}"
cache="${3:?usage: extract-jni.sh LIB_DIR FLAVOR CACHE_DIR}"
classifier="linux-x86_64"

one() { compgen -G "$1" | head -n 1 || true; }
engine_jar="$(one "${lib}/ai.djl.pytorch.pytorch-engine-*.jar")"
native_jar="$(one "${lib}/ai.djl.pytorch.pytorch-native-*.jar")"
jni_jar="$(one "${lib}/ai.djl.pytorch.pytorch-jni-*.jar")"
if [[ -z "$engine_jar" || -z "$native_jar" || -z "$jni_jar" ]]; then
  # Not fatal: DJL then extracts the bridge itself at first start (the cache stays writable).
  echo "extract-jni: DJL jars not found in ${lib}; DJL will extract the JNI at run time" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$engine_jar" pytorch-engine.properties \
  && jar xf "$native_jar" native/lib/pytorch.properties \
  && jar xf "$jni_jar" "jnilib/${classifier}/${flavor}/libdjl_torch.so")

djl_version="$(sed -n 's/^djl_version=//p' "$work/pytorch-engine.properties")"
native_version="$(sed -n 's/^version=//p' "$work/native/lib/pytorch.properties")"
so="$work/jnilib/${classifier}/${flavor}/libdjl_torch.so"
if [[ -z "$djl_version" || -z "$native_version" || ! -f "$so" ]]; then
  echo "extract-jni: no ${flavor} JNI in $(basename "$jni_jar") (djl=${djl_version:-?} native=${native_version:-?})" >&2
  exit 1
fi

target="${cache}/pytorch/${native_version}-${flavor}-${classifier}/${djl_version}-libdjl_torch.so"
install -D -m 0755 "$so" "$target"
echo "extract-jni: ${target}" >&2
