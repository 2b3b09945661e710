# One owner for "reconstruct a hologram" (architecture.md), checked on the sources (run by CTest
# as `pipeline_ownership`, next to `dependency_rule`): the widgets and the command line go through
# core's pipeline (reconstruction_pipeline.h) and never
#   - spell a reconstruction method's option keys (they map options; the options structs do),
#   - spell a result's metadata keys (they build metadata; ReconstructionOutcome does),
#   - write TIFF files or their metadata from widgets/ (core::writeResult does),
#   - spell the geometry's JSON keys in widgets/ (core::toJson(Geometry) does).
# A key used as a JSON key looks like {"key", ["key"], value("key", contains("key" or at("key".
# Fails with every offending file and line.
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<project root>")
endif()

set(json_key "(\\{|\\[|value\\(|contains\\(|at\\(|erase\\()[ \t]*\"")
set(option_keys "alpha0|alpha_low|alpha_high|transition_width|newton_steps|newton|cg_iterations|cg|initial_guess|start|unknowns|variant|noise_level|tau|penalty|sobolev_scale|sobolev_order|positivity|preview_every|q")
set(learned_keys "model|device")
set(metadata_keys "residual|residual_history|stop_reason|method_name|iterations|beta_over_delta|options|propagation")
set(geometry_keys "energy_keV|energy_kev|distance_m|pixel_size_m|wavelength_m|fresnel_number")
set(violations "")

function(check_dir dir regex what)
  file(GLOB_RECURSE files "${SOURCE_DIR}/${dir}/*.h" "${SOURCE_DIR}/${dir}/*.cpp")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" lines REGEX "${regex}")
    foreach(line IN LISTS lines)
      file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
      string(STRIP "${line}" line)
      string(APPEND violations "  ${rel}: ${what}: ${line}\n")
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

foreach(dir widgets app)
  check_dir(${dir} "${json_key}(${option_keys})\"" "maps method options (use the options structs)")
  check_dir(${dir} "${json_key}(${metadata_keys})\"" "builds result metadata (use ReconstructionOutcome)")
endforeach()
# The command line's other commands (train, info, propagate, convert) report and write their own
# files, with keys such as "model", "device" and "phaselab_version"; the widgets write none.
check_dir(widgets "${json_key}(${learned_keys})\"" "maps method options (use the options structs)")
check_dir(widgets "${json_key}phaselab_version\"" "builds result metadata (use ReconstructionOutcome)")
check_dir(widgets "${json_key}(${geometry_keys})\"" "spells the geometry JSON (use core::toJson)")
check_dir(widgets "(writeTiff|ImageMetadata)" "writes result files (use core::writeResult)")

if(violations)
  message(FATAL_ERROR "reconstruction has one owner, core's pipeline (architecture.md):\n${violations}")
endif()
message(STATUS "pipeline ownership holds")
