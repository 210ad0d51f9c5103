# Fixtures for the tests in tests/symbolize/ and tests/dwarf/, built with
# the C compiler exactly as a kernel build would (gcc -g -O2), independent
# of the project's warning and sanitizer flags:
#   fix_prog          executable with DWARF (inline chain, cold split,
#                     duplicate static names)
#   fix_prog_nodebug  same without DWARF (symbol-name fallback)
#   fixmod.ko         relocatable object (-c) standing in for a module, with
#                     .text and .text.unlikely
#   fix_prog_dwarf4, fix_prog_dwarf2, fix_prog_dwarf64
#                     fix_prog as DWARF 4, DWARF 2 and 64-bit DWARF 5 (for
#                     tests/dwarf/)
# Included by tests/CMakeLists.txt.
set(SYMFIX_SRC ${CMAKE_CURRENT_LIST_DIR})
set(SYMFIX_OUT ${CMAKE_CURRENT_BINARY_DIR}/symbolize-fixtures)
file(MAKE_DIRECTORY ${SYMFIX_OUT} ${SYMFIX_OUT}/modules/extra)

add_custom_command(
  OUTPUT ${SYMFIX_OUT}/fix_prog
  COMMAND ${CMAKE_C_COMPILER} -g -O2 -fno-pie -no-pie -o ${SYMFIX_OUT}/fix_prog
          ${SYMFIX_SRC}/fix_prog.c ${SYMFIX_SRC}/fix_other.c
  DEPENDS ${SYMFIX_SRC}/fix_prog.c ${SYMFIX_SRC}/fix_other.c
  COMMENT "symbolize fixture: fix_prog")
add_custom_command(
  OUTPUT ${SYMFIX_OUT}/fix_prog_nodebug
  COMMAND ${CMAKE_C_COMPILER} -g0 -O2 -fno-pie -no-pie -o ${SYMFIX_OUT}/fix_prog_nodebug
          ${SYMFIX_SRC}/fix_prog.c ${SYMFIX_SRC}/fix_other.c
  DEPENDS ${SYMFIX_SRC}/fix_prog.c ${SYMFIX_SRC}/fix_other.c
  COMMENT "symbolize fixture: fix_prog_nodebug")
add_custom_command(
  OUTPUT ${SYMFIX_OUT}/modules/extra/fixmod.ko
  COMMAND ${CMAKE_C_COMPILER} -g -O2 -c -o ${SYMFIX_OUT}/modules/extra/fixmod.ko
          ${SYMFIX_SRC}/fixmod.c
  DEPENDS ${SYMFIX_SRC}/fixmod.c
  COMMENT "symbolize fixture: fixmod.ko (ET_REL)")
# The same program in other DWARF flavours, for the shared DWARF reader's
# test (tests/dwarf/): version 4, version 2, 64-bit DWARF 5.
set(_symfix_flavours)
foreach(_fl dwarf4:-gdwarf-4 dwarf2:-gdwarf-2 dwarf64:-gdwarf64)
  string(REPLACE ":" ";" _fl ${_fl})
  list(GET _fl 0 _name)
  list(GET _fl 1 _flag)
  add_custom_command(
    OUTPUT ${SYMFIX_OUT}/fix_prog_${_name}
    COMMAND ${CMAKE_C_COMPILER} -g ${_flag} -O2 -fno-pie -no-pie -o ${SYMFIX_OUT}/fix_prog_${_name}
            ${SYMFIX_SRC}/fix_prog.c ${SYMFIX_SRC}/fix_other.c
    DEPENDS ${SYMFIX_SRC}/fix_prog.c ${SYMFIX_SRC}/fix_other.c
    COMMENT "symbolize fixture: fix_prog_${_name}")
  list(APPEND _symfix_flavours ${SYMFIX_OUT}/fix_prog_${_name})
endforeach()
add_custom_target(symbolize_fixtures ALL DEPENDS
  ${SYMFIX_OUT}/fix_prog ${SYMFIX_OUT}/fix_prog_nodebug
  ${SYMFIX_OUT}/modules/extra/fixmod.ko ${_symfix_flavours})

# Every test program of tests/symbolize/ and tests/dwarf/ gets the fixtures.
file(GLOB _symfix_tests CONFIGURE_DEPENDS ${SYMFIX_SRC}/test_*.c
  ${SYMFIX_SRC}/../dwarf/test_*.c)
foreach(_src ${_symfix_tests})
  get_filename_component(_t ${_src} NAME_WE)
  add_dependencies(${_t} symbolize_fixtures)
  target_compile_definitions(${_t} PRIVATE
    SYMFIX_DIR="${SYMFIX_OUT}"
    SYMFIX_SRC_DIR="${SYMFIX_SRC}"
    SYMFIX_REALKERNEL_DIR="${CMAKE_SOURCE_DIR}/fixtures/realkernel"
    SYMFIX_VMLINUX="/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64"
    SYMFIX_CLI="$<TARGET_FILE:crashsig>")
  add_dependencies(${_t} crashsig)
  add_test(NAME ${_t} COMMAND ${_t})
  set_tests_properties(${_t} PROPERTIES TIMEOUT 300)
endforeach()
