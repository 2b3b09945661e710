#pragma once
// The one lock around the HDF5 C library. Deliberately free of <hdf5.h>: HDF5 is an
// implementation detail of core (linked PRIVATE); only core's sources, and the few tests that
// write raw HDF5 files, call it.

#include <mutex>

namespace phaselab::core {

/// Locks the process-wide recursive mutex that serialises every call into the HDF5 C library and
/// returns the lock, which releases it when it goes out of scope.
///
/// Debian's libhdf5 is built without its thread-safety option, so no two threads may be inside
/// the library at once, whichever part of PhaseLab makes the calls: the image readers and
/// writers (hdf5_io.h, image_io.h), the data set reader and writer (dataset.h), and through them
/// the training loader. Every PhaseLab function that calls HDF5 holds this lock for the whole
/// call, including the closing of its HDF5 objects, so those functions may be called from any
/// thread. Recursive: a thread holding it may call them, or lock it again, without deadlock.
/// Code outside core that calls HDF5 itself while other threads may use PhaseLab's readers
/// (tests that write raw HDF5 files) should hold it too. Thread-safe.
[[nodiscard]] std::unique_lock<std::recursive_mutex> lockHdf5();

} // namespace phaselab::core
