#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus fuzz/corpus/<target>/ (committed; rerun after changing an input format).

The input formats are documented in fuzz/src/<target>.rs. Seeds stay small: libFuzzer grows
its working corpus under build/fuzz/ (scripts/fuzz.sh), never here.
"""
import os
import struct
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in seeds:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


# parse_target: a netconsole= parameter as it is.
PARAMS = {
    "full_v4": b"6665@10.0.0.1/eth0,6666@10.0.0.2/00:11:22:33:44:55",
    "minimal": b"@/,@10.0.0.2/",
    "extended": b"+@/,@192.168.1.1/",
    "extended_release": b"+r6665@/eth1,514@192.168.0.2/",
    "release_only": b"r@/,@1.2.3.4/",
    "v6_link_local": b"@fe80::1/eth0,@fe80::2/",
    "v6_full": b"6665@2001:db8::1/eth0,6666@2001:db8::2/",
    "v6_mapped": b"@/,@::ffff:10.0.0.1/",
    "v6_loopback": b"@/,@::1/",
    "v6_eight_words": b"@/,@1:2:3:4:5:6:7:8/",
    "v6_any": b"@/,@::/",
    "v6_isatap": b"@/,@fe80::200:5efe:192.0.2.1/",
    "v6_dotted_tail": b"@/,@0001:0002::0003:4.5.6.7/",
    "dev_mac": b"@/00:11:22:33:44:55,@10.0.0.2/",
    "dev_long_name": b"@/averyveryverylongdevicename,@10.0.0.2/",
    "whitespace_port": b"@/, 6666@10.0.0.2/",
    "tab_port": b"@/,\t6666@10.0.0.2/",
    "plus_port": b"+6665@/,+6666@1.2.3.4/",
    "newline_port": b"6665\n@/,6666\n@1.2.3.4/",
    "three_targets": b"@/,@10.0.0.1/;+@/,@10.0.0.2/;;",
    "port_range": b"65536@/,@1.2.3.4/",
    "port_huge": b"18446744073709551616x@/,@1.2.3.4/",
    "family_mismatch": b"@1.2.3.4/,@::1/",
    "bad_octet": b"@/,@1.2.3.256/",
    "bad_mac": b"@/,@1.2.3.4/zz:11:22:33:44:55",
    "short_mac": b"@/,@1.2.3.4/00:11:22",
    "mac_trailing": b"@/,@1.2.3.4/00:11:22:33:44:55:66",
    "no_remote": b"@/,@",
    "bare_ip": b"1.2.3.4",
    "broadcast_mac": b"+6665@10.0.0.1/eth0,6666@10.0.0.2/ff:ff:ff:ff:ff:ff",
    "nul_inside": b"@/,@10.0.0.2/\x00;@/,@10.0.0.3/",
    "empty": b"",
    "upper_mac_dev": b"@/AA:BB:CC:DD:EE:FF,@10.0.0.2/AA:bb:CC:dd:EE:ff",
    "v4_leading_zeros": b"@010.000.000.001/,@0010.0.0.2/",
    "v4_trailing_dot": b"@/,@1.2.3.4./",
}

# addr: selector, 16 bytes IPv6, 4 bytes IPv4, text.
def addr(selector, v6, v4, text):
    assert len(v6) == 16 and len(v4) == 4
    return bytes([selector]) + v6 + v4 + text

Z16 = bytes(16)
MAPPED = bytes(10) + b"\xff\xff" + bytes([192, 0, 2, 128])
ISATAP = bytes.fromhex("fe800000000000000200" "5efe") + bytes([192, 0, 2, 1])
DOC = bytes.fromhex("20010db8000000000000ff0000428329")
ONE_ZERO = bytes.fromhex("00010000000200030004000500060007")
ADDR = {
    "v4": addr(0, Z16, b"\x01\x02\x03\x04", b"1.2.3.4"),
    "v4_max": addr(7, DOC, b"\xff" * 4, b"255.255.255.255"),
    "v4_octet_256": addr(44, Z16, b"\x00" * 4, b"256.1.1.1"),
    "v4_leading_zeros": addr(3, MAPPED, b"\x0a\x00\x00\x01", b"01.002.0003.4"),
    "v4_hex_letter": addr(5, ISATAP, b"\x7f\x00\x00\x01", b"1.2.3.4a"),
    "v4_colon_end": addr(5, Z16, b"\x7f\x00\x00\x01", b"1.2.3.4:5"),
    "v6_any": addr(1, Z16, bytes(4), b"::"),
    "v6_loopback": addr(2, bytes(15) + b"\x01", bytes(4), b"::1"),
    "v6_head": addr(9, ONE_ZERO, bytes(4), b"1::"),
    "v6_link_local": addr(12, ISATAP, bytes(4), b"fe80::1"),
    "v6_doc": addr(20, DOC, bytes(4), b"2001:db8::ff00:42:8329"),
    "v6_mapped": addr(30, MAPPED, bytes(4), b"::ffff:192.0.2.128"),
    "v6_eight": addr(40, ONE_ZERO, bytes(4), b"1:2:3:4:5:6:7:8"),
    "v6_dotted": addr(41, DOC, bytes(4), b"1:2:3:4:5:6:1.2.3.4"),
    "v6_isatap": addr(43, ISATAP, bytes(4), b"fe80::200:5efe:192.0.2.1"),
    "v6_double_gap": addr(10, Z16, bytes(4), b"1::2::3"),
    "v6_long_group": addr(10, Z16, bytes(4), b"12345::"),
    "v6_zero_padded": addr(10, Z16, bytes(4), b"0000000001::00000002"),
    "v6_nine_words": addr(10, Z16, bytes(4), b"1:2:3:4:5:6:7:8:9"),
    "v6_upper": addr(10, DOC, bytes(4), b"FE80::ABCD:EF01"),
    "mac": addr(11, bytes.fromhex("001122334455") + bytes(10), bytes(4), b"00:11:22:33:44:55"),
    "mac_mixed_case": addr(11, Z16, bytes(4), b"AA:bb:CC:dd:EE:ff:extra"),
    "mac_bad_sep": addr(11, Z16, bytes(4), b"00-11-22-33-44-55"),
    "port_plus": addr(0, Z16, bytes(4), b"+6666"),
    "port_newline": addr(0, Z16, bytes(4), b"6666\n"),
    "port_two_newlines": addr(0, Z16, bytes(4), b"6666\n\n"),
    "port_max": addr(0, Z16, bytes(4), b"65535"),
    "port_range": addr(0, Z16, bytes(4), b"65536"),
    "port_u64_max": addr(0, Z16, bytes(4), b"18446744073709551615"),
    "port_u64_over": addr(0, Z16, bytes(4), b"18446744073709551616junk"),
    "port_zero": addr(0, Z16, bytes(4), b"0"),
    "port_plus_only": addr(0, Z16, bytes(4), b"+"),
    "port_minus": addr(0, Z16, bytes(4), b"-1"),
    "port_hex_tail": addr(0, Z16, bytes(4), b"12a"),
    "port_space": addr(0, Z16, bytes(4), b" 6666"),
    "empty": addr(0, Z16, bytes(4), b""),
}

# frame: flags ip_id src_port dst_port pad pad_byte slack src_mac dst_mac src_ip dst_ip payload.
def frame(flags, payload=b"hello\n", pad=0, slack=0, v6=False, ip_id=0x1234,
          ports=(6665, 6666), pad_byte=0x41):
    src = bytes.fromhex("fe800000000000000000000000000001") if v6 else bytes([10, 0, 0, 1]) + bytes(12)
    dst = bytes.fromhex("fe800000000000000000000000000002") if v6 else bytes([10, 0, 0, 2]) + bytes(12)
    hdr = struct.pack("<BHHHHBB", flags, ip_id, ports[0], ports[1], pad, pad_byte, slack)
    return hdr + bytes.fromhex("020000000001") + b"\xff" * 6 + src + dst + payload

FRAME = {
    "v4": frame(0),
    "v6": frame(1, v6=True),
    "v4_empty": frame(0, payload=b""),
    "v6_empty": frame(1, payload=b"", v6=True),
    "v4_odd": frame(0, payload=b"abc"),
    "mismatch_v4": frame(2),
    "mismatch_v6": frame(3, v6=True),
    "v4_slack": frame(0, slack=17),
    "v4_short_buf": frame(8, slack=1),
    "v6_short_buf": frame(9, slack=60, v6=True),
    "v4_chunk": frame(4, payload=b"", pad=1000, pad_byte=0x61),
    "v4_max": frame(4, payload=b"", pad=65507),
    "v4_too_long": frame(4, payload=b"", pad=65508),
    "v6_max": frame(5, payload=b"", pad=65527, v6=True),
    "v6_too_long": frame(5, payload=b"", pad=65528, v6=True),
    "v4_ports": frame(0, ports=(0, 65535), ip_id=0xffff),
    "csum_zero": frame(0, payload=b"\xff\xff\x00\x00"),
    "v4_ones": frame(4, payload=b"", pad=333, pad_byte=0xff),
}

# fragment: flags pad pad_byte cpu msgid, then record\0release\0userdata\0taskname\0sysrelease.
def frag(flags, record, release=b"", userdata=b"", taskname=b"", sysrelease=b"",
         pad=0, pad_byte=0x78, cpu=1, msgid=42):
    hdr = struct.pack("<BHBII", flags, pad, pad_byte, cpu, msgid)
    return hdr + b"\0".join([record, release, userdata, taskname, sysrelease])

REC = b"6,123,456789,-;hello world\n"
HDR = b"4,2048,1234567890,c;"
FRAG = {
    "short": frag(0, REC),
    "short_release": frag(1, REC, release=b"6.12.0-amd64"),
    "all_sysdata": frag(0x1e, REC, taskname=b"swapper/0", sysrelease=b"6.12.0"),
    "userdata": frag(0, REC, userdata=b" key=value\n other=1\n"),
    "everything": frag(0x1f, REC, release=b"6.12.0", userdata=b" k=v\n",
                       taskname=b"kworker/0:1", sysrelease=b"6.12.0", cpu=4294967295,
                       msgid=4294967295),
    "fits_exactly": frag(0x20, HDR, pad=1000 - len(HDR)),
    "one_over": frag(0x20, HDR, pad=1001 - len(HDR)),
    "one_over_release": frag(0x21, HDR, release=b"6.12.0", pad=1001 - len(HDR) - 7),
    "two_fragments": frag(0x20, HDR, pad=1500),
    "three_fragments": frag(0x3f, HDR, release=b"6.12.0", userdata=b" a=b\n", pad=2000,
                            taskname=b"init", sysrelease=b"6.12.0"),
    "sysdata_overflows": frag(0x1e, HDR + b"x" * 950, taskname=b"t" * 16,
                              sysrelease=b"6.12.0-rc1"),
    "userdata_overflows": frag(0, HDR + b"y" * 900, userdata=b" key=" + b"v" * 200 + b"\n"),
    "no_semicolon": frag(0x20, b"6,1,2,-", pad=1200),
    "header_too_long": frag(0x20, b"h" * 995 + b";", pad=100),
    "header_just_fits": frag(0x20, b"h" * 980 + b";", pad=100),
    "empty_body": frag(0x1e, b"6,1,2,-;", taskname=b"z" * 500, sysrelease=b"r" * 500),
    "semicolon_in_body": frag(0x20, b"6,1,2,-;a;b;c;", pad=1100, pad_byte=ord(";")),
    "empty": b"",
}

write("parse_target", PARAMS.items())
write("addr", ADDR.items())
write("frame", FRAME.items())
write("fragment", FRAG.items())
# cdiff: plain text, read as an address, a MAC, a port and a target.
write("cdiff", [("param_" + k, v) for k, v in PARAMS.items()] +
      [("addr_" + k, v[21:]) for k, v in ADDR.items() if v[21:]])
