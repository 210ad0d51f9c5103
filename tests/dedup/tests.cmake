# crashsig dedup as a crash record (tests/CMakeLists.txt includes this file):
# crash lists, one bug, one crash, the export, filters, the life cycle, mail
# and archives, and the store-side reliability findings; and the time a
# crash's log gives (journal-short-iso.log).
add_test(NAME cli_dedup_store COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_dedup_store.sh
  $<TARGET_FILE:crashsig> ${CMAKE_SOURCE_DIR})
add_test(NAME cli_dedup_logtime COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_dedup_logtime.sh
  $<TARGET_FILE:crashsig> ${CMAKE_SOURCE_DIR})
# Parsing in one thread while storing in another (the default) gives what
# --sequential gives: store, output, messages, exit status; and a store
# that fails mid-ingest stops the parser (scripts/test-tsan.sh runs it
# under ThreadSanitizer too).
add_test(NAME cli_dedup_pipe COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_dedup_pipe.sh
  $<TARGET_FILE:crashsig> ${CMAKE_SOURCE_DIR} ${CRASHSIG_SHARED_DIR})
set_tests_properties(cli_dedup_pipe PROPERTIES PROCESSORS 2)
