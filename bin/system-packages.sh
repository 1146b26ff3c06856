# Sourced by .ci/run and bin/xreason: Debian packages the project needs or benefits from, installed
# with apt-get when running as root (CI and dev machines here are root Debian); elsewhere the callers
# say what is missing and go on.
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  [ -n "${apt_updated:-}" ] || { apt-get update -qq && apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ensure_packages WHO WHAT-FOR IF-NOT PACKAGE...: installs the packages not yet installed, saying why;
# a failed install is a warning (IF-NOT says what happens then), never an error.
ensure_packages() {
  local who=$1 what_for=$2 if_not=$3
  shift 3
  dpkg -s "$@" >/dev/null 2>&1 && return 0
  printf '\033[2m[%s] installing %s: %s\033[0m\n' "$who" "$what_for" "$*" >&2
  apt_install "$@" || printf '\033[2m[%s] could not install them; %s\033[0m\n' "$who" "$if_not" >&2
}

# OpenBLAS is the engine's fast GEMM: with it the full demo takes about a third of the time on 2 cores.
# XREASON_ENGINE_BLAS=none skips it (the engine then builds its portable fallback anyway).
ensure_openblas() {
  [ "${XREASON_ENGINE_BLAS:-}" != none ] || return 0
  ensure_packages "$1" "the engine's fast GEMM" "the engine builds its portable GEMM (slower)" libopenblas-dev
}
