// PatchCommand.cpp: `afterburner patch --wedge NAME IN.elf OUT.elf` (ImagePatcher.h).
// OUT is written only when patching succeeds, through a temporary file renamed into
// place, so a failure never leaves a half-written image.
#include "Commands.h"
#include "ImagePatcher.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace afterburner::tool {

namespace {

struct PatchArguments {
  std::string wedge;
  std::string input;
  std::string output;
};

int usage(FILE *stream) {
  std::fprintf(stream,
               "usage: afterburner patch --wedge NAME IN.elf OUT.elf\n\n"
               "Pre-patches a linked guest image for one wedge, with the loader's own code:\n"
               "the wedge's table is read from the image (symbol afterburner_wedge_NAME),\n"
               "patched sites are marked PREPATCHED and the PATCH_STATE note names the wedge,\n"
               "so the loader at boot selects that wedge and leaves those sites alone.\n");
  return stream == stdout ? 0 : 2;
}

// Returns -1 when the arguments are complete, else the exit status.
int parseArguments(const Arguments &arguments, PatchArguments &parsed) {
  std::vector<std::string> positional;
  for (size_t index = 0; index < arguments.size(); ++index) {
    const std::string &argument = arguments[index];
    if (argument == "--help" || argument == "-h")
      return usage(stdout);
    if (argument == "--wedge" && index + 1 < arguments.size()) {
      parsed.wedge = arguments[++index];
    } else if (argument.rfind("--wedge=", 0) == 0) {
      parsed.wedge = argument.substr(8);
    } else if (!argument.empty() && argument[0] == '-') {
      std::fprintf(stderr, "afterburner patch: error: unknown option '%s'\n", argument.c_str());
      return usage(stderr);
    } else {
      positional.push_back(argument);
    }
  }
  if (parsed.wedge.empty() || positional.size() != 2)
    return usage(stderr);
  parsed.input = positional[0];
  parsed.output = positional[1];
  return -1;
}

bool readFile(const std::string &path, std::vector<uint8_t> &bytes) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream)
    return false;
  bytes.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
  return !stream.bad();
}

bool writeFileAtomically(const std::string &path, const std::vector<uint8_t> &bytes, mode_t mode) {
  const std::string temporary = path + ".afterburner-tmp";
  {
    std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
    stream.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
    if (!stream.flush()) {
      std::remove(temporary.c_str());
      return false;
    }
  }
  chmod(temporary.c_str(), mode);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

int fail(const std::string &path, const std::string &why) {
  std::fprintf(stderr, "afterburner patch: error: %s: %s\n", path.c_str(), why.c_str());
  return 1;
}

} // namespace

int runPatch(const Arguments &arguments) {
  PatchArguments parsed;
  if (const int status = parseArguments(arguments, parsed); status >= 0)
    return status;
  std::vector<uint8_t> bytes;
  if (!readFile(parsed.input, bytes))
    return fail(parsed.input, "cannot read the file");
  std::string error;
  auto image = ElfImage::parse(std::move(bytes), error);
  if (!image)
    return fail(parsed.input, error);
  const PatchOutcome outcome = patchImage(*image, parsed.wedge);
  if (!outcome.ok)
    return fail(parsed.input, outcome.error);
  std::fputs(outcome.diagnostics.c_str(), stderr);
  struct stat status = {};
  const mode_t mode = stat(parsed.input.c_str(), &status) == 0 ? status.st_mode & 07777 : 0755;
  if (!writeFileAtomically(parsed.output, image->bytes(), mode))
    return fail(parsed.output, "cannot write the file");
  std::fputs(outcome.summary.c_str(), stdout);
  return 0;
}

} // namespace afterburner::tool
