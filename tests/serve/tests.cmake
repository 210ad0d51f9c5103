# Included by tests/CMakeLists.txt.
# crashsig serve (tests/serve/): its HTML escaping and charts as a unit;
# the server itself over HTTP (cli_serve), in a real browser (serve_browser)
# and under load, killed in the middle (serve_load).
if(TARGET test_html)
  target_sources(test_html PRIVATE ${CMAKE_SOURCE_DIR}/src/serve/html.c
    ${CMAKE_SOURCE_DIR}/src/tool/json.c)
  target_link_libraries(test_html PRIVATE m)
endif()
if(CRASHSIG_SERVE AND Python3_Interpreter_FOUND)
  add_test(NAME cli_serve COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/cli_serve.py
    $<TARGET_FILE:crashsig> ${CMAKE_SOURCE_DIR})
  # Chromium renders the pages of a store built from the corpus; the
  # screenshots stay in build/serve-artifacts/. Skipped without Chromium.
  add_test(NAME serve_browser COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/serve_browser.py
    $<TARGET_FILE:crashsig> ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/serve-artifacts ${CRASHSIG_SHARED_DIR})
  set_tests_properties(serve_browser PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
  # 8 clients x 2,000 crashes on SQLite, serve killed (SIGKILL) in the
  # middle; the PostgreSQL run (two serve processes) is in scripts/test-pg.sh.
  add_test(NAME serve_load COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/serve_load.py
    $<TARGET_FILE:crashsig> ${CMAKE_SOURCE_DIR} --kill)
  set_tests_properties(serve_load PROPERTIES TIMEOUT 300)
endif()
