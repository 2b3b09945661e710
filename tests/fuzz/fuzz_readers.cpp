// libFuzzer target for PhaseLab's file readers. Built three times with PHASELAB_FUZZ_FORMAT set
// to 1 (TIFF), 2 (EDF) or 3 (HDF5); see scripts/fuzz.sh. The readers take paths, so each input
// is written to a file in a RAM-backed folder first. Bad input must only ever produce
// core::InputError: any other exception aborts (a finding), as do crashes, hangs and leaks.
#include <phaselab/core/edf_io.h>
#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/tiff_io.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

using namespace phaselab;

namespace {

const std::string& inputPath()
{
    static const std::string path = [] {
        const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        const char* ext = PHASELAB_FUZZ_FORMAT == 1 ? ".tif" : PHASELAB_FUZZ_FORMAT == 2 ? ".edf" : ".h5";
        return std::string(dir) + "/phaselab-fuzz-" + std::to_string(getpid()) + ext;
    }();
    return path;
}

void exercise(const std::string& p)
{
#if PHASELAB_FUZZ_FORMAT == 1
    core::TiffStack s(p);
    for (int k = 0; k < s.pages() && k < 4; ++k)
        (void)s.readPage<float>(k);
#elif PHASELAB_FUZZ_FORMAT == 2
    core::EdfFile f(p);
    for (int k = 0; k < f.frames() && k < 4; ++k)
        (void)f.readFrame<float>(k);
#else
    (void)core::readHdf5Attributes(p, "/");
    try {
        (void)core::findNxTomo(p);
    } catch (const core::InputError&) {
    }
    int read = 0;
    for (const auto& d : core::listHdf5Datasets(p)) {
        if (!d.isImage() || read >= 4)
            continue;
        try {
            core::Hdf5Stack s(p, d.path);
            (void)s.readFrame<float>(s.frames() - 1);
            (void)core::readHdf5Metadata(p, d.path);
            ++read;
        } catch (const core::InputError&) {
        }
    }
#endif
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string& p = inputPath();
    FILE* f = std::fopen(p.c_str(), "wb");
    if (!f)
        std::abort();
    if (size > 0)
        std::fwrite(data, 1, size, f);
    std::fclose(f);
    try {
        exercise(p);
        (void)core::imageInfo(p);  // the dispatcher on the same bytes
    } catch (const core::InputError&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "non-InputError exception: %s\n", e.what());
        std::abort();
    }
    return 0;
}
