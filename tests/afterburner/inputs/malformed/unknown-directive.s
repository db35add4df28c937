.frobnicate 1
