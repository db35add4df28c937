// KvmTrace.cpp: see KvmTrace.h. The line formats are the kernel's TP_printk formats of
// the kvm trace events (include/trace/events/kvm.h, arch/x86/kvm/trace.h), as tracefs
// prints them: "TASK-PID [CPU] FLAGS TIME: EVENT: ARGUMENTS".
#include "KvmTrace.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace afterburner::tool {
namespace {

std::vector<std::string_view> splitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t start = text.find_first_not_of(' ');
  while (start != std::string_view::npos) {
    size_t end = text.find(' ', start);
    fields.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    start = text.find_first_not_of(' ', end);
  }
  return fields;
}

// A hexadecimal field, with or without "0x"; nullopt-like false when it is none.
bool parseHex(std::string_view text, uint64_t &value) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.empty() || text.size() > 16)
    return false;
  value = 0;
  for (char digit : text) {
    int nibble = digit >= '0' && digit <= '9'   ? digit - '0'
                 : digit >= 'a' && digit <= 'f' ? digit - 'a' + 10
                 : digit >= 'A' && digit <= 'F' ? digit - 'A' + 10
                                                : -1;
    if (nibble < 0)
      return false;
    value = value << 4 | (uint64_t)nibble;
  }
  return true;
}

std::string hexKey(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", (unsigned long long)value);
  return text;
}

// The field after `name` ("reason HLT" -> "HLT"), empty when absent.
std::string_view fieldAfter(const std::vector<std::string_view> &fields, std::string_view name) {
  for (size_t index = 0; index + 1 < fields.size(); ++index)
    if (fields[index] == name)
      return fields[index + 1];
  return {};
}

bool isEventField(std::string_view field) {
  if (field.size() < 6 || field.substr(0, 4) != "kvm_" || field.back() != ':')
    return false;
  for (char character : field.substr(4, field.size() - 5))
    if (!(character == '_' || (character >= 'a' && character <= 'z') ||
          (character >= '0' && character <= '9')))
      return false;
  return true;
}

bool writeFile(const std::string &path, const std::string &text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool written = write(fd, text.data(), text.size()) == (ssize_t)text.size();
  return close(fd) == 0 && written;
}

bool isDirectory(const std::string &path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

// The events that mark an exit or name its reason (see KvmTrace.h).
const char *const ExitEvents[] = {"kvm_exit",        "kvm_pio",           "kvm_cpuid",
                                  "kvm_msr",         "kvm_mmio",          "kvm_hypercall",
                                  "kvm_vcpu_wakeup", "kvm_userspace_exit"};

// The tracefs mount that has KVM's events, or "" (then whyNot says so).
std::string findTracefs(std::string &whyNot) {
  for (const char *root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    if (isDirectory(std::string(root) + "/events/kvm") &&
        isDirectory(std::string(root) + "/instances"))
      return root;
  whyNot = geteuid() != 0
               ? "KVM tracepoints need root (tracefs is not readable)"
               : "no tracefs with KVM events at /sys/kernel/tracing or "
                 "/sys/kernel/debug/tracing (mount -t tracefs nodev /sys/kernel/tracing)";
  return "";
}

uint64_t lostEventsOf(const std::string &instance) {
  uint64_t lost = 0;
  DIR *directory = opendir((instance + "/per_cpu").c_str());
  if (!directory)
    return 0;
  while (dirent *entry = readdir(directory)) {
    if (std::strncmp(entry->d_name, "cpu", 3) != 0)
      continue;
    std::ifstream stats(instance + "/per_cpu/" + entry->d_name + "/stats");
    std::string name;
    unsigned long long value = 0;
    while (stats >> name >> value)
      if (name == "overrun:")
        lost += value;
  }
  closedir(directory);
  return lost;
}

// The instance of the live session, removed by a terminating signal (Ctrl-C during a
// long boot) so that no instance and its ring buffers stay behind in the kernel.
char liveInstance[512];
volatile sig_atomic_t instanceLive = 0;
const int TerminatingSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction previousActions[3];

void removeInstanceAndDie(int signalNumber) {
  if (instanceLive)
    rmdir(liveInstance); // async-signal-safe; the handler was reset to the default
  raise(signalNumber);
}

void watchTerminatingSignals(const std::string &instance) {
  std::snprintf(liveInstance, sizeof liveInstance, "%s", instance.c_str());
  instanceLive = 1;
  struct sigaction action {};
  action.sa_handler = removeInstanceAndDie;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (size_t index = 0; index < 3; ++index)
    sigaction(TerminatingSignals[index], &action, &previousActions[index]);
}

void unwatchTerminatingSignals() {
  for (size_t index = 0; index < 3; ++index)
    sigaction(TerminatingSignals[index], &previousActions[index], nullptr);
  instanceLive = 0;
}

} // namespace

const char *portDevice(unsigned port) {
  if (port >= 0x3f8 && port <= 0x3ff)
    return "uart";
  if ((port >= 0x40 && port <= 0x43) || port == 0x61)
    return "pit";
  if (port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1)
    return "pic";
  if (port == 0x80)
    return "io_delay";
  if (port >= 0xf4 && port <= 0xf7)
    return "debug_exit";
  if (port >= 0xcf8 && port <= 0xcff)
    return "pci_config";
  if (port >= 0x510 && port <= 0x51b)
    return "fw_cfg"; // QEMU's firmware configuration interface, read by the firmware
  // QEMU's PCI I/O BARs (the virtio console's legacy BAR among them) start at 0xc000.
  if (port >= 0xc000 && port <= 0xffff)
    return "virtio";
  return "other";
}

const char *mmioDevice(uint64_t address) {
  if (address >= 0xfee00000 && address <= 0xfeefffff)
    return "lapic";
  if (address >= 0xfec00000 && address <= 0xfec00fff)
    return "ioapic";
  if (address >= 0xfed00000 && address <= 0xfed003ff)
    return "hpet";
  return "other";
}

void KvmExitTally::addLine(std::string_view line) {
  if (line.empty() || line.front() == '#')
    return;
  std::vector<std::string_view> fields = splitFields(line);
  for (size_t index = 0; index < fields.size(); ++index) {
    if (!isEventField(fields[index]))
      continue;
    std::string_view event = fields[index].substr(0, fields[index].size() - 1);
    size_t argumentsStart = fields[index].data() + fields[index].size() - line.data();
    addEvent(event, line.substr(argumentsStart));
    return;
  }
}

void KvmExitTally::addEvent(std::string_view event, std::string_view arguments) {
  std::vector<std::string_view> fields = splitFields(arguments);
  uint64_t value = 0;
  if (event == "kvm_exit") {
    hardware_ = true;
    std::string_view reason = fieldAfter(fields, "reason");
    count("exit " + std::string(reason.empty() ? "unknown" : reason));
  } else if (event == "kvm_userspace_exit") {
    std::string_view reason = fieldAfter(fields, "reason");
    ++userspace_[std::string(reason.empty() ? "unknown" : reason)];
  } else if (event == "kvm_pio" && fields.size() >= 3 && parseHex(fields[2], value)) {
    const char *direction = fields[0] == "pio_write" ? "out" : "in";
    count(std::string("pio ") + portDevice((unsigned)value) + " " + direction);
  } else if (event == "kvm_cpuid" && parseHex(fieldAfter(fields, "func"), value)) {
    count("cpuid " + hexKey(value));
  } else if (event == "kvm_msr" && fields.size() >= 2 && parseHex(fields[1], value)) {
    count(std::string("msr ") + (fields[0] == "msr_write" ? "write " : "read ") + hexKey(value));
  } else if (event == "kvm_mmio" && fields.size() >= 2 &&
             parseHex(fieldAfter(fields, "gpa"), value)) {
    // A read QEMU completes is traced twice: "unsatisfied-read", then "read". One exit.
    if (fields[1] == "read" && pendingMmioRead_ && *pendingMmioRead_ == value) {
      pendingMmioRead_.reset();
      return;
    }
    pendingMmioRead_.reset();
    if (fields[1] == "unsatisfied-read")
      pendingMmioRead_ = value;
    const char *direction = fields[1] == "write" ? "write" : "read";
    count(std::string("mmio ") + mmioDevice(value) + " " + direction);
  } else if (event == "kvm_hypercall" && parseHex(fieldAfter(fields, "nr"), value)) {
    count("hypercall " + hexKey(value));
  } else if (event == "kvm_vcpu_wakeup") {
    count("hlt");
  }
}

uint64_t KvmExitTally::total() const {
  uint64_t sum = 0;
  for (const auto &[key, value] : reasons_)
    if (!hardware_ || key.compare(0, 5, "exit ") == 0)
      sum += value;
  return sum;
}

uint64_t KvmExitTally::userspaceTotal() const {
  uint64_t sum = 0;
  for (const auto &[reason, value] : userspace_)
    sum += value;
  return sum;
}

std::unique_ptr<KvmTraceSession> KvmTraceSession::start(std::string &whyNot) {
  std::string root = findTracefs(whyNot);
  if (root.empty())
    return nullptr;
  std::string instance = root + "/instances/afterburner-boot-" + std::to_string(getpid());
  if (mkdir(instance.c_str(), 0755) != 0) {
    whyNot = "cannot create the tracefs instance " + instance + ": " + std::strerror(errno) +
             (errno == EACCES || errno == EPERM ? " (root needed)" : "");
    return nullptr;
  }
  watchTerminatingSignals(instance);
  std::unique_ptr<KvmTraceSession> session(new KvmTraceSession(instance));
  // The launcher itself emits no KVM event; event-fork adds the QEMU it forks next and
  // QEMU's threads, so other guests on the machine are not counted.
  bool ready = writeFile(instance + "/options/event-fork", "1") &&
               writeFile(instance + "/set_event_pid", std::to_string(getpid())) &&
               writeFile(instance + "/buffer_size_kb", "32768");
  int enabled = 0;
  for (const char *event : ExitEvents)
    enabled += writeFile(instance + "/events/kvm/" + event + "/enable", "1");
  if (!ready || enabled == 0) {
    whyNot = "cannot set up the tracefs instance " + instance +
             " (event-fork, set_event_pid "
             "or the kvm events)";
    return nullptr;
  }
  return session;
}

KvmTraceSession::~KvmTraceSession() {
  writeFile(instance_ + "/tracing_on", "0");
  rmdir(instance_.c_str());
  unwatchTerminatingSignals();
}

bool KvmTraceSession::finish(KvmExitTally &tally, uint64_t &lostEvents, std::string &error) {
  writeFile(instance_ + "/tracing_on", "0");
  std::ifstream trace(instance_ + "/trace");
  if (!trace) {
    error = "cannot read " + instance_ + "/trace: " + std::strerror(errno);
    return false;
  }
  for (std::string line; std::getline(trace, line);)
    tally.addLine(line);
  lostEvents = lostEventsOf(instance_);
  return true;
}

} // namespace afterburner::tool
