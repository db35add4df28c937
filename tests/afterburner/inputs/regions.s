# .afterburner_off / .afterburner_on keep a region native.
	cli
	.afterburner_off
	sti
	mov %cr0, %rax
	.afterburner_on
	hlt
