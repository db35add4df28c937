// Assembler.h: runs one AssemblerInvocation through LLVM MC with the site rewriter.
#pragma once

#include "afterburner/AssemblerInvocation.h"

namespace afterburner {

// Assembles the invocation's inputs into its output object. Diagnostics go to stderr in
// GNU style (`file:line: Error: message`). Returns 0 on success, 1 on any error; on
// error no output file is created or changed.
int assemble(const AssemblerInvocation &invocation);

// The version banner: first line "GNU assembler (Afterburner x.y; LLVM a.b.c) 2.40".
const char *versionBanner();

} // namespace afterburner
