# The layer rule of architecture.md, checked on the sources (run by CTest as `dependency_rule`):
#   core/    includes no Qt and no LibTorch header
#   models/  includes no Qt header; its public headers include no LibTorch header (the facade)
#   widgets/ and app/ include no LibTorch header
#   core's public headers, models/, widgets/ and app/ include no HDF5 header (HDF5 is linked
#   PRIVATE to core; data sets go through core::DatasetReader / DatasetWriter)
# Fails with every offending file and line.
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<project root>")
endif()

set(qt_re "#[ \t]*include[ \t]*[<\"](Q[A-Za-z0-9_]+|qcustomplot\\.h|QtCore|QtGui|QtWidgets)")
set(torch_re "#[ \t]*include[ \t]*[<\"](torch/|ATen/|c10/)")
set(hdf5_re "#[ \t]*include[ \t]*[<\"](hdf5|hdf5_hl|H5[A-Za-z0-9_]*)\\.h[>\"]")
set(violations "")

function(check_dir dir regex what)
  file(GLOB_RECURSE files "${SOURCE_DIR}/${dir}/*.h" "${SOURCE_DIR}/${dir}/*.hpp"
       "${SOURCE_DIR}/${dir}/*.cpp" "${SOURCE_DIR}/${dir}/*.cc")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" lines REGEX "${regex}")
    foreach(line IN LISTS lines)
      file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
      string(APPEND violations "  ${rel}: ${what}: ${line}\n")
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

check_dir(core "${qt_re}" "core must not use Qt")
check_dir(core "${torch_re}" "core must not use LibTorch")
check_dir(models "${qt_re}" "models must not use Qt")
check_dir(models/include "${torch_re}" "models' public headers must not expose LibTorch")
check_dir(widgets "${torch_re}" "widgets must use the models facade, not LibTorch")
check_dir(app "${torch_re}" "app must use the models facade, not LibTorch")
check_dir(app/cli "${qt_re}" "phaselab-cli links core + models only")
check_dir(core/include "${hdf5_re}" "core's public headers must not expose HDF5")
check_dir(models "${hdf5_re}" "models must read data sets through core, not HDF5")
check_dir(widgets "${hdf5_re}" "widgets must use core's readers, not HDF5")
check_dir(app "${hdf5_re}" "app must use core's readers, not HDF5")

if(violations)
  message(FATAL_ERROR "dependency rule broken (architecture.md):\n${violations}")
endif()
message(STATUS "dependency rule holds")
