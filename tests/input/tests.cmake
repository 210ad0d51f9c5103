# Tests of the input layer (src/input/) through the tool. Included by
# tests/CMakeLists.txt.
#   formats_equal  symbolize, decode and classify agree on all 16 console
#                  formats of fixtures/input/ (symbolize against the test's
#                  own ELF, tests/symbolize/fixtures.cmake)
#   cli_input      hostile inputs (fixtures/input/hostile), bzip2, archives,
#                  mail through the CLI, F9/F15/F16
#   mail_corpus    the shared mail archives: each raw message gives what its
#                  decoded body gives; score-mail's measures ratcheted
set(_in ${CMAKE_CURRENT_LIST_DIR})
if(Python3_Interpreter_FOUND)
  add_test(NAME formats_equal
    COMMAND ${Python3_EXECUTABLE} ${_in}/formats_equal.py $<TARGET_FILE:crashsig>
            ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/symbolize-fixtures/fix_prog)
  set(_mail ${CRASHSIG_SHARED_DIR}/corpus/mail)
  if(EXISTS ${_mail}/f2fs/labels.tsv)
    file(GLOB _maildirs LIST_DIRECTORIES true ${_mail}/*)
    list(FILTER _maildirs EXCLUDE REGEX "README")
    add_test(NAME mail_corpus
      COMMAND ${Python3_EXECUTABLE} ${_in}/mail_corpus.py $<TARGET_FILE:crashsig>
              ${_in}/mail-ratchet.txt ${_maildirs})
  else()
    add_test(NAME mail_corpus COMMAND sh -c
      "echo 'skipped: mail_corpus because ${_mail} is absent (set CRASHSIG_SHARED_DIR)'; exit 77")
    set_tests_properties(mail_corpus PROPERTIES SKIP_RETURN_CODE 77)
  endif()
endif()
add_test(NAME cli_input COMMAND sh ${_in}/cli_input.sh $<TARGET_FILE:crashsig> ${CMAKE_SOURCE_DIR})
if(CRASHSIG_SANITIZE)
  set_tests_properties(cli_input PROPERTIES ENVIRONMENT CRASHSIG_SANITIZED=1)
endif()
