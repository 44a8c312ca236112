"""Which BLAS this PyTorch multiplies with, and how fast: one JSON line.

Usage: /usr/bin/python3 bench/pytorch/blas.py [--threads K]

Debian's python3-torch is built with BLAS_INFO=generic: it calls whatever libblas.so.3 the system's
alternatives point at, the reference BLAS (a few GFLOP/s) unless libopenblas0-pthread is installed. So the
build settings alone do not say; this reports the BLAS library actually mapped into the process and a
measured 2400x640x256 sgemm.
"""
import argparse
import json
import re
import time

import torch

OPTIMISED_BLAS = re.compile(r'openblas|mkl|blis|atlas')


def blas_libraries():
    """The BLAS shared libraries mapped into this process (the dynamic linker's answer, not the build's)."""
    found = set()
    with open('/proc/self/maps') as maps:
        for line in maps:
            path = line.split()[-1] if '/' in line else ''
            if re.search(r'blas|mkl|blis', path.rsplit('/', 1)[-1]):
                found.add(path)
    return sorted(found)


def build_setting(name):
    match = re.search(name + r'=([^,\s]+)', torch.__config__.show())
    return match.group(1) if match else None


def sgemm_gflops(m=2400, k=640, n=256, repeats=20):
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(3):
        a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2.0 * m * k * n * repeats / (time.perf_counter() - start) / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--threads', type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    gflops = sgemm_gflops()
    libraries = blas_libraries()
    # A generic build multiplies with the libblas.so.3 it finds: the reference BLAS unless an optimised one is mapped.
    optimised = build_setting('BLAS_INFO') != 'generic' or any(OPTIMISED_BLAS.search(l) for l in libraries)
    kind = 'optimised' if optimised else 'reference'
    print(json.dumps({
        'torch': torch.__version__,
        'blas_info': build_setting('BLAS_INFO'),
        'mkldnn': torch.backends.mkldnn.is_available(),
        'libraries': libraries,
        'kind': kind,
        'threads': args.threads,
        'sgemm_gflops': round(gflops, 1),
    }), flush=True)


if __name__ == '__main__':
    main()
