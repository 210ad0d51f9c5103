/*
 * libcrashsig: decode the `Code:` bytes of kernel crash reports in-process
 * (with capstone) and explain the faulting instruction.
 *
 * A decoder finds every code dump in a piece of console output:
 *   x86-64 / i386   Code: 48 8b 45 00 <0f> 0b 66 90 ...    (<xx> = trap byte)
 *   arm64 / arm     Code: d503201f a9bf7bfd (d4210000)     ((...) = trap word)
 *   arm thumb       Code: b510 6843 (de02) 4770            (halfwords)
 *   riscv           Code: 0613 4681 (9002) 61e2            (halfwords)
 *   powerpc         Instruction dump: / Code: ... <7c0802a6> ...
 *   s390            Krnl Code: ... >000000000012345a: e31020080004 lg ...
 * disassembles it in objdump's layout and syntax (AT&T on x86) and, using
 * the register dump of the same report, says what the trapping instruction
 * touched (memory operand, registers, computed address, KASAN shadow range,
 * BUG/WARN trap, divisor of a divide error).
 *
 * Ownership follows <crashsig/base.h>: crashsig_decoder_new / crashsig_decode_text
 * hand out objects owned by the caller, released with the matching *_free
 * (which accept NULL). Everything reachable from a crashsig_code (strings,
 * byte and instruction arrays) belongs to the crashsig_decoded it was read
 * from. The library never prints; errors are negative crashsig_error codes.
 * A decoder holds its own capstone handles: use it from one thread at a time.
 */
#ifndef CRASHSIG_DECODE_H
#define CRASHSIG_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum crashsig_arch {
	CRASHSIG_ARCH_UNKNOWN = 0,
	CRASHSIG_ARCH_X86_64 = 1,
	CRASHSIG_ARCH_I386 = 2,
	CRASHSIG_ARCH_ARM64 = 3,
	CRASHSIG_ARCH_ARM = 4, /* ARM or Thumb, chosen by the Code: unit width */
	CRASHSIG_ARCH_RISCV = 5,
	CRASHSIG_ARCH_POWERPC = 6,
	CRASHSIG_ARCH_S390 = 7,
} crashsig_arch;

/* Canonical name ("x86_64", "i386", "arm64", "arm", "riscv", "powerpc",
 * "s390"; "unknown"). */
const char *crashsig_arch_name(crashsig_arch arch);
/* Parse an architecture name; accepts the canonical names and common aliases
 * (amd64, x86-64, x86, i686, aarch64, armv7, riscv64, ppc64, ppc64le, s390x).
 * Returns CRASHSIG_OK or CRASHSIG_EINVAL. */
int crashsig_arch_parse(const char *name, crashsig_arch *out);
/* The architecture of the register dump in text (a report's text, console
 * prefixes removed): the first line that starts (after blanks) with a
 * marker the decoder infers it from (RIP:/RAX:, EIP:/EAX:, pc :/x29:/
 * pstate:, PC is at/pc : [<, epc :, NIP:, Krnl PSW). CRASHSIG_ARCH_UNKNOWN
 * when the text has none. */
crashsig_arch crashsig_arch_infer(const char *text, size_t len);

typedef enum crashsig_trap_kind {
	CRASHSIG_TRAP_UNKNOWN = 0, /* nothing decoded, or no trapping insn */
	CRASHSIG_TRAP_MEMORY = 1,  /* instruction with a memory operand */
	CRASHSIG_TRAP_BUG = 2,     /* ud2 / brk / udf: BUG() or WARN(), no fault */
	CRASHSIG_TRAP_DIVIDE = 3,  /* div / idiv */
	CRASHSIG_TRAP_OTHER = 4,   /* an instruction without memory operand */
} crashsig_trap_kind;

/* One disassembled instruction. */
typedef struct crashsig_insn {
	uint64_t addr;        /* address as printed: offset from the first
			       * decoded byte (as objdump -b binary) */
	size_t offset;        /* index of its first byte in crashsig_code.bytes */
	size_t size;          /* number of bytes */
	const char *mnemonic; /* objdump spelling, e.g. "movzbl", "(bad)" */
	const char *operands; /* objdump spelling, "" when none */
	const char *line;     /* objdump-layout line(s), no final newline; a
			       * continuation line for long x86 insns is
			       * separated by '\n'; trap marked syzbot-style */
	int trapping;         /* the instruction at the marked byte/word */
	int invalid;          /* undecodable bytes ("(bad)") */
} crashsig_insn;

#define CRASHSIG_NO_TRAP ((size_t)-1)

/* One code dump ("Code:" line or equivalent block). */
typedef struct crashsig_code {
	unsigned int line;    /* 1-based line number of the dump in the text */
	crashsig_arch arch;   /* architecture used (inferred or forced) */
	int thumb;            /* ARM Thumb (halfword) dump */
	int user;             /* user-mode code (x86 RIP: 0033, EL0, ...) */
	int status;           /* CRASHSIG_OK or a negative crashsig_error */
	const char *message;  /* why status != OK (or a warning), else NULL */
	const uint8_t *bytes; /* machine code in memory order */
	size_t nbytes;
	size_t trap_offset;   /* index in bytes of the marked unit, or
			       * CRASHSIG_NO_TRAP */
	size_t skipped;       /* x86: leading bytes skipped so that an
			       * instruction starts at the trap byte */
	const crashsig_insn *insns;
	size_t ninsns;
	const char *listing;  /* all insn lines, each newline terminated; NULL
			       * when nothing was disassembled */
	crashsig_trap_kind trap_kind;
	/* One-line explanation, e.g. "Fault: movzbl (%rdx,%rax,1),%eax reads
	 * 0xdffffc0000000012 = KASAN shadow of 0x90..0x97 (NULL+0x90)", or
	 * NULL when there is nothing to explain. */
	const char *explanation;
	int has_address;      /* address below is valid */
	uint64_t address;     /* computed memory address of the operand */
	int is_write;         /* the access writes memory */
	int kasan;            /* the operand is a KASAN shadow check */
	uint64_t kasan_start; /* guarded range [start, end) */
	uint64_t kasan_end;
} crashsig_code;

typedef struct crashsig_decoder crashsig_decoder;
typedef struct crashsig_decoded crashsig_decoded;

/* Create a decoder. ctx (may be NULL) receives error messages and must
 * outlive the decoder. */
int crashsig_decoder_new(crashsig_decoder **out, crashsig_ctx *ctx);
void crashsig_decoder_free(crashsig_decoder *d);

/* Decode every code dump in text (console output, report text, or a single
 * "Code: ..." line). arch forces the architecture; CRASHSIG_ARCH_UNKNOWN
 * infers it for each dump from the surrounding register dump. A malformed
 * dump does not fail the call: it gets status < 0 and a message, and the
 * other dumps are still decoded. Returns CRASHSIG_OK (also when no dump was
 * found: count 0), CRASHSIG_EINVAL or CRASHSIG_ENOMEM. *out is owned by the
 * caller. */
int crashsig_decoder_decode(crashsig_decoder *d, const char *text, size_t len,
			    crashsig_arch arch, crashsig_decoded **out);
size_t crashsig_decoded_count(const crashsig_decoded *r);
const crashsig_code *crashsig_decoded_code(const crashsig_decoded *r,
					   size_t i);
void crashsig_decoded_free(crashsig_decoded *r);

/* The dump syzbot would print as "Code disassembly (best guess)": the first
 * kernel-mode dump that decoded with a trapping instruction that is not a
 * BUG/WARN trap, unless the text is a stall/lockup/hang report (whose code is
 * merely where the CPU was interrupted). NULL when there is none. */
const crashsig_code *crashsig_decoded_primary(const crashsig_decoded *r);

/* Streaming. The decoder reads a window of lines around each code dump:
 * back to the previous dump, at most CRASHSIG_DECODE_WINDOW_BEFORE lines, and
 * forward to the next dump, at most CRASHSIG_DECODE_WINDOW_AFTER lines. Text
 * cut where no window crosses the cut decodes piece by piece exactly as in
 * one piece (crashsig decode streams its input this way). */
#define CRASHSIG_DECODE_WINDOW_BEFORE 200
#define CRASHSIG_DECODE_WINDOW_AFTER 25
/* A dump longer than this many bytes (a "Code:" line, or the lines of a
 * powerpc/s390 dump) is not decoded: its code gets status
 * CRASHSIG_EFORMAT and a message. Kernel dumps are under 300 bytes. */
#define CRASHSIG_DECODE_MAX_DUMP 8192
/* 1 when line (console prefix allowed) begins a code dump ("Code:",
 * "Instruction dump:", "Krnl Code:", "User Code:"), else 0. */
int crashsig_decode_line_is_dump(const char *line, size_t len);
/* 1 when text is a stall, lockup or hang report (its first three non-empty
 * lines say so): crashsig_decoded_primary gives no dump for it. */
int crashsig_decode_text_is_hang(const char *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif
