nop
.afterburner_off junk
