# Sourced by scripts/test-fuzz.sh and bench/fuzz_long.sh: the libFuzzer
# targets of tests/fuzz/ and the longest input each is given (-max_len).
fuzz_targets="fuzz_parser fuzz_frame fuzz_decode fuzz_rules fuzz_symbolize fuzz_elf fuzz_bisect fuzz_validate fuzz_dedup fuzz_mail"
fuzz_max_len() {
	case $1 in
	fuzz_frame) echo 512 ;;
	fuzz_decode | fuzz_symbolize | fuzz_validate) echo 16384 ;;
	fuzz_elf) echo 524288 ;;
	fuzz_bisect) echo 262144 ;;
	fuzz_dedup) echo 32768 ;;
	*) echo 65536 ;;
	esac
}
