/* Both headers under __ASSEMBLER__, and a hand-written site made with the helper
 * macros. The layout test reads the note back from abi_asm_note. */
#include <afterburner/site_abi.h>
#include <afterburner/wedge_abi.h>

        .section .note.afterburner, "a", @note
        .balign 4
        .globl abi_asm_note
abi_asm_note:                           /* the macro's note follows right here */

        .section .rodata.abi_asm_site, "a"
        .code64
        .globl abi_asm_site
abi_asm_site:
1:      inb $0x60, %al
2:      AFTERBURNER_PAD 1b, AFTERBURNER_SITE_SIZE_CALL
        AFTERBURNER_SITE 1b, 2b, AFTERBURNER_OP_in_imm, AFTERBURNER_SITE_SIZE_CALL, 64, form=AFTERBURNER_OPERAND_IMMEDIATE, width=1, immediate=0x60
        .globl abi_asm_site_end
abi_asm_site_end:

        .section .note.GNU-stack, "", @progbits
