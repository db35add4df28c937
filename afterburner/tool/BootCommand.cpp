// BootCommand.cpp: `afterburner boot --platform bare|kvm|xen|vthread KERNEL`.
//
// Hides the incantations of each platform (facts: docs of the research note on Xen/QEMU):
//   bare     QEMU TCG, qboot firmware, Multiboot entry
//   kvm      QEMU -accel kvm -cpu host,-arch-capabilities (plain `host` aborts here), qboot
//   xen      Xen 4.17 (decompressed once into the cache) under QEMU TCG, the guest as PV
//            dom0 (SeaBIOS: qboot does not boot Xen)
//   vthread  the Akaros wedge's host, afterburner-vthread
// and decides pass or fail: exit 0 only when the guest printed SUCCESS AND left by the
// expected path (QEMU exit 33 from isa-debug-exit; a triple fault or a Xen panic also ends
// QEMU, with status 0, so status alone proves nothing). Exit 1: the guest failed; 2: bad
// usage or input; 77: a prerequisite is missing (CTest's SKIP_RETURN_CODE).
#include "Commands.h"
#include "KvmTrace.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace afterburner::tool {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int ExitSuccess = 0;
constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;
constexpr int ExitSkipped = 77;
constexpr int QemuDebugExitSuccess = 33; // isa-debug-exit: (0x10 << 1) | 1
constexpr const char *XenImageDefault = "/boot/xen-4.17-amd64.gz";
constexpr const char *QbootImage = "/usr/share/qemu/qboot.rom";
constexpr const char *XenArguments =
    "console=com1 com1=115200,8n1 dom0_mem=64M loglvl=all guest_loglvl=all";
constexpr int ProgressIntervalSeconds = 10;

enum class Platform { Bare, Kvm, Xen, Vthread };

struct BootOptions {
  std::string platformName;
  Platform platform = Platform::Bare;
  std::string kernel;
  std::string append;
  unsigned timeoutSeconds = 120;
  std::string logPath;
  bool stats = false;
  bool quiet = false;
  std::string xenImage = XenImageDefault;
  std::string vthreadHost;
  std::string qemu = "qemu-system-x86_64";
  bool serialOnly = false;
};

// Why a boot cannot start: the exit code (usage error or skip) and the message.
struct Problem {
  int exitCode;
  std::string message;
};

// What the launcher saw of one guest run.
struct RunOutcome {
  bool sawSuccess = false;
  bool sawFailure = false;
  bool timedOut = false;
  bool stoppedAfterFinish = false; // --stats: the launcher ended the idle guest
  std::string fatalLine;
  int exitStatus = -1; // -1: killed by a signal
  double seconds = 0;
  std::map<std::string, unsigned long long> stats;
};

// ---------------------------------------------------------------- small utilities

bool isReadableFile(const std::string &path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
         access(path.c_str(), R_OK) == 0;
}

bool isExecutable(const std::string &path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

// A program name looked up in $PATH (or a path with a slash, taken as is).
std::optional<std::string> findProgram(const std::string &name) {
  if (name.find('/') != std::string::npos)
    return isExecutable(name) ? std::optional<std::string>(name) : std::nullopt;
  const char *path = std::getenv("PATH");
  std::string directories = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= directories.size()) {
    size_t end = directories.find(':', start);
    if (end == std::string::npos)
      end = directories.size();
    std::string candidate = directories.substr(start, end - start) + "/" + name;
    if (end > start && isExecutable(candidate))
      return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::string directoryOfSelf() {
  char buffer[4096];
  ssize_t length = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (length <= 0)
    return ".";
  std::string path(buffer, (size_t)length);
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::vector<std::string> splitWords(const std::string &text) {
  std::vector<std::string> words;
  size_t start = text.find_first_not_of(" \t");
  while (start != std::string::npos) {
    size_t end = text.find_first_of(" \t", start);
    words.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    start = text.find_first_not_of(" \t", end);
  }
  return words;
}

// QEMU splits -initrd at commas (several modules); a doubled comma is a literal one.
std::string doubleCommas(const std::string &text) {
  std::string result;
  for (char character : text) {
    result += character;
    if (character == ',')
      result += ',';
  }
  return result;
}

bool contains(const std::string &text, const char *part) {
  return text.find(part) != std::string::npos;
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------- options and checks

std::optional<Platform> parsePlatform(const std::string &name) {
  if (name == "bare")
    return Platform::Bare;
  if (name == "kvm")
    return Platform::Kvm;
  if (name == "xen")
    return Platform::Xen;
  if (name == "vthread")
    return Platform::Vthread;
  return std::nullopt;
}

void describeOptions(CLI::App &app, BootOptions &options) {
  app.description("Boot a guest kernel ELF on bare metal (QEMU TCG), KVM, Xen (PV dom0 under "
                  "QEMU TCG) or as an Akaros vthread, and check that it reports SUCCESS.\n"
                  "Exit status: 0 success, 1 guest failure, 2 bad usage, 77 prerequisite "
                  "missing (skipped).");
  app.add_option("--platform", options.platformName, "bare, kvm, xen or vthread")
      ->required()
      ->check(CLI::IsMember({"bare", "kvm", "xen", "vthread"}));
  app.add_option("kernel", options.kernel, "the guest kernel (ELF64, Multiboot)")->required();
  app.add_option("--append", options.append, "the guest's command line");
  app.add_option("--timeout", options.timeoutSeconds, "seconds before the guest is killed")
      ->check(CLI::Range(1u, 86400u));
  app.add_option("--log", options.logPath, "also write the whole console output here");
  app.add_flag("--stats", options.stats,
               "kvm: report VM exits by reason (KVM tracepoints, as root) and KVM's counters (QMP "
               "query-stats); vthread: the host's stats");
  app.add_flag("--quiet", options.quiet, "do not echo the console, print the verdict only");
  app.add_option("--xen-image", options.xenImage, "the Xen hypervisor (.gz or plain ELF32)");
  app.add_option("--vthread-host", options.vthreadHost, "the afterburner-vthread binary");
  app.add_option("--qemu", options.qemu, "the QEMU binary");
  app.add_flag("--serial-only", options.serialOnly,
               "kvm: give the guest COM1 only, no virtio console beside it");
}

std::optional<Problem> checkKernel(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return Problem{ExitUsage, path + ": cannot open: " + std::strerror(errno)};
  unsigned char header[20] = {};
  file.read((char *)header, sizeof header);
  bool elf64 = file.gcount() == sizeof header &&
               !std::memcmp(header,
                            "\x7f"
                            "ELF",
                            4) &&
               header[4] == 2 && header[18] == 62; // ELFCLASS64, EM_X86_64
  if (!elf64)
    return Problem{ExitUsage, path + ": not an x86-64 ELF64 kernel"};
  return std::nullopt;
}

std::optional<Problem> checkKvmAccess() {
  if (access("/dev/kvm", F_OK) != 0)
    return Problem{ExitSkipped, "/dev/kvm does not exist: this host offers no KVM"};
  if (access("/dev/kvm", R_OK | W_OK) != 0)
    return Problem{ExitSkipped, "no read/write access to /dev/kvm (join group kvm, or run "
                                "as root)"};
  return std::nullopt;
}

std::optional<Problem> resolveQemu(BootOptions &options) {
  std::optional<std::string> qemu = findProgram(options.qemu);
  if (!qemu)
    return Problem{ExitSkipped, options.qemu + " not found: install qemu-system-x86 (run "
                                               "scripts/setup.sh)"};
  options.qemu = *qemu;
  return std::nullopt;
}

std::optional<Problem> resolveVthreadHost(BootOptions &options) {
  const char *environment = std::getenv("AFTERBURNER_VTHREAD_HOST");
  if (options.vthreadHost.empty() && environment)
    options.vthreadHost = environment;
  std::string self = directoryOfSelf();
  std::vector<std::string> candidates = {options.vthreadHost,
                                         self + "/../../wedges/akaros/host/afterburner-vthread",
                                         self + "/afterburner-vthread"};
  for (const std::string &candidate : candidates)
    if (!candidate.empty() && isExecutable(candidate)) {
      options.vthreadHost = candidate;
      return std::nullopt;
    }
  if (std::optional<std::string> found = findProgram("afterburner-vthread")) {
    options.vthreadHost = *found;
    return std::nullopt;
  }
  return Problem{ExitSkipped, "the vthread host afterburner-vthread was not found (build the "
                              "target afterburner-vthread, wedges/akaros/host/, or pass "
                              "--vthread-host)"};
}

std::optional<Problem> checkPrerequisites(BootOptions &options) {
  if (std::optional<Problem> problem = checkKernel(options.kernel))
    return problem;
  if (options.platform == Platform::Vthread) {
    if (std::optional<Problem> problem = checkKvmAccess())
      return problem;
    return resolveVthreadHost(options);
  }
  if (std::optional<Problem> problem = resolveQemu(options))
    return problem;
  if (options.platform == Platform::Kvm)
    return checkKvmAccess();
  if (options.platform == Platform::Xen && !isReadableFile(options.xenImage))
    return Problem{ExitSkipped, "Xen image " + options.xenImage +
                                    " not found: install xen-hypervisor-4.17-amd64 (run "
                                    "scripts/setup.sh)"};
  return std::nullopt;
}

// ---------------------------------------------------------------- child processes

// Starts argv with stdin from /dev/null and stdout+stderr into a pipe; returns the pid.
pid_t spawn(const std::vector<std::string> &argv, int &outputFd, int stdoutFd = -1) {
  int pipeFds[2] = {-1, -1};
  if (stdoutFd < 0 && pipe2(pipeFds, O_CLOEXEC) != 0)
    return -1;
  pid_t pid = fork();
  if (pid != 0) {
    if (stdoutFd < 0)
      close(pipeFds[1]);
    if (pid < 0 && stdoutFd < 0)
      close(pipeFds[0]);
    outputFd = pid < 0 ? -1 : pipeFds[0];
    return pid;
  }
  int nullFd = open("/dev/null", O_RDONLY);
  dup2(nullFd, STDIN_FILENO);
  dup2(stdoutFd >= 0 ? stdoutFd : pipeFds[1], STDOUT_FILENO);
  if (stdoutFd < 0)
    dup2(pipeFds[1], STDERR_FILENO);
  std::vector<char *> arguments;
  for (const std::string &argument : argv)
    arguments.push_back(const_cast<char *>(argument.c_str()));
  arguments.push_back(nullptr);
  execv(arguments[0], arguments.data());
  std::fprintf(stderr, "afterburner boot: cannot run %s: %s\n", arguments[0], std::strerror(errno));
  _exit(127);
}

int waitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool makeDirectories(const std::string &path);

// $XDG_CACHE_HOME/afterburner or ~/.cache/afterburner; /tmp/afterburner-UID when that
// cannot be created (a read-only home on a CI runner). Empty when neither can.
std::string cacheDirectory() {
  const char *cache = std::getenv("XDG_CACHE_HOME");
  const char *home = std::getenv("HOME");
  std::string base = cache && *cache ? cache : std::string(home ? home : "/tmp") + "/.cache";
  std::string preferred = base + "/afterburner";
  if (makeDirectories(preferred))
    return preferred;
  std::string fallback = "/tmp/afterburner-" + std::to_string(getuid());
  return makeDirectories(fallback) ? fallback : "";
}

bool makeDirectories(const std::string &path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
      return false;
    if (slash == std::string::npos)
      return true;
  }
}

bool isNewer(const std::string &path, const std::string &than) {
  struct stat first {
  }, second{};
  if (stat(path.c_str(), &first) != 0 || stat(than.c_str(), &second) != 0)
    return false;
  return first.st_mtime >= second.st_mtime;
}

// QEMU cannot read a gzipped Xen: decompress once into the cache (atomically renamed).
std::optional<std::string> preparedXenImage(const std::string &image, std::string &error) {
  if (image.size() < 3 || image.compare(image.size() - 3, 3, ".gz") != 0)
    return image;
  std::string directory = cacheDirectory();
  if (directory.empty()) {
    error = "no writable cache directory for the decompressed Xen (set XDG_CACHE_HOME)";
    return std::nullopt;
  }
  std::string name = image.substr(image.rfind('/') + 1);
  std::string target = directory + "/" + name.substr(0, name.size() - 3);
  if (isNewer(target, image))
    return target;
  std::optional<std::string> gzip = findProgram("gzip");
  if (!gzip) {
    error = "gzip not found: install gzip (it decompresses " + image + ")";
    return std::nullopt;
  }
  std::fprintf(stderr, "afterburner boot: decompressing %s into %s\n", image.c_str(),
               target.c_str());
  std::string temporary = target + ".tmp." + std::to_string(getpid());
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int ignored = -1;
  pid_t pid = fd < 0 ? -1 : spawn({*gzip, "-dc", image}, ignored, fd);
  if (fd >= 0)
    close(fd);
  if (pid < 0 || waitForExit(pid) != 0 || rename(temporary.c_str(), target.c_str()) != 0) {
    unlink(temporary.c_str());
    error = "cannot decompress " + image + " into " + target;
    return std::nullopt;
  }
  return target;
}

// ---------------------------------------------------------------- command lines

// COM1 on stdio. Under KVM a virtio console shares the same chardev, so the KVM wedge can
// send a whole console line with one notify instead of one exit per byte; a kernel without
// a virtio driver simply never uses it.
void addConsole(const BootOptions &options, std::vector<std::string> &command) {
  if (options.platform != Platform::Kvm || options.serialOnly) {
    command.insert(command.end(), {"-serial", "stdio"});
    return;
  }
  command.insert(command.end(),
                 {"-chardev", "stdio,id=console,mux=on", "-serial", "chardev:console", "-device",
                  "virtio-serial-pci", "-device", "virtconsole,chardev=console"});
}

std::vector<std::string> qemuBase(const BootOptions &options, const std::string &memory) {
  std::vector<std::string> command = {options.qemu,  "-M",       "pc",   "-m",        memory,
                                      "-nodefaults", "-display", "none", "-no-reboot"};
  addConsole(options, command);
  return command;
}

void addDebugExit(std::vector<std::string> &command) {
  command.insert(command.end(), {"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"});
}

void addFirmware(std::vector<std::string> &command) {
  if (isReadableFile(QbootImage))
    command.insert(command.end(), {"-bios", QbootImage});
  else
    std::fprintf(stderr,
                 "afterburner boot: %s missing (package qemu-system-data); using "
                 "SeaBIOS, which is slow under this KVM\n",
                 QbootImage);
}

std::vector<std::string> multibootCommand(const BootOptions &options,
                                          const std::string &qmpSocket) {
  std::vector<std::string> command = qemuBase(options, "128M");
  if (options.platform == Platform::Kvm)
    command.insert(command.end(), {"-accel", "kvm", "-cpu", "host,-arch-capabilities"});
  else
    command.insert(command.end(), {"-accel", "tcg"});
  addFirmware(command);
  // --stats reads the counters after the guest finished, so the guest must stay alive:
  // without the debug-exit device its power-off write does nothing and it halts.
  if (qmpSocket.empty())
    addDebugExit(command);
  else
    command.insert(command.end(), {"-qmp", "unix:" + qmpSocket + ",server=on,wait=off"});
  command.insert(command.end(), {"-kernel", options.kernel});
  if (!options.append.empty())
    command.insert(command.end(), {"-append", options.append});
  return command;
}

std::vector<std::string> xenCommand(const BootOptions &options, const std::string &xen) {
  std::vector<std::string> command = qemuBase(options, "512M");
  command.insert(command.end(), {"-accel", "tcg"});
  addDebugExit(command);
  std::string module = options.kernel;
  if (!options.append.empty())
    module += " " + options.append;
  command.insert(command.end(),
                 {"-kernel", xen, "-append", XenArguments, "-initrd", doubleCommas(module)});
  return command;
}

std::vector<std::string> vthreadCommand(const BootOptions &options) {
  std::vector<std::string> command = {options.vthreadHost, "--timeout",
                                      std::to_string(options.timeoutSeconds)};
  if (options.stats)
    command.push_back("--stats");
  command.push_back(options.kernel);
  std::vector<std::string> words = splitWords(options.append);
  if (!words.empty()) {
    command.push_back("--");
    command.insert(command.end(), words.begin(), words.end());
  }
  return command;
}

// ---------------------------------------------------------------- QMP (KVM statistics)

class QmpClient {
public:
  explicit QmpClient(const std::string &path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    if (fd_ >= 0 && connect(fd_, (sockaddr *)&address, sizeof address) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~QmpClient() {
    if (fd_ >= 0)
      close(fd_);
  }
  bool connected() const { return fd_ >= 0; }

  // Sends one command and returns its "return" line ("" on error or timeout).
  std::string execute(const std::string &command) {
    std::string line = command + "\n";
    if (write(fd_, line.data(), line.size()) != (ssize_t)line.size())
      return "";
    for (std::string reply = readLine(); !reply.empty(); reply = readLine())
      if (contains(reply, "\"return\"") || contains(reply, "\"error\""))
        return reply;
    return "";
  }

  std::string readLine() {
    while (buffer_.find('\n') == std::string::npos) {
      pollfd descriptor{fd_, POLLIN, 0};
      char chunk[65536];
      if (poll(&descriptor, 1, 2000) <= 0)
        return "";
      ssize_t count = read(fd_, chunk, sizeof chunk);
      if (count <= 0)
        return "";
      buffer_.append(chunk, (size_t)count);
    }
    size_t newline = buffer_.find('\n');
    std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    return line;
  }

private:
  int fd_ = -1;
  std::string buffer_;
};

// Integer statistics of the vCPU ("exits", "io_exits", ...), summed over vCPUs.
std::map<std::string, unsigned long long> queryKvmStats(const std::string &socketPath) {
  std::map<std::string, unsigned long long> stats;
  QmpClient client(socketPath);
  if (!client.connected() || client.readLine().empty() ||
      client.execute("{\"execute\":\"qmp_capabilities\"}").empty())
    return stats;
  std::string reply =
      client.execute("{\"execute\":\"query-stats\",\"arguments\":{\"target\":\"vcpu\"}}");
  static const std::regex entry("\\{\"name\": \"([a-z0-9_]+)\", \"value\": ([0-9]+)\\}");
  for (std::sregex_iterator match(reply.begin(), reply.end(), entry), end; match != end; ++match)
    stats[(*match)[1]] += std::stoull((*match)[2]);
  return stats;
}

// Samples until the exit counter stops moving (the guest is halted), then returns.
std::map<std::string, unsigned long long> settledKvmStats(const std::string &socketPath) {
  std::map<std::string, unsigned long long> previous = queryKvmStats(socketPath);
  for (int attempt = 0; attempt < 30; ++attempt) {
    usleep(100 * 1000);
    std::map<std::string, unsigned long long> current = queryKvmStats(socketPath);
    if (!current.empty() && current["exits"] == previous["exits"])
      return current;
    previous = current;
  }
  return previous;
}

// ---------------------------------------------------------------- exits by reason

void printStatLine(int indent, const std::string &name, uint64_t value) {
  std::fprintf(stderr, "afterburner boot: stats: %*s%-*s %8llu\n", indent, "", 28 - indent,
               name.c_str(), (unsigned long long)value);
}

// One line per category ("pio", "cpuid", ...) with its subtotal, then its details.
void printReasons(const std::map<std::string, uint64_t> &reasons) {
  std::map<std::string, std::map<std::string, uint64_t>> categories;
  for (const auto &[key, value] : reasons) {
    size_t space = key.find(' ');
    std::string detail = space == std::string::npos ? "" : key.substr(space + 1);
    categories[key.substr(0, space)][detail] += value;
  }
  for (const auto &[category, details] : categories) {
    uint64_t subtotal = 0;
    for (const auto &[detail, value] : details)
      subtotal += value;
    printStatLine(2, category, subtotal);
    for (const auto &[detail, value] : details)
      if (!detail.empty())
        printStatLine(4, detail, value);
  }
}

// Exits by reason from the tracing session, or why there are none.
std::optional<KvmExitTally> printTracedExits(KvmTraceSession *session, const std::string &whyNot) {
  if (!session) {
    std::fprintf(stderr,
                 "afterburner boot: stats: exits by reason unavailable: %s; QMP totals only\n",
                 whyNot.c_str());
    return std::nullopt;
  }
  KvmExitTally tally;
  uint64_t lost = 0;
  std::string error;
  if (!session->finish(tally, lost, error)) {
    std::fprintf(stderr, "afterburner boot: stats: exits by reason unavailable: %s\n",
                 error.c_str());
    return std::nullopt;
  }
  std::fprintf(stderr,
               "afterburner boot: stats: exits by reason (KVM tracepoints, this QEMU only, "
               "%s): total %llu, %llu of them handed to QEMU\n",
               tally.sawHardwareExits() ? "kvm_exit" : "handler events, no kvm_exit here",
               (unsigned long long)tally.total(), (unsigned long long)tally.userspaceTotal());
  if (lost != 0)
    std::fprintf(stderr,
                 "afterburner boot: stats: warning: the trace lost %llu events (ring "
                 "buffer overrun): counts are low\n",
                 (unsigned long long)lost);
  printReasons(tally.reasons());
  for (const auto &[reason, value] : tally.userspaceExits())
    printStatLine(2, "to QEMU " + reason, value);
  return tally;
}

// kvm_pvm (a software KVM) emulates the guest in batches of pvm_emul_batch instructions.
// Its `exits` counts the exits to QEMU, blocking halts and every batch end, which is no
// intercept; cpuid, MSR, local-APIC and in-kernel port (PIC) accesses are emulated inside
// a batch and not counted (measured with one-instruction loop kernels). Says so, with the
// numbers.
void printEmulationBatches(const std::map<std::string, unsigned long long> &stats,
                           const std::optional<KvmExitTally> &tally) {
  std::ifstream parameter("/sys/module/kvm_pvm/parameters/pvm_emul_batch");
  unsigned long long batch = 0;
  auto emulated = stats.find("insn_emulation");
  auto exits = stats.find("exits");
  if (!(parameter >> batch) || batch == 0 || emulated == stats.end() || exits == stats.end())
    return;
  std::string split;
  if (tally) {
    auto halts = tally->reasons().find("hlt");
    uint64_t blocked = halts == tally->reasons().end() ? 0 : halts->second;
    long long rest =
        (long long)exits->second - (long long)tally->userspaceTotal() - (long long)blocked;
    split = " = to QEMU " + std::to_string(tally->userspaceTotal()) + " + blocking hlt " +
            std::to_string(blocked) + " + " + std::to_string(rest) + " others, of which";
  }
  std::fprintf(stderr,
               "afterburner boot: stats: kvm_pvm: exits %llu%s at most %llu emulation batch ends "
               "(insn_emulation %llu / pvm_emul_batch %llu, no intercept); cpuid, MSR, "
               "local-APIC and in-kernel port (PIC) accesses are emulated inside a batch and "
               "not in exits\n",
               exits->second, split.c_str(), emulated->second / batch, emulated->second, batch);
}

void printStats(const std::map<std::string, unsigned long long> &stats) {
  if (stats.empty()) {
    std::fprintf(stderr, "afterburner boot: stats: QMP query-stats returned nothing (needs "
                         "QEMU >= 7.1 and a KVM with binary stats)\n");
    return;
  }
  auto total = stats.find("exits");
  std::fprintf(stderr, "afterburner boot: stats: exits=%llu\n",
               total == stats.end() ? 0ull : total->second);
  for (const auto &[name, value] : stats) {
    bool reason = contains(name, "exits") || name == "hypercalls" || name == "insn_emulation" ||
                  name == "insn_emulation_fail" || name == "irq_injections" ||
                  name == "halt_wakeup" || name == "pf_taken" || name == "invlpg" ||
                  name == "tlb_flush";
    if (reason && name != "exits" && value != 0)
      std::fprintf(stderr, "afterburner boot: stats:   %s=%llu\n", name.c_str(), value);
  }
}

// ---------------------------------------------------------------- watching the guest

// Lines after which the machine never finishes by itself (QEMU pauses on a KVM internal
// error; Xen reboots 5 s after a crash or panic, and only hlts on dom0 power-off).
const char *const FatalMarkers[] = {"KVM internal error", "Hardware Dom0 crashed", "Panic on CPU",
                                    "Hardware Dom0 halted", "Hardware Dom0 shutdown"};

class ConsoleWatcher {
public:
  ConsoleWatcher(const BootOptions &options, RunOutcome &outcome)
      : options_(options), outcome_(outcome) {
    if (!options.logPath.empty())
      log_ = std::fopen(options.logPath.c_str(), "w");
  }
  ~ConsoleWatcher() {
    flushPartial();
    if (log_)
      std::fclose(log_);
  }
  bool logOpened() const { return options_.logPath.empty() || log_; }

  // Feeds raw output; returns true when the guest must be stopped now.
  bool feed(const char *data, size_t length) {
    bool stop = false;
    for (size_t index = 0; index < length; ++index) {
      if (data[index] == '\r')
        continue;
      if (data[index] != '\n') {
        partial_ += data[index];
        continue;
      }
      stop |= handleLine(partial_);
      partial_.clear();
    }
    return stop;
  }

  bool finished() const { return outcome_.sawSuccess || outcome_.sawFailure; }

private:
  bool handleLine(const std::string &line) {
    echo(line);
    if (line == "SUCCESS")
      outcome_.sawSuccess = true;
    if (line == "FAILURE")
      outcome_.sawFailure = true;
    for (const char *marker : FatalMarkers)
      if (contains(line, marker)) {
        if (outcome_.fatalLine.empty())
          outcome_.fatalLine = line;
        return true;
      }
    return false;
  }

  // --quiet hides the console, but not what a --stats host reports after the guest.
  void echo(const std::string &line) {
    if (!options_.quiet || (options_.stats && finished())) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    }
    if (log_) {
      std::fwrite(line.data(), 1, line.size(), log_);
      std::fputc('\n', log_);
    }
  }

  void flushPartial() {
    if (!partial_.empty())
      handleLine(partial_);
    partial_.clear();
  }

  const BootOptions &options_;
  RunOutcome &outcome_;
  FILE *log_ = nullptr;
  std::string partial_;
};

void stopChild(pid_t pid) {
  if (pid > 0)
    kill(pid, SIGKILL);
}

// One guest run, watched: its output until it exits, times out, or hits a fatal line.
class GuestWatch {
public:
  GuestWatch(pid_t pid, int outputFd, const BootOptions &options, const std::string &qmpSocket,
             RunOutcome &outcome)
      : pid_(pid), outputFd_(outputFd), options_(options), qmpSocket_(qmpSocket), outcome_(outcome),
        console_(options, outcome), start_(Clock::now()), lastProgress_(start_) {}

  void run() {
    while (true) {
      enforceTimeout();
      collectStatsWhenFinished();
      showProgress();
      if (!readOutput())
        break;
    }
    close(outputFd_);
    outcome_.exitStatus = waitForExit(pid_);
    outcome_.seconds = secondsSince(start_);
  }

private:
  void stop() {
    if (!stopped_)
      stopChild(pid_);
    stopped_ = true;
  }

  void enforceTimeout() {
    if (stopped_ || secondsSince(start_) < options_.timeoutSeconds)
      return;
    outcome_.timedOut = true;
    stop();
  }

  // --stats: once the guest has finished, read the settled counters, then end it.
  void collectStatsWhenFinished() {
    if (stopped_ || qmpSocket_.empty() || !console_.finished())
      return;
    outcome_.stats = settledKvmStats(qmpSocket_);
    outcome_.stoppedAfterFinish = true;
    stop();
  }

  void showProgress() {
    if (secondsSince(lastProgress_) < ProgressIntervalSeconds)
      return;
    std::fprintf(stderr, "afterburner boot: %s: still running after %.0f s (timeout %u s)\n",
                 options_.platformName.c_str(), secondsSince(start_), options_.timeoutSeconds);
    lastProgress_ = Clock::now();
  }

  // Waits up to 200 ms for output and feeds it on; false once every writer has closed.
  bool readOutput() {
    pollfd descriptor{outputFd_, POLLIN, 0};
    int ready = poll(&descriptor, 1, 200);
    if (ready < 0)
      return errno == EINTR;
    if (ready == 0)
      return true;
    char chunk[4096];
    ssize_t count = read(outputFd_, chunk, sizeof chunk);
    if (count < 0)
      return errno == EINTR;
    if (count == 0)
      return false;
    if (console_.feed(chunk, (size_t)count))
      stop();
    return true;
  }

  pid_t pid_;
  int outputFd_;
  const BootOptions &options_;
  const std::string &qmpSocket_;
  RunOutcome &outcome_;
  ConsoleWatcher console_;
  Clock::time_point start_;
  Clock::time_point lastProgress_;
  bool stopped_ = false;
};

// ---------------------------------------------------------------- verdict

int expectedExitStatus(const BootOptions &options) {
  return options.platform == Platform::Vthread ? 0 : QemuDebugExitSuccess;
}

// A guest passes when it said SUCCESS and left the expected way.
bool passed(const BootOptions &options, const RunOutcome &outcome, std::string &path) {
  if (outcome.timedOut) {
    path = "timeout after " + std::to_string(options.timeoutSeconds) + " s";
    return false;
  }
  if (outcome.stoppedAfterFinish) {
    path = "guest halted after finishing; stopped by the launcher (--stats)";
    return outcome.sawSuccess && !outcome.sawFailure;
  }
  if (outcome.sawSuccess && contains(outcome.fatalLine, "Hardware Dom0 halted")) {
    path = "Xen: dom0 powered off (" + outcome.fatalLine + ")";
    return true;
  }
  if (!outcome.fatalLine.empty()) {
    path = "stopped on: " + outcome.fatalLine;
    return false;
  }
  path = outcome.exitStatus < 0 ? "killed by a signal"
                                : "exit status " + std::to_string(outcome.exitStatus);
  if (outcome.exitStatus == QemuDebugExitSuccess && options.platform != Platform::Vthread)
    path += " (isa-debug-exit)";
  return outcome.sawSuccess && !outcome.sawFailure &&
         outcome.exitStatus == expectedExitStatus(options);
}

std::string temporaryQmpSocket(std::string &directory) {
  char pattern[] = "/tmp/afterburner-boot-XXXXXX";
  if (!mkdtemp(pattern))
    return "";
  directory = pattern;
  return directory + "/qmp.sock";
}

void removeTemporary(const std::string &directory, const std::string &socketPath) {
  if (directory.empty())
    return;
  unlink(socketPath.c_str());
  rmdir(directory.c_str());
}

std::optional<std::vector<std::string>> buildCommand(const BootOptions &options,
                                                     const std::string &qmpSocket) {
  if (options.platform == Platform::Vthread)
    return vthreadCommand(options);
  if (options.platform != Platform::Xen)
    return multibootCommand(options, qmpSocket);
  std::string error;
  std::optional<std::string> xen = preparedXenImage(options.xenImage, error);
  if (!xen) {
    std::fprintf(stderr, "afterburner boot: error: %s\n", error.c_str());
    return std::nullopt;
  }
  return xenCommand(options, *xen);
}

int reportProblem(const BootOptions &options, const Problem &problem) {
  const char *kind = problem.exitCode == ExitSkipped ? "SKIPPED" : "error";
  std::fprintf(stderr, "afterburner boot: %s: %s: %s\n", kind, options.platformName.c_str(),
               problem.message.c_str());
  return problem.exitCode;
}

// Starts the command and watches it to the end; false when it could not start.
bool runGuest(const BootOptions &options, const std::vector<std::string> &command,
              const std::string &qmpSocket, RunOutcome &outcome) {
  std::fprintf(stderr, "afterburner boot: %s: booting %s\n", options.platformName.c_str(),
               options.kernel.c_str());
  int outputFd = -1;
  pid_t pid = spawn(command, outputFd);
  if (pid < 0) {
    std::fprintf(stderr, "afterburner boot: error: cannot start %s: %s\n", command[0].c_str(),
                 std::strerror(errno));
    return false;
  }
  GuestWatch(pid, outputFd, options, qmpSocket, outcome).run();
  return true;
}

int reportVerdict(const BootOptions &options, const RunOutcome &outcome) {
  std::string path;
  bool success = passed(options, outcome, path);
  std::fprintf(stderr, "afterburner boot: platform=%s result=%s wall=%.2fs (%s%s)\n",
               options.platformName.c_str(), success ? "success" : "FAILED", outcome.seconds,
               outcome.sawSuccess ? "SUCCESS printed, " : "no SUCCESS line, ", path.c_str());
  return success ? ExitSuccess : ExitFailure;
}

int runBootWith(BootOptions &options) {
  if (std::optional<Problem> problem = checkPrerequisites(options))
    return reportProblem(options, *problem);
  std::string temporaryDirectory, qmpSocket;
  if (options.stats && options.platform == Platform::Kvm)
    qmpSocket = temporaryQmpSocket(temporaryDirectory);
  if (options.stats && options.platform != Platform::Kvm && options.platform != Platform::Vthread)
    std::fprintf(stderr, "afterburner boot: --stats: exit counts exist only for kvm (QMP "
                         "query-stats) and vthread (the host's counters)\n");
  std::optional<std::vector<std::string>> command = buildCommand(options, qmpSocket);
  // Started before QEMU is forked: the instance follows the children of this process.
  std::unique_ptr<KvmTraceSession> trace;
  std::string traceWhyNot;
  if (command && !qmpSocket.empty())
    trace = KvmTraceSession::start(traceWhyNot);
  RunOutcome outcome;
  bool ran = command && runGuest(options, *command, qmpSocket, outcome);
  removeTemporary(temporaryDirectory, qmpSocket);
  if (!ran)
    return ExitFailure;
  if (!qmpSocket.empty()) {
    std::optional<KvmExitTally> tally = printTracedExits(trace.get(), traceWhyNot);
    printStats(outcome.stats);
    printEmulationBatches(outcome.stats, tally);
  }
  return reportVerdict(options, outcome);
}

} // namespace

int runBoot(const Arguments &arguments) {
  CLI::App app{"", "afterburner boot"};
  BootOptions options;
  describeOptions(app, options);
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
  try {
    app.parse(reversed); // CLI11 takes the vector form in reverse order
  } catch (const CLI::ParseError &error) {
    int status = app.exit(error);
    return status == 0 ? 0 : ExitUsage;
  }
  options.platform = *parsePlatform(options.platformName);
  signal(SIGPIPE, SIG_IGN);
  return runBootWith(options);
}

} // namespace afterburner::tool
