/* site_abi.h on its own, as C11: it must need nothing but itself. */
#include <afterburner/site_abi.h>

int abi_site_c_op_count(void) {
  return AFTERBURNER_OP_COUNT;
}
