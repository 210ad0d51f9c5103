# Fixtures for tests/validate: a small "kernel" and "module" built with the C
# compiler like kernel objects (gcc -g -O2), independent of the project's
# warning and sanitizer flags. Included by tests/CMakeLists.txt.
set(VFIX_SRC ${CMAKE_SOURCE_DIR}/fixtures/validate)
set(VFIX_OUT ${CMAKE_CURRENT_BINARY_DIR}/validate-fixtures)
file(MAKE_DIRECTORY ${VFIX_OUT})
add_custom_command(
  OUTPUT ${VFIX_OUT}/vfix
  COMMAND ${CMAKE_C_COMPILER} -g -O2 -fno-pie -no-pie -o ${VFIX_OUT}/vfix
          ${VFIX_SRC}/vfix_main.c ${VFIX_SRC}/vfix_other.c
  DEPENDS ${VFIX_SRC}/vfix_main.c ${VFIX_SRC}/vfix_other.c
  COMMENT "validate fixture: vfix")
add_custom_command(
  OUTPUT ${VFIX_OUT}/vfixmod.ko
  COMMAND ${CMAKE_C_COMPILER} -g -O2 -c -o ${VFIX_OUT}/vfixmod.ko ${VFIX_SRC}/vfix_mod.c
  DEPENDS ${VFIX_SRC}/vfix_mod.c
  COMMENT "validate fixture: vfixmod.ko (ET_REL)")
add_custom_target(validate_fixtures ALL DEPENDS ${VFIX_OUT}/vfix ${VFIX_OUT}/vfixmod.ko)

if(TARGET test_validate)
  add_dependencies(test_validate validate_fixtures)
  target_compile_definitions(test_validate PRIVATE VFIX_DIR="${VFIX_OUT}")
  set_tests_properties(test_validate PROPERTIES TIMEOUT 300)
endif()
if(TARGET test_maintainers)
  # The integration test extracts MAINTAINERS from Debian's linux-source-6.1
  # into the build directory at test time.
  target_compile_definitions(test_maintainers PRIVATE
    MAINT_WORKDIR="${CMAKE_CURRENT_BINARY_DIR}/validate-maintainers")
  set_tests_properties(test_maintainers PROPERTIES TIMEOUT 300)
endif()
if(TARGET test_guilty)
  set_tests_properties(test_guilty PROPERTIES TIMEOUT 120)
endif()

# The CLI on the fixture kernel.
add_test(NAME cli_validate COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/validate/cli_validate.sh
  $<TARGET_FILE:crashsig> ${VFIX_OUT} ${CMAKE_SOURCE_DIR})
