# A site in a COMDAT group: its record goes to a .note.afterburner in the same group.
	.section .text.inline_helper,"axG",@progbits,inline_helper,comdat
	cli
	.text
	sti
