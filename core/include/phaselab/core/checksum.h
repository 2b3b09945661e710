#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace phaselab::core {

/// SHA-256 (FIPS 180-4) of `size` bytes, as 64 lower-case hex digits.
std::string sha256Hex(const void* data, std::size_t size);

/// SHA-256 of a file's bytes, read in 1 MiB blocks, as 64 lower-case hex digits. Throws
/// InputError("<path>: …") when the file cannot be read.
std::string fileSha256(const std::string& path);

} // namespace phaselab::core
