#!/usr/bin/env python3
# count-sensitive.py: counts virtualization-sensitive instructions in `objdump -d
# --no-show-raw-insn` output (stdin), per site_abi.h op name, for scripts/linux-e2e.sh.
# Prints "op count" lines. This is an independent classifier (by mnemonic and operands),
# used to check the assembler's classification (by LLVM opcode) against GNU-as output.
import re
import sys

PREFIXES = {"rep", "repz", "repe", "repnz", "repne", "lock", "cs", "ds", "es", "fs", "gs",
            "ss", "data16", "data32", "addr16", "addr32", "notrack", "bnd", "xacquire",
            "xrelease"}
SEGMENTS = {"%es", "%cs", "%ss", "%ds", "%fs", "%gs"}
CONTROL = {"%cr0": "cr0", "%cr2": "cr2", "%cr3": "cr3", "%cr4": "cr4", "%cr8": "cr8"}
SIMPLE = {
    "cli": "cli", "sti": "sti", "hlt": "hlt", "clts": "clts", "rdmsr": "rdmsr",
    "wrmsr": "wrmsr", "rdtsc": "rdtsc", "rdtscp": "rdtscp", "rdpmc": "rdpmc",
    "cpuid": "cpuid", "wbinvd": "wbinvd", "invd": "invd", "swapgs": "swapgs",
    "xsetbv": "xsetbv", "xgetbv": "xgetbv", "stac": "stac", "clac": "clac",
    "lmsw": "lmsw", "lgdt": "lgdt", "lidt": "lidt", "lldt": "lldt", "ltr": "ltr",
    "sgdt": "sgdt", "sidt": "sidt", "sldt": "sldt", "str": "str", "invlpg": "invlpg",
    "invpcid": "invpcid", "lar": "lar", "lsl": "lsl", "verr": "verr", "verw": "verw",
    "arpl": "arpl", "rdfsbase": "rdfsbase", "rdgsbase": "rdgsbase", "wrfsbase": "wrfsbase",
    "wrgsbase": "wrgsbase", "xsaves": "xsaves", "xsaves64": "xsaves", "xrstors": "xrstors",
    "xrstors64": "xrstors", "monitor": "monitor", "mwait": "mwait", "smsw": "smsw",
}
LINE = re.compile(r"^\s*[0-9a-f]+:\s+(.*)$")


def split_operands(text):
    operands, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            operands.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        operands.append(current.strip())
    return operands


def classify(mnemonic, operands):
    base = mnemonic.rstrip("lwqb") if mnemonic not in SIMPLE else mnemonic
    if mnemonic in SIMPLE:
        return SIMPLE[mnemonic]
    if re.fullmatch(r"(lmsw|smsw|lgdt|lidt|sgdt|sidt|sldt|str|lldt|ltr|lar|lsl|verr|verw)[wlq]", mnemonic):
        return SIMPLE[mnemonic[:-1]]
    if re.fullmatch(r"pushf[wlq]?", mnemonic):
        return "pushf"
    if re.fullmatch(r"popf[wlq]?", mnemonic):
        return "popf"
    if re.fullmatch(r"iret[wdlq]?", mnemonic):
        return "iret"
    if re.fullmatch(r"sysret[lq]?", mnemonic):
        return "sysret"
    if re.fullmatch(r"sysexit[lq]?", mnemonic):
        return "sysexit"
    if re.fullmatch(r"lret[wlq]?", mnemonic):
        return "far_ret"
    if re.fullmatch(r"ljmp[wlq]?", mnemonic):
        return "far_jmp"
    if re.fullmatch(r"lcall[wlq]?", mnemonic):
        return "far_call"
    if re.fullmatch(r"l[defgs]s[wlq]?", mnemonic):
        return "load_far_pointer"
    if re.fullmatch(r"ins[bwld]", mnemonic):
        return "ins"
    if re.fullmatch(r"outs[bwld]", mnemonic):
        return "outs"
    if mnemonic in ("in", "inb", "inw", "inl"):
        return "in_dx" if operands and "%dx" in operands[0] else "in_imm"
    if mnemonic in ("out", "outb", "outw", "outl"):
        return "out_dx" if len(operands) > 1 and "%dx" in operands[1] else "out_imm"
    if mnemonic == "int" and operands:
        return "int_n"
    if re.fullmatch(r"push[wlq]?", mnemonic) and operands and operands[0] in SEGMENTS:
        return "push_sreg"
    if re.fullmatch(r"pop[wlq]?", mnemonic) and operands and operands[0] in SEGMENTS:
        return "pop_sreg"
    if re.fullmatch(r"mov[wlq]?", mnemonic) and len(operands) == 2:
        source, destination = operands
        if source in CONTROL:
            return "read_" + CONTROL[source]
        if destination in CONTROL:
            return "write_" + CONTROL[destination]
        if re.fullmatch(r"%d[br][0-7]", source):
            return "read_dr"
        if re.fullmatch(r"%d[br][0-7]", destination):
            return "write_dr"
        if source in SEGMENTS:
            return "read_sreg"
        if destination in SEGMENTS:
            return "write_sreg"
    return None


def main():
    counts = {}
    for line in sys.stdin:
        match = LINE.match(line)
        if not match:
            continue
        text = match.group(1).split("#")[0].split("<")[0].strip()
        words = text.split()
        while words and (words[0] in PREFIXES or words[0].startswith("rex")):
            words = words[1:]
        if not words:
            continue
        mnemonic = words[0]
        operands = split_operands(" ".join(words[1:]))
        op = classify(mnemonic, operands)
        if op:
            counts[op] = counts.get(op, 0) + 1
    for op in sorted(counts):
        print(op, counts[op])


if __name__ == "__main__":
    main()
