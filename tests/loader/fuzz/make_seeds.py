#!/usr/bin/env python3
"""make_seeds.py: writes the note-parser fuzz seeds into seeds/ (checked in).

Each seed is 64 bytes of kernel text followed by a note stream (the fuzz target's
input format, NoteParserFuzzer.cpp). Text is at image address 0x10000, notes at
0x10040, so site_offset = site - record address.
"""
import os
import struct

TEXT = 0x10000
NOTES = TEXT + 64
NAME = b"Afterburner\0"
NOP = {1: b"\x90", 2: b"\x66\x90", 3: b"\x0f\x1f\x00", 4: b"\x0f\x1f\x40\x00",
       5: b"\x0f\x1f\x44\x00\x00", 6: b"\x66\x0f\x1f\x44\x00\x00",
       7: b"\x0f\x1f\x80\x00\x00\x00\x00", 8: b"\x0f\x1f\x84\x00\x00\x00\x00\x00",
       9: b"\x66\x0f\x1f\x84\x00\x00\x00\x00\x00"}


def pad(length):
    out = b""
    while length > 0:
        size = min(length, 9)
        out += NOP[size]
        length -= size
    return out


def site(insn, length):
    return insn + pad(length - len(insn))


def record(site_address, record_address, op, site_length, insn_length, mode=64, flags=0):
    return struct.pack("<iHBBBBBBBBBBBBHi", site_address - record_address, op, site_length,
                       insn_length, mode, flags, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0, 0)


def note(kind_type, descriptor, name=NAME):
    body = struct.pack("<III", len(name), len(descriptor), kind_type) + name
    body += b"\0" * (-len(body) % 4) + descriptor
    return body + b"\0" * (-len(body) % 4)


SITES = 0x41425302
PATCH_STATE = 0x41425002


def sites_note(note_address, entries):
    """entries: (site_address, op, site_length, insn_length[, mode, flags])."""
    first = note_address + 12 + len(NAME)
    descriptor = b""
    for index, entry in enumerate(entries):
        descriptor += record(entry[0], first + 24 * index, *entry[1:])
    return note(SITES, descriptor)


def write(name, text, notes):
    text = text + b"\xcc" * (64 - len(text))
    with open(os.path.join(os.path.dirname(__file__), "seeds", name), "wb") as stream:
        stream.write(text + notes)


def main():
    os.makedirs(os.path.join(os.path.dirname(__file__), "seeds"), exist_ok=True)
    text = site(b"\xfa", 16) + site(b"\xfb", 16) + site(b"\x0f\xa2", 12) + site(b"\x48\xcf", 12)
    entries = [(TEXT, 1, 16, 1), (TEXT + 16, 2, 16, 1), (TEXT + 32, 55, 12, 2),
               (TEXT + 44, 60, 12, 2)]
    valid = sites_note(NOTES, entries)
    write("valid-four-sites", text, valid + note(PATCH_STATE, b"\0" * 24))
    foreign = note(3, b"\x11" * 20, b"GNU\0") + note(0x41425a01, b"\x01" * 7)
    write("foreign-and-future", text, foreign + sites_note(NOTES + len(foreign), entries[:1]))
    write("wrong-generation", text, note(0x41425301, record(TEXT, NOTES + 24, 1, 16, 1)))
    write("truncated", text, valid[:40])
    write("overlap", text, sites_note(NOTES, [(TEXT, 1, 16, 1), (TEXT, 1, 16, 1)]))
    write("prepatched", text, sites_note(NOTES, [(TEXT, 1, 16, 1, 64, 0x80)]) +
          note(PATCH_STATE, b"fuzz" + b"\0" * 12 + struct.pack("<II", 1, 0)))


if __name__ == "__main__":
    main()
