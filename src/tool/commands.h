/* Sub-commands of the crashsig tool. Each takes the arguments after the
 * sub-command name (argv[0] is the sub-command) and returns the exit status. */
#ifndef CRASHSIG_TOOL_COMMANDS_H
#define CRASHSIG_TOOL_COMMANDS_H
int tool_cmd_symbolize(int argc, char **argv);
int tool_cmd_decode(int argc, char **argv);
int tool_cmd_validate(int argc, char **argv);
int tool_cmd_bisect(int argc, char **argv);
int tool_cmd_dedup(int argc, char **argv);
/* src/serve/: the web dashboard and HTTP API */
int tool_cmd_serve(int argc, char **argv);
#endif
