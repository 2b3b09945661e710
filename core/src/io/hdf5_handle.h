#pragma once
// Owning handles for HDF5 identifiers, shared by every HDF5 reader and writer in core. Private to
// core (core/src/io): no public header includes <hdf5.h>, and HDF5 is linked PRIVATE. Create, use
// and close handles while holding lockHdf5() (hdf5_lock.h): Debian's HDF5 is not thread-safe.

#include <hdf5.h>

#include <string>
#include <utility>

namespace phaselab::core {

/// An HDF5 identifier (file, group, dataset, dataspace, datatype, attribute, property list) that
/// is closed with the matching H5?close when the handle goes out of scope. Move-only.
class H5Handle {
public:
    H5Handle() = default;
    explicit H5Handle(hid_t id) noexcept : m_id(id) {}
    ~H5Handle() { reset(); }
    H5Handle(H5Handle&& o) noexcept : m_id(std::exchange(o.m_id, H5I_INVALID_HID)) {}
    H5Handle& operator=(H5Handle&& o) noexcept
    {
        if (this != &o) {
            reset();
            m_id = std::exchange(o.m_id, H5I_INVALID_HID);
        }
        return *this;
    }
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;

    [[nodiscard]] hid_t get() const noexcept { return m_id; }
    [[nodiscard]] bool valid() const noexcept { return m_id >= 0; }
    explicit operator bool() const noexcept { return valid(); }

    /// Closes the identifier with the close function its type needs.
    void reset() noexcept
    {
        if (m_id < 0)
            return;
        switch (H5Iget_type(m_id)) {
        case H5I_FILE: H5Fclose(m_id); break;
        case H5I_GROUP: H5Gclose(m_id); break;
        case H5I_DATASET: H5Dclose(m_id); break;
        case H5I_DATASPACE: H5Sclose(m_id); break;
        case H5I_DATATYPE: H5Tclose(m_id); break;
        case H5I_ATTR: H5Aclose(m_id); break;
        case H5I_GENPROP_LST: H5Pclose(m_id); break;
        default: break;
        }
        m_id = H5I_INVALID_HID;
    }

private:
    hid_t m_id = H5I_INVALID_HID;
};

/// Turns off HDF5's automatic error printing on the calling thread's default stack, so failures
/// surface only as PhaseLab's one-line InputError messages. Call before HDF5 work.
inline void silenceHdf5Errors()
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

} // namespace phaselab::core
