# Instructions written as .byte (as Linux spells stac/clac, xsaves and monitor for old
# assemblers) become sites when one .byte directive in code is exactly one sensitive
# instruction; lone bytes, other instructions and data sections stay data.
	.text
	.byte 0x0f, 0x01, 0xcb
	.byte 0x48, 0x0f, 0xc7, 0x2f
	.byte 0xfa
	.byte 0x01, 0x02
	.pushsection .altinstr_replacement, "ax"
	.byte 0x0f, 0x01, 0xca
	.popsection
	.section .rodata
	.byte 0x0f, 0x01, 0xc8
	.text
	.code32
	.byte 0x0f, 0x01, 0xc9
