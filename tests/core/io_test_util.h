#pragma once
// Helpers shared by the file-format tests: deterministic images, raw byte files, and the message
// of an expected InputError.

#include <phaselab/core/error.h>
#include <phaselab/core/image.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace phaselab::test {

/// value(x, y) = offset + scale · (x + 3 y), rounded into T.
template <typename T>
core::Image<T> ramp(int w, int h, double scale, double offset)
{
    core::Image<T> img(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img(x, y) = T(offset + scale * (x + 3 * y));
    return img;
}

inline void writeFileBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

inline std::string readFileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The InputError message `f` throws, or "(no error)". Any other exception propagates (a test
/// failure: bad input must only ever produce InputError).
template <typename F>
std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const core::InputError& e) {
        return e.what();
    }
    return "(no error)";
}

inline bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace phaselab::test
