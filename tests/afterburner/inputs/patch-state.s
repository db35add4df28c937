# A hand-written image state as `afterburner patch` leaves it: a PATCH_STATE note naming
# the wedge and one PREPATCHED site (assembled with --no-sites).
	.text
	.globl _start
_start:
1:	cli
	.fill 15, 1, 0x90
	.section .note.afterburner, "a", @note
	.balign 4
	.long 12, 24, 0x41425002
	.asciz "Afterburner"
	.ascii "xen"
	.fill 13, 1, 0
	.long 3, 0
	.long 12, 24, 0x41425302
	.asciz "Afterburner"
	.long 1b - .
	.short 1
	.byte 16, 1, 64, 0x80, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff
	.short 0
	.long 0
