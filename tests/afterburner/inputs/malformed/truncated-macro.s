.macro m
 cli
