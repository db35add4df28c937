.loc 7 1
