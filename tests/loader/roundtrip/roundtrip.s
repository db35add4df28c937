# roundtrip.s: sensitive instructions of many ops, with operands, for the round trip
# afterburner-as -> link with loader/afterburner_notes.ld -> hosted loader -> patch.
	.text
	.globl roundtrip_start
roundtrip_start:
	cli
	sti
	pushfq
	popfq
	hlt
	inb $0x60, %al
	inw %dx, %ax
	outb %al, $0x80
	outl %eax, %dx
	movq %cr3, %rax
	movq %rbx, %cr3
	movq %cr0, %rcx
	rdmsr
	wrmsr
	rdtsc
	cpuid
	addq $1, %rax          # not sensitive: no site
	invlpg (%rdi)
	lgdt 8(%rsp)
	movw %ax, %ds
	swapgs
	int $0x80
	iretq

	.code32
	.globl roundtrip_legacy
roundtrip_legacy:
	cli                    # 32-bit: a 64-bit wedge leaves it native
	.code64
