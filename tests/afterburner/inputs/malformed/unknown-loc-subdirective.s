.file 1 "a.c"
.loc 1 1 frob 3
