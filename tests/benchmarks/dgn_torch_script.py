#!/usr/bin/python3
"""The "plain PyTorch script" of issue 15: Deep Gauss-Newton written directly in PyTorch (the
python3-torch 1.13 of Debian 12, the same LibTorch and oneDNN that PhaseLab links), timed on the
two figures models_bench prints for PhaseLab:

  * inference of one 512² hologram (10 unrolled iterations, no autograd, channels-last);
  * training at 128², batch 10 (forward, backward, Adam step), in samples/s.

The network and operator follow physics.md §2-§5 as PhaseLab's DGN does: T = exp(-B - iφ),
periodic transfer-function propagator H = exp(-iπλD|ξ|²), I = |P T|², the Fréchet derivative
and its adjoint, G and H of three 5×5 convolutions (16, 32 channels, LReLU 0.3), H fed
[f, F'*F' g], 31,300 parameters. Weights are random: speed does not depend on them.

Run it as PhaseLab runs, with every core and glibc's allocator settings of core/parallel.cpp
(scripts/benchmarks.sh does this):

  MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824 \
      python3 tests/benchmarks/dgn_torch_script.py [--json]
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ENERGY_KEV, DISTANCE_M, PIXEL_M = 13.0, 20e-3, 12e-9
SLOPE = 0.3


def kernel(n):
    """Fresnel transfer function of the DGN paper's geometry on an n×n periodic grid."""
    wavelength = 12.398419843320026e-10 / ENERGY_KEV  # hc / E
    xi = torch.fft.fftfreq(n, d=PIXEL_M, dtype=torch.float64)
    q2 = xi[:, None] ** 2 + xi[None, :] ** 2
    h = torch.exp(-1j * math.pi * wavelength * DISTANCE_M * q2)
    return h.to(torch.complex64)


class Fresnel:
    def __init__(self, n):
        self.h = kernel(n)

    def propagate(self, x, conj=False):
        return torch.fft.ifft2(torch.fft.fft2(x) * (self.h.conj() if conj else self.h))

    def linearize(self, f):
        psi = torch.exp(torch.complex(-f[:, 0], -f[:, 1]))
        u = self.propagate(psi)
        return psi, u, u.real ** 2 + u.imag ** 2

    def derivative(self, psi, u, df):
        du = self.propagate(psi * torch.complex(-df[:, 0], -df[:, 1]))
        return 2 * (u.real * du.real + u.imag * du.imag)

    def adjoint(self, psi, u, g):
        w = self.propagate(2 * u * g, conj=True) * psi.conj()
        return torch.stack((-w.real, -w.imag), 1)


def block(inputs):
    return nn.Sequential(
        nn.Conv2d(inputs, 16, 5, padding=2), nn.LeakyReLU(SLOPE),
        nn.Conv2d(16, 32, 5, padding=2), nn.LeakyReLU(SLOPE),
        nn.Conv2d(32, 2, 5, padding=2))


class Dgn(nn.Module):
    def __init__(self, iterations=10):
        super().__init__()
        self.iterations = iterations
        self.g = block(2)
        self.h = block(4)
        self.op = None

    def forward(self, holo):
        n = holo.shape[-1]
        if self.op is None or self.op.h.shape[-1] != n:
            self.op = Fresnel(n)
        op = self.op
        intensity = holo[:, 0]
        f = torch.zeros(holo.shape[0], 2, n, n)
        for _ in range(self.iterations):
            fp = torch.cat((f[:, :1].clamp_min(0), f[:, 1:]), 1)
            psi, u, i = op.linearize(fp)
            cl = torch.channels_last
            g = op.adjoint(psi, u, intensity - i) + self.g(f.contiguous(memory_format=cl))
            s = op.adjoint(psi, u, op.derivative(psi, u, g))
            f = F.leaky_relu(f + self.h(torch.cat((f, s), 1).contiguous(memory_format=cl)), SLOPE)
        return f


def sample(n, batch, seed):
    gen = torch.Generator().manual_seed(seed)
    holo = 1 + 0.1 * torch.randn(batch, 1, n, n, generator=gen)
    target = torch.stack((1e-3 * torch.rand(batch, n, n, generator=gen),
                          0.1 * torch.rand(batch, n, n, generator=gen)), 1)
    return holo, target


def check_operator(n=32):
    """<F'(f) df, r> = <df, F'(f)* r> and a first-order Taylor remainder: the script times a
    correct operator."""
    gen = torch.Generator().manual_seed(5)
    op = Fresnel(n)
    f = torch.stack((0.05 * torch.rand(1, n, n, generator=gen),
                     0.5 * torch.rand(1, n, n, generator=gen)), 1)
    df = torch.randn(1, 2, n, n, generator=gen)
    r = torch.randn(1, n, n, generator=gen)
    psi, u, i = op.linearize(f)
    lhs = (op.derivative(psi, u, df) * r).sum().item()
    rhs = (df * op.adjoint(psi, u, r)).sum().item()
    adjoint = abs(lhs - rhs) / abs(lhs)
    eps = 1e-3
    taylor = ((op.linearize(f + eps * df)[2] - i - eps * op.derivative(psi, u, df)).norm() /
              (eps * op.derivative(psi, u, df)).norm()).item()
    return adjoint, taylor


def precision(bf16):
    """The script's mixed precision: CPU autocast runs the convolutions in bfloat16."""
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)


def time_inference(model, n, repeats, bf16=False):
    holo, _ = sample(n, 1, 1)
    model.eval()
    times = []
    with torch.no_grad(), precision(bf16):
        model(holo)  # warm-up: oneDNN primitives, allocator
        for _ in range(repeats):
            t = time.perf_counter()
            model(holo)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def time_training(model, n, batch, steps, bf16=False):
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    holo, target = sample(n, batch, 2)
    times = []
    for k in range(steps + 1):
        t = time.perf_counter()
        opt.zero_grad()
        with precision(bf16):
            out = model(holo)
        loss = F.mse_loss(out.float(), target)
        loss.backward()
        opt.step()
        if k > 0:  # the first step warms up
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--repeats", type=int, default=5, help="timed inferences (median)")
    ap.add_argument("--steps", type=int, default=5, help="timed training steps (median)")
    ap.add_argument("--bf16", action="store_true",
                    help="also time with torch.autocast(bfloat16) (the plain script is float32)")
    ap.add_argument("--check", action="store_true",
                    help="only check the operator's adjoint and derivative, then exit")
    a = ap.parse_args()
    if a.check:
        adjoint, taylor = check_operator()
        print(f"adjoint relative mismatch {adjoint:.2e}, Taylor remainder at eps 1e-3 {taylor:.2e}")
        raise SystemExit(0 if adjoint < 1e-4 and taylor < 1e-2 else 1)
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(0)
    model = Dgn().to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in model.parameters())
    assert params == 31300, params
    infer = time_inference(model, 512, a.repeats)
    step = time_training(model, 128, 10, a.steps)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(),
              "parameters": params, "inference_512_s": infer,
              "training_128_b10_step_s": step, "training_128_b10_samples_per_s": 10 / step}
    if a.bf16:
        result["bf16_inference_512_s"] = time_inference(model, 512, a.repeats, True)
        result["bf16_training_128_b10_step_s"] = time_training(model, 128, 10, a.steps, True)
    if a.json:
        print(json.dumps(result))
    else:
        print(f"PyTorch {result['torch']} script, {result['threads']} threads, {params} parameters")
        print(f"  DGN inference 512²: {infer:.3f} s (median of {a.repeats})")
        print(f"  DGN training 128², batch 10: {step:.3f} s per step, "
              f"{10 / step:.2f} samples/s (median of {a.steps})")
        if a.bf16:
            bi, bs = result["bf16_inference_512_s"], result["bf16_training_128_b10_step_s"]
            print(f"  with torch.autocast(bfloat16): inference {bi:.3f} s, training {bs:.3f} s "
                  f"per step, {10 / bs:.2f} samples/s")


if __name__ == "__main__":
    main()
