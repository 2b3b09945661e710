#pragma once
// Writes HDF5 test files with the C API directly (independent of PhaseLab's writer). For tests
// that need files PhaseLab's writers do not make; they link HDF5 themselves (tests/CMakeLists.txt,
// phaselab_test_uses_hdf5) and see core's private handle header.

#include "io/hdf5_handle.h"

#include <string>
#include <vector>

namespace phaselab::test {

/// Creates (truncates) `file` and returns its handle.
inline core::H5Handle createH5(const std::string& file)
{
    return core::H5Handle(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
}

/// Writes `data` (native type `memType`) as dataset `path` of file type `fileType` and shape
/// `dims`, creating intermediate groups. Returns false on failure.
template <typename T>
bool writeH5Dataset(hid_t file, const std::string& path, hid_t fileType, hid_t memType,
                    const std::vector<hsize_t>& dims, const std::vector<T>& data)
{
    core::H5Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    core::H5Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr));
    core::H5Handle ds(H5Dcreate2(file, path.c_str(), fileType, space.get(), lcpl.get(),
                                 H5P_DEFAULT, H5P_DEFAULT));
    return ds && H5Dwrite(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0;
}

/// A string attribute on the object at `path`.
inline void writeH5StringAttr(hid_t file, const std::string& path, const std::string& name,
                              const std::string& value)
{
    core::H5Handle obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
    core::H5Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), value.size() + 1);
    core::H5Handle space(H5Screate(H5S_SCALAR));
    core::H5Handle a(H5Acreate2(obj.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                H5P_DEFAULT));
    H5Awrite(a.get(), type.get(), value.c_str());
}

} // namespace phaselab::test
