// Regularisation parameters from the data: generalised cross-validation, the L-curve and the
// discrepancy principle on a Fourier-diagonal Tikhonov problem (CTF), and a noise estimate.
#include <phaselab/core/regularisation.h>

#include <phaselab/core/error.h>

#include "recon_common.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace phaselab::core {

std::string toString(AlphaRule rule)
{
    switch (rule) {
    case AlphaRule::Manual: return "manual";
    case AlphaRule::FieldOfView: return "fov";
    case AlphaRule::Gcv: return "gcv";
    case AlphaRule::LCurve: return "lcurve";
    case AlphaRule::Discrepancy: return "discrepancy";
    case AlphaRule::QuasiOptimal: return "quasi";
    }
    return "?";
}

AlphaRule parseAlphaRule(const std::string& text)
{
    for (AlphaRule r : {AlphaRule::Manual, AlphaRule::FieldOfView, AlphaRule::Gcv, AlphaRule::LCurve,
                        AlphaRule::Discrepancy, AlphaRule::QuasiOptimal})
        if (text == toString(r))
            return r;
    throw InputError("α rule '" + text + "' is not one of manual, fov, gcv, lcurve, discrepancy, quasi");
}

double estimateNoiseSigma(const ImageF& image)
{
    const int w = image.width(), h = image.height();
    if (w < 3 || h < 3)
        return 0.0;
    double sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum) if (recon::parallelWorth(image.size()))
    for (int y = 1; y < h - 1; ++y) {
        const float* a = image.row(y - 1);
        const float* b = image.row(y);
        const float* c = image.row(y + 1);
        for (int x = 1; x < w - 1; ++x) {
            const double v = double(a[x - 1]) - 2.0 * a[x] + a[x + 1] - 2.0 * b[x - 1] +
                             4.0 * b[x] - 2.0 * b[x + 1] + c[x - 1] - 2.0 * c[x] + c[x + 1];
            sum += std::abs(v);
        }
    }
    // E|N * noise| = 6σ √(2/π) for the kernel's norm ‖N‖₂ = 6 (Immerkær 1996).
    return std::sqrt(1.5707963267948966) * sum / (6.0 * double(w - 2) * double(h - 2));
}

namespace {

// Sums over the half spectrum at one scale s (Parseval: each interior column counts twice).
struct Sums {
    double residual = 0;  // Σ m (1 − f)² |y|²
    double solution = 0;  // Σ m (A / (A² + 2sc))² |y|²
    double trace = 0;     // Σ m f, f = A² / (A² + 2sc)
};

class Problem {
public:
    Problem(const float* A, const float* shape, const float* y, int nx, int ny)
        : m_A(A), m_c(shape), m_y(y), m_nx(nx), m_ny(ny), m_hx(nx / 2 + 1)
    {
    }

    Sums at(double s) const
    {
        double res = 0, sol = 0, tr = 0;
        const int hx = m_hx, nx = m_nx;
#pragma omp parallel for schedule(static) reduction(+ : res, sol, tr) \
    if (recon::parallelWorth(std::size_t(hx) * m_ny))
        for (int r = 0; r < m_ny; ++r) {
            for (int x = 0; x < hx; ++x) {
                const std::size_t i = std::size_t(r) * hx + x;
                const double m = (x == 0 || (nx % 2 == 0 && x == nx / 2)) ? 1.0 : 2.0;
                const double a = m_A[i];
                const double den = a * a + 2.0 * s * m_c[i];
                const double y2 = double(m_y[2 * i]) * m_y[2 * i] + double(m_y[2 * i + 1]) * m_y[2 * i + 1];
                const double oneMinusF = 2.0 * s * m_c[i] / den;
                res += m * oneMinusF * oneMinusF * y2;
                sol += m * (a / den) * (a / den) * y2;
                tr += m * (1.0 - oneMinusF);
            }
        }
        return {res, sol, tr};
    }

    // ‖x_s − x_t‖² (up to the constant 1/N): Σ m A² |y|² (1/(A² + 2sc) − 1/(A² + 2tc))².
    double change(double s, double t) const
    {
        double acc = 0;
        const int hx = m_hx, nx = m_nx;
#pragma omp parallel for schedule(static) reduction(+ : acc) \
    if (recon::parallelWorth(std::size_t(hx) * m_ny))
        for (int r = 0; r < m_ny; ++r) {
            for (int x = 0; x < hx; ++x) {
                const std::size_t i = std::size_t(r) * hx + x;
                const double m = (x == 0 || (nx % 2 == 0 && x == nx / 2)) ? 1.0 : 2.0;
                const double a = m_A[i];
                const double y2 = double(m_y[2 * i]) * m_y[2 * i] + double(m_y[2 * i + 1]) * m_y[2 * i + 1];
                const double d = a / (a * a + 2.0 * s * m_c[i]) - a / (a * a + 2.0 * t * m_c[i]);
                acc += m * d * d * y2;
            }
        }
        return acc;
    }

    [[nodiscard]] double gridSize() const { return double(m_nx) * double(m_ny); }

private:
    const float *m_A, *m_c, *m_y;
    int m_nx, m_ny, m_hx;
};

// Log-spaced scales 10^lo … 10^hi, `perDecade` per decade.
std::vector<double> logGrid(double lo, double hi, int perDecade)
{
    std::vector<double> s;
    const int n = int(std::lround((hi - lo) * perDecade));
    for (int i = 0; i <= n; ++i)
        s.push_back(std::pow(10.0, lo + double(i) / perDecade));
    return s;
}

double gcv(const Problem& p, double s)
{
    const Sums v = p.at(s);
    const double dof = p.gridSize() - v.trace;
    return dof > 0 ? v.residual / (dof * dof) : std::numeric_limits<double>::infinity();
}

// Curvature of (log ‖r‖², log ‖x‖²) against log s, by central differences on a log grid.
std::vector<double> lcurveCurvature(const Problem& p, const std::vector<double>& s)
{
    std::vector<double> rho, eta;
    for (double v : s) {
        const Sums q = p.at(v);
        rho.push_back(std::log(std::max(q.residual, 1e-300)));
        eta.push_back(std::log(std::max(q.solution, 1e-300)));
    }
    std::vector<double> kappa(s.size(), -std::numeric_limits<double>::infinity());
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        const double r1 = (rho[i + 1] - rho[i - 1]) / 2, e1 = (eta[i + 1] - eta[i - 1]) / 2;
        const double r2 = rho[i + 1] - 2 * rho[i] + rho[i - 1];
        const double e2 = eta[i + 1] - 2 * eta[i] + eta[i - 1];
        const double speed = r1 * r1 + e1 * e1;
        if (speed > 1e-24)
            kappa[i] = (r1 * e2 - r2 * e1) / std::pow(speed, 1.5);
    }
    return kappa;
}

} // namespace

double chooseSpectralScale(AlphaRule rule, const float* A, const float* shape, const float* y,
                           int nx, int ny, double sigma, double tau, std::size_t imagePixels,
                           AlphaChoice& choice)
{
    if (rule == AlphaRule::Manual || rule == AlphaRule::FieldOfView)
        throw InputError("chooseSpectralScale: rule " + toString(rule) + " needs no search");
    const Problem p(A, shape, y, nx, ny);
    std::vector<double> s = logGrid(-16.0, 2.0, 4);
    std::vector<double> crit;
    double best = s.front();
    if (rule == AlphaRule::Discrepancy) {
        // ‖r‖² = residual / N (Parseval) grows with s: the largest s under the target.
        const double target = tau * tau * sigma * sigma * double(imagePixels);
        auto normR = [&](double v) { return p.at(v).residual / p.gridSize(); };
        for (double v : s)
            crit.push_back(std::sqrt(normR(v) / double(imagePixels)));
        std::size_t i = 0;
        while (i + 1 < s.size() && normR(s[i + 1]) <= target)
            ++i;
        double lo = std::log(s[i]), hi = std::log(s[std::min(i + 1, s.size() - 1)]);
        for (int it = 0; it < 40 && hi > lo; ++it) {
            const double mid = 0.5 * (lo + hi);
            (normR(std::exp(mid)) <= target ? lo : hi) = mid;
        }
        best = std::exp(lo);
    } else if (rule == AlphaRule::Gcv) {
        for (double v : s)
            crit.push_back(gcv(p, v));
        const std::size_t i = std::size_t(std::min_element(crit.begin(), crit.end()) - crit.begin());
        // Golden-section search between the neighbours of the coarse minimum, in log s.
        double a = std::log(s[i == 0 ? 0 : i - 1]), b = std::log(s[std::min(i + 1, s.size() - 1)]);
        const double g = 0.6180339887498949;
        double c = b - g * (b - a), d = a + g * (b - a);
        double fc = gcv(p, std::exp(c)), fd = gcv(p, std::exp(d));
        for (int it = 0; it < 30; ++it) {
            if (fc < fd) {
                b = d; d = c; fd = fc; c = b - g * (b - a); fc = gcv(p, std::exp(c));
            } else {
                a = c; c = d; fc = fd; d = a + g * (b - a); fd = gcv(p, std::exp(d));
            }
        }
        best = std::exp(0.5 * (a + b));
    } else if (rule == AlphaRule::QuasiOptimal) {
        // ‖x_{s_{i+1}} − x_{s_i}‖ over the log grid: smallest where the solution is stable.
        for (std::size_t i = 0; i + 1 < s.size(); ++i)
            crit.push_back(std::sqrt(p.change(s[i], s[i + 1])));
        crit.push_back(std::numeric_limits<double>::infinity());
        const std::size_t i = std::size_t(std::min_element(crit.begin(), crit.end()) - crit.begin());
        best = std::sqrt(s[i] * s[i + 1]);
    } else {
        crit = lcurveCurvature(p, s);
        const std::size_t i = std::size_t(std::max_element(crit.begin(), crit.end()) - crit.begin());
        best = s[i];
        // Refine on a finer grid around the coarse corner.
        const double lo = std::log10(s[i]) - 0.5, hi = std::log10(s[i]) + 0.5;
        const std::vector<double> fine = logGrid(lo, hi, 32);
        const std::vector<double> k = lcurveCurvature(p, fine);
        best = fine[std::size_t(std::max_element(k.begin(), k.end()) - k.begin())];
    }
    choice.candidates = std::move(s);
    choice.criterion = std::move(crit);
    return best;
}

} // namespace phaselab::core
