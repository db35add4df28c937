.include "does-not-exist.inc"
