#!/usr/bin/env python3
"""Writes icons/icon.ico from the PNGs in icons/ (32, 128 and 256 pixels).

Windows needs an .ico: tauri-build embeds it in keydesk.exe and the NSIS installer shows
it. The entries are the PNGs as they are (PNG-compressed ICO entries, read by Windows Vista
and later). Run again after the PNGs change.
"""
import pathlib
import struct

ICONS = pathlib.Path(__file__).resolve().parent.parent / "icons"
datas = [(ICONS / n).read_bytes() for n in ("32x32.png", "128x128.png", "128x128@2x.png")]
out = struct.pack("<HHH", 0, 1, len(datas))
offset = 6 + 16 * len(datas)
for data in datas:
    width, height = struct.unpack(">II", data[16:24])
    # A dimension of 256 is written as 0.
    out += struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
(ICONS / "icon.ico").write_bytes(out + b"".join(datas))
