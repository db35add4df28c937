nop
ljmp *%fs:(
