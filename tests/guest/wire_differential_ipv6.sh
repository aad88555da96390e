#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# timeout: 400
# Differential byte-identity over IPv6: the kernel's C netconsole and ours, loaded one after
# the other in this guest, send the same printk records, and every datagram is compared (count,
# order, bytes). See tests/lib/wire_diff.sh and wire_diff.py for how; in short:
# - Boot targets (basic, extended, extended with release) replay the log (CON_PRINTBUFFER)
#   from records logged before either module is loaded, so both modules send the very same
#   records, seq and timestamp included: records of 0 to 1023 bytes of text, every level,
#   facilities, escapes, multi-line records, the longest a record can be, and sweeps whose
#   console messages are 999, 1000, 1001 and 1999, 2000, 2001 bytes long for each kind (the
#   test fails if a kind does not produce them), up to the 2048-byte console buffer.
# - Userdata exists only on configfs targets, which cannot replay (the extended console of
#   Linux 6.12 gets CON_PRINTBUFFER only for boot targets, and userdata can only be set after
#   the module is loaded): their records are logged while each module is loaded, and only the
#   <seq> and <ts> header fields are normalised (replaced by placeholders of the same length,
#   after checking that the kernel log had that record with that timestamp); the test makes
#   sure both runs have the same number of digits there, so that fragment slicing is the same.
#   Userdata: one short key; 53-byte keys with 198- and 199-byte values; 16 keys (6.12's limit)
#   of 199-byte values (4 KiB, five fragments); 16 keys with some empty values.
# - One difference is documented (Documentation/netconsole-rs.rst) and accepted: an extended
#   message of exactly 1000 bytes with release or userdata, which C 6.12 cuts with scnprintf().
# It runs once, as "rust": it loads ours with modprobe and the C one from NC_MODROOT_C.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/wire_diff.sh"

topo_setup
wd_suite 6
