// Prints "openblas" when a Debian OpenBLAS (libopenblas-dev: cblas.h + libopenblas.so) is installed,
// else "none". binding.gyp reads it at configure time; XREASON_ENGINE_BLAS=none forces the portable
// fallback (to build what a machine without the package gets).
import { existsSync } from 'node:fs';

const wanted = process.env.XREASON_ENGINE_BLAS;
const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
const header = [`/usr/include/${arch}/cblas.h`, '/usr/include/cblas.h', '/usr/include/openblas/cblas.h'];
const lib = [`/usr/lib/${arch}/libopenblas.so`, '/usr/lib/libopenblas.so', '/usr/lib64/libopenblas.so'];
const found = header.some((p) => existsSync(p)) && lib.some((p) => existsSync(p));
process.stdout.write(wanted !== 'none' && found ? 'openblas' : 'none');
