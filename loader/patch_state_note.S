/* patch_state_note.S: the one zero-filled PATCH_STATE note every guest carries
 * (site_abi.h, struct afterburner_patch_state). `afterburner patch` fills it when it
 * pre-patches an image for one wedge; the loader reads it at boot. */
#include <afterburner/site_abi.h>

  .pushsection .note.afterburner, "a", @note
  .balign 4
  .globl afterburner_patch_state_note
  .type afterburner_patch_state_note, @object
afterburner_patch_state_note:
  .long AFTERBURNER_NOTE_NAME_SIZE
  .long 24 /* sizeof(struct afterburner_patch_state) */
  .long AFTERBURNER_NOTE_TYPE_PATCH_STATE
  .asciz "Afterburner"
  .zero 24
  .size afterburner_patch_state_note, . - afterburner_patch_state_note
  .popsection
  .section .note.GNU-stack, "", @progbits
