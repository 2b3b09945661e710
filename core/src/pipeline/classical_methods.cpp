// CTF, Paganin and IRGN behind the registry's interface (physics.md §3–4).
#include <phaselab/core/classical_methods.h>

#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/paganin.h>
#include <phaselab/core/raar.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/simulate.h>  // defaultFftWisdomPath()
#include <phaselab/core/units.h>

#include <cmath>
#include <algorithm>
#include <filesystem>

namespace phaselab::core {

namespace {

using Field = OptionField;
using Type = OptionField::Type;

const char* borderName(bool fade)
{
    return fade ? "fade" : "padding";
}

bool parseBorder(const std::string& text)
{
    if (text == "fade" || text == "padding")
        return text == "fade";
    throw InputError("border '" + text + "' is not one of fade, padding");
}

nlohmann::json ctfJson(const CtfOptions& c)
{
    return {{"alpha_rule", toString(c.alphaRule)},
            {"alpha_low", c.alphaLow},
            {"alpha_high", c.alphaHigh},
            {"transition_width", c.transitionWidth},
            {"tau", c.tau},
            {"border", borderName(c.fadeBorder)}};
}

void readCtf(const nlohmann::json& j, CtfOptions& c, const std::string& what)
{
    OptionReader r(j, what);
    std::string text = toString(c.alphaRule);
    r.read("alpha_rule", text);
    c.alphaRule = parseAlphaRule(text);
    r.read("alpha_low", c.alphaLow);
    r.read("alpha_high", c.alphaHigh);
    r.read("transition_width", c.transitionWidth);
    r.read("tau", c.tau);
    text = borderName(c.fadeBorder);
    r.read("border", text);
    c.fadeBorder = parseBorder(text);
    r.finish();
}

void validateCtf(const CtfOptions& c, const std::string& prefix)
{
    for (const auto& [value, name] : {std::pair{c.alphaLow, "α low (alpha_low)"},
                                      std::pair{c.alphaHigh, "α high (alpha_high)"},
                                      std::pair{c.transitionWidth, "transition width"},
                                      std::pair{c.tau, "discrepancy factor τ (tau)"}})
        if (!(std::isfinite(value) && value > 0))
            throw InputError(prefix + name + " must be a finite number > 0, got " +
                             formatNumber(value, 6));
}

/// The CTF solver options of a request: the method's fields plus the request's β/δ and padding.
CtfOptions ctfFor(const CtfOptions& fields, const ReconstructionRequest& r)
{
    CtfOptions c = fields;
    c.betaDelta = r.betaOverDelta;
    c.padding = r.propagation.padding;
    c.padFactor = r.propagation.padFactor;
    c.phaseSign = r.propagation.phaseSign;
    return c;
}

/// The α a CTF used, for the outcome's details (metadata, --json and the text report).
nlohmann::json alphaDetails(const AlphaChoice& a)
{
    nlohmann::json j = {{"alpha_rule", toString(a.rule)},
                        {"alpha_low", a.alphaLow},
                        {"alpha_high", a.alphaHigh},
                        {"alpha_relative_to_denominator", a.relativeToDenominator}};
    if (a.rule == AlphaRule::Discrepancy)
        j["noise_sigma"] = a.noiseSigma;
    return j;
}

/// `text` when it is one of `allowed`; InputError naming `what` otherwise.
const std::string& choice(const std::string& text, std::initializer_list<const char*> allowed,
                          const std::string& what)
{
    std::string list;
    for (const char* a : allowed) {
        if (text == a)
            return text;
        list += (list.empty() ? "" : ", ") + std::string(a);
    }
    throw InputError(what + " '" + text + "' is not one of " + list);
}

/// The keys of `keys` whose values in `options` differ from `defaults` (dotted keys allowed).
std::vector<std::string> changed(const nlohmann::json& options, const nlohmann::json& defaults,
                                 std::initializer_list<const char*> keys)
{
    std::vector<std::string> out;
    for (const char* key : keys) {
        std::string path = "/" + std::string(key);
        std::replace(path.begin(), path.end(), '.', '/');
        const nlohmann::json::json_pointer ptr(path);
        if (options.contains(ptr) && defaults.contains(ptr) && options[ptr] != defaults[ptr])
            out.emplace_back(key);
    }
    return out;
}

/// "a, b" of the keys, or empty.
std::string joined(const std::vector<std::string>& keys)
{
    std::string s;
    for (const std::string& k : keys)
        s += (s.empty() ? "" : ", ") + k;
    return s;
}

/// The warning for options that the method does not use in this configuration.
void warnUnused(std::vector<std::string>& out, const std::vector<std::string>& keys,
                const std::string& why)
{
    if (!keys.empty())
        out.push_back(joined(keys) + (keys.size() > 1 ? " do" : " does") + " not apply: " + why);
}

/// Warnings for the CTF options `c` (JSON `j`, defaults `d`, prefix for nested keys).
void ctfWarnings(const CtfOptions& c, const nlohmann::json& j, const nlohmann::json& d,
                 const ReconstructionRequest& r, const std::string& who,
                 std::vector<std::string>& out)
{
    if (c.alphaRule == AlphaRule::FieldOfView)
        warnUnused(out, changed(j, d, {"alpha_high"}),
                   who + " alpha_rule fov sets α_low (at most alpha_low) and keeps the ratio "
                         "α_high/α_low only; use alpha_rule manual to fix both");
    else if (c.alphaRule != AlphaRule::Manual)
        warnUnused(out, changed(j, d, {"alpha_low", "alpha_high"}),
                   who + " alpha_rule " + toString(c.alphaRule) +
                       " chooses α and keeps only the ratio α_high/α_low; use alpha_rule manual");
    if (c.alphaRule != AlphaRule::Discrepancy)
        warnUnused(out, changed(j, d, {"tau"}), who + " tau is the discrepancy rule's factor");
    if (c.fadeBorder && r.propagation.padding != Padding::Periodic)
        out.push_back(who + " border fade pads with faded edge values; the padding mode '" +
                      toString(r.propagation.padding) + "' is not used (its pad factor is)");
}

template <typename T>
const T& optionsOf(const ReconstructionRequest& r)
{
    const auto* o = dynamic_cast<const T*>(r.options.get());
    if (!o)
        throw InputError(r.method + ": the request carries options of another method");
    return *o;
}

// ---------------------------------------------------------------------------------------------

class CtfMethod final : public ReconstructionMethod {
public:
    static const MethodInfo& staticInfo()
    {
        static const MethodInfo info{
            "ctf", "CTF",
            "Contrast-transfer-function inversion, single distance, for weak or homogeneous "
            "objects, with two-level regularisation around the first CTF maximum.",
            MethodKind::Direct, true};
        return info;
    }
    const MethodInfo& info() const override { return staticInfo(); }
    std::unique_ptr<MethodOptions> defaultOptions() const override
    {
        return std::make_unique<CtfMethodOptions>();
    }
    std::vector<std::string> warnings(const ReconstructionRequest& r) const override
    {
        std::vector<std::string> out;
        const auto* o = dynamic_cast<const CtfMethodOptions*>(r.options.get());
        if (o)
            ctfWarnings(o->ctf, o->toJson(), CtfMethodOptions().toJson(), r, "CTF:", out);
        return out;
    }

    MethodResult solve(const ReconstructionRequest& r, const ImageF& hologram,
                       const ProgressReporter& progress, const PreviewFn&) override
    {
        progress.step(0.0, "CTF");
        MethodResult out;
        Ctf ctf(*r.geometry, hologram.width(), hologram.height(),
                ctfFor(optionsOf<CtfMethodOptions>(r).ctf, r));
        out.object = ctf.reconstruct(hologram);
        out.details = alphaDetails(ctf.lastAlpha());
        return out;
    }
};

// ---------------------------------------------------------------------------------------------

class PaganinMethod final : public ReconstructionMethod {
public:
    static const MethodInfo& staticInfo()
    {
        static const MethodInfo info{
            "paganin", "Paganin",
            "TIE-homogeneous phase retrieval (Paganin et al. 2002) with the sample's δ/β; "
            "robust and low-pass.",
            MethodKind::Direct, true};
        return info;
    }
    const MethodInfo& info() const override { return staticInfo(); }
    std::unique_ptr<MethodOptions> defaultOptions() const override
    {
        return std::make_unique<NoMethodOptions>();
    }
    std::vector<std::string> warnings(const ReconstructionRequest& r) const override
    {
        if (r.propagation.padding == Padding::Periodic)
            return {};
        return {"Paganin pads with edge values faded into the flat field; the padding mode '" +
                toString(r.propagation.padding) + "' is not used (its pad factor is)"};
    }

    std::string check(const ReconstructionRequest& r, int, int) const override
    {
        if (r.propagation.phaseSign > 0)
            return "Paganin's TIE filter cannot invert holograms in the exp(+iφ) convention "
                   "(the phase term changes sign); use CTF or IRGN with phase sign +1";
        if (!(r.betaOverDelta > 0))
            return "Paganin needs the δ/β of an absorbing, homogeneous sample (a material, or "
                   "--delta-beta)";
        return {};
    }
    MethodResult solve(const ReconstructionRequest& r, const ImageF& hologram,
                       const ProgressReporter& progress, const PreviewFn&) override
    {
        progress.step(0.0, "Paganin");
        PaganinOptions p;
        p.deltaBeta = 1.0 / r.betaOverDelta;
        p.padding = r.propagation.padding;
        p.padFactor = r.propagation.padFactor;
        MethodResult out;
        out.object = reconstructPaganin(hologram, *r.geometry, p);
        return out;
    }
};

// ---------------------------------------------------------------------------------------------

/// The request without its Newton step count, to tell whether a run may continue.
nlohmann::json continuationKey(const ReconstructionRequest& r)
{
    nlohmann::json j = r.toJson();
    j["options"].erase("newton_steps");
    return j;
}

class IrgnMethod final : public ReconstructionMethod {
public:
    static const MethodInfo& staticInfo()
    {
        static const MethodInfo info{
            "irgn", "IRGN",
            "Iteratively regularised Gauss–Newton (Maretzke et al. 2016): Newton steps solved "
            "by conjugate gradients, α_k = α_0 q^k; joint (B, φ) or homogeneous.",
            MethodKind::Iterative, false};
        return info;
    }
    const MethodInfo& info() const override { return staticInfo(); }
    std::unique_ptr<MethodOptions> defaultOptions() const override
    {
        return std::make_unique<IrgnMethodOptions>();
    }

    std::vector<std::string> warnings(const ReconstructionRequest& r) const override
    {
        std::vector<std::string> out;
        const auto* f = dynamic_cast<const IrgnMethodOptions*>(r.options.get());
        if (!f)
            return out;
        const IrgnOptions& o = f->irgn;
        const nlohmann::json j = f->toJson(), d = IrgnMethodOptions().toJson();
        const bool usesCtf = o.initialGuess == IrgnInitialGuess::Ctf ||
                             o.initialGuess == IrgnInitialGuess::Auto || o.alpha0FromData;
        if (!usesCtf)
            warnUnused(out, changed(j, d, {"ctf.alpha_rule", "ctf.alpha_low", "ctf.alpha_high",
                                           "ctf.transition_width"}),
                       "IRGN starts from '" + toString(o.initialGuess) +
                           "' and takes α_0 as given, so no CTF runs");
        else
            ctfWarnings(o.ctf, j["ctf"], d["ctf"], r, "IRGN's CTF:", out);
        if (o.alpha0FromData)
            warnUnused(out, changed(j, d, {"alpha0"}), "alpha0_rule data chooses α_0");
        if (o.noiseLevel == 0)
            warnUnused(out, changed(j, d, {"tau"}), "tau needs noise_level > 0");
        if (o.penalty == IrgnPenalty::Tikhonov)
            warnUnused(out, changed(j, d, {"sobolev_scale", "sobolev_order"}),
                       "penalty tikhonov has no Sobolev weight");
        // The holographic regime: CTF and Paganin break down on strong phase, and the RAAR start
        // that works there needs the empty beam around the field (unit padding).
        if (r.geometry && r.geometry->fresnelNumber() < kIrgnRaarFresnelNumber &&
            (o.initialGuess == IrgnInitialGuess::Auto || o.initialGuess == IrgnInitialGuess::Raar) &&
            f->unknowns == IrgnUnknowns::Homogeneous &&
            r.propagation.padding != Padding::Unit)
            out.push_back("IRGN: Fresnel number " + formatNumber(r.geometry->fresnelNumber(), 3) +
                          " is in the holographic regime; for a sample surrounded by empty beam, "
                          "--padding unit lets the auto start use RAAR (strong phase)");
        return out;
    }

    std::string check(const ReconstructionRequest& r, int, int) const override
    {
        const auto* f = dynamic_cast<const IrgnMethodOptions*>(r.options.get());
        if (f && f->irgn.initialGuess == IrgnInitialGuess::Paganin && r.propagation.phaseSign > 0)
            return "IRGN's Paganin start cannot use holograms in the exp(+iφ) convention; start "
                   "from CTF";
        if (f && f->irgn.initialGuess == IrgnInitialGuess::Paganin && !(r.betaOverDelta > 0))
            return "IRGN's Paganin start needs the δ/β of an absorbing, homogeneous sample (a "
                   "material, or --delta-beta)";
        if (f && f->irgn.initialGuess == IrgnInitialGuess::Raar) {
            if (f->unknowns != IrgnUnknowns::Homogeneous)
                return "IRGN's RAAR start needs the homogeneous unknowns";
            RaarOptions raar;  // its rules on the forward model (padding, oversampling)
            raar.propagation = r.propagation;
            try {
                raar.validate();
            } catch (const InputError& e) {
                return std::string("IRGN's start: ") + e.what();
            }
        }
        return {};
    }

    MethodResult solve(const ReconstructionRequest& r, const ImageF& hologram,
                       const ProgressReporter& progress, const PreviewFn& preview) override
    {
        m_solver.reset();
        const IrgnMethodOptions& fields = optionsOf<IrgnMethodOptions>(r);
        IrgnOptions o = fields.irgn;
        if (fields.unknowns == IrgnUnknowns::Homogeneous)
            o.betaDelta = r.betaOverDelta;
        else
            o.betaDelta.reset();
        o.ctf = ctfFor(fields.irgn.ctf, r);
        o.propagation = r.propagation;
        progress.step(0.0, "planning");
        importWisdom();
        m_solver = std::make_unique<Irgn>(hologram, *r.geometry, std::move(o), progress);
        saveWisdom();
        m_options = std::make_shared<IrgnMethodOptions>(fields);
        m_key = continuationKey(r);
        if (preview)  // the start f_0, so that its NMSE and image are in the history too
            preview({m_solver->absorption(), m_solver->phase(), 0, m_solver->residualHistory()});
        return iterate(progress, preview);
    }

    bool canContinue(const ReconstructionRequest& r) const override
    {
        return m_solver && m_solver->stopReason() == IrgnStop::IterationLimit &&
               continuationKey(r) == m_key;
    }

    MethodResult continueSolve(int steps, const ProgressReporter& progress,
                               const PreviewFn& preview) override
    {
        if (!m_solver || m_solver->stopReason() != IrgnStop::IterationLimit)
            throw InputError("IRGN: there is no run stopped at its step limit to continue");
        if (steps < 1)
            throw InputError("IRGN: continue for at least one step");
        m_solver->extendSteps(steps);
        auto options = std::make_shared<IrgnMethodOptions>(*m_options);
        options->irgn.newtonSteps = m_solver->options().newtonSteps;
        m_options = options;
        return iterate(progress, preview);
    }

private:
    // Measure plans are reproducible only when every run uses the same ones: import the wisdom
    // of earlier runs (the simulator's file), plan, save it, so that the application and the
    // command line give bit-identical results.
    static void importWisdom()
    {
        const std::string wisdom = defaultFftWisdomPath();
        if (!wisdom.empty() && wisdom != "none")
            importFftWisdom(wisdom);
    }

    static void saveWisdom()
    {
        const std::string wisdom = defaultFftWisdomPath();
        if (wisdom.empty() || wisdom == "none")
            return;
        std::error_code ec;
        const std::filesystem::path dir = std::filesystem::path(wisdom).parent_path();
        if (!dir.empty())
            std::filesystem::create_directories(dir, ec);
        exportFftWisdom(wisdom);
    }

    MethodResult iterate(const ProgressReporter& progress, const PreviewFn& preview)
    {
        Irgn& irgn = *m_solver;
        // One Newton step at a time: progress after every CG iteration, cancel within one.
        while (!irgn.stopped()) {
            irgn.step(1, progress);
            if (!std::isfinite(irgn.residual())) {
                const int k = irgn.iterations();
                m_solver.reset();
                throw InputError("IRGN: the estimate became non-finite (NaN/Inf) at Newton step " +
                                 std::to_string(k) +
                                 "; is the hologram a normalised intensity, and α_0 large enough?");
            }
            if (preview && !irgn.stopped())
                preview({irgn.absorption(), irgn.phase(), irgn.iterations(),
                         irgn.residualHistory()});
        }
        MethodResult out;
        out.object = irgn.current();
        out.iterations = irgn.iterations();
        out.residualHistory = irgn.residualHistory();
        out.stopReason = irgn.stopReason() == IrgnStop::Discrepancy ? "discrepancy"
                                                                     : "iteration_limit";
        out.effectiveOptions = m_options;
        out.details = {{"cg_iterations_done", irgn.cgIterationsDone()},
                       {"rejected_steps", irgn.rejectedSteps()},
                       {"start", toString(irgn.start())}};
        return out;
    }

    std::unique_ptr<Irgn> m_solver;
    std::shared_ptr<const IrgnMethodOptions> m_options;
    nlohmann::json m_key;
};

} // namespace

// ---------------------------------------------------------------------------------------------

nlohmann::json CtfMethodOptions::toJson() const
{
    return ctfJson(ctf);
}

void CtfMethodOptions::fromJson(const nlohmann::json& j)
{
    readCtf(j, ctf, "ctf options");
}

void CtfMethodOptions::validate() const
{
    validateCtf(ctf, "CTF: ");
}

std::vector<OptionField> CtfMethodOptions::fields() const
{
    return {
        {"alpha_rule", "alpha-rule",
         "how α is chosen: fov (default) damps only frequencies below one period over twice "
         "the field of view, α = A(ξ)²/2 there; from the data by generalised cross-validation "
         "(gcv), the L-curve corner (lcurve), the discrepancy principle with the estimated "
         "noise (discrepancy) or quasi-optimality (quasi); or as given (manual)",
         Type::Choice, {"fov", "gcv", "lcurve", "discrepancy", "quasi", "manual"}},
        {"alpha_low", "alpha-low",
         "α below the first CTF maximum [1], used with --alpha-rule manual; the data rules keep "
         "only the ratio α_high/α_low. Scale: the denominator at ξ = 0 is 4(β/δ)²",
         Type::Number, {}},
        {"alpha_high", "alpha", "α above the first CTF maximum [1] (see alpha-low)", Type::Number, {}},
        {"transition_width", "transition-width",
         "width of the erfc step between the two α levels, relative to the first maximum [1]",
         Type::Number, {}},
        {"tau", "tau", "discrepancy rule: residual ≤ τ · noise σ · √n, τ > 0", Type::Number, {}},
        {"border", "border",
         "fade: pad with the edge values faded into the flat field (no border offsets); "
         "padding: the request's padding mode",
         Type::Choice, {"fade", "padding"}},
    };
}

std::string toString(IrgnUnknowns u)
{
    return u == IrgnUnknowns::Joint ? "joint" : "homogeneous";
}

IrgnUnknowns parseIrgnUnknowns(const std::string& text)
{
    if (text == "homogeneous")
        return IrgnUnknowns::Homogeneous;
    if (text == "joint")
        return IrgnUnknowns::Joint;
    throw InputError("IRGN unknowns '" + text + "' is not one of homogeneous, joint");
}

nlohmann::json IrgnMethodOptions::toJson() const
{
    return {{"unknowns", toString(unknowns)},
            {"alpha0", irgn.alpha0},
            {"alpha0_rule", irgn.alpha0FromData ? "data" : "manual"},
            {"q", irgn.q},
            {"newton_steps", irgn.newtonSteps},
            {"cg_iterations", irgn.cgIterations},
            {"cg_tolerance", irgn.cgTolerance},
            {"preconditioner", irgn.precondition ? "ctf" : "none"},
            {"safeguard", irgn.monotone ? "monotone" : "none"},
            {"penalty", toString(irgn.penalty)},
            {"sobolev_scale", irgn.sobolevScale},
            {"sobolev_order", irgn.sobolevOrder},
            {"positivity", irgn.positivity},
            {"initial_guess", toString(irgn.initialGuess)},
            {"ctf", ctfJson(irgn.ctf)},
            {"noise_level", irgn.noiseLevel},
            {"tau", irgn.tau}};
}

void IrgnMethodOptions::fromJson(const nlohmann::json& j)
{
    OptionReader r(j, "irgn options");
    std::string text = toString(unknowns);
    r.read("unknowns", text);
    unknowns = parseIrgnUnknowns(text);
    r.read("alpha0", irgn.alpha0);
    text = irgn.alpha0FromData ? "data" : "manual";
    r.read("alpha0_rule", text);
    irgn.alpha0FromData = choice(text, {"data", "manual"}, "IRGN alpha0_rule") == "data";
    r.read("q", irgn.q);
    r.read("newton_steps", irgn.newtonSteps);
    r.read("cg_iterations", irgn.cgIterations);
    r.read("cg_tolerance", irgn.cgTolerance);
    text = irgn.precondition ? "ctf" : "none";
    r.read("preconditioner", text);
    irgn.precondition = choice(text, {"ctf", "none"}, "IRGN preconditioner") == "ctf";
    text = irgn.monotone ? "monotone" : "none";
    r.read("safeguard", text);
    irgn.monotone = choice(text, {"monotone", "none"}, "IRGN safeguard") == "monotone";
    text = toString(irgn.penalty);
    r.read("penalty", text);
    irgn.penalty = parseIrgnPenalty(text);
    r.read("sobolev_scale", irgn.sobolevScale);
    r.read("sobolev_order", irgn.sobolevOrder);
    r.read("positivity", irgn.positivity);
    text = toString(irgn.initialGuess);
    r.read("initial_guess", text);
    irgn.initialGuess = parseIrgnInitialGuess(text);
    const nlohmann::json ctf = r.object("ctf");
    readCtf(ctf, irgn.ctf, "irgn options: ctf");
    r.read("noise_level", irgn.noiseLevel);
    r.read("tau", irgn.tau);
    r.finish();
}

void IrgnMethodOptions::validate() const
{
    // The solver's own checks, with request-owned fields at neutral values.
    IrgnOptions o = irgn;
    o.support.reset();
    // The request's β/δ is checked by check(); a neutral one here (the joint problem has none).
    if (unknowns == IrgnUnknowns::Homogeneous)
        o.betaDelta = 1.0;
    else
        o.betaDelta.reset();
    o.validate();
    validateCtf(irgn.ctf, "IRGN CTF start: ");
}

std::vector<OptionField> IrgnMethodOptions::fields() const
{
    return {
        {"unknowns", "unknowns",
         "homogeneous: one unknown φ with B = (β/δ)φ from the sample's δ/β; joint: B and φ",
         Type::Choice, {"homogeneous", "joint"}},
        {"alpha0", "alpha", "α_0, regularisation of the first Newton step [1] (with --alpha0-rule manual)",
         Type::Number, {}},
        {"alpha0_rule", "alpha0-rule",
         "data: α_0 such that step 20 reaches the α of the CTF rule for this hologram; "
         "manual: --alpha",
         Type::Choice, {"data", "manual"}},
        {"q", "q", "α_k = α_0 q^k, 0 < q < 1", Type::Number, {}},
        {"newton_steps", "newton", "most Newton steps", Type::Integer, {}},
        {"cg_iterations", "cg", "most conjugate-gradient iterations per Newton step", Type::Integer, {}},
        {"cg_tolerance", "cg-tolerance",
         "inner stopping rule: CG stops once its residual fell by this factor (0: run --cg)",
         Type::Number, {}},
        {"preconditioner", "preconditioner",
         "ctf: CG preconditioned by the CTF's Fourier-diagonal F′*F′ (exact for weak objects); "
         "none",
         Type::Choice, {"none", "ctf"}},
        {"safeguard", "safeguard",
         "monotone: halve or reject Newton steps that raise the data residual; none",
         Type::Choice, {"monotone", "none"}},
        {"penalty", "penalty", "penalty R of the Newton steps", Type::Choice,
         {"tikhonov", "sobolev"}},
        {"sobolev_scale", "sobolev-scale",
         "s of the Sobolev weight (1 + |ξ|²/s²)^m [cycles/pixel]", Type::Number, {}},
        {"sobolev_order", "sobolev-order", "m of the Sobolev weight", Type::Number, {}},
        {"positivity", "positivity", "project B, φ onto ≥ 0 after each Newton step",
         Type::Boolean, {}},
        {"initial_guess", "init",
         "initial guess and centre of the penalty (paganin: needs β/δ > 0; raar: holographic "
         "RAAR, for strong phase at small Fresnel numbers, homogeneous; auto: CTF, Paganin or, "
         "below Fresnel number 0.02 with unit padding, RAAR, whichever fits the data better)",
         Type::Choice, {"auto", "ctf", "paganin", "raar", "zero"}},
        {"ctf.alpha_rule", "ctf-alpha-rule", "CTF start: how α is chosen", Type::Choice,
         {"fov", "gcv", "lcurve", "discrepancy", "quasi", "manual"}},
        {"ctf.alpha_low", "alpha-low", "CTF start: α below the first CTF maximum [1]",
         Type::Number, {}},
        {"ctf.alpha_high", "ctf-alpha-high", "CTF start: α above the first CTF maximum [1]",
         Type::Number, {}},
        {"ctf.transition_width", "transition-width",
         "CTF start: width of the erfc step between the α levels [1]", Type::Number, {}},
        {"noise_level", "noise-level",
         "noise standard deviation per pixel [intensity]; > 0 stops by the discrepancy "
         "principle (RMS residual ≤ τ · noise level)",
         Type::Number, {}},
        {"tau", "tau", "discrepancy factor τ ≥ 1", Type::Number, {}},
    };
}

std::string describeAlpha(const nlohmann::json& details)
{
    if (!details.is_object() || !details.contains("alpha_rule") || !details.contains("alpha_low"))
        return {};
    std::string s = "α_low " + formatNumber(details.value("alpha_low", 0.0), 3) + ", α_high " +
                    formatNumber(details.value("alpha_high", 0.0), 3) + " (rule " +
                    details.value("alpha_rule", std::string("?"));
    const double rel = details.value("alpha_relative_to_denominator", 0.0);
    if (rel > 0)
        s += "; " + formatNumber(rel, 3) + " × the homogeneous denominator A(0)²/2";
    if (details.contains("noise_sigma"))
        s += "; noise σ " + formatNumber(details.value("noise_sigma", 0.0), 3);
    return s + ")";
}

void useChosenAlpha(CtfOptions& options, const nlohmann::json& details)
{
    if (!details.is_object() || !details.contains("alpha_low") || !details.contains("alpha_high"))
        return;
    options.alphaRule = AlphaRule::Manual;
    options.alphaLow = details.value("alpha_low", options.alphaLow);
    options.alphaHigh = details.value("alpha_high", options.alphaHigh);
}

void registerClassicalMethods(MethodRegistry& registry)
{
    registry.add(CtfMethod::staticInfo(), [] { return std::make_unique<CtfMethod>(); });
    registry.add(PaganinMethod::staticInfo(), [] { return std::make_unique<PaganinMethod>(); });
    registry.add(IrgnMethod::staticInfo(), [] { return std::make_unique<IrgnMethod>(); });
}

} // namespace phaselab::core
