#include <phaselab/core/irgn.h>

#include <phaselab/core/ctf_multi.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/units.h>

#include <phaselab/core/metrics.h>
#include <phaselab/core/paganin.h>
#include <phaselab/core/raar.h>

#include "irgn_preconditioner.h"
#include "recon_common.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace phaselab::core {

std::string toString(IrgnPenalty penalty)
{
    return penalty == IrgnPenalty::Sobolev ? "sobolev" : "tikhonov";
}

IrgnPenalty parseIrgnPenalty(const std::string& text)
{
    if (text == "tikhonov")
        return IrgnPenalty::Tikhonov;
    if (text == "sobolev")
        return IrgnPenalty::Sobolev;
    throw InputError("IRGN penalty '" + text + "' is not one of tikhonov, sobolev");
}

std::string toString(IrgnInitialGuess guess)
{
    switch (guess) {
    case IrgnInitialGuess::Ctf: return "ctf";
    case IrgnInitialGuess::Paganin: return "paganin";
    case IrgnInitialGuess::Auto: return "auto";
    case IrgnInitialGuess::Raar: return "raar";
    case IrgnInitialGuess::Zero: break;
    }
    return "zero";
}

IrgnInitialGuess parseIrgnInitialGuess(const std::string& text)
{
    if (text == "zero")
        return IrgnInitialGuess::Zero;
    if (text == "ctf")
        return IrgnInitialGuess::Ctf;
    if (text == "paganin")
        return IrgnInitialGuess::Paganin;
    if (text == "auto")
        return IrgnInitialGuess::Auto;
    if (text == "raar")
        return IrgnInitialGuess::Raar;
    throw InputError("IRGN initial guess '" + text +
                     "' is not one of zero, ctf, paganin, raar, auto");
}

namespace {

/// The RAAR start's options: the solver's β/δ (homogeneous) and forward model.
RaarOptions raarStartOptions(const IrgnOptions& o)
{
    RaarOptions r;
    r.betaDelta = o.betaDelta.value_or(0.0);
    r.propagation = o.propagation;
    return r;
}

} // namespace

void IrgnOptions::validate() const
{
    recon::requirePositiveParameter(alpha0, "IRGN α_0");
    if (!std::isfinite(q) || q <= 0.0 || q >= 1.0)
        throw InputError("IRGN q must lie strictly between 0 and 1 (α_k = α_0 q^k), got " +
                         formatNumber(q, 6));
    if (newtonSteps < 1)
        throw InputError("IRGN needs at least one Newton step, got " +
                         std::to_string(newtonSteps));
    if (cgIterations < 1)
        throw InputError("IRGN needs at least one CG iteration per Newton step, got " +
                         std::to_string(cgIterations));
    if (betaDelta)
        recon::requirePositiveParameter(*betaDelta, "IRGN β/δ", true);
    if (penalty == IrgnPenalty::Sobolev) {
        recon::requirePositiveParameter(sobolevScale, "IRGN Sobolev scale s");
        recon::requirePositiveParameter(sobolevOrder, "IRGN Sobolev order m", true);
    }
    recon::requirePositiveParameter(noiseLevel, "IRGN noise level", true);
    if (!std::isfinite(tau) || tau < 1.0)
        throw InputError("IRGN discrepancy factor τ must be ≥ 1, got " + formatNumber(tau, 6));
    if (!std::isfinite(cgTolerance) || cgTolerance < 0.0 || cgTolerance >= 1.0)
        throw InputError("IRGN CG tolerance must lie in [0, 1), got " + formatNumber(cgTolerance, 6));
    if (support)
        requireFinite(*support, "IRGN support");
    if (truePhase)
        requireFinite(*truePhase, "IRGN true phase");
    requirePhaseSign(propagation.phaseSign);
    if (initialGuess == IrgnInitialGuess::Paganin && propagation.phaseSign > 0)
        throw InputError("IRGN Paganin start cannot use holograms in the exp(+iφ) convention");
    if (initialGuess == IrgnInitialGuess::Paganin && !(betaDelta.value_or(0.0) > 0.0))
        throw InputError("IRGN Paganin start needs the homogeneous unknown with β/δ > 0 (the "
                         "sample's δ/β)");
    if (initialGuess == IrgnInitialGuess::Raar) {
        if (!betaDelta)
            throw InputError("IRGN RAAR start needs the homogeneous unknown (β/δ)");
        raarStartOptions(*this).validate();
    }
    if (initialGuess == IrgnInitialGuess::Ctf || initialGuess == IrgnInitialGuess::Auto ||
        alpha0FromData) {
        CtfOptions c = ctf;
        c.betaDelta = betaDelta.value_or(ctf.betaDelta);
        c.validate();
    }
}

namespace {

constexpr double kPi = 3.14159265358979323846;

using C = Complex<float>;

// α_0 from the data reaches the CTF's α after this many steps (not newtonSteps, so that a
// continued run equals a longer one).
constexpr int kAlpha0Steps = 20;

// CG stops early once ‖r‖² ≤ this × ‖r_0‖² (float32 cannot resolve more).
constexpr double kCgRelativeTolerance = 1e-12;

// An element of the unknowns' space: (B, φ) for the joint problem, (φ) for the homogeneous one.
struct Vec {
    std::array<ImageF, 2> ch;
    int count = 0;

    void init(int channels, int w, int h)
    {
        count = channels;
        for (int c = 0; c < channels; ++c)
            ch[std::size_t(c)] = ImageF(w, h, 0.0f);
    }
    float* data(int c) { return ch[std::size_t(c)].data(); }
    const float* data(int c) const { return ch[std::size_t(c)].data(); }
};

// The Sobolev weight (1 + |ξ|²/s²)^m applied by FFT. Both channels of a joint vector go
// through one complex FFT as real and imaginary parts: the weight is real and even, so it maps
// real images to real images and the two parts do not mix.
class SobolevWeight {
public:
    SobolevWeight(int w, int h, double scale, double order)
        : m_fft(h, w, FftEffort::Measure), m_buf(std::size_t(w) * h),
          m_weight(std::size_t(w) * h)
    {
        const double norm = 1.0 / (double(w) * double(h));
        for (int y = 0; y < h; ++y) {
            const double fy = fftFrequency(y, h, 1.0);
            for (int x = 0; x < w; ++x) {
                const double fx = fftFrequency(x, w, 1.0);
                m_weight[std::size_t(y) * w + std::size_t(x)] =
                    float(norm * std::pow(1.0 + (fx * fx + fy * fy) / (scale * scale), order));
            }
        }
    }

    // out ← R in (per channel); out may not alias in.
    void apply(const Vec& in, Vec& out)
    {
        const std::ptrdiff_t n = std::ptrdiff_t(m_buf.size());
        const float* a = in.data(0);
        const float* b = in.count > 1 ? in.data(1) : nullptr;
        C* buf = m_buf.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i)
            buf[i] = C(a[i], b ? b[i] : 0.0f);
        m_fft.forward(buf);
        const float* wgt = m_weight.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i)
            buf[i] *= wgt[i];
        m_fft.backward(buf);
        float* oa = out.data(0);
        float* ob = out.count > 1 ? out.data(1) : nullptr;
#pragma omp parallel for schedule(static) if (recon::parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            oa[i] = buf[i].real();
            if (ob)
                ob[i] = buf[i].imag();
        }
    }

private:
    Fft2D<float> m_fft;
    AlignedBuffer<C> m_buf;
    AlignedBuffer<float> m_weight;
};

IrgnOptions checked(const std::vector<ImageF>& holograms, const std::vector<Geometry>& geometries,
                   IrgnOptions o)
{
    if (holograms.empty())
        throw InputError("IRGN: no hologram");
    if (holograms.size() != geometries.size())
        throw InputError("IRGN: " + std::to_string(holograms.size()) + " holograms but " +
                         std::to_string(geometries.size()) + " geometries");
    const bool several = holograms.size() > 1;
    for (std::size_t d = 0; d < holograms.size(); ++d) {
        geometries[d].validate();
        recon::requireHologram(holograms[d], holograms[0].width(), holograms[0].height(),
                               several ? "IRGN, distance " + std::to_string(d + 1) : "IRGN");
        if (geometries[d].energyKeV != geometries[0].energyKeV ||
            geometries[d].pixelSizeM != geometries[0].pixelSizeM)
            throw InputError("multi-distance IRGN: the holograms must share energy and "
                             "(effective) pixel size; register them first");
    }
    o.validate();
    if (several && o.precondition)
        throw InputError("multi-distance IRGN: the CTF preconditioner is for one distance only");
    if (several && o.initialGuess == IrgnInitialGuess::Raar)
        throw InputError("multi-distance IRGN: the RAAR start is for one distance only");
    return o;
}

PropagationOptions measured(PropagationOptions p)
{
    p.fftPlanning = FftEffort::Measure;  // thousands of applications
    return p;
}

} // namespace

struct Irgn::State {
    IrgnOptions options;
    std::vector<Geometry> geometries;
    int w, h;
    std::size_t n;
    bool homogeneous;
    float ratio;  // β/δ of the homogeneous variant
    // One operator and hologram per distance: the stacked operator F = (F_1, …, F_D), with
    // F′*F′ = Σ_d F_d′*F_d′ and the residual over all distances (one distance: D = 1).
    std::vector<FresnelOperator<float>> ops;
    std::unique_ptr<SobolevWeight> sobolev;
    std::unique_ptr<recon::CtfPreconditioner> preconditioner;
    std::vector<ImageF> holograms;
    ImageF mask;  // empty when there is no support
    ImageF B, phi, B0, phi0;
    std::vector<ImageF> models;         // F_d(f_k)
    std::vector<ImageF> dataResiduals;  // I_d − F_d(f_k)
    ImageF scratch, gB, gP;
    ImageF tB, tP;  // F_d′* g of the distances after the first, summed into the first's
    Vec x, r, p, Ap, diff, penalty, z;
    ImageF trialB, trialPhi;  // f_k kept while a safeguarded step is tried
    int k = 0;
    long long cgDone = 0;
    double alphaK;
    double residual = 0;
    std::vector<double> history, nmse;
    int rejected = 0;
    IrgnStop stop = IrgnStop::Running;
    IrgnInitialGuess usedStart = IrgnInitialGuess::Ctf;  // the start taken (Auto resolved)

    State(const std::vector<ImageF>& Is, const std::vector<Geometry>& gs, IrgnOptions o,
          const ProgressReporter& progress)
        : options(checked(Is, gs, std::move(o))), geometries(gs), w(Is[0].width()),
          h(Is[0].height()), n(Is[0].size()), homogeneous(options.betaDelta.has_value()),
          ratio(float(options.betaDelta.value_or(0.0))), holograms(Is), alphaK(options.alpha0)
    {
        const ImageF& I = Is[0];
        const Geometry& g = gs[0];
        ops.reserve(gs.size());
        for (const Geometry& gd : gs)
            ops.emplace_back(gd, w, h, measured(options.propagation));
        models.resize(gs.size());
        dataResiduals.assign(gs.size(), ImageF(w, h, kNoInit));
        if (options.support) {
            requireSameShape(*options.support, I, "IRGN support and hologram");
            mask = ImageF(w, h, kNoInit);
            for (std::size_t i = 0; i < n; ++i)
                mask[i] = (*options.support)[i] != 0.0f ? 1.0f : 0.0f;
        }
        if (options.penalty == IrgnPenalty::Sobolev)
            sobolev = std::make_unique<SobolevWeight>(w, h, options.sobolevScale,
                                                      options.sobolevOrder);
        const int channels = homogeneous ? 1 : 2;
        for (Vec* v : {&x, &r, &p, &Ap, &diff})
            v->init(channels, w, h);
        if (options.precondition) {
            z.init(channels, w, h);
            preconditioner = std::make_unique<recon::CtfPreconditioner>(
                g, w, h, homogeneous, ratio,
                options.penalty == IrgnPenalty::Sobolev ? options.sobolevScale : 0.0,
                options.sobolevOrder, options.propagation.phaseSign);
        }
        if (options.truePhase)
            requireSameShape(*options.truePhase, I, "IRGN true phase and hologram");
        if (sobolev)
            penalty.init(channels, w, h);
        scratch = ImageF(w, h, kNoInit);

        // Auto: Paganin competes with CTF where it applies; CTF alone elsewhere.
        const bool paganinApplies = homogeneous && options.betaDelta.value_or(0.0) > 0.0 &&
                                    options.propagation.phaseSign < 0;
        // Auto: RAAR competes in the holographic regime, where the direct methods break down,
        // and only where its object constraint (the empty beam outside the field) is the
        // operator's own.
        const bool raarCompetes = options.initialGuess == IrgnInitialGuess::Auto && homogeneous &&
                                  gs.size() == 1 &&
                                  options.propagation.padding == Padding::Unit &&
                                  options.propagation.oversample == 1 &&
                                  g.fresnelNumber() < kIrgnRaarFresnelNumber;
        usedStart = options.initialGuess;
        std::optional<double> startResidual;  // of the start chosen so far, once computed
        if (usedStart == IrgnInitialGuess::Auto && !paganinApplies)
            usedStart = IrgnInitialGuess::Ctf;
        const bool ctfStart = usedStart == IrgnInitialGuess::Ctf || usedStart == IrgnInitialGuess::Auto;
        if (gs.size() > 1 && (options.alpha0FromData || ctfStart)) {
            // Several distances: the multi-distance CTF's estimate and α (ctf_multi.h).
            CtfOptions c = options.ctf;
            c.betaDelta = options.betaDelta.value_or(options.ctf.betaDelta);
            c.phaseSign = options.propagation.phaseSign;
            double chosen = c.alphaLow;
            Reconstruction f0 = reconstructCtfMultiDistance(Is, gs, c, &chosen);
            if (options.alpha0FromData)
                alphaK = chosen / std::pow(options.q, kAlpha0Steps);
            if (ctfStart) {
                B0 = std::move(f0.absorption);
                phi0 = std::move(f0.phase);
            }
        } else if (options.alpha0FromData || ctfStart) {
            CtfOptions c = options.ctf;
            c.betaDelta = options.betaDelta.value_or(options.ctf.betaDelta);
            c.phaseSign = options.propagation.phaseSign;
            Ctf ctf(g, w, h, c);
            Reconstruction f0 = ctf.reconstruct(I);
            if (options.alpha0FromData)
                alphaK = ctf.lastAlpha().alphaLow / std::pow(options.q, kAlpha0Steps);
            if (ctfStart) {
                B0 = std::move(f0.absorption);
                phi0 = std::move(f0.phase);
            }
        }
        if (usedStart == IrgnInitialGuess::Paganin || usedStart == IrgnInitialGuess::Auto) {
            // Several distances: Paganin of the first (the series' reference) hologram.
            PaganinOptions pg;
            pg.deltaBeta = 1.0 / *options.betaDelta;
            pg.padding = options.ctf.padding;
            pg.padFactor = options.ctf.padFactor;
            pg.fadeBorder = options.ctf.fadeBorder;
            Reconstruction f0 = reconstructPaganin(I, g, pg);
            // Paganin's filter 1/(1 + 4π²L²|ξ|²), L² = λD(δ/β)/(4π): when L exceeds the field,
            // its lowest frequencies and its mean come from the border handling, not the data
            // (a constant phase is nearly invisible in a hologram), so Auto gives it the CTF
            // start's mean (measured on the 6 rad spheres, 128²: Paganin's mean 10 rad against
            // 0.48 true at F = 0.001, L = 5.4 fields; right within 0.02 rad at F = 0.1, L = 0.5).
            const double filterLength =
                std::sqrt(g.wavelengthM() * g.distanceM / *options.betaDelta / (4.0 * kPi));
            if (usedStart == IrgnInitialGuess::Auto &&
                filterLength > double(std::min(w, h)) * g.pixelSizeM) {
                double shift = 0;
                for (std::size_t i = 0; i < n; ++i)
                    shift += double(phi0[i]) - double(f0.phase[i]);
                shift /= double(n);
                for (float& v : f0.phase)
                    v += float(shift);
            }
            forceHomogeneous(f0.absorption, f0.phase);
            if (usedStart == IrgnInitialGuess::Auto) {
                // The CTF start's residual against Paganin's; the smaller one starts.
                forceHomogeneous(B0, phi0);
                const double ctfResidual = residualAt(B0, phi0);
                const double paganinResidual = residualAt(f0.absorption, f0.phase);
                usedStart = paganinResidual < ctfResidual ? IrgnInitialGuess::Paganin
                                                          : IrgnInitialGuess::Ctf;
                startResidual = std::min(ctfResidual, paganinResidual);
            }
            if (usedStart == IrgnInitialGuess::Paganin) {
                B0 = std::move(f0.absorption);
                phi0 = std::move(f0.phase);
            }
        } else if (usedStart == IrgnInitialGuess::Zero) {
            B0 = ImageF(w, h, 0.0f);
            phi0 = ImageF(w, h, 0.0f);
        }
        if (usedStart == IrgnInitialGuess::Raar || raarCompetes) {
            Reconstruction f0 = reconstructRaar(I, g, raarStartOptions(options), progress);
            if (raarCompetes) {
                // Auto's choice so far against RAAR, by the data residual.
                forceHomogeneous(B0, phi0);
                const double directResidual = startResidual ? *startResidual : residualAt(B0, phi0);
                if (residualAt(f0.absorption, f0.phase) < directResidual)
                    usedStart = IrgnInitialGuess::Raar;
            }
            if (usedStart == IrgnInitialGuess::Raar) {
                B0 = std::move(f0.absorption);
                phi0 = std::move(f0.phase);
            }
        }
        if (homogeneous)
            forceHomogeneous(B0, phi0);
        B = B0;
        phi = phi0;
        linearize();
        record();
        updateStop();
    }

    // The data residual of a candidate start (linearizes there; the constructor linearizes at
    // the chosen f_0 afterwards).
    double residualAt(const ImageF& absorption, const ImageF& phase)
    {
        B = absorption;
        phi = phase;
        linearize();
        return residual;
    }

    void record()
    {
        history.push_back(residual);
        if (options.truePhase)
            nmse.push_back(nmsePercent(phi, *options.truePhase));
    }

    // z ← M⁻¹ r (masked like the operator); returns ⟨r, z⟩. Without a preconditioner z is r.
    double precondition(const Vec& res, float alpha)
    {
        if (!preconditioner)
            return 0.0;
        const float* in[2] = {res.data(0), res.count > 1 ? res.data(1) : nullptr};
        float* out[2] = {z.data(0), z.count > 1 ? z.data(1) : nullptr};
        preconditioner->apply(in, out, alpha);
        double acc = 0;
        const float* mk = mask.empty() ? nullptr : mask.data();
        for (int c = 0; c < res.count; ++c) {
            float* zc = z.data(c);
            const float* rc = res.data(c);
            const std::ptrdiff_t nn = std::ptrdiff_t(n);
#pragma omp parallel for schedule(static) reduction(+ : acc) if (recon::parallelWorth(n))
            for (std::ptrdiff_t i = 0; i < nn; ++i) {
                if (mk)
                    zc[i] *= mk[i];
                acc += double(rc[i]) * double(zc[i]);
            }
        }
        return acc;
    }

    void forceHomogeneous(ImageF& b, const ImageF& ph) const
    {
        for (std::size_t i = 0; i < n; ++i)
            b[i] = ratio * ph[i];
    }

    // models ← F_d(f_k), dataResiduals ← I_d − F_d(f_k), residual ← their RMS over all
    // distances.
    void linearize()
    {
        double total = 0;
        for (std::size_t dd = 0; dd < ops.size(); ++dd) {
            models[dd] = ops[dd].linearize(B, phi);
            double s = 0;
            const float* I = holograms[dd].data();
            const float* m = models[dd].data();
            float* d = dataResiduals[dd].data();
            const std::ptrdiff_t nn = std::ptrdiff_t(n);
#pragma omp parallel for schedule(static) reduction(+ : s) if (recon::parallelWorth(n))
            for (std::ptrdiff_t i = 0; i < nn; ++i) {
                d[i] = I[i] - m[i];
                s += double(d[i]) * double(d[i]);
            }
            total += s;
        }
        residual = std::sqrt(total / (double(n) * double(ops.size())));
    }

    void updateStop()
    {
        if (options.noiseLevel > 0 && residual <= options.tau * options.noiseLevel)
            stop = IrgnStop::Discrepancy;
        else if (k >= options.newtonSteps)
            stop = IrgnStop::IterationLimit;
        else
            stop = IrgnStop::Running;
    }

    // out ← M · (F′*g + α · pen) on the unknowns, where F′*g is (gB, gP) folded onto them:
    // (gB, gP) for the joint problem (already in `out`), (β/δ) gB + gP for the homogeneous one
    // (in the members gB, gP); M is the support mask. Returns ⟨w, out⟩, or ⟨out, out⟩ when w is
    // null. One pass over memory (physics.md §4: F′h = F′(h β/δ, h), adjoint the matching sum).
    double combine(const Vec& pen, float alpha, Vec& out, const Vec* w)
    {
        const std::ptrdiff_t nn = std::ptrdiff_t(n);
        const float* mk = mask.empty() ? nullptr : mask.data();
        double acc = 0;
        if (homogeneous) {
            const float* b = gB.data();
            const float* ph = gP.data();
            const float* pv = pen.data(0);
            const float* wv = w ? w->data(0) : nullptr;
            float* o = out.data(0);
            const float c = ratio;
#pragma omp parallel for schedule(static) reduction(+ : acc) if (recon::parallelWorth(n))
            for (std::ptrdiff_t i = 0; i < nn; ++i) {
                float t = c * b[i] + ph[i] + alpha * pv[i];
                if (mk)
                    t *= mk[i];
                o[i] = t;
                acc += double(wv ? wv[i] : t) * double(t);
            }
            return acc;
        }
        float* o0 = out.data(0);
        float* o1 = out.data(1);
        const float* p0 = pen.data(0);
        const float* p1 = pen.data(1);
        const float* w0 = w ? w->data(0) : nullptr;
        const float* w1 = w ? w->data(1) : nullptr;
#pragma omp parallel for schedule(static) reduction(+ : acc) if (recon::parallelWorth(n))
        for (std::ptrdiff_t i = 0; i < nn; ++i) {
            float t0 = o0[i] + alpha * p0[i];
            float t1 = o1[i] + alpha * p1[i];
            if (mk) {
                t0 *= mk[i];
                t1 *= mk[i];
            }
            o0[i] = t0;
            o1[i] = t1;
            acc += double(w0 ? w0[i] : t0) * double(t0) + double(w1 ? w1[i] : t1) * double(t1);
        }
        return acc;
    }

    // F_d′* g into `out` (joint) or into the members gB, gP (homogeneous), for combine():
    // distance 0 sets them, the others add to them (the stacked adjoint Σ_d F_d′* g_d).
    void adjoint(std::size_t d, const ImageF& g, Vec& out)
    {
        ImageF& a = homogeneous ? gB : out.ch[0];
        ImageF& b = homogeneous ? gP : out.ch[1];
        if (d == 0) {
            ops[0].adjoint(g, a, b);
            return;
        }
        ops[d].adjoint(g, tB, tP);
        float* pa = a.data();
        float* pb = b.data();
        const float* qa = tB.data();
        const float* qb = tP.data();
        const std::ptrdiff_t nn = std::ptrdiff_t(n);
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
        for (std::ptrdiff_t i = 0; i < nn; ++i) {
            pa[i] += qa[i];
            pb[i] += qb[i];
        }
    }

    // R v: v itself for Tikhonov, else the Sobolev weight applied into `penalty`.
    const Vec& penaltyOf(const Vec& v)
    {
        if (!sobolev)
            return v;
        sobolev->apply(v, penalty);
        return penalty;
    }

    // out ← (F′*F′ + α R) v on the support (physics.md §4); returns ⟨v, out⟩.
    double applyNormal(const Vec& v, float alpha, Vec& out)
    {
        if (homogeneous) {
            const float* a = v.data(0);
            float* s = scratch.data();
            const float c = ratio;
            const std::ptrdiff_t nn = std::ptrdiff_t(n);
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
            for (std::ptrdiff_t i = 0; i < nn; ++i)
                s[i] = c * a[i];
        }
        for (std::size_t dd = 0; dd < ops.size(); ++dd) {
            ImageF d = homogeneous ? ops[dd].derivative(scratch, v.ch[0])
                                   : ops[dd].derivative(v.ch[0], v.ch[1]);
            adjoint(dd, d, out);
        }
        return combine(penaltyOf(v), alpha, out, &v);
    }

    void newtonStep(const ProgressReporter& progress)
    {
        progress.checkCancel();
        const float alpha = float(alphaK);
        // rhs = F′*(I − F(f_k)) − α_k R(f_k − f_0), in r.
        {
            const std::array<const ImageF*, 2> cur = {homogeneous ? &phi : &B, &phi};
            const std::array<const ImageF*, 2> ini = {homogeneous ? &phi0 : &B0, &phi0};
            for (int c = 0; c < diff.count; ++c) {
                float* d = diff.data(c);
                const float* f = cur[std::size_t(c)]->data();
                const float* f0 = ini[std::size_t(c)]->data();
                const std::ptrdiff_t nn = std::ptrdiff_t(n);
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
                for (std::ptrdiff_t i = 0; i < nn; ++i)
                    d[i] = f[i] - f0[i];
            }
        }
        for (std::size_t dd = 0; dd < ops.size(); ++dd)
            adjoint(dd, dataResiduals[dd], r);
        double rr = combine(penaltyOf(diff), -alpha, r, nullptr);

        // (Preconditioned) conjugate gradients on the normal equations from δf = 0; with M⁻¹,
        // search directions follow z = M⁻¹ r and ⟨r, z⟩ replaces ‖r‖².
        const bool pre = preconditioner != nullptr;
        double rz = pre ? precondition(r, alpha) : rr;
        const Vec& dir = pre ? z : r;
        for (int c = 0; c < x.count; ++c) {
            std::fill(x.ch[std::size_t(c)].begin(), x.ch[std::size_t(c)].end(), 0.0f);
            std::copy(dir.ch[std::size_t(c)].begin(), dir.ch[std::size_t(c)].end(),
                      p.ch[std::size_t(c)].begin());
        }
        const double rr0 = rr, rz0 = rz;
        const int M = options.cgIterations;
        const std::string stage =
            "Newton " + std::to_string(k + 1) + "/" + std::to_string(options.newtonSteps);
        const bool two = x.count > 1;
        const std::ptrdiff_t nn = std::ptrdiff_t(n);
        for (int j = 0; j < M; ++j) {
            // Solved to float precision (‖r‖ ≤ 1e-6 ‖r_0‖), or nothing to do: further
            // iterations would only stir rounding noise.
            if (!(rr > kCgRelativeTolerance * rr0))
                break;
            const double pAp = applyNormal(p, alpha, Ap);
            if (!(pAp > 0.0))
                break;  // lost positive definiteness to rounding: keep what we have
            const float a = float(rz / pAp);
            double rrNew = 0;
            {
                float* x0 = x.data(0);
                float* r0 = r.data(0);
                const float* p0 = p.data(0);
                const float* q0 = Ap.data(0);
                float* x1 = two ? x.data(1) : nullptr;
                float* r1 = two ? r.data(1) : nullptr;
                const float* p1 = two ? p.data(1) : nullptr;
                const float* q1 = two ? Ap.data(1) : nullptr;
#pragma omp parallel for schedule(static) reduction(+ : rrNew) if (recon::parallelWorth(n))
                for (std::ptrdiff_t i = 0; i < nn; ++i) {
                    x0[i] += a * p0[i];
                    r0[i] -= a * q0[i];
                    rrNew += double(r0[i]) * double(r0[i]);
                    if (two) {
                        x1[i] += a * p1[i];
                        r1[i] -= a * q1[i];
                        rrNew += double(r1[i]) * double(r1[i]);
                    }
                }
            }
            const double rzNew = pre ? precondition(r, alpha) : rrNew;
            const float beta = float(rzNew / rz);
            rr = rrNew;
            rz = rzNew;
            ++cgDone;
            progress.step((double(k) + double(j + 1) / M) / options.newtonSteps, stage);
            // Inner stopping rule (inexact Newton): the residual fell by cgTolerance.
            if (options.cgTolerance > 0 && rz <= options.cgTolerance * options.cgTolerance * rz0)
                break;
            {
                float* p0 = p.data(0);
                const float* r0 = dir.data(0);
                float* p1 = two ? p.data(1) : nullptr;
                const float* r1 = two ? dir.data(1) : nullptr;
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
                for (std::ptrdiff_t i = 0; i < nn; ++i) {
                    p0[i] = r0[i] + beta * p0[i];
                    if (two)
                        p1[i] = r1[i] + beta * p1[i];
                }
            }
        }

        // f_{k+1} = f_k + δf; the monotone safeguard halves a step that raises the residual
        // up to three times, then rejects it and raises α instead.
        const double before = residual;
        if (options.monotone) {
            trialB = B;
            trialPhi = phi;
        }
        addStep(1.0f);
        linearize();
        if (options.monotone && !(residual <= before)) {
            ++rejected;
            bool accepted = false;
            float t = 1.0f;
            for (int halving = 0; halving < 3 && !accepted; ++halving) {
                t *= 0.5f;
                B = trialB;
                phi = trialPhi;
                addStep(t);
                linearize();
                accepted = residual <= before;
            }
            if (!accepted) {
                B = trialB;
                phi = trialPhi;
                linearize();
                alphaK /= options.q * options.q;  // net α_{k+1} = α_k / q
            }
        }
        ++k;
        alphaK *= options.q;
        record();
        updateStop();
    }

    // f ← f + t δf (δf in x), then the optional positivity projection.
    void addStep(float t)
    {
        const std::ptrdiff_t nn = std::ptrdiff_t(n);
        const bool positive = options.positivity;
        if (homogeneous) {
            const float* dx = x.data(0);
            float* ph = phi.data();
            float* b = B.data();
            const float c = ratio;
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
            for (std::ptrdiff_t i = 0; i < nn; ++i) {
                float v = ph[i] + t * dx[i];
                if (positive)
                    v = std::max(v, 0.0f);
                ph[i] = v;
                b[i] = c * v;
            }
        } else {
            const float* dB = x.data(0);
            const float* dP = x.data(1);
            float* pb = B.data();
            float* pp = phi.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
            for (std::ptrdiff_t i = 0; i < nn; ++i) {
                float b = pb[i] + t * dB[i], ph = pp[i] + t * dP[i];
                if (positive) {
                    b = std::max(b, 0.0f);
                    ph = std::max(ph, 0.0f);
                }
                pb[i] = b;
                pp[i] = ph;
            }
        }
    }
};

Irgn::Irgn(const ImageF& hologram, const Geometry& g, IrgnOptions options,
           const ProgressReporter& progress)
    : m(std::make_unique<State>(std::vector<ImageF>{hologram}, std::vector<Geometry>{g},
                                std::move(options), progress))
{
}

Irgn::Irgn(const std::vector<ImageF>& holograms, const std::vector<Geometry>& geometries,
           IrgnOptions options, const ProgressReporter& progress)
    : m(std::make_unique<State>(holograms, geometries, std::move(options), progress))
{
}

Irgn::~Irgn() = default;
Irgn::Irgn(Irgn&&) noexcept = default;
Irgn& Irgn::operator=(Irgn&&) noexcept = default;

int Irgn::step(int count, const ProgressReporter& progress)
{
    int taken = 0;
    while (taken < count && m->stop == IrgnStop::Running) {
        m->newtonStep(progress);
        ++taken;
    }
    return taken;
}

int Irgn::run(const ProgressReporter& progress)
{
    return step(m->options.newtonSteps, progress);
}

void Irgn::extendSteps(int more)
{
    if (more < 0)
        throw InputError("IRGN: cannot extend by a negative step count");
    m->options.newtonSteps += more;
    m->updateStop();
}

Reconstruction Irgn::current() const
{
    return {m->B, m->phi};
}

const ImageF& Irgn::absorption() const noexcept
{
    return m->B;
}

const ImageF& Irgn::phase() const noexcept
{
    return m->phi;
}

double Irgn::residual() const noexcept
{
    return m->residual;
}

const std::vector<double>& Irgn::residualHistory() const noexcept
{
    return m->history;
}

int Irgn::iterations() const noexcept
{
    return m->k;
}

const std::vector<double>& Irgn::nmseHistory() const noexcept
{
    return m->nmse;
}

int Irgn::rejectedSteps() const noexcept
{
    return m->rejected;
}

long long Irgn::cgIterationsDone() const noexcept
{
    return m->cgDone;
}

double Irgn::alpha() const noexcept
{
    return m->alphaK;
}

IrgnStop Irgn::stopReason() const noexcept
{
    return m->stop;
}

const IrgnOptions& Irgn::options() const noexcept
{
    return m->options;
}

IrgnInitialGuess Irgn::start() const noexcept
{
    return m->usedStart;
}

int Irgn::distanceCount() const noexcept
{
    return int(m->ops.size());
}

} // namespace phaselab::core
