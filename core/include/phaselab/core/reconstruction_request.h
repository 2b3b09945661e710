#pragma once
// What a reconstruction is asked to do, as one value: the input (file, frame, flat/dark,
// normalisation, or the demo), the physics, the boundary handling, the sample's β/δ, the method
// and its typed options. Its JSON form is the session file and the parameters stored in every
// result file, with one key spelling, so any result can be re-run.

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <phaselab/core/flatfield.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/method_options.h>

namespace phaselab::core {

/// How a hologram becomes a normalised intensity (background ≈ 1) when no flat field corrects it.
enum class Normalisation {
    Check,       ///< use as is, but refuse values typical of raw counts (the default)
    None,        ///< use as is, unchecked
    Mean,        ///< divide by the mean
    Percentile,  ///< divide by the InputSpec::percentile-th percentile
};
/// "check" | "none" | "mean" | "percentile".
std::string toString(Normalisation n);
/// Parses the names of toString(); throws InputError otherwise.
Normalisation parseNormalisation(const std::string& text);

/// Where a hologram comes from.
struct InputSpec {
    enum class Kind {
        File,  ///< an image file: TIFF, HDF5 (`FILE.h5:/path`), EDF, PNG/JPEG/BMP
        Demo,  ///< PhaseLab's simulated demo hologram (core::makeDemoSample)
    };
    Kind kind = Kind::File;
    std::string path;    ///< File: `FILE` or `FILE.h5:/dataset`
    int frame = 0;       ///< File: page / frame / NXtomo projection index, from 0
    FlatFieldSources flatField;  ///< File: flat/dark correction (flatField.options is not stored)
    Normalisation normalise = Normalisation::Check;
    double percentile = 50;  ///< Normalisation::Percentile: P in (0, 100]
    int demoSize = 512;      ///< Demo: image size [pixels]

    /// True when flat/dark correction is asked for explicitly (a flat file is named).
    [[nodiscard]] bool hasFlat() const noexcept { return !flatField.flat.empty(); }
    /// The same input with absolute file paths (hologram, flats, darks), so that it names the
    /// same files from any working directory.
    [[nodiscard]] InputSpec absolute() const;

    [[nodiscard]] nlohmann::json toJson() const;
    /// Throws InputError for wrong types or unknown keys ("input: …").
    static InputSpec fromJson(const nlohmann::json& j);
};

/// One reconstruction, fully described. A value: copy it freely; `options` is an immutable
/// snapshot shared between copies.
struct ReconstructionRequest {
    InputSpec input;
    /// The physics; unset: the method's default (a learned model's training physics), else an
    /// error naming what is missing.
    std::optional<Geometry> geometry;
    /// Boundary handling and oversampling of the forward model (fftPlanning is not stored).
    PropagationOptions propagation;
    /// β/δ of the homogeneous sample (B = (β/δ) φ); 0 for a pure phase object. ≥ 0.
    double betaOverDelta = 0;
    /// Method id of the registry ("ctf", "paganin", "irgn", "dgn", "msd", …).
    std::string method;
    /// The method's options; null: its defaults.
    std::shared_ptr<const MethodOptions> options;

    /// The JSON form: keys `input`, `geometry` {energy_keV, distance_m, pixel_size_m, and the
    /// derived wavelength_m, fresnel_number}, `propagation` {padding, pad_factor, oversample},
    /// `beta_over_delta`, `method`, `options`.
    [[nodiscard]] nlohmann::json toJson() const;
    /// Reads the keys of toJson() and ignores any others (a session file's or a result file's
    /// extra keys). The method must be registered (its options are parsed by its own type).
    /// Throws InputError naming `what` and the problem.
    static ReconstructionRequest fromJson(const nlohmann::json& j, const std::string& what);
};

/// JSON of a geometry: energy_keV, distance_m, pixel_size_m, wavelength_m, fresnel_number.
nlohmann::json toJson(const Geometry& g);
/// Reads energy_keV, distance_m, pixel_size_m (derived keys are ignored) and validates.
Geometry geometryFromJson(const nlohmann::json& j, const std::string& what);

} // namespace phaselab::core
