# plain-statements.s: the data and .loc statements of compiler output that afterburner-as
# emits straight from the text (StatementText.h), next to forms it leaves to LLVM's
# parser. The test assembles it as is and with a comment on every line (which sends every
# statement through LLVM's parser) and expects the same bytes.
	.file 0 "/tmp" "plain.c"
	.file 1 "plain.c"
	.text
f:
	.loc 1 2 3 view .LVU1
	.loc 1 2 3 view .LVU2
	nop
	.loc 1 5 view -0
	.loc 1 6 7 is_stmt 0 discriminator 3 view .LVU3
	.loc 1 6 7 is_stmt 1 prologue_end basic_block epilogue_begin
	.loc 1 8 9 view 0
	.loc 1 8 9 view 4
	.loc 1 010 9
	.loc 1 12 9 isa 1
	.loc 1
	ret
.Lend:
	.set answer, 42
	.set later, f+1
	.macro bytes value
	.byte \value
	.long \value
	.uleb128 \value
	.endm
	.section .debug_info,"",@progbits
.Linfo:
	.byte 0x1
	.byte 0xff
	.byte -1
	.byte 077
	.byte 'a'
	.byte 1, 2, 0x0f
	.value 0x1234
	.value answer
	.long 0x12345678
	.long .Lend-f
	.long .Lend - f
	.long .Lend-f-1
	.long f
	.long undefined_symbol
	.long later
	.long answer
	.quad 0x123456789abcdef0
	.quad 0xfedcba9876543210
	.quad 123456789012345678
	.quad f
	.uleb128 0x12345
	.uleb128 .LVU1
	.uleb128 .Lend-f
	.uleb128 answer
	.sleb128 -5
	.sleb128 100
	.sleb128 f-.Lend
	bytes 7
	.rept 2
	.byte 4
	.long 5
	.endr
	.if 0
	.byte 1
	.endif
	.BYTE 3
	.Long 4
	.long 0b11
	.long 1+1
