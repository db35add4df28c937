// Commands.h: the subcommands of the `afterburner` tool. Each lives in its own file
// and receives the arguments after its name.
#pragma once

#include <string>
#include <vector>

namespace afterburner::tool {

using Arguments = std::vector<std::string>;

// `afterburner notes FILE...`: the site table of objects, archives and linked images.
int runNotes(const Arguments &arguments);
// `afterburner patch --wedge NAME IN OUT`: offline patching of a linked image.
int runPatch(const Arguments &arguments);
// `afterburner boot --platform P KERNEL`: boot a guest on bare metal, KVM, Xen or vthread.
int runBoot(const Arguments &arguments);

} // namespace afterburner::tool
