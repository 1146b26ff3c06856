# Sourced by .ci/run and bin/xreason: Debian packages the project needs or benefits from, installed
# with apt-get when running as root (CI and dev machines here are root Debian); elsewhere the callers
# say what is missing and go on.
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  [ -n "${apt_updated:-}" ] || { apt-get update -qq && apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# OpenBLAS is the engine's fast GEMM: with it the full demo takes about a third of the time on 2 cores.
# Without it the engine builds its portable fallback, so a failed install is only a warning.
# XREASON_ENGINE_BLAS=none skips it (the engine then builds the fallback anyway).
ensure_openblas() {
  [ "${XREASON_ENGINE_BLAS:-}" != none ] || return 0
  dpkg -s libopenblas-dev >/dev/null 2>&1 && return 0
  printf '\033[2m[%s] installing libopenblas-dev (the engine'"'"'s fast GEMM)\033[0m\n' "$1" >&2
  apt_install libopenblas-dev ||
    printf '\033[2m[%s] could not install libopenblas-dev; the engine builds its portable GEMM (slower)\033[0m\n' "$1" >&2
}
