# .afterburner_page_table_store in 32-bit code: 4-byte entries (non-PAE paging).
	.code32
	.afterburner_page_table_store
	movl %ebx, (%esi,%edx,4)
	.afterburner_page_table_store
	movl %eax, directory+8
	.afterburner_page_table_store
	xchgl %ecx, (%edi)
	.data
directory: .long 0, 0, 0
