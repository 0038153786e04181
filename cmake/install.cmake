# `cmake --install build --prefix P`: the program, one shared library of the
# whole engine with its headers, a CMake package (find_package(hydrascope)),
# a pkg-config file, the Python module (engine/python), a man page per command
# and bash completion (generated from the program's own --help), the JSON
# Schemas of the outputs and the snapshot format, and the user docs.
include(CMakePackageConfigHelpers)

# The engine as one shared library (libhydrascope.so), made of the objects
# the module libraries already compiled (position-independent everywhere):
# a program outside the tree links one library, not thirteen in order.
set(hydrascope_engine_modules core graph io community centrality refine features model scoring tracking pipeline export report synth)
set(hydrascope_engine_objects "")
foreach(m IN LISTS hydrascope_engine_modules)
  list(APPEND hydrascope_engine_objects $<TARGET_OBJECTS:hydrascope_${m}>)
endforeach()
add_library(hydrascope_shared SHARED ${hydrascope_engine_objects})
add_library(hydrascope::hydrascope ALIAS hydrascope_shared)
set_target_properties(hydrascope_shared PROPERTIES
  OUTPUT_NAME hydrascope
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
  EXPORT_NAME hydrascope)
target_include_directories(hydrascope_shared INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(hydrascope_shared INTERFACE cxx_std_20)
target_link_libraries(hydrascope_shared PRIVATE xgboost::xgboost ZLIB::ZLIB Threads::Threads)
if(OpenMP_CXX_FOUND)
  target_link_libraries(hydrascope_shared PRIVATE OpenMP::OpenMP_CXX)
endif()

install(TARGETS hydrascope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT program)
install(TARGETS hydrascope_shared EXPORT hydrascopeTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT library
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Public headers; bgl.hpp holds Boost.Graph templates for the engine's own
# modules and is not part of the installed interface, nor is mpi.hpp (the MPI
# launcher of the executable, engine/mpi, not in libhydrascope).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hydrascope DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT library FILES_MATCHING PATTERN "*.hpp" PATTERN "bgl.hpp" EXCLUDE PATTERN "mpi.hpp" EXCLUDE)

set(hydrascope_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/hydrascope)
install(EXPORT hydrascopeTargets NAMESPACE hydrascope:: DESTINATION ${hydrascope_cmake_dir} COMPONENT library)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hydrascopeConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/hydrascopeConfig.cmake INSTALL_DESTINATION ${hydrascope_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hydrascopeConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hydrascopeConfig.cmake ${PROJECT_BINARY_DIR}/hydrascopeConfigVersion.cmake
        DESTINATION ${hydrascope_cmake_dir} COMPONENT library)

# pkg-config: libdir and includedir relative to the prefix the file is installed under.
string(REGEX REPLACE "[^/]+" ".." hydrascope_pc_up "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
configure_file(${PROJECT_SOURCE_DIR}/cmake/hydrascope.pc.in ${PROJECT_BINARY_DIR}/hydrascope.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hydrascope.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT library)

# Man pages (one per command) and bash completion, from the program's --help
# (not in sanitizer and fuzz builds, whose program is not the one installed).
if(Python3_Interpreter_FOUND AND NOT HYDRASCOPE_SANITIZE AND NOT HYDRASCOPE_FUZZ)
  set(hydrascope_man_dir ${PROJECT_BINARY_DIR}/man)
  add_custom_command(
    OUTPUT ${hydrascope_man_dir}/stamp
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/manpages.py $<TARGET_FILE:hydrascope>
            ${hydrascope_man_dir} ${PROJECT_VERSION}
    COMMAND ${CMAKE_COMMAND} -E touch ${hydrascope_man_dir}/stamp
    DEPENDS hydrascope ${PROJECT_SOURCE_DIR}/scripts/manpages.py
    COMMENT "Man pages and bash completion from hydrascope --help")
  add_custom_target(hydrascope_manpages ALL DEPENDS ${hydrascope_man_dir}/stamp)
  install(DIRECTORY ${hydrascope_man_dir}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR} COMPONENT docs)
  install(FILES ${hydrascope_man_dir}/hydrascope.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME hydrascope COMPONENT docs)
endif()

install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/schema/ DESTINATION ${CMAKE_INSTALL_DATADIR}/hydrascope/schema COMPONENT docs)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs
        FILES_MATCHING PATTERN "*.md" PATTERN "img" EXCLUDE PATTERN "schema" EXCLUDE)
