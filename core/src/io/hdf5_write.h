#pragma once
// Attribute writers shared by core's HDF5 writers (hdf5_io.cpp, the stack writer in
// pipeline/stack.cpp). Private to core; call them holding lockHdf5().

#include <hdf5.h>

#include <string>

#include <phaselab/core/tiff_io.h>

namespace phaselab::core {

/// A fixed-length, null-terminated UTF-8 string attribute (readable without the global heap).
/// Throws InputError naming `file`.
void writeStringAttr(hid_t obj, const std::string& name, const std::string& value,
                     const std::string& file);
/// A scalar float64 attribute. Throws InputError naming `file`.
void writeDoubleAttr(hid_t obj, const std::string& name, double value, const std::string& file);
/// `software`, `pixel_size_m` (when calibrated), `parameters` (meta.parameters as a JSON string)
/// and each scalar of meta.parameters as an attribute named by its JSON path
/// ("geometry.energy_keV"). Throws InputError naming `file`.
void writeCommonAttrs(hid_t obj, const ImageMetadata& meta, const std::string& file);

} // namespace phaselab::core
