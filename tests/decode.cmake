# Included (OPTIONAL) by tests/CMakeLists.txt: settings for test_decode.
if(TARGET test_decode)
  target_compile_definitions(test_decode PRIVATE
    CRASHSIG_DECODE_FIXTURE_DIR="${CMAKE_SOURCE_DIR}/fixtures/decode")
  if(NOT DEFINED CRASHSIG_SHARED_DIR)
    target_compile_definitions(test_decode PRIVATE
      CRASHSIG_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")
  endif()
endif()
