// Writes small valid files of every layout the readers handle, as seed corpora for the fuzzers:
//   make_seeds DIR   → DIR/tiff/*, DIR/edf/*, DIR/hdf5/*
#include <phaselab/core/edf_io.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/tiff_io.h>

#include <cstdio>
#include <filesystem>
#include <string>

using namespace phaselab;

template <typename T>
core::Image<T> ramp(int w, int h)
{
    core::Image<T> img(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img(x, y) = T(x + 3 * y);
    return img;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_seeds DIR\n");
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    for (const char* sub : {"tiff", "edf", "hdf5"})
        std::filesystem::create_directories(dir / sub);
    auto p = [&](const char* sub, const std::string& name) { return (dir / sub / name).string(); };
    core::ImageMetadata meta;
    meta.pixelSizeM = 1e-6;
    meta.parameters = {{"method", "seed"}};
    int n = 0;
    for (const char* comp : {"none", "lzw", "deflate", "packbits"})
        for (int tile : {0, 16})
            for (bool be : {false, true}) {
                core::TiffWriteOptions o;
                o.compression = comp;
                o.tileSize = tile;
                o.bigEndian = be;
                o.forceBigTiff = n % 3 == 0;
                const std::string name = "t" + std::to_string(n++) + ".tif";
                if (n % 2)
                    core::writeTiff(p("tiff", name), ramp<std::uint16_t>(20, 9), meta, o);
                else
                    core::writeTiff(p("tiff", name), ramp<float>(20, 9), meta, o);
            }
    core::writeTiffStack(p("tiff", "stack.tif"),
                         std::vector<core::ImageF>{ramp<float>(8, 4), ramp<float>(8, 4)}, meta);
    core::writeTiff(p("tiff", "i8.tif"), ramp<std::int8_t>(7, 5));
    core::writeEdf(p("edf", "u16.edf"), ramp<std::uint16_t>(9, 4), meta);
    core::writeEdf(p("edf", "f32be.edf"), ramp<float>(9, 4), meta, true);
    core::writeEdf(p("edf", "i32.edf"), ramp<std::int32_t>(3, 2), {}, false, {{"Motor", "1"}});
    const core::ImageF a = ramp<float>(8, 6), b = ramp<float>(8, 6);
    core::writeHdf5PhaseAbsorption(p("hdf5", "rec.h5"), a, b, meta);
    core::writeHdf5Images(p("hdf5", "one.h5"), {{"img", &a, "1"}});
    std::printf("seeds written to %s\n", dir.c_str());
    return 0;
}
