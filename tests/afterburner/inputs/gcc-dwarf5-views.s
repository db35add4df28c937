	.file	"dwarf.c"
	.text
.Ltext0:
	.file 0 "/afterburner/tests" "dwarf.c"
	.p2align 4
	.globl	sum
	.type	sum, @function
sum:
.LVL0:
.LFB2:
	.file 1 "dwarf.c"
	.loc 1 3 20 view -0
	.cfi_startproc
	.loc 1 4 3 view .LVU1
	.loc 1 4 7 is_stmt 0 view .LVU2
	leal	1(%rdi), %edx
.LVL1:
	.loc 1 5 3 is_stmt 1 view .LVU3
.LBB9:
	.loc 1 5 8 view .LVU4
	.loc 1 5 29 view .LVU5
	testl	%edi, %edi
	jle	.L1
	leal	(%rdi,%rdi,2), %esi
	xorl	%eax, %eax
	addl	%esi, %esi
.LVL2:
	.p2align 4,,10
	.p2align 3
.L3:
	.loc 1 6 5 view .LVU6
.LBB10:
.LBI10:
	.loc 1 2 12 view .LVU7
.LBB11:
	.loc 1 2 31 view .LVU8
	.loc 1 2 55 view .LVU9
.LBB12:
.LBI12:
	.file 2 "dwarf.h"
	.loc 2 1 19 view .LVU10
.LBB13:
	.loc 2 1 38 view .LVU11
	.loc 2 1 64 view .LVU12
	.loc 2 1 64 is_stmt 0 view .LVU13
.LBE13:
.LBE12:
.LBE11:
.LBE10:
	.loc 1 6 27 view .LVU14
	movl	%eax, %ecx
	.loc 1 5 29 view .LVU15
	addl	$6, %eax
	.loc 1 6 27 view .LVU16
	xorl	%edx, %ecx
	.loc 1 6 11 view .LVU17
	addl	%ecx, %edx
.LVL3:
	.loc 1 5 43 is_stmt 1 view .LVU18
	.loc 1 5 29 view .LVU19
	cmpl	%eax, %esi
	jne	.L3
.L1:
	.loc 1 5 29 is_stmt 0 view .LVU20
.LBE9:
	.loc 1 8 1 view .LVU21
	movl	%edx, %eax
	ret
	.cfi_endproc
.LFE2:
	.size	sum, .-sum
.Letext0:
	.section	.debug_info,"",@progbits
.Ldebug_info0:
	.long	0x149
	.value	0x5
	.byte	0x1
	.byte	0x8
	.long	.Ldebug_abbrev0
	.uleb128 0x6
	.long	.LASF7
	.byte	0x1d
	.long	.LASF0
	.long	.LASF1
	.quad	.Ltext0
	.quad	.Letext0-.Ltext0
	.long	.Ldebug_line0
	.uleb128 0x7
	.string	"sum"
	.byte	0x1
	.byte	0x3
	.byte	0x5
	.long	0xf5
	.quad	.LFB2
	.quad	.LFE2-.LFB2
	.uleb128 0x1
	.byte	0x9c
	.long	0xf5
	.uleb128 0x8
	.long	.LASF8
	.byte	0x1
	.byte	0x3
	.byte	0xd
	.long	0xf5
	.uleb128 0x1
	.byte	0x55
	.uleb128 0x1
	.long	.LASF2
	.byte	0x4
	.byte	0x7
	.long	0xf5
	.long	.LLST0
	.long	.LVUS0
	.uleb128 0x9
	.quad	.LBB9
	.quad	.LBE9-.LBB9
	.uleb128 0x1
	.long	.LASF3
	.byte	0x5
	.byte	0xc
	.long	0xf5
	.long	.LLST1
	.long	.LVUS1
	.uleb128 0x2
	.long	0xfc
	.quad	.LBI10
	.byte	.LVU7
	.quad	.LBB10
	.quad	.LBE10-.LBB10
	.byte	0x6
	.byte	0xe
	.uleb128 0x3
	.long	0x10d
	.uleb128 0xa
	.long	0x119
	.uleb128 0x2
	.long	0x126
	.quad	.LBI12
	.byte	.LVU10
	.quad	.LBB12
	.quad	.LBE12-.LBB12
	.byte	0x2
	.byte	0x3e
	.uleb128 0x3
	.long	0x133
	.uleb128 0xb
	.long	0x13f
	.long	.LLST2
	.long	.LVUS2
	.byte	0
	.byte	0
	.byte	0
	.byte	0
	.uleb128 0xc
	.byte	0x4
	.byte	0x5
	.string	"int"
	.uleb128 0xd
	.long	.LASF9
	.byte	0x1
	.byte	0x2
	.byte	0xc
	.long	0xf5
	.byte	0x1
	.long	0x126
	.uleb128 0x4
	.long	.LASF4
	.byte	0x1
	.byte	0x2
	.byte	0x16
	.long	0xf5
	.uleb128 0x5
	.long	.LASF5
	.byte	0x1
	.byte	0x2
	.byte	0x23
	.long	0xf5
	.byte	0
	.uleb128 0xe
	.long	.LASF10
	.byte	0x2
	.byte	0x1
	.byte	0x13
	.long	0xf5
	.byte	0x3
	.uleb128 0x4
	.long	.LASF4
	.byte	0x2
	.byte	0x1
	.byte	0x1d
	.long	0xf5
	.uleb128 0x5
	.long	.LASF6
	.byte	0x2
	.byte	0x1
	.byte	0x2a
	.long	0xf5
	.byte	0
	.byte	0
	.section	.debug_abbrev,"",@progbits
.Ldebug_abbrev0:
	.uleb128 0x1
	.uleb128 0x34
	.byte	0
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0x21
	.sleb128 1
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x2
	.uleb128 0x17
	.uleb128 0x2137
	.uleb128 0x17
	.byte	0
	.byte	0
	.uleb128 0x2
	.uleb128 0x1d
	.byte	0x1
	.uleb128 0x31
	.uleb128 0x13
	.uleb128 0x52
	.uleb128 0x1
	.uleb128 0x2138
	.uleb128 0xb
	.uleb128 0x11
	.uleb128 0x1
	.uleb128 0x12
	.uleb128 0x7
	.uleb128 0x58
	.uleb128 0x21
	.sleb128 1
	.uleb128 0x59
	.uleb128 0xb
	.uleb128 0x57
	.uleb128 0xb
	.byte	0
	.byte	0
	.uleb128 0x3
	.uleb128 0x5
	.byte	0
	.uleb128 0x31
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0x4
	.uleb128 0x5
	.byte	0
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x49
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0x5
	.uleb128 0x34
	.byte	0
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x49
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0x6
	.uleb128 0x11
	.byte	0x1
	.uleb128 0x25
	.uleb128 0xe
	.uleb128 0x13
	.uleb128 0xb
	.uleb128 0x3
	.uleb128 0x1f
	.uleb128 0x1b
	.uleb128 0x1f
	.uleb128 0x11
	.uleb128 0x1
	.uleb128 0x12
	.uleb128 0x7
	.uleb128 0x10
	.uleb128 0x17
	.byte	0
	.byte	0
	.uleb128 0x7
	.uleb128 0x2e
	.byte	0x1
	.uleb128 0x3f
	.uleb128 0x19
	.uleb128 0x3
	.uleb128 0x8
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x27
	.uleb128 0x19
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x11
	.uleb128 0x1
	.uleb128 0x12
	.uleb128 0x7
	.uleb128 0x40
	.uleb128 0x18
	.uleb128 0x7a
	.uleb128 0x19
	.uleb128 0x1
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0x8
	.uleb128 0x5
	.byte	0
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x2
	.uleb128 0x18
	.byte	0
	.byte	0
	.uleb128 0x9
	.uleb128 0xb
	.byte	0x1
	.uleb128 0x11
	.uleb128 0x1
	.uleb128 0x12
	.uleb128 0x7
	.byte	0
	.byte	0
	.uleb128 0xa
	.uleb128 0x34
	.byte	0
	.uleb128 0x31
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0xb
	.uleb128 0x34
	.byte	0
	.uleb128 0x31
	.uleb128 0x13
	.uleb128 0x2
	.uleb128 0x17
	.uleb128 0x2137
	.uleb128 0x17
	.byte	0
	.byte	0
	.uleb128 0xc
	.uleb128 0x24
	.byte	0
	.uleb128 0xb
	.uleb128 0xb
	.uleb128 0x3e
	.uleb128 0xb
	.uleb128 0x3
	.uleb128 0x8
	.byte	0
	.byte	0
	.uleb128 0xd
	.uleb128 0x2e
	.byte	0x1
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x27
	.uleb128 0x19
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x20
	.uleb128 0xb
	.uleb128 0x1
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0xe
	.uleb128 0x2e
	.byte	0x1
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x27
	.uleb128 0x19
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x20
	.uleb128 0xb
	.byte	0
	.byte	0
	.byte	0
	.section	.debug_loclists,"",@progbits
	.long	.Ldebug_loc3-.Ldebug_loc2
.Ldebug_loc2:
	.value	0x5
	.byte	0x8
	.byte	0
	.long	0
.Ldebug_loc0:
.LVUS0:
	.uleb128 .LVU3
	.uleb128 0
.LLST0:
	.byte	0x4
	.uleb128 .LVL1-.Ltext0
	.uleb128 .LFE2-.Ltext0
	.uleb128 0x1
	.byte	0x51
	.byte	0
.LVUS1:
	.uleb128 .LVU5
	.uleb128 .LVU6
.LLST1:
	.byte	0x4
	.uleb128 .LVL1-.Ltext0
	.uleb128 .LVL2-.Ltext0
	.uleb128 0x2
	.byte	0x30
	.byte	0x9f
	.byte	0
.LVUS2:
	.uleb128 .LVU12
	.uleb128 .LVU13
.LLST2:
	.byte	0x4
	.uleb128 .LVL2-.Ltext0
	.uleb128 .LVL2-.Ltext0
	.uleb128 0x1
	.byte	0x50
	.byte	0
.Ldebug_loc3:
	.section	.debug_aranges,"",@progbits
	.long	0x2c
	.value	0x2
	.long	.Ldebug_info0
	.byte	0x8
	.byte	0
	.value	0
	.value	0
	.quad	.Ltext0
	.quad	.Letext0-.Ltext0
	.quad	0
	.quad	0
	.section	.debug_line,"",@progbits
.Ldebug_line0:
	.section	.debug_str,"MS",@progbits,1
.LASF2:
	.string	"total"
.LASF6:
	.string	"doubled"
.LASF5:
	.string	"scaled"
.LASF4:
	.string	"value"
.LASF7:
	.string	"GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O2 -fasynchronous-unwind-tables"
.LASF10:
	.string	"twice"
.LASF8:
	.string	"count"
.LASF9:
	.string	"scale"
.LASF3:
	.string	"index"
	.section	.debug_line_str,"MS",@progbits,1
.LASF0:
	.string	"dwarf.c"
.LASF1:
	.string	"/afterburner/tests"
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
