// Assembler.cpp: the LLVM MC pipeline of afterburner-as, as named steps:
// readInputs -> createTarget -> createContext -> createStreamer -> parse -> writeOutput.
// Only what an assembler needs is created (no disassembler, no instruction printer).
#include "afterburner/Assembler.h"

#include "afterburner/AfterburnerDirectives.h"
#include "afterburner/GnuDwarfDirectives.h"
#include "afterburner/RewritingStreamer.h"
#include "afterburner/SensitiveInstruction.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/MC/MCAsmBackend.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCCodeEmitter.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCObjectFileInfo.h"
#include "llvm/MC/MCObjectWriter.h"
#include "llvm/MC/MCParser/MCAsmParser.h"
#include "llvm/MC/MCParser/MCTargetAsmParser.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

extern "C" void LLVMInitializeX86TargetInfo();
extern "C" void LLVMInitializeX86TargetMC();
extern "C" void LLVMInitializeX86AsmParser();
extern "C" void LLVMInitializeX86Disassembler();

namespace afterburner {
namespace {

const char *const standardInputName = "{standard input}";

// ---- diagnostics, GNU style: "file:line: Error: message" -------------------------------

// Messages are collected per attempt and printed when the attempt is final (an attempt
// that is retried without sites in some sections must not leave its errors behind).
struct DiagnosticPrinter {
  std::set<std::string> announcedFiles;
  std::string mainFileName = standardInputName;
  std::string pending;

  void flush() {
    std::fputs(pending.c_str(), stderr);
    pending.clear();
  }

  void append(const char *format, ...) __attribute__((format(printf, 2, 3))) {
    char line[4096];
    va_list arguments;
    va_start(arguments, format);
    std::vsnprintf(line, sizeof line, format, arguments);
    va_end(arguments);
    pending += line;
  }

  void print(const llvm::SMDiagnostic &diagnostic) {
    const char *kind = "Error";
    if (diagnostic.getKind() == llvm::SourceMgr::DK_Warning)
      kind = "Warning";
    else if (diagnostic.getKind() != llvm::SourceMgr::DK_Error)
      kind = "Info";
    std::string file = diagnostic.getFilename().str();
    if (file.empty() || file == "<unknown>")
      file = mainFileName;
    if (file == "<stdin>")
      file = standardInputName;
    // GNU as announces each file once before its messages.
    if (announcedFiles.insert(file).second)
      append("%s: Assembler messages:\n", file.c_str());
    std::string message = diagnostic.getMessage().str();
    if (diagnostic.getLineNo() > 0)
      append("%s:%d: %s: %s\n", file.c_str(), diagnostic.getLineNo(), kind, message.c_str());
    else
      append("%s: %s: %s\n", file.c_str(), kind, message.c_str());
  }
};

void printSourceDiagnostic(const llvm::SMDiagnostic &diagnostic, void *context) {
  static_cast<DiagnosticPrinter *>(context)->print(diagnostic);
}

void reportToolError(const std::string &message) {
  std::fprintf(stderr, "afterburner-as: Error: %s\n", message.c_str());
}

// ---- step 1: inputs --------------------------------------------------------------------

// GNU as reads all inputs as one stream. Several inputs are joined with line markers, so
// diagnostics still name the right file and line.
std::unique_ptr<llvm::MemoryBuffer> readInputs(const std::vector<std::string> &inputs) {
  std::vector<std::string> names = inputs.empty() ? std::vector<std::string>{"-"} : inputs;
  std::string joined;
  std::string singleName;
  for (const std::string &name : names) {
    auto buffer = name == "-" ? llvm::MemoryBuffer::getSTDIN() : llvm::MemoryBuffer::getFile(name);
    if (!buffer) {
      std::fprintf(stderr, "afterburner-as: Error: can't open %s for reading: %s\n", name.c_str(),
                   buffer.getError().message().c_str());
      return nullptr;
    }
    if (names.size() == 1 && name != "-")
      return std::move(*buffer); // mapped, not copied: inputs can be many megabytes
    if (names.size() == 1)
      return llvm::MemoryBuffer::getMemBufferCopy((*buffer)->getBuffer(), standardInputName);
    singleName = name == "-" ? standardInputName : name;
    joined += "# 1 \"" + singleName + "\"\n";
    joined += (*buffer)->getBuffer().str();
    joined += "\n";
  }
  return llvm::MemoryBuffer::getMemBufferCopy(joined, names.front());
}

// Whether a source carries its own line information (compiler output with .file N / .loc).
// GNU as then ignores -g; deciding before parsing keeps the line table clean.
bool hasOwnLineInformation(llvm::StringRef text) {
  for (size_t at = text.find(".loc"); at != llvm::StringRef::npos; at = text.find(".loc", at + 4))
    if (at + 4 < text.size() && (text[at + 4] == ' ' || text[at + 4] == '\t'))
      return true;
  for (size_t at = text.find(".file"); at != llvm::StringRef::npos;
       at = text.find(".file", at + 5)) {
    llvm::StringRef rest = text.substr(at + 5).ltrim(" \t");
    if (!rest.empty() && rest.front() >= '0' && rest.front() <= '9')
      return true;
  }
  return false;
}

// ---- step 2: target --------------------------------------------------------------------

std::string tripleFor(AssemblerMode mode) {
  switch (mode) {
  case AssemblerMode::Bits32:
    return "i386-pc-linux-gnu";
  case AssemblerMode::X32:
    return "x86_64-pc-linux-gnux32";
  case AssemblerMode::Bits64:
    break;
  }
  return "x86_64-pc-linux-gnu";
}

const llvm::Target *lookupTarget(const std::string &triple) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmParser();
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    reportToolError("no target for " + triple + ": " + error);
  return target;
}

// ---- step 5: output --------------------------------------------------------------------

bool writeAll(int descriptor, const char *data, size_t size) {
  while (size > 0) {
    ssize_t written = ::write(descriptor, data, size);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return false;
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

// Writes the object so that a failure never leaves a partial file: a temporary file in the
// output's directory, renamed into place. Non-regular outputs (/dev/null, pipes) are
// written directly: renaming over them would replace the device.
bool writeOutput(const std::string &path, llvm::StringRef bytes) {
  struct stat existing;
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    int descriptor = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    bool ok = descriptor >= 0 && writeAll(descriptor, bytes.data(), bytes.size());
    if (descriptor >= 0)
      ok = ::close(descriptor) == 0 && ok;
    if (!ok)
      reportToolError("can't write " + path + ": " + std::strerror(errno));
    return ok;
  }
  std::string temporary = path + ".abas-XXXXXX";
  int descriptor = ::mkstemp(temporary.data());
  if (descriptor < 0) {
    reportToolError("can't create " + path + ": " + std::strerror(errno));
    return false;
  }
  mode_t mask = ::umask(0);
  ::umask(mask);
  bool ok =
      ::fchmod(descriptor, 0666 & ~mask) == 0 && writeAll(descriptor, bytes.data(), bytes.size());
  ok = ::close(descriptor) == 0 && ok;
  if (ok && ::rename(temporary.c_str(), path.c_str()) == 0)
    return true;
  reportToolError("can't write " + path + ": " + std::strerror(errno));
  ::unlink(temporary.c_str());
  return false;
}

// ---- the pipeline ----------------------------------------------------------------------

enum class Outcome { Assembled, Failed, LayoutFailed };

// One attempt at assembling the input.
class Assembler {
public:
  Assembler(const AssemblerInvocation &invocation, const llvm::MemoryBuffer &input)
      : invocation(invocation) {
    mainFileName = input.getBufferIdentifier().str();
    printer.mainFileName = mainFileName;
    auto copy = llvm::MemoryBuffer::getMemBuffer(input.getMemBufferRef(), false);
    mainFileText = copy->getBuffer();
    sourceManager.AddNewSourceBuffer(std::move(copy), llvm::SMLoc());
    sourceManager.setIncludeDirs(invocation.IncludeDirectories);
    sourceManager.setDiagHandler(printSourceDiagnostic, &printer);
  }

  Outcome run() {
    if (!createTarget() || !createContext() || !createStreamer())
      return Outcome::Failed;
    return parse();
  }

  bool write() {
    return writeOutput(invocation.Output, llvm::StringRef(object.data(), object.size()));
  }
  DiagnosticPrinter &diagnostics() { return printer; }
  const std::vector<std::string> &layoutConstrainedSections() const {
    return streamer->layoutConstrainedSections();
  }

private:
  bool createTarget();
  bool createContext();
  bool createStreamer();
  Outcome parse();
  std::unique_ptr<llvm::MCDisassembler> createDisassembler(unsigned mode);

  const AssemblerInvocation &invocation;
  DiagnosticPrinter printer;
  llvm::SourceMgr sourceManager;
  std::string mainFileName;
  llvm::StringRef mainFileText;
  std::string triple;
  const llvm::Target *target = nullptr;
  llvm::MCTargetOptions options;
  std::unique_ptr<llvm::MCRegisterInfo> registerInfo;
  std::unique_ptr<llvm::MCAsmInfo> asmInfo;
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget;
  std::unique_ptr<llvm::MCInstrInfo> instructionInfo;
  std::unique_ptr<llvm::MCContext> context;
  std::unique_ptr<llvm::MCObjectFileInfo> objectFileInfo;
  std::unique_ptr<SensitiveInstructionTable> table;
  llvm::SmallVector<char, 0> object;
  std::unique_ptr<llvm::raw_svector_ostream> objectStream;
  std::vector<std::unique_ptr<llvm::MCSubtargetInfo>> disassemblerSubtargets;
  std::unique_ptr<RewritingStreamer> streamer;
};

// Only made when a `.byte` directive in code may spell an instruction.
std::unique_ptr<llvm::MCDisassembler> Assembler::createDisassembler(unsigned mode) {
  static bool initialized = false;
  if (!initialized)
    LLVMInitializeX86Disassembler();
  initialized = true;
  const char *features = mode == 16   ? "+16bit-mode,-32bit-mode,-64bit-mode"
                         : mode == 32 ? "-16bit-mode,+32bit-mode,-64bit-mode"
                                      : "-16bit-mode,-32bit-mode,+64bit-mode";
  disassemblerSubtargets.emplace_back(target->createMCSubtargetInfo(triple, "", features));
  return std::unique_ptr<llvm::MCDisassembler>(
      target->createMCDisassembler(*disassemblerSubtargets.back(), *context));
}

bool Assembler::createTarget() {
  triple = tripleFor(invocation.Mode);
  target = lookupTarget(triple);
  if (!target)
    return false;
  options.MCFatalWarnings = invocation.FatalWarnings;
  options.MCNoWarn = invocation.NoWarnings;
  options.X86RelaxRelocations = invocation.RelaxRelocations;
  options.MCRelaxAll = false;
  using Compression = AssemblerInvocation::DebugCompression;
  options.CompressDebugSections =
      invocation.CompressDebugSections == Compression::Zlib   ? llvm::DebugCompressionType::Zlib
      : invocation.CompressDebugSections == Compression::Zstd ? llvm::DebugCompressionType::Zstd
                                                              : llvm::DebugCompressionType::None;
  registerInfo.reset(target->createMCRegInfo(triple));
  asmInfo.reset(target->createMCAsmInfo(*registerInfo, triple, options));
  subtarget.reset(target->createMCSubtargetInfo(triple, "", ""));
  instructionInfo.reset(target->createMCInstrInfo());
  return registerInfo && asmInfo && subtarget && instructionInfo;
}

bool Assembler::createContext() {
  context =
      std::make_unique<llvm::MCContext>(llvm::Triple(triple), asmInfo.get(), registerInfo.get(),
                                        subtarget.get(), &sourceManager, &options);
  context->setDiagnosticHandler(
      [this](const llvm::SMDiagnostic &diagnostic, bool, const llvm::SourceMgr &,
             std::vector<const llvm::MDNode *> &) { printer.print(diagnostic); });
  objectFileInfo.reset(target->createMCObjectFileInfo(*context, /*PIC=*/false));
  context->setObjectFileInfo(objectFileInfo.get());
  context->setDwarfVersion(static_cast<uint16_t>(invocation.DwarfVersion));
  llvm::SmallString<256> directory;
  if (!llvm::sys::fs::current_path(directory))
    context->setCompilationDir(directory);
  if (invocation.GenerateDebugInfo && !hasOwnLineInformation(mainFileText)) {
    context->setGenDwarfForAssembly(true);
    context->setDwarfDebugProducer("Afterburner as 0.1");
    context->setGenDwarfRootFile(mainFileName, mainFileText);
  }
  return true;
}

bool Assembler::createStreamer() {
  table = std::make_unique<SensitiveInstructionTable>(*instructionInfo, *registerInfo);
  llvm::MCCodeEmitter *emitter = target->createMCCodeEmitter(*instructionInfo, *context);
  llvm::MCAsmBackend *backend = target->createMCAsmBackend(*subtarget, *registerInfo, options);
  if (!emitter || !backend) {
    reportToolError("cannot create the x86 code emitter");
    return false;
  }
  objectStream = std::make_unique<llvm::raw_svector_ostream>(object);
  std::unique_ptr<llvm::MCObjectWriter> writer = backend->createObjectWriter(*objectStream);
  streamer = std::make_unique<RewritingStreamer>(
      *context, std::unique_ptr<llvm::MCAsmBackend>(backend), std::move(writer),
      std::unique_ptr<llvm::MCCodeEmitter>(emitter), *table, *subtarget, invocation.SitesEnabled,
      invocation.NativeSections);
  target->createNullTargetStreamer(*streamer);
  streamer->setDisassemblerFactory([this](unsigned mode) { return createDisassembler(mode); });
  streamer->initSections(invocation.NoExecStack, *subtarget);
  return true;
}

Outcome Assembler::parse() {
  std::unique_ptr<llvm::MCAsmParser> parser(
      llvm::createMCAsmParser(sourceManager, *context, *streamer, *asmInfo));
  std::unique_ptr<llvm::MCTargetAsmParser> targetParser(
      target->createMCAsmParser(*subtarget, *parser, *instructionInfo, options));
  if (!targetParser) {
    reportToolError("cannot create the x86 assembly parser");
    return Outcome::Failed;
  }
  parser->setTargetParser(*targetParser);
  GnuDwarfDirectives dwarfDirectives(*streamer);
  dwarfDirectives.Initialize(*parser);
  AfterburnerDirectives siteDirectives(*streamer);
  siteDirectives.Initialize(*parser);
  siteDirectives.setLineDirectives(&dwarfDirectives);
  dwarfDirectives.setPlainStatements(&siteDirectives);
  for (const SymbolDefinition &definition : invocation.Definitions)
    context->setSymbolValue(*streamer, definition.Name, static_cast<uint64_t>(definition.Value));
  // The notes are written after the last statement and before the object is finished
  // (MCELFStreamer::finishImpl is final, so this is the hook).
  bool failed = parser->Run(/*NoInitialTextSection=*/true, /*NoFinalize=*/true);
  streamer->endOfInput();
  if (failed || context->hadError())
    return Outcome::Failed;
  streamer->finishObject();
  if (!context->hadError())
    return Outcome::Assembled;
  // The input parsed, but the layout failed: sites may have overrun an `.org`.
  return streamer->layoutConstrainedSections().empty() ? Outcome::Failed : Outcome::LayoutFailed;
}

} // namespace

const char *versionBanner() {
  return "GNU assembler (Afterburner 0.1; LLVM " LLVM_VERSION_STRING ") 2.40\n"
         "afterburner-as is a drop-in replacement for GNU as built on LLVM MC; it records\n"
         "virtualization-sensitive instructions as sites in .note.afterburner.\n"
         "This assembler was configured for a target of `x86_64-linux-gnu'.\n";
}

int assemble(const AssemblerInvocation &invocation) {
  std::unique_ptr<llvm::MemoryBuffer> input = readInputs(invocation.Inputs);
  if (!input)
    return 1;
  auto first = std::make_unique<Assembler>(invocation, *input);
  Outcome outcome = first->run();
  if (outcome == Outcome::LayoutFailed) {
    // Sites overran a fixed layout (code copied into a fixed-size buffer, an entry point at
    // a fixed offset): such code runs before any loader, so it is assembled natively.
    AssemblerInvocation retry = invocation;
    retry.NativeSections = first->layoutConstrainedSections();
    auto second = std::make_unique<Assembler>(retry, *input);
    Outcome retried = second->run();
    if (retried == Outcome::Assembled) {
      for (const std::string &section : retry.NativeSections)
        std::fprintf(stderr,
                     "%s: Warning: sites would overrun an .org in section %s; that section is "
                     "assembled without sites\n",
                     input->getBufferIdentifier().str().c_str(), section.c_str());
      second->diagnostics().flush();
      return second->write() ? 0 : 1;
    }
  }
  first->diagnostics().flush();
  if (outcome != Outcome::Assembled)
    return 1;
  return first->write() ? 0 : 1;
}

} // namespace afterburner
