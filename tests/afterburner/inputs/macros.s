# Sites are made after macro expansion: .macro, .rept, .irp, .altmacro and
# ALTERNATIVE-style replacement strings, and carry the flags of their sections.
	.macro irq_off
	cli
	.endm
	.macro twice insn
	\insn
	\insn
	.endm
	irq_off
	twice sti
	.rept 3
	pushfq
	.endr
	.irp port, 0x20, 0xa0
	outb %al, $\port
	.endr
	.altmacro
	.macro alt_io p
	inb $\p, %al
	.endm
	alt_io %(0x40+0x21)
	.noaltmacro
	.macro ALTERNATIVE oldinstr, newinstr
661:	\oldinstr
662:
	.pushsection .altinstr_replacement, "ax"
663:	\newinstr
664:
	.popsection
	.endm
	ALTERNATIVE "nop", "stac"
	.section .init.text, "ax"
	wrmsr
	.section .exit.text, "ax"
	rdmsr
	.section .head.text, "ax"
	hlt
