/* wedge_abi.h on its own, as C11. */
#include <afterburner/wedge_abi.h>

/* A C wedge can fill its table with array designators. */
static const struct afterburner_wedge c_wedge = {
    .name = "c-test",
    .abi_version = AFTERBURNER_WEDGE_ABI_VERSION,
    .mode = 64,
    .ops = {[AFTERBURNER_OP_cli] = {.policy = AFTERBURNER_POLICY_NATIVE}},
};

int abi_wedge_c_cli_policy(void) {
  return afterburner_wedge_entry(&c_wedge, AFTERBURNER_OP_cli)->policy;
}
